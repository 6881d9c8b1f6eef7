"""The page a reader sees states the parameters that produced it, instead of showing the plumbing cells.

Every notebook has a ``parameters`` cell (the defaults, for papermill) and the executed copy has papermill's
``injected-parameters`` cell (the values of this build). Neither is for readers: in the staged copy of the
executed notebook both get the ``remove-cell`` tag (Jupyter Book leaves them out of the page), and a short
note takes their place, e.g. "Parameters of this page: data_dir = data/reconstructed (the shipped
reconstructed cohorts), conf_type = "log" (set with --param; default "plain")". The executed notebook in
the cache is not changed: the numbers are still read from it.
"""

from __future__ import annotations

import ast
import io
import tokenize
from html import escape

PLUMBING_TAGS = ("parameters", "injected-parameters")
REMOVE = "remove-cell"
NOTE_TAG = "cartrepro-parameters"


def declared(source: str) -> dict[str, tuple[object, str]]:
    """``{name: (default, comment)}`` of a parameters cell: one ``name = literal  # comment`` per line.

    Examples
    --------
    >>> declared('data_dir = "data/reconstructed"  # cohort folder\\ncutoff = None  # Youden')
    {'data_dir': ('data/reconstructed', 'cohort folder'), 'cutoff': (None, 'Youden')}
    """
    comments = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#").strip()
    found: dict[str, tuple[object, str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                value = ast.unparse(node.value)
            found[node.targets[0].id] = (value, comments.get(node.lineno, ""))
    return found


def _shown(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def note_html(defaults: dict[str, tuple[object, str]], injected: dict[str, object], shipped_data: bool) -> str:
    """One paragraph naming every parameter with its value and whether it is the notebook's default."""
    parts = []
    for name in [*defaults, *(n for n in injected if n not in defaults)]:
        default, comment = defaults.get(name, (None, ""))
        value = injected.get(name, default)
        if name == "data_dir":
            origin = "the shipped reconstructed cohorts" if shipped_data else "data given to this build"
        elif name in injected and value != default:
            origin = f"set with --param; default {_shown(default)}"
        else:
            origin = "default"
        title = f' title="{escape(comment, quote=True)}"' if comment else ""
        parts.append(f"<code{title}>{escape(name)} = {escape(_shown(value))}</code> ({escape(origin)})")
    return f'<p class="cr-params"><strong>Parameters of this page:</strong> {", ".join(parts)}.</p>'


def _text(source: str | list[str]) -> str:
    return "".join(source) if isinstance(source, list) else source


def hide_plumbing(notebook: dict, injected: dict[str, object], shipped_data: bool) -> None:
    """Tag the parameters and injected-parameters cells ``remove-cell`` and put the note after the last of them
    (in place, on a notebook as nbformat or plain ``json`` loads it)."""
    defaults: dict[str, tuple[object, str]] = {}
    last = None
    for index, cell in enumerate(notebook["cells"]):
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if any(tag in tags for tag in PLUMBING_TAGS):
            if "parameters" in tags:
                defaults.update(declared(_text(cell["source"])))
            if REMOVE not in tags:
                tags.append(REMOVE)
            last = index
    if last is None:
        return
    note = {"cell_type": "markdown", "metadata": {"tags": [NOTE_TAG]},
            "source": note_html(defaults, injected, shipped_data)}
    if (notebook.get("nbformat"), notebook.get("nbformat_minor", 0)) >= (4, 5):
        note["id"] = NOTE_TAG  # cells carry ids from nbformat 4.5: a fixed one keeps the staged book byte-identical
    notebook["cells"].insert(last + 1, type(notebook["cells"][last])(note))
