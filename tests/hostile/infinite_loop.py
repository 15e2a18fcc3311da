"""mse_sigmoid_grad never returns, and swallows the interrupt that would stop it.

base: solution
splice: replace
loses: mse_sigmoid_grad_values mse_sigmoid_grad_hidden
"""


def mse_sigmoid_grad(z, y):
    while True:
        try:
            pass
        except BaseException:
            pass
