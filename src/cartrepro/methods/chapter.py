"""What the three pages of the methods chapter share: the sentences shown without data, and ledger look-ups.

Each page is a class (:class:`~cartrepro.methods.survival_page.SurvivalChapter`,
:class:`~cartrepro.methods.descriptive_page.DescriptiveChapter`,
:class:`~cartrepro.methods.diagnostics_page.DiagnosticsChapter`) whose methods return what one notebook
cell shows: tables (DataFrames, number formats in ``attrs["formats"]``) and sentences (Markdown), or the
sentence :func:`no_panel` when this build lacks the data. The notebook shows them with
:func:`cartrepro.pages.display.show_all` and never branches on the data.
"""

from __future__ import annotations

import pandas as pd

from cartrepro.ledger.entries import entry, load_ledger
from cartrepro.methods.cards import card_key
from cartrepro.paths import is_shipped_cohort

__all__ = ["decimals_of", "no_panel", "no_panels", "other_data_note", "published_by", "summarise_entries"]


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
    number = entry(ledger_id).published_numbers()[0]
    return len(number.split(".")[1]) if "." in number else 0


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
