"""What a grading worker keeps warm between submissions, so that each one costs less than in
nbgrader's own loop.

``nbgrader autograde`` and ``generate_feedback`` rebuild, for every notebook, things that are
the same for the whole class. A worker of the grading command grades many submissions of one
assignment, so it builds them once:

- :func:`cached_metadata_validation`: nbgrader checks every graded cell's metadata with
  ``jsonschema.validate``, which re-checks the schema itself and builds a new validator for each
  cell (about 0.1 s per notebook); the worker builds one validator per schema and checks each
  cell with it, raising the same error (``best_match``) on bad metadata.
- :class:`FeedbackExporter`: nbconvert's HTML exporter, giving the same page, without its two
  costs that grow with the notebook: every code cell highlighted again for every student (cells
  the class shares, instructions and tests, are highlighted once: :class:`MemoHighlight`), and
  the whole page parsed with BeautifulSoup and written out again only to add ``alt`` text to
  images that lack it and ``tabindex`` to JupyterLab-style cell wrappers (done here on the text:
  :func:`accessibility_fixes`). Together 60 % of a feedback page's time.

- :func:`shared_engines`: nbgrader opens a new SQLAlchemy engine for every ``Gradebook(...)``,
  a dozen per submission, and each new engine compiles every SQL statement again (a fifth of a
  second per submission). A worker grades each submission in a private gradebook file at the
  same path (a fresh copy of the assignment's template each time), so one engine per URL serves
  them all, with its statement cache; :func:`fresh_engine` closes its connections before the
  file is replaced, so no submission ever reads another's gradebook. That private file is
  scratch (deleted once its result is read), so :func:`scratch_database` also tells SQLite not
  to wait for the disk at each of nbgrader's commits (some 50 per submission).

Nothing here changes what is graded or what a student reads: ``tests/test_cli_warm.py``
renders feedback both ways and compares the documents, and checks bad metadata still fails.
"""
from __future__ import annotations

import json
import re

from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from sqlalchemy import event

from ..pipeline.feedback_page import FeedbackPage, latex_outputs_as_mathml, with_content_security_policy

# -- cell metadata validation ------------------------------------------------------------------


class _CachedSchemaValidation:
    """Stands in for the ``jsonschema`` module inside ``nbgrader.nbgraderformat.common``, whose
    only use of it is ``jsonschema.validate(instance, schema)``."""

    def __init__(self, jsonschema_module):
        self._jsonschema = jsonschema_module
        self._validators: dict[str, object] = {}

    def validate(self, instance, schema, *args, **kwargs):
        if args or kwargs:  # not nbgrader's call: do exactly what jsonschema does
            return self._jsonschema.validate(instance, schema, *args, **kwargs)
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            cls = self._jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validator = self._validators[key] = cls(schema)
        error = self._jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    def __getattr__(self, name):
        return getattr(self._jsonschema, name)


def cached_metadata_validation() -> None:
    """Make nbgrader's cell-metadata checks in this process reuse one validator per schema.
    Idempotent; meant for grading workers (``autograder.batch.worker``)."""
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, _CachedSchemaValidation):
        common.jsonschema = _CachedSchemaValidation(common.jsonschema)


# -- gradebook engines ---------------------------------------------------------------------------

_ENGINES: dict[tuple, object] = {}
_SCRATCH: set[str] = set()


def scratch_database(url: str) -> None:
    """Mark the SQLite database at ``url`` as scratch: engines made for it from now on skip
    SQLite's disk synchronisation and keep the rollback journal in memory. A crash can then
    corrupt the file, which is thrown away anyway."""
    _SCRATCH.add(url)


def _no_disk_waits(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute("PRAGMA journal_mode=MEMORY")
    cursor.close()


def shared_engines() -> None:
    """Make ``nbgrader.api.Gradebook`` reuse one engine per database URL in this process.
    Idempotent; meant for grading workers."""
    import nbgrader.api

    if getattr(nbgrader.api.create_engine, "shared", False):
        return
    create = nbgrader.api.create_engine

    def create_engine(url, *args, **kwargs):
        key = (str(url), repr(args), repr(sorted(kwargs.items())))
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = create(url, *args, **kwargs)
            if str(url) in _SCRATCH:
                event.listen(engine, "connect", _no_disk_waits)
        return engine

    create_engine.shared = True
    nbgrader.api.create_engine = create_engine


def fresh_engine(url: str) -> None:
    """Close every connection the shared engine of ``url`` holds (before its file is replaced)."""
    for key, engine in _ENGINES.items():
        if key[0] == url:
            engine.dispose()


# -- feedback pages ----------------------------------------------------------------------------

_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)", re.IGNORECASE)
_FOCUSABLE_DIV = re.compile(
    r"<div\b(?=[^>]*\bclass=\"[^\"]*\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b)"
    r"(?![^>]*\btabindex=)", re.IGNORECASE)
MISSING_ALT = "No description has been provided for this image"


def accessibility_fixes(html: str) -> tuple[str, int]:
    """What ``HTMLExporter`` adds with BeautifulSoup, done on the text: ``alt`` on every
    ``<img>`` without one, ``tabindex="0"`` on JupyterLab cell input wrappers and outputs.
    Returns the page and how many images lacked ``alt``."""
    html, missing = _IMG_WITHOUT_ALT.subn(f'<img alt="{MISSING_ALT}"', html)
    return _FOCUSABLE_DIV.sub('<div tabindex="0"', html), missing


class MemoHighlight(Highlight2HTML):
    """Pygments highlighting, remembered per (source, language, metadata): the cells every
    student shares are highlighted once per worker. Bounded, so a long run cannot grow it
    without limit."""

    max_entries = 4096

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._memo: dict[tuple, str] = {}

    def __call__(self, source, language=None, metadata=None):
        key = (self.pygments_lexer, source, language,
               json.dumps(metadata, sort_keys=True, default=str) if metadata else None)
        html = self._memo.get(key)
        if html is None:
            html = super().__call__(source, language, metadata)
            if len(self._memo) >= self.max_entries:
                self._memo.clear()
            self._memo[key] = html
        return html


class FeedbackExporter(FeedbackPage):
    """The course's feedback exporter with highlighting remembered and no BeautifulSoup round
    trip; the page is the same document (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._highlighters: dict[str, MemoHighlight] = {}

    def from_notebook_node(self, nb, resources=None, **kw):
        # HTMLExporter.from_notebook_node, step for step, up to its BeautifulSoup pass
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code")
        if highlight_code is None:
            highlight_code = self._highlighters.get(lexer)
            if highlight_code is None:
                highlight_code = self._highlighters[lexer] = MemoHighlight(pygments_lexer=lexer, parent=self)
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, latex_outputs_as_mathml(nb),
                                                              resources, **kw)
        html, missing = accessibility_fixes(html)
        if missing:
            self.log.warning("Alternative text is missing on %s image(s).", missing)
        return with_content_security_policy(html), resources
