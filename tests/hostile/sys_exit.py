"""mse_sigmoid_grad raises SystemExit.

base: solution
splice: replace
loses: mse_sigmoid_grad_values mse_sigmoid_grad_hidden
"""
import sys


def mse_sigmoid_grad(z, y):
    sys.exit(0)
