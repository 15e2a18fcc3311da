"""lossopt: the plumbing behind the chapters of *Loss Functions & Optimization*.

Plots, sliders, loss landscapes, toy data and gradient checks. It holds no graded solution:
the functions students implement live, as reference, in ``autograder.reference`` only.
"""
from . import toy_data

__all__ = ["toy_data"]
