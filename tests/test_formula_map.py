"""The README's formula map is true: every function is taught, implemented, practised and judged
where the table says, and every graded function of every assignment appears in it."""
import inspect
import json
import re

import pytest

from conftest import ROOT, formula_map

import autograder.reference as reference
from autograder.checks import checks_for


ROWS = formula_map()
ENTRIES = [(name, chapter, module, assignment) for names, chapter, module, assignment in ROWS for name in names]


def exercise_source(assignment):
    nb = json.loads((ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text())
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def test_the_map_covers_every_reference_function():
    mapped = {name for name, *_ in ENTRIES}
    functions = {n for n in reference.__all__ if callable(getattr(reference, n))}
    assert functions - mapped == set(), "reference functions missing from the README's formula map"


@pytest.mark.parametrize("name,chapter,module,assignment", ENTRIES, ids=[e[0] for e in ENTRIES])
def test_each_function_lives_where_the_map_says(name, chapter, module, assignment):
    implementation = getattr(reference, name)
    assert implementation.__module__ in [f"autograder.reference.{m}" for m in module]
    number = int(re.match(r"book/(\d+)_", chapter).group(1))
    doc = inspect.getdoc(implementation).lower()
    assert f"chapter {number}" in doc, f"{name}'s docstring does not name chapter {number}"
    assert name in (ROOT / chapter).read_text(), f"{chapter} never names {name}"
    if assignment:
        assert re.search(rf"^def {name}\(", exercise_source(assignment), re.M), \
            f"exercises/{assignment} has no stub for {name}"
        grade_ids = checks_for(assignment)
        assert any(g.startswith(f"{name}_") for g in grade_ids), f"no check of {name} in {assignment}"


def test_every_graded_function_is_in_the_map():
    mapped = {(name, assignment) for name, _, _, assignment in ENTRIES}
    for assignment in {a for *_, a in ENTRIES if a}:
        stubs = set(re.findall(r"^def (\w+)\(", exercise_source(assignment), re.M))
        graded = {s for s in stubs if any(g.startswith(f"{s}_") for g in checks_for(assignment))}
        assert {(s, assignment) for s in graded} <= mapped, assignment
