"""forward_221 uses w12 for x2 -> unit 1 and w21 for x1 -> unit 2 (indices read the wrong way).

On the example (x2 = 0) only z2 = w21 x1 + b2 shows it; the hidden cell's inputs have x2 != 0.

loses: forward_221_example forward_221_random
"""


def forward_221(x, params):
    x1, x2 = float(x[0]), float(x[1])
    p = params
    z1 = p["w11"] * x1 + p["w12"] * x2 + p["b1"]
    z2 = p["w21"] * x1 + p["w22"] * x2 + p["b2"]
    a1, a2 = sigmoid(z1), sigmoid(z2)
    z3 = p["w13"] * a1 + p["w23"] * a2 + p["b3"]
    return {"z1": z1, "a1": a1, "z2": z2, "a2": a2, "z3": z3, "y_hat": sigmoid(z3)}
