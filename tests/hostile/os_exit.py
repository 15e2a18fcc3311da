"""mse_sigmoid_grad kills the kernel with os._exit.

base: solution
splice: replace
loses: mse_sigmoid_grad_values mse_sigmoid_grad_hidden
"""
import os


def mse_sigmoid_grad(z, y):
    os._exit(0)
