"""The verdicts: compare what the student's functions returned with ``autograder.reference``.

Runs in the grader's process only and never executes student code: the student's results arrive
as decoded data (:mod:`autograder.collect`). A verdict is ``(passed, message)``; the message says
which input (visible cells: the call itself; hidden cells: the case's description), what was
expected and what was got, or which input the function modified.
"""
import copy

import numpy as np

from . import collect
from .checks import KernelCode, Previous

_KERNEL_NAMESPACE = {"np": np, "numpy": np}


def _resolve(value, previous):
    """Grader-side value of a call argument (markers resolved, containers rebuilt)."""
    if isinstance(value, Previous):
        return previous(value.call_index, value.item)
    if isinstance(value, KernelCode):
        return eval(value.source, dict(_KERNEL_NAMESPACE))  # grader-written expression
    if isinstance(value, tuple):
        return tuple(_resolve(v, previous) for v in value)
    if isinstance(value, list):
        return [_resolve(v, previous) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, previous) for k, v in value.items()}
    return copy.deepcopy(value)


def encode_argument(value):
    """Wire form of a call argument (see :mod:`autograder.collect`)."""
    if isinstance(value, Previous):
        return {"previous": [value.call_index, value.item]}
    if isinstance(value, KernelCode):
        return {"kernel_code": value.source}
    if isinstance(value, tuple):
        return {"tuple": [encode_argument(v) for v in value]}
    if isinstance(value, list):
        return {"list": [encode_argument(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[k, encode_argument(v)] for k, v in value.items()]}
    return collect.encode(value)


def encode_case(case):
    return [{"function": call.function,
             "args": [encode_argument(a) for a in call.args],
             "kwargs": [[k, encode_argument(v)] for k, v in call.kwargs.items()]}
            for call in case.calls]


def reference_outputs(check, case):
    """What the reference returns for each call of ``case`` (its own state carried along)."""
    outputs = []

    def previous(index, item):
        value = outputs[index]
        return copy.deepcopy(value if item is None else value[item])

    for call in case.calls:
        function = check.reference_function(call.function)
        args = [_resolve(a, previous) for a in call.args]
        kwargs = {k: _resolve(v, previous) for k, v in call.kwargs.items()}
        outputs.append(function(*args, **kwargs))
    return outputs


def short(value, limit=240):
    """A compact, readable rendering of a value for a message."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, threshold=12, edgeitems=3, separator=", ")
        text = f"array({text})" if value.ndim else text
    elif isinstance(value, (float, np.floating)):
        text = repr(float(value))
    elif isinstance(value, (tuple, list)):
        inner = ", ".join(short(v, limit) for v in value)
        text = f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k!r}: {short(v, limit)}" for k, v in value.items()) + "}"
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _describe_call(call, resolved_args, resolved_kwargs):
    def shown(declared, resolved):
        # a grader-written function reads better as its expression than as <function <lambda>>
        return declared.source if isinstance(declared, KernelCode) else short(resolved, 120)

    parts = [shown(d, r) for d, r in zip(call.args, resolved_args)]
    parts += [f"{k}={shown(call.kwargs[k], v)}" for k, v in resolved_kwargs.items()]
    return f"{call.function}({', '.join(parts)})"


def compare(expected, got, rtol, atol, where="the result", explain=True):
    """``None`` when ``got`` matches ``expected``, else what differs (one sentence).

    ``explain=False`` names only where values differ, without printing the arrays: for replays
    of thousands of draws, where formatting every wrong answer would cost most of the time.
    """
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return f"{where} should be a {type(expected).__name__} of {len(expected)} values; got {_kind(got)}"
        if len(got) != len(expected):
            return f"{where} should hold {len(expected)} values; got {len(got)}"
        for i, (e, g) in enumerate(zip(expected, got)):
            problem = compare(e, g, rtol, atol, f"{where}[{i}]", explain)
            if problem:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"{where} should be a dict with keys {sorted(expected)}; got {_kind(got)}"
        if set(got) != set(expected):
            return f"{where} should have the keys {sorted(expected)}; got {sorted(got)}"
        for key in expected:
            problem = compare(expected[key], got[key], rtol, atol, f"{where}[{key!r}]", explain)
            if problem:
                return problem
        return None
    if isinstance(expected, np.ndarray):
        if isinstance(got, (list, tuple)):
            try:
                got = np.asarray(got, dtype=float)
            except (TypeError, ValueError):
                return f"{where} should be an array of shape {expected.shape}; got {_kind(got)}"
        if not isinstance(got, np.ndarray) or got.dtype.kind not in "biuf":
            return f"{where} should be an array of shape {expected.shape}; got {_kind(got)}"
        if got.shape != expected.shape:
            return f"{where} should have shape {expected.shape}; got shape {got.shape}"
        return _compare_numbers(expected, got.astype(float), rtol, atol, where, explain)
    if isinstance(expected, (float, int, np.floating, np.integer)) and not isinstance(expected, bool):
        if isinstance(got, np.ndarray) and got.shape == () and got.dtype.kind in "biuf":
            got = got.item()
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return f"{where} should be a number (a float); got {_kind(got)}"
        return _compare_numbers(np.asarray(float(expected)), np.asarray(float(got)), rtol, atol, where,
                                explain)
    if got != expected:
        return f"{where} should be {short(expected)}; got {short(got)}"
    return None


def _compare_numbers(expected, got, rtol, atol, where, explain=True):
    close = np.isclose(got, expected, rtol=rtol, atol=atol)
    if np.all(close):
        return None
    if not explain:
        return f"{where}: values differ"
    if expected.ndim == 0:
        return f"{where}: expected {short(expected.item())}, got {short(got.item())}"
    bad = np.argwhere(~close)
    first = tuple(int(i) for i in bad[0])
    # The first differing entry leads: it stays readable when the arrays are long.
    return (f"{where}: at index {first} expected {float(expected[first])!r}, got "
            f"{float(got[first])!r} ({len(bad)} of {expected.size} entries differ); "
            f"expected {short(expected, 160)}, got {short(got, 160)}")


def _kind(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"{type(value).__name__} {short(value, 80)}"


def _same_data(before, after):
    if isinstance(before, np.ndarray) or isinstance(after, np.ndarray):
        return (isinstance(before, np.ndarray) and isinstance(after, np.ndarray)
                and before.shape == after.shape and np.array_equal(before, after, equal_nan=True))
    if isinstance(before, (tuple, list)):
        return (isinstance(after, (tuple, list)) and len(before) == len(after)
                and all(_same_data(b, a) for b, a in zip(before, after)))
    if isinstance(before, dict):
        return (isinstance(after, dict) and before.keys() == after.keys()
                and all(_same_data(before[k], after[k]) for k in before))
    if callable(before):
        return True
    return before == after


def judge_case(check, case, outcomes, visible):
    """``None`` if the student's outcomes for ``case`` are right, else the failure message."""
    if not isinstance(outcomes, list) or len(outcomes) != len(case.calls):
        return "malformed results for this case"
    expected_outputs = reference_outputs(check, case)
    student_values = []

    def student_previous(index, item):
        value = student_values[index]
        return value if item is None else value[item]

    for step, (call, outcome, expected) in enumerate(zip(case.calls, outcomes, expected_outputs)):
        where = (_describe_call(call, *_resolved(call, student_previous)) if visible
                 else case.description)
        if len(case.calls) > 1:
            where = f"step {step + 1} of {len(case.calls)} of {where}"
        if not isinstance(outcome, dict):
            return f"{where}: malformed results"
        if "error" in outcome:
            return f"{where} raised {outcome['error']}"
        try:
            got = collect.decode(outcome["value"])
        except (KeyError, ValueError, TypeError) as exc:
            return f"{where} returned something the grader cannot read ({exc})"
        problem = compare(expected, got, check.rtol, check.atol)
        if problem:
            return f"{where}: {problem}"
        if check.check_mutation:
            problem = _mutation(call, outcome, student_previous)
            if problem:
                return f"{where}: {problem}"
        student_values.append(got)
    return None


def _resolved(call, student_previous):
    args = [_resolve(a, student_previous) for a in call.args]
    kwargs = {k: _resolve(v, student_previous) for k, v in call.kwargs.items()}
    return args, kwargs


def _mutation(call, outcome, student_previous):
    args, kwargs = _resolved(call, student_previous)
    declared = list(call.args) + list(call.kwargs.values())
    try:
        afters = list(outcome["args_after"]) + [dict(outcome["kwargs_after"]).get(k) for k in kwargs]
    except (KeyError, ValueError, TypeError) as exc:
        return f"the inputs after the call cannot be read ({exc})"
    names = [f"argument {i + 1}" for i in range(len(args))] + [f"argument {k!r}" for k in kwargs]
    befores = list(args) + list(kwargs.values())
    if len(afters) != len(befores):
        return "the inputs after the call cannot be read"
    for name, spec, before, encoded_after in zip(names, declared, befores, afters):
        if isinstance(spec, KernelCode):
            continue  # a function the grader wrote: nothing to mutate
        try:
            after = collect.decode(encoded_after)
        except (KeyError, ValueError, TypeError) as exc:
            return f"{name} cannot be read after the call ({exc})"
        if not _same_data(before, after):
            return (f"your function modified its input ({name}) in place; it must leave its "
                    "inputs unchanged and return new arrays")
    return None


def judge(check, cases, results, visible):
    """Verdict on one test cell: ``(passed, message)``."""
    if len(results) != len(cases):
        return False, f"expected results for {len(cases)} cases, got {len(results)}"
    for case, outcomes in zip(cases, results):
        problem = judge_case(check, case, outcomes, visible)
        if problem:
            return False, problem
    functions = sorted({call.function for case in cases for call in case.calls})
    return True, f"passed: {', '.join(functions)} on {len(cases)} case(s)"
