"""Sphinx extension: the execution cache knows about ``lossopt``, not only the chapters' text.

jupyter-cache keys a notebook on its code cells, so a chapter whose text is unchanged would keep
its old outputs (figures, printed numbers) after a change to the ``lossopt`` code it imports.
The cache folder is named after a hash of lossopt's source (every ``.py`` file under the
package, path and content): after a change to lossopt the build finds an empty cache and runs
every chapter again (Sphinx is told to read them again too: their text has not changed, so it
would keep their old pages); with no change it finds the cache it wrote. Folders left by other versions
of lossopt are removed, so the cache does not grow with every edit.

``lossopt_source`` (a Sphinx setting, default: the folder of the ``lossopt`` package the build
imports, which is the one the chapters' kernels import) says which folder is hashed.
"""
import hashlib
import shutil
from pathlib import Path

PREFIX = "lossopt-"


def source_hash(folder):
    """A short hash of every ``.py`` file under ``folder`` (relative paths and contents)."""
    digest = hashlib.sha256()
    folder = Path(folder)
    for path in sorted(folder.rglob("*.py")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def default_source():
    import lossopt

    return str(Path(lossopt.__file__).resolve().parent)


def key_cache_on_lossopt(app):
    from sphinx.util import logging

    config = app.env.mystnb_config
    base = Path(config.execution_cache_path)
    source = app.config.lossopt_source or default_source()
    cache = base / f"{PREFIX}{source_hash(source)}"
    if base.is_dir():
        for stale in base.glob(f"{PREFIX}*"):
            if stale != cache and stale.is_dir():
                shutil.rmtree(stale)
    app.env.mystnb_config = config.copy(execution_cache_path=str(cache))
    app.env.lossopt_cache = str(cache)
    logging.getLogger(__name__).info(f"execution cache for this version of lossopt ({source}): {cache}")


def read_again_after_a_change(app, env, added, changed, removed):
    """Every document, when the pages were last built with another lossopt (or never)."""
    built_with = getattr(env, "lossopt_built_with", None)
    env.lossopt_built_with = env.lossopt_cache
    return sorted(env.found_docs) if built_with not in (None, env.lossopt_cache) else []


def setup(app):
    app.add_config_value("lossopt_source", "", "env")
    # after myst-nb's own builder-inited handler has settled the cache path
    app.connect("builder-inited", key_cache_on_lossopt, priority=900)
    app.connect("env-get-outdated", read_again_after_a_change)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
