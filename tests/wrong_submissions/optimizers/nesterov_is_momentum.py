"""nesterov_step is plain momentum: no look-ahead at all.

loses: nesterov_step_example nesterov_step_rollout nesterov_step_no_mutation
"""


def nesterov_step(w, g, v, lr, beta=0.9):
    v_new = beta * v + g
    return w - lr * v_new, v_new
