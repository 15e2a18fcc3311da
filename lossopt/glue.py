"""``glue`` for a chapter run in Jupyter, where the book's build tools are not installed.

The chapters glue the numbers their text quotes with ``myst_nb.glue``, which records a value for
the book's build to paste into the page. A downloaded chapter already has those values in its
text (the build put them there), so in a reader's kernel recording them is pointless; the
download imports this ``glue`` instead (see tools/notebook_download.py), which, like
``myst_nb.glue`` in a plain kernel, only shows the value when ``display`` asks for it.
"""


def glue(name, variable, display=True):
    """Show ``variable`` if ``display``; ``name`` is the key the book's build glues it under."""
    if not isinstance(name, str):
        raise TypeError(f"glue: the name must be a string, got {type(name).__name__}")
    if display:
        from IPython.display import display as show

        show(variable)
