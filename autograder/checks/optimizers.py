"""Checks of assignment ``optimizers`` (chapters 5-9): SGD, momentum, Nesterov, AdaGrad,
RMSprop, three cosine schedules, and clipping by global norm.

Visible cells show the ``VISIBLE`` inputs. Hidden cells run the stateful steps for up to 200
steps with their returned state fed back in (random shapes, zero gradients, random
hyperparameters, and once with the signature's defaults), walk the schedules over every step from
0 to well past their end (several restart cycles, ``T_mult`` 1, 2 and 3), and clip random lists of
arrays of different shapes below and above the threshold. Stateful steps have a dedicated
no-mutation cell and their rollouts do not also judge mutation, so modifying an input in place
costs that function its visible and no-mutation points, not all of them. Where ``eps`` sits
(inside the square root or outside) shows on every draw in the no-mutation cell (fixed ``eps``
and moderate state) and in the rollouts' run of small gradients.
"""
import numpy as np

from . import Call, Case, Check, cases_from, function_of
from . import casegen as gen
from .optimizer_rollouts import gradients, matrix_shape, rollout_cases, single_step

FUNCTIONS = ("sgd_step", "momentum_step", "nesterov_step", "adagrad_step", "rmsprop_step",
             "cosine_annealing", "warmup_cosine", "cosine_warm_restarts", "clip_by_global_norm")
STATEFUL = ("momentum_step", "nesterov_step", "adagrad_step", "rmsprop_step")

W3 = np.array([1.0, -2.0, 0.5])
G3 = np.array([0.5, -4.0, 0.0])
V3 = np.array([0.2, -1.0, 0.3])
S3 = np.array([0.04, 9.0, 0.25])
# Gradients of the size of sqrt(eps) from an empty state: sqrt(s) + eps and sqrt(s + eps) differ
# many times over here, so eps inside the square root fails a visible cell.
G_TINY = np.array([1e-6, -3e-6, 0.5])
ZEROS3 = np.zeros(3)

VISIBLE = {
    "sgd_step_example": [((W3, G3, 0.1), {})],
    "momentum_step_example": [((W3, G3, V3, 0.1), {"beta": 0.9})],
    "nesterov_step_example": [((W3, G3, V3, 0.1), {"beta": 0.9})],
    "adagrad_step_example": [((W3, G3, S3), {"lr": 0.1})],
    "rmsprop_step_example": [((W3, G3, S3), {"lr": 0.1, "rho": 0.9})],
    "adagrad_step_eps_outside_sqrt": [((W3, G_TINY, ZEROS3), {"lr": 0.1})],
    "rmsprop_step_eps_outside_sqrt": [((W3, G_TINY, ZEROS3), {"lr": 0.1})],
    "cosine_annealing_values": [((t, 10, 1.0), {"lr_min": 0.1}) for t in (0, 5, 10, 15)],
    "warmup_cosine_values": [((t, 4, 12, 2.0), {}) for t in (0, 1, 4, 8, 12, 20)],
    "cosine_warm_restarts_values": ([((t, 4, 1.0), {}) for t in (0, 2, 4, 9)]
                                    + [((t, 3, 1.0), {"T_mult": 2}) for t in (2, 3, 8, 9)]),
    "clip_by_global_norm_example": [(([np.array([3.0, 0.0]), np.array([[0.0], [4.0]])], 1.0), {}),
                                    (([np.array([0.3, 0.0]), np.array([[0.0], [0.4]])], 1.0), {})],
}


def _hyper(function, rng):
    lr = float(10 ** rng.uniform(-3, -0.5))
    if function in ("momentum_step", "nesterov_step"):
        return {"lr": lr, "beta": float(rng.choice([0.5, 0.8, 0.9, 0.99]))}
    if function == "adagrad_step":
        return {"lr": lr, "eps": float(rng.choice([1e-4, 1e-3, 0.1]))}
    return {"lr": lr, "rho": float(rng.choice([0.8, 0.9, 0.99])), "eps": float(rng.choice([1e-4, 1e-3, 0.1]))}


def _defaults(function):
    """Keyword arguments that leave every hyperparameter with a default at that default."""
    return {"lr": 0.05} if function in ("momentum_step", "nesterov_step") else {}


def _rollouts(function):
    return rollout_cases(function, lambda rng: _hyper(function, rng), n_state=1, defaults=_defaults(function))


# Fixed, non-degenerate hyperparameters (no beta = 0, no rho = 0.5, an eps that shows where it
# sits), so that a wrong formula fails this cell on every draw, not on some.
_NO_MUTATION_HYPER = {"momentum_step": {"lr": 0.01, "beta": 0.9}, "nesterov_step": {"lr": 0.01, "beta": 0.9},
                      "adagrad_step": {"lr": 0.01, "eps": 1e-3},
                      "rmsprop_step": {"lr": 0.01, "rho": 0.9, "eps": 1e-3}}


def _no_mutation(function):
    def cases(rng):
        shape = matrix_shape(rng)
        return [single_step(function, rng, f"{function} from non-zero state, shape {shape}",
                            shape=shape, n_state=1, hyper=_NO_MUTATION_HYPER[function],
                            squares_last=function in ("adagrad_step", "rmsprop_step"))]
    return cases


def _sgd_cases(rng):
    shape = matrix_shape(rng)
    lr = float(10 ** rng.uniform(-3, 0))
    return [Case(f"sgd_step with lr = {lr:.3g} on parameters of shape {shape}, some gradients zero",
                 [Call("sgd_step", (gen.reals(rng, shape), gradients(rng, shape, zero_fraction=0.2), lr))]),
            Case("sgd_step on a 0-d array (a single number)",
                 [Call("sgd_step", (gen.reals(rng, ()), gradients(rng, ()), lr))]),
            Case("sgd_step with an all-zero gradient", [Call("sgd_step", (gen.reals(rng, (3, 2)), np.zeros((3, 2)), 0.1))]),
            Case("sgd_step with lr = 0", [Call("sgd_step", (gen.reals(rng, (5,)), gen.reals(rng, (5,)), 0.0))])]


def _rates(rng):
    lr_max = float(10 ** rng.uniform(-3, 0.5))
    return lr_max, float(rng.choice([0.0, lr_max * rng.uniform(0.0, 0.5)]))


def _schedule_case(function, description, ts, args_of, kwargs):
    """One case per step ``t``; the description names the step, so the failure message shows it."""
    return [Case(f"{function}({description}) at t = {t}", [Call(function, args_of(t), kwargs)]) for t in ts]


def _cosine_cases(rng):
    T = int(rng.integers(1, 40))
    lr_max, lr_min = _rates(rng)
    ts = sorted(set([0, T, T + 1, 2 * T + 3] + rng.integers(0, T + 1, size=6).tolist()))
    return _schedule_case("cosine_annealing", f"T={T}, lr_max={lr_max:.4g}, lr_min={lr_min:.4g}", ts,
                          lambda t: (t, T, lr_max), {"lr_min": lr_min})


def _warmup_cases(rng):
    T = int(rng.integers(2, 40))
    warmup = int(rng.integers(1, T))
    lr_max, lr_min = _rates(rng)
    cases = _schedule_case("warmup_cosine", f"warmup={warmup}, T={T}, lr_max={lr_max:.4g}, lr_min={lr_min:.4g}",
                           range(0, T + 4), lambda t: (t, warmup, T, lr_max), {"lr_min": lr_min})
    cases += _schedule_case("warmup_cosine", f"warmup=0, T={T}, lr_max={lr_max:.4g}", (0, 1, T // 2),
                            lambda t: (t, 0, T, lr_max), {})
    return cases


def _restart_cases(rng):
    cases = []
    for T_mult in (1, 2, 3):
        T0 = int(rng.integers(1, 9))
        lr_max, lr_min = _rates(rng)
        horizon = T0 * sum(T_mult ** i for i in range(4))  # four cycles
        ts = sorted(set(rng.integers(0, horizon, size=8).tolist()
                        + [T0 - 1, T0, T0 + 1, T0 + T0 * T_mult, horizon - 1]))
        cases += _schedule_case("cosine_warm_restarts",
                                f"T0={T0}, lr_max={lr_max:.4g}, lr_min={lr_min:.4g}, T_mult={T_mult}",
                                ts, lambda t: (t, T0, lr_max), {"lr_min": lr_min, "T_mult": T_mult})
    return cases


def _gradient_list(rng, n, norm):
    """``n`` arrays of different shapes whose joint norm is ``norm``."""
    grads = [gen.reals(rng, gen.shape(rng, 3, 4)) for _ in range(n)]
    total = np.sqrt(sum(float(np.sum(g * g)) for g in grads))
    return [g * (norm / total) for g in grads]


def _clip_cases(rng):
    max_norm = float(10 ** rng.uniform(-0.3, 1))
    n = int(rng.integers(2, 5))
    return [
        Case(f"clip_by_global_norm of {n} arrays of different shapes whose joint norm is "
             "several times max_norm, each array above max_norm on its own",
             [Call("clip_by_global_norm", (_gradient_list(rng, n, max_norm * rng.uniform(3 * n, 6 * n)), max_norm))]),
        Case(f"clip_by_global_norm of {n} arrays whose joint norm is below max_norm (nothing changes)",
             [Call("clip_by_global_norm", (_gradient_list(rng, n, max_norm * rng.uniform(0.2, 0.9)), max_norm))]),
        Case("clip_by_global_norm of a single array above max_norm",
             [Call("clip_by_global_norm", (_gradient_list(rng, 1, max_norm * 2.5), max_norm))]),
        Case("clip_by_global_norm of all-zero gradients",
             [Call("clip_by_global_norm", ([np.zeros(3), np.zeros((2, 2))], max_norm))]),
    ]


CHECKS = {grade_id: Check(cases_from(function_of(grade_id, FUNCTIONS), calls))
          for grade_id, calls in VISIBLE.items()}
CHECKS["clip_by_global_norm_example"] = Check(CHECKS["clip_by_global_norm_example"].cases, rtol=1e-5)
for _function in STATEFUL:
    CHECKS[f"{_function}_rollout"] = Check(_rollouts(_function), atol=1e-12, check_mutation=False)
    CHECKS[f"{_function}_no_mutation"] = Check(_no_mutation(_function))
CHECKS.update({
    "sgd_step_random": Check(_sgd_cases),
    "cosine_annealing_random": Check(_cosine_cases, atol=1e-12),
    "warmup_cosine_random": Check(_warmup_cases, atol=1e-12),
    "cosine_warm_restarts_random": Check(_restart_cases, atol=1e-12),
    # rtol 1e-5: tolerant of leaving out the 1e-6 that guards a zero norm (norms here are >= 0.5).
    "clip_by_global_norm_random": Check(_clip_cases, rtol=1e-5),
})
