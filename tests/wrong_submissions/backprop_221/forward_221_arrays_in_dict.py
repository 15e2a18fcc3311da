"""forward_221 computes the hidden layer as vectors and stores 1-element arrays in its dict
instead of numbers.

loses: forward_221_example forward_221_random
"""
import numpy as np


def forward_221(x, params):
    p = params
    W = np.array([[p["w11"], p["w21"]], [p["w12"], p["w22"]]])
    z = W @ np.asarray(x, dtype=float) + np.array([p["b1"], p["b2"]])
    a = sigmoid(z)
    z3 = p["w13"] * a[0:1] + p["w23"] * a[1:2] + p["b3"]
    return {"z1": z[0:1], "a1": a[0:1], "z2": z[1:2], "a2": a[1:2], "z3": z3, "y_hat": sigmoid(z3)}
