"""softmax normalised over the batch (axis 0) instead of over the classes.

loses: softmax_values softmax_stable softmax_hidden
"""
def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)
