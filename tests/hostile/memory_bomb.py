"""cross_entropy_grad allocates memory until something gives.

base: solution
splice: replace
loses: cross_entropy_grad_values cross_entropy_grad_hidden
"""


def cross_entropy_grad(z, labels, label_smoothing=0.0):
    hoard = []
    while True:
        hoard.append(bytearray(64 * 2**20))
