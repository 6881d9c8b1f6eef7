"""What the three pages of the methods chapter share: the sentences shown without data, and ledger look-ups.

Each page is a class (:class:`~cartrepro.methods.survival_page.SurvivalChapter`,
:class:`~cartrepro.methods.descriptive_page.DescriptiveChapter`,
:class:`~cartrepro.methods.diagnostics_page.DiagnosticsChapter`) whose methods return what one notebook
cell shows: tables (DataFrames, number formats in ``attrs["formats"]``) and sentences (Markdown), or the
sentence :func:`no_panel` when this build lacks the data. The notebook shows them with
:func:`cartrepro.pages.display.show_all` and never branches on the data.
"""

from __future__ import annotations

import functools
import html
import json
import os
import warnings
from pathlib import Path

import pandas as pd

from cartrepro.ledger.entries import entry, load_ledger
from cartrepro.methods.cards import card_key
from cartrepro.paths import LEDGER_PAGES_ENV, NOTEBOOKS_DIR, is_shipped_cohort
from cartrepro.stats.rounding import printed_decimals

__all__ = ["decimals_of", "ledger_pages", "no_panel", "no_panels", "numbers_using", "other_data_note", "page_title",
           "published_by", "summarise_entries"]


def no_panels(what: str, folder: str) -> str:
    """The sentence a page shows under its first cell when this build lacks the data of every panel."""
    return (f"*This build has no {what} (no `{folder}` in the cohort), so none of the comparison panels below is "
            f"shown: they need `{folder}`.*")


def no_panel(what: str, folder: str) -> str:
    """The sentence shown in place of one comparison panel when this build lacks its data."""
    return (f"*This build has no {what} (no `{folder}` in the cohort), so this comparison panel is not shown: "
            f"the comparison panels need `{folder}`.*")


def other_data_note(data_dir, paper: str) -> str | None:
    """A warning for a cohort other than the shipped one (None for the shipped cohort)."""
    if is_shipped_cohort(data_dir, paper):
        return None
    return ("**This build uses other data than the shipped cohort.** The panels still compare each method "
            "with the digits the paper printed, but on these data a mismatch says nothing about the paper.")


def decimals_of(ledger_id: str) -> int:
    """The printed precision of a ledger value: 0.0018 -> 4, 70.5 -> 1, 76 -> 0."""
    return printed_decimals(entry(ledger_id).published_numbers()[0])


def summarise_entries(entries, max_examples: int = 3) -> pd.DataFrame:
    """Ledger entries grouped by paper, kind and method: how many, and a few example ids with their print.

    Used for the "published numbers that use it" tables, where listing every count would run to pages.
    """
    rows: dict[tuple[str, str, str], list] = {}
    for e in entries:
        rows.setdefault((e.paper, e.kind, e.method), []).append(e)
    out = [{"paper": paper, "kind": kind, "method": method, "entries": len(group),
            "examples": "; ".join(f"{e.id} ({e.printed})" for e in group[:max_examples])}
           for (paper, kind, method), group in rows.items()]
    return pd.DataFrame(out, columns=["paper", "kind", "method", "entries", "examples"])


def published_by(key: str) -> pd.DataFrame:
    """The ledger entries the card ``key`` explains (:func:`cartrepro.methods.cards.card_key`), summarised."""
    return summarise_entries([e for e in load_ledger().values() if card_key(e) == key])


# ------------------------------------------------------------------------------------------------------
# card -> every number that uses it, linked to the page that shows it
# ------------------------------------------------------------------------------------------------------

#: the chapters whose pages record ledger numbers (the review chapter records its own review_ ids)
PAPER_PAGE_PREFIXES = ("p1_", "p2_")


def _example_tables() -> dict[str, dict | None]:
    """The example cohort of the data contract (a few synthetic patients per paper), loaded."""
    import tempfile

    from cartrepro.contract import load_paper
    from cartrepro.contract.templates import EXAMPLE_DIR, write_templates

    with tempfile.TemporaryDirectory() as folder:
        write_templates(folder)
        root = Path(folder) / EXAMPLE_DIR
        return {paper: load_paper(root, paper) for paper in ("cd22", "car1922")}


@functools.lru_cache(maxsize=1)
def ledger_pages() -> dict[str, str]:
    """Ledger id -> the notebook (file stem) of the paper-chapter page that records it.

    Read from the page register (:func:`cartrepro.analysis.pages.all_pages`): each page's ``compute`` is
    run once on the contract's small example cohort, and every id it returns, value or stated reason,
    belongs to that page (which ids a page records does not depend on the data). Cached per process.
    A page whose ``compute`` fails on the example cohort contributes nothing (its numbers then show
    without a link, which the test of this function would catch).

    In a process whose :data:`~cartrepro.paths.LEDGER_PAGES_ENV` names a file (the kernels of one build:
    the build removes the file before they start), the first process to need the map computes and writes
    it there, and the others wait for it and read it (~0.8 s of CPU per kernel otherwise: the three methods
    pages run in both kernels).
    """
    shared = os.environ.get(LEDGER_PAGES_ENV)
    if not shared:
        return _ledger_pages()
    import fcntl

    path = Path(shared)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or by the system if the kernel dies
        if path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except ValueError:  # not written whole: computed again below
                pass
        where = _ledger_pages()
        written = path.with_name(path.name + ".new")
        written.write_text(json.dumps(where), encoding="utf-8")
        os.replace(written, path)
        return where


def _ledger_pages() -> dict[str, str]:
    from cartrepro.analysis.pages import all_pages

    tables = _example_tables()
    where: dict[str, str] = {}
    for page in all_pages():
        if not page.notebook.startswith(PAPER_PAGE_PREFIXES) or tables.get(page.paper) is None:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a 6-patient cohort makes some libraries talk
                ids = list(page.compute(tables[page.paper], **page.defaults()))
        except Exception:  # noqa: BLE001 - a failing page only loses its links here; its own tests report it
            continue
        for ledger_id in ids:
            where.setdefault(ledger_id, page.notebook)
    return where


@functools.cache
def page_title(notebook: str) -> str:
    """The title of a notebook page: its first ``# `` heading (the file stem if it has none)."""
    path = NOTEBOOKS_DIR / f"{notebook}.py"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# # "):
                return line[4:].strip()
    return notebook


def numbers_using(card: str | None = None, *, ids=None, pages: dict[str, str] | None = None) -> pd.DataFrame:
    """Every published number a card explains, grouped by the page that shows it, each id linked to it.

    ``card`` is a key of :data:`cartrepro.methods.cards.CARDS` (the entries :func:`card_key` maps to it);
    or pass the ledger ``ids`` directly (e.g. those :func:`cartrepro.methods.survival.ledger_methods`
    finds). Columns ``page`` (a link to the page, relative to the notebooks folder of the site) and
    ``numbers`` (``<code>id</code>`` links with the printed value); cells are HTML, the frame is marked
    for :func:`cartrepro.pages.display.show_all` (``attrs``: unescaped, scrolling).
    """
    ledger = load_ledger()
    chosen = ([e for e in ledger.values() if card_key(e) == card and e.kind != "context"] if card is not None
              else [ledger[i] for i in ids])
    where = ledger_pages() if pages is None else pages
    groups: dict[str | None, list] = {}
    for e in chosen:
        groups.setdefault(where.get(e.id), []).append(e)
    rows = []
    for notebook, group in sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or "")):
        href = None if notebook is None else html.escape(f"{notebook}.html", quote=True)
        page = "not recorded by a page" if href is None else f'<a href="{href}">{html.escape(page_title(notebook))}</a>'
        numbers = [f"<code>{html.escape(e.id)}</code>" if href is None
                   else f'<a href="{href}"><code>{html.escape(e.id)}</code></a>' for e in group]
        rows.append({"page": page, "numbers": ", ".join(f"{n} ({html.escape(e.printed)})"
                                                        for n, e in zip(numbers, group, strict=True))})
    frame = pd.DataFrame(rows, columns=["page", "numbers"])
    frame.attrs.update(escape=False, scroll=True)
    return frame
