"""Run one notebook inside the sandbox and stream each cell's outputs back to the grader.

This file is copied into the sandbox and run there by the sandbox's own Python. It must stay
self-contained (standard library, nbformat, nbclient, jupyter_client, ipykernel): the sandbox
hides ``autograder/``, so nothing here may import it. The one exception is ``limits.py``, the
grader's own ``Limits`` class, copied next to this file and loaded from there by path.

Three entry points:

``python runner.py run RUNNER_DIR``
    Reads ``RUNNER_DIR/config.json`` and ``RUNNER_DIR/notebook.ipynb``, executes the code cells
    one by one in a kernel, and writes one JSON line per cell to a pipe the grader reads.
    The kernel never holds that pipe, so student code cannot write to it.
``python runner.py kernel LIMITS_JSON -f CONNECTION_FILE``
    The kernel launcher: applies the resource limits to itself, then becomes an IPython kernel.
``python runner.py launcher SOCKET_FD PRELOAD_JSON`` (from a scratch copy of this folder)
    The warm launcher, run *outside* any sandbox by a grading worker, with the sandbox's clean
    environment, in a fresh interpreter (so it holds nothing of the grader's): it imports the
    runner's and the kernel's stack once, then for each submission forks a process that joins
    the namespaces bubblewrap has just made for that submission (mounts, pid, network, ipc,
    uts), and there becomes that submission's runner, as ``run`` would. Its first kernel is
    forked from it too, before any event loop or ZMQ context exists. What a submission's code
    can change lives in processes forked for it alone and killed with its sandbox; the
    launcher itself never runs student code. See ``autograder/sandbox/launcher.py``.

The first kernel start is retried (``kernel_start_attempts`` tries of ``kernel_start_timeout_s``
each): on a loaded machine Python can be slow to start, and no student code has run yet, so a
failure there is the machine's, never the student's. The runner reports ``kernel_started``
before the first cell runs, or ``kernel_start_failed`` when every try failed.

When a cell does not finish in time or the kernel dies (``os._exit``, a segfault, a memory or CPU
limit), every process of the sandbox except this runner is killed, a fresh kernel is started, the
cells before it are replayed except test cells and cells that failed, and execution continues
with the next cell. So code that crashes in one function's test costs that test only.
"""
import ctypes
import importlib
import importlib.util
import json
import os
import select
import signal
import socket
import sys
import time


def _load_limits_class():
    """``Limits`` from the ``limits.py`` beside this file (the grader's own, copied with it)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "limits.py")
    spec = importlib.util.spec_from_file_location("_sandbox_limits", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses looks its module up while building the class
    spec.loader.exec_module(module)
    return module.Limits


Limits = _load_limits_class()

PR_SET_DUMPABLE = 4
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38


def _prctl(option, value):
    if ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def _set_not_dumpable():
    """Deny other processes of the sandbox (same uid) ptrace and /proc/<pid>/mem access to us,
    and suppress core dumps."""
    try:
        _prctl(PR_SET_DUMPABLE, 0)
    except (OSError, AttributeError):
        pass


def apply_limits(limits):
    """Set the kernel's rlimits; soft == hard, except CPU so SIGXCPU comes before SIGKILL."""
    import resource

    def cap(kind, value):
        resource.setrlimit(kind, (value, value))

    cpu = limits.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    cap(resource.RLIMIT_AS, limits.memory_mb * 2**20)
    # RLIMIT_NPROC counts every task of the uid, the runner's threads too: allow the kernel
    # max_processes on top of what already runs
    cap(resource.RLIMIT_NPROC, _task_count() + limits.max_processes)
    cap(resource.RLIMIT_FSIZE, limits.max_file_mb * 2**20)
    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_NOFILE, 256)


def _task_count():
    count = 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                count += len(os.listdir(f"/proc/{name}/task"))
            except OSError:
                pass
    return count


def kernel_main(argv):
    apply_limits(Limits.from_dict(json.loads(argv[0])))
    _set_not_dumpable()
    sys.argv = [sys.argv[0]] + argv[1:]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def _other_pids():
    """The sandbox's other processes that run as this runner's user: the kernel and whatever
    it started. Processes of another user (bubblewrap's init and, when the warm launcher made
    the sandbox, the process that holds its namespaces open) are not the student's and cannot
    be signalled by us anyway."""
    me, uid = os.getpid(), os.getuid()
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in (1, me):
            continue
        try:
            if os.stat(f"/proc/{name}").st_uid != uid:
                continue
        except OSError:
            continue
        pids.append(int(name))
    return pids


def kill_everything_else(sandboxed):
    """SIGKILL every other process in the sandbox's pid namespace (kernel, forks, leftovers).

    Outside the sandbox (the explicit unsandboxed mode) the pid namespace is the host's, so only
    the kernel's process group is killed there.
    """
    if not sandboxed:
        return
    for _ in range(50):
        pids = _other_pids()
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGSTOP)
            except OSError:
                pass
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        _reap()
        time.sleep(0.02)


def _reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


class Channel:
    """JSON lines to the grader over an inherited pipe."""

    def __init__(self, fd):
        os.set_inheritable(fd, False)
        self._file = os.fdopen(fd, "w", encoding="utf-8")

    def send(self, **message):
        self._file.write(json.dumps(message) + "\n")
        self._file.flush()


def _output_size(content):
    return len(json.dumps(content, default=str))


def make_client_class():
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        """An nbclient that keeps at most ``max_output_bytes`` of outputs per cell.

        Output beyond the cap is dropped as it arrives (so 100 MB of prints never sit in memory)
        and replaced by one stderr line saying so.
        """

        max_cell_output = 1_000_000

        def output(self, outs, msg, display_id, cell_index):
            used = self._cell_output_used.get(cell_index, 0)
            size = _output_size(msg.get("content", {}))
            if used + size > self.max_cell_output:
                if cell_index not in self._cell_truncated:
                    self._cell_truncated.add(cell_index)
                    from nbformat.v4 import new_output

                    outs.append(new_output(
                        "stream", name="stderr",
                        text=f"[output truncated: this cell printed more than "
                             f"{self.max_cell_output} bytes]\n"))
                return None
            self._cell_output_used[cell_index] = used + size
            return super().output(outs, msg, display_id, cell_index)

    return CappedClient


def ready_client_class():
    """jupyter_client's async kernel client, except that it knows when a new kernel is ready.

    jupyter_client's ``wait_for_ready`` ends by draining IOPub until nothing arrives for 0.2 s:
    a fixed 0.2 s of idling per kernel start, on every notebook graded. This client instead
    waits for the one message that closes the start-up, the ``idle`` status the kernel publishes
    after answering our ``kernel_info`` request; seeing it also proves IOPub is connected (the
    check jupyter_client's loop makes). Nothing is lost: any message still in flight belongs to
    no cell (nbclient keeps only replies to its own requests)."""
    from queue import Empty

    import zmq
    import zmq.asyncio
    from jupyter_client.asynchronous.client import AsyncKernelClient
    from traitlets import default

    class ReadyClient(AsyncKernelClient):
        @default("context")
        def _context_default(self):
            # The client may connect before the kernel has bound its ports; ZeroMQ then tries
            # again after its reconnect interval, 100 ms by default: a tenth of a second of
            # idling per kernel start, every notebook graded
            self._created_context = True
            context = zmq.asyncio.Context()
            context.setsockopt(zmq.RECONNECT_IVL, 5)
            return context

        async def _idle_after(self, request_id, wait_s):
            """``"idle"`` when IOPub shows the kernel idle after ``request_id``; ``"subscribed"``
            when it shows our subscription taking (ipykernel's ``iopub_welcome``: an idle
            published before it never reached us); None after ``wait_s`` of silence."""
            while True:
                try:
                    message = await self.iopub_channel.get_msg(timeout=wait_s)
                except Empty:
                    return None
                kind = message.get("msg_type")
                if kind == "iopub_welcome":
                    return "subscribed"
                if (kind == "status"
                        and message.get("parent_header", {}).get("msg_id") == request_id
                        and message.get("content", {}).get("execution_state") == "idle"):
                    return "idle"

        async def wait_for_ready(self, timeout=None):
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            # IOPub subscribes while the kernel starts, and the idle after our first request
            # is often published before the subscription took. The kernel says when it took
            # (iopub_welcome); then a new request's idle cannot be missed. Until then the wait
            # for an idle starts short and grows, each try with a request of its own.
            idle_wait = 0.01
            while True:
                self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    reply = None
                if reply is not None and reply.get("msg_type") == "kernel_info_reply":
                    request_id = reply.get("parent_header", {}).get("msg_id")
                    seen = await self._idle_after(request_id, idle_wait)
                    if seen == "idle":
                        self._handle_kernel_info_reply(reply)
                        return
                    idle_wait = 0.2 if seen == "subscribed" else min(0.2, 2 * idle_wait)
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    return ReadyClient


class ForkedProcess:
    """What jupyter_client's provisioner needs of a ``subprocess.Popen``, for a kernel this
    runner forked rather than executed."""

    stdin = stdout = stderr = None

    def __init__(self, pid):
        self.pid, self.returncode = pid, None

    def poll(self):
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere (kill_everything_else)
                self.returncode = -signal.SIGKILL
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                import subprocess

                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum):
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


class SpareKernel:
    """A kernel process forked from this runner before the runner made any event loop or ZMQ
    context, waiting on a pipe for the command line jupyter_client would have executed.

    Forked from the warm launcher's runner, it already holds the kernel's imports (IPython,
    ipykernel, NumPy), so the first kernel costs IPython's own set-up instead of a Python start
    and a second of imports. It is used once, for the first start; a kernel restarted after a
    crash or a timeout is executed afresh, as without the launcher."""

    def __init__(self):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(write)
                self._become_kernel(read)
            finally:
                os._exit(0)
        os.close(read)
        self.pid, self._pipe = pid, write

    @staticmethod
    def _become_kernel(pipe):
        devnull = os.open(os.devnull, os.O_RDWR)
        for target in (0, 1, 2):
            os.dup2(devnull, target)
        _close_fds_except({0, 1, 2, pipe})
        os.setsid()  # as jupyter_client starts a kernel: its own process group
        chunks = []
        while True:
            chunk = os.read(pipe, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
        os.close(pipe)
        if not chunks:  # never used
            return
        order = json.loads(b"".join(chunks))
        os.environ.clear()
        os.environ.update(order["env"])
        if order.get("cwd"):
            os.chdir(order["cwd"])
        argv = order["argv"]  # [python, runner.py, "kernel", LIMITS_JSON, "-f", FILE, ...]
        sys.argv = argv[1:2]
        kernel_main(argv[3:])

    def start(self, argv, env, cwd):
        """Hand the kernel its command line; returns the process for jupyter_client."""
        os.write(self._pipe, json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode())
        os.close(self._pipe)
        return ForkedProcess(self.pid)


def _close_fds_except(keep):
    try:
        top = max(int(n) for n in os.listdir("/proc/self/fd"))
    except (OSError, ValueError):
        top = 1024
    for fd in range(3, top + 1):
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


class Runner:
    def __init__(self, runner_dir, spare_kernel=False):
        with open(os.path.join(runner_dir, "config.json"), encoding="utf-8") as f:
            self.config = json.load(f)
        import nbformat

        self.nb = nbformat.read(os.path.join(runner_dir, "notebook.ipynb"), as_version=4)
        # where the sandbox shows this file (the launcher's own copy lies outside it)
        self.runner_path = os.path.join(runner_dir, "runner.py")
        self.spare = SpareKernel() if spare_kernel else None
        self.channel = Channel(int(self.config["result_fd"]))
        self.limits = Limits.from_dict(self.config["limits"])
        self.skip_on_replay = set(self.config["skip_on_replay"])
        self.failed = set()
        self.client = None
        self.deadline = time.monotonic() + float(self.limits.notebook_timeout_s)
        self.kernel_starts = 0
        self.ClientClass = make_client_class()
        self.ClientClass.max_cell_output = self.limits.max_output_bytes_per_cell

    # kernel life cycle ------------------------------------------------------------------
    def _kernel_manager(self):
        from jupyter_client import AsyncKernelManager
        from jupyter_client.kernelspec import KernelSpec

        spec = KernelSpec(argv=self.kernel_command(), display_name="Python 3 (sandboxed)",
                          language="python")

        runner = self

        class SandboxKernelManager(AsyncKernelManager):
            @property
            def kernel_spec(self):
                return spec

            async def _async_launch_kernel(self, kernel_cmd, **kw):
                # jupyter_client's documented place to launch a kernel differently
                spare, runner.spare = runner.spare, None
                if spare is None:
                    return await super()._async_launch_kernel(kernel_cmd, **kw)
                provisioner = self.provisioner
                provisioner.process = spare.start(kernel_cmd, kw.get("env") or dict(os.environ),
                                                  kw.get("cwd"))
                provisioner.pid = provisioner.pgid = spare.pid
                provisioner.cwd = kw.get("cwd")
                self._reconcile_connection_info(provisioner.connection_info)

        manager = SandboxKernelManager(kernel_name="python3")
        manager.client_factory = ready_client_class()
        return manager

    def kernel_command(self):
        """The kernel's argv: this file as the launcher that applies the limits."""
        return [sys.executable, self.runner_path, "kernel", json.dumps(self.limits.to_dict()),
                "-f", "{connection_file}"]

    def start_kernel(self):
        """Start a kernel, retrying: a start that fails on a loaded machine says nothing about
        the student's code. Raises the last start's error when every try failed."""
        attempts = max(1, self.limits.kernel_start_attempts)
        for attempt in range(1, attempts + 1):
            try:
                self._start_kernel_once()
                return
            except Exception as exc:
                self.stop_kernel()
                if attempt == attempts:
                    raise
                self.channel.send(event="kernel_start_retry", attempt=attempt,
                                  reason=f"{type(exc).__name__}: {exc}"[:500])
                time.sleep(min(10, 2 ** (attempt - 1)))  # let the load that slowed it pass

    def _start_kernel_once(self):
        self.kernel_starts += 1
        km = self._kernel_manager()
        client = self.ClientClass(
            self.nb, km=km, timeout=self.limits.cell_timeout_s, allow_errors=True,
            interrupt_on_timeout=False, raise_on_iopub_timeout=False, store_widget_state=False,
            record_timing=False, shutdown_kernel="immediate",
            startup_timeout=self.limits.kernel_start_timeout_s,
            resources={"metadata": {"path": self.config["workdir"]}},
            # ipykernel sleeps 0.5 ms before each execute_reply, in case a client stops reading
            # output at the reply; nbclient reads IOPub until the cell's idle, which the
            # kernel publishes after the cell's last output, so nothing is lost without it
            # (about 1 ms a cell, once the sleep's wake-up is counted)
            extra_arguments=["--HistoryManager.hist_file=:memory:", "--Kernel._execute_sleep=0"],
        )
        client._cell_output_used = {}
        client._cell_truncated = set()
        client.reset_execution_trackers()
        self.client = client  # so stop_kernel cleans up a start that fails half-way
        client.start_new_kernel(stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))
        client.start_new_kernel_client()

    def stop_kernel(self):
        client, self.client = self.client, None
        kill_everything_else(self.config["sandboxed"])
        if client is None:
            return
        try:
            if getattr(client, "kc", None) is not None:
                client.kc.stop_channels()
        except Exception:
            pass
        from jupyter_core.utils import run_sync

        try:
            if getattr(client, "km", None) is not None:
                run_sync(client.km.shutdown_kernel)(now=True)
        except Exception:
            pass

    # execution -------------------------------------------------------------------------
    def remaining(self):
        return self.deadline - time.monotonic()

    def run_cell(self, index):
        """Execute one cell; returns "ok", "timeout", "kernel_died" or "notebook_timeout"."""
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        cell = self.nb.cells[index]
        budget = min(float(self.limits.cell_timeout_s), self.remaining())
        if budget <= 0:
            return "notebook_timeout"
        self.client.timeout = max(1, int(budget))
        try:
            self.client.execute_cell(cell, index)
        except CellTimeoutError:
            return "notebook_timeout" if self.remaining() <= 1 else "timeout"
        except DeadKernelError:
            return "kernel_died"
        except Exception as exc:  # a broken kernel connection is a dead kernel to us
            cell.outputs.append({"output_type": "error", "ename": type(exc).__name__,
                                 "evalue": str(exc), "traceback": []})
            return "kernel_died"
        return "ok"

    def recover(self, upto):
        """Fresh kernel, then replay the cells before ``upto`` that define the student's code."""
        while True:
            self.stop_kernel()
            self.start_kernel()
            for index in range(upto):
                cell = self.nb.cells[index]
                if (cell.cell_type != "code" or index in self.skip_on_replay
                        or index in self.failed):
                    continue
                saved = (cell.outputs, cell.get("execution_count"))
                status = self.run_cell(index)
                cell.outputs, cell["execution_count"] = saved
                if status == "notebook_timeout":
                    return False
                if status != "ok":
                    self.failed.add(index)
                    self.channel.send(event="replay_failed", cell=index, status=status)
                    break
            else:
                return True
            if len(self.failed) > self.limits.max_kernel_restarts + 5:
                return False

    def run(self):
        try:
            self.start_kernel()
        except Exception as exc:
            self.channel.send(event="kernel_start_failed",
                              attempts=self.limits.kernel_start_attempts,
                              reason=f"{type(exc).__name__}: {exc}"[:500])
            self.channel.send(event="done")
            self.stop_kernel()
            return
        self.channel.send(event="kernel_started")
        # the notebook's time starts with its first cell, not with a slow kernel start
        self.deadline = time.monotonic() + float(self.limits.notebook_timeout_s)
        try:
            self._run_cells()
        except Exception as exc:  # a restart failed after student code ran (it may be why)
            self.channel.send(event="runner_failed", reason=f"{type(exc).__name__}: {exc}")
        self.channel.send(event="done")
        self.stop_kernel()

    def _run_cells(self):
        restarts = 0
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            status = self.run_cell(index)
            self.channel.send(cell=index, id=cell.get("id"), status=status,
                              execution_count=cell.get("execution_count"),
                              outputs=cell.outputs)
            if status == "notebook_timeout":
                self.channel.send(event="notebook_timeout", cell=index)
                break
            if status == "ok":
                continue
            self.failed.add(index)
            restarts += 1
            if restarts > self.limits.max_kernel_restarts:
                self.channel.send(event="gave_up", cell=index)
                break
            self.channel.send(event="kernel_restarted", cell=index, status=status)
            if not self.recover(index):
                self.channel.send(event="gave_up", cell=index)
                break


def drop_privileges(uid, gid):
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)


# -- the warm launcher --------------------------------------------------------------------------

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS = 0x00020000, 0x02000000, 0x04000000
CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x08000000, 0x20000000, 0x40000000
# the mount namespace last: once in it, /proc is the sandbox's
NAMESPACES = (("ipc", CLONE_NEWIPC), ("uts", CLONE_NEWUTS), ("net", CLONE_NEWNET),
              ("cgroup", CLONE_NEWCGROUP), ("pid", CLONE_NEWPID), ("mnt", CLONE_NEWNS))


def enter_namespaces(pid):
    """Join every namespace of process ``pid`` (the sandbox bubblewrap has just made): its
    mounts (root, /tmp, the submission's folder), pid, network, ipc, uts and cgroup views.
    Raises OSError naming the namespace that could not be joined."""
    libc = ctypes.CDLL(None, use_errno=True)
    handles = [(name, flag, os.open(f"/proc/{pid}/ns/{name}", os.O_RDONLY))
               for name, flag in NAMESPACES]
    try:
        for name, flag, fd in handles:
            if libc.setns(fd, flag) != 0:
                error = ctypes.get_errno()
                raise OSError(error, f"cannot join the sandbox's {name} namespace: "
                                     f"{os.strerror(error)}")
    finally:
        for _, _, fd in handles:
            os.close(fd)
    os.chdir("/")  # the sandbox's root, now


def launcher_main(argv):
    """Serve launch requests on the socket ``argv[0]`` until the grader closes it.

    A request is one JSON message ``{"sandbox_pid", "runner_dir", "result_fd", "env"}`` with
    two file descriptors: the result pipe's writing end and the runner's log."""
    sock_fd, preload = int(argv[0]), json.loads(argv[1])
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    for name in preload:
        importlib.import_module(name)
    if "nbformat" in preload:
        # nbformat builds its schema validator on first use (tens of ms); built here, every
        # runner forked from this process reads its notebook without building it again
        import nbformat

        nbformat.validate(nbformat.v4.new_notebook())
    # this file's folder is the launcher's own scratch copy, read by now; a worker that ends
    # without closing its launcher would otherwise leave it behind
    import shutil

    shutil.rmtree(os.path.dirname(os.path.abspath(__file__)), ignore_errors=True)
    sock = socket.socket(fileno=sock_fd)
    os.set_inheritable(sock_fd, False)
    while True:
        _reap()
        ready, _, _ = select.select([sock], [], [], 1.0)
        if not ready:
            continue
        try:
            message, fds, _, _ = socket.recv_fds(sock, 1 << 16, 2)
        except OSError:
            return
        if not message:  # the grader is gone or done
            return
        if len(fds) != 2:
            for fd in fds:
                os.close(fd)
            continue
        if os.fork() == 0:
            try:
                sock.close()
                _launched(json.loads(message), *fds)
            finally:
                os._exit(1)
        for fd in fds:
            os.close(fd)


def _launched(request, result_fd, log_fd):
    """In a fork of the launcher: join the submission's sandbox and run its notebook there."""
    try:
        enter_namespaces(request["sandbox_pid"])
    except OSError as exc:
        os.write(result_fd, (json.dumps({"event": "kernel_start_failed", "reason": str(exc)})
                             + "\n" + json.dumps({"event": "done"}) + "\n").encode())
        return
    child = os.fork()  # only a child of a process that joined a pid namespace lives in it
    if child:
        os.close(result_fd)
        os.close(log_fd)
        os.waitpid(child, 0)
        return
    fd = int(request["result_fd"])
    for source, target in ((log_fd, 1), (log_fd, 2), (result_fd, fd)):
        if source != target:
            os.dup2(source, target)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    _close_fds_except({0, 1, 2, fd})
    os.setsid()  # as bubblewrap's --new-session: no way back to a terminal
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path[0] = request["runner_dir"]
    sys.argv = [os.path.join(request["runner_dir"], "runner.py"), "run", request["runner_dir"]]
    try:
        main(sys.argv, spare_kernel=True)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def main(argv, spare_kernel=False):
    mode = argv[1]
    if mode == "kernel":
        kernel_main(argv[2:])
        return
    if mode == "launcher":
        launcher_main(argv[2:])
        return
    runner_dir = argv[2]
    with open(os.path.join(runner_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    if config.get("drop_to_uid") is not None:
        drop_privileges(config["drop_to_uid"], config["drop_to_gid"])
    os.chdir(config["workdir"])
    _set_not_dumpable()
    Runner(runner_dir, spare_kernel=spare_kernel).run()


if __name__ == "__main__":
    main(sys.argv)
