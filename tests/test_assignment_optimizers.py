"""Assignment optimizers graded end to end by `nbgrader autograde` with the project's pipeline, and its
submission variants replayed against the registry over several random draws."""
from autograder.checks import optimizers as registry
from grading_harness import AssignmentGradingTests
from inprocess_grading import RegistryReplayTests, points_per_function


class TestOptimizers(AssignmentGradingTests, RegistryReplayTests):
    assignment = "optimizers"

    def test_written_answer_is_left_to_the_grader(self):
        assert self.run.manual["solution"] == {"race_answer": 2.0}

    def test_points_per_function(self):
        assert points_per_function(self.run, registry.FUNCTIONS) == {
            "sgd_step": 2, "momentum_step": 3, "nesterov_step": 3, "adagrad_step": 4,
            "rmsprop_step": 4, "cosine_annealing": 2, "warmup_cosine": 2, "cosine_warm_restarts": 3,
            "clip_by_global_norm": 3}

    def test_schedule_failure_names_the_step(self):
        message = self.run.message("wrong-warmup_off_by_one", "warmup_cosine_random")
        assert "at t = 0" in message and "expected 0.0" in message
