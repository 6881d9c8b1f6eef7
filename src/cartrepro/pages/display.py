"""Small display helpers shared by the book's pages (so notebooks stay thin and alike).

Tables are plain HTML from :func:`html_table`, the book's one table builder: deterministic, unlike pandas'
Styler, whose default element ids are random. :func:`show_all` shows what a page-assembly function
returns (tables, sentences, lists of both), so that a notebook cell is one call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

__all__ = ["html_table", "no_data", "say", "show", "show_all", "show_assumptions", "show_constraint_report"]


def html_table(frame: pd.DataFrame, formats: Mapping[str, str | Callable] | None = None,
               default_format: str = "{:.2f}", *, escape: bool = True, scroll: bool = False) -> str:
    """``frame.to_html(index=False)`` with per-column number formats; NaN shown as "—". Deterministic.

    ``formats`` maps a column to a format string ("{:.3f}") or a callable; other float columns use
    ``default_format``. ``escape=False`` keeps HTML inside cells (the cells must be escaped already);
    ``scroll=True`` styles the table as the book's comparison tables (class ``cartrepro-compare``) inside a
    box that scrolls sideways on a narrow page.

    Examples
    --------
    >>> print(html_table(pd.DataFrame({"p": [0.01234, float("nan")]}), {"p": "{:.3f}"}))
    <table class="dataframe">
      <thead>
        <tr style="text-align: right;">
          <th>p</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td>0.012</td>
        </tr>
        <tr>
          <td>—</td>
        </tr>
      </tbody>
    </table>
    """
    formatters = {}
    for column in frame.columns:
        spec = (formats or {}).get(column)
        if spec is None and not pd.api.types.is_float_dtype(frame[column]):
            continue
        spec = spec or default_format
        function = spec if callable(spec) else spec.format
        formatters[column] = _nan_safe(function)
    table = frame.to_html(index=False, formatters=formatters, na_rep="—", border=0, escape=escape,
                          classes="cartrepro-compare" if scroll else None)
    return f'<div style="overflow-x: auto">{table}</div>' if scroll else table


def _nan_safe(function: Callable) -> Callable:
    def formatted(value):
        if isinstance(value, float) and np.isnan(value):
            return "—"
        return function(value)

    return formatted


def show(frame: pd.DataFrame, *, escape: bool = True, scroll: bool = False, **formats) -> None:
    """A table as plain HTML; ``formats`` maps a column to a format string or a callable."""
    display(HTML(html_table(frame, formats, escape=escape, scroll=scroll)))


def say(text: str) -> None:
    """A Markdown paragraph computed at run time."""
    display(Markdown(text))


def show_all(*items) -> None:
    """Show each item in turn: a DataFrame as a table (its ``attrs["formats"]`` and ``attrs["scroll"]``
    apply), a str as Markdown, a raw ``IPython.display.HTML``, a list or tuple item by item; None is skipped."""
    for item in items:
        if item is None:
            continue
        if isinstance(item, (list, tuple)):
            show_all(*item)
        elif isinstance(item, pd.DataFrame):
            show(item, escape=item.attrs.get("escape", True), scroll=item.attrs.get("scroll", False),
                 **item.attrs.get("formats", {}))
        elif isinstance(item, str):
            say(item)
        else:
            display(item)


def no_data(what: str, folder: str) -> str:
    """The sentence a comparison panel shows when this build's data lacks what it needs."""
    from cartrepro.methods.chapter import no_panel

    return no_panel(what, folder)


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
