"""Test-only stand-in for the sandbox's runner: the first N kernel starts die before replying,
as a kernel may on an overloaded machine. Copied into the runner folder as ``runner.py`` (by
the ``kernel_start_faults`` fixture of tests/test_sandbox.py), next to the real runner copied as
``real_runner.py`` and a file ``kernel_start_faults`` holding N."""
import os
import sys

import real_runner

HERE = os.path.dirname(os.path.abspath(__file__))


class FaultyRunner(real_runner.Runner):
    def kernel_command(self):
        with open(os.path.join(HERE, "kernel_start_faults"), encoding="utf-8") as f:
            faults = int(f.read())
        if self.kernel_starts <= faults:
            return [sys.executable, "-c", "import os; os._exit(1)", "{connection_file}"]
        return super().kernel_command()


if __name__ == "__main__":
    real_runner.Runner = FaultyRunner
    real_runner.main(sys.argv)
