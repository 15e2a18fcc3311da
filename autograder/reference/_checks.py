"""Input validation shared by every reference function.

Each check raises a ``ValueError`` whose message names the offending argument, so that a student
comparing their function with the reference, or an instructor reading a grading log, sees at once
which input was wrong and why.
"""
import numbers

import numpy as np


def as_float_array(value, name):
    """Return ``value`` as a new float64 array, refusing non-numeric or non-finite input."""
    try:
        arr = np.array(value, dtype=np.float64)  # np.array copies: callers may not share memory
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric array-like; got {type(value).__name__}: {exc}") from None
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} non-finite value(s) (nan or inf)")
    return arr


def same_shape(a, b, name_a, name_b):
    """Refuse two arrays whose shapes differ (no silent broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape; got {a.shape} and {b.shape}")


def nonempty(arr, name):
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")


def ndim(arr, name, expected):
    if arr.ndim != expected:
        raise ValueError(f"{name} must be {expected}-D; got shape {arr.shape}")


def values_in(arr, name, allowed):
    """Refuse an array holding values outside ``allowed`` (e.g. labels {0, 1} or {-1, +1})."""
    ok = np.isin(arr, allowed)
    if not np.all(ok):
        bad = arr[~ok].ravel()[:3].tolist()
        raise ValueError(f"{name} must hold only the values {sorted(allowed)}; found {bad}")


def positive(x, name, allow_zero=False):
    x = finite_scalar(x, name)
    if x < 0 or (x == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'non-negative' if allow_zero else 'positive'}; got {x}")
    return x


def finite_scalar(x, name):
    if isinstance(x, bool) or not isinstance(x, (numbers.Real, np.floating, np.integer)):
        arr = np.asarray(x)
        if arr.ndim != 0 or not np.issubdtype(arr.dtype, np.number):
            raise ValueError(f"{name} must be a real number; got {x!r}")
        x = arr.item()
    x = float(x)
    if not np.isfinite(x):
        raise ValueError(f"{name} must be finite; got {x}")
    return x


def in_unit_interval(x, name, closed_right=True):
    x = finite_scalar(x, name)
    if x < 0 or x > 1 or (x == 1 and not closed_right):
        bound = "[0, 1]" if closed_right else "[0, 1)"
        raise ValueError(f"{name} must lie in {bound}; got {x}")
    return x


def integer(x, name, minimum):
    """Accept Python or NumPy integers (and integral floats such as 3.0) that are >= ``minimum``."""
    if isinstance(x, bool):
        raise ValueError(f"{name} must be an integer; got {x!r}")
    if isinstance(x, (numbers.Integral, np.integer)):
        value = int(x)
    elif isinstance(x, (numbers.Real, np.floating)) and float(x).is_integer():
        value = int(x)
    else:
        raise ValueError(f"{name} must be an integer; got {x!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    return value


def integer_labels(labels, name, n_classes):
    """Return integer class labels as an int64 array, each in ``[0, n_classes)``."""
    arr = np.asarray(labels)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise ValueError(f"{name} must hold integer class indices; got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating):
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must hold integer class indices; got non-integer values")
    out = arr.astype(np.int64)
    if out.size and (out.min() < 0 or out.max() >= n_classes):
        bad = out[(out < 0) | (out >= n_classes)][:3].tolist()
        raise ValueError(f"{name} must lie in [0, {n_classes}) for {n_classes} classes; found {bad}")
    return out
