"""kl_divergence computing 0 * log(0) = nan instead of 0.

loses: kl_divergence_values kl_divergence_hidden
"""
def kl_divergence(p, q):
    p = np.atleast_2d(np.asarray(p, dtype=float))
    q = np.atleast_2d(np.asarray(q, dtype=float))
    return float(np.sum(p * np.log(p / q)) / p.shape[0])
