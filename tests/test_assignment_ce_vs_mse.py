"""Assignment ce_vs_mse graded end to end by `nbgrader autograde` with the project's pipeline."""
from autograder.checks import ce_vs_mse as registry
from grading_harness import AssignmentGradingTests
from inprocess_grading import RegistryReplayTests, points_per_function


class TestCeVsMse(AssignmentGradingTests, RegistryReplayTests):
    seeds = range(10)  # hidden cases are random: every draw must give the same verdicts
    assignment = "ce_vs_mse"

    def test_written_answer_is_left_to_the_grader(self):
        assert self.run.manual["solution"] == {"mse_classification_answer": 3.0}

    def test_points_per_function(self):
        assert points_per_function(self.run, registry.FUNCTIONS) == {
            "sigmoid": 2, "bce_loss": 3, "bce_grad": 2, "mse_sigmoid_loss": 2, "mse_sigmoid_grad": 2,
            "softmax": 3, "cross_entropy_loss": 3, "cross_entropy_grad": 2}

    def test_hidden_failure_names_the_case_and_the_values(self):
        message = self.run.message("wrong-softmax_unstable", "softmax_hidden")
        assert "softmax of" in message and "expected" in message and "got" in message

    def test_visible_failure_shows_the_call(self):
        message = self.run.message("wrong-bce_grad_sign", "bce_grad_values")
        assert message.startswith("bce_grad(array([-2. , 0. , 0.5, 3. ]), array([0., 1., 1., 0.]))")
        assert "expected" in message and "got" in message
