"""A wrong sigmoid, and an input transformer that replaces every cell that defines no function
(so every test cell, however the grader words it) by `print("passed")`.

Nothing is collected from the test cells any more, so no check can pass: the transformer costs
this student every point, the correct functions' too. That is what this code earns.

base: partial
splice: top
loses: all
"""


def _pass_everything(lines):
    if lines and not any(line.startswith("def ") for line in lines):
        return ['print("passed")\n']
    return lines


get_ipython().input_transformers_post.append(_pass_everything)  # noqa: F821
