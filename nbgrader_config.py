"""nbgrader configuration: the course root is this folder.

``solutions/`` is nbgrader's source directory (instructors' notebooks with solutions and hidden
tests) and ``exercises/`` its release directory (what students get, generated, never hand-edited).
"""
import os

c = get_config()  # noqa: F821  (injected by traitlets when nbgrader loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "lossopt"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")
