"""MyST Markdown becomes the Markdown Jupyter renders (tools/jupyter_markdown.py), construct by construct."""
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))

from jupyter_markdown import MystConversionError, convert  # noqa: E402


class Book:
    """A resolver for a page ``book/chapter`` whose notebook sits in ``_sources/book/``."""

    def doc(self, target):
        return f"../../book/{target}.html", f"The {target} page"

    def ref(self, label):
        return f"../../book/chapter.html#{label}", f"Section {label}"

    def download(self, path):
        return f"../../_downloads/abc/{path.rsplit('/', 1)[-1]}"

    def image(self, path):
        return f"../../_images/{path.rsplit('/', 1)[-1]}"

    def cite(self, key):
        return f"../../book/references.html#{key.strip()}", f"[{key.strip()}]"

    def glue(self, key, kind, format_spec):
        values = {"window": 100.0, "table": "| a |\n|---|\n| 1 |"}
        value = values[key]
        return format(value, format_spec) if format_spec else str(value)


def md(text):
    return convert(text, Book(), "chapter.md, cell 3")


def test_a_dropdown_admonition_becomes_details_with_its_title_as_summary():
    text = md("```{admonition} 1. What is the window?\n:class: dropdown\n**Answer.** About "
              "{glue:text}`window:.0f` gradients.\n```")
    assert text.splitlines()[:3] == ["<details>", "<summary>1. What is the window?</summary>", ""]
    assert "**Answer.** About 100 gradients." in text
    assert text.rstrip().endswith("</details>")
    assert ":class:" not in text and "```" not in text


def test_a_dropdown_directive_becomes_details():
    text = md("```{dropdown} Answer and explanation\n$-\\log 0.6$ is the loss.\n```")
    assert text.startswith("<details>\n<summary>Answer and explanation</summary>\n\n$-\\log 0.6$")


def test_an_admonition_becomes_a_blockquote_with_a_bold_title():
    text = md("```{admonition} Learning goals\n:class: tip\nAfter this chapter you can\n\n- explain $x$;\n```")
    assert text.splitlines() == ["> **Learning goals**", ">", "> After this chapter you can", ">",
                                 "> - explain $x$;"]


def test_a_named_admonition_gets_its_default_title():
    assert md("```{warning}\nMind the gap.\n```").splitlines()[0] == "> **Warning**"
    assert md(":::{note}\nColon fences too.\n:::").splitlines()[0] == "> **Note**"


def test_nested_directives_and_code_inside_an_admonition():
    text = md("````{note}\nThe rule:\n```{math}\nv_t = \\beta v_{t-1} + g_t\n```\n```python\nx = 1\n```\n````")
    assert "> $$\n> v_t = \\beta v_{t-1} + g_t\n> $$" in text
    assert "> ```python\n> x = 1\n> ```" in text


def test_math_directive_becomes_a_display_block():
    assert md("```{math}\n:label: eq-mse\nL = \\frac1n \\sum r_i^2\n```") == "$$\nL = \\frac1n \\sum r_i^2\n$$"


def test_cross_references_become_links_into_the_book():
    text = md("See {doc}`Exercises <exercises>`, {doc}`exercises`, {ref}`sec-a` and "
              "{numref}`Figure <fig-b>`; download {download}`adam.ipynb <../exercises/adam/adam.ipynb>` "
              "or {download}`../x/y.csv`, as {cite}`smith2020`.")
    assert text == ("See [Exercises](../../book/exercises.html), [The exercises page](../../book/exercises.html), "
                    "[Section sec-a](../../book/chapter.html#sec-a) and "
                    "[Figure](../../book/chapter.html#fig-b); download [adam.ipynb](../../_downloads/abc/adam.ipynb) "
                    "or [y.csv](../../_downloads/abc/y.csv), as [[smith2020]](../../book/references.html#smith2020).")


def test_glued_values_are_pasted_with_their_format():
    assert md("about {glue:text}`window:.1f` steps; {glue}`window`") == "about 100.0 steps; 100.0"


def test_roles_inside_code_and_code_blocks_are_left_alone():
    text = md("Write `{doc}`x`` literally.\n\n```bash\n{glue:text}`window`\n```")
    assert text == "Write `{doc}`x`` literally.\n\n```bash\n{glue:text}`window`\n```"


def test_targets_and_comments_are_dropped_and_equation_labels_removed():
    assert md("(sec-a)=\n## A\n% a note to authors\n$$ x^2 $$ (eq-x)") == "## A\n$$ x^2 $$"


def test_a_figure_keeps_its_alt_text_and_caption():
    text = md("```{figure} ../images/valley.png\n:alt: Contours of a long narrow valley\n\n"
              "The valley $x^2 + 10y^2$.\n```")
    assert text == ("![Contours of a long narrow valley](../../_images/valley.png)\n\n"
                    "*The valley $x^2 + 10y^2$.*")


def test_an_image_without_alt_text_is_an_error():
    with pytest.raises(MystConversionError, match=r"chapter.md, cell 3, line 1: .*'a.png'.* alt text"):
        md("```{image} a.png\n```")


def test_unknown_myst_is_an_error_naming_the_place():
    with pytest.raises(MystConversionError, match=r"chapter.md, cell 3, line 2: the \{tableofcontents\} directive"):
        md("text\n```{tableofcontents}\n```")
    with pytest.raises(MystConversionError, match=r"chapter.md, cell 3: the \{term\} role"):
        md("a {term}`loss`")
    with pytest.raises(MystConversionError, match="never closed"):
        md("```{note}\nopen")
    with pytest.raises(MystConversionError, match="another page"):
        md("{glue:text}`other::window:.0f`")
