"""What runs in the student's kernel at grading time: code that only *collects* results as data.

:func:`collection_source` turns the cases the grader drew for one test cell into a self-contained
Python cell (json, base64 and numpy only; it never imports ``autograder``, which a sandbox hides).
The cell calls the student's functions on those inputs and publishes ONE display output of
mimetype :data:`RESULTS_MIME`: a JSON string of the results and the grader's per-run nonce. :func:`read_results` finds and
decodes that output in the grader's process. Nothing is pickled: values travel as JSON, arrays as
their raw little-endian bytes in base64 (exact, and NaN/inf survive), so the grader reads back
exactly what the student's function returned.

Wire format of one value (``encode`` / ``decode``, used on both sides of the kernel boundary)::

    {"none": true} | {"bool": b} | {"int": i} | {"float": float.hex(x)} | {"str": s}
    {"ndarray": base64, "dtype": "<f8", "shape": [...]}
    {"ndarray": base64, "dtype": "<f4", "shape": [], "scalar": true}   (a NumPy scalar other than
                                 float64/integer, e.g. float32: the type rule refuses it, so it
                                 must reach the grader as what it is, not as a Python float)
    {"tuple": [...]} | {"list": [...]} | {"dict": [[key, value], ...]}   (keys: str)
    {"unsupported": "type name"}
    {"previous": [call, item]}   (inputs only: the student's own result of an earlier call)
    {"kernel_code": source}      (inputs only: a grader-written expression, e.g. a lambda)
"""
import functools
import inspect
import json

RESULTS_MIME = "application/x-lossopt-results+json"

# Arrays above this many elements are not shipped back: no graded function returns one, and a
# runaway submission must not flood the notebook.
MAX_ARRAY_ELEMENTS = 1_000_000


def encode(value):
    """Encode ``value`` as plain JSON-able data (see the module docstring)."""
    import base64

    import numpy

    if value is None:
        return {"none": True}
    if isinstance(value, (bool, numpy.bool_)):
        return {"bool": bool(value)}
    if isinstance(value, (int, numpy.integer)):
        return {"int": int(value)}
    if isinstance(value, numpy.floating) and value.dtype != numpy.float64:
        return dict(encode(numpy.asarray(value)), scalar=True)
    if isinstance(value, (float, numpy.floating)):
        return {"float": float(value).hex()}
    if isinstance(value, str):
        return {"str": value[:1000]}
    if isinstance(value, numpy.ndarray):
        if value.dtype.kind not in "biuf" or value.size > MAX_ARRAY_ELEMENTS:
            return {"unsupported": f"ndarray of dtype {value.dtype} and shape {value.shape}"}
        little = numpy.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<"))
        return {"ndarray": base64.b64encode(little.tobytes()).decode("ascii"),
                "dtype": little.dtype.str, "shape": list(value.shape)}
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return {"list": [encode(v) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": [[k, encode(v)] for k, v in value.items()]}
    return {"unsupported": type(value).__name__}


def decode(data, previous=None, namespace=None):
    """Inverse of :func:`encode`; refuses anything that is not one of the listed forms.

    ``previous(call, item)`` resolves a reference to an earlier call's result; ``namespace`` is
    where ``kernel_code`` expressions are evaluated (only the grader writes those).
    """
    import base64

    import numpy

    if not isinstance(data, dict) or len(data) < 1:
        raise ValueError(f"not an encoded value: {str(data)[:80]}")
    if "ndarray" in data:
        dtype = numpy.dtype(str(data["dtype"]))
        if dtype.kind not in "biuf":
            raise ValueError(f"refusing array dtype {dtype}")
        shape = tuple(int(n) for n in data["shape"])
        raw = base64.b64decode(data["ndarray"].encode("ascii"), validate=True)
        array = numpy.frombuffer(raw, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
        return array[()] if data.get("scalar") and shape == () else array
    (kind, payload), = data.items()
    if kind == "none":
        return None
    if kind == "bool":
        return bool(payload)
    if kind == "int":
        return int(payload)
    if kind == "float":
        return float.fromhex(str(payload))
    if kind == "str":
        return str(payload)
    if kind in ("tuple", "list"):
        items = [decode(v, previous, namespace) for v in payload]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {str(k): decode(v, previous, namespace) for k, v in payload}
    if kind == "previous" and previous is not None:
        return previous(int(payload[0]), payload[1])
    if kind == "kernel_code" and namespace is not None:
        return eval(str(payload), dict(namespace))  # grader-written text only, never student data
    if kind == "unsupported":
        raise ValueError(f"value of unsupported type {payload}")
    raise ValueError(f"unknown encoded kind {kind!r}")


def _collect(payload_json):
    """Run in the student's kernel: call the student's functions, publish the results as data."""
    import json

    import numpy
    from IPython.display import display

    payload = json.loads(payload_json)
    user = globals()
    results = []
    for case in payload["cases"]:
        returned, outcomes = [], []
        for call in case:
            def previous(index, item):
                value = returned[index]
                if isinstance(value, BaseException) or value is _collect:
                    raise RuntimeError(f"step {index + 1} did not return a usable value")
                chosen = value if item is None else value[item]
                return decode(encode(chosen))  # a private copy: mutation stays observable
            outcome = {}
            try:
                args = [decode(a, previous, {"np": numpy, "numpy": numpy}) for a in call["args"]]
                kwargs = {k: decode(v, previous, {"np": numpy, "numpy": numpy})
                          for k, v in call["kwargs"]}
                function = user.get(call["function"])
                if not callable(function):
                    raise NameError(f"no function named {call['function']!r} is defined "
                                    "(run its cell; keep the name given in the skeleton)")
                value = function(*args, **kwargs)
                outcome["value"] = encode(value)
                outcome["args_after"] = [encode(a) for a in args]
                outcome["kwargs_after"] = [[k, encode(v)] for k, v in kwargs.items()]
            except (Exception, SystemExit) as exc:
                value = _collect
                outcome["error"] = f"{type(exc).__name__}: {exc}".rstrip(": ")[:2000]
            returned.append(value)
            outcomes.append(outcome)
        results.append(outcomes)
    # One JSON string, not a nested object: every hop after this one (the kernel's message, the
    # sandbox's runner and channel, the notebook the grader assembles) then carries one leaf
    # instead of tens of thousands of small objects that each would build, copy and check.
    display({RESULTS_MIME: json.dumps({"nonce": payload["nonce"], "results": results})}, raw=True)


@functools.lru_cache(maxsize=1)
def _helpers_source():
    """The helpers every collection cell carries, read once per process (``inspect.getsource``
    tokenizes this file: a tenth of a second per notebook graded if done for every cell)."""
    return "\n\n".join(inspect.getsource(f) for f in (encode, decode, _collect))


def collection_source(calls_per_case, nonce, docstring):
    """Source of a test cell that collects the student's results on the given cases.

    ``calls_per_case`` is a list (one entry per case) of lists of calls, each call a dict
    ``{"function": name, "args": [encoded...], "kwargs": [[name, encoded], ...]}``.
    """
    payload = json.dumps({"nonce": nonce, "cases": calls_per_case})
    helpers = _helpers_source()
    # One function scope, removed afterwards, so nothing of this cell lingers in the student's
    # namespace except what their own functions did.
    return (f"{docstring}\n"
            "# Collecting your functions' results on the grader's inputs; the grader judges them.\n"
            "def _lossopt_grading_cell():\n"
            f"    RESULTS_MIME = {RESULTS_MIME!r}\n"
            f"    MAX_ARRAY_ELEMENTS = {MAX_ARRAY_ELEMENTS!r}\n"
            + _indent(helpers) + "\n"
            f"    _collect({payload!r})\n"
            "_lossopt_grading_cell()\n"
            "del _lossopt_grading_cell\n")


def _indent(text):
    return "\n".join(("    " + line) if line.strip() else "" for line in text.splitlines())


def read_results(outputs, nonce):
    """Return the decoded results carried by ``outputs`` for ``nonce``, or raise ``ValueError``.

    Exactly one results output with the right nonce must be present; anything else (none, two,
    a stale nonce, malformed data) is refused with the reason.
    """
    carriers = [o for o in outputs
                if o.get("output_type") in ("display_data", "execute_result")
                and RESULTS_MIME in o.get("data", {})]
    if not carriers:
        raise ValueError("the grading cell produced no results (did an earlier cell stop the "
                         "kernel, loop forever, or change how cells run?)")
    matching = []
    for output in carriers:
        data = output["data"][RESULTS_MIME]
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                continue
        if isinstance(data, dict) and data.get("nonce") == nonce:
            matching.append(data)
    if len(matching) != 1:
        raise ValueError(f"expected one results output of this grading run, found {len(matching)}")
    results = matching[0].get("results")
    if not isinstance(results, list):
        raise ValueError("malformed results: no list of cases")
    return results
