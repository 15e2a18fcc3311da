"""Sandboxed execution of student notebooks (bubblewrap + rlimits + time and output caps).

The one entry point for both graders: :func:`execute_notebook` (used by the course's grading
command) and :class:`SandboxedExecute` (the nbgrader preprocessor that replaces ``Execute``).
"""
from .bwrap import INSTALL_HINT, SandboxUnavailable, check_bwrap
from .execute import KernelStartError, execute_notebook
from .limits import Limits

__all__ = ["INSTALL_HINT", "KernelStartError", "Limits", "SandboxUnavailable", "SandboxedExecute", "check_bwrap",
           "execute_notebook"]


def __getattr__(name):
    # nbgrader is imported only by whoever wants the preprocessor
    if name == "SandboxedExecute":
        from .preprocessor import SandboxedExecute

        return SandboxedExecute
    raise AttributeError(name)
