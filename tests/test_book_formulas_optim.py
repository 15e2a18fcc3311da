"""The formulas chapters 6 to 11 teach, run from the chapters themselves, agree with the reference.

Each chapter writes its algorithms out as readable NumPy code. These tests execute the chapter
(as a reader's notebook would), take the functions it defined, and compare them with
``autograder.reference`` over many steps, so the book and the grader cannot drift apart.
"""
import functools

import numpy as np
import pytest

from autograder import reference as ref
from chapter_runner import run_chapter


# each chapter is run once per worker (the cache below): its tests stay on one worker
pytestmark = pytest.mark.xdist_group("chapters-run-for-optimizer-formulas")


@functools.lru_cache(maxsize=None)
def chapter(name):
    return run_chapter(name)


def quadratic_problem(seed, shape=(3, 4)):
    """A random positive-definite diagonal quadratic: gradients depend on where we are."""
    rng = np.random.default_rng(seed)
    curvature = rng.uniform(0.1, 5.0, size=shape)
    centre = rng.normal(size=shape)
    start = rng.normal(size=shape) * 3
    return (lambda w: curvature * (w - centre)), start


def run_pair(book_step, ref_step, n_states, n_steps=100, seed=0, uses_t=False, **hyper):
    """Run the book's step and the reference's step side by side; return both weight histories."""
    grad, start = quadratic_problem(seed)
    paths = []
    for step in (book_step, ref_step):
        w = start.copy()
        state = [np.zeros_like(w) for _ in range(n_states)]
        history = []
        for t in range(1, n_steps + 1):
            before = (w.copy(), [s.copy() for s in state])
            args = (w, grad(w), *state) + ((t,) if uses_t else ())
            out = step(*args, **hyper)
            # the contract: new arrays returned, inputs left as they were
            np.testing.assert_array_equal(w, before[0])
            for s, s0 in zip(state, before[1]):
                np.testing.assert_array_equal(s, s0)
            if n_states:
                w, *state = out
            else:
                w = out
            history.append(np.array(w))
        paths.append(np.array(history))
    return paths


def assert_same_path(book_path, ref_path):
    np.testing.assert_allclose(book_path, ref_path, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- chapter 6: momentum, Nesterov

def test_chapter6_sgd_step_matches_reference():
    """Check that the chapter's sgd_step follows the reference for 100 steps."""
    ns = chapter("06_momentum")
    assert_same_path(*run_pair(ns["sgd_step"], ref.sgd_step, 0, lr=0.1))


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_chapter6_momentum_step_matches_reference(beta):
    """Check that the chapter's momentum_step follows the reference for 100 steps."""
    ns = chapter("06_momentum")
    assert_same_path(*run_pair(ns["momentum_step"], ref.momentum_step, 1, lr=0.05, beta=beta))


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_chapter6_nesterov_step_matches_reference(beta):
    """Check that the chapter's nesterov_step follows the reference for 100 steps."""
    ns = chapter("06_momentum")
    assert_same_path(*run_pair(ns["nesterov_step"], ref.nesterov_step, 1, lr=0.05, beta=beta))


def test_chapter6_nesterov_lookahead_form_is_the_reference_nesterov_shifted():
    """Check that Sutskever's look-ahead form, as the chapter writes it, visits the reference's
    Nesterov iterates as its look-ahead points on a random quadratic."""
    ns = chapter("06_momentum")
    grad, start = quadratic_problem(5)
    w, u = start.copy(), np.zeros_like(start)
    w_ref, v_ref = start.copy(), np.zeros_like(start)
    for _ in range(100):
        w_ref, v_ref = ref.nesterov_step(w_ref, grad(w_ref), v_ref, lr=0.05, beta=0.9)
        w, u = ns["nesterov_lookahead_step"](w, u, grad, 0.05, 0.9)
        np.testing.assert_allclose(w + 0.9 * u, w_ref, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(u, -0.05 * v_ref, rtol=1e-10, atol=1e-12)


def test_chapter6_rate_map_is_the_spectral_radius_of_the_reference_momentum():
    """Check the chapter's closed-form rate against iterates of the reference momentum step: along
    one direction the offset after many steps shrinks by the predicted factor per step."""
    ns = chapter("06_momentum")
    for lr, beta, curvature in [(0.05, 0.9, 2.0), (0.02, 0.3, 20.0), (0.1, 0.5, 5.0)]:
        w, v, norms = np.array([1.0]), np.zeros(1), []
        for _ in range(400):
            w, v = ref.momentum_step(w, curvature * w, v, lr=lr, beta=beta)
            norms.append(np.hypot(w[0], v[0]))
        measured = (norms[399] / norms[199]) ** (1 / 200)
        assert measured == pytest.approx(float(ns["momentum_radius"](lr, beta, curvature)), rel=0.02)


def test_chapter6_seed_run_recomputed_with_reference():
    """Check that the chapter's end point of the seeds' momentum run is the reference's."""
    ns = chapter("06_momentum")
    w, v = np.array([5.0, 3.0]), np.zeros(2)
    for _ in range(50):
        w, v = ref.momentum_step(w, np.array([2 * w[0], 20 * w[1]]), v, lr=0.05, beta=0.9)
    np.testing.assert_allclose(ns["momentum_end"], w, rtol=1e-12)
    # the seeds claimed "close to [0, 0]"; the chapter must say otherwise, so this must hold
    assert np.linalg.norm(w) > 0.1


# ---------------------------------------------------------------- chapter 7: adaptive methods

@pytest.mark.parametrize("name, n_states, uses_t, hyper", [
    ("adagrad_step", 1, False, dict(lr=0.1, eps=1e-10)),
    ("rmsprop_step", 1, False, dict(lr=0.01, rho=0.9, eps=1e-8)),
    ("adam_step", 2, True, dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-8)),
    ("adam_step_uncorrected", 2, True, dict(lr=0.01)),
    ("adamw_step", 2, True, dict(lr=0.01, weight_decay=0.05)),
    ("adamax_step", 2, True, dict(lr=0.01, beta1=0.8, beta2=0.95)),
    ("nadam_step", 2, True, dict(lr=0.01)),
    ("nadam_step", 2, True, dict(lr=0.01, beta1=0.8, beta2=0.99, momentum_decay=0.3)),
    ("amsgrad_step", 3, True, dict(lr=0.01, beta1=0.8, beta2=0.99)),
])
def test_chapter7_adaptive_steps_match_reference(name, n_states, uses_t, hyper):
    """Check that each adaptive step the chapter teaches follows the reference for 100 steps."""
    ns = chapter("07_adaptive_methods")
    book_path, ref_path = run_pair(ns[name], getattr(ref, name), n_states, uses_t=uses_t, **hyper)
    assert_same_path(book_path, ref_path)


def test_chapter7_defaults_are_the_reference_defaults():
    """Check that the chapter's Adam and AdamW defaults equal the reference's."""
    import inspect
    ns = chapter("07_adaptive_methods")
    for name in ("adam_step", "adamw_step", "adagrad_step", "rmsprop_step", "adamax_step",
                 "nadam_step", "amsgrad_step"):
        book = {k: p.default for k, p in inspect.signature(ns[name]).parameters.items()}
        refs = {k: p.default for k, p in inspect.signature(getattr(ref, name)).parameters.items()}
        assert book == refs, name


def test_chapter7_first_step_sizes_are_the_reference_ones():
    """Check the chapter's first-step sizes (1 and (1-b1)/sqrt(1-b2)) against the reference."""
    ns = chapter("07_adaptive_methods")
    w, g, z = np.zeros(1), np.array([2.0]), np.zeros(1)
    corrected = abs(ref.adam_step(w, g, z, z, 1, lr=1e-3)[0][0]) / 1e-3
    uncorrected = abs(ref.adam_step_uncorrected(w, g, z, z, 1, lr=1e-3)[0][0]) / 1e-3
    assert ns["corrected"][0] == pytest.approx(corrected, rel=1e-9)
    assert ns["uncorrected"][0] == pytest.approx(uncorrected, rel=1e-9)
    assert uncorrected == pytest.approx(0.1 / np.sqrt(0.001), rel=1e-6)


# ---------------------------------------------------------------- chapter 8: schedules

SCHEDULE_CASES = [
    ("step_decay", dict(lr0=0.3, gamma=0.5, step_size=7)),
    ("step_decay", dict(lr0=0.1)),
    ("exponential_decay", dict(lr0=0.2, gamma=0.95)),
    ("cosine_annealing", dict(T=50, lr_max=0.1, lr_min=0.001)),
    ("cosine_annealing", dict(T=1, lr_max=1.0)),
    ("warmup_cosine", dict(warmup=10, T=60, lr_max=0.5, lr_min=0.01)),
    ("warmup_cosine", dict(warmup=0, T=40, lr_max=0.5)),
    ("cosine_warm_restarts", dict(T0=10, lr_max=0.1, lr_min=0.0)),
    ("cosine_warm_restarts", dict(T0=5, lr_max=0.3, lr_min=0.01, T_mult=2)),
    ("cosine_warm_restarts", dict(T0=3, lr_max=1.0, T_mult=3)),
]


@pytest.mark.parametrize("name, kwargs", SCHEDULE_CASES)
def test_chapter8_schedules_match_reference(name, kwargs):
    """Check that every schedule the chapter teaches equals the reference for t = 0..199.

    The chapter's schedules take a whole array of steps at once (that is how it draws them) as
    well as a single step (how a training loop calls them); both must agree with the reference.
    """
    ns = chapter("08_lr_schedules")
    expected = [getattr(ref, name)(t, **kwargs) for t in range(200)]
    book_curve = ns[name](np.arange(200), **kwargs)
    assert np.shape(book_curve) == (200,)
    np.testing.assert_allclose(book_curve, expected, rtol=1e-12, atol=1e-15)
    book_steps = [ns[name](t, **kwargs) for t in range(200)]
    assert all(np.ndim(rate) == 0 for rate in book_steps)
    np.testing.assert_allclose(book_steps, expected, rtol=1e-12, atol=1e-15)


def test_chapter8_adam_is_the_reference_adam():
    """Check that the Adam the chapter reuses for its noisy run still matches the reference."""
    ns = chapter("08_lr_schedules")
    assert_same_path(*run_pair(ns["adam_step"], ref.adam_step, 2, uses_t=True, lr=0.05))


def test_chapter8_schedule_beats_constant_rate_under_noise():
    """Check the chapter's claim: annealed Adam ends lower than constant-rate Adam on noise."""
    ns = chapter("08_lr_schedules")
    for lr_max in (0.1, 0.3, 0.5):
        result = ns["runs"](lr_max, 40)
        assert np.mean(result["constant"][0][-50:]) > np.mean(result["cosine"][0][-50:])


# ---------------------------------------------------------------- chapter 9: clipping

def test_chapter9_clip_by_value_matches_reference():
    """Check that the chapter's clip_by_value equals the reference on random gradients."""
    ns = chapter("09_gradient_clipping")
    rng = np.random.default_rng(3)
    for clip in (0.1, 1.0, 5.0):
        g = rng.normal(scale=3, size=(4, 5))
        np.testing.assert_array_equal(ns["clip_by_value"](g, clip), ref.clip_by_value(g, clip))


@pytest.mark.parametrize("max_norm", [0.5, 3.0, 1e6])
def test_chapter9_clip_by_global_norm_matches_reference(max_norm):
    """Check that the chapter's clip_by_global_norm equals the reference (arrays and norm)."""
    ns = chapter("09_gradient_clipping")
    rng = np.random.default_rng(4)
    grads = [rng.normal(size=(3, 2)), rng.normal(size=4), np.array(2.5)]
    before = [g.copy() for g in grads]
    book, book_norm = ns["clip_by_global_norm"](grads, max_norm)
    expected, ref_norm = ref.clip_by_global_norm(grads, max_norm)
    assert book_norm == pytest.approx(ref_norm, rel=1e-12)
    for b, e in zip(book, expected):
        np.testing.assert_allclose(b, e, rtol=1e-12)
    for g, g0 in zip(grads, before):
        np.testing.assert_array_equal(g, g0)


def test_chapter9_zero_gradients_stay_zero():
    """Check that clipping all-zero gradients gives zeros and a zero norm, as the reference does."""
    ns = chapter("09_gradient_clipping")
    book, norm = ns["clip_by_global_norm"]([np.zeros(3)], 1.0)
    expected, ref_norm = ref.clip_by_global_norm([np.zeros(3)], 1.0)
    assert norm == ref_norm == 0.0
    np.testing.assert_array_equal(book[0], expected[0])


# ---------------------------------------------------------------- chapter 10: 2-2-1 backprop

PARAM_NAMES = ["w11", "w21", "b1", "w12", "w22", "b2", "w13", "w23", "b3"]


def network_cases():
    """The seeds' example plus random networks, inputs and labels."""
    yield np.array([1.0, 0.0]), 1, {"w11": 0.2, "w21": 0.4, "b1": 0.1, "w12": 0.3, "w22": 0.1,
                                    "b2": 0.2, "w13": 0.7, "w23": 0.5, "b3": 0.3}
    rng = np.random.default_rng(10)
    for _ in range(20):
        params = {name: float(v) for name, v in zip(PARAM_NAMES, rng.normal(scale=1.5, size=9))}
        yield rng.normal(size=2), int(rng.integers(0, 2)), params


def test_chapter10_forward_matches_reference():
    """Check that the chapter's forward_221 equals the reference on the seeds' and random cases."""
    ns = chapter("10_backprop_221")
    for x, _, params in network_cases():
        book, expected = ns["forward_221"](x, params), ref.forward_221(x, params)
        assert set(book) == set(expected)
        for key in expected:
            assert book[key] == pytest.approx(expected[key], rel=1e-12, abs=1e-15), key


def test_chapter10_backward_matches_reference():
    """Check that the chapter's backward_221 equals the reference for all nine gradients."""
    ns = chapter("10_backprop_221")
    for x, y, params in network_cases():
        book, expected = ns["backward_221"](x, y, params), ref.backward_221(x, y, params)
        assert set(book) == set(PARAM_NAMES)
        for key in PARAM_NAMES:
            assert book[key] == pytest.approx(expected[key], rel=1e-10, abs=1e-14), key


def test_chapter10_update_and_numerical_gradient_match_reference():
    """Check the chapter's sgd_update and numerical_gradient against the reference's."""
    ns = chapter("10_backprop_221")
    for x, y, params in network_cases():
        grads = ref.backward_221(x, y, params)
        book_step, ref_step = ns["sgd_update"](params, grads, 0.3), ref.sgd_update(params, grads, 0.3)
        for key in PARAM_NAMES:
            assert book_step[key] == pytest.approx(ref_step[key], rel=1e-14)

        def f(p):
            return ref.loss_221(x, y, p)
        book_num, ref_num = ns["numerical_gradient"](f, params), ref.numerical_gradient(f, params)
        for key in PARAM_NAMES:
            assert book_num[key] == pytest.approx(ref_num[key], rel=1e-9, abs=1e-12), key


def test_chapter10_states_the_correct_seed_values():
    """Check that the numbers the chapter states for the seeds' example are the reference's."""
    ns = chapter("10_backprop_221")
    x, y, params = next(network_cases())
    forward, backward = ref.forward_221(x, params), ref.backward_221(x, y, params)
    assert ns["cache"]["z3"] == pytest.approx(forward["z3"], rel=1e-12)
    assert ns["cache"]["y_hat"] == pytest.approx(forward["y_hat"], rel=1e-12)
    assert ns["dz3"] == pytest.approx(backward["b3"], rel=1e-12)
    assert ns["delta1"] == pytest.approx(backward["b1"], rel=1e-12)
    assert ns["delta2"] == pytest.approx(backward["b2"], rel=1e-12)
    assert ns["loss"] == pytest.approx(ref.loss_221(x, y, params), rel=1e-12)
    # the printed version's values differ from the correct ones beyond rounding
    assert abs(forward["z3"] - 1.086) > 0.05 and abs(forward["y_hat"] - 0.748) > 0.01
    assert ns["error"] < 1e-7


# ---------------------------------------------------------------- chapter 11: putting it together

def test_chapter11_losses_match_reference():
    """Check the chapter's BCE-on-logits and MSE-on-sigmoid (value and gradient) against the reference."""
    ns = chapter("11_putting_it_together")
    rng = np.random.default_rng(11)
    z = np.concatenate([rng.normal(scale=4, size=50), [-700.0, 700.0, 0.0]])
    y = rng.integers(0, 2, size=z.size).astype(float)
    loss, grad = ns["bce_on_logits"](z, y)
    assert loss == pytest.approx(ref.bce_loss(z, y), rel=1e-12)
    np.testing.assert_allclose(grad, ref.bce_grad(z, y), rtol=1e-12, atol=1e-300)
    loss, grad = ns["mse_on_sigmoid"](z, y)
    assert loss == pytest.approx(ref.mse_sigmoid_loss(z, y), rel=1e-12)
    np.testing.assert_allclose(grad, ref.mse_sigmoid_grad(z, y), rtol=1e-10, atol=1e-300)


def _as_step(update, n_states, uses_t, wrap):
    """Turn the chapter's (w, g, state, t, lr) update into the reference's calling convention."""
    def step(w, g, *rest, lr, **hyper):
        state = rest[:n_states]
        t = rest[n_states] if uses_t else 1
        new_w, new_state = update(w, g, wrap(state), t, lr, **hyper)
        if n_states == 0:
            return new_w
        return (new_w, new_state) if n_states == 1 else (new_w, *new_state)
    return step


@pytest.mark.parametrize("update, ref_step, n_states, uses_t, wrap, hyper", [
    ("sgd_update", ref.sgd_step, 0, False, lambda s: None, dict(lr=0.1)),
    ("momentum_update", ref.momentum_step, 1, False, lambda s: s[0], dict(lr=0.05, beta=0.8)),
    ("adam_update", ref.adam_step, 2, True, tuple, dict(lr=0.01)),
])
def test_chapter11_optimizer_updates_match_reference(update, ref_step, n_states, uses_t, wrap,
                                                     hyper):
    """Check that the optimizers plugged into the training loop follow the reference for 100 steps."""
    ns = chapter("11_putting_it_together")
    book_step = _as_step(ns[update], n_states, uses_t, wrap)
    assert_same_path(*run_pair(book_step, ref_step, n_states, uses_t=uses_t, **hyper))


def test_chapter11_cosine_matches_reference():
    """Check that the chapter's cosine schedule equals the reference's cosine_annealing."""
    ns = chapter("11_putting_it_together")
    schedule = ns["cosine"](0.1, 150, lr_min=0.002)
    np.testing.assert_allclose([schedule(t) for t in range(300)],
                               [ref.cosine_annealing(t, 150, 0.1, 0.002) for t in range(300)],
                               rtol=1e-12)


def test_chapter11_plateau_diagnoses_hold():
    """Check the fingerprints the chapter teaches: MSE's plateau has a vanishing gradient, BCE escapes."""
    ns = chapter("11_putting_it_together")
    runs = ns["diagnosed"]
    mse = runs["loss: MSE on sigmoid, saturated start"]
    small = runs["lr too small (SGD, 0.001)"]
    assert mse.grad_norm[-1] < 0.01 * small.grad_norm[-1]
    assert ns["cured"].loss[-1] < 0.1 * mse.loss[-1]
    assert ns["test_metrics"](runs["data: labels shuffled"].params)[0] > np.log(2)
