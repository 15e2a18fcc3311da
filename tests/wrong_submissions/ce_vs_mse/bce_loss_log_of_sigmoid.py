"""bce_loss from log(sigmoid): log(0) = -inf once a logit is confidently wrong.

loses: bce_loss_stable bce_loss_hidden
"""
def bce_loss(z, y):
    s = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
    return float(-np.mean(y * np.log(s) + (1 - y) * np.log(1 - s)))
