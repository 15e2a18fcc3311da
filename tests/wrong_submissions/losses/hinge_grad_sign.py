"""hinge_grad with the sign flipped: +y/N inside the margin.

loses: hinge_grad_values hinge_grad_hidden
"""
def hinge_grad(s, y):
    s = np.asarray(s, dtype=float)
    return np.where(y * s < 1.0, y, 0.0) / s.size
