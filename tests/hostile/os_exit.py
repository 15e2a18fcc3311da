"""cross_entropy_grad kills the kernel with os._exit.

base: solution
splice: replace
loses: cross_entropy_grad_values cross_entropy_grad_hidden
"""
import os


def cross_entropy_grad(z, labels, label_smoothing=0.0):
    os._exit(0)
