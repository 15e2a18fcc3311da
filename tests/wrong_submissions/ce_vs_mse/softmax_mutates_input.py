"""softmax that shifts the caller's array in place (np.asarray does not copy).

loses: softmax_values softmax_stable softmax_hidden
"""
def softmax(z):
    z = np.asarray(z)
    z -= np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)
