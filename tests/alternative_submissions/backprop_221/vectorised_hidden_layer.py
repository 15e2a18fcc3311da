"""The hidden layer as a matrix-vector product, the given sigmoid applied to the whole vector;
the dicts hold Python floats."""
import numpy as np


def forward_221(x, params):
    p = params
    W = np.array([[p["w11"], p["w21"]], [p["w12"], p["w22"]]])
    z = W @ np.asarray(x, dtype=float) + np.array([p["b1"], p["b2"]])
    a = sigmoid(z)
    z3 = p["w13"] * a[0] + p["w23"] * a[1] + p["b3"]
    return {"z1": float(z[0]), "a1": float(a[0]), "z2": float(z[1]), "a2": float(a[1]),
            "z3": float(z3), "y_hat": sigmoid(z3)}


def backward_221(x, y, params):
    p = params
    x = np.asarray(x, dtype=float)
    W = np.array([[p["w11"], p["w21"]], [p["w12"], p["w22"]]])
    a = sigmoid(W @ x + np.array([p["b1"], p["b2"]]))
    v = np.array([p["w13"], p["w23"]])
    d3 = sigmoid(float(v @ a) + p["b3"]) - y
    d = d3 * v * a * (1 - a)
    gW = np.outer(d, x)
    return {"w11": float(gW[0, 0]), "w21": float(gW[0, 1]), "b1": float(d[0]),
            "w12": float(gW[1, 0]), "w22": float(gW[1, 1]), "b2": float(d[1]),
            "w13": float(d3 * a[0]), "w23": float(d3 * a[1]), "b3": float(d3)}
