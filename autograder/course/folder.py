"""Where the course lives and how nbgrader is configured for it.

Every verb works on one course root: the folder holding ``nbgrader_config.py``. The config is
loaded the way ``nbgrader`` itself loads it, so the grading command runs the same pipeline
(preprocessors, sandbox, limits) as ``nbgrader autograde`` run from that folder.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

CONFIG_NAME = "nbgrader_config.py"


class CourseError(Exception):
    """A problem with the instructor's input that stops the command (missing assignment, bad
    source, unreadable file): its message names the offending thing and is shown as is."""


def find_course_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: the working directory) that holds
    ``nbgrader_config.py``, else the repository this package lives in."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    package_repo = Path(__file__).resolve().parents[2]
    if (package_repo / CONFIG_NAME).is_file():
        return package_repo
    raise CourseError(f"no {CONFIG_NAME} found in {here} or any folder above it; "
                      "run the command from the course folder or pass --course DIR")


def prepare_nbgrader() -> None:
    """Two fixes to how nbgrader creates a gradebook, for this process and the workers it forks.

    nbgrader runs ``alembic heads`` in a subprocess to stamp a new gradebook's schema version: a
    second Python start-up (seconds on a busy machine) and a failure when the command runs as
    ``.venv/bin/python -m autograder`` without an activated venv (``alembic`` not on PATH). The
    same answer is read in-process from nbgrader's own migration scripts instead; PATH gets the
    venv's bin folder for anything else nbgrader starts.
    """
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    import nbgrader.api

    if getattr(nbgrader.api.get_alembic_version, "in_process", False):
        return

    def get_alembic_version() -> str:
        scripts = os.path.join(os.path.dirname(nbgrader.api.__file__), "alembic")
        head = migration_head(os.path.join(scripts, "versions"))
        if head is None:  # not one plain chain of revisions: let alembic work it out
            from alembic.script import ScriptDirectory

            head = ScriptDirectory(scripts).get_current_head()
        return head

    get_alembic_version.in_process = True
    nbgrader.api.get_alembic_version = get_alembic_version


_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*(?:'([^']*)'|\"([^\"]*)\"|None)\s*$", re.MULTILINE)


def migration_head(versions: str) -> str | None:
    """The newest revision of a folder of alembic migration scripts, read from their
    ``revision``/``down_revision`` lines (alembic itself takes a quarter of a second to import);
    None unless the scripts form one chain with a single head."""
    revisions, parents = set(), set()
    for name in os.listdir(versions):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(versions, name), encoding="utf-8") as script:
            found = {key: a or b or None for key, a, b in _REVISION.findall(script.read())}
        if "revision" not in found or not found["revision"]:
            return None
        revisions.add(found["revision"])
        if found.get("down_revision"):
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def driver_url(db_url: str) -> str:
    """SQLAlchemy 2.1 reads a bare ``postgresql://`` URL as psycopg 3; the course installs the
    psycopg2 driver (requirements.txt), so a bare URL is pointed at it when psycopg 3 is absent.
    An explicit driver (``postgresql+psycopg://``) is left as written."""
    if db_url.startswith(("postgresql://", "postgres://")):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            return "postgresql+psycopg2://" + db_url.split("://", 1)[1]
    return db_url


@dataclass
class Course:
    """A course folder with its nbgrader configuration; ``db_url`` overrides the config's."""

    root: Path
    db_url_override: str | None = None

    @classmethod
    def locate(cls, course_dir: str | None = None, db_url: str | None = None) -> "Course":
        root = Path(course_dir).resolve() if course_dir else find_course_root()
        if not (root / CONFIG_NAME).is_file():
            raise CourseError(f"{root} is not a course folder: it has no {CONFIG_NAME}")
        prepare_nbgrader()
        return cls(root=root, db_url_override=db_url)

    def config(self, **overrides: dict) -> Config:
        """A fresh copy of the course's nbgrader config, with ``{"Section": {"trait": value}}``
        overrides merged on top (each caller gets its own copy: converters mutate it)."""
        config = PyFileConfigLoader(CONFIG_NAME, path=str(self.root)).load_config()
        config.CourseDirectory.root = str(self.root)
        if self.db_url_override:
            config.CourseDirectory.db_url = self.db_url_override
        if "db_url" in config.CourseDirectory:
            config.CourseDirectory.db_url = driver_url(config.CourseDirectory.db_url)
        for section, traits in overrides.items():
            for name, value in traits.items():
                config[section][name] = value
        return config

    def coursedir(self, **traits):
        from nbgrader.coursedir import CourseDirectory

        return CourseDirectory(config=self.config(CourseDirectory=traits))

    @property
    def db_url(self) -> str:
        return self.coursedir().db_url

    @property
    def course_id(self) -> str:
        return self.coursedir().course_id

    def folder(self, step: str) -> Path:
        """nbgrader's folder for a step: ``source``, ``release``, ``submitted``, ``autograded``,
        ``feedback``."""
        coursedir = self.coursedir()
        return self.root / getattr(coursedir, f"{step}_directory")

    def source_notebooks(self, assignment: str) -> list[Path]:
        """The assignment's source notebooks; a clear error when the assignment does not exist."""
        source = self.folder("source")
        folder = source / assignment
        notebooks = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
        if not notebooks:
            known = sorted(p.name for p in source.iterdir() if p.is_dir()) if source.is_dir() else []
            raise CourseError(f"no assignment '{assignment}': {folder} holds no notebook "
                              f"(assignments in {source}: {', '.join(known) or 'none'})")
        return notebooks

    def assignments(self) -> list[str]:
        source = self.folder("source")
        if not source.is_dir():
            return []
        return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))

    def grades_folder(self, assignment: str) -> Path:
        return self.root / "grades" / assignment
