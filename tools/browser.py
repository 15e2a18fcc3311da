"""Serve a built book on 127.0.0.1 and open it in Debian's chromium (tests and benchmarks);
start a Jupyter server there for the tests that drive JupyterLab or the formgrader.

Playwright drives the system browser, never a downloaded one (`playwright install` is not used).
"""
import contextlib
import functools
import http.server
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory):
    """Serve ``directory`` on a free port of 127.0.0.1; yields the base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_server(command, *, token, port, log_path, cwd, env, timeout=120):
    """Run ``command`` (a Jupyter server or JupyterLab listening on ``port`` with ``token``),
    wait until its ``/api/status`` answers, yield its base URL, and stop it afterwards.

    Raises ``RuntimeError`` with the end of its log when it exits or does not answer within
    ``timeout`` seconds."""
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        log.flush()
                        raise RuntimeError(f"{command[0]} did not start:\n"
                                           + open(log_path).read()[-3000:])
                    time.sleep(0.5)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def launch(playwright):
    """Debian's chromium, headless, through a running ``sync_playwright()``."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# A reader's JupyterLab: every cell rendered (JupyterLab 4 renders only those in view by
# default, and the tests read every cell), no news or update pop-ups.
READER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}


@contextlib.contextmanager
def reader_jupyterlab(home, scratch, python):
    """JupyterLab (with Notebook 7 at ``/notebooks/``) serving ``home`` as a reader runs it:
    live sliders, private settings, runtime and config folders under ``scratch``, a token.
    Yields ``(base URL, token)``."""
    import json
    import os
    import secrets

    scratch = Path(scratch)
    for name, values in READER_SETTINGS.items():
        path = scratch / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    token, port = secrets.token_hex(16), free_port()
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(scratch / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"), "JUPYTER_CONFIG_DIR": str(scratch / "config")}
    env.pop("LOSSOPT_FIGURES", None)  # a reader's kernel: live sliders
    command = [str(python), "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={home}",
               # containers and CI often run as root, which JupyterLab refuses by default
               *(["--allow-root"] if os.geteuid() == 0 else [])]
    with jupyter_server(command, token=token, port=port, log_path=scratch / "jupyterlab.log",
                        cwd=home, env=env) as base:
        yield base, token


def kernels_idle(base, token):
    """True when every kernel of the Jupyter server at ``base`` is idle (REST API, any UI)."""
    import json

    try:
        with urllib.request.urlopen(f"{base}/api/kernels?token={token}", timeout=10) as reply:
            kernels = json.load(reply)
    except urllib.error.HTTPError as error:
        # jupyter_server answers 500 when asked to list a kernel still starting (its
        # last_activity not yet set: "expected a datetime, not the NoneType None"): not idle yet.
        # Anything else is a real failure.
        if error.code == 500:
            return False
        raise
    return bool(kernels) and all(k.get("execution_state") == "idle" for k in kernels)


def run_all_cells(page, base, token, timeout_s=900):
    """Run every cell of the notebook open in ``page`` (JupyterLab or Notebook 7: both have the
    Run menu) and wait until every shown prompt is numbered and the kernel is idle again."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # every shown prompt numbered (cells with collapsed source show none), none waiting ([*])
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                .map(p => p.textContent.trim()).filter(t => t);
            return prompts.length > 3 && prompts.every(t => /^\\[\\d+\\]:$/.test(t));
        }""", timeout=timeout_s * 1000)
    wait_until(lambda: kernels_idle(base, token), timeout_s, "the kernel to finish")


def wait_until(condition, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout_s} s for {what}")
        time.sleep(0.25)


def shutdown_kernels(base, token):
    """Shut down every kernel of the Jupyter server at ``base`` (REST API)."""
    import json

    try:
        with urllib.request.urlopen(f"{base}/api/kernels?token={token}", timeout=10) as reply:
            kernels = json.load(reply)
    except urllib.error.HTTPError as error:
        # jupyter_server answers 500 when asked to list a kernel still starting (its
        # last_activity not yet set: "expected a datetime, not the NoneType None"): not idle yet.
        # Anything else is a real failure.
        if error.code == 500:
            return False
        raise
    for kernel in kernels:
        request = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()
