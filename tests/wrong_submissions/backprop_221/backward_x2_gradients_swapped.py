"""backward_221 gives w21 the gradient delta_2 x2 and w22 the gradient delta_1 x2 (indices read
the wrong way); with x2 = 0 both are zero, so only an input with x2 != 0 shows it.

loses: backward_221_example backward_221_random
"""


def backward_221(x, y, params):
    x1, x2 = float(x[0]), float(x[1])
    p = params
    a1 = sigmoid(p["w11"] * x1 + p["w21"] * x2 + p["b1"])
    a2 = sigmoid(p["w12"] * x1 + p["w22"] * x2 + p["b2"])
    y_hat = sigmoid(p["w13"] * a1 + p["w23"] * a2 + p["b3"])
    d3 = y_hat - y
    d1 = d3 * p["w13"] * a1 * (1 - a1)
    d2 = d3 * p["w23"] * a2 * (1 - a2)
    return {"w11": d1 * x1, "w21": d2 * x2, "b1": d1,
            "w12": d2 * x1, "w22": d1 * x2, "b2": d2,
            "w13": d3 * a1, "w23": d3 * a2, "b3": d3}
