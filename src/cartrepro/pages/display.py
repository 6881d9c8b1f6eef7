"""Small display helpers shared by the book's pages (so notebooks stay thin and alike).

Tables are plain HTML from :func:`html_table`, the book's one table builder: deterministic, unlike pandas'
Styler, whose default element ids are random. :func:`show_all` shows what a page-assembly function
returns (tables, sentences, lists of both), so that a notebook cell is one call.

Formatting for people (one rule for every page):

- :func:`number`: one precision per column, rounded half up as the papers print, ``None``/NaN shown as "—";
- :func:`count_pct`: a count with its percentage as the papers print it, ``"20/31 (65%)"``;
- :func:`estimate_ci`: ``"71.6% (95% CI 44.2–99.0)"``; :func:`median_range`: ``"15 (9–28)"``;
- :func:`with_unit_value`: ``"day 10"``, ``"2.0 months"``, ``"3.2 cm"``;
- :func:`table_html` / :func:`show_table`: a frame as a table with words for code names
  (:mod:`cartrepro.pages.labels`), units in the headers, key columns first, no ``None``/``nan``, inside
  its own horizontal scroller (``div.cr-table-scroll``), so a wide table never widens a phone's page.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

from cartrepro.pages.labels import label, with_unit
from cartrepro.stats.rounding import spss_round

__all__ = ["count_pct", "estimate_ci", "html_table", "median_range", "no_data", "number", "percent", "say", "show",
           "show_all", "show_assumptions", "show_constraint_report", "show_table", "table_html", "with_unit_value"]


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


# ----- formatting for people ------------------------------------------------------------------------

MISSING = "—"
Format = str | Callable[[object], str]


def is_missing(value: object) -> bool:
    """None, NaN, NaT and pandas' NA are missing; anything else (0, "", False) is a value."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def number(value: object, decimals: int = 1) -> str:
    """A number at a fixed precision, rounded half up as the papers print (integers stay whole); missing -> "—".

    Examples
    --------
    >>> number(9.523, 1), number(5, 1), number(None), number(float("nan")), number(2.0, 2), number(2.675, 2)
    ('9.5', '5', '—', '—', '2.00', '2.68')
    """
    if is_missing(value):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return f"{spss_round(float(value), decimals):.{decimals}f}"
    return str(value)


def percent(k: int, n: int, decimals: int = 0) -> str:
    """``k/n`` as a percentage at ``decimals`` (rounded half up, as the papers print), "—" when n is 0.

    Examples
    --------
    >>> percent(20, 31), percent(1, 8, 1), percent(0, 0)
    ('65%', '12.5%', '—')
    """
    if not n:
        return MISSING
    from decimal import ROUND_HALF_UP, Decimal

    value = Decimal(100 * k) / Decimal(n)
    quantum = Decimal(1).scaleb(-decimals)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP)}%"


def count_pct(k: int, n: int | None = None, decimals: int = 0) -> str:
    """A count with its percentage as the papers print it: ``"20/31 (65%)"``; without ``n``, just ``k``.

    Examples
    --------
    >>> count_pct(20, 31), count_pct(24, 34, 1), count_pct(3), count_pct(0, 0)
    ('20/31 (65%)', '24/34 (70.6%)', '3', '0/0')
    """
    if n is None:
        return str(int(k))
    if not n:
        return f"{int(k)}/0"
    return f"{int(k)}/{int(n)} ({percent(k, n, decimals)})"


def estimate_ci(estimate: object, low: object, high: object, decimals: int = 1, *, as_percent: bool = False,
                level: int = 95) -> str:
    """``"71.6% (95% CI 44.2–99.0)"``; fractions are turned into per cent when ``as_percent``.

    Examples
    --------
    >>> estimate_ci(0.716, 0.442, 0.990, as_percent=True), estimate_ci(1.9, 1.1, None, 2)
    ('71.6% (95% CI 44.2–99.0)', '1.90 (95% CI 1.10–—)')
    """
    scale = 100.0 if as_percent else 1.0
    sign = "%" if as_percent else ""

    def one(v: object) -> str:
        return MISSING if is_missing(v) else number(scale * float(v), decimals)

    return f"{one(estimate)}{sign if not is_missing(estimate) else ''} ({level}% CI {one(low)}–{one(high)})"


def median_range(median: object, low: object, high: object, decimals: int = 0, unit: str = "") -> str:
    """``"15 (9–28) days"``: a median with its range (or interquartile range).

    Examples
    --------
    >>> median_range(15, 9, 28, unit="days"), median_range(2.25, 0.5, 7.0, 1)
    ('15 (9–28) days', '2.3 (0.5–7.0)')
    """
    text = f"{number(_float(median), decimals)} ({number(_float(low), decimals)}–{number(_float(high), decimals)})"
    return f"{text} {unit}" if unit else text


def _float(value: object) -> object:
    return value if is_missing(value) or isinstance(value, str) else float(value)


def with_unit_value(value: object, unit: str, decimals: int = 0) -> str:
    """A value with its unit as a reader writes it: days as ``"day 10"``, others as ``"2.0 months"``.

    Examples
    --------
    >>> with_unit_value(10, "day"), with_unit_value(2, "months", 1), with_unit_value(None, "cm")
    ('day 10', '2.0 months', '—')
    """
    if is_missing(value):
        return MISSING
    shown = number(_float(value) if decimals else value, decimals)
    return f"day {shown}" if unit == "day" else f"{shown} {unit}"


def cell(value: object, decimals: int = 1) -> str:
    """One table cell for people: words for codes, yes/no for booleans, fixed precision, "—" if missing."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        return label(value)
    if isinstance(value, list | tuple):
        return ", ".join(cell(v, decimals) for v in value) or MISSING
    return number(value, decimals)


def _column_decimals(series: pd.Series, decimals: int) -> int:
    """Whole-number columns show no decimals; other number columns ``decimals`` (one precision per column)."""
    values = [v for v in series if isinstance(v, float | np.floating) and not math.isnan(v)]
    return 0 if values and all(float(v).is_integer() for v in values) else decimals


def table_html(frame: pd.DataFrame, *, formats: Mapping[str, Format] | None = None,
               key: Sequence[str] = (), decimals: int = 1, labels: bool = True, caption: str = "",
               escape: bool = True) -> str:
    """A frame as an HTML table for people, inside its own horizontal scroller.

    ``key`` columns come first (what a phone shows before scrolling); ``formats`` maps a column to a
    format string ("{:.3f}") or a callable; other cells go through :func:`cell` (codes to words, one
    precision per column, "—" for missing). With ``labels``, headers are words with units
    (:func:`cartrepro.pages.labels.with_unit`). ``escape=False`` lets cells carry HTML (links).
    """
    formats = dict(formats or {})
    order = [c for c in key if c in frame.columns] + [c for c in frame.columns if c not in key]
    frame = frame[order]
    head = "".join(f'<th scope="col">{html.escape(with_unit(str(c)) if labels else str(c))}</th>' for c in order)
    rows = []
    for column_values in zip(*(frame[c].tolist() for c in order), strict=True) if len(frame) else []:
        cells = []
        for column, value in zip(order, column_values, strict=True):
            spec = formats.get(column)
            if is_missing(value):
                text = MISSING
            elif spec is not None:
                text = spec(value) if callable(spec) else spec.format(value)
            elif isinstance(value, float | np.floating):
                text = number(value, _column_decimals(frame[column], decimals))
            else:
                text = cell(value, decimals) if labels else number(value, decimals)
            cells.append(f"<td>{html.escape(text) if escape else text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    aria = f' aria-label="{html.escape(caption, quote=True)}"' if caption else ""
    return (f'<div class="cr-table-scroll" role="region" tabindex="0"{aria}><table class="cr-table">{title}'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def show_table(frame: pd.DataFrame, **options) -> None:
    """Display :func:`table_html` of ``frame`` (same options)."""
    display(HTML(table_html(frame, **options)))
