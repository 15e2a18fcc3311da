"""softmax without subtracting the row maximum: exp(1000) = inf, inf / inf = nan.

loses: softmax_stable softmax_hidden
"""
def softmax(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / np.sum(e, axis=-1, keepdims=True)
