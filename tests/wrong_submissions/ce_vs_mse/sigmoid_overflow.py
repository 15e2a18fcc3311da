"""sigmoid as exp(z) / (1 + exp(z)): inf / inf = nan for large positive logits.

loses: sigmoid_values sigmoid_hidden
"""
def sigmoid(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / (1.0 + e)
