"""The at-a-glance figure of the landing page: one row per paper figure or table, its published numbers
coloured by what the shipped reconstruction can show about them (evidence), with the match count written
at the end of each row. Drawn from the scorecard (``scorecard.csv``), in the house style.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from cartrepro.figures.style import MIN_FONT, describe, new_figure

#: evidence class -> colour, weakest evidence first; "" = no claim (other data, illustrative panels)
EVIDENCE_COLOURS = {"input": "#c9c9c9", "assumed": "#d98c1f", "constrained": "#6f9bc7",
                    "unconstrained": "#1f4e79", "": "#eeeeee"}
EVIDENCE_WORDS = {"input": "input (written into a row)", "assumed": "needs an unstated assumption",
                  "constrained": "constrained by the generator", "unconstrained": "never targeted",
                  "": "no evidence claim"}
_PART = re.compile(r"^(p[12])_(fig|t|s|table)(\d+)([a-z]?)")


def figure_of(ledger_id: str) -> str:
    """The paper figure or table a ledger id belongs to, from its id; other numbers are 'text'.

    Examples
    --------
    >>> figure_of("p2_fig4a_lfs_1y"), figure_of("p1_t1_age_median_ball"), figure_of("p1_s3e_corr_r")
    ('P2 Fig 4', 'P1 Table 1', 'P1 Supp. Fig 3')
    >>> figure_of("p2_resp_cr_enrolled")
    'P2 text'
    """
    found = _PART.match(ledger_id)
    paper = ledger_id[:2].upper()
    if found is None:
        return f"{paper} text"
    kind = {"fig": "Fig", "t": "Table", "table": "Table", "s": "Supp. Fig"}[found.group(2)]
    return f"{paper} {kind} {found.group(3)}"


def glance_table(card: pd.DataFrame, groups: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per figure or table: entries compared, how many match (or are unattainable as printed), and the
    count of each evidence class. Only entries with a published value are counted. ``groups`` maps an id
    to its row (e.g. the page that shows it); ids it lacks fall back to :func:`figure_of`."""
    rows = card[card["match"] != "no published value"].copy()
    rows["figure"] = [(groups or {}).get(i) or figure_of(i) for i in rows["id"]]
    rows["evidence"] = rows["evidence"].fillna("")
    counts = rows.pivot_table(index="figure", columns="evidence", values="id", aggfunc="count", fill_value=0)
    counts = counts.reindex(columns=list(EVIDENCE_COLOURS), fill_value=0)
    counts["numbers"] = rows.groupby("figure").size()
    counts["matches"] = rows[rows["match"] == "matches"].groupby("figure").size().reindex(counts.index).fillna(0)
    counts["unattainable"] = (rows[rows["match"] == "unattainable as printed"].groupby("figure").size()
                              .reindex(counts.index).fillna(0))
    order = sorted(counts.index, key=lambda f: (f[:2] != "P2", f.endswith(("text", "other")), f))
    return counts.loc[order].astype(int).rename_axis("figure").reset_index()


def at_a_glance(card: pd.DataFrame, groups: Mapping[str, str] | None = None) -> Figure:
    """Horizontal 100% bars: one row per paper figure or table, segments by evidence class (share of the
    row's published numbers); each row's label counts the numbers that match the printed digits (and those
    unattainable as printed). ``groups`` as in :func:`glance_table`."""
    table = glance_table(card, groups)
    fig, ax = new_figure(figsize=(6.4, 1.5 + 0.5 * len(table)))
    y = np.arange(len(table))[::-1]
    left = np.zeros(len(table))
    sizes = table["numbers"].to_numpy(float)
    for evidence, colour in EVIDENCE_COLOURS.items():
        share = table[evidence].to_numpy(float) / np.where(sizes > 0, sizes, 1)
        if share.any():
            ax.barh(y, share, left=left, color=colour, edgecolor="white", height=0.72,
                    label=EVIDENCE_WORDS[evidence])
        left = left + share
    labels = []
    for row in table.itertuples(index=False):
        extra = f", {row.unattainable} unattainable" if row.unattainable else ""
        labels.append(f"{row.figure}\n{row.matches}/{row.numbers} match{extra}")
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_xlabel("Share of numbers")
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_title("The published numbers at a glance", loc="left")
    fig.legend(handles=[Patch(color=c, label=EVIDENCE_WORDS[e]) for e, c in EVIDENCE_COLOURS.items()
                        if table[e].any()], loc="outside lower left", ncol=1, fontsize=MIN_FONT)
    total, matched = int(table["numbers"].sum()), int(table["matches"].sum())
    return describe(fig, f"The published numbers at a glance: one bar per paper figure or table "
                    f"({len(table)} rows, {total} published numbers, {matched} matching the printed digits), "
                    "coloured by what the shipped synthetic reconstruction can show about each number.", table,
                    name="at-a-glance", narrow_size=(3.8, 2.4 + 0.55 * len(table)))
