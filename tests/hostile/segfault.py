"""cross_entropy_grad crashes the kernel with a segmentation fault.

base: solution
splice: replace
loses: cross_entropy_grad_values cross_entropy_grad_hidden
"""
import ctypes


def cross_entropy_grad(z, labels, label_smoothing=0.0):
    return ctypes.string_at(0)
