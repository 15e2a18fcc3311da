"""Sphinx extension: a page includes each script once.

sphinx-thebe registers its inline configuration (``const THEBE_JS_URL = ...``) twice under
jupyter-book, and a second ``const`` declaration is a console error on every page. Scripts that
are the same file, or the same inline body, are kept only at their first place.
"""


def _key(script):
    attributes = getattr(script, "attributes", {})
    # an inline script's filename is None or "" depending on who added it
    filename = getattr(script, "filename", script) or ""
    return str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items()))


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    # in place: the list is the builder's own, and other handlers may still append to it
    scripts[:] = unique


def setup(app):
    # last, after every other handler has added its scripts (MathJax's among them)
    app.connect("html-page-context", drop_repeated_scripts, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
