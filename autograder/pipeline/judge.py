"""The verdicts: compare what the student's functions returned with ``autograder.reference``.

Runs in the grader's process only and never executes student code: the student's results arrive
as decoded data (:mod:`autograder.pipeline.collect`). A verdict is ``(passed, message)``; the message says
which input (visible cells: the call itself; hidden cells: the case's description), what was
expected and what was got, or which input the function modified. The comparison itself is
:func:`lossopt.checking.compare`, the very routine the visible tests run in the student's kernel,
so both sides accept and refuse the same results (its docstring states the type rule).
"""
import copy

import numpy as np

from lossopt.checking import compare, form, same_data, show

from . import collect
from ..checks import KernelCode, Previous

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
    return _private_copy(value)


_IMMUTABLE = (bool, int, float, complex, str, bytes, type(None), np.generic)


def _private_copy(value):
    """A copy of a leaf argument that nothing else holds: ``copy.deepcopy``, with its two
    common cases done directly (it is called for every argument of every call judged)."""
    if isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, np.ndarray) and value.dtype != object:
        return value.copy(order="K")  # what ndarray.__deepcopy__ does for plain dtypes
    return copy.deepcopy(value)


def encode_argument(value):
    """Wire form of a call argument (see :mod:`autograder.pipeline.collect`)."""
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


def _describe_call(call, resolved_args, resolved_kwargs):
    def shown(declared, resolved):
        # a grader-written function reads better as its expression than as <function <lambda>>
        return declared.source if isinstance(declared, KernelCode) else show(resolved, 120)

    parts = [shown(d, r) for d, r in zip(call.args, resolved_args)]
    parts += [f"{k}={shown(call.kwargs[k], v)}" for k, v in resolved_kwargs.items()]
    return f"{call.function}({', '.join(parts)})"


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
            return f"{where} raised {outcome['error']}; it should return {form(expected)}"
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
        if not same_data(before, after):
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
