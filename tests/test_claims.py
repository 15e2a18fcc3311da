"""The verdicts the chapters state are checked by their code: a false one stops the chapter.

``lossopt.claims.claim`` is how a chapter ties a sentence ("the two forms differ once the rate
changes") to the numbers behind it. These tests show that a claim that stops being true fails
the chapter run (and so the book build, which executes every chapter and allows no errors).
"""
import re

import numpy as np
import pytest
import yaml

from conftest import ROOT
from chapter_runner import BOOK, run_chapter
from lossopt.claims import ClaimError, checked, claim


def test_a_true_claim_passes_and_is_recorded():
    assert claim(np.float64(1.0) < 2.0, "one is less than two")
    assert checked()[-1] == "one is less than two"


def test_a_false_claim_raises_naming_its_sentence():
    with pytest.raises(ClaimError, match="'the loss diverges'"):
        claim(np.float64(0.5) > 1.0, "the loss diverges")


@pytest.mark.parametrize("condition", [np.array([True, False]), "yes", 0.5, None])
def test_a_condition_must_be_one_truth_value(condition):
    with pytest.raises(TypeError, match="'a sentence'"):
        claim(condition, "a sentence")


def test_a_claim_needs_its_sentence():
    with pytest.raises(TypeError, match="sentence"):
        claim(True, "  ")


def test_a_broken_experiment_fails_the_chapter_naming_the_claim():
    """Chapter 6 says the two velocity forms differ once a schedule changes the rate. Move the
    rate drop past the end of the run, so the experiment no longer shows it: the run must fail
    on exactly that claim."""
    text = (BOOK / "06_momentum.md").read_text()
    broken = text.replace("def run_scheduled(rule, n_steps=50, drop_at=25):",
                          "def run_scheduled(rule, n_steps=50, drop_at=500):")
    assert broken != text, "chapter 6 no longer defines run_scheduled as this test expects"
    with pytest.raises(RuntimeError, match="differ once the rate changes") as failure:
        run_chapter("06_momentum", text=broken)
    assert isinstance(failure.value.__cause__, ClaimError)
    # and the chapter as written passes the same claims
    run_chapter("06_momentum")


def test_the_build_stops_on_a_failing_cell():
    """A ClaimError stops the book only if execution errors are fatal; keep them so."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["execute"]["allow_errors"] is False
    assert config["sphinx"]["config"]["nb_execution_raise_on_error"] is True


def claim_count(path):
    return len(re.findall(r"\bclaim\(", path.read_text()))


def test_every_chapter_checks_its_verdicts():
    """Every chapter whose code computes results states at least one checked verdict."""
    unchecked = [p.name for p in sorted(BOOK.glob("[0-9][0-9]_*.md")) if claim_count(p) == 0]
    assert unchecked == []
