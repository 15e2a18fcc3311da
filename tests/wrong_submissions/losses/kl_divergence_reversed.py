"""kl_divergence with p and q swapped: D(q || p).

loses: kl_divergence_values kl_divergence_hidden
"""
def kl_divergence(p, q):
    p, q = np.atleast_2d(np.asarray(q, dtype=float)), np.atleast_2d(np.asarray(p, dtype=float))
    support = p > 0
    if np.any(support & (q == 0)):
        return float("inf")
    return float(np.sum(p[support] * np.log(p[support] / q[support])) / p.shape[0])
