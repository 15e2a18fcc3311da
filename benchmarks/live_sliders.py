"""Live slider speed in a real JupyterLab: from a key press to the new frame on screen.

    .venv/bin/python benchmarks/live_sliders.py [--moves N] [--breakdown] [CHAPTER ...]

Each chapter with slider figures (default: all) is opened in a JupyterLab this script starts on
127.0.0.1 (as a reader's kernel: live sliders), run with *Run All Cells* in Debian's chromium,
and each slider figure is then driven from the keyboard, as a reader does: focus a slider's
handle, press an arrow key. A move's time runs from the key event's time stamp to the first
paint of the frame that shows the figure's new image, decoded. Printed per figure:

- ``never drawn``: the first move of a figure nobody has touched (no frame drawn ahead yet, so
  the kernel draws it when the move reaches it);
- ``drawn``: the median of ``N`` moves back and forth between values already shown.

With ``--breakdown``, each never-drawn move is also split into its legs: key to the websocket
send (browser), send to the kernel starting to draw, the kernel's draw and PNG (wall time and
the kernel thread's CPU time: wall beyond CPU is time the kernel waited for a core), kernel done
to the frame's websocket message arriving, and arrival to paint. For that the notebook gets a
first cell that wraps ``lossopt.live.LiveFrames.get`` to log its times to a file, and the page a
script that logs its websocket traffic; both clocks are the machine's wall clock.

Targets (the course's): drawn at most 16 ms (one frame at 60 Hz), never drawn at most 50 ms.
Prints figures; asserts nothing. Needs Debian's chromium and playwright (``make install-test``).
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))

import browser  # noqa: E402

# Installed before the page's own scripts, so it hears every key first: the live view keeps a
# slider's keys from all listeners after it (see lossopt/live.py).
KEY_HOOK = """window.addEventListener('keydown', (event) => {
    if (window.__onKey) { const onKey = window.__onKey; window.__onKey = null; onKey(event); }
}, true);"""

# Armed before a key press: measures from that key event to the paint of the first frame that
# shows the new picture, decoded (the view marks the frame it shows in its holder's data-frame).
# An animation-frame callback runs just before its frame is painted; a message posted from it
# arrives just after that paint, so that is when the time is read.
ARM = """(output) => {
    window.__moveMs = null;
    const holder = output.querySelector('.lossopt-live-frame');
    const before = holder.dataset.frame;
    window.__onKey = (event) => {
        const start = event.timeStamp;
        window.__keyAt = performance.timeOrigin + start;
        const check = () => {
            const image = holder.firstChild;
            if (holder.dataset.frame !== before && image && image.complete && image.naturalWidth > 1) {
                const painted = new MessageChannel();
                painted.port1.onmessage = () => {
                    window.__moveMs = performance.now() - start;
                    window.__paintedAt = performance.timeOrigin + performance.now();
                };
                painted.port2.postMessage(null);
            } else {
                requestAnimationFrame(check);
            }
        };
        requestAnimationFrame(check);
    };
}"""


# --breakdown: the kernel's side of a move (the first cell of the notebook) and the page's
# websocket traffic (an init script). Both log wall-clock milliseconds since the epoch.
KERNEL_LOG_CELL = """# benchmark only (benchmarks/live_sliders.py --breakdown): log when the kernel draws a frame
import time as _time, lossopt.live as _live
def _logged(get, _path={path!r}):
    def logged_get(self, values):
        wall, cpu = _time.time(), _time.thread_time()
        png = get(self, values)
        with open(_path, "a") as log:
            log.write(f"{{1000 * wall:.3f}} {{1000 * _time.time():.3f}} {{1000 * (_time.thread_time() - cpu):.3f}}\\n")
        return png
    return logged_get
_live.LiveFrames.get = _logged(_live.LiveFrames.get)
"""

WS_LOG = """(() => {
    window.__ws = [];
    const now = () => performance.timeOrigin + performance.now();
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
        window.__ws.push([now(), "send", data.byteLength || data.size || data.length || 0]);
        if (!this.__logged) {
            this.__logged = true;
            this.addEventListener("message", (event) => window.__ws.push(
                [now(), "receive", event.data.byteLength || event.data.size || event.data.length || 0]), true);
        }
        return send.call(this, data);
    };
})();"""


def legs(key_at, painted_at, traffic, kernel_lines):
    """The never-drawn move's legs in ms (see the module docstring), from the page's websocket
    log and the kernel's lines written after the key; None where a leg was not seen."""
    sent = next((at for at, kind, _ in traffic if kind == "send" and at >= key_at), None)
    draws = [tuple(float(v) for v in line.split()) for line in kernel_lines if line.strip()]
    if sent is None or not draws:
        return None
    started, finished, cpu = draws[0]
    frame = max((t for t in traffic if t[1] == "receive" and t[0] >= finished), key=lambda t: t[2],
                default=None)
    out = {"key to send": sent - key_at, "send to kernel": started - sent,
           "draw wall": finished - started, "draw cpu": cpu}
    if frame is not None:
        out["kernel to page"] = frame[0] - finished
        out["page to paint"] = painted_at - frame[0]
    return out


def chapters_with_sliders():
    from conftest import source_of, toc_files

    return [name for name in toc_files()
            if source_of(name).suffix == ".md" and "interactive_figure(" in source_of(name).read_text()]


def notebook_of(chapter, folder, kernel_log=None):
    import jupytext
    import nbformat
    from conftest import source_of

    path = folder / (Path(chapter).name + ".ipynb")
    notebook = jupytext.read(source_of(chapter))
    if kernel_log is not None:
        notebook.cells.insert(0, nbformat.v4.new_code_cell(KERNEL_LOG_CELL.format(path=str(kernel_log))))
    jupytext.write(notebook, path)
    return path.name


def move(page, output, handle, key):
    """Milliseconds from pressing ``key`` on ``handle`` to the new frame painted in ``output``."""
    page.evaluate(ARM, output)
    handle.press(key)
    page.wait_for_function("() => window.__moveMs !== null", timeout=60_000)
    return page.evaluate("() => window.__moveMs")


def measure_chapter(page, base, token, notebook, moves, kernel_log=None):
    # a workspace of its own, reset: the tabs of the chapter before (its kernel shut down) stay closed
    workspace = Path(notebook).stem.replace("_", "-")
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    browser.wait_until(lambda: browser.kernels_idle(base, token), 120, "the kernel to start")
    browser.run_all_cells(page, base, token)
    outputs = page.locator(".jp-OutputArea-output:has(.lossopt-live)")
    results = []
    for k in range(outputs.count()):
        output = outputs.nth(k).element_handle()
        output.scroll_into_view_if_needed()
        outputs.nth(k).locator(".lossopt-live-frame[data-frame]").wait_for(timeout=60_000)
        handle = outputs.nth(k).locator("input.lossopt-slider").first
        handle.focus()
        at, top = int(handle.input_value()), int(handle.get_attribute("max"))
        forward, back = ("ArrowRight", "ArrowLeft") if at < top else ("ArrowLeft", "ArrowRight")
        logged = len(kernel_log.read_text().splitlines()) if kernel_log and kernel_log.exists() else 0
        never = move(page, output, handle, forward)
        split = None
        if kernel_log is not None:
            key_at, painted_at, traffic = page.evaluate(
                "() => [window.__keyAt, window.__paintedAt, window.__ws || []]")
            split = legs(key_at, painted_at, traffic, kernel_log.read_text().splitlines()[logged:])
        drawn = [move(page, output, handle, back if i % 2 == 0 else forward) for i in range(moves)]
        results.append({"figure": k + 1, "never_drawn_ms": never, "drawn_ms": drawn, "legs": split})
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="e.g. book/06_momentum (default: every chapter with sliders)")
    parser.add_argument("--moves", type=int, default=12, help="moves between drawn values per figure")
    parser.add_argument("--breakdown", action="store_true",
                        help="split each never-drawn move into its legs (see the docstring)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    chapters = args.chapters or chapters_with_sliders()
    with tempfile.TemporaryDirectory(prefix="live-sliders-") as scratch:
        scratch = Path(scratch)
        home = scratch / "reader"
        home.mkdir()
        kernel_log = scratch / "kernel-draws.log" if args.breakdown else None
        notebooks = {chapter: notebook_of(chapter, home, kernel_log) for chapter in chapters}
        rows = []
        with browser.reader_jupyterlab(home, scratch, sys.executable) as (base, token), \
                sync_playwright() as playwright:
            chromium = browser.launch(playwright)
            for chapter, notebook in notebooks.items():
                page = chromium.new_page(viewport={"width": 1280, "height": 900})
                page.add_init_script(KEY_HOOK)
                if args.breakdown:
                    page.add_init_script(WS_LOG)
                started = time.monotonic()
                for result in measure_chapter(page, base, token, notebook, args.moves, kernel_log):
                    rows.append((chapter, result))
                    drawn = statistics.median(result["drawn_ms"])
                    print(f"{chapter} figure {result['figure']}: never drawn {result['never_drawn_ms']:6.1f} ms, "
                          f"drawn median {drawn:5.1f} ms (max {max(result['drawn_ms']):5.1f}) "
                          f"over {len(result['drawn_ms'])} moves", flush=True)
                    if result["legs"]:
                        print("    never drawn, by leg: " + ", ".join(
                            f"{name} {ms:.1f}" for name, ms in result["legs"].items()) + " (ms)", flush=True)
                page.close()
                browser.shutdown_kernels(base, token)  # and the drawing process each kernel forked
                print(f"  ({chapter}: {time.monotonic() - started:.0f} s with Run All)", flush=True)
            chromium.close()
    if rows:
        never = [r["never_drawn_ms"] for _, r in rows]
        drawn = [m for _, r in rows for m in r["drawn_ms"]]
        print(f"\n{len(rows)} figures: never drawn median {statistics.median(never):.1f} ms "
              f"(max {max(never):.1f}); drawn median {statistics.median(drawn):.1f} ms over {len(drawn)} moves "
              f"(90th percentile {statistics.quantiles(drawn, n=10)[-1]:.1f} ms)")
        split = [r["legs"] for _, r in rows if r.get("legs")]
        if split:
            names = [n for n in split[0] if all(n in s for s in split)]
            print("never drawn, median by leg: " + ", ".join(
                f"{n} {statistics.median(s[n] for s in split):.1f}" for n in names) + " (ms)")
        print("targets: drawn <= 16 ms, never drawn <= 50 ms")


if __name__ == "__main__":
    main()
