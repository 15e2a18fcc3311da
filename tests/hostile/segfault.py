"""mse_sigmoid_grad crashes the kernel with a segmentation fault.

base: solution
splice: replace
loses: mse_sigmoid_grad_values mse_sigmoid_grad_hidden
"""
import ctypes


def mse_sigmoid_grad(z, y):
    return ctypes.string_at(0)
