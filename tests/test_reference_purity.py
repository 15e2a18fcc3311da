"""Every reference function is pure and answers in float64.

Pure: no argument is modified (arrays, lists of arrays, params dicts), and no returned array shares
memory with an argument, so a student's later in-place update cannot reach back into the caller's
data. Each function is run twice: on read-only arrays (an in-place write raises at once) and on
writeable ones compared with a deep copy afterwards. float64: the result is float64 even when the
inputs are float32 or integers.
"""
import copy
import pathlib
import warnings

import numpy as np
import pytest

import reference_cases as cases
from autograder import reference as ref


def _arrays(rng):
    return {
        "vec": rng.normal(size=6), "vec2": rng.normal(size=6),
        "mat": rng.normal(size=(3, 4)), "mat2": rng.normal(size=(3, 4)),
        "state": rng.uniform(0.1, 1.0, size=(3, 4)),
    }


def _calls(rng):
    """name -> (function, positional arguments): every public function of the reference."""
    a = _arrays(rng)
    z, y01 = cases.binary_case(rng, n=6)
    s, ypm = cases.signed_case(rng, n=6)
    logits, labels = cases.multiclass_case(rng, n=3, k=4)
    p, q = cases.distributions(rng, zeros=True), cases.distributions(rng)
    mask_p, mask_t = cases.dice_case(rng)
    multi_z, multi_y = cases.multilabel_case(rng, n=3, k=4)
    label_weights, class_weights = rng.uniform(0.5, 3.0, size=4), rng.uniform(0.5, 3.0, size=4)
    params = cases.random_params(rng)
    grads = cases.random_params(rng)
    x = rng.normal(size=2)
    w, g, st1, st2 = a["mat"], a["mat2"], a["state"], a["state"] * 0.5
    line = cases.line_case(rng)
    return {
        "line_mse_loss": (ref.line_mse_loss, line),
        "line_mse_grad": (ref.line_mse_grad, line),
        "sigmoid": (ref.sigmoid, (a["mat"],)),
        "softmax": (ref.softmax, (a["mat"],)),
        "log_softmax": (ref.log_softmax, (a["mat"],)),
        "mse_loss": (ref.mse_loss, (a["vec"], a["vec2"])),
        "mse_grad": (ref.mse_grad, (a["vec"], a["vec2"])),
        "mae_loss": (ref.mae_loss, (a["vec"], a["vec2"])),
        "mae_grad": (ref.mae_grad, (a["vec"], a["vec2"])),
        "huber_loss": (ref.huber_loss, (a["vec"], a["vec2"], 0.5)),
        "huber_grad": (ref.huber_grad, (a["vec"], a["vec2"], 0.5)),
        "bce_loss": (ref.bce_loss, (z, y01)),
        "bce_grad": (ref.bce_grad, (z, y01)),
        "mse_sigmoid_loss": (ref.mse_sigmoid_loss, (z, y01)),
        "mse_sigmoid_grad": (ref.mse_sigmoid_grad, (z, y01)),
        "cross_entropy_loss": (ref.cross_entropy_loss, (logits, labels, 0.1)),
        "cross_entropy_grad": (ref.cross_entropy_grad, (logits, labels, 0.1)),
        "hinge_loss": (ref.hinge_loss, (s, ypm)),
        "hinge_grad": (ref.hinge_grad, (s, ypm)),
        "kl_divergence": (ref.kl_divergence, (p, q)),
        "dice_loss": (ref.dice_loss, (mask_p, mask_t)),
        "dice_grad": (ref.dice_grad, (mask_p, mask_t)),
        "iou_loss": (ref.iou_loss, (mask_p, mask_t)),
        "iou_grad": (ref.iou_grad, (mask_p, mask_t)),
        "weighted_bce_loss": (ref.weighted_bce_loss, (multi_z, multi_y, label_weights, a["state"])),
        "weighted_bce_grad": (ref.weighted_bce_grad, (multi_z, multi_y, label_weights, a["state"])),
        "weighted_cross_entropy_loss": (ref.weighted_cross_entropy_loss, (logits, labels, class_weights)),
        "weighted_cross_entropy_grad": (ref.weighted_cross_entropy_grad, (logits, labels, class_weights)),
        "focal_loss": (ref.focal_loss, (z, y01, 2.0, 0.25)),
        "focal_grad": (ref.focal_grad, (z, y01, 2.0, 0.25)),
        "sgd_step": (ref.sgd_step, (w, g, 0.1)),
        "momentum_step": (ref.momentum_step, (w, g, st1, 0.1)),
        "nesterov_step": (ref.nesterov_step, (w, g, st1, 0.1)),
        "adagrad_step": (ref.adagrad_step, (w, g, st1)),
        "rmsprop_step": (ref.rmsprop_step, (w, g, st1)),
        "adam_step": (ref.adam_step, (w, g, st2, st1, 3)),
        "adam_step_uncorrected": (ref.adam_step_uncorrected, (w, g, st2, st1, 3)),
        "adamw_step": (ref.adamw_step, (w, g, st2, st1, 3)),
        "adamax_step": (ref.adamax_step, (w, g, st2, st1, 3)),
        "nadam_step": (ref.nadam_step, (w, g, st2, st1, 3)),
        "amsgrad_step": (ref.amsgrad_step, (w, g, st2, st1, st1 * 1.5, 3)),
        "step_decay": (ref.step_decay, (25, 0.1)),
        "exponential_decay": (ref.exponential_decay, (25, 0.1, 0.9)),
        "cosine_annealing": (ref.cosine_annealing, (25, 100, 0.1)),
        "warmup_cosine": (ref.warmup_cosine, (25, 10, 100, 0.1)),
        "cosine_warm_restarts": (ref.cosine_warm_restarts, (25, 10, 0.1, 0.0, 2)),
        "clip_by_value": (ref.clip_by_value, (g, 0.5)),
        "clip_by_global_norm": (ref.clip_by_global_norm, ([a["mat"], a["vec"]], 0.5)),
        "forward_221": (ref.forward_221, (x, params)),
        "loss_221": (ref.loss_221, (x, 1, params)),
        "backward_221": (ref.backward_221, (x, 0, params)),
        "sgd_update": (ref.sgd_update, (params, grads, 0.1)),
        "numerical_gradient": (ref.numerical_gradient, (lambda prm: ref.loss_221(x, 1, prm), params)),
    }


NAMES = list(_calls(np.random.default_rng(0)))


def test_every_public_function_is_covered():
    """Check that the table above lists every function the reference exports."""
    exported = {n for n in ref.__all__ if callable(getattr(ref, n))}
    assert exported == set(NAMES)


def _map_arrays(value, fn):
    """Apply ``fn`` to every float ndarray inside nested tuples, lists and dicts."""
    if isinstance(value, np.ndarray):
        return fn(value) if np.issubdtype(value.dtype, np.floating) else value
    if isinstance(value, (list, tuple)):
        return type(value)(_map_arrays(v, fn) for v in value)
    if isinstance(value, dict):
        return {k: _map_arrays(v, fn) for k, v in value.items()}
    return value


def _leaves(value):
    if isinstance(value, (list, tuple)):
        return [leaf for v in value for leaf in _leaves(v)]
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    return [value]


def _read_only(arr):
    arr = arr.copy()
    arr.setflags(write=False)
    return arr


def _assert_same(before, after, where):
    if isinstance(before, np.ndarray):
        assert isinstance(after, np.ndarray) and after.dtype == before.dtype, where
        np.testing.assert_array_equal(after, before, err_msg=where)
    elif isinstance(before, (list, tuple, dict)):
        assert type(after) is type(before) and len(after) == len(before), where
        items = before.items() if isinstance(before, dict) else enumerate(before)
        for k, v in items:
            _assert_same(v, after[k], f"{where}[{k!r}]")
    elif not callable(before):
        assert after == before and type(after) is type(before), where


def _assert_float64(result, where):
    if isinstance(result, np.ndarray):
        assert result.dtype == np.float64, f"{where}: dtype {result.dtype}"
    elif isinstance(result, (tuple, list)):
        for i, r in enumerate(result):
            _assert_float64(r, f"{where}[{i}]")
    elif isinstance(result, dict):
        for k, r in result.items():
            _assert_float64(r, f"{where}[{k!r}]")
    else:
        assert type(result) is float, f"{where}: {type(result).__name__}, expected float (float64)"


@pytest.mark.parametrize("name", NAMES)
def test_inputs_are_never_modified(name):
    """Check that no argument changes, even a writeable one, and read-only arrays are accepted."""
    function, args = _calls(np.random.default_rng(1))[name]
    function(*_map_arrays(args, _read_only))
    snapshot = copy.deepcopy(args)
    function(*args)
    for i, (before, after) in enumerate(zip(snapshot, args, strict=True)):
        _assert_same(before, after, f"{name} argument {i}")


@pytest.mark.parametrize("name", NAMES)
def test_outputs_share_no_memory_with_inputs(name):
    """Check that every returned array is new: writing into it cannot change an argument."""
    function, args = _calls(np.random.default_rng(2))[name]
    outputs = [o for o in _leaves(function(*args)) if isinstance(o, np.ndarray)]
    inputs = [i for i in _leaves(args) if isinstance(i, np.ndarray)]
    for out in outputs:
        assert not any(np.shares_memory(out, i) for i in inputs), f"{name} returned a view of an argument"


@pytest.mark.parametrize("input_dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", NAMES)
def test_outputs_are_float64(name, input_dtype):
    """Check that losses and schedules return Python floats and arrays are float64, also from float32 inputs."""
    function, args = _calls(np.random.default_rng(3))[name]
    args = _map_arrays(args, lambda arr: arr.astype(input_dtype))
    _assert_float64(function(*args), f"{name}({input_dtype.__name__} inputs)")


def test_integer_inputs_give_float64_results():
    """Check that integer arrays are promoted, not computed in integer arithmetic."""
    assert ref.mse_loss([1, 2, 3], [0, 0, 0]) == pytest.approx(14 / 3)
    np.testing.assert_array_equal(ref.mse_grad(np.array([1, 2]), np.array([0, 0])), [1.0, 2.0])
    assert ref.sgd_step(np.array([1, 2]), np.array([1, 1]), 0.5).dtype == np.float64
    np.testing.assert_allclose(ref.softmax(np.array([0, 0])), [0.5, 0.5])
    assert ref.clip_by_value(np.array([3, -3]), 1).dtype == np.float64


def test_reference_modules_compile_without_warnings():
    """Check that no module of the reference raises a warning when compiled (e.g. an invalid escape in a docstring)."""
    package = pathlib.Path(ref.__file__).parent
    for path in sorted(package.glob("*.py")):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(path.read_text(), str(path), "exec")
