"""The grading machinery in isolation: wire format, collection code, verdicts, preprocessors.

The collection code is run here in a plain namespace standing in for the student's kernel
(``IPython.display.display`` captured), which is enough to prove what it publishes and how the
grader judges it; the end-to-end runs with real kernels are the assignment tests.
"""
import math
import re

import nbformat
import numpy as np
import pytest
from traitlets.config import Config

import autograder.reference as reference
from autograder.pipeline import collect, judge
from autograder.checks import Call, Case, Check, KernelCode, Previous, cases_from, checks_for
from autograder.pipeline.preprocessors import HIDDEN_SOURCE, JudgeChecks, PrepareChecks
from grading_harness import REPO
from lossopt.checking import same_data


def run_in_fake_kernel(source, namespace, monkeypatch):
    """Execute ``source`` in ``namespace``; return the display outputs it published."""
    import IPython.display

    published = []

    def display(data, raw=False):
        published.append({"output_type": "display_data", "data": data, "metadata": {}})

    monkeypatch.setattr(IPython.display, "display", display)
    exec(source, namespace)
    return published


def collect_and_judge(check, namespace, monkeypatch, visible=True, seed=0):
    cases = check.cases(np.random.default_rng(seed))
    source = collect.collection_source([judge.encode_case(c) for c in cases], "n0nce", '"""Check."""')
    outputs = run_in_fake_kernel(source, namespace, monkeypatch)
    return judge.judge(check, cases, collect.read_results(outputs, "n0nce"), visible)


# ------------------------------------------------------------------------- wire format

@pytest.mark.parametrize("value", [
    0.1, -0.0, math.inf, -math.inf, 5e-324, 7, -(2 ** 70), True, None, "text",
    np.float64(1 / 3), np.int64(3), np.arange(6.0).reshape(2, 3), np.zeros((0, 4)),
    np.array(2.5), np.array([1, 2], dtype=np.int32), np.array([True, False]),
    (1.0, [np.ones(2), {"a": 2.0}]), {"w11": 0.5, "b": np.array([1.0])},
])
def test_encode_decode_round_trip_is_exact(value):
    back = collect.decode(collect.encode(value))
    assert same_data(value, back) and type(back) is type(value if not isinstance(
        value, (np.floating, np.integer)) else {np.float64: 0.0, np.int64: 0}[type(value)])
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape


def test_nan_survives_the_wire():
    assert math.isnan(collect.decode(collect.encode(float("nan"))))
    assert np.isnan(collect.decode(collect.encode(np.array([np.nan, 1.0])))[0])


@pytest.mark.parametrize("data", [
    {"ndarray": "AAAA", "dtype": "|O", "shape": [1]}, {"pickle": "x"}, {}, [1, 2], "str",
    {"float": "0x1p0", "int": 3}, {"ndarray": "AAAAAAAAAAA=", "dtype": "<f8", "shape": [2]},
])
def test_decode_refuses_what_is_not_plain_data(data):
    with pytest.raises(ValueError):
        collect.decode(data)


def test_unsupported_values_are_marked_not_shipped():
    assert collect.encode(object()) == {"unsupported": "object"}
    assert "unsupported" in collect.encode(np.array([object()]))


# ------------------------------------------------------------------------- collection + verdicts

def test_reference_functions_pass_their_own_checks(monkeypatch):
    for assignment in ("ce_vs_mse", "losses"):
        functions = {name: getattr(reference, name) for name in reference.__all__}
        for grade_id, check in checks_for(assignment).items():
            passed, message = collect_and_judge(check, dict(functions), monkeypatch)
            assert passed, (grade_id, message)


def test_wrong_value_fails_with_call_expected_and_got(monkeypatch):
    check = Check(cases_from("softmax", [((np.array([[1.0, 2.0]]),), {})]))
    passed, message = collect_and_judge(check, {"softmax": lambda z: np.exp(z)}, monkeypatch)
    assert not passed
    assert message.startswith("softmax(array([[1., 2.]]))") and "expected" in message and "got" in message


def test_hidden_failure_shows_the_description_not_the_input(monkeypatch):
    secret = np.array([[123.456, 0.0]])
    check = Check(lambda rng: [Case("softmax of one row", [Call("softmax", (secret,))])])
    passed, message = collect_and_judge(check, {"softmax": lambda z: 0 * z}, monkeypatch, visible=False)
    assert not passed and message.startswith("softmax of one row") and "123.456" not in message


@pytest.mark.parametrize("returned, fragment", [
    (lambda z: z.tolist()[0], "shape"),
    (lambda z: np.ones((1, 3)), "shape (1, 2)"),
    (lambda z: "0.5", "should be a float64 array"),
    (lambda z: (z, z), "got a tuple of 2 items"),
    (lambda z: z.astype(np.float32), "got a float32 array of shape (1, 2)"),
])
def test_wrong_type_or_shape_is_explained(returned, fragment, monkeypatch):
    check = Check(cases_from("softmax", [((np.array([[1.0, 2.0]]),), {})]))
    passed, message = collect_and_judge(check, {"softmax": returned}, monkeypatch)
    assert not passed and fragment in message, message


def test_exception_missing_function_and_mutation_fail_with_reasons(monkeypatch):
    check = Check(cases_from("mse_grad", [((np.array([1.0, 2.0]), np.array([0.5, 0.0])), {})]))

    def raises(y_pred, y_true):
        raise NotImplementedError()

    def mutates(y_pred, y_true):
        y_pred -= y_true
        return 2 * y_pred / y_pred.size

    assert "raised NotImplementedError" in collect_and_judge(check, {"mse_grad": raises}, monkeypatch)[1]
    assert "no function named 'mse_grad'" in collect_and_judge(check, {}, monkeypatch)[1]
    passed, message = collect_and_judge(check, {"mse_grad": mutates}, monkeypatch)
    assert not passed and "modified its input (argument 1)" in message


def test_scalar_results_accept_numpy_scalars_and_reject_arrays(monkeypatch):
    check = Check(cases_from("mse_loss", [((np.array([1.0, 2.0]), np.array([0.0, 0.0])), {})]))
    assert collect_and_judge(check, {"mse_loss": lambda a, b: np.mean((a - b) ** 2)}, monkeypatch)[0]
    assert not collect_and_judge(check, {"mse_loss": lambda a, b: (a - b) ** 2 / 2}, monkeypatch)[0]


def test_rollouts_carry_the_students_own_state(monkeypatch):
    w0, g = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    calls = [Call("momentum_step", (w0, g, np.zeros(2), 0.1))]
    for step in range(1, 5):
        calls.append(Call("momentum_step", (Previous(step - 1, 0), g, Previous(step - 1, 1), 0.1)))
    check = Check(lambda rng: [Case("five momentum steps", calls)])
    assert collect_and_judge(check, {"momentum_step": reference.momentum_step}, monkeypatch)[0]

    def late_bug(w, g, v, lr, beta=0.9):
        v = beta * v + g
        return (w - lr * v, v) if np.allclose(v, g) else (w - lr * v, v * 1.01)

    passed, message = collect_and_judge(check, {"momentum_step": late_bug}, monkeypatch, visible=False)
    assert not passed and message.startswith("step 2 of 5 of five momentum steps"), message


def test_kernel_code_arguments_are_evaluated_on_both_sides(monkeypatch):
    params = dict(zip(reference.PARAM_NAMES, np.linspace(-1, 1, 9)))
    f = KernelCode("lambda p: sum(v ** 2 for v in p.values())")
    check = Check(lambda rng: [Case("numerical gradient of a sum of squares",
                                    [Call("numerical_gradient", (f, params))])], rtol=1e-6, atol=1e-8)
    assert collect_and_judge(check, {"numerical_gradient": reference.numerical_gradient}, monkeypatch)[0]
    one_sided = lambda f, p, h=1e-5: {k: (f({**p, k: p[k] + h}) - f(p)) / h for k in p}  # noqa: E731
    assert not collect_and_judge(check, {"numerical_gradient": one_sided}, monkeypatch)[0]


def test_a_visible_failure_shows_kernel_code_as_its_expression(monkeypatch):
    params = dict(zip(reference.PARAM_NAMES, np.linspace(-1, 1, 9)))
    f = KernelCode("lambda p: sum(v ** 2 for v in p.values())")
    check = Check(lambda rng: [Case("numerical gradient of a sum of squares",
                                    [Call("numerical_gradient", (f, params))])])
    passed, message = collect_and_judge(check, {"numerical_gradient": lambda f, p, h=1e-5: {}}, monkeypatch)
    assert not passed
    assert message.startswith("numerical_gradient(lambda p: sum(v ** 2 for v in p.values()), {")
    assert "<function" not in message


def test_results_are_refused_without_exactly_one_output_of_this_run():
    good = {"output_type": "display_data", "data": {collect.RESULTS_MIME: {"nonce": "a", "results": []}}}
    stale = {"output_type": "display_data", "data": {collect.RESULTS_MIME: {"nonce": "b", "results": []}}}
    assert collect.read_results([good], "a") == []
    for outputs in ([], [stale], [good, good], [{"output_type": "stream", "name": "stdout", "text": "passed"}]):
        with pytest.raises(ValueError):
            collect.read_results(outputs, "a")


def test_compare_is_strict_about_structure_and_exact_about_special_values():
    assert judge.compare(math.inf, math.inf, 1e-7, 1e-10) is None
    assert judge.compare(1.0, math.nan, 1e-7, 1e-10)
    assert judge.compare((np.ones(2), np.ones(2)), (np.ones(2),), 1e-7, 1e-10) == \
        "the result should hold 2 values; got 1"
    assert "keys" in judge.compare({"a": 1.0}, {"b": 1.0}, 1e-7, 1e-10)
    assert judge.compare([np.ones(2)], [np.ones(2) + 1e-12], 1e-7, 1e-10) is None


# ------------------------------------------------------------------------- preprocessors

def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for source, grade_id, points in cells:
        meta = {"nbgrader": {"grade": points is not None, "grade_id": grade_id, "locked": True,
                             "solution": False, "schema_version": 3}}
        if points is not None:
            meta["nbgrader"]["points"] = points
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata=meta))
    return nb


def test_prepare_then_judge_rewrites_cells_and_drops_noise(monkeypatch):
    nb = _notebook(
        ('"""Check that softmax rows sum to 1."""\nexpect_close(softmax, ...)', "softmax_values", 1),
        ('"""Check that softmax is right on random inputs (hidden test)."""\n'
         "### BEGIN HIDDEN TESTS\n# secret\n### END HIDDEN TESTS", "softmax_hidden", 1),
        ('"""Check that something undeclared holds."""\nassert True', "softmax_undeclared", 1),
    )
    resources = {"nbgrader": {"assignment": "ce_vs_mse", "notebook": "ce_vs_mse"}}
    nb, resources = PrepareChecks(seed=7).preprocess(nb, resources)
    namespace = {"softmax": reference.softmax}
    for cell in nb.cells:
        outputs = run_in_fake_kernel(cell.source, namespace, monkeypatch)
        cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text="warning!\n"),
                        *[nbformat.v4.new_output("display_data", data=o["data"]) for o in outputs]]
    nb, resources = JudgeChecks().preprocess(nb, resources)
    visible, hidden, undeclared = nb.cells
    assert visible.source.endswith("expect_close(softmax, ...)")
    assert [o.output_type for o in visible.outputs] == ["stream"] and visible.outputs[0].name == "stdout"
    assert hidden.source.endswith(HIDDEN_SOURCE) and "secret" not in hidden.source
    assert hidden.outputs[0].text.startswith("passed")
    assert undeclared.outputs[0].output_type == "error"
    assert "no check is declared for grade id 'softmax_undeclared'" in undeclared.outputs[0].evalue


def test_only_the_graders_own_cells_are_flagged_to_run_from_a_file_and_never_afterwards(monkeypatch):
    """Check that PrepareChecks flags the collection cells it writes (the sandbox runs those from a
    file), takes the flag off any other cell (a student's notebook may carry it), and that no
    flag is left in the graded notebook."""
    from autograder.vocabulary import GRADER_CODE

    nb = _notebook(('"""Check that softmax rows sum to 1."""\nexpect_close(softmax, ...)', "softmax_values", 1),
                   ("def softmax(z):\n    return z", "softmax_code", None))
    nb.cells[1].metadata[GRADER_CODE] = True  # put there by the student
    resources = {"nbgrader": {"assignment": "ce_vs_mse", "notebook": "ce_vs_mse"}}
    nb, resources = PrepareChecks(seed=7).preprocess(nb, resources)
    assert [cell.metadata.get(GRADER_CODE, False) for cell in nb.cells] == [True, False]
    nb, resources = JudgeChecks().preprocess(nb, resources)
    assert not any(GRADER_CODE in cell.metadata for cell in nb.cells)


def test_cases_are_drawn_afresh_unless_a_seed_is_given():
    nb = _notebook(('"""Check that softmax works (hidden test)."""\n### BEGIN HIDDEN TESTS\n'
                    "### END HIDDEN TESTS", "softmax_hidden", 1))

    def prepared(seed):
        resources = {"nbgrader": {"assignment": "ce_vs_mse", "notebook": "ce_vs_mse"}}
        out, _ = PrepareChecks(seed=seed).preprocess(nbformat.from_dict(nb), resources)
        return re.sub(r'"nonce": "[0-9a-f]+"', "", out.cells[0].source)

    assert prepared(None) != prepared(None)
    assert prepared(3) == prepared(3)


def test_config_runs_prepare_sandboxed_execute_judge_and_cleans_last():
    from autograder.sandbox import SandboxedExecute
    from autograder.pipeline.sanitize import CleanStudentContent

    config = Config()
    namespace = {"get_config": lambda: config, "__file__": str(REPO / "nbgrader_config.py")}
    exec((REPO / "nbgrader_config.py").read_text(), namespace)
    pipeline = config.Autograde.autograde_preprocessors
    assert pipeline[0] is PrepareChecks and pipeline[2] is JudgeChecks
    # student code runs in the sandbox, never in nbgrader's own executor
    assert pipeline[1] is SandboxedExecute
    # cleaning comes after the scores are saved, so it can never change one
    assert [p.__name__ for p in pipeline[3:]] == ["ClearMetadataPreprocessor", "LimitOutput",
                                                  "SaveAutoGrades", "AssignLatePenalties",
                                                  "CheckCellMetadata", "CleanStudentContent"]
    assert pipeline[-1] is CleanStudentContent
    assert config.GenerateFeedback.preprocessors[0] is CleanStudentContent
    assert config.HTMLExporter.preprocessors == [CleanStudentContent]


# ------------------------------------------------------------------------- student-side helper

def test_expect_close_reports_call_expected_and_got():
    from lossopt.checking import expect_close

    def softmax(z):
        return np.exp(z)

    with pytest.raises(AssertionError) as failure:
        expect_close(softmax, np.array([[0.0, 1.0]]), expected=np.array([[0.268941, 0.731059]]), rtol=1e-5)
    message = str(failure.value)
    # written as the grader writes a visible failure (the same routine makes both messages)
    assert message.startswith("softmax(array([[0., 1.]])): the result: at index (0, 0) expected 0.268941")
    assert "expected array([[0.268941, 0.731059]])" in message and "got array([[1. , 2.718282]])" in message


def test_expect_close_reports_shape_and_mutation():
    from lossopt.checking import expect_close

    def mse_grad(y_pred, y_true):
        y_pred -= y_true
        return 2 * y_pred / y_pred.size

    with pytest.raises(AssertionError, match="should have shape \\(2,\\); got a float64 array of shape \\(1, 2\\)"):
        expect_close(lambda z: z[None, :], np.zeros(2), expected=np.zeros(2))
    with pytest.raises(AssertionError, match="modified its input \\(argument 1\\) in place"):
        expect_close(mse_grad, np.array([1.0, 3.0]), np.array([1.0, 1.0]), expected=np.array([0.0, 2.0]))
    got = expect_close(lambda y_pred, y_true: 2 * (y_pred - y_true) / 2, np.array([1.0, 3.0]),
                       np.zeros(2), expected=np.array([1.0, 3.0]))
    assert np.array_equal(got, [1.0, 3.0])


# ------------------------------------------------------------------------- the notebook's vocabulary

def test_a_check_name_of_several_words_still_names_its_function():
    from autograder.checks import visible_checks
    from autograder.vocabulary import column_of

    y_pred, y_true = np.array([1.0, 2.0]), np.array([0.0, 2.0])
    checks = visible_checks({"mse_loss_zero_where_equal": [((y_pred, y_true), {})]},
                            ("mse_loss", "mse_grad"))
    (case,) = checks["mse_loss_zero_where_equal"].cases(np.random.default_rng(0))
    assert [call.function for call in case.calls] == ["mse_loss"]
    # the longest name wins, and a written answer is a column of its own
    functions = ["adam_step", "adam_step_uncorrected"]
    assert column_of("adam_step_uncorrected_first_step", functions) == "adam_step_uncorrected"
    assert column_of("first_step_answer", functions) == "first_step_answer"
    with pytest.raises(ValueError, match="names none of the functions"):
        visible_checks({"huber_loss_values": []}, ("mse_loss",))


def test_a_course_that_sets_its_own_delimiters_is_obeyed(monkeypatch, tmp_path):
    """Markers come from nbgrader's ClearSolutions/ClearHiddenTests settings, not from a copy."""
    from autograder.course.release import find_leaks
    from autograder.pipeline.feedback import strip_hidden_tests
    from autograder.vocabulary import markers

    config = Config()
    config.ClearHiddenTests.begin_test_delimeter = "BEGIN SECRET CHECKS"
    config.ClearHiddenTests.end_test_delimeter = "END SECRET CHECKS"
    config.ClearSolutions.begin_solution_delimeter = "BEGIN ANSWER"
    config.ClearSolutions.end_solution_delimeter = "END ANSWER"
    own = markers(config)
    source = ('"""Check that softmax works (hidden test)."""\n# BEGIN SECRET CHECKS\n'
              "assert softmax_secret_input_check()\n# END SECRET CHECKS\n")

    def prepared_and_judged(preprocessor_config):
        nb = _notebook((source, "softmax_hidden", 1))
        resources = {"nbgrader": {"assignment": "ce_vs_mse", "notebook": "ce_vs_mse"}}
        nb, resources = PrepareChecks(seed=1, config=preprocessor_config).preprocess(nb, resources)
        outputs = run_in_fake_kernel(nb.cells[0].source, {"softmax": reference.softmax}, monkeypatch)
        nb.cells[0].outputs = [nbformat.v4.new_output("display_data", data=o["data"]) for o in outputs]
        return JudgeChecks(config=preprocessor_config).preprocess(nb, resources)[0].cells[0]

    assert prepared_and_judged(config).source.endswith(HIDDEN_SOURCE)
    assert "softmax_secret_input_check" in prepared_and_judged(Config()).source  # not hidden there
    assert "softmax_secret_input_check" not in strip_hidden_tests(source, own)
    assert strip_hidden_tests(source, markers()) == source

    solution = nbformat.v4.new_code_cell("def f(x):\n    # BEGIN ANSWER\n    return x * 2 + 41\n    # END ANSWER\n")
    leaked = nbformat.v4.new_code_cell("def f(x):\n    return x * 2 + 41\n")
    for name, cell in (("source.ipynb", solution), ("released.ipynb", leaked)):
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / name)
    leaks = find_leaks(tmp_path / "source.ipynb", tmp_path / "released.ipynb", own)
    assert [leak.what for leak in leaks] == ["solution or hidden-test line 'return x * 2 + 41'"]
    assert find_leaks(tmp_path / "source.ipynb", tmp_path / "released.ipynb") == []
