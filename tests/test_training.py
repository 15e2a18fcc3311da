"""Unit tests for lossopt.training (the chapter-11 MLP harness) and toy_data.two_moons."""
import numpy as np
import pytest

from lossopt import gradcheck, toy_data, training


def bce_on_logits(z, y):
    """Mean binary cross-entropy of logits and its gradient (test helper, not lossopt API)."""
    loss = np.mean(np.logaddexp(0.0, z) - y * z)
    return loss, (1.0 / (1.0 + np.exp(-z)) - y) / len(z)


SGD = training.Optimizer("sgd", init=lambda w: None,
                         update=lambda w, g, s, t, lr: (w - lr * g, s))


def test_backward_matches_finite_differences():
    """Check that backward gives the gradient of the loss for every weight of a 2-5-3-1 net."""
    X, y = toy_data.two_moons(n=12, seed=1)
    params = training.init_mlp((2, 5, 3, 1), seed=2)
    logits, cache = training.forward(params, X)
    grads = training.backward(params, cache, bce_on_logits(logits, y)[1])
    for name, value in params.items():
        def f(w, name=name):
            return bce_on_logits(training.forward({**params, name: w}, X)[0], y)[0]
        error, _, _ = gradcheck.check_gradient(f, lambda w, name=name: grads[name], value)
        assert error < 1e-6, name


def test_init_mlp_shapes_and_scale():
    """Check layer shapes, zero biases and the 1/sqrt(fan_in) weight scale."""
    params = training.init_mlp((2, 400, 1), seed=0, scale=2.0)
    assert params["W1"].shape == (2, 400) and params["W2"].shape == (400, 1)
    assert np.all(params["b1"] == 0)
    assert np.std(params["W2"]) == pytest.approx(2.0 / np.sqrt(400), rel=0.1)


def test_train_reduces_loss_and_leaves_params_untouched():
    """Check that full-batch SGD learns the moons well and does not modify the start params."""
    X, y = toy_data.two_moons(n=200, noise=0.1, seed=0)
    start = training.init_mlp((2, 16, 1), seed=0)
    before = {k: v.copy() for k, v in start.items()}
    history = training.train(start, X, y, bce_on_logits, SGD, lambda t: 0.5, n_steps=2000)
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert history.accuracy[-1] > 0.95
    assert len(history.lr) == len(history.grad_norm) == 2000
    for k in start:
        np.testing.assert_array_equal(start[k], before[k])
    np.testing.assert_array_equal(training.predict(history.params, X)[:5],
                                  (training.forward(history.params, X[:5])[0] > 0).astype(int))


def test_train_threads_optimizer_state_and_schedule():
    """Check that the optimizer sees its own state, 1-based t and the schedule's rate."""
    seen = []

    def update(w, g, count, t, lr):
        seen.append((t, lr))
        return w - lr * g, count + 1

    counting = training.Optimizer("count", init=lambda w: 0, update=update)
    X, y = toy_data.two_moons(n=20, seed=0)
    training.train(training.init_mlp((2, 3, 1)), X, y, bce_on_logits, counting,
                   lambda t: 0.1 / (t + 1), n_steps=3, batch_size=5)
    n_arrays = 4
    assert [t for t, _ in seen] == [1] * n_arrays + [2] * n_arrays + [3] * n_arrays
    assert seen[-1][1] == pytest.approx(0.1 / 3)


def test_bad_inputs_are_named():
    """Check that wrong shapes, keys, sizes and batch sizes raise errors naming the problem."""
    params = training.init_mlp((2, 3, 1))
    with pytest.raises(ValueError, match="X must have shape"):
        training.forward(params, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="params must hold"):
        training.forward({"W1": params["W1"]}, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="last layer"):
        training.init_mlp((2, 3, 2))
    with pytest.raises(ValueError, match="batch_size"):
        training.train(params, np.zeros((4, 2)), np.zeros(4), bce_on_logits, SGD,
                       lambda t: 0.1, 1, batch_size=10)
    with pytest.raises(ValueError, match="rows but y has"):
        training.train(params, np.zeros((4, 2)), np.zeros(3), bce_on_logits, SGD, lambda t: 0.1, 1)


def test_decision_grid_shape():
    """Check that the decision grid has one logit per grid point."""
    xs, ys, logits = training.decision_grid(training.init_mlp((2, 3, 1)), (-1, 1), (0, 2), 7)
    assert xs.shape == ys.shape == (7,) and logits.shape == (7, 7)


def test_two_moons_balanced_reproducible_and_not_linearly_separable():
    """Check class balance, the seed's reproducibility and that no line separates the moons."""
    X, y = toy_data.two_moons(n=201, noise=0.0, seed=3)
    X2, y2 = toy_data.two_moons(n=201, noise=0.0, seed=3)
    np.testing.assert_array_equal(X, X2)
    assert X.shape == (201, 2) and np.sum(y == 0) == 100
    # noise-free points lie exactly on their half circles
    np.testing.assert_allclose(np.linalg.norm(X[y == 0], axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(X[y == 1] - [1.0, 0.5], axis=1), 1.0)
    # a least-squares linear classifier cannot get them all right
    A = np.column_stack([X, np.ones(len(X))])
    w = np.linalg.lstsq(A, 2.0 * y - 1, rcond=None)[0]
    assert np.mean((A @ w > 0) == (y == 1)) < 1.0
    with pytest.raises(ValueError, match="noise"):
        toy_data.two_moons(noise=-1)
