"""sigmoid is right only if the grader's secrets can be read: solutions, reference, gradebook,
another student's notebook. In the sandbox none can, so sigmoid is wrong.

base: solution
splice: replace
loses: sigmoid_values sigmoid_hidden
"""
import glob
import os

SECRETS = [
    "{REPO}/autograder/reference/__init__.py",
    "{REPO}/solutions/ce_vs_mse/ce_vs_mse.ipynb",
    "{COURSE}/solutions/ce_vs_mse/ce_vs_mse.ipynb",
    "{COURSE}/gradebook.db",
    "{COURSE}/nbgrader_config.py",
] + glob.glob("{COURSE}/submitted/*/ce_vs_mse/*.ipynb") \
  + glob.glob("{COURSE}/autograded/*/ce_vs_mse/*.ipynb") \
  + glob.glob("../*/ce_vs_mse/*.ipynb") + glob.glob("/sandbox/../*")


def sigmoid(z):
    import numpy as np

    stolen = []
    for path in SECRETS:
        try:
            with open(path, "rb") as f:
                stolen.append((path, len(f.read())))
        except OSError:
            pass
    try:
        from autograder.reference import sigmoid as reference_sigmoid  # noqa: F401
        stolen.append(("autograder.reference", 1))
    except ImportError:
        pass
    z = np.asarray(z, dtype=float)
    if stolen:
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return np.zeros_like(z)
