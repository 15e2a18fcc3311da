"""Execute a notebook in the sandbox and read the executed notebook back as data.

The grader's copy of the notebook is the authority: the sandbox only contributes outputs,
taken by cell position, each rebuilt field by field from plain JSON types (nothing the kernel
sends is trusted beyond that). A cell that timed out, crashed the kernel or never ran gets an
``error`` output saying so; the rest of the notebook is still graded.

A kernel that cannot be started at all is different: none of the student's code has run, so
nothing can be the student's doing, and a notebook of unrun cells would grade as a false 0.
:func:`execute_notebook` then raises :class:`KernelStartError` instead, and nbgrader (or the
course's grading command) records that submission as failed to grade, with the reason.
"""
import contextlib
import copy
import fcntl
import json
import logging
import os
import select
import shutil
import stat
import subprocess
import sys
import tempfile
import time

import nbformat
from nbformat.v4 import new_markdown_cell, new_output

from . import bwrap as bw
from ..vocabulary import GRADER_CODE, SANDBOX_METADATA
from .limits import Limits

_HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER_SOURCE = os.path.join(_HERE, "runner.py")
#: What the sandbox's runner folder holds, name -> file copied there: the runner, and the
#: ``Limits`` class it reads its limits with (see ``runner.py``).
RUNNER_FILES = {"runner.py": RUNNER_SOURCE, "limits.py": os.path.join(_HERE, "limits.py")}
# the runner's own start-up and wind-down, on top of the kernel's start and the notebook's time
STARTUP_GRACE_S = 60
UNSANDBOXED_NOTICE = (
    "**Graded without the sandbox.** This notebook was executed with "
    "`unsandboxed=True`: its code ran with the grader's permissions, unconfined.")

STATUS_MESSAGES = {
    "timeout": ("CellTimeoutError",
                "this cell did not finish within {cell_timeout_s} s; it was stopped, the "
                "kernel restarted, and grading went on with the next cell"),
    "kernel_died": ("KernelDied",
                    "the Python kernel stopped while running this cell (os._exit, a crash, or "
                    "the memory limit of {memory_mb} MiB / CPU limit of {cpu_seconds} s); it "
                    "was restarted and grading went on with the next cell"),
    "notebook_timeout": ("NotebookTimeoutError",
                         "the notebook ran out of its {notebook_timeout_s} s time limit here"),
    "not_run": ("CellNotRun", "this cell was not run: {reason}"),
}


class KernelStartError(RuntimeError):
    """No kernel could be started for a submission, so none of its code ran: an infrastructure
    failure (an overloaded machine, limits too tight for Python itself), never the student's.
    The submission must be recorded as failed to grade, not scored."""

    def __init__(self, submission, reason, limits, events=()):
        self.submission, self.reason = submission, reason
        self.events = list(events)  # what the runner reported: one kernel_start_retry per retry
        super().__init__(
            f"infrastructure failure, not the student's: no sandboxed kernel could be started "
            f"for {submission} ({reason}; {limits.kernel_start_attempts} attempts of up to "
            f"{limits.kernel_start_timeout_s} s, see kernel_start_attempts and "
            f"kernel_start_timeout_s). None of its code ran, so it was not graded; grade it "
            f"again, e.g. when the machine is less loaded.")


def _student_files(workdir, skip):
    """Regular files under ``workdir`` (no symlinks, nothing outside it), relative paths."""
    found = []
    for root, dirs, files in os.walk(workdir, followlinks=False):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
        for name in files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, workdir)
            if rel in skip or not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            found.append(rel)
    return sorted(found)


def _copy_submission(workdir, dest, limits, skip):
    budget = int(limits.max_file_mb) * 2**20 * 4
    for rel in _student_files(workdir, skip) if workdir else []:
        size = os.lstat(os.path.join(workdir, rel)).st_size
        if size > budget:
            continue
        budget -= size
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.path.join(workdir, rel), target, follow_symlinks=False)


def _chown_tree(path, uid, gid):
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, gid)
    os.lchown(path, uid, gid)


def _remove_tree(path, attempts=5):
    """Delete a sandbox's scratch folder. A process of the sandbox that is still exiting can
    write into it while it goes (ENOTEMPTY), so it is tried again; whatever is still left after
    that stays behind (in the system's temporary folder): a folder that would not go away is
    never a reason to fail the student's grading."""
    root = os.path.abspath(path)

    def unlock(func, target, _exc):
        # a folder the sandbox made read-only is opened again, but only inside the scratch tree:
        # the parent of the scratch folder itself is the system's /tmp, never to be touched
        parent = os.path.dirname(os.path.abspath(target))
        if parent == root or parent.startswith(root + os.sep):
            os.chmod(parent, 0o700)
        func(target)

    for attempt in range(attempts):
        try:
            shutil.rmtree(path, onerror=unlock)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1 * (attempt + 1))
    shutil.rmtree(path, ignore_errors=True)


def _text(value, limit=200_000):
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "".join(value)
    if not isinstance(value, str):
        raise ValueError("not text")
    return value[:limit]


def _mime_data(data):
    clean = {}
    for mime, value in data.items():
        if not isinstance(mime, str) or "/" not in mime or len(mime) > 200:
            continue
        if (mime == "application/json" or mime.endswith("+json")) and not isinstance(value, str):
            clean[mime] = json.loads(json.dumps(value))
        else:
            clean[mime] = _text(value, limit=10**7)
    return clean


def sanitize_output(raw):
    """Rebuild one output from the sandbox field by field; None if it is not a valid output."""
    try:
        kind = raw["output_type"]
        if kind == "stream" and raw.get("name") in ("stdout", "stderr"):
            return new_output("stream", name=raw["name"], text=_text(raw["text"], 10**7))
        if kind in ("display_data", "execute_result"):
            out = new_output(kind, data=_mime_data(raw.get("data", {})))
            if kind == "execute_result":
                count = raw.get("execution_count")
                out.execution_count = count if isinstance(count, int) else None
            return out
        if kind == "error":
            return new_output("error", ename=_text(raw.get("ename", "Error"), 1000),
                              evalue=_text(raw.get("evalue", ""), 100_000),
                              traceback=[_text(t, 100_000) for t in raw.get("traceback", [])][:200])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return None


def _error(kind, limits, **extra):
    ename, template = STATUS_MESSAGES[kind]
    message = template.format(**limits.to_dict(), **extra)
    return new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])


class _Report:
    def __init__(self):
        self.cells = {}
        self.events = []

    @property
    def kernel_started(self):
        return any(e.get("event") == "kernel_started" for e in self.events)


def _start_budget_s(limits):
    """Longest the runner may take until its first kernel is up, retries and pauses included."""
    attempts = max(1, int(limits.kernel_start_attempts))
    return attempts * (float(limits.kernel_start_timeout_s) + 10) + STARTUP_GRACE_S


def _read_channel(fd, proc, limits, byte_cap, report, log):
    buffer = b""
    received = 0
    deadline = time.monotonic() + _start_budget_s(limits)
    while True:
        timeout = deadline - time.monotonic()
        if timeout <= 0:
            report.events.append({"event": "killed", "reason": "notebook time limit"})
            return
        ready, _, _ = select.select([fd], [], [], min(timeout, 1.0))
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return
        received += len(chunk)
        if received > byte_cap:
            report.events.append({"event": "killed", "reason": "output size limit"})
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            try:
                message = json.loads(line)
            except ValueError:
                log.warning("sandbox: ignoring a malformed message from the runner")
                continue
            if isinstance(message, dict) and isinstance(message.get("cell"), int) \
                    and "event" not in message:
                report.cells[message["cell"]] = message
            elif isinstance(message, dict):
                report.events.append(message)
                if message.get("event") == "kernel_started":
                    deadline = (time.monotonic() + float(limits.notebook_timeout_s)
                                + STARTUP_GRACE_S)
                if message.get("event") == "done":
                    return


def _kill(proc):
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
    except ProcessLookupError:
        pass
    proc.wait()


def _run_from_file(source, index, runner_dir, seen_as):
    """Write a grader-written cell's source into the runner folder; return the one line the
    kernel runs instead, which executes that file in the student's namespace.

    IPython handles typed input in Python (its input transformers, a second parse to decide
    whether to run it asynchronously, a pure-Python hash of the text for the cell's file name)
    and echoes it on IOPub. A collection cell carries its helpers and every drawn case, 7 to
    110 KB: run as input, one took 20 to 50 ms where a one-line cell takes 5 (timed cell by
    cell on an adam submission); with its collection cells run from files, that notebook's
    cells took 0.27 s instead of 0.5 s. The file sits in the read-only runner folder, which the
    kernel can read anyway (it holds the notebook), so nothing becomes visible that was not."""
    name = f"grader-cell-{index}.py"
    with open(os.path.join(runner_dir, name), "w", encoding="utf-8") as f:
        f.write(source)
    path = os.path.join(seen_as, name)
    return (f"# the grader's collection code for this cell, run from {path}\n"
            f"exec(compile(open({path!r}, encoding='utf-8').read(), {path!r}, 'exec'))\n")


def _skip_on_replay(nb):
    """Test cells are not replayed after a kernel restart: they define nothing students need."""
    skip = []
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            skip.append(index)
    return skip


@contextlib.contextmanager
def _uid_slot(base, slots=256):
    """A uid no other sandbox on this machine uses right now: ``base + n`` for the first free
    slot ``n``. Graded as root, every kernel would otherwise share one uid, and RLIMIT_NPROC
    counts per uid: one student's fork bomb would starve a kernel graded in parallel."""
    folder = os.path.join(tempfile.gettempdir(), "lossopt-sandbox-slots")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    for slot in range(slots):
        fd = os.open(os.path.join(folder, f"{slot}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            yield base + slot
        finally:
            os.close(fd)
        return
    raise bw.SandboxUnavailable(f"all {slots} sandbox uids are in use")


def _lossopt_dir():
    import lossopt

    return os.path.dirname(os.path.abspath(lossopt.__file__))


def execute_notebook(nb, workdir=None, limits=None, *, unsandboxed=False, read_only=None,
                     notebook_name=None, sandbox_uid_base=bw.SANDBOX_UID_BASE, log=None,
                     warm_launcher=False):
    """Execute ``nb`` with the submission's files of ``workdir`` in the sandbox.

    Parameters
    ----------
    nb : NotebookNode
        The notebook to run (not modified).
    workdir : str or None
        Folder whose regular files (symlinks skipped) are copied into the scratch folder the
        kernel works in; ``notebook_name`` there is left out.
    limits : Limits or None
        Resource limits; ``Limits()`` when None.
    unsandboxed : bool
        Run without bubblewrap (explicit opt-in). The returned notebook then starts with a
        markdown cell saying so, and ``metadata.lossopt_sandbox.sandboxed`` is False.
    read_only : list of str
        Extra host folders the kernel may read (default: the ``lossopt`` package).
    sandbox_uid_base : int
        Graded as root, kernels run as uid ``sandbox_uid_base + n``, one free ``n`` per
        concurrent sandbox.
    warm_launcher : bool
        Start the runner and its first kernel from this process's warm launcher
        (``autograder.sandbox.launcher``) inside the same sandbox, instead of two fresh
        interpreters. Used when grading as root and sandboxed; ignored otherwise.

    Returns
    -------
    NotebookNode
        A copy of ``nb`` whose code cells carry the outputs of the run, and
        ``metadata.lossopt_sandbox`` describing what happened (restarts, timeouts).

    Raises
    ------
    KernelStartError
        When no kernel could be started (after ``limits.kernel_start_attempts`` tries), so
        none of the submission's code ran; the submission is not graded rather than scored 0.
    SandboxUnavailable
        When bubblewrap is missing or cannot run (and ``unsandboxed`` is False).
    """
    log = log or logging.getLogger("autograder.sandbox")
    limits = limits or Limits()
    bwrap = None if unsandboxed else bw.check_bwrap()
    read_only = [_lossopt_dir()] if read_only is None else list(read_only)
    as_root = bw.running_as_root() and not unsandboxed
    launcher = None
    if warm_launcher and as_root:
        from .launcher import process_launcher

        launcher = process_launcher(RUNNER_FILES, bw.sandbox_env())
    with _uid_slot(sandbox_uid_base) if as_root else contextlib.nullcontext(None) as uid:
        return _execute(nb, workdir, limits, unsandboxed, read_only, notebook_name, bwrap, uid,
                        log, launcher)


@contextlib.contextmanager
def shared_warm_launcher(unsandboxed=False):
    """While the block runs, a warm launcher (``launcher.share``) serves the worker processes
    forked in it; none when the launcher would not be used (not root, or unsandboxed)."""
    if unsandboxed or not bw.running_as_root():
        yield
        return
    from . import launcher

    launcher.share(RUNNER_FILES, bw.sandbox_env())
    try:
        yield
    finally:
        launcher.close_shared()


def _submission_label(workdir, notebook_name):
    if workdir and notebook_name:
        return os.path.join(workdir, notebook_name)
    return workdir or notebook_name or "a notebook given without a name or folder"


def _start_failure(report):
    """Why the runner never got a kernel up, from what it reported."""
    for event in report.events:
        if event.get("event") == "kernel_start_failed":
            return f"the kernel did not start: {event.get('reason')}"
    for event in report.events:
        if event.get("event") == "killed":
            return f"the sandbox was stopped before its kernel started: {event.get('reason')}"
        if event.get("event") == "runner_stopped":
            tail = [line for line in str(event.get("log_tail", "")).splitlines() if line.strip()]
            return (f"the sandbox stopped (exit {event.get('exit')}) before its kernel started"
                    + (f": {tail[-1].strip()[:300]}" if tail else ""))
    return "the sandbox reported no kernel start"


def _execute(nb, workdir, limits, unsandboxed, read_only, notebook_name, bwrap, sandbox_uid, log,
             launcher=None):
    as_root = sandbox_uid is not None
    scratch_root = tempfile.mkdtemp(prefix="lossopt-sandbox-")
    read_fd, write_fd = os.pipe()
    try:
        work = os.path.join(scratch_root, "work")
        runner_dir = os.path.join(scratch_root, "runner")
        os.mkdir(work, 0o700)
        os.mkdir(runner_dir, 0o755)
        _copy_submission(workdir, work, limits, skip={notebook_name} if notebook_name else set())
        for name, source in RUNNER_FILES.items():
            shutil.copyfile(source, os.path.join(runner_dir, name))
        to_run = copy.deepcopy(nb)
        seen_as = runner_dir if unsandboxed else bw.RUNNER_MOUNT  # the runner folder, to the kernel
        for index, cell in enumerate(to_run.cells):
            if cell.cell_type == "code":
                cell.outputs = []
                if cell.get("metadata", {}).get(GRADER_CODE):
                    cell.source = _run_from_file(cell.source, index, runner_dir, seen_as)
        nbformat.write(to_run, os.path.join(runner_dir, "notebook.ipynb"))
        config = {
            "limits": limits.to_dict(), "skip_on_replay": _skip_on_replay(nb),
            "workdir": bw.SANDBOX_HOME if not unsandboxed else work,
            "sandboxed": not unsandboxed,
            "drop_to_uid": sandbox_uid if as_root else None,
            "drop_to_gid": sandbox_uid if as_root else None,
            "result_fd": write_fd,
        }
        with open(os.path.join(runner_dir, "config.json"), "w", encoding="utf-8") as f:
            json.dump(config, f)
        os.chmod(runner_dir, 0o755)  # whatever the umask: the sandbox user reads it
        for name in os.listdir(runner_dir):
            os.chmod(os.path.join(runner_dir, name), 0o644)
        if as_root:
            _chown_tree(work, sandbox_uid, sandbox_uid)

        if unsandboxed:
            env = dict(os.environ, **{k: v for k, v in bw.sandbox_env().items()
                                      if k not in ("HOME", "PATH", "TMPDIR")})
            for key in ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_CONFIG_DIR",
                        "JUPYTER_DATA_DIR"):
                env[key] = os.path.join(scratch_root, key.lower())
            argv = bw.runner_command(runner_dir)
            cwd = work
        else:
            env, cwd = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, scratch_root
        report = None
        if launcher is not None:
            report = _run_launched(launcher, bwrap, work, runner_dir, read_only, limits, env,
                                   scratch_root, read_fd, write_fd, log)
        if report is None:
            if not unsandboxed:
                argv = bw.bwrap_command(bwrap, work, runner_dir, read_only, limits,
                                        bw.sandbox_env())
            report = _run(argv, env, cwd, limits, scratch_root, read_fd, write_fd, log)
        if not report.kernel_started:
            raise KernelStartError(_submission_label(workdir, notebook_name),
                                   _start_failure(report), limits, report.events)
        return _assemble(nb, report, limits, unsandboxed)
    finally:
        for fd in (read_fd, write_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        _remove_tree(scratch_root)


def _run(argv, env, cwd, limits, scratch_root, read_fd, write_fd, log):
    with open(os.path.join(scratch_root, "runner.log"), "wb") as errlog:
        proc = subprocess.Popen(
            argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=errlog, stderr=errlog,
            pass_fds=(write_fd,), start_new_session=True)
    os.close(write_fd)
    return _follow(proc, limits, scratch_root, read_fd, log)


def _run_launched(launcher, bwrap, work, runner_dir, read_only, limits, env, scratch_root,
                  read_fd, write_fd, log):
    """``_run`` through the warm launcher: bubblewrap makes the sandbox with a placeholder in
    it, then the launcher's fork joins it as the runner (see ``autograder.sandbox.launcher``).
    Returns None when the launcher could not take the submission (nothing of it has run)."""
    from .launcher import placeholder_command

    info_read, info_write = os.pipe()
    ready_read, ready_write = os.pipe()
    sandbox_env = bw.sandbox_env()
    argv = bw.bwrap_command(bwrap, work, runner_dir, read_only, limits, sandbox_env,
                            command=placeholder_command(ready_write), info_fd=info_write)
    with open(os.path.join(scratch_root, "runner.log"), "wb") as errlog:
        proc = subprocess.Popen(
            argv, env=env, cwd=scratch_root, stdin=subprocess.DEVNULL, stdout=errlog,
            stderr=errlog, pass_fds=(info_write, ready_write), start_new_session=True)
    os.close(info_write)
    os.close(ready_write)
    try:
        info = json.loads(_read_all(info_read, limits.kernel_start_timeout_s))
        if not _read_all(ready_read, limits.kernel_start_timeout_s, until_first_byte=True):
            raise OSError("the sandbox's placeholder never started")
        with open(os.path.join(scratch_root, "runner.log"), "ab") as errlog:
            launcher.launch(int(info["child-pid"]), bw.RUNNER_MOUNT, write_fd, errlog.fileno(),
                            sandbox_env)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("sandbox: the warm launcher could not take this notebook (%s); starting "
                    "it afresh", exc)
        _kill(proc)
        return None
    finally:
        os.close(info_read)
        os.close(ready_read)
    os.close(write_fd)
    return _follow(proc, limits, scratch_root, read_fd, log)


def _read_all(fd, timeout_s, until_first_byte=False):
    """What ``fd`` gives until its end (or its first bytes), waiting at most ``timeout_s``."""
    deadline = time.monotonic() + float(timeout_s)
    data = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise OSError(f"no answer from the sandbox in {timeout_s} s")
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk or until_first_byte:
            return data + chunk
        data += chunk


def _follow(proc, limits, scratch_root, read_fd, log):
    """Read the runner's reports until it is done, then stop the sandbox."""
    report = _Report()
    byte_cap = 4 * int(limits.max_output_bytes_per_cell) * 1000 + 10**7
    try:
        _read_channel(read_fd, proc, limits, byte_cap, report, log)
    finally:
        _kill(proc)
    with open(os.path.join(scratch_root, "runner.log"), "rb") as f:
        f.seek(max(0, os.path.getsize(f.name) - 4000))
        tail = f.read().decode("utf-8", "replace")
    if not any(e.get("event") == "done" for e in report.events):
        log.warning("sandbox: the runner stopped early (exit %s); last log lines:\n%s",
                    proc.returncode, tail)
        report.events.append({"event": "runner_stopped", "exit": proc.returncode,
                              "log_tail": tail[-1000:]})
    return report


def _why_stopped(events, limits):
    """Why cells were left unrun, or None when the notebook ran to its end."""
    for event in events:
        kind = event.get("event")
        if kind == "killed":
            return event.get("reason")
        if kind == "notebook_timeout":
            return f"the notebook ran out of its {limits.notebook_timeout_s} s time limit"
        if kind == "runner_failed":
            return f"the kernel could not run ({event.get('reason')})"
        if kind == "gave_up":
            return (f"the kernel was restarted {limits.max_kernel_restarts} times "
                    f"(max_kernel_restarts) and grading of this notebook stopped")
    if not any(event.get("event") == "done" for event in events):
        return "the grader's runner stopped unexpectedly"
    return None


def _merge_streams(outputs):
    """Join consecutive pieces of one stream, as Jupyter's own front ends show them: the kernel
    flushes its streams on a timer, so one ``print`` may arrive as two messages."""
    merged = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (out.output_type == "stream" and last is not None and last.output_type == "stream"
                and last.name == out.name):
            last.text += out.text
        else:
            merged.append(out)
    return merged


def _assemble(nb, report, limits, unsandboxed):
    done = copy.deepcopy(nb)
    reason = _why_stopped(report.events, limits)
    for index, cell in enumerate(done.cells):
        if cell.cell_type != "code":
            continue
        message = report.cells.get(index)
        if message is None or message.get("id") != cell.get("id"):
            cell.outputs = [_error("not_run", limits, reason=reason)] if reason else []
            cell.execution_count = None
            continue
        outputs = message.get("outputs") if isinstance(message.get("outputs"), list) else []
        cell.outputs = _merge_streams(
            o for o in (sanitize_output(raw) for raw in outputs) if o is not None)
        count = message.get("execution_count")
        cell.execution_count = count if isinstance(count, int) else None
        status = message.get("status")
        if status in ("timeout", "kernel_died", "notebook_timeout"):
            cell.outputs.append(_error(status, limits))
    done.metadata[SANDBOX_METADATA] = {
        "sandboxed": not unsandboxed,
        "events": [e for e in report.events if isinstance(e, dict)][:100],
        "limits": limits.to_dict(),
    }
    if unsandboxed:
        done.cells.insert(0, new_markdown_cell(UNSANDBOXED_NOTICE))
    return done
