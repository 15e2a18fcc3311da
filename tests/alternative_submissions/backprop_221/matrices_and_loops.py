"""Valid alternatives: weight matrices and np.dot, a tanh-based sigmoid, loops over names,
the step size split over two divisions, and an update built key by key."""
import numpy as np


_sig = np.vectorize(lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)), otypes=[float])  # a helper, not graded


def forward_221(x, params):
    W = np.array([[params["w11"], params["w21"]], [params["w12"], params["w22"]]])
    z = W @ np.asarray(x, dtype=float) + np.array([params["b1"], params["b2"]])
    a = _sig(z)
    z3 = float(np.dot([params["w13"], params["w23"]], a) + params["b3"])
    return {"z1": float(z[0]), "a1": float(a[0]), "z2": float(z[1]), "a2": float(a[1]),
            "z3": z3, "y_hat": float(_sig(z3))}


def backward_221(x, y, params):
    x = np.asarray(x, dtype=float)
    W = np.array([[params["w11"], params["w21"]], [params["w12"], params["w22"]]])
    a = _sig(W @ x + np.array([params["b1"], params["b2"]]))
    v = np.array([params["w13"], params["w23"]])
    d3 = float(_sig(v @ a + params["b3"])) - y
    d = d3 * v * a * (1 - a)
    grads = {"w13": d3 * a[0], "w23": d3 * a[1], "b3": d3}
    for j in (1, 2):
        grads[f"w1{j}"] = d[j - 1] * x[0]
        grads[f"w2{j}"] = d[j - 1] * x[1]
        grads[f"b{j}"] = d[j - 1]
    return {name: float(grads[name]) for name in PARAM_NAMES}


def numerical_gradient(f, params, h=1e-5):
    grads = {}
    for name in params:
        shifted = {k: (v + h if k == name else v) for k, v in params.items()}
        f_up = f(shifted)
        shifted[name] = params[name] - h
        grads[name] = (f_up - f(shifted)) / 2 / h
    return grads


def sgd_update(params, grads, lr):
    new = {}
    for name, value in params.items():
        new[name] = value - lr * grads[name]
    return new
