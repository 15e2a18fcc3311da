"""A correct notebook that prints 50 MB first (fifty times the output a cell may keep).

base: solution
splice: top
loses:
"""
for _ in range(500):
    print("x" * 100_000)
