"""The review chapter's list of the papers' own inconsistencies, from the project ledgers.

The scorecard and the figure pages show an inconsistency only where a published number links to it; the
items that touch no single number (two lists of patient ids, a figure legend's typo, a test that is not
named) appear nowhere else. This page lists every item of both ledgers with its reader sentence, whether
any data could give the printed digits, and the published numbers it touches (linked to their scorecard
rows). It reads the ledgers only, so it is the same for every cohort.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from cartrepro.ledger.entries import Entry, load_inconsistencies, load_ledger

#: ledger kinds that have a scorecard row (``context`` entries are shown in the papers' words only)
SCORED_KINDS = ("data", "construction", "figure_only")
COLUMNS = ["#", "What the paper prints, and what its own numbers give", "Printed digits",
           "Published numbers it touches"]


def _touched(entries: list[Entry], from_dir: str) -> str:
    """The linked entries as escaped HTML: each scored one a link to its scorecard row, others as text."""
    if not entries:
        return "—"
    parts = []
    for e in entries:
        label = escape(f"{e.quantity} ({e.where})" if e.where else e.quantity)
        if e.kind in SCORED_KINDS:
            parts.append(f'<a href="{from_dir}book/scorecard.html#sc-{escape(e.id, quote=True)}">{label}</a>')
        else:
            parts.append(label)
    return "<br>".join(parts)


def inconsistency_table(paper: str, *, from_dir: str = "../") -> pd.DataFrame:
    """Every inconsistency item of ``paper``'s ledger, in the ledger's order, as escaped HTML cells.

    ``from_dir`` is the path from the page showing the table to the book's root (a notebook page sits in
    ``notebooks/``). Raises KeyError naming the papers when ``paper`` has no ledger.

    Examples
    --------
    >>> table = inconsistency_table("cd22")
    >>> len(table), list(table.columns) == COLUMNS
    (17, True)
    >>> table.iloc[0, 1]
    '24/34 = 70.588%, printed as 70.5% (Results, Discussion, abstract): truncated, not rounded.'
    >>> table.iloc[0, 2]
    'no data can give them'
    >>> table.iloc[0, 3].split(">")[0]
    '<a href="../book/scorecard.html#sc-p2_resp_cr_enrolled"'
    """
    items = load_inconsistencies()
    if paper not in items:
        raise KeyError(f"no ledger for paper {paper!r}; ledgers: {', '.join(sorted(items))}")
    by_item: dict[str, list[Entry]] = {}
    for e in sorted(load_ledger().values(), key=lambda e: e.id):
        if e.paper == paper and e.inconsistency is not None:
            by_item.setdefault(e.inconsistency.id, []).append(e)
    rows = [{
        COLUMNS[0]: i,
        COLUMNS[1]: escape(item.for_reader),
        COLUMNS[2]: "no data can give them" if item.printed_unreachable else "attainable",
        COLUMNS[3]: _touched(by_item.get(item.id, []), from_dir),
    } for i, item in enumerate(items[paper], start=1)]
    return pd.DataFrame(rows, columns=COLUMNS)


def inconsistency_counts() -> pd.DataFrame:
    """Per paper: the items, those whose printed digits no data can give, and those touching no scored number.

    Examples
    --------
    >>> print(inconsistency_counts().to_string(index=False))
            paper  items  printed digits no data can give  touch no scored number
        P2 (CD22)     17                                3                      13
    P1 (CAR19/22)     23                                4                      16
    """
    rows = []
    for paper, name in (("cd22", "P2 (CD22)"), ("car1922", "P1 (CAR19/22)")):
        table = inconsistency_table(paper)
        rows.append({"paper": name, "items": len(table),
                     "printed digits no data can give": int((table["Printed digits"] != "attainable").sum()),
                     "touch no scored number": int((~table[COLUMNS[3]].str.contains("scorecard.html")).sum())})
    return pd.DataFrame(rows)
