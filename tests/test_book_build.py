"""The book builds strictly (-W -n), offline, with static sliders and a notebook per chapter."""
import os
import re
import warnings
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

import notebook_download
from conftest import ROOT, build_book, chapter_notebooks, code_sources, toc_files

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def log_problems(log):
    """The ``WARNING:``/``ERROR:`` entries of a build log, each with the traceback printed under
    it, split into ``(problems, kernel_noise)``.

    Kernel noise is what a chapter's kernel logs through tornado (ipykernel sends tornado's log
    to the kernel's stderr, which the build passes through) with a traceback none of whose frames
    is the course's code or a chapter's cell: a race inside ipykernel's own sockets as nbclient
    shuts the kernel down, after every cell has run. Everything else is a problem: a Sphinx
    warning, and any traceback through ``lossopt``, ``tools`` or a cell.
    """
    lines = log.splitlines()
    problems, noise = [], []
    for index, line in enumerate(lines):
        if not re.search(r"\b(WARNING|ERROR):", line):
            continue
        block = [line]
        for following in lines[index + 1:]:
            if following.startswith(("Traceback", " ", "\t")) or (
                    len(block) > 1 and block[-1].startswith(" ") and re.match(r"[\w.]+(Error|Exception)\b", following)):
                block.append(following)
            else:
                break
        frames = re.findall(r'File "([^"]+)"', "\n".join(block))
        ours = [f for f in frames if f.startswith(str(ROOT)) or "ipykernel_" in f or f.startswith("<")]
        entry = "\n".join(block)
        if re.search(r"\bERROR:tornado\.", line) and frames and not ours:
            noise.append(entry)
        else:
            problems.append(entry)
    return problems, noise


def test_the_build_log_tells_kernel_noise_from_problems():
    """Check that only a kernel's own tornado traceback is set apart: a Sphinx warning, and a
    tornado traceback through the course's code, both stay problems."""
    site = "/venv/lib/python3.11/site-packages"
    upstream = (f"ERROR:tornado.general:Uncaught exception in ZMQStream callback\nTraceback (most recent call last):\n"
                f'  File "{site}/zmq/eventloop/zmqstream.py", line 1, in _run_callback\n    f = callback()\n'
                "zmq.error.ZMQError: Socket operation on non-socket")
    through_lossopt = upstream.replace(f'{site}/zmq/eventloop/zmqstream.py', f"{ROOT}/lossopt/interactive.py")
    sphinx = "/book/06_momentum.md:12: WARNING: undefined label: 'momentum-rate'"
    problems, noise = log_problems("\n".join(["building [html]", upstream, sphinx, through_lossopt, "done"]))
    assert noise == [upstream]
    assert problems == [sphinx, through_lossopt]


def test_book_builds_without_warnings(built_book):
    tail = "\n".join(built_book.log.splitlines()[-40:])
    assert built_book.returncode == 0, f"the book build failed:\n{tail}"
    problems, noise = log_problems(built_book.log)
    for entry in noise:
        warnings.warn(f"a chapter's kernel logged (not the course's code):\n{entry}")
    assert problems == [], "\n\n".join(problems)


def test_every_toc_document_is_a_page(built_book):
    missing = [name for name in toc_files() if not (built_book.html / f"{name}.html").is_file()]
    assert missing == []


def test_pages_load_nothing_from_other_hosts(built_book):
    """Every src/href that the browser fetches by itself is relative (links a reader clicks may not be)."""
    offenders = {}
    for page in built_book.html.rglob("*.html"):
        text = page.read_text()
        fetched = re.findall(r'<(?:script|img|iframe|source)[^>]*\bsrc="(https?:|//)[^"]*"', text)
        fetched += re.findall(r'<link[^>]*\bhref="((?:https?:)?//[^"]*)"[^>]*rel="(?:stylesheet|preload)"', text)
        fetched += re.findall(r'<link[^>]*rel="(?:stylesheet|preload)"[^>]*\bhref="((?:https?:)?//[^"]*)"', text)
        if fetched:
            offenders[page.name] = fetched
    assert offenders == {}


def test_math_is_served_from_the_build(built_book):
    """MathJax's loader and every component _config.yml has it load are files of the build."""
    import yaml

    mathjax = built_book.html / "_static" / "mathjax"
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]
    loader = mathjax / config["mathjax_path"].removeprefix("mathjax/")
    assert loader.is_file()
    for component in config["mathjax3_config"]["loader"]["load"]:
        path = component.replace("[tex]/", "input/tex/extensions/")
        assert (mathjax / f"{path}.js").is_file(), f"MathJax component {component} is not in the build"
    pages_with_math = [p for p in built_book.html.rglob("*.html") if 'class="math' in p.read_text()]
    assert pages_with_math, "no page of the book holds math"
    for page in pages_with_math:
        scripts = re.findall(r'<script[^>]*src="([^"]*mathjax[^"]*)"', page.read_text())
        assert scripts, f"{page.name} has math but loads no MathJax"
        for src in scripts:
            assert (page.parent / src.split("?")[0]).resolve() == loader.resolve()


def test_sliders_are_static_html_never_dead_widgets(built_book):
    for name, notebook in chapter_notebooks():
        page = (built_book.html / f"{name}.html").read_text()
        assert WIDGET_VIEW not in page and "jupyter-widgets" not in page, f"{name}: a dead ipywidget"
        calls = sum(len(re.findall(r"^\s*interactive_figure\(", src, re.M)) for src in code_sources(notebook))
        if calls:
            assert page.count('class="lossopt-interactive"') >= calls, f"{name}: a slider figure is missing"


@pytest.mark.parametrize("name", [name for name, _ in chapter_notebooks()])
def test_chapter_downloads_as_a_notebook_that_runs(built_book, name, tmp_path):
    page = (built_book.html / f"{name}.html").read_text()
    link = re.search(r'href="([^"]*_sources/[^"]*\.ipynb)"', page)
    assert link, f"{name}: the page offers no .ipynb download"
    path = (built_book.html / name).parent / link.group(1)
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    source = jupytext.read(ROOT / f"{name}.md")
    # the chapter's code, with only the glue import a reader's kernel can satisfy changed
    assert code_sources(notebook) == [notebook_download.reader_code(code) for code in code_sources(source)]
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    # A reader's kernel: the downloaded file alone in a folder, live sliders.
    (tmp_path / path.name).write_bytes(path.read_bytes())
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env={**os.environ, "LOSSOPT_FIGURES": "live"})
    if any("interactive_figure(" in src for src in code_sources(notebook)):
        mimes = {key for cell in notebook.cells for out in cell.get("outputs", [])
                 for key in out.get("data", {})}
        assert WIDGET_VIEW in mimes, f"{name}: in Jupyter the sliders should be a live widget"


def cache_records(output):
    """``{(record id, notebook hash, when executed)}`` of the build's execution cache."""
    from jupyter_cache import get_cache

    folders = list((output / "_build" / ".jupyter_cache").glob("lossopt-*"))
    assert len(folders) == 1, f"expected one execution cache (keyed on lossopt), found {folders}"
    return {(r.pk, r.hashkey, r.created) for r in get_cache(folders[0]).list_cache_records()}


def test_a_rebuild_with_no_change_runs_no_notebook(built_book):
    """Execution is cached: building the same sources again executes nothing (the cache holds
    the same executions, none added or redone, and myst-nb reports no execution)."""
    output = built_book.html.parent.parent
    before = cache_records(output)
    chapters = chapter_notebooks()
    assert len(before) >= len(chapters), f"{len(before)} cached executions for {len(chapters)} chapters"
    result = build_book.build(output=output, capture_output=True, text=True)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert cache_records(output) == before, "the rebuild executed notebooks again"
    assert "Executing notebook" not in log


def write_chapter(root, body):
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapter\n")
    (root / "intro.md").write_text("# Intro\n\nA scratch book.\n")
    (root / "chapter.md").write_text(
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n"
        "# Chapter\n\n" + body)


def build_scratch(root):
    result = build_book.build(root=root, output=root / "out", capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def test_a_broken_cell_fails_the_build(scratch_book):
    write_chapter(scratch_book, "```{code-cell} ipython3\nratio = 1 / 0\n```\n")
    returncode, log = build_scratch(scratch_book)
    assert returncode != 0
    assert "ZeroDivisionError" in log and "chapter.md" in log


def test_a_false_claim_fails_the_build_naming_it(scratch_book):
    """A verdict checked with lossopt.claims stops the build once its numbers stop showing it."""
    write_chapter(scratch_book, "```{code-cell} ipython3\nfrom lossopt.claims import claim\n"
                                "final_loss, start_loss = 3.0, 2.0\n"
                                "claim(final_loss < start_loss, 'the loss ends below where it started')\n```\n")
    returncode, log = build_scratch(scratch_book)
    assert returncode != 0
    assert "ClaimError" in log and "the loss ends below where it started" in log


def test_a_dangling_reference_fails_the_build(scratch_book):
    write_chapter(scratch_book, "See {ref}`no-such-section` and {doc}`no_such_page`.\n")
    returncode, log = build_scratch(scratch_book)
    assert returncode != 0
    assert "no-such-section" in log and "no_such_page" in log


SLIDER_CHAPTER = "```{code-cell} ipython3\nfrom lossopt.interactive import Slider, interactive_figure\n%s\n```\n"


@pytest.mark.parametrize("cell, message", [
    # a draw function whose parameters are not the sliders
    ("def draw_rate(fig, lr):\n    fig.subplots()\n"
     "interactive_figure(draw_rate, Slider('rate', 0.1, 1.0, 0.1))",
     "slider(s) ['rate'] match no parameter of draw_rate(fig, lr)"),
    # a grid too large for the page's budget
    ("def draw_grid(fig, a, b):\n    fig.subplots()\n"
     "interactive_figure(draw_grid, Slider('a', 0, 30, 1), Slider('b', 0, 20, 1))",
     "interactive_figure(draw_grid): 31 (a) x 21 (b) = 651 frames, more than the 250"),
    # a frame that cannot be encoded (its title is broken math text, found when it is drawn)
    ("def draw_title(fig, k):\n    fig.subplots().set_title('$\\\\frac{1}{$' if k == 2 else 'fine')\n"
     "interactive_figure(draw_title, Slider('k', 0, 3, 1))",
     "draw_title: the SVG frame at k=2 cannot be encoded"),
], ids=["signature", "grid", "encoding"])
def test_a_bad_slider_figure_fails_the_build_naming_chapter_and_figure(scratch_book, cell, message):
    write_chapter(scratch_book, SLIDER_CHAPTER % cell)
    returncode, log = build_scratch(scratch_book)
    assert returncode != 0
    assert message in log, log[-3000:]
    assert any("chapter.md" in line and "rror" in line for line in log.splitlines()), \
        "the build's error names no chapter"


def test_a_change_to_lossopt_runs_the_chapters_again(scratch_book, tmp_path_factory):
    """The execution cache is keyed on lossopt's source (tools/lossopt_cache.py), not only the text."""
    import shutil

    import yaml

    import lossopt

    source = tmp_path_factory.mktemp("lossopt_source") / "lossopt"
    # built outside the book's folder (scratch_book): the cache's executed notebooks are not pages
    output = tmp_path_factory.mktemp("out")
    shutil.copytree(Path(lossopt.__file__).parent, source, ignore=shutil.ignore_patterns("__pycache__"))
    config = yaml.safe_load((scratch_book / "_config.yml").read_text())
    config["sphinx"]["config"]["lossopt_source"] = str(source)
    (scratch_book / "_config.yml").write_text(yaml.safe_dump(config))
    write_chapter(scratch_book, "```{code-cell} ipython3\nprint(1 + 1)\n```\n")
    runs = []
    for change in (None, None, "# a change\n"):
        if change:
            with open(source / "landscapes.py", "a") as module:
                module.write(change)
        result = build_book.build(root=scratch_book, output=output, capture_output=True, text=True)
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
        runs.append("Executing notebook" in result.stdout + result.stderr)
    assert runs == [True, False, True]  # first build, no change, lossopt changed
    caches = list((output / "_build" / ".jupyter_cache").glob("lossopt-*"))
    assert len(caches) == 1, f"the cache of the old lossopt is left behind: {caches}"


def test_a_clean_scratch_book_builds(scratch_book):
    """The three failures above fail for their reason, not because any scratch build fails."""
    write_chapter(scratch_book, "(sec-ok)=\n## Fine\n\nSee {ref}`sec-ok` and $x^2$.\n\n"
                                "```{code-cell} ipython3\nprint(1 + 1)\n```\n")
    returncode, log = build_scratch(scratch_book)
    assert returncode == 0, log[-3000:]
    assert (scratch_book / "out" / "_build" / "html" / "_sources" / "chapter.ipynb").is_file()
