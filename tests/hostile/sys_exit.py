"""cross_entropy_grad raises SystemExit.

base: solution
splice: replace
loses: cross_entropy_grad_values cross_entropy_grad_hidden
"""
import sys


def cross_entropy_grad(z, labels, label_smoothing=0.0):
    sys.exit(0)
