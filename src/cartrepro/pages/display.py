"""Small display helpers shared by the book's pages (so notebooks stay thin and alike).

Tables are plain HTML from :func:`cartrepro.methods_panels.html_table`: deterministic, unlike pandas'
Styler, whose default element ids are random.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown, display

from cartrepro.methods.survival import html_table


def show(frame: pd.DataFrame, **formats) -> None:
    """A table as plain HTML; ``formats`` maps a column to a format string or a callable."""
    display(HTML(html_table(frame, formats)))


def say(text: str) -> None:
    """A Markdown paragraph computed at run time."""
    display(Markdown(text))


def no_data(what: str, folder: str) -> str:
    """The sentence a comparison panel shows when this build's data lacks what it needs."""
    return (f"*This build has no {what} (no `{folder}` in the cohort), so this comparison panel is not shown: "
            f"the comparison panels need `{folder}`.*")


def show_assumptions(provenance: dict) -> None:
    """A generator's assumptions (id, text, the ledger ids each one affects)."""
    frame = pd.DataFrame(provenance["assumptions"]).rename(columns={"ledger_ids": "affects"})
    frame["affects"] = frame["affects"].map(", ".join)
    show(frame)


def show_constraint_report(provenance: dict) -> None:
    """A generator's constraint report: target, achieved value, met or not; with the count met."""
    report = pd.DataFrame(provenance["constraints"]).rename(columns={"ledger_ids": "ledger"})
    report["ledger"] = report["ledger"].map(", ".join)
    report["ok"] = report["ok"].map({True: "yes", False: "NO"})
    say(f"**{int((report['ok'] == 'yes').sum())} of {len(report)} constraints met.**")
    show(report)
