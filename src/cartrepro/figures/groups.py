"""Figures of the P2 chapter: grade strip plots (Fig 3a), dot plots with medians (Fig 2b, 3b), forest plots
of rates with exact CIs (Fig 2c, 3c). Tidy data in, a matplotlib Figure out, in the house style.

Dot positions are spread deterministically (evenly within each tied value, never randomly), so the same
data always gives the same picture.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cartrepro.figures.survival import PALETTE, use_house_style


def _spread(values: np.ndarray, width: float = 0.3) -> np.ndarray:
    """Horizontal offsets: points with the same value are spread evenly around 0 (no randomness)."""
    offsets = np.zeros(len(values))
    for value in np.unique(values):
        idx = np.flatnonzero(values == value)
        if len(idx) > 1:
            offsets[idx] = np.linspace(-width, width, len(idx))
    return offsets


def dot_groups(groups: dict[str, np.ndarray], *, title: str, ylabel: str, annotation: str = "",
               log: bool = False) -> Figure:
    """One column of dots per group with a horizontal line at the median (as the paper's Fig 2b/3b)."""
    use_house_style()
    fig, ax = plt.subplots(figsize=(4.8, 4.2))
    for i, values in enumerate(groups.values()):
        values = np.asarray(values, dtype=float)
        shown = np.where(values > 0, values, np.nan) if log else values
        ax.plot(i + _spread(np.round(values, 1), 0.25), shown, "o", ms=5, color=PALETTE[i % len(PALETTE)],
                alpha=0.85)
        if len(values):
            ax.hlines(np.median(values), i - 0.3, i + 0.3, color="black", lw=1.5)
    ax.set_xticks(range(len(groups)), [f"{k}\n(n={len(v)})" for k, v in groups.items()])
    ax.set_xlim(-0.6, len(groups) - 0.4)
    if log and any(np.any(np.asarray(v, dtype=float) > 0) for v in groups.values()):
        ax.set_yscale("log")  # a log axis needs a positive value (an absent optional column has none)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    if annotation:
        ax.text(0.98, 0.98, annotation, transform=ax.transAxes, ha="right", va="top")
    fig.tight_layout()
    return fig


def grade_strips(grades: dict[str, np.ndarray], *, title: str, max_grade: int = 5) -> Figure:
    """Each patient's grade as a dot, one column per toxicity, median as a line (Fig 3a, left)."""
    use_house_style()
    fig, ax = plt.subplots(figsize=(4.8, 4.2))
    for i, values in enumerate(grades.values()):
        values = np.asarray(values, dtype=float)
        ax.plot(i + _spread(values, 0.35), values, "o", ms=4, color=PALETTE[i % len(PALETTE)], alpha=0.85)
        ax.hlines(np.median(values), i - 0.4, i + 0.4, color="black", lw=1.5)
    ax.set_xticks(range(len(grades)), list(grades))
    ax.set_xlim(-0.7, len(grades) - 0.3)
    ax.set_yticks(range(max_grade + 1))
    ax.set_ylim(-0.4, max_grade + 0.4)
    ax.set_ylabel("Grade")
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig


def forest(rows: pd.DataFrame, *, title: str, xlabel: str) -> Figure:
    """Rates with 95% CIs by subgroup (diamonds and lines), the CI values printed on the right.

    ``rows``: columns ``section`` (e.g. "Previous HCT"), ``label``, ``k``, ``n``, ``estimate``, ``ci_low``,
    ``ci_high`` (fractions). Empty subgroups are listed with "no patients".
    """
    use_house_style()
    height = 0.9 + 0.32 * (len(rows) + rows["section"].nunique())
    fig, ax = plt.subplots(figsize=(6.8, height))
    y, ticks, labels = 0.0, [], []
    for section, block in rows.groupby("section", sort=False):
        labels.append(section)
        ticks.append(y)
        y -= 1
        for row in block.itertuples(index=False):
            ticks.append(y)
            labels.append(f"   {row.label} ({row.k}/{row.n})")
            if row.n:
                ax.plot([row.ci_low, row.ci_high], [y, y], color=PALETTE[0], lw=1.4)
                ax.plot(row.estimate, y, "D", color=PALETTE[0], ms=6)
                ax.text(1.04, y, f"{100 * row.estimate:.0f}% ({100 * row.ci_low:.0f}–{100 * row.ci_high:.0f})",
                        va="center", fontsize=8, transform=ax.get_yaxis_transform())
            else:
                ax.text(0.0, y, "no patients", va="center", fontsize=8, color="#666")
            y -= 1
    ax.set_yticks(ticks, labels)
    for tick, label in zip(ax.get_yticklabels(), labels, strict=True):
        if not label.startswith("   "):
            tick.set_fontweight("bold")
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    fig.tight_layout()
    return fig
