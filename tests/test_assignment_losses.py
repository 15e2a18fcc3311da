"""Assignment losses graded end to end by `nbgrader autograde` with the project's pipeline."""
from autograder.checks import losses as registry
from grading_harness import AssignmentGradingTests
from inprocess_grading import RegistryReplayTests, points_per_function


class TestLosses(AssignmentGradingTests, RegistryReplayTests):
    seeds = range(10)  # hidden cases are random: every draw must give the same verdicts
    assignment = "losses"

    def test_points_per_function(self):
        two_points = ("mse_loss", "mse_grad", "mae_loss", "mae_grad", "huber_loss", "huber_grad",
                      "hinge_loss", "hinge_grad", "kl_divergence", "dice_loss")
        assert points_per_function(self.run, registry.FUNCTIONS) == {
            **{f: 2 for f in two_points}, "cross_entropy_loss": 4}

    def test_mutation_is_named_in_the_message(self):
        message = self.run.message("wrong-mse_grad_mutates_input", "mse_grad_hidden")
        assert "modified its input" in message and "argument 1" in message

    def test_tie_convention_failure_names_the_case(self):
        message = self.run.message("wrong-mae_grad_ties_positive", "mae_grad_hidden")
        assert "exactly on target" in message and "expected" in message
