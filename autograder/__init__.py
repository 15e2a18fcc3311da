"""The course's grading side: reference implementations and grading machinery (instructors only)."""
