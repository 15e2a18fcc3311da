"""Random inputs for hidden checks, shared by every assignment's registry module.

Everything takes a ``numpy.random.Generator`` (seeded from ``secrets`` at each grading run) and
returns float64 / int64 arrays, so a submission cannot be tuned to the inputs it will meet.
"""
import numpy as np


def size(rng, low=1, high=64):
    """A batch size in [low, high]; 1 is drawn often because it breaks mean-vs-sum mistakes least."""
    return int(rng.integers(low, high + 1))


def shape(rng, max_ndim=3, max_side=6):
    """A random array shape with 1..max_ndim axes."""
    return tuple(int(n) for n in rng.integers(1, max_side + 1, size=int(rng.integers(1, max_ndim + 1))))


def reals(rng, shape, scale=3.0):
    return rng.normal(0.0, scale, size=shape)


def logits(rng, shape, extreme=1000.0, fraction=0.25):
    """Moderate logits with about ``fraction`` of entries pushed to +-(30 .. ``extreme``).

    When extremes are asked for, one entry is exactly +``extreme`` (and another, if there is room,
    -``extreme``), so an exponential taken without care overflows on every draw.
    """
    z = rng.normal(0.0, 4.0, size=shape)
    if extreme:
        far = rng.random(size=shape) < fraction
        far.flat[int(rng.integers(z.size))] = True
        z[far] = rng.choice([-1.0, 1.0], size=int(far.sum())) * rng.uniform(30.0, extreme, int(far.sum()))
        at = rng.permutation(z.size)[:2]
        z.flat[at] = [extreme, -extreme][:len(at)]
    return z


def binary_labels(rng, shape):
    return rng.integers(0, 2, size=shape).astype(np.float64)


def signed_labels(rng, shape):
    return rng.choice([-1.0, 1.0], size=shape)


def class_labels(rng, n, k):
    return rng.integers(0, k, size=n).astype(np.int64)


def distributions(rng, n, k, zeros=True):
    """``n`` rows of ``k`` probabilities; with ``zeros``, some entries are exactly 0."""
    p = rng.gamma(1.0, size=(n, k))
    if zeros and k > 1:
        p[rng.random((n, k)) < 0.2] = 0.0
        keep = rng.integers(0, k, size=n)
        p[np.arange(n), keep] += 0.5  # every row keeps some mass
        p[0, (keep[0] + 1 + rng.integers(k - 1)) % k] = 0.0  # and one zero is always there
    return p / p.sum(axis=1, keepdims=True)


def confidently_wrong(rng, n, margin=(5.0, 1000.0)):
    """Logits far on the wrong side of their binary labels: the case MSE learns slowly from."""
    y = binary_labels(rng, n)
    z = rng.uniform(*margin, size=n) * np.where(y == 1.0, -1.0, 1.0)
    return z, y


def mixed_class_labels(rng, n, k):
    """``n >= 2`` class labels in ``0 .. k-1`` holding at least two different classes (a
    label-indexing mistake that is exact when every row has the same label must show)."""
    labels = class_labels(rng, n, k)
    labels[1] = (labels[0] + 1 + rng.integers(k - 1)) % k
    return rng.permutation(labels)


def logits_favouring(rng, labels, k, margin=(2.0, 5.0)):
    """Moderate logits in which each row's own class ``labels[i]`` beats every other class by
    at least ``margin[0]`` (others within +-1): the labelled class stands apart from every
    other, and no probability is within 1e-3 of 0 or 1."""
    z = rng.uniform(-1.0, 1.0, size=(len(labels), k))
    rows = np.arange(len(labels))
    z[rows, labels] = z.max(axis=1) + rng.uniform(*margin, size=len(labels))
    return z
