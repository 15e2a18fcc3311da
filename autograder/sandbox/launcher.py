"""The warm launcher: one per grading run (its workers share it), so a submission's sandbox starts
without a Python start and a second of imports.

Without it, every submission starts two interpreters inside its sandbox (the runner, then the
kernel), and each imports its stack again: nbclient and jupyter_client, then IPython, ipykernel
and NumPy. That start is most of what a submission costs once the grader itself is warm.

With it, bubblewrap still makes every submission's sandbox, exactly as before (the same mounts,
namespaces and environment, from :func:`autograder.sandbox.bwrap.bwrap_command`), but what it
runs inside is only a placeholder holding the namespaces open. The launcher, a fresh
interpreter started once per grading run (:func:`share`; a process with no shared one starts its
own) with the sandbox's clean environment and holding nothing of the grader's, has imported the
stack already; for each submission it forks a process that joins that sandbox's namespaces and
becomes the runner, whose first kernel is forked from it in turn (``runner.py``, ``launcher``
mode). So:

- **No state passes between submissions.** Each submission's processes are forked from the
  launcher, which never runs student code, and all of them die with their own sandbox; files
  live in that sandbox's own ``/sandbox`` and ``/tmp``; the environment is reset from the
  request; the uid, rlimits and the rest are set as in a fresh start.
  ``tests/test_launcher.py`` grades submissions in a row on one launcher that try to see each
  other (files, environment, modules, memory), and the hostile corpus is graded through it.
- **It needs root**, as grading into per-sandbox uids already does: joining a mount namespace
  takes ``CAP_SYS_ADMIN``. As another user the fresh start is used.
- **A launcher that is not there costs speed only**: one that died is started again, and
  :func:`execute_notebook <autograder.sandbox.execute.execute_notebook>` falls back to the
  fresh start when no launcher takes the request. A launcher's fork that cannot join the
  sandbox reports a failed kernel start, so that submission is recorded as not graded (an
  infrastructure failure, never a score); where bubblewrap runs as root this does not happen,
  since joining needs the same privilege as making the namespaces.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

#: What the launcher imports before its first fork: the runner's stack, the kernel's, and NumPy,
#: which every assignment imports first. The kernel's list is what ``IPKernelApp.initialize``
#: imports on its own (its debugger alone pulls in debugpy: about 60 ms a kernel); measured
#: by the modules a kernel's start adds to ``sys.modules``.
PRELOAD = ("nbformat", "nbclient", "jupyter_client", "jupyter_client.asynchronous.client",
           "jupyter_client.provisioning.local_provisioner", "ipykernel.kernelapp",
           "ipykernel.ipkernel", "ipykernel.debugger", "IPython.core.debugger",
           "IPython.core.completerlib", "IPython.extensions.storemagic", "psutil", "sqlite3",
           "tornado.platform.asyncio", "faulthandler", "numpy")


class Launcher:
    """A warm launcher process, started on first use; ``launch`` asks it for one runner."""

    def __init__(self, runner_files, env, preload=PRELOAD):
        self._runner_files, self._env, self._preload = dict(runner_files), dict(env), tuple(preload)
        self._process = None
        self._socket = None
        self._folder = None
        self._lock = threading.Lock()
        self._owner = os.getpid()  # the process that started it (a forked worker only uses it)
        self.broken = False  # a forked worker found it gone

    def _start(self):
        self.close()
        self._owner = os.getpid()
        # the launcher runs from a folder of its own holding the runner's files only, so
        # nothing of autograder/ is on its path; it removes the folder once it has read them
        self._folder = tempfile.mkdtemp(prefix="lossopt-launcher-")
        for name, source in self._runner_files.items():
            shutil.copyfile(source, os.path.join(self._folder, name))
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._process = subprocess.Popen(
                [sys.executable, os.path.join(self._folder, "runner.py"), "launcher",
                 str(theirs.fileno()), json.dumps(list(self._preload))],
                env=self._env, cwd=self._folder, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),), start_new_session=True)
        finally:
            theirs.close()
        self._socket = ours

    def launch(self, sandbox_pid, runner_dir, result_fd, log_fd, env):
        """Have the launcher run the notebook of ``runner_dir`` in the sandbox whose
        placeholder is ``sandbox_pid``, reporting on ``result_fd`` (seen by the runner under
        the same number) and logging to ``log_fd``. Raises OSError if no launcher could take
        the request (the caller then starts the sandbox afresh)."""
        request = json.dumps({"sandbox_pid": sandbox_pid, "runner_dir": runner_dir,
                              "result_fd": result_fd, "env": env}).encode()
        if os.getpid() != self._owner:
            # started by the process this one was forked from (``share``): only that process
            # may watch or restart it; here it is used while it answers, then this process
            # starts one of its own
            try:
                socket.send_fds(self._socket, [request], [result_fd, log_fd])
                return
            except (OSError, AttributeError):
                self.broken = True
            process_launcher(self._runner_files, self._env).launch(
                sandbox_pid, runner_dir, result_fd, log_fd, env)
            return
        with self._lock:
            for attempt in (1, 2):
                if self._process is None or self._process.poll() is not None:
                    self._start()
                try:
                    socket.send_fds(self._socket, [request], [result_fd, log_fd])
                    return
                except OSError:
                    if attempt == 2:
                        raise
                    self._process.kill()

    def close(self):
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            self._process = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


_LAUNCHERS: dict[int, Launcher] = {}
_SHARED: Launcher | None = None


def process_launcher(runner_files, env) -> Launcher:
    """The launcher this process uses: the one its parent shares (:func:`share`) while that one
    answers, else one of its own."""
    launcher = _LAUNCHERS.get(os.getpid())
    if launcher is None:
        if _SHARED is not None and not _SHARED.broken and _SHARED._owner != os.getpid():
            return _SHARED
        launcher = _LAUNCHERS[os.getpid()] = Launcher(runner_files, env)
    return launcher


def share(runner_files, env) -> Launcher:
    """Start a launcher now for the worker processes this one is about to fork.

    The grading command calls it before its own set-up (collecting, recording the assignment,
    intake), so the launcher imports the kernel's stack on the core that set-up leaves idle,
    and the workers' first submissions do not wait for it. One launcher serves every worker:
    each request is one message on its socket, and it forks a fresh process per request."""
    global _SHARED
    if _SHARED is None:
        _SHARED = Launcher(runner_files, env)
        _SHARED._start()
    return _SHARED


def close_shared() -> None:
    """Stop the launcher :func:`share` started (from the process that started it)."""
    global _SHARED
    if _SHARED is not None and _SHARED._owner == os.getpid():
        _SHARED.close()
    _SHARED = None


def placeholder_command(ready_fd):
    """What bubblewrap runs in a launched sandbox: say the sandbox is complete (the command
    only starts once every mount is made), then hold its namespaces open until killed."""
    # (dash redirects only fds 0 to 9 by number)
    return ["/bin/sh", "-c", f"echo > /proc/self/fd/{int(ready_fd)}; exec sleep infinity"]
