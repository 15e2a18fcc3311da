"""Checks of assignment ``adam`` (chapter 7, *Adaptive methods*): Adam, Adam without bias
correction, AdamW.

Visible cells show the ``VISIBLE`` inputs. Hidden cells run rollouts of up to 200 steps on
random shapes (the student's returned ``w, m, v`` fed back in, ``t`` counting 1, 2, 3, ...), with
random hyperparameters and also the signature's defaults; edge cases (0-d arrays, all-zero and
tiny gradients, where ``eps`` inside or outside the square root differs); and dedicated
no-mutation cells. Rollouts and edge cases do not also judge mutation, so modifying an input in
place costs that function its visible and no-mutation points, not all of them.
"""
import numpy as np

from . import Call, Case, Check, cases_from, function_of
from . import casegen as gen
from .optimizer_rollouts import gradients, matrix_shape, rollout, rollout_cases, single_step

W3 = np.array([1.0, -2.0, 0.5])
G3 = np.array([0.1, -3.0, 0.0])
ZEROS3 = np.zeros(3)
M3 = np.array([0.02, -0.5, 0.1])
V3 = np.array([0.001, 0.9, 0.004])
# Gradients of the size of sqrt(eps): sqrt(v_hat) + eps and sqrt(v_hat + eps) differ by tens of
# percent here, so eps inside the square root fails a visible cell, not only the hidden ones.
G_TINY = np.array([1e-4, -2e-4, 3.0])

# (args, kwargs) of every call a visible cell makes, keyed by grade id.
VISIBLE = {
    "adam_step_first_step": [((W3, G3, ZEROS3, ZEROS3, 1), {"lr": 0.1})],
    "adam_step_later_step": [((W3, G3, M3, V3, 3), {"lr": 0.1})],
    "adam_step_uncorrected_first_step": [((W3, G3, ZEROS3, ZEROS3, 1), {"lr": 0.1})],
    "adamw_step_first_step": [((W3, G3, ZEROS3, ZEROS3, 1), {"lr": 0.1, "weight_decay": 0.5})],
    "adamw_step_zero_gradient": [((W3, ZEROS3, ZEROS3, ZEROS3, 1), {"lr": 0.1, "weight_decay": 0.5})],
    "adam_step_eps_outside_sqrt": [((W3, G_TINY, ZEROS3, ZEROS3, 1), {"lr": 0.1})],
    "adamw_step_eps_outside_sqrt": [((W3, G_TINY, ZEROS3, ZEROS3, 1), {"lr": 0.1, "weight_decay": 0.5})],
}


def _hyper(rng, decay=False):
    # lr and weight decay large enough that decay applied after the step (a difference of
    # lr^2 * weight_decay) shows on every draw
    hyper = {"lr": float(10 ** rng.uniform(-2, -0.5)),
             "beta1": float(rng.choice([0.6, 0.8, 0.9, 0.95])),
             "beta2": float(rng.choice([0.9, 0.99, 0.999])),
             "eps": float(rng.choice([1e-6, 1e-4, 1e-3]))}
    if decay:
        hyper["weight_decay"] = float(rng.choice([0.05, 0.1, 0.5]))
    return hyper


def _rollouts(function, decay=False):
    return rollout_cases(function, lambda rng: _hyper(rng, decay), n_state=2, counted=True)


def _adam_edge_cases(rng):
    shape = matrix_shape(rng)
    tiny = gradients(rng, shape, scale_range=(1e-6, 1e-4))
    return [
        rollout("adam_step", rng, "adam_step on a 0-d array (a single number), 5 steps",
                shape=(), n_steps=5, n_state=2, counted=True, hyper={"lr": 0.05}),
        rollout("adam_step", rng, f"adam_step with an all-zero gradient for 3 steps, shape {shape}",
                shape=shape, n_steps=3, n_state=2, counted=True,
                grad=lambda rng, step: np.zeros(shape)),
        Case(f"adam_step, first step with tiny gradients (1e-6 .. 1e-4) and eps=1e-8, shape {shape}",
             [Call("adam_step", (gen.reals(rng, shape), tiny, np.zeros(shape), np.zeros(shape), 1),
                   {"lr": 0.01})]),
        single_step("adam_step", rng, f"adam_step at step t=50 from non-zero moments with "
                    "eps=0.001 and beta1=0.5", shape=shape, n_state=2, t=50,
                    hyper={"lr": 0.01, "beta1": 0.5, "eps": 1e-3}),
    ]


def _no_mutation(function, decay=False):
    def cases(rng):
        shape = matrix_shape(rng)
        hyper = {"lr": 0.01, "eps": 1e-3, **({"weight_decay": 0.1} if decay else {})}
        return [single_step(function, rng, f"{function} from non-zero moments at t=7, shape {shape}",
                            shape=shape, n_state=2, t=7, hyper=hyper)]
    return cases


def _value_check(cases):
    return Check(cases, rtol=1e-7, atol=1e-12, check_mutation=False)


FUNCTIONS = ("adam_step", "adam_step_uncorrected", "adamw_step")

CHECKS = {grade_id: Check(cases_from(function_of(grade_id, FUNCTIONS), calls), atol=1e-12)
          for grade_id, calls in VISIBLE.items()}
CHECKS.update({
    "adam_step_rollout": _value_check(_rollouts("adam_step")),
    "adam_step_edge_cases": _value_check(_adam_edge_cases),
    "adam_step_no_mutation": Check(_no_mutation("adam_step")),
    "adam_step_uncorrected_rollout": _value_check(_rollouts("adam_step_uncorrected")),
    "adam_step_uncorrected_no_mutation": Check(_no_mutation("adam_step_uncorrected")),
    "adamw_step_rollout": _value_check(_rollouts("adamw_step", decay=True)),
    "adamw_step_no_mutation": Check(_no_mutation("adamw_step", decay=True)),
})
