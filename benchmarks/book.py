"""Book benchmark: build times, page weights and live slider speed. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/book.py [--skip-build] [--skip-sliders] [--output DIR]

1. clean build: ``tools/build_book.py`` (the command ``make book`` runs) into a fresh folder,
   cache included;
2. no-change rebuild: the same command again on that folder (every notebook comes from the
   execution cache);
3. page weight: each page opened in chromium from 127.0.0.1, summing the bytes of the HTML and
   of every file it loads (scripts, styles, MathJax and its fonts, images); the largest is named,
   with what it is made of. Also given gzip-compressed, what a web server that compresses would
   send;
   and each slider figure: its frames and the bytes it adds to its page;
4. slider speed: every chapter runs in a Jupyter kernel with live sliders (lossopt.live); each
   ``interactive_figure`` is then driven headlessly (``benchmarks/slider_timing.py``) and the
   median of one update (compute + draw + encode) is printed.

Targets: rebuild < 15 s, every page < 2 MB, median slider update < 50 ms.
"""
import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))

import build_book  # noqa: E402
from browser import launch, serve  # noqa: E402
UPDATES = 30

RECORD = '''
import lossopt.interactive as _li
_bench_figures = []
_bench_show = _li.interactive_figure
def _bench_record(draw, *sliders, **options):
    _bench_figures.append(_li.InteractiveFigure(draw, *sliders, **options))
    return _bench_show(draw, *sliders, **options)
_li.interactive_figure = _bench_record
'''

MEASURE = '''
import json as _json, statistics as _statistics, sys as _sys
_sys.path.insert(0, {benchmarks!r})
from slider_timing import time_updates as _time_updates
_bench_result = []
for _figure in _bench_figures:
    _time_updates(_figure, repeats=3)  # warm up: first draws fill font and text caches
    _seconds = _time_updates(_figure, repeats={updates})
    _warm = _time_updates(_figure, repeats={updates}, warm=True)
    _bench_result.append({{"draw": _figure.draw.__name__, "sliders": [s.name for s in _figure.sliders],
                          "median_ms": 1000 * _statistics.median(_seconds),
                          "max_ms": 1000 * max(_seconds),
                          "warm_median_ms": 1000 * _statistics.median(_warm),
                          "warm_max_ms": 1000 * max(_warm)}})
print("BENCH" + _json.dumps(_bench_result))
'''


def timed_build(output):
    start = time.perf_counter()
    result = build_book.build(output=output, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode:
        sys.exit(f"the build failed:\n{(result.stdout + result.stderr)[-4000:]}")
    return seconds


def page_weights(html):
    """{page: (bytes, gzip bytes, {file: bytes})} for every page, from what chromium actually fetched."""
    from playwright.sync_api import sync_playwright

    weights = {}
    with serve(html) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        for path in sorted(html.rglob("*.html")):
            page_name = str(path.relative_to(html))
            if page_name.startswith("_static/"):
                continue
            fetched = set()
            page = browser.new_page()
            page.on("requestfinished", lambda request: fetched.add(request.url))
            page.goto(base + page_name, wait_until="networkidle")
            page.wait_for_timeout(500)  # MathJax fetches its fonts after typesetting
            page.close()
            files = {html / url[len(base):].split("?")[0].split("#")[0]
                     for url in fetched if url.startswith(base)}
            raw = sum(f.stat().st_size for f in files if f.is_file())
            packed = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files if f.is_file())
            weights[page_name] = (raw, packed, {str(f.relative_to(html)): f.stat().st_size
                                                for f in files if f.is_file()})
        browser.close()
    return weights


def figure_weights(html):
    """[(page, [(frames, bytes)])]: every static slider figure's frame count and its markup's bytes."""
    import re

    found = []
    for path in sorted(html.rglob("*.html")):
        text = path.read_text()
        figures = [(int(frames), len(markup)) for markup, frames in re.findall(
            r'(<div class="lossopt-interactive" data-frames="(\d+)">.*?</script></div>)', text, re.S)]
        if figures:
            found.append((str(path.relative_to(html)), figures))
    return found


def slider_speeds():
    """[(chapter, figure result)] for every interactive figure, measured in a live kernel."""
    import jupytext
    import nbformat
    from conftest import source_of, toc_files
    from nbclient import NotebookClient

    results = []
    for name in toc_files():
        source = source_of(name)
        if source.suffix != ".md" or "interactive_figure(" not in source.read_text():
            continue
        notebook = jupytext.read(source)
        notebook.cells.insert(0, nbformat.v4.new_code_cell(RECORD))
        notebook.cells.append(nbformat.v4.new_code_cell(MEASURE.format(updates=UPDATES, benchmarks=str(ROOT / "benchmarks"))))
        client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(source.parent)}})
        client.execute(env={**os.environ, "LOSSOPT_FIGURES": "live"})
        text = "".join(out.get("text", "") for out in notebook.cells[-1].outputs)
        line = next(line for line in text.splitlines() if line.startswith("BENCH"))
        results += [(name, figure) for figure in json.loads(line[len("BENCH"):])]
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="build folder (default: a fresh temporary one)")
    parser.add_argument("--skip-build", action="store_true",
                        help="measure the existing build in --output (no build times)")
    parser.add_argument("--skip-sliders", action="store_true",
                        help="no live slider timings (they run every chapter in a kernel again)")
    args = parser.parse_args(argv)
    output = args.output or Path(tempfile.mkdtemp(prefix="book-bench-"))
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f} (other work slows every figure)")
    if not args.skip_build:
        clean = timed_build(output)
        print(f"clean build:          {clean:7.1f} s")
        rebuild = timed_build(output)
        print(f"no-change rebuild:    {rebuild:7.1f} s   (target < 15 s)")

    weights = page_weights(output / "_build" / "html")
    print("page weight (HTML + every file it loads), largest first:")
    for page, (raw, packed, _) in sorted(weights.items(), key=lambda item: -item[1][0]):
        print(f"  {raw / 1e6:6.2f} MB  ({packed / 1e6:5.2f} MB gzip)  {page}")
    largest = max(weights, key=lambda page: weights[page][0])
    print(f"largest page:         {weights[largest][0] / 1e6:7.2f} MB  {largest}   (target < 2 MB), made of:")
    for name, size in sorted(weights[largest][2].items(), key=lambda item: -item[1])[:12]:
        print(f"  {size / 1e3:8.1f} kB  {name}")
    print("slider figures (frames, bytes in the page):")
    for page, figures in figure_weights(output / "_build" / "html"):
        for frames, size in figures:
            print(f"  {frames:4d} frames {size / 1e3:7.1f} kB  {page}")

    if args.skip_sliders:
        return
    print(f"live slider update, median (and max) of {UPDATES} moves in a kernel (target < 50 ms);")
    print("  cold: every move redraws (a figure just shown); warm: after the drawing process has drawn")
    print("  every frame (lossopt.live.LiveFrames), as a reader finds it seconds later")
    for chapter, figure in slider_speeds():
        print(f"  cold {figure['median_ms']:6.1f} ms (max {figure['max_ms']:6.1f})   "
              f"warm {figure['warm_median_ms']:5.2f} ms (max {figure['warm_max_ms']:5.2f})   {chapter}: "
              f"{figure['draw']}({', '.join(figure['sliders'])})")


if __name__ == "__main__":
    main()
