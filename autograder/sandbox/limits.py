"""Resource limits for running one student notebook; every field is configurable.

Set them in ``nbgrader_config.py`` (``c.SandboxedExecute.cell_timeout_s = 60``) or pass a
``Limits`` to :func:`autograder.sandbox.execute_notebook`.

This class is the one form of the limits from configuration to kernel: ``SandboxedExecute``
derives one config option per field, ``execute_notebook`` takes a ``Limits``, and the sandbox's
runner, which cannot import ``autograder``, gets a copy of this file next to it and reads the
limits back with :meth:`Limits.from_dict`. So it imports the standard library only.
"""
from dataclasses import asdict, dataclass, field, fields, replace


def _limit(default, help):
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = _limit(
        120, "CPU seconds one kernel process may use (RLIMIT_CPU); the kernel is then killed.")
    memory_mb: int = _limit(
        2048, "Address space of the kernel and each process it starts, in MiB (RLIMIT_AS).")
    max_processes: int = _limit(
        64, "Processes and threads the kernel may run, its own threads included "
            "(RLIMIT_NPROC; a kernel needs about 20 while it starts).")
    max_file_mb: int = _limit(
        64, "Largest file the student's code may write, in MiB (RLIMIT_FSIZE).")
    tmp_mb: int = _limit(256, "Size of the sandbox's private /tmp, in MiB.")
    max_output_bytes_per_cell: int = _limit(
        1_000_000, "Outputs one cell may keep; the rest is dropped with a notice.")
    cell_timeout_s: int = _limit(60, "Wall-clock seconds one cell may run.")
    notebook_timeout_s: int = _limit(600, "Wall-clock seconds the whole notebook may run.")
    kernel_start_timeout_s: int = _limit(
        120, "Wall-clock seconds one kernel start may take, apart from cell_timeout_s: no student "
             "code has run yet, and a loaded machine can take a minute to start Python.")
    kernel_start_attempts: int = _limit(
        3, "Tries to start the first kernel; when all fail the notebook is not graded but "
           "reported as an infrastructure failure (KernelStartError), never scored 0.")
    max_kernel_restarts: int = _limit(
        3, "Kernel restarts (after a timeout or crash) before the rest of the notebook is "
           "marked as not run.")

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        """The limits ``to_dict`` gave; a missing or unknown name is refused by name."""
        names = {f.name for f in fields(cls)}
        unknown, missing = sorted(set(data) - names), sorted(names - set(data))
        if unknown or missing:
            raise ValueError(f"sandbox limits: unknown {unknown}, missing {missing}")
        return cls(**{name: int(value) for name, value in data.items()})

    def with_changes(self, **changes):
        return replace(self, **changes)


def limit_fields():
    """(name, default, help) of every limit, for configuration front ends."""
    return [(f.name, f.default, f.metadata["help"]) for f in fields(Limits)]
