"""mse_sigmoid_grad allocates memory until something gives.

base: solution
splice: replace
loses: mse_sigmoid_grad_values mse_sigmoid_grad_hidden
"""


def mse_sigmoid_grad(z, y):
    hoard = []
    while True:
        hoard.append(bytearray(64 * 2**20))
