"""Reference implementations: the contract students' functions are judged against.

NumPy, float64, pure functions (inputs are never modified). "Mean" is over all elements unless a
docstring says otherwise; a gradient has the shape of the argument it differentiates. Bad input
raises ``ValueError`` naming the argument.

=========================  ===================================  ===========
module                     functions                            chapter
=========================  ===================================  ===========
``linear_model``           line_mse_loss, line_mse_grad         1
``activations``            sigmoid, softmax, log_softmax        3
``regression_losses``      mse, mae, huber (+ grads)            2
``classification_losses``  bce, mse_sigmoid, cross_entropy,     3, 4
                           hinge, dice, iou, weighted_bce,
                           weighted_cross_entropy, focal
                           (+ grads), kl_divergence
``optimizers``             sgd, momentum, nesterov, adagrad,    5, 6, 7
                           rmsprop, adam (+ uncorrected), adamw,
                           adamax, nadam, amsgrad
``schedules``              step, exponential, cosine, warmup,   8
                           warm restarts
``clipping``               clip_by_value, clip_by_global_norm   9
``backprop_221``           forward, backward, sgd_update,       10
                           numerical_gradient
=========================  ===================================  ===========
"""
from .activations import log_softmax, sigmoid, softmax
from .backprop_221 import (PARAM_NAMES, backward_221, forward_221, loss_221, numerical_gradient,
                           sgd_update)
from .classification_losses import (bce_grad, bce_loss, cross_entropy_grad, cross_entropy_loss,
                                    dice_grad, dice_loss, focal_grad, focal_loss, hinge_grad,
                                    hinge_loss, iou_grad, iou_loss, kl_divergence,
                                    mse_sigmoid_grad, mse_sigmoid_loss, weighted_bce_grad,
                                    weighted_bce_loss, weighted_cross_entropy_grad,
                                    weighted_cross_entropy_loss)
from .clipping import clip_by_global_norm, clip_by_value
from .linear_model import line_mse_grad, line_mse_loss
from .optimizers import (adagrad_step, adam_step, adam_step_uncorrected, adamax_step, adamw_step,
                         amsgrad_step, momentum_step, nadam_step, nesterov_step, rmsprop_step,
                         sgd_step)
from .regression_losses import huber_grad, huber_loss, mae_grad, mae_loss, mse_grad, mse_loss
from .schedules import (cosine_annealing, cosine_warm_restarts, exponential_decay, step_decay,
                        warmup_cosine)

__all__ = [
    "line_mse_loss", "line_mse_grad",
    "sigmoid", "softmax", "log_softmax",
    "mse_loss", "mse_grad", "mae_loss", "mae_grad", "huber_loss", "huber_grad",
    "bce_loss", "bce_grad", "mse_sigmoid_loss", "mse_sigmoid_grad",
    "cross_entropy_loss", "cross_entropy_grad", "hinge_loss", "hinge_grad",
    "kl_divergence", "dice_loss", "dice_grad", "iou_loss", "iou_grad",
    "weighted_bce_loss", "weighted_bce_grad", "weighted_cross_entropy_loss", "weighted_cross_entropy_grad",
    "focal_loss", "focal_grad",
    "sgd_step", "momentum_step", "nesterov_step", "adagrad_step", "rmsprop_step",
    "adam_step", "adam_step_uncorrected", "adamw_step", "adamax_step", "nadam_step", "amsgrad_step",
    "step_decay", "exponential_decay", "cosine_annealing", "warmup_cosine", "cosine_warm_restarts",
    "clip_by_value", "clip_by_global_norm",
    "PARAM_NAMES", "forward_221", "loss_221", "backward_221", "sgd_update", "numerical_gradient",
]
