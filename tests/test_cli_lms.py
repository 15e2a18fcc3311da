"""Collecting an LMS download into nbgrader's submitted/ layout (autograder.course.lms)."""
import os
import shutil
import stat
import zipfile

import pytest

from autograder.cli import main
from autograder.course.folder import Course, CourseError
from autograder.course.lms import collect
from grading_harness import REPO

ASSIGNMENT = "ce_vs_mse"
NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "solutions" / ASSIGNMENT, root / "solutions" / ASSIGNMENT)
    return Course.locate(str(root))


def make_zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def submitted(course, student):
    return course.root / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def test_zip_with_default_pattern_lands_in_nbgrader_layout(course, tmp_path):
    archive = make_zip(tmp_path / "download.zip", {
        f"alice_{ASSIGNMENT}.ipynb": NOTEBOOK,
        # LMSs rename re-uploads; one notebook in the assignment, so the name part does not matter
        f"bob_{ASSIGNMENT} (1).ipynb": NOTEBOOK,
        "__MACOSX/._alice_x.ipynb": b"junk", ".DS_Store": b"junk",
    })
    result = collect(course, ASSIGNMENT, archive)
    assert result.students == ["alice", "bob"]
    assert result.rejected == []
    assert submitted(course, "alice").read_bytes() == NOTEBOOK
    assert submitted(course, "bob").read_bytes() == NOTEBOOK


def test_files_not_matching_the_pattern_are_named_with_the_reason(course, tmp_path):
    archive = make_zip(tmp_path / "download.zip", {
        f"alice_{ASSIGNMENT}.ipynb": NOTEBOOK, "readme.txt": b"hello", "noid.ipynb": NOTEBOOK})
    result = collect(course, ASSIGNMENT, archive)
    assert result.students == ["alice"]
    reasons = {r.path: r.reason for r in result.rejected}
    assert set(reasons) == {"readme.txt", "noid.ipynb"}
    assert all("does not match the file-name pattern" in reason for reason in reasons.values())


def test_custom_pattern_takes_the_id_from_a_canvas_style_name(course, tmp_path):
    archive = make_zip(tmp_path / "canvas.zip", {
        f"doejane_12345_67890_{ASSIGNMENT}.ipynb": NOTEBOOK,
        f"roerichard_LATE_23456_78901_{ASSIGNMENT}.ipynb": NOTEBOOK})
    pattern = r"[^_]+_(?:LATE_)?(?P<student>\d+)_\d+_.*\.ipynb"
    result = collect(course, ASSIGNMENT, archive, pattern)
    assert result.students == ["12345", "23456"]


def test_canvas_pattern_keeps_the_late_mark_name_and_submission_id(course, tmp_path):
    archive = make_zip(tmp_path / "submissions.zip", {
        f"doejane_12345_67890_{ASSIGNMENT}.ipynb": NOTEBOOK,
        f"roerichard_LATE_23456_78901_{ASSIGNMENT}-1.ipynb": NOTEBOOK,  # a re-upload, renamed by Canvas
        f"doejane_{ASSIGNMENT}.ipynb": NOTEBOOK})  # not Canvas's scheme
    result = collect(course, ASSIGNMENT, archive, "canvas")
    assert result.students == ["12345", "23456"]
    assert result.details == {"12345": {"late": False, "name": "doejane", "submission": "67890"},
                              "23456": {"late": True, "name": "roerichard", "submission": "78901"}}
    assert [r.path for r in result.rejected] == [f"doejane_{ASSIGNMENT}.ipynb"]
    # a pattern without the optional groups says nothing about lateness: unknown, not on time
    plain = collect(course, ASSIGNMENT, archive, r"[^_]+_(?:LATE_)?(?P<student>\d+)_\d+_.*\.ipynb")
    assert plain.details["23456"] == {"late": None, "name": None, "submission": None}


def test_pattern_without_student_group_is_refused(course, tmp_path):
    archive = make_zip(tmp_path / "d.zip", {"a_b.ipynb": NOTEBOOK})
    with pytest.raises(CourseError, match=r"no named group \(\?P<student>"):
        collect(course, ASSIGNMENT, archive, r"(.*)\.ipynb")


def test_traversal_names_and_links_cannot_write_outside_submitted(course, tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"../../mallory_{ASSIGNMENT}.ipynb", NOTEBOOK)
        link = zipfile.ZipInfo(f"trudy_{ASSIGNMENT}.ipynb")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    before = set(tmp_path.rglob("*"))
    result = collect(course, ASSIGNMENT, archive)
    # the traversal name is reduced to its base name: mallory's notebook, inside submitted/
    assert result.students == ["mallory"]
    assert submitted(course, "mallory").read_bytes() == NOTEBOOK
    assert [r.reason for r in result.rejected] == ["is a symbolic link inside the archive"]
    created = set(tmp_path.rglob("*")) - before
    assert all((course.root / "submitted") in p.parents or p == course.root / "submitted" for p in created)


def test_two_files_for_one_student_are_both_rejected_not_guessed(course, tmp_path):
    archive = make_zip(tmp_path / "d.zip", {
        f"alice_{ASSIGNMENT}.ipynb": NOTEBOOK, f"alice_{ASSIGNMENT}-2.ipynb": NOTEBOOK,
        f"bob_{ASSIGNMENT}.ipynb": NOTEBOOK})
    result = collect(course, ASSIGNMENT, archive)
    assert result.students == ["bob"]
    assert sorted(r.path for r in result.rejected) == [f"alice_{ASSIGNMENT}-2.ipynb", f"alice_{ASSIGNMENT}.ipynb"]
    assert all("student alice has 2 files" in r.reason for r in result.rejected)
    assert not submitted(course, "alice").exists()


def test_unreadable_zip_is_a_clear_error_naming_the_file(course, tmp_path, capsys):
    broken = tmp_path / "download.zip"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    code = main(["grade", ASSIGNMENT, str(broken), "--course", str(course.root)])
    assert code == 2
    error = capsys.readouterr().err
    assert f"cannot read {broken} as a zip archive" in error


def test_missing_assignment_and_missing_source_are_clear_errors(course, tmp_path, capsys):
    assert main(["grade", "no_such_assignment", str(tmp_path), "--course", str(course.root)]) == 2
    error = capsys.readouterr().err
    assert "no assignment 'no_such_assignment'" in error and ASSIGNMENT in error
    assert main(["grade", ASSIGNMENT, str(tmp_path / "nowhere.zip"), "--course", str(course.root)]) == 2
    assert f"{tmp_path / 'nowhere.zip'} does not exist" in capsys.readouterr().err


def test_folder_in_submitted_layout_is_copied_and_links_refused(course, tmp_path):
    source = tmp_path / "exchange"
    (source / "alice" / ASSIGNMENT).mkdir(parents=True)
    (source / "alice" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_bytes(NOTEBOOK)
    (source / "alice" / ASSIGNMENT / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    (source / "eve" / ASSIGNMENT).mkdir(parents=True)
    (source / "eve" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_bytes(NOTEBOOK)
    os.symlink(REPO / "solutions", source / "eve" / ASSIGNMENT / "data")
    result = collect(course, ASSIGNMENT, source)
    assert result.students == ["alice"]
    assert (course.root / "submitted" / "alice" / ASSIGNMENT / "timestamp.txt").is_file()
    assert [r.reason for r in result.rejected] == ["is a symbolic link; submissions must be plain files"]
    assert not (course.root / "submitted" / "eve").exists()


def test_recollecting_the_same_download_rewrites_nothing(course, tmp_path):
    archive = make_zip(tmp_path / "d.zip", {f"alice_{ASSIGNMENT}.ipynb": NOTEBOOK})
    collect(course, ASSIGNMENT, archive)
    first = submitted(course, "alice").stat().st_mtime_ns
    os.utime(submitted(course, "alice"), ns=(first - 10**9, first - 10**9))
    collect(course, ASSIGNMENT, archive)
    assert submitted(course, "alice").stat().st_mtime_ns == first - 10**9
