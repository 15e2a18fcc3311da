"""nesterov_step looks ahead with the old velocity: w - lr (g + beta v_old).

loses: nesterov_step_example nesterov_step_rollout nesterov_step_no_mutation
"""


def nesterov_step(w, g, v, lr, beta=0.9):
    v_new = beta * v + g
    return w - lr * (g + beta * v), v_new
