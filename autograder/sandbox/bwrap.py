"""The bubblewrap command line: what a student's kernel can see and do.

Inside: the system (``/usr`` and a few files of ``/etc``), the Python installation and
virtual environment, and the course's student-side package ``lossopt``, all read-only; the
runner's folder read-only; one writable scratch folder holding only this submission's files;
a private ``/tmp``; new pid, ipc, uts and network namespaces (no network at all, not even the
host's loopback). Not inside: ``solutions/``, ``autograder/``, the gradebook, other submissions,
the home directory, the environment variables of the grader.

Run as root, bubblewrap keeps real root until the runner drops to a uid of its own (root is exempt
from the process limit, so the kernel must not be root). Run as another user, bubblewrap makes a
user namespace and the kernel keeps that user's uid.
"""
import functools
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

INSTALL_HINT = (
    "bubblewrap is not installed, so student code cannot be sandboxed and grading refuses to "
    "run. Install it with `sudo apt-get install bubblewrap` (Debian/Ubuntu; `dnf install "
    "bubblewrap` on Fedora), or run `make system-deps`. To grade without the sandbox anyway "
    "(student code then runs with your permissions and can read the solutions), pass "
    "--SandboxedExecute.unsandboxed=True to nbgrader or --unsandboxed to the course command."
)

SANDBOX_HOME = "/sandbox"
MATPLOTLIB_DIR = "/tmp/matplotlib"  # the sandbox's MPLCONFIGDIR, with a prebuilt font list
RUNNER_MOUNT = "/opt/lossopt-runner"
# uids of kernels graded as root (one per concurrent sandbox); none of them names a user
SANDBOX_UID_BASE = 200_000

_ETC_FILES = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
              "nsswitch.conf", "fonts", "mime.types", "matplotlibrc", "alternatives"]


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


def find_bwrap():
    return shutil.which("bwrap")


@functools.lru_cache(maxsize=None)
def check_bwrap():
    """Path of a working bwrap, or SandboxUnavailable saying what is wrong and how to fix it."""
    path = find_bwrap()
    if path is None:
        raise SandboxUnavailable(INSTALL_HINT)
    probe = [path] + _namespace_args() + ["--ro-bind", "/", "/", "--proc", "/proc",
                                          "--dev", "/dev", "true"]
    done = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise SandboxUnavailable(
            f"bubblewrap ({path}) is installed but cannot create a sandbox here: "
            f"{done.stderr.strip()}. Unprivileged user namespaces may be disabled "
            "(sysctl kernel.unprivileged_userns_clone=1) or the container forbids them; "
            "run grading as root or on a machine that allows them.")
    return path


def running_as_root():
    return os.geteuid() == 0


def _namespace_args():
    if running_as_root():
        # No user namespace: the runner needs real CAP_SETUID to become sandbox_uid.
        return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try", "--cap-drop", "ALL",
                "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return ["--unshare-all"]


def python_roots():
    """Folders the sandbox's Python needs: the interpreter's installation and the venv."""
    roots = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    stdlib = sysconfig.get_paths()["stdlib"]
    roots.add(os.path.dirname(os.path.dirname(os.path.realpath(stdlib))))
    return _outermost(r for r in roots if not r.startswith("/usr"))


def python_aliases():
    """``(real folder, path it is reached by)`` for each Python folder reached through a symbolic
    link (a venv linked into the course, conda or pyenv shims): the sandbox mounts the real
    folder at both paths, since ``sys.executable`` and ``sys.prefix`` name the link and Python
    inside finds its packages from the path it was started by."""
    pairs = set()
    for apparent in (sys.prefix, os.path.dirname(os.path.dirname(os.path.abspath(sys.executable)))):
        real = os.path.realpath(apparent)
        if real != os.path.abspath(apparent) and not apparent.startswith("/usr"):
            pairs.add((real, os.path.abspath(apparent)))
    return sorted(pairs)


def _outermost(paths):
    kept = []
    for path in sorted(set(os.path.realpath(p) for p in paths)):
        if not any(path == k or path.startswith(k + os.sep) for k in kept):
            kept.append(path)
    return kept


def _created_parents(mount_points):
    parents = set()
    for point in mount_points:
        folder = os.path.dirname(point)
        while folder not in ("/", ""):
            parents.add(folder)
            folder = os.path.dirname(folder)
    return sorted(parents - set(mount_points))


def _root_link_args():
    args = []
    for name in ("bin", "lib", "lib32", "lib64", "sbin"):
        path = "/" + name
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    return args


def sandbox_env(extra=None):
    env = {
        "HOME": SANDBOX_HOME, "TMPDIR": "/tmp", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "PATH": os.path.join(sys.prefix, "bin") + ":/usr/local/bin:/usr/bin:/bin",
        "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": MATPLOTLIB_DIR,
        "IPYTHONDIR": "/tmp/ipython", "JUPYTER_RUNTIME_DIR": "/tmp/jupyter-runtime",
        "JUPYTER_CONFIG_DIR": "/tmp/jupyter-config", "JUPYTER_DATA_DIR": "/tmp/jupyter-data",
        "JUPYTER_PLATFORM_DIRS": "1",
        # one BLAS thread: threads count against max_processes and the box has few cores
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        # glibc reserves 64 MiB of address space per thread arena; the memory limit is on
        # address space, so few arenas keep it close to what the code really uses
        "MALLOC_ARENA_MAX": "2",
        "NBGRADER_EXECUTION": os.environ.get("NBGRADER_EXECUTION", "autograde"),
    }
    env.update(extra or {})
    return env


@functools.lru_cache(maxsize=None)
def matplotlib_font_lists():
    """matplotlib's font list (``fontlist-v*.json``) for this Python, built once and kept under
    the virtual environment; ``[]`` if matplotlib is missing or it cannot be built there.

    Every sandbox starts with an empty MPLCONFIGDIR, so a notebook importing ``pyplot`` would
    scan the system's fonts again on every submission (a third of a second). The list names
    font files by path, and the sandbox sees /usr and the venv at their own paths, so the one
    built here is valid inside; it is mounted read-only, one per sandbox. The folder is named
    after matplotlib's version, so an upgraded matplotlib gets a list of its own."""
    from importlib import metadata

    try:
        version = metadata.version("matplotlib")
    except metadata.PackageNotFoundError:
        return []
    cache = os.path.join(sys.prefix, "var", "cache", "lossopt-sandbox", f"matplotlib-{version}")

    def found():
        if not os.path.isdir(cache):
            return []
        return sorted(os.path.join(cache, n) for n in os.listdir(cache)
                      if n.startswith("fontlist-") and n.endswith(".json"))

    if not found():
        try:
            os.makedirs(os.path.dirname(cache), exist_ok=True)
            building = tempfile.mkdtemp(prefix="building-", dir=os.path.dirname(cache))
            subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"],
                           env=dict(os.environ, MPLCONFIGDIR=building), capture_output=True,
                           timeout=120, check=True)
            os.chmod(building, 0o755)
            try:
                os.rename(building, cache)
            except OSError:  # another grading process got there first
                shutil.rmtree(building, ignore_errors=True)
        except (OSError, subprocess.SubprocessError):
            return []
    return found()


def bwrap_command(bwrap, scratch, runner_dir, read_only, limits, env, command=None,
                  info_fd=None):
    """The argv that runs the runner in the sandbox.

    ``scratch`` is bound writable at /sandbox; ``runner_dir`` read-only at RUNNER_MOUNT;
    ``read_only`` are extra host folders visible at their own path (e.g. the lossopt package).
    ``command`` runs in the sandbox instead of the runner, and bubblewrap writes the sandbox's
    pid to ``info_fd`` (both for the warm launcher, ``autograder.sandbox.launcher``).
    """
    args = [bwrap, "--die-with-parent", "--new-session", "--clearenv"] + _namespace_args()
    args += ["--hostname", "sandbox"]
    args += ["--ro-bind", "/usr", "/usr"] + _root_link_args()
    for name in _ETC_FILES:
        args += ["--ro-bind-try", "/etc/" + name, "/etc/" + name]
    # /tmp first: a later tmpfs would hide a Python or a course checkout that lives under /tmp
    args += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(int(limits.tmp_mb) * 2**20), "--tmpfs", "/tmp"]
    # MPLCONFIGDIR: writable like /tmp, with matplotlib's font list already in it (read-only)
    args += ["--perms", "1777", "--dir", MATPLOTLIB_DIR]
    for font_list in matplotlib_font_lists():
        args += ["--ro-bind", font_list, os.path.join(MATPLOTLIB_DIR, os.path.basename(font_list))]
    mounted = python_roots() + _outermost(read_only)
    for path in mounted:
        args += ["--ro-bind", path, path]
    for real, apparent in python_aliases():
        args += ["--ro-bind", real, apparent]
        mounted.append(apparent)
    args += ["--bind", scratch, SANDBOX_HOME,
             "--ro-bind", runner_dir, RUNNER_MOUNT]
    # bwrap (as root) creates the folders leading to a mount point as 0700; the sandbox user
    # must traverse them
    for folder in _created_parents(mounted + [SANDBOX_HOME, RUNNER_MOUNT, "/etc/x"]):
        if folder != "/tmp":  # the private /tmp stays world-writable and sticky (1777)
            args += ["--chmod", "0755", folder]
    # no --chdir: the runner enters the scratch folder once it is the sandbox user
    for key, value in sorted(env.items()):
        args += ["--setenv", key, value]
    if info_fd is not None:
        args += ["--info-fd", str(info_fd)]
    args += ["--"] + (command or runner_command())
    return args


def runner_command(runner_dir=RUNNER_MOUNT):
    return [sys.executable, os.path.join(runner_dir, "runner.py"), "run", runner_dir]
