"""``SandboxedExecute``: nbgrader's ``Execute`` step, run inside the sandbox.

Set in ``nbgrader_config.py`` in place of ``Execute`` among ``Autograde.autograde_preprocessors``.
Every limit of :class:`~autograder.sandbox.limits.Limits` is a config option, e.g.
``c.SandboxedExecute.cell_timeout_s = 60``; ``c.SandboxedExecute.unsandboxed = True`` (or
``--SandboxedExecute.unsandboxed=True`` on the command line) runs without bubblewrap.
"""
import os

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Integer
from traitlets.config import Configurable

from ..vocabulary import SANDBOX_METADATA
from .bwrap import SANDBOX_UID_BASE
from .execute import execute_notebook
from .limits import Limits, limit_fields


#: One config option per field of :class:`Limits`, with its default and help: the options are
#: derived from the class, so the limits have one definition.
LimitOptions = type("LimitOptions", (Configurable,), {
    name: Integer(default, help=help).tag(config=True) for name, default, help in limit_fields()})


class SandboxedExecute(NbGraderPreprocessor, LimitOptions):
    """Execute the notebook in bubblewrap with resource limits; see :mod:`autograder.sandbox`."""

    unsandboxed = Bool(
        False, help="Run student code WITHOUT the sandbox (it can then read the solutions and "
                    "the gradebook). Every notebook graded so is flagged.").tag(config=True)
    warm_launcher = Bool(
        False, help="Start each notebook's runner and first kernel from a warm launcher kept by "
                    "this process (inside the same per-notebook sandbox), instead of two fresh "
                    "interpreters: about half a second less per notebook. Used when grading as "
                    "root; the course's grading command turns it on in its workers. See "
                    "autograder/sandbox/launcher.py.").tag(config=True)
    sandbox_uid_base = Integer(
        SANDBOX_UID_BASE, help="When grading as root: student code runs as uid "
                               "sandbox_uid_base + n, one n per concurrent sandbox.").tag(config=True)

    def limits(self):
        return Limits(**{name: getattr(self, name) for name, _, _ in limit_fields()})

    def preprocess(self, nb, resources):
        workdir = resources.get("metadata", {}).get("path") or None
        notebook_name = resources.get("nbgrader", {}).get("notebook")
        if self.unsandboxed:
            self.log.warning("Executing %s WITHOUT the sandbox (unsandboxed=True): student code "
                             "runs with your permissions.", notebook_name)
        executed = execute_notebook(
            nb, workdir, self.limits(), unsandboxed=self.unsandboxed,
            notebook_name=notebook_name + ".ipynb" if notebook_name else None,
            sandbox_uid_base=self.sandbox_uid_base, log=self.log,
            warm_launcher=self.warm_launcher)
        for event in executed.metadata.get(SANDBOX_METADATA, {}).get("events", []):
            if event.get("event") not in ("done",):
                self.log.warning("sandbox %s: %s", os.path.basename(workdir or "?"), event)
        return executed, resources
