"""Verdicts in the chapters' prose, checked by the code that computes the numbers behind them.

Every number the book states is glued from code that runs when the book builds; a *verdict*
about those numbers ("diverges", "ends closer", "every gradient is negative") is a sentence that
can silently become false when the numbers change. A chapter states each verdict next to the
computation with :func:`claim`::

    from lossopt.claims import claim

    claim(cost_large > cost_start, "a learning rate of 1.05 has blown up after 30 steps")

If the condition is false the cell raises :class:`ClaimError` naming the sentence, so the chapter
(and the book build, which runs with ``allow_errors: false``) fails instead of printing a wrong
verdict.
"""
import numpy as np

__all__ = ["ClaimError", "claim", "checked"]

_CHECKED = []


class ClaimError(AssertionError):
    """A sentence of a chapter stated something its own numbers no longer show."""


def _truth(condition, sentence):
    # One condition, one verdict: an array would make "is this true?" ambiguous (all? any?), so
    # the chapter has to say which with np.all / np.any.
    value = np.asarray(condition)
    if value.shape != ():
        raise TypeError(f"claim {sentence!r}: the condition must be one truth value, got an array "
                        f"of shape {value.shape}; say np.all(...) or np.any(...)")
    if value.dtype.kind not in "bui":
        raise TypeError(f"claim {sentence!r}: the condition must be a truth value, got "
                        f"{type(condition).__name__} {condition!r}")
    return bool(value)


def claim(condition, sentence):
    """Check that ``condition`` holds, the computed fact behind ``sentence``; return ``True``.

    Raises :class:`ClaimError` with the sentence when it does not, and ``TypeError`` when the
    condition is not a single truth value. ``sentence`` is the verdict as the prose states it.
    """
    if not isinstance(sentence, str) or not sentence.strip():
        raise TypeError(f"claim needs the sentence it checks as a non-empty string, got {sentence!r}")
    if not _truth(condition, sentence):
        raise ClaimError(f"the book claims {sentence!r}, but the numbers computed here no longer "
                         "show it: fix the prose or the experiment")
    _CHECKED.append(sentence)
    return True


def checked():
    """The verdicts checked so far in this process, in order (for tests and reports)."""
    return list(_CHECKED)
