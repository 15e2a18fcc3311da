"""cross_entropy_grad never returns, and swallows the interrupt that would stop it.

base: solution
splice: replace
loses: cross_entropy_grad_values cross_entropy_grad_hidden
"""


def cross_entropy_grad(z, labels, label_smoothing=0.0):
    while True:
        try:
            pass
        except BaseException:
            pass
