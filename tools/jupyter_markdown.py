"""MyST Markdown to the Markdown that Jupyter renders: the text cells of a chapter's download.

JupyterLab 4 and Notebook 7 render GitHub-flavoured Markdown with ``$...$`` / ``$$...$$`` math
and a sanitised subset of HTML; they know no MyST. The chapters' text cells are rewritten into
that subset when the book is built:

- admonitions (``{note}``, ``{tip}``, ``{admonition}`` ...) become a blockquote with a bold title;
  an admonition with ``:class: dropdown`` and a ``{dropdown}`` become ``<details><summary>``, so a
  quick check's answer stays hidden until the reader opens it;
- ``{math}`` blocks become ``$$`` blocks, ``{figure}`` / ``{image}`` become images with their alt
  text (a figure's caption follows in italics), ``{code-block}`` a fenced code block;
- ``{doc}``, ``{ref}``, ``{numref}``, ``{download}`` and ``{cite}`` become links to the book's
  pages and files, ``{glue:text}`` and friends the value the build computed;
- ``(label)=`` targets and ``%`` comments are dropped.

The conversion needs what only the build knows (page titles, where files land, glued values);
it asks a *resolver* for it, an object with the methods of :class:`Resolver`. Anything MyST this
module does not know is an error naming the place (``where``), so new syntax in a chapter fails
the build instead of reaching a reader as raw text.
"""
import html
import re
from typing import Protocol

import yaml

# Sphinx's admonition directives and the title each shows when it is given none.
ADMONITION_TITLES = {
    "note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important",
    "warning": "Warning", "caution": "Caution", "attention": "Attention", "danger": "Danger",
    "error": "Error", "seealso": "See also",
}
CODE_DIRECTIVES = {"code-block", "code", "sourcecode"}

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})(?P<info>.*)$")
DIRECTIVE = re.compile(r"^\{(?P<name>[a-zA-Z][\w:-]*)\}\s*(?P<argument>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
TARGET = re.compile(r"^\((?P<label>[^()\s]+)\)=\s*$")
# a role, or an inline code span (kept as it is: roles inside code are code)
INLINE = re.compile(r"\{(?P<role>[a-zA-Z][\w:.-]*)\}(?P<ticks>`+)(?P<content>.+?)(?P=ticks)"
                    r"|(?P<code>(?P<codeticks>`+).+?(?P=codeticks))")
TITLED = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
# a labelled display equation: $$ ... $$ (label)
EQUATION_LABEL = re.compile(r"(\$\$)\s*\([^()\s]+\)\s*$")


class MystConversionError(ValueError):
    """MyST that has no Jupyter form; the message names the place and the construct."""


class Resolver(Protocol):
    """What the conversion asks the build (the Sphinx extension implements it).

    Every URL is relative to where the notebook is served in the book, or absolute when the book
    has a base URL.
    """

    def doc(self, target):
        """(url, title) of the page ``target`` (a path relative to the chapter, as in ``{doc}``)."""
        ...

    def ref(self, label):
        """(url, title) of the section or figure labelled ``label``."""
        ...

    def download(self, path):
        """url of the file ``path`` (relative to the chapter) that ``{download}`` copies into the book."""
        ...

    def image(self, path):
        """url of the image ``path`` (relative to the chapter) as the book serves it."""
        ...

    def cite(self, key):
        """(url, text) of the citation ``key`` in the book's bibliography."""
        ...

    def glue(self, key, kind, format_spec):
        """The value the build glued under ``key``, as Markdown (``kind``: text, md, math, any)."""
        ...


def convert(text, resolver, where):
    """``text`` (MyST Markdown) as Jupyter Markdown; ``where`` names it in errors (file, cell)."""
    return "\n".join(_blocks(text.split("\n"), resolver, where))


def _blocks(lines, resolver, where):
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        opening = FENCE.match(line)
        if opening is None:
            if TARGET.match(line) or line.startswith("%"):
                i += 1  # a MyST target or comment: nothing to show
                continue
            out.append(EQUATION_LABEL.sub(r"\1", _inline(line, resolver, where)))
            i += 1
            continue
        fence = opening["fence"]
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), None)
        if end is None:
            raise MystConversionError(f"{where}: the fence {fence!r} opened on line {i + 1} is never closed")
        body = lines[i + 1:end]
        directive = DIRECTIVE.match(opening["info"].strip())
        if directive:
            out.extend(_directive(directive["name"], directive["argument"].strip(), body, resolver,
                                  f"{where}, line {i + 1}"))
        elif fence[0] == ":":
            raise MystConversionError(f"{where}, line {i + 1}: a ':::' fence without a directive name")
        else:
            out.extend(lines[i:end + 1])  # a plain code block, shown as it is
        i = end + 1
    return out


def _options(body, where):
    """(options, content lines) of a directive's body: ``:key: value`` lines or a ``---`` YAML block."""
    if body and body[0].strip() == "---":
        end = next((j for j in range(1, len(body)) if body[j].strip() == "---"), None)
        if end is None:
            raise MystConversionError(f"{where}: the directive's '---' options block is never closed")
        return yaml.safe_load("\n".join(body[1:end])) or {}, body[end + 1:]
    options = {}
    k = 0
    while k < len(body) and (match := OPTION.match(body[k])):
        options[match["key"]] = match["value"]
        k += 1
    return options, body[k:]


def _strip_blank(lines):
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _directive(name, argument, body, resolver, where):
    options, content = _options(body, where)
    content = _strip_blank(content)
    if name in ADMONITION_TITLES or name == "admonition":
        title = argument or ADMONITION_TITLES.get(name)
        if not title:
            raise MystConversionError(f"{where}: an {{admonition}} needs a title")
        inner = _blocks(content, resolver, where)
        if "dropdown" in str(options.get("class", "")).split():
            return _details(_inline(title, resolver, where), inner)
        return _blockquote(_inline(title, resolver, where), inner)
    if name == "dropdown":
        return _details(_inline(argument, resolver, where) if argument else "Details",
                        _blocks(content, resolver, where))
    if name == "math":
        return ["$$", *content, "$$"]
    if name in ("figure", "image"):
        alt = options.get("alt")
        caption = " ".join(line.strip() for line in content) if name == "figure" else ""
        if not alt and not caption:
            raise MystConversionError(f"{where}: the {{{name}}} {argument!r} has neither alt text nor a caption")
        url = resolver.image(argument)
        lines = [f"![{_escape_alt(alt or caption)}]({url})"]
        if caption:
            lines += ["", f"*{_inline(caption, resolver, where)}*"]
        return lines
    if name in CODE_DIRECTIVES:
        fence = "`" * max(3, 1 + max((len(m) for line in content for m in re.findall(r"`+", line)), default=0))
        return [f"{fence}{argument}", *content, fence]
    raise MystConversionError(
        f"{where}: the {{{name}}} directive has no Jupyter Markdown form (tools/jupyter_markdown.py)")


def _escape_alt(text):
    return text.replace("[", "\\[").replace("]", "\\]")


def _blockquote(title, inner):
    lines = [f"> **{title}**", ">"]
    lines += [f"> {line}" if line.strip() else ">" for line in _strip_blank(inner)]
    return lines


def _details(title, inner):
    # Blank lines around the content: Markdown inside an HTML block is parsed only after one.
    return ["<details>", f"<summary>{html.escape(title, quote=False)}</summary>", "",
            *_strip_blank(inner), "", "</details>"]


def _inline(text, resolver, where):
    def replace(match):
        if match["code"] is not None:
            return match["code"]
        return _role(match["role"], match["content"], resolver, where)

    return INLINE.sub(replace, text)


def _titled(content):
    """(title or None, target) of a role's ``Title <target>`` or ``target``."""
    match = TITLED.match(content.strip())
    if match:
        return match["title"].strip() or None, match["target"].strip()
    return None, content.strip()


def _link(text, url):
    return f"[{text}]({url})"


def _role(role, content, resolver, where):
    if role == "doc":
        title, target = _titled(content)
        url, page_title = resolver.doc(target)
        return _link(title or page_title, url)
    if role in ("ref", "numref"):
        title, label = _titled(content)
        url, label_title = resolver.ref(label)
        return _link(title or label_title, url)
    if role == "download":
        title, path = _titled(content)
        return _link(title or path.rsplit("/", 1)[-1], resolver.download(path))
    if role in ("cite", "cite:p", "cite:t"):
        return ", ".join(_link(text, url) for url, text in map(resolver.cite, content.split(",")))
    if role == "math":
        return f"${content}$"
    if role in ("sub", "sup"):
        return f"<{role}>{content}</{role}>"
    if role in ("glue", "glue:", "glue:any", "glue:text", "glue:md", "glue:math"):
        kind = role.partition(":")[2] or "any"
        # as myst_nb reads it: the format spec follows the last colon
        key, format_spec = content.rsplit(":", 1) if kind == "text" and ":" in content else (content, "")
        if "::" in key:
            raise MystConversionError(f"{where}: {{{role}}}`{content}` glues from another page; "
                                      "a download can only show its own page's values")
        return resolver.glue(key.strip(), kind, format_spec)
    raise MystConversionError(f"{where}: the {{{role}}} role has no Jupyter Markdown form (tools/jupyter_markdown.py)")
