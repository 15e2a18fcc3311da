"""Run a book chapter's code outside Jupyter and hand back what it defined.

The formula tests use this to reach the functions a chapter teaches (written inline in the
chapter, as the reader sees them) and compare them with ``autograder.reference``.
"""
import contextlib
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # chapters draw figures; no display is needed to run them

import jupytext  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

BOOK = Path(__file__).resolve().parent.parent / "book"


def run_chapter(name, text=None):
    """Execute every code cell of ``book/<name>.md`` in one namespace and return the namespace.

    ``text``, if given, is run instead of the file's contents (tests that break a chapter on
    purpose). Output the cells print or display is swallowed; figures are closed after each
    cell. A cell that raises is reported with the chapter and the cell's position and first line.
    """
    path = BOOK / f"{name}.md"
    if not path.exists():
        raise FileNotFoundError(f"no chapter {path}")
    notebook = jupytext.read(path) if text is None else jupytext.reads(text, fmt="md:myst")
    namespace = {"__name__": f"chapter_{name}"}
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        source = cell.source
        first_line = source.strip().splitlines()[0] if source.strip() else ""
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(source, f"{path.name}, code cell {number}", "exec"), namespace)
        except Exception as error:
            raise RuntimeError(
                f"{path.name}: code cell {number} ({first_line!r}) raised "
                f"{type(error).__name__}: {error}") from error
        finally:
            plt.close("all")
    return namespace
