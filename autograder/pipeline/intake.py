"""Read a student's notebook whatever state it arrives in, and put its graded cells back in order.

nbgrader reads a submission with ``nbformat.read``: a file that is not JSON, not UTF-8, or whose
graded cells were renamed stops that student's grading with a traceback. Its sanitising steps
(``OverwriteCells``, ``DeduplicateIds``, ``CheckCellMetadata``) restore the points, the lock
and the source of test cells, but keep a test cell a student marked as a solution (its checks
then become "manually graded"), drop a renamed cell's grade id (nbgrader then fails the
notebook's metadata check), and leave a deleted test cell ungraded.

:func:`normalize_submission` runs at intake, before nbgrader sees the file. It rewrites the
notebook as valid UTF-8 nbformat 4.5 whose graded cells are exactly the release's, each with the
release's nbgrader metadata (points, flags, ids); the student's code stays the student's. What it
had to change is listed in a "Grading notes" markdown cell at the top (the student sees it in the
feedback) and returned to the caller. A file it cannot read at all becomes the release notebook
(nothing implemented: 0 points) with a note saying why, and the original bytes are kept next to
it, so nothing is lost.
"""
import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell
from nbformat.v4.nbbase import random_cell_id

from ..vocabulary import NOTES_MARKER

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")  # latin-1 decodes any byte string
ORIGINAL_SUFFIX = ".original"
# the cell metadata a gradable notebook keeps; anything else (and any wrong type) is dropped
CELL_METADATA = {"nbgrader": dict, "editable": bool, "deletable": bool, "tags": list,
                 NOTES_MARKER: bool}


@dataclass
class Normalized:
    """The notebook as it will be graded, and every change made to get there."""

    notebook: nbformat.NotebookNode
    problems: list = field(default_factory=list)
    readable: bool = True


def decode(data, name):
    """Text of the file's bytes; non-UTF-8 files are decoded as Windows-1252 and noted."""
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig":
            return text, []
        return text, [f"{name} is not UTF-8 text; it was read as {encoding}. Save notebooks "
                      "from Jupyter to avoid this."]
    raise AssertionError("latin-1 decodes every byte string")


def parse(text, name):
    """A version-4 notebook from JSON text, upgraded from any nbformat 3 or 4.x; ValueError
    saying what is wrong otherwise."""
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise ValueError(f"{name} is not a valid notebook file (JSON error: {error})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells", raw.get("worksheets")), list):
        raise ValueError(f"{name} is JSON but not a notebook (no list of cells)")
    major = raw.get("nbformat")
    if major not in (3, 4):
        raise ValueError(f"{name} has nbformat version {major!r}; this course reads versions 3 and 4")
    problems = []
    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat's conversion errors have no common base class
        raise ValueError(f"{name} could not be read as a notebook: {error}") from None
    if (major, raw.get("nbformat_minor")) != (4, nbformat.v4.nbformat_minor):
        problems.append(f"{name} was nbformat {major}.{raw.get('nbformat_minor')}; "
                        f"upgraded to 4.{nbformat.v4.nbformat_minor}")
    return _clean(notebook), problems


def _text(value):
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def _clean(notebook):
    """Valid 4.5 structure: cells with ids, string sources; outputs dropped (nbgrader clears them
    anyway, and a malformed output must not fail validation)."""
    cells = []
    for cell in notebook.get("cells", []):
        kind = cell.get("cell_type")
        if kind not in ("code", "markdown", "raw"):
            continue
        metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        metadata = {k: v for k, v in metadata.items() if k in CELL_METADATA
                    and isinstance(v, CELL_METADATA[k])}
        fresh = {"cell_type": kind, "metadata": metadata, "source": _text(cell.get("source", ""))}
        if "id" in cell:  # kept when valid (checked below), so normalizing twice changes nothing
            fresh["id"] = cell["id"]
        if kind == "code":
            fresh.update(outputs=[], execution_count=None)
        elif _well_formed_attachments(cell.get("attachments")):
            # an image pasted into a written answer is part of the answer (the grader's cleaner
            # decides later what of it may be shown)
            fresh["attachments"] = cell["attachments"]
        cells.append(nbformat.from_dict(fresh))
    used = set()
    for cell in cells:
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or cell_id in used or not 1 <= len(cell_id) <= 64:
            cell_id = random_cell_id()
        cell["id"] = cell_id
        used.add(cell_id)
    # notebook metadata is the release's (kernel): the student's could name another kernel
    clean = nbformat.v4.new_notebook(cells=cells)
    nbformat.validate(clean)
    return clean


def _well_formed_attachments(attachments):
    """``{name: {mime type: base64 text}}``, as nbformat's schema has it."""
    return isinstance(attachments, dict) and all(
        isinstance(name, str) and isinstance(bundle, dict) and all(
            isinstance(mime, str) and isinstance(data, (str, list)) for mime, data in bundle.items())
        for name, bundle in attachments.items())


def _grade_id(cell):
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta.get("grade_id") if isinstance(meta, dict) else None


def restore_graded_cells(notebook, release):
    """Make ``notebook``'s graded cells those of ``release`` (in place); return the changes.

    Cells keep the student's source except locked ones (tests, read-only instructions), which
    take the release's. A graded cell whose id is unknown or repeated is matched back to the
    release cell missing at that place (a renamed cell); otherwise it becomes an ordinary,
    ungraded cell. A graded cell missing altogether is put back from the release.
    """
    problems = []
    wanted = [cell for cell in release.cells if _grade_id(cell)]
    by_id = {_grade_id(cell): cell for cell in wanted}
    matched, orphans = {}, []
    for index, cell in enumerate(notebook.cells):
        grade_id = _grade_id(cell)
        if grade_id in by_id and grade_id not in matched:
            matched[grade_id] = cell
        elif "nbgrader" in cell.get("metadata", {}):
            orphans.append(cell)

    for position, release_cell in enumerate(wanted):
        grade_id = _grade_id(release_cell)
        if grade_id in matched:
            continue
        cells = notebook.cells
        before = [matched[_grade_id(c)] for c in wanted[:position] if _grade_id(c) in matched]
        after = [matched[_grade_id(c)] for c in wanted[position + 1:] if _grade_id(c) in matched]
        start = _index(cells, before[-1]) + 1 if before else 0
        stop = _index(cells, after[0]) if after else len(cells)
        candidates = [c for c in cells[start:stop] if any(c is o for o in orphans)
                      and c.cell_type == release_cell.cell_type]
        if candidates:
            cell = candidates[0]
            orphans = [o for o in orphans if o is not cell]
            problems.append(f"cell '{_grade_id(cell)}' was restored to its grade id '{grade_id}'")
        else:
            cell = copy.deepcopy(release_cell)
            cell["id"] = random_cell_id()
            cells.insert(start, cell)
            problems.append(f"graded cell '{grade_id}' was missing; it was put back from the "
                            "assignment")
        matched[grade_id] = cell

    for cell in orphans:
        if _grade_id(cell) in by_id:
            problems.append(f"a second cell with grade id '{_grade_id(cell)}' (a copy) runs, but "
                            "only the first one is graded")
        else:
            problems.append(f"cell with grade id {_grade_id(cell)!r} is not part of the "
                            "assignment; it runs but is not graded")
        del cell.metadata["nbgrader"]

    for grade_id, cell in matched.items():
        release_cell = by_id[grade_id]
        release_meta = release_cell.metadata["nbgrader"]
        if cell.metadata.get("nbgrader") != release_meta and _flags(cell) != _flags(release_cell):
            problems.append(f"cell '{grade_id}': its grading metadata was edited "
                            f"({_flags(cell)}); the assignment's ({_flags(release_cell)}) applies")
        cell.metadata["nbgrader"] = copy.deepcopy(release_meta)
        for key in ("editable", "deletable"):
            if key in release_cell.metadata:
                cell.metadata[key] = release_cell.metadata[key]
        if cell.cell_type != release_cell.cell_type:
            problems.append(f"cell '{grade_id}' was changed to {cell.cell_type}; it is "
                            f"{release_cell.cell_type} again")
            fresh = copy.deepcopy(release_cell)
            fresh["id"], fresh["source"] = cell["id"], cell.source
            notebook.cells[_index(notebook.cells, cell)] = fresh
            cell = fresh
        if release_meta.get("locked") and cell.source != release_cell.source:
            cell.source = release_cell.source
    return problems


def _index(cells, cell):
    return next(i for i, c in enumerate(cells) if c is cell)


def _flags(cell):
    meta = cell.metadata.get("nbgrader", {})
    shown = {k: meta.get(k) for k in ("grade", "solution", "locked", "task", "points")
             if meta.get(k) not in (None, False)}
    return ", ".join(f"{k}={v}" for k, v in shown.items()) or "none"


def _notes_cell(problems):
    lines = "\n".join(f"- {p}" for p in problems)
    cell = new_markdown_cell(f"**Grading notes** (written by the grader when it read your "
                             f"notebook):\n\n{lines}")
    cell.metadata[NOTES_MARKER] = True
    return cell


def read_submission(data, release, name="notebook"):
    """The gradable form of a submission's bytes (see the module docstring)."""
    text, problems = decode(data, name)
    try:
        notebook, found = parse(text, name)
    except ValueError as error:
        notebook = copy.deepcopy(release)
        notebook.cells.insert(0, _notes_cell([f"{error}. It was graded as an empty submission "
                                               "(0 points); ask your instructor."]))
        return Normalized(notebook, problems + [str(error)], readable=False)
    problems += found
    problems += restore_graded_cells(notebook, release)
    earlier_notes = [c for c in notebook.cells if c.metadata.get(NOTES_MARKER)]
    notebook.cells = [c for c in notebook.cells if not c.metadata.get(NOTES_MARKER)]
    if problems:
        notebook.cells.insert(0, _notes_cell(problems))
    elif earlier_notes:  # a second read finds nothing new: what the first one found still stands
        notebook.cells.insert(0, earlier_notes[0])
    for key in ("kernelspec", "language_info"):
        if key in release.metadata:
            notebook.metadata[key] = copy.deepcopy(release.metadata[key])
    return Normalized(notebook, problems)


#: (release file, sha256 of a notebook's bytes) of notebooks this process wrote or found in
#: gradable form. A grading command normalizes every submission before it forks its workers, so
#: the course's intake hook, run again by nbgrader inside each worker, recognises them here
#: instead of reading each notebook a second time.
_GRADABLE: set[tuple[str, str]] = set()


def _gradable_key(release_path, data: bytes) -> tuple[str, str]:
    return (str(Path(release_path).resolve()), hashlib.sha256(data).hexdigest())


def normalize_submission(path, release_path):
    """Rewrite the notebook at ``path`` in its gradable form (see the module docstring).

    The original bytes are kept as ``<name>.ipynb.original`` when the file had to change.
    Returns :class:`Normalized`.
    """
    path = Path(path)
    release = nbformat.read(release_path, as_version=4)
    data = path.read_bytes()
    result = read_submission(data, release, name=path.name)
    text = nbformat.writes(result.notebook) + "\n"
    if text.encode("utf-8") != data:
        if result.problems:
            path.with_name(path.name + ORIGINAL_SUFFIX).write_bytes(data)
        path.write_text(text, encoding="utf-8")
    _GRADABLE.add(_gradable_key(release_path, text.encode("utf-8")))
    return result


def normalize_submitted(course_root, assignment, release_folder="exercises"):
    """Normalize every ``submitted/<student>/<assignment>/<notebook>.ipynb`` of the course whose
    notebook is part of the release; ``{(student, notebook): Normalized}``."""
    course_root = Path(course_root)
    releases = {p.name: p for p in (course_root / release_folder / assignment).glob("*.ipynb")}
    results = {}
    for folder in sorted((course_root / "submitted").glob(f"*/{assignment}")):
        for name, release_path in releases.items():
            path = folder / name
            if path.is_file() and not path.is_symlink():
                results[(folder.parent.name, name)] = normalize_submission(path, release_path)
    return results


def main(argv=None):
    """``python -m autograder.pipeline.intake ASSIGNMENT [--course DIR]``: normalize the course's
    ``submitted/*/ASSIGNMENT`` notebooks before ``nbgrader autograde`` (after ``nbgrader
    collect`` or ``zip_collect``); prints what changed, per student."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m autograder.pipeline.intake",
                                     description=main.__doc__.splitlines()[0])
    parser.add_argument("assignment")
    parser.add_argument("--course", default=".", help="course root (default: this folder)")
    args = parser.parse_args(argv)
    results = normalize_submitted(args.course, args.assignment)
    if not results:
        print(f"no submitted notebooks of {args.assignment} under {Path(args.course).resolve()}")
    for (student, name), result in results.items():
        state = "unreadable, graded as empty" if not result.readable else (
            f"{len(result.problems)} change(s)" if result.problems else "ok")
        print(f"{student}/{name}: {state}")
        for problem in result.problems:
            print(f"    - {problem}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def pre_convert_hook(assignment, student, notebooks, release_root, **_):
    """nbgrader ``Autograde.pre_convert_hook``: normalize a student's submitted notebooks in place
    (originals kept) before nbgrader reads them, so plain ``nbgrader autograde`` grades a malformed,
    re-encoded or re-labelled notebook instead of failing the student.

    ``release_root`` is the course's release folder (bound in ``nbgrader_config.py``).
    """
    for path in notebooks:
        release_path = Path(release_root) / assignment / Path(path).name
        if release_path.is_file() and Path(path).is_file() and not Path(path).is_symlink():
            if _gradable_key(release_path, Path(path).read_bytes()) not in _GRADABLE:
                normalize_submission(path, release_path)
