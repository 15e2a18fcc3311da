"""momentum_step averages the gradient, v = beta v + (1 - beta) g, instead of summing it.

loses: momentum_step_example momentum_step_rollout momentum_step_no_mutation
"""


def momentum_step(w, g, v, lr, beta=0.9):
    v_new = beta * v + (1 - beta) * g
    return w - lr * v_new, v_new
