"""Bad input raises ``ValueError`` whose message names the argument at fault.

A student comparing their function with the reference, and an instructor reading a grading log,
must see which input was wrong. Each case asserts the exception type and that the argument's name
appears as a word in the message (``y`` must not be "found" inside ``y_true``).
"""
import re

import numpy as np
import pytest

import reference_cases as cases
from autograder import reference as ref

V3 = np.array([0.1, 0.2, 0.3])
V4 = np.array([0.1, 0.2, 0.3, 0.4])
NAN3 = np.array([0.1, np.nan, 0.3])
INF3 = np.array([0.1, np.inf, 0.3])
EMPTY = np.array([])
Z23 = np.array([[1.0, 2.0, 3.0], [0.5, 0.0, -1.0]])
W = np.ones((2, 2))
P = cases.SEED_PARAMS
X = cases.SEED_X


def _without(key):
    return {k: v for k, v in P.items() if k != key}


# (case id, call, name that the message must contain)
BAD_INPUT = [
    # the line of chapter 1
    ("line_mse theta shape", lambda: ref.line_mse_grad(V3, V3, V3), "theta"),
    ("line_mse x and y", lambda: ref.line_mse_loss(np.zeros(2), V3, V4), "y"),
    ("line_mse nan x", lambda: ref.line_mse_grad(np.zeros(2), NAN3, V3), "x"),
    ("line_mse empty", lambda: ref.line_mse_loss(np.zeros(2), EMPTY, EMPTY), "x"),
    # activations
    ("sigmoid nan", lambda: ref.sigmoid(NAN3), "z"),
    ("softmax inf", lambda: ref.softmax(INF3), "z"),
    ("softmax empty", lambda: ref.softmax(EMPTY), "z"),
    ("softmax scalar", lambda: ref.softmax(3.0), "z"),
    ("log_softmax empty rows", lambda: ref.log_softmax(np.zeros((3, 0))), "z"),
    ("sigmoid text", lambda: ref.sigmoid("abc"), "z"),
    # regression losses
    ("mse shape mismatch", lambda: ref.mse_loss(V3, V4), "y_true"),
    ("mse_grad shape mismatch", lambda: ref.mse_grad(V4, V3), "y_pred"),
    ("mse nan target", lambda: ref.mse_loss(V3, NAN3), "y_true"),
    ("mse inf prediction", lambda: ref.mse_grad(INF3, V3), "y_pred"),
    ("mse empty", lambda: ref.mse_loss(EMPTY, EMPTY), "y_pred"),
    ("mae ragged", lambda: ref.mae_loss([[1.0], [1.0, 2.0]], V3), "y_pred"),
    ("mae_grad empty", lambda: ref.mae_grad(EMPTY, EMPTY), "y_pred"),
    ("huber delta 0", lambda: ref.huber_loss(V3, V3, delta=0.0), "delta"),
    ("huber_grad delta negative", lambda: ref.huber_grad(V3, V3, delta=-1.0), "delta"),
    ("huber delta nan", lambda: ref.huber_loss(V3, V3, delta=float("nan")), "delta"),
    # classification losses
    ("bce label 2", lambda: ref.bce_loss(V3, [0, 1, 2]), "y"),
    ("bce soft label", lambda: ref.bce_grad(V3, [0, 0.5, 1]), "y"),
    ("bce shape mismatch", lambda: ref.bce_loss(V4, [0, 1, 0]), "y"),
    ("bce nan logit", lambda: ref.bce_grad(NAN3, [0, 1, 0]), "z"),
    ("bce empty", lambda: ref.bce_loss(EMPTY, EMPTY), "z"),
    ("mse_sigmoid label -1", lambda: ref.mse_sigmoid_loss(V3, [0, 1, -1]), "y"),
    ("mse_sigmoid_grad inf", lambda: ref.mse_sigmoid_grad(INF3, [0, 1, 1]), "z"),
    ("ce label == K", lambda: ref.cross_entropy_loss(Z23, [0, 3]), "labels"),
    ("ce label negative", lambda: ref.cross_entropy_grad(Z23, [-1, 0]), "labels"),
    ("ce label non-integer", lambda: ref.cross_entropy_loss(Z23, [0.5, 1.0]), "labels"),
    ("ce label bool", lambda: ref.cross_entropy_loss(Z23, [True, False]), "labels"),
    ("ce too few labels", lambda: ref.cross_entropy_loss(Z23, [0]), "labels"),
    ("ce 1-D logits", lambda: ref.cross_entropy_loss(V3, [0]), "z"),
    ("ce nan logits", lambda: ref.cross_entropy_grad(np.full((2, 3), np.nan), [0, 1]), "z"),
    ("ce empty", lambda: ref.cross_entropy_loss(np.zeros((0, 3)), []), "z"),
    ("ce smoothing > 1", lambda: ref.cross_entropy_loss(Z23, [0, 1], 1.5), "label_smoothing"),
    ("ce smoothing < 0", lambda: ref.cross_entropy_grad(Z23, [0, 1], -0.1), "label_smoothing"),
    ("hinge label 0", lambda: ref.hinge_loss(V3, [1, 0, -1]), "y"),
    ("hinge shape", lambda: ref.hinge_grad(V4, [1, -1, 1]), "y"),
    ("hinge empty", lambda: ref.hinge_loss(EMPTY, EMPTY), "s"),
    ("hinge nan score", lambda: ref.hinge_grad(NAN3, [1, -1, 1]), "s"),
    ("kl row sum", lambda: ref.kl_divergence([0.5, 0.6], [0.5, 0.5]), "p"),
    ("kl negative", lambda: ref.kl_divergence([0.5, 0.5], [1.5, -0.5]), "q"),
    ("kl shape", lambda: ref.kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5]), "q"),
    ("kl empty", lambda: ref.kl_divergence(EMPTY, EMPTY), "p"),
    ("kl nan", lambda: ref.kl_divergence([0.5, 0.5], [np.nan, 0.5]), "q"),
    ("dice shape", lambda: ref.dice_loss(V3, V4), "t"),
    ("dice smooth negative", lambda: ref.dice_grad(V3, V3, smooth=-1.0), "smooth"),
    ("dice all zero, smooth 0", lambda: ref.dice_loss(np.zeros(3), np.zeros(3), smooth=0.0), "smooth"),
    ("dice empty", lambda: ref.dice_loss(EMPTY, EMPTY), "p"),
    ("dice_grad inf", lambda: ref.dice_grad(INF3, V3), "p"),
    ("iou shape", lambda: ref.iou_loss(V3, V4), "t"),
    ("iou p above 1", lambda: ref.iou_loss([0.5, 1.5], [0.0, 1.0]), "p"),
    ("iou t negative", lambda: ref.iou_grad([0.5, 0.5], [-1.0, 1.0]), "t"),
    ("iou smooth negative", lambda: ref.iou_grad(V3, V3, smooth=-1.0), "smooth"),
    ("iou all zero, smooth 0", lambda: ref.iou_loss(np.zeros(3), np.zeros(3), smooth=0.0), "smooth"),
    ("iou empty", lambda: ref.iou_loss(EMPTY, EMPTY), "p"),
    ("weighted_bce label 2", lambda: ref.weighted_bce_loss(V3, [0, 1, 2], 2.0), "y"),
    ("weighted_bce pos_weight negative", lambda: ref.weighted_bce_loss(V3, [0, 1, 0], -1.0), "pos_weight"),
    ("weighted_bce pos_weight per label, wrong length",
     lambda: ref.weighted_bce_grad(np.zeros((2, 3)), np.zeros((2, 3)), [1.0, 2.0]), "pos_weight"),
    ("weighted_bce pos_weight nan", lambda: ref.weighted_bce_grad(V3, [0, 1, 0], float("nan")), "pos_weight"),
    ("weighted_bce weight shape", lambda: ref.weighted_bce_loss(V3, [0, 1, 0], 1.0, V4), "weight"),
    ("weighted_bce weight negative", lambda: ref.weighted_bce_grad(V3, [0, 1, 0], 1.0, [1.0, -1.0, 1.0]), "weight"),
    ("weighted_ce class_weights length", lambda: ref.weighted_cross_entropy_loss(Z23, [0, 1], [1.0, 2.0]),
     "class_weights"),
    ("weighted_ce class_weights negative",
     lambda: ref.weighted_cross_entropy_grad(Z23, [0, 1], [1.0, -2.0, 1.0]), "class_weights"),
    ("weighted_ce all weight zero", lambda: ref.weighted_cross_entropy_loss(Z23, [0, 0], [0.0, 1.0, 1.0]),
     "class_weights"),
    ("weighted_ce label == K", lambda: ref.weighted_cross_entropy_loss(Z23, [0, 3], [1.0, 1.0, 1.0]), "labels"),
    ("focal gamma negative", lambda: ref.focal_loss(V3, [0, 1, 0], gamma=-1.0), "gamma"),
    ("focal alpha > 1", lambda: ref.focal_grad(V3, [0, 1, 0], alpha=1.5), "alpha"),
    ("focal soft label", lambda: ref.focal_loss(V3, [0, 0.5, 1]), "y"),
    ("focal nan logit", lambda: ref.focal_grad(NAN3, [0, 1, 0]), "z"),
    # optimizers
    ("sgd shape", lambda: ref.sgd_step(W, np.ones(3), 0.1), "g"),
    ("sgd nan gradient", lambda: ref.sgd_step(V3, NAN3, 0.1), "g"),
    ("sgd negative lr", lambda: ref.sgd_step(V3, V3, -0.1), "lr"),
    ("sgd lr inf", lambda: ref.sgd_step(V3, V3, float("inf")), "lr"),
    ("sgd lr array", lambda: ref.sgd_step(V3, V3, V3), "lr"),
    ("momentum velocity shape", lambda: ref.momentum_step(W, W, np.ones(3), 0.1), "v"),
    ("momentum beta 1", lambda: ref.momentum_step(V3, V3, V3, 0.1, beta=1.0), "beta"),
    ("nesterov beta > 1", lambda: ref.nesterov_step(V3, V3, V3, 0.1, beta=1.5), "beta"),
    ("nesterov nan w", lambda: ref.nesterov_step(NAN3, V3, V3, 0.1), "w"),
    ("adagrad state shape", lambda: ref.adagrad_step(V3, V3, V4), "s"),
    ("adagrad eps 0", lambda: ref.adagrad_step(V3, V3, V3, eps=0.0), "eps"),
    ("rmsprop rho 1", lambda: ref.rmsprop_step(V3, V3, V3, rho=1.0), "rho"),
    ("rmsprop rho negative", lambda: ref.rmsprop_step(V3, V3, V3, rho=-0.5), "rho"),
    ("adam t 0", lambda: ref.adam_step(V3, V3, V3, V3, 0), "t"),
    ("adam t fractional", lambda: ref.adam_step(V3, V3, V3, V3, 1.5), "t"),
    ("adam beta1 1", lambda: ref.adam_step(V3, V3, V3, V3, 1, beta1=1.0), "beta1"),
    ("adam beta2 1", lambda: ref.adam_step(V3, V3, V3, V3, 1, beta2=1.0), "beta2"),
    ("adam m shape", lambda: ref.adam_step(V3, V3, V4, V3, 1), "m"),
    ("adam v shape", lambda: ref.adam_step(V3, V3, V3, V4, 1), "v"),
    ("adam eps negative", lambda: ref.adam_step(V3, V3, V3, V3, 1, eps=-1e-8), "eps"),
    ("adam_uncorrected t 0", lambda: ref.adam_step_uncorrected(V3, V3, V3, V3, 0), "t"),
    ("adam_uncorrected beta1 > 1", lambda: ref.adam_step_uncorrected(V3, V3, V3, V3, 1, beta1=1.1), "beta1"),
    ("adamw t negative", lambda: ref.adamw_step(V3, V3, V3, V3, -2), "t"),
    ("adamw beta2 1", lambda: ref.adamw_step(V3, V3, V3, V3, 1, beta2=1.0), "beta2"),
    ("adamw weight decay negative", lambda: ref.adamw_step(V3, V3, V3, V3, 1, weight_decay=-0.1), "weight_decay"),
    ("adamax u shape", lambda: ref.adamax_step(V3, V3, V3, V4, 1), "u"),
    ("adamax t 0", lambda: ref.adamax_step(V3, V3, V3, V3, 0), "t"),
    ("adamax eps 0", lambda: ref.adamax_step(V3, V3, V3, V3, 1, eps=0.0), "eps"),
    ("nadam momentum decay negative", lambda: ref.nadam_step(V3, V3, V3, V3, 1, momentum_decay=-1e-3),
     "momentum_decay"),
    ("nadam beta1 1", lambda: ref.nadam_step(V3, V3, V3, V3, 1, beta1=1.0), "beta1"),
    ("nadam t fractional", lambda: ref.nadam_step(V3, V3, V3, V3, 2.5), "t"),
    ("amsgrad v_max shape", lambda: ref.amsgrad_step(V3, V3, V3, V3, V4, 1), "v_max"),
    ("amsgrad v_max nan", lambda: ref.amsgrad_step(V3, V3, V3, V3, NAN3, 1), "v_max"),
    ("amsgrad beta2 1", lambda: ref.amsgrad_step(V3, V3, V3, V3, V3, 1, beta2=1.0), "beta2"),
    # schedules
    ("step_decay t negative", lambda: ref.step_decay(-1, 0.1), "t"),
    ("step_decay step_size 0", lambda: ref.step_decay(3, 0.1, step_size=0), "step_size"),
    ("step_decay gamma > 1", lambda: ref.step_decay(3, 0.1, gamma=1.5), "gamma"),
    ("exponential lr0 negative", lambda: ref.exponential_decay(3, -0.1, 0.9), "lr0"),
    ("exponential t fractional", lambda: ref.exponential_decay(2.5, 0.1, 0.9), "t"),
    ("cosine T 0", lambda: ref.cosine_annealing(3, 0, 0.1), "T"),
    ("cosine lr_min > lr_max", lambda: ref.cosine_annealing(3, 10, 0.1, lr_min=0.2), "lr_min"),
    ("cosine lr_max nan", lambda: ref.cosine_annealing(3, 10, float("nan")), "lr_max"),
    ("warmup > T", lambda: ref.warmup_cosine(3, 20, 10, 0.1), "warmup"),
    ("warmup negative", lambda: ref.warmup_cosine(3, -1, 10, 0.1), "warmup"),
    ("restarts T0 0", lambda: ref.cosine_warm_restarts(3, 0, 0.1), "T0"),
    ("restarts T_mult 0", lambda: ref.cosine_warm_restarts(3, 5, 0.1, T_mult=0), "T_mult"),
    ("restarts T_mult fractional", lambda: ref.cosine_warm_restarts(3, 5, 0.1, T_mult=1.5), "T_mult"),
    # clipping
    ("global norm bare array", lambda: ref.clip_by_global_norm(np.ones(3), 1.0), "grads"),
    ("global norm not a list", lambda: ref.clip_by_global_norm(3.0, 1.0), "grads"),
    ("global norm nan in second", lambda: ref.clip_by_global_norm([V3, NAN3], 1.0), "grads[1]"),
    ("global norm max_norm 0", lambda: ref.clip_by_global_norm([V3], 0.0), "max_norm"),
    ("clip_by_value clip 0", lambda: ref.clip_by_value(V3, 0.0), "clip"),
    ("clip_by_value inf", lambda: ref.clip_by_value(INF3, 1.0), "g"),
    # 2-2-1 network
    ("forward missing key", lambda: ref.forward_221(X, _without("b2")), "b2"),
    ("forward extra key", lambda: ref.forward_221(X, {**P, "w33": 1.0}), "w33"),
    ("forward params not a dict", lambda: ref.forward_221(X, list(P.values())), "params"),
    ("forward x shape", lambda: ref.forward_221([1.0, 0.0, 2.0], P), "x"),
    ("forward param nan", lambda: ref.forward_221(X, {**P, "w13": float("nan")}), "w13"),
    ("forward param text", lambda: ref.forward_221(X, {**P, "b1": "0.1"}), "b1"),
    ("loss y 2", lambda: ref.loss_221(X, 2, P), "y"),
    ("backward y 0.5", lambda: ref.backward_221(X, 0.5, P), "y"),
    ("backward missing key", lambda: ref.backward_221(X, 1, _without("w11")), "w11"),
    ("backward x nan", lambda: ref.backward_221([np.nan, 0.0], 1, P), "x"),
    ("sgd_update grads keys", lambda: ref.sgd_update(P, _without("b3"), 0.1), "grads"),
    ("sgd_update lr negative", lambda: ref.sgd_update(P, P, -1.0), "lr"),
    ("numerical_gradient f not callable", lambda: ref.numerical_gradient(3.0, P), "f"),
    ("numerical_gradient h 0", lambda: ref.numerical_gradient(lambda p: 0.0, P, h=0.0), "h"),
    ("numerical_gradient f gives nan", lambda: ref.numerical_gradient(lambda p: float("nan"), P), "f(params)"),
    ("numerical_gradient params keys", lambda: ref.numerical_gradient(lambda p: 0.0, _without("w22")), "params"),
]


@pytest.mark.parametrize("call, name", [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT])
def test_bad_input_raises_value_error_naming_the_argument(call, name):
    """Check that bad input raises ValueError and the message names the argument at fault."""
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert re.search(rf"(?<![\w\[]){re.escape(name)}(?![\w])", message), (
        f"expected the message to name {name!r}; got: {message}")


def test_message_says_what_was_expected_and_what_was_got():
    """Check that a shape mismatch reports both shapes and an out-of-range label reports the label."""
    with pytest.raises(ValueError, match=r"\(3,\).*\(4,\)"):
        ref.mse_loss(V3, V4)
    with pytest.raises(ValueError, match=r"\[0, 3\).*\[3\]"):
        ref.cross_entropy_loss(Z23, [0, 3])


def test_valid_edge_values_are_accepted():
    """Check the boundaries that are legal: lr 0, beta 0, label_smoothing 1, smooth 0, warmup 0 and warmup T."""
    np.testing.assert_array_equal(ref.sgd_step(V3, V3, 0.0), V3)
    w, v = ref.momentum_step(V3, V3, V3, 0.1, beta=0.0)
    np.testing.assert_allclose(w, V3 - 0.1 * V3)
    assert np.isfinite(ref.cross_entropy_loss(Z23, [0, 1], 1.0))
    assert np.isfinite(ref.dice_loss(V3, V3, smooth=0.0))
    assert ref.iou_loss([0.0, 1.0], [0.0, 1.0], smooth=0.0) == 0.0
    assert ref.weighted_bce_loss(V3, [0, 1, 0], pos_weight=0.0) >= 0.0
    assert np.isfinite(ref.focal_loss(V3, [0, 1, 0], gamma=0.0, alpha=1.0))
    assert ref.warmup_cosine(0, 0, 10, 0.1) == pytest.approx(0.1)
    assert ref.warmup_cosine(10, 10, 10, 0.1) == 0.0
    assert ref.adam_step(V3, V3, V3, V3, np.int64(2))[0].shape == (3,)
