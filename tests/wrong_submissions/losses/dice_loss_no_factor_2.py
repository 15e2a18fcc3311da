"""dice_loss without the 2 in the numerator.

loses: dice_loss_values dice_loss_hidden
"""
def dice_loss(p, t, smooth=1.0):
    p = np.asarray(p, dtype=float)
    return float(1.0 - (np.sum(p * t) + smooth) / (np.sum(p) + np.sum(t) + smooth))
