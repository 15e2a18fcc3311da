"""``autograder.reference`` agrees with PyTorch wherever PyTorch has the same function.

PyTorch (CPU, float64) is an independent implementation: losses and activations are compared by
value, gradients against autograd, optimizers over 100-step trajectories fed the same random
gradients, schedules against ``torch.optim.lr_scheduler``, and global-norm clipping against
``torch.nn.utils.clip_grad_norm_``. torch is a test-only extra (requirements-test.txt).
"""
import math

import numpy as np
import pytest

import reference_cases as cases
from autograder import reference as ref

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed: `make test` installs it from requirements-test.txt "
                    "(torch==2.13.0); without it the reference is not compared with PyTorch")
F = torch.nn.functional

# float64 throughout; differences are round-off only.
RTOL = 1e-12
ATOL = 1e-14
SEEDS = [0, 1, 2]


def tensor(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, requires_grad=grad)


def value_and_grad(torch_loss, x, *rest):
    """PyTorch's loss at ``x`` and its autograd gradient with respect to ``x``."""
    xt = tensor(x, grad=True)
    loss = torch_loss(xt, *rest)
    loss.backward()
    return loss.item(), xt.grad.numpy()


def assert_loss_and_grad_match(torch_loss, rest, ref_loss, ref_grad, x, *ref_rest):
    expected_loss, expected_grad = value_and_grad(torch_loss, x, *rest)
    assert ref_loss(x, *ref_rest) == pytest.approx(expected_loss, rel=RTOL, abs=ATOL)
    np.testing.assert_allclose(ref_grad(x, *ref_rest), expected_grad, rtol=RTOL, atol=ATOL)


# --- activations -----------------------------------------------------------------------------

@pytest.mark.parametrize("scale", [1.0, 30.0, 1000.0])
def test_activations_match_torch(scale):
    """Check sigmoid, softmax and log_softmax against torch, including logits of order 1000."""
    z = np.random.default_rng(0).normal(scale=scale, size=(5, 4))
    # atol: the two differ only in subnormals (~1e-318) where the sigmoid underflows.
    np.testing.assert_allclose(ref.sigmoid(z), torch.sigmoid(tensor(z)).numpy(), rtol=RTOL, atol=1e-300)
    np.testing.assert_allclose(ref.softmax(z), torch.softmax(tensor(z), dim=-1).numpy(), rtol=RTOL, atol=1e-300)
    np.testing.assert_allclose(ref.log_softmax(z), torch.log_softmax(tensor(z), dim=-1).numpy(), rtol=RTOL, atol=ATOL)


def test_softmax_is_over_the_last_axis_for_3d_input():
    """Check softmax and log_softmax of a (2, 3, 4) array against torch with dim=-1."""
    z = np.random.default_rng(1).normal(size=(2, 3, 4))
    np.testing.assert_allclose(ref.softmax(z), torch.softmax(tensor(z), dim=-1).numpy(), rtol=RTOL)
    np.testing.assert_allclose(ref.log_softmax(z), torch.log_softmax(tensor(z), dim=-1).numpy(), rtol=RTOL)


# --- regression losses -----------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_mse_matches_torch(seed):
    """Check mse_loss and mse_grad against F.mse_loss (mean) and autograd."""
    y_pred, y_true = cases.regression_pair(np.random.default_rng(seed))
    assert_loss_and_grad_match(F.mse_loss, [tensor(y_true)], ref.mse_loss, ref.mse_grad, y_pred, y_true)


@pytest.mark.parametrize("seed", SEEDS)
def test_mae_matches_torch_including_ties(seed):
    """Check mae_loss and mae_grad against F.l1_loss, with some predictions equal to their target."""
    y_pred, y_true = cases.regression_pair(np.random.default_rng(seed))
    y_pred.flat[::3] = y_true.flat[::3]  # torch's l1 backward is sign(r) too: 0 at a tie
    assert_loss_and_grad_match(F.l1_loss, [tensor(y_true)], ref.mae_loss, ref.mae_grad, y_pred, y_true)


@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("seed", SEEDS)
def test_huber_matches_torch(seed, delta):
    """Check huber_loss and huber_grad against F.huber_loss(reduction='mean', delta=delta)."""
    y_pred, y_true = cases.regression_pair(np.random.default_rng(seed), shape=(6, 4))
    r = np.abs(y_pred - y_true)
    assert (r < delta).any() and (r > delta).any()
    assert_loss_and_grad_match(lambda a, b: F.huber_loss(a, b, reduction="mean", delta=delta), [tensor(y_true)],
                               ref.huber_loss, ref.huber_grad, y_pred, y_true, delta)


# --- classification losses -------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_bce_matches_torch(seed):
    """Check bce_loss and bce_grad against F.binary_cross_entropy_with_logits."""
    z, y = cases.binary_case(np.random.default_rng(seed), scale=5.0)
    assert_loss_and_grad_match(F.binary_cross_entropy_with_logits, [tensor(y)], ref.bce_loss, ref.bce_grad, z, y)


@pytest.mark.parametrize("seed", SEEDS)
def test_mse_sigmoid_matches_torch(seed):
    """Check mse_sigmoid_loss and its logit gradient against autograd of F.mse_loss(sigmoid(z), y)."""
    z, y = cases.binary_case(np.random.default_rng(seed))
    assert_loss_and_grad_match(lambda a, b: F.mse_loss(torch.sigmoid(a), b), [tensor(y)],
                               ref.mse_sigmoid_loss, ref.mse_sigmoid_grad, z, y)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1, 0.35, 1.0])
@pytest.mark.parametrize("seed", SEEDS)
def test_cross_entropy_matches_torch(seed, label_smoothing):
    """Check cross_entropy_loss and its gradient against F.cross_entropy(label_smoothing=eps)."""
    z, labels = cases.multiclass_case(np.random.default_rng(seed))
    assert_loss_and_grad_match(lambda a, b: F.cross_entropy(a, b, label_smoothing=label_smoothing),
                               [torch.tensor(labels)], ref.cross_entropy_loss, ref.cross_entropy_grad,
                               z, labels, label_smoothing)


@pytest.mark.parametrize("seed", SEEDS)
def test_hinge_matches_torch_relu_including_the_kink(seed):
    """Check hinge_loss and hinge_grad against relu(1 - y s).mean(); relu's gradient at 0 is 0, as is ours."""
    s, y = cases.signed_case(np.random.default_rng(seed))
    s[:2] = y[:2]  # margins exactly 1: on the kink
    assert_loss_and_grad_match(lambda a, b: torch.relu(1 - b * a).mean(), [tensor(y)],
                               ref.hinge_loss, ref.hinge_grad, s, y)


@pytest.mark.parametrize("zeros", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_kl_divergence_matches_torch(seed, zeros):
    """Check kl_divergence against F.kl_div(log q, p, reduction='batchmean'), with 0 log 0 = 0."""
    rng = np.random.default_rng(seed)
    p = cases.distributions(rng, zeros=zeros)
    q = cases.distributions(rng)
    expected = F.kl_div(torch.log(tensor(q)), tensor(p), reduction="batchmean").item()
    assert ref.kl_divergence(p, q) == pytest.approx(expected, rel=RTOL, abs=ATOL)


@pytest.mark.parametrize("smooth", [0.0, 1.0])
def test_dice_grad_matches_autograd(smooth):
    """Check dice_grad against torch autograd of the Dice formula (torch has no built-in Dice loss)."""
    p, t = cases.dice_case(np.random.default_rng(3))
    tt = tensor(t)
    dice = lambda a: 1 - (2 * (a * tt).sum() + smooth) / (a.sum() + tt.sum() + smooth)
    assert_loss_and_grad_match(dice, [], ref.dice_loss, ref.dice_grad, p, t, smooth)


@pytest.mark.parametrize("smooth", [0.0, 1.0])
def test_iou_grad_matches_autograd(smooth):
    """Check iou_loss and iou_grad against torch autograd of the soft Jaccard formula (no built-in in torch)."""
    p, t = cases.dice_case(np.random.default_rng(4))
    tt = tensor(t)

    def soft_iou(a):
        intersection = (a * tt).sum()
        return 1 - (intersection + smooth) / (a.sum() + tt.sum() - intersection + smooth)

    assert_loss_and_grad_match(soft_iou, [], ref.iou_loss, ref.iou_grad, p, t, smooth)


@pytest.mark.parametrize("seed", SEEDS)
def test_multilabel_bce_matches_torch(seed):
    """Check bce_loss and bce_grad on (N, K) multi-label logits against F.binary_cross_entropy_with_logits."""
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=4.0, size=(6, 3))
    y = (rng.uniform(size=(6, 3)) < 0.4).astype(float)
    y[0] = [1.0, 1.0, 0.0]  # an example with two labels at once
    assert_loss_and_grad_match(F.binary_cross_entropy_with_logits, [tensor(y)], ref.bce_loss, ref.bce_grad, z, y)


@pytest.mark.parametrize("pos_weight", [1.0, 4.0, [0.5, 2.0, 9.0]])
@pytest.mark.parametrize("with_weight", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_weighted_bce_matches_torch(seed, with_weight, pos_weight):
    """Check weighted_bce_loss and its gradient against F.binary_cross_entropy_with_logits(weight, pos_weight)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=5.0, size=(5, 3))
    y = (rng.uniform(size=(5, 3)) < 0.3).astype(float)
    y[0, 0], y[1, 0] = 1.0, 0.0
    weight = rng.uniform(0.1, 3.0, size=z.shape) if with_weight else None
    extra = {"pos_weight": tensor(np.broadcast_to(pos_weight, (3,)))}
    if with_weight:
        extra["weight"] = tensor(weight)
    assert_loss_and_grad_match(lambda a, b: F.binary_cross_entropy_with_logits(a, b, **extra), [tensor(y)],
                               ref.weighted_bce_loss, ref.weighted_bce_grad, z, y, pos_weight, weight)


@pytest.mark.parametrize("seed", SEEDS)
def test_weighted_cross_entropy_matches_torch(seed):
    """Check weighted_cross_entropy_loss and its gradient against F.cross_entropy(weight=w), a weighted mean."""
    z, labels = cases.multiclass_case(np.random.default_rng(seed), n=8, k=4)
    weights = np.array([0.2, 1.0, 3.5, 0.7])
    assert_loss_and_grad_match(lambda a, b: F.cross_entropy(a, b, weight=tensor(weights)), [torch.tensor(labels)],
                               ref.weighted_cross_entropy_loss, ref.weighted_cross_entropy_grad, z, labels, weights)


def _torch_focal(gamma, alpha):
    """The focal loss written out in torch (torchvision's sigmoid_focal_loss, mean reduction)."""
    def focal(z, y):
        p = torch.sigmoid(z)
        ce = F.binary_cross_entropy_with_logits(z, y, reduction="none")
        p_t = p * y + (1 - p) * (1 - y)
        loss = ce * (1 - p_t) ** gamma
        if alpha is not None:
            loss = (alpha * y + (1 - alpha) * (1 - y)) * loss
        return loss.mean()
    return focal


@pytest.mark.parametrize("gamma, alpha", [(0.0, None), (0.5, None), (2.0, None), (2.0, 0.25), (5.0, 0.9)])
@pytest.mark.parametrize("seed", SEEDS)
def test_focal_loss_matches_a_torch_expression(seed, gamma, alpha):
    """Check focal_loss and focal_grad against autograd of the focal loss written in torch."""
    z, y = cases.binary_case(np.random.default_rng(seed), n=9, scale=3.0)
    assert_loss_and_grad_match(_torch_focal(gamma, alpha), [tensor(y)],
                               ref.focal_loss, ref.focal_grad, z, y, gamma, alpha)


@pytest.mark.parametrize("name, x, y, params", cases_221 := [
    ("seed example", cases.SEED_X, cases.SEED_Y, cases.SEED_PARAMS),
    ("random", np.array([0.3, -1.2]), 0, cases.random_params(np.random.default_rng(5), scale=2.0)),
], ids=[c[0] for c in cases_221])
def test_backward_221_matches_autograd(name, x, y, params):
    """Check forward_221, loss_221 and backward_221 against the 2-2-1 network written in torch."""
    p = {k: tensor(v, grad=True) for k, v in params.items()}
    x1, x2 = (tensor(v) for v in x)
    a1 = torch.sigmoid(p["w11"] * x1 + p["w21"] * x2 + p["b1"])
    a2 = torch.sigmoid(p["w12"] * x1 + p["w22"] * x2 + p["b2"])
    z3 = p["w13"] * a1 + p["w23"] * a2 + p["b3"]
    loss = F.binary_cross_entropy_with_logits(z3, tensor(float(y)))
    loss.backward()
    forward = ref.forward_221(x, params)
    assert forward["a1"] == pytest.approx(a1.item(), rel=RTOL)
    assert forward["a2"] == pytest.approx(a2.item(), rel=RTOL)
    assert forward["z3"] == pytest.approx(z3.item(), rel=RTOL)
    assert ref.loss_221(x, y, params) == pytest.approx(loss.item(), rel=RTOL)
    grads = ref.backward_221(x, y, params)
    for k in ref.PARAM_NAMES:
        assert grads[k] == pytest.approx(p[k].grad.item(), rel=1e-10, abs=ATOL), k


# --- optimizers: 100-step trajectories -------------------------------------------------------

def _torch_trajectory(make_optimizer, w0, gradients):
    """Feed ``gradients`` one per step to a torch optimizer; return the parameters after each step and its state."""
    w = tensor(w0, grad=True)
    optimizer = make_optimizer([w])
    path = []
    for g in gradients:
        w.grad = tensor(g)
        optimizer.step()
        path.append(w.detach().numpy().copy())
    return np.array(path), optimizer.state[w]


def _reference_trajectory(step, w0, gradients, n_state, uses_t=False, **hyper):
    w, state = np.array(w0), [np.zeros_like(w0) for _ in range(n_state)]
    path = []
    for t, g in enumerate(gradients, start=1):
        out = step(w, g, *state, t, **hyper) if uses_t else step(w, g, *state, **hyper)
        if n_state == 0:
            w = out
        else:
            w, *state = out
        path.append(w)
    return np.array(path), state


OPTIMIZERS = {
    # name: (reference step, number of state arrays, takes t, reference hyper-parameters,
    #        torch optimizer factory, torch state keys in the order of the reference's state)
    "sgd": (ref.sgd_step, 0, False, dict(lr=0.05),
            lambda ps: torch.optim.SGD(ps, lr=0.05), []),
    "momentum": (ref.momentum_step, 1, False, dict(lr=0.02, beta=0.9),
                 lambda ps: torch.optim.SGD(ps, lr=0.02, momentum=0.9), ["momentum_buffer"]),
    "momentum beta 0.5": (ref.momentum_step, 1, False, dict(lr=0.1, beta=0.5),
                          lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.5), ["momentum_buffer"]),
    "nesterov": (ref.nesterov_step, 1, False, dict(lr=0.02, beta=0.9),
                 lambda ps: torch.optim.SGD(ps, lr=0.02, momentum=0.9, nesterov=True), ["momentum_buffer"]),
    "adagrad": (ref.adagrad_step, 1, False, dict(lr=0.1, eps=1e-10),
                lambda ps: torch.optim.Adagrad(ps, lr=0.1, lr_decay=0, initial_accumulator_value=0, eps=1e-10),
                ["sum"]),
    "rmsprop": (ref.rmsprop_step, 1, False, dict(lr=0.01, rho=0.99, eps=1e-8),
                lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.99, eps=1e-8), ["square_avg"]),
    "rmsprop rho 0.9": (ref.rmsprop_step, 1, False, dict(lr=0.003, rho=0.9, eps=1e-6),
                        lambda ps: torch.optim.RMSprop(ps, lr=0.003, alpha=0.9, eps=1e-6), ["square_avg"]),
    "adam": (ref.adam_step, 2, True, dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8),
             lambda ps: torch.optim.Adam(ps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8), ["exp_avg", "exp_avg_sq"]),
    "adam non-default": (ref.adam_step, 2, True, dict(lr=0.05, beta1=0.8, beta2=0.95, eps=1e-6),
                         lambda ps: torch.optim.Adam(ps, lr=0.05, betas=(0.8, 0.95), eps=1e-6),
                         ["exp_avg", "exp_avg_sq"]),
    "adamw": (ref.adamw_step, 2, True, dict(lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01),
              lambda ps: torch.optim.AdamW(ps, lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01),
              ["exp_avg", "exp_avg_sq"]),
    "adamw strong decay": (ref.adamw_step, 2, True, dict(lr=0.05, weight_decay=0.5),
                           lambda ps: torch.optim.AdamW(ps, lr=0.05, weight_decay=0.5), ["exp_avg", "exp_avg_sq"]),
    "adamax": (ref.adamax_step, 2, True, dict(lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8),
               lambda ps: torch.optim.Adamax(ps, lr=2e-3, betas=(0.9, 0.999), eps=1e-8), ["exp_avg", "exp_inf"]),
    "adamax non-default": (ref.adamax_step, 2, True, dict(lr=0.05, beta1=0.5, beta2=0.9, eps=1e-6),
                           lambda ps: torch.optim.Adamax(ps, lr=0.05, betas=(0.5, 0.9), eps=1e-6),
                           ["exp_avg", "exp_inf"]),
    # NAdam's default momentum_decay is Dozat's schedule; a larger one checks that psi enters as torch's
    "nadam": (ref.nadam_step, 2, True, dict(lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, momentum_decay=4e-3),
              lambda ps: torch.optim.NAdam(ps, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, momentum_decay=4e-3),
              ["exp_avg", "exp_avg_sq"]),
    "nadam fast momentum warm-up": (ref.nadam_step, 2, True, dict(lr=0.01, beta1=0.8, beta2=0.95, momentum_decay=0.5),
                                    lambda ps: torch.optim.NAdam(ps, lr=0.01, betas=(0.8, 0.95), momentum_decay=0.5),
                                    ["exp_avg", "exp_avg_sq"]),
    "amsgrad": (ref.amsgrad_step, 3, True, dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8),
                lambda ps: torch.optim.Adam(ps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, amsgrad=True),
                ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]),
    "amsgrad non-default": (ref.amsgrad_step, 3, True, dict(lr=0.05, beta1=0.8, beta2=0.9, eps=1e-6),
                            lambda ps: torch.optim.Adam(ps, lr=0.05, betas=(0.8, 0.9), eps=1e-6, amsgrad=True),
                            ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]),
}


@pytest.fixture
def float64_scalars():
    """Some optimizer scalars live in torch's default dtype (NAdam's running product of the
    momenta is float32 by default, which would differ from float64 at 1e-7): make it float64."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_trajectory_matches_torch_over_100_steps(name, float64_scalars):
    """Check every step of a 100-step trajectory, and the final state, against torch.optim fed the same gradients."""
    step, n_state, uses_t, hyper, make_optimizer, state_keys = OPTIMIZERS[name]
    rng = np.random.default_rng(11)
    w0 = rng.normal(size=(3, 4))
    gradients = cases.gradient_sequence(rng)
    expected_path, torch_state = _torch_trajectory(make_optimizer, w0, gradients)
    path, state = _reference_trajectory(step, w0, gradients, n_state, uses_t, **hyper)
    assert np.abs(path[-1] - w0).max() > 1e-3, "the trajectory must actually move"
    np.testing.assert_allclose(path, expected_path, rtol=1e-10, atol=1e-13)
    for key, arr in zip(state_keys, state, strict=True):
        np.testing.assert_allclose(arr, torch_state[key].numpy(), rtol=1e-10, atol=1e-15, err_msg=key)


# --- schedules -------------------------------------------------------------------------------

def _torch_lrs(make_scheduler, lr0, steps):
    """The learning rate torch's scheduler sets for steps 0 .. steps-1 (0-based, as the reference)."""
    optimizer = torch.optim.SGD([tensor([0.0], grad=True)], lr=lr0)
    scheduler = make_scheduler(optimizer)
    lrs = []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return np.array(lrs)


def _assert_schedule_matches(schedule, make_scheduler, lr0, steps):
    expected = _torch_lrs(make_scheduler, lr0, steps)
    got = np.array([schedule(t) for t in range(steps)])
    # torch updates most schedules multiplicatively step after step: round-off grows with t.
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12 * lr0)


@pytest.mark.parametrize("gamma, step_size", [(0.1, 10), (0.5, 7)])
def test_step_decay_matches_steplr(gamma, step_size):
    """Check step_decay against StepLR for 60 steps."""
    _assert_schedule_matches(lambda t: ref.step_decay(t, 0.3, gamma, step_size),
                             lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=step_size, gamma=gamma), 0.3, 60)


def test_exponential_decay_matches_exponentiallr():
    """Check exponential_decay against ExponentialLR for 100 steps."""
    _assert_schedule_matches(lambda t: ref.exponential_decay(t, 0.1, 0.95),
                             lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.95), 0.1, 100)


@pytest.mark.parametrize("lr_min", [0.0, 0.01])
def test_cosine_annealing_matches_cosineannealinglr_up_to_T(lr_min):
    """Check cosine_annealing against CosineAnnealingLR(T_max=T) for t <= T (torch rises again after T; ours holds)."""
    T = 50
    _assert_schedule_matches(lambda t: ref.cosine_annealing(t, T, 0.1, lr_min),
                             lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=T, eta_min=lr_min),
                             0.1, T + 1)
    assert ref.cosine_annealing(T + 10, T, 0.1, lr_min) == lr_min


@pytest.mark.parametrize("T_mult", [1, 2, 3])
@pytest.mark.parametrize("lr_min", [0.0, 0.001])
def test_cosine_warm_restarts_matches_torch(T_mult, lr_min):
    """Check cosine_warm_restarts against CosineAnnealingWarmRestarts over several cycles."""
    _assert_schedule_matches(lambda t: ref.cosine_warm_restarts(t, 5, 0.1, lr_min, T_mult),
                             lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
                                 o, T_0=5, T_mult=T_mult, eta_min=lr_min), 0.1, 80)


@pytest.mark.parametrize("warmup, T, lr_min", [(10, 100, 0.0), (5, 40, 0.002), (0, 30, 0.0), (20, 21, 0.0)])
def test_warmup_cosine_matches_lambdalr(warmup, T, lr_min):
    """Check warmup_cosine against LambdaLR with the usual warm-up + cosine multiplier, past T."""
    lr_max = 0.1
    floor = lr_min / lr_max

    def multiplier(t):  # the widespread "cosine schedule with warm-up" factor, with a floor
        if t < warmup:
            return t / max(1, warmup)
        progress = min(1.0, (t - warmup) / max(1, T - warmup))
        return floor + (1 - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))

    _assert_schedule_matches(lambda t: ref.warmup_cosine(t, warmup, T, lr_max, lr_min),
                             lambda o: torch.optim.lr_scheduler.LambdaLR(o, multiplier), lr_max, T + 10)


# --- clipping --------------------------------------------------------------------------------

@pytest.mark.parametrize("max_norm, clips", [(0.5, True), (5.0, True), (1e3, False)])
def test_clip_by_global_norm_matches_clip_grad_norm(max_norm, clips):
    """Check the clipped gradients and the returned total norm against torch.nn.utils.clip_grad_norm_."""
    rng = np.random.default_rng(4)
    grads = [rng.normal(size=(3, 4)), rng.normal(size=5), rng.normal(size=(2, 2, 2))]
    params = [tensor(np.zeros_like(g), grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = tensor(g)
    expected_norm = torch.nn.utils.clip_grad_norm_(params, max_norm).item()
    clipped, total_norm = ref.clip_by_global_norm(grads, max_norm)
    assert total_norm == pytest.approx(expected_norm, rel=RTOL)
    for got, p in zip(clipped, params, strict=True):
        np.testing.assert_allclose(got, p.grad.numpy(), rtol=RTOL, atol=ATOL)
    # Both regimes are exercised: clipped (norm above max_norm) and left alone (norm below it).
    assert (total_norm > max_norm) == clips
    clipped_norm = np.sqrt(sum(np.sum(c * c) for c in clipped))
    assert clipped_norm == pytest.approx(min(max_norm, total_norm), rel=1e-6)


def test_clip_by_value_matches_clip_grad_value():
    """Check clip_by_value against torch.nn.utils.clip_grad_value_."""
    g = np.random.default_rng(6).normal(scale=2.0, size=(4, 5))
    p = tensor(np.zeros_like(g), grad=True)
    p.grad = tensor(g)
    torch.nn.utils.clip_grad_value_([p], 1.5)
    np.testing.assert_array_equal(ref.clip_by_value(g, 1.5), p.grad.numpy())
