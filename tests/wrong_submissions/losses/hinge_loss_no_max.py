"""hinge_loss without the max(0, .): confident right answers earn negative loss.

loses: hinge_loss_values hinge_loss_hidden
"""
def hinge_loss(s, y):
    return float(np.mean(1.0 - np.asarray(y) * s))
