"""A small Sphinx extension for the book's site: maths served from the site itself, no unused Thebe scripts.

Listed in ``_config.yml`` (``sphinx.extra_extensions``). It

- copies MathJax 3 (``tex-svg-full.js``: every TeX extension bundled, glyphs drawn as SVG, so no font or
  component is fetched later) from the ``django-static-mathjax`` wheel, a plain packaging of MathJax's
  files, into ``_static/mathjax/`` and points Sphinx at it: a reader offline still sees typeset maths and no
  request leaves the site;
- copies the site's downloads (``book/_generated/site``, written by the build) to the site's root;
- removes sphinx-thebe's scripts from every page: the book has no live code cells (``launch_buttons.thebe``
  is off), yet Jupyter Book loads sphinx-thebe, which writes ``const THEBE_JS_URL`` twice into each page
  (a console error, "Identifier 'THEBE_JS_URL' has already been declared") and would fetch Thebe from a CDN.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

MATHJAX_FILE = "tex-svg-full.js"
MATHJAX_DIR = "mathjax"


def mathjax_source() -> Path:
    """The MathJax file shipped by the ``django-static-mathjax`` wheel (a runtime dependency)."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("MathJax is not installed: the book needs the django-static-mathjax package "
                           "(listed in pyproject.toml; run `make .venv/.cartrepro-synced`)")
    path = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax" / "es5" / MATHJAX_FILE
    if not path.is_file():
        raise RuntimeError(f"MathJax file missing: {path}")
    return path


#: written by the build (:mod:`cartrepro.pages.downloads`); copied to the site's root when present
SITE_FILES = Path("book") / "_generated" / "site"


def _configure(app, config) -> None:
    config.mathjax_path = f"{MATHJAX_DIR}/{MATHJAX_FILE}"
    if (Path(app.confdir) / SITE_FILES).is_dir():
        # relative to the configuration folder, as Sphinx reads it: an absolute path would name the stage
        # (the output folder) in the configuration, whose digest Sphinx writes into the site (.buildinfo)
        config.html_extra_path = [*config.html_extra_path, SITE_FILES.as_posix()]


def _copy_mathjax(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / MATHJAX_DIR
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(mathjax_source(), target / MATHJAX_FILE)


def _is_thebe(script) -> bool:
    name = str(getattr(script, "filename", script) or "")
    body = str(getattr(script, "attributes", {}).get("body", "") or "")
    return "thebe" in name.lower() or "THEBE" in body or "thebe" in body


def _drop_thebe(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if scripts:
        scripts[:] = [s for s in scripts if not _is_thebe(s)]


def setup(app):
    mathjax_source()  # fail at the start of the render, naming the missing package, not at the end
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("build-finished", _copy_mathjax)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
