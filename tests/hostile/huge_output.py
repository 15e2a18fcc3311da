"""A correct notebook that prints 100 MB first.

base: solution
splice: top
loses:
"""
for _ in range(1000):
    print("x" * 100_000)
