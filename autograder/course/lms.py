"""Collect an LMS download into nbgrader's ``submitted/<student>/<assignment>/`` layout.

SOURCE is one of:

- a zip of notebooks whose file names carry the student id (Canvas, Moodle, Blackboard
  downloads); which part of the name is the id is set by ``--pattern``, a regular expression
  matched against each file's base name with a named group ``student`` (and optionally
  ``notebook``, for assignments of several notebooks);
- the same files already extracted into a folder;
- a folder already in nbgrader's layout (``<student>/<assignment>/*.ipynb``), such as the
  course's own ``submitted/``.

Optional named groups of the pattern record what the LMS says about a submission:
``late`` (matched: the LMS marked it late), ``name`` (the student's name as the file carries it)
and ``submission`` (the LMS's id of the uploaded file). ``--pattern canvas`` names Canvas's
scheme, ``<name>_[LATE_]<user id>_<submission id>_<file name>``, with all three; the grading
command keeps them in the gradebook (``lms_records``) for ``grades.csv`` and the LMS exports.

A zip's file times are local times without a zone and often the time of the download, not of the
submission, so no ``timestamp.txt`` is written from them: late penalties need nbgrader's own
layout (with the ``timestamp.txt`` nbgrader's exchange writes), which is copied as it is.

Archive members are read as bytes and written to paths built only from the validated student id
and the assignment's own notebook names, so ``../`` names and links in an archive cannot place a
file anywhere else. Each file that cannot be used is reported with its name and the reason;
it never stops the collection of the others.
"""
from __future__ import annotations

import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .folder import Course, CourseError

#: ``<student>_<anything>.ipynb``: the student id is everything before the first underscore.
DEFAULT_PATTERN = r"(?P<student>[A-Za-z0-9][A-Za-z0-9.@+-]*)_(?P<notebook>.+)\.ipynb"
#: Canvas's "Download Submissions" names: sortable name squeezed to letters, ``LATE_`` when the
#: submission came after the due date, the Canvas user id, the submission's attachment id, and
#: the file name as uploaded (Canvas appends ``-1``, ``-2`` to re-uploads).
CANVAS_PATTERN = r"(?P<name>[^_]+)_(?P<late>LATE_)?(?P<student>\d+)_(?P<submission>\d+)_(?P<notebook>.+?)(?:-\d+)?\.ipynb"
#: names ``--pattern`` accepts in place of a regular expression
NAMED_PATTERNS = {"canvas": CANVAS_PATTERN}
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}")
MAX_NOTEBOOK_BYTES = 50 * 2**20
#: Files every archiver or OS sprinkles into downloads; never a submission.
JUNK = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)")


@dataclass
class Rejected:
    """A file of SOURCE that was not collected, and why."""

    path: str
    reason: str


@dataclass
class Collection:
    """The students whose submissions are now in the course's ``submitted/`` folder."""

    students: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    #: per student, what the file name said beyond the id (see the pattern's optional groups):
    #: ``{"late": bool | None, "name": str | None, "submission": str | None}``
    details: dict[str, dict] = field(default_factory=dict)


def compile_pattern(pattern: str | None) -> re.Pattern:
    try:
        regex = re.compile(NAMED_PATTERNS.get(pattern or "", pattern or DEFAULT_PATTERN))
    except re.error as error:
        raise CourseError(f"--pattern {pattern!r} is not a valid regular expression: {error}")
    if "student" not in regex.groupindex:
        raise CourseError(f"--pattern {pattern!r} has no named group (?P<student>...) for the student id")
    return regex


def collect(course: Course, assignment: str, source: Path, pattern: str | None = None) -> Collection:
    """Bring SOURCE's submissions for ``assignment`` into the course's ``submitted/`` folder."""
    source = Path(source)
    notebooks = [p.stem for p in course.source_notebooks(assignment)]
    regex = compile_pattern(pattern)
    if not source.exists():
        raise CourseError(f"submission source {source} does not exist")
    if source.is_file():
        return _collect_files(course, assignment, notebooks, regex, _zip_members(source))
    if _has_submitted_layout(source, assignment):
        return _collect_layout(course, assignment, source)
    return _collect_files(course, assignment, notebooks, regex, _folder_members(source))


def _zip_members(archive: Path):
    """(name, bytes or None, reason) for each file in the archive."""
    try:
        zf = zipfile.ZipFile(archive)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise CourseError(f"cannot read {archive} as a zip archive: {error}")
    with zf:
        for info in infos:
            name = info.filename
            if info.is_dir() or JUNK.search(name):
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                yield name, None, "is a symbolic link inside the archive"
            elif info.file_size > MAX_NOTEBOOK_BYTES:
                yield name, None, f"is {info.file_size} bytes, over the {MAX_NOTEBOOK_BYTES} byte limit"
            else:
                try:
                    yield name, zf.read(info), None
                except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
                    yield name, None, f"cannot be read from the archive: {error}"


def _folder_members(folder: Path):
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_dir() or JUNK.search(name):
            continue
        if path.is_symlink():
            yield name, None, "is a symbolic link"
        elif path.stat().st_size > MAX_NOTEBOOK_BYTES:
            yield name, None, f"is over the {MAX_NOTEBOOK_BYTES} byte limit"
        else:
            yield name, path.read_bytes(), None


def _has_submitted_layout(folder: Path, assignment: str) -> bool:
    return any(p.is_dir() for p in folder.glob(f"*/{assignment}"))


def _collect_files(course, assignment, notebooks, regex, members) -> Collection:
    result = Collection()
    chosen: dict[tuple[str, str], tuple[str, bytes, dict]] = {}
    clashes: dict[tuple[str, str], list[str]] = {}
    for name, data, reason in members:
        if reason:
            result.rejected.append(Rejected(name, reason))
            continue
        match = regex.fullmatch(PurePosixPath(name).name)
        if not match:
            result.rejected.append(Rejected(name, f"does not match the file-name pattern {regex.pattern!r}"))
            continue
        student = match.group("student")
        if not STUDENT_ID.fullmatch(student or ""):
            result.rejected.append(Rejected(name, f"student id {student!r} is not a safe folder name"))
            continue
        notebook = _which_notebook(match, notebooks)
        if notebook is None:
            result.rejected.append(Rejected(
                name, f"names none of the assignment's notebooks ({', '.join(notebooks)})"))
            continue
        key = (student, notebook)
        if key in chosen:
            clashes.setdefault(key, [chosen[key][0]]).append(name)
        chosen[key] = (name, data, _details(match))
    for key, names in clashes.items():
        # Picking one silently could grade the wrong attempt; the instructor decides.
        del chosen[key]
        for name in names:
            result.rejected.append(Rejected(
                name, f"student {key[0]} has {len(names)} files for notebook {key[1]}: {', '.join(names)}"))
    by_student: dict[str, dict[str, bytes]] = {}
    for (student, notebook), (_, data, details) in chosen.items():
        by_student.setdefault(student, {})[notebook + ".ipynb"] = data
        known = result.details.setdefault(student, {"late": None, "name": None, "submission": None})
        # several notebooks: late when any of them is, the other fields from the first that has them
        if details["late"] is not None:
            known["late"] = bool(known["late"]) or details["late"]
        for field_name in ("name", "submission"):
            known[field_name] = known[field_name] or details[field_name]
    for student, files in sorted(by_student.items()):
        _replace_submission(course, assignment, student, files)
        result.students.append(student)
    return result


def _details(match: re.Match) -> dict:
    """What the optional groups of the pattern say; None for a group the pattern lacks."""
    groups = match.re.groupindex
    return {"late": match.group("late") is not None if "late" in groups else None,
            "name": match.group("name") if "name" in groups else None,
            "submission": match.group("submission") if "submission" in groups else None}


def _which_notebook(match: re.Match, notebooks: list[str]) -> str | None:
    named = match.groupdict().get("notebook")
    if len(notebooks) == 1:
        # LMSs rename uploads ("losses (1).ipynb", "losses-2.ipynb"): one notebook, no ambiguity.
        return notebooks[0]
    return named if named in notebooks else None


def _replace_submission(course: Course, assignment: str, student: str, files: dict[str, bytes]) -> None:
    """Make ``submitted/<student>/<assignment>/`` hold exactly ``files``, rewriting nothing that is
    unchanged so modification times (and nbgrader's view of them) stay put on a re-run."""
    folder = course.folder("submitted") / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.ipynb"):
        if stale.name not in files:
            stale.unlink()
    for name, data in files.items():
        target = folder / name
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)


def _collect_layout(course: Course, assignment: str, source: Path) -> Collection:
    result = Collection()
    target_root = course.folder("submitted")
    same_folder = target_root.exists() and source.resolve() == target_root.resolve()
    for folder in sorted(p for p in source.glob(f"*/{assignment}") if p.is_dir()):
        student = folder.parent.name
        if not STUDENT_ID.fullmatch(student):
            result.rejected.append(Rejected(str(folder), f"student id {student!r} is not a safe folder name"))
            continue
        if not any(folder.glob("*.ipynb")):
            result.rejected.append(Rejected(str(folder), "holds no notebook"))
            continue
        links = [p for p in folder.rglob("*") if p.is_symlink()]
        if links:
            # A link could point nbgrader's file copying at solutions or another student's work.
            result.rejected.append(Rejected(str(links[0]), "is a symbolic link; submissions must be plain files"))
            continue
        if not same_folder:
            target = target_root / student / assignment
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(folder, target)
        result.students.append(student)
    return result
