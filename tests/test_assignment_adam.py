"""Assignment adam graded end to end by `nbgrader autograde` with the project's pipeline, and its
submission variants replayed against the registry over several random draws."""
from autograder.checks import adam as registry
from grading_harness import AssignmentGradingTests
from inprocess_grading import RegistryReplayTests, points_per_function


class TestAdam(AssignmentGradingTests, RegistryReplayTests):
    assignment = "adam"

    def test_written_answer_is_left_to_the_grader(self):
        assert self.run.manual["solution"] == {"first_step_answer": 3.0}

    def test_points_per_function(self):
        assert points_per_function(self.run, registry.FUNCTIONS) == {
            "adam_step": 7, "adam_step_uncorrected": 4, "adamw_step": 6}

    def test_missing_bias_correction_is_reported_on_the_first_step(self):
        message = self.run.message("wrong-no_bias_correction", "adam_step_first_step")
        assert message.startswith("adam_step(array([ 1. , -2. , 0.5])") and "expected" in message

    def test_hidden_failure_names_the_rollout_step(self):
        message = self.run.message("wrong-t_off_by_one", "adam_step_rollout")
        assert message.startswith("step 1 of ") and "from zero state" in message
