"""Jupyter Book's ``build`` command in a process started before the book source is staged (``python -m``).

Starting Python and importing Sphinx, myst-nb, the theme and the extensions that the book's configuration loads
costs more than a second of one core, and none of it depends on the book source. ``cartrepro build``
(:mod:`cartrepro.build.pipeline`) starts this process as soon as a core is free near the end of the notebooks,
so those imports run beside the last notebook, the scoring and the staging instead of after them.

The process imports, then reads one line on standard input: the arguments of the ``jupyter-book`` program as a
JSON list. It runs Jupyter Book's own command line with them, what the ``jupyter-book`` program runs (same
code, same configuration, same output); its exit status is Jupyter Book's. An empty line or the end of its
input (the build failed, or the staged book needs no render) ends it at once with status 0.

One difference: Sphinx writes the pages in ``WRITE_PROCESSES`` processes (its ``-j``, which the ``jupyter-book``
program does not offer) while it reads them in one. Sphinx's parallel write forks after the main process
resolved a fixed chunk of pages, and each page is written from its own resolved tree, so the bytes do not depend
on timing; its parallel read would merge the readers' environments in the order they finish, so it stays off.
A test builds the site both ways and compares every file.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import warnings

#: what the extensions' ``setup`` imports on its own (besides the extension modules named by the configuration);
#: a missing or renamed one only makes the warm-up shorter, never the render different
LAZY_IMPORTS = ("sphinx.application", "sphinx.builders.html", "sphinx.search.en", "sphinx.jinja2glue",
                "jupyter_book.sphinx", "sphinx_external_toc.parsing", "sphinx_external_toc.events",
                "myst_nb.sphinx_ext", "myst_parser.sphinx_ext", "jupyter_cache.cache.main", "sqlalchemy.orm",
                "IPython", "nbclient", "nbformat", "sphinx_design.extension", "sphinx_jupyterbook_latex.events",
                "sphinxcontrib.applehelp", "sphinxcontrib.devhelp", "sphinxcontrib.htmlhelp",
                "sphinxcontrib.qthelp", "sphinxcontrib.serializinghtml", "linkify_it", "fastjsonschema")


def book_extensions() -> list[str]:
    """The Sphinx extensions Jupyter Book loads for this repository's ``_config.yml`` (its defaults and ours)."""
    from jupyter_book.config import get_final_config

    from cartrepro.paths import REPO_ROOT

    config, _ = get_final_config(user_yaml=REPO_ROOT / "_config.yml", cli_config={"latex_individualpages": False},
                                 sourcedir=REPO_ROOT, use_external_toc=True)
    return list(config.get("extensions", []))


def warm_up() -> None:
    """Import what the render will import; best effort (the render itself reports any real problem)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            names = [*book_extensions(), *LAZY_IMPORTS]
        except Exception:  # noqa: BLE001 - a broken configuration fails in the render, with Jupyter Book's message
            names = list(LAZY_IMPORTS)
        for name in names:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - see LAZY_IMPORTS
                pass


#: Sphinx's ``-j`` for writing pages: the main process and two writers (a constant: the same chunks of pages on
#: every machine)
WRITE_PROCESSES = 3


def write_in_parallel(processes: int = WRITE_PROCESSES) -> None:
    """Make Jupyter Book's render write the pages in ``processes`` processes and read them in one."""
    import jupyter_book.sphinx
    from sphinx.application import Sphinx

    build_sphinx = jupyter_book.sphinx.build_sphinx
    is_parallel_allowed = Sphinx.is_parallel_allowed

    def with_jobs(*args, **kwargs):
        kwargs["jobs"] = processes
        return build_sphinx(*args, **kwargs)

    def write_only(self, typ: str) -> bool:
        # reading in one process is Sphinx's own fallback; asked here, it also does not warn about extensions
        # that do not declare themselves safe for parallel reading (a warning is an error in the strict render)
        return typ != "read" and is_parallel_allowed(self, typ)

    jupyter_book.sphinx.build_sphinx = with_jobs  # the command imports it from there when it runs
    Sphinx.is_parallel_allowed = write_only


def main() -> None:
    import jupyter_book.cli.main

    warm_up()
    if os.environ.get("CARTREPRO_SERIAL_RENDER", "") in ("", "0"):
        write_in_parallel()
    line = sys.stdin.readline()
    if not line.strip():
        sys.exit(0)
    jupyter_book.cli.main.main(json.loads(line), prog_name="jupyter-book")  # exits with Jupyter Book's status


if __name__ == "__main__":
    main()
