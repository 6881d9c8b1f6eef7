"""Figures that compare groups: box plots with every patient as a jittered dot (P1 Fig 1f/1h), dot plots
with medians (P2 Fig 2b, 3b), grade strips (P2 Fig 3a), forest plots of rates with exact CIs (P2 Fig 2c, 3c)
and scatter plots of two measurements (P1 supp. Fig 3e, 4b). Tidy data in, a matplotlib Figure out, in the
house style of :mod:`cartrepro.figures.style`.

Dots are spread sideways so that tied values do not hide each other: evenly within a tie for grades, by a
seeded random jitter for continuous values, so the same data always gives the same picture.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cartrepro.figures.style import MIN_FONT, PALETTE, describe, in_sentence, new_figure

#: seed of the sideways jitter of dots (fixed: the same data always give the same picture)
JITTER_SEED = 20190101


def _spread(values: np.ndarray, width: float = 0.3) -> np.ndarray:
    """Horizontal offsets: points with the same value are spread evenly around 0 (no randomness)."""
    offsets = np.zeros(len(values))
    for value in np.unique(values):
        idx = np.flatnonzero(values == value)
        if len(idx) > 1:
            offsets[idx] = np.linspace(-width, width, len(idx))
    return offsets


def jitter(n: int, width: float = 0.18, seed: int = JITTER_SEED) -> np.ndarray:
    """Seeded sideways offsets in [-width, width] for ``n`` dots.

    Examples
    --------
    >>> bool(np.array_equal(jitter(5), jitter(5))), bool(np.all(np.abs(jitter(50)) <= 0.18))
    (True, True)
    """
    return np.random.default_rng(seed).uniform(-width, width, n)


def _long(groups: dict[str, np.ndarray], value: str = "value") -> pd.DataFrame:
    frames = [pd.DataFrame({"group": name, value: np.asarray(v, dtype=float)}) for name, v in groups.items()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["group", value])


def box_points(groups: dict[str, np.ndarray], *, title: str, ylabel: str, reference: float | None = None,
               reference_label: str = "", log: bool = False, caption: str = "") -> Figure:
    """Box plots (median as a thick black line, quartile box, whiskers to 1.5 IQR) with every value drawn
    as a dot, jittered sideways by a seeded generator; ``reference`` draws a dotted horizontal line (e.g. a
    cutoff). The x labels give each group's size."""
    fig, ax = new_figure(figsize=(5.2, 4.4))
    data = [np.asarray(v, dtype=float) for v in groups.values()]
    ax.boxplot(data, positions=range(len(data)), widths=0.5, showfliers=False, patch_artist=True,
               boxprops={"facecolor": "#f2f2f2", "edgecolor": "#444"}, whiskerprops={"color": "#444"},
               capprops={"color": "#444"}, medianprops={"color": "black", "linewidth": 2.4})
    for i, values in enumerate(data):
        ax.plot(i + jitter(len(values), seed=JITTER_SEED + i), values, "o", ms=5, color=PALETTE[i % len(PALETTE)],
                alpha=0.8, zorder=3)
    ax.set_xticks(range(len(data)), [f"{k}\n(n={len(v)})" for k, v in zip(groups, data, strict=True)])
    if reference is not None:
        ax.axhline(reference, color="0.4", ls=":", lw=1.2, label=reference_label or None)
        if reference_label:
            ax.legend(loc="best")
    if log:
        ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    sizes = ", ".join(f"{k} (n={len(v)})" for k, v in zip(groups, data, strict=True))
    default = (f"{title}: box plots of {in_sentence(ylabel)} for {sizes}, each value a dot; thick line at the "
               "median, box from the first to the third quartile" + (f"; dotted line at {reference:g}"
                                                                      if reference is not None else "") + ".")
    return describe(fig, caption or default, _long(groups, ylabel))


def dot_groups(groups: dict[str, np.ndarray], *, title: str, ylabel: str, annotation: str = "",
               log: bool = False) -> Figure:
    """One column of dots per group (seeded jitter) with a thick line at the median (as the paper's Fig 2b/3b)."""
    fig, ax = new_figure(figsize=(4.8, 4.2))
    for i, values in enumerate(groups.values()):
        values = np.asarray(values, dtype=float)
        shown = np.where(values > 0, values, np.nan) if log else values
        ax.plot(i + jitter(len(values), 0.2, JITTER_SEED + i), shown, "o", ms=5, color=PALETTE[i % len(PALETTE)],
                alpha=0.85, zorder=3)
        if len(values):
            ax.hlines(np.median(values), i - 0.32, i + 0.32, color="black", lw=2.4, zorder=4)
    ax.set_xticks(range(len(groups)), [f"{k}\n(n={len(v)})" for k, v in groups.items()])
    ax.set_xlim(-0.6, len(groups) - 0.4)
    if log and any(np.any(np.asarray(v, dtype=float) > 0) for v in groups.values()):
        ax.set_yscale("log")  # a log axis needs a positive value (an absent optional column has none)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    if annotation:
        ax.text(0.98, 0.98, annotation, transform=ax.transAxes, ha="right", va="top")
    sizes = ", ".join(f"{k} (n={len(v)})" for k, v in groups.items())
    return describe(fig, f"{title}: {in_sentence(ylabel)} of each patient as a dot, by group ({sizes}); thick line at "
                    "the median." + (f" {annotation}." if annotation else ""), _long(groups, ylabel))


def grade_strips(grades: dict[str, np.ndarray], *, title: str, max_grade: int = 5) -> Figure:
    """Each patient's grade as a dot, one column per toxicity, median as a thick line (Fig 3a, left)."""
    fig, ax = new_figure(figsize=(4.8, 4.2))
    for i, values in enumerate(grades.values()):
        values = np.asarray(values, dtype=float)
        ax.plot(i + _spread(values, 0.35), values, "o", ms=4, color=PALETTE[i % len(PALETTE)], alpha=0.85,
                zorder=3)
        if len(values):
            ax.hlines(np.median(values), i - 0.4, i + 0.4, color="black", lw=2.4, zorder=4)
    ax.set_xticks(range(len(grades)), list(grades))
    ax.set_xlim(-0.7, len(grades) - 0.3)
    ax.set_yticks(range(max_grade + 1))
    ax.set_ylim(-0.4, max_grade + 0.4)
    ax.set_ylabel("Grade")
    ax.set_title(title, loc="left")
    names = ", ".join(f"{k} (n={len(v)})" for k, v in grades.items())
    return describe(fig, f"{title}: each patient's grade as a dot, one column per toxicity ({names}); thick "
                    "line at the median grade.", _long(grades, "grade"))


def forest(rows: pd.DataFrame, *, title: str, xlabel: str) -> Figure:
    """Rates with 95% CIs by subgroup (diamonds and lines), the CI values printed on the right.

    ``rows``: columns ``section`` (e.g. "Previous HCT"), ``label``, ``k``, ``n``, ``estimate``, ``ci_low``,
    ``ci_high`` (fractions). Empty subgroups are listed with "no patients".
    """
    height = max(2.4, 1.0 + 0.34 * (len(rows) + rows["section"].nunique()))  # room for title and axis when empty
    fig, ax = new_figure(figsize=(6.8, height))
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
                        va="center", fontsize=MIN_FONT, transform=ax.get_yaxis_transform())
            else:
                ax.text(0.0, y, "no patients", va="center", fontsize=MIN_FONT, color="#666")
            y -= 1
    ax.set_yticks(ticks, labels)
    for tick, label in zip(ax.get_yticklabels(), labels, strict=True):
        if not label.startswith("   "):
            tick.set_fontweight("bold")
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    data = rows[["section", "label", "k", "n", "estimate", "ci_low", "ci_high"]].copy()
    return describe(fig, f"{title}: {in_sentence(xlabel)} with 95% confidence intervals by subgroup, each row "
                    "giving the subgroup's count (k/n) and the interval in per cent.", data,
                    narrow_size=(3.8, height * 1.2))


def scatter(x: np.ndarray, y: np.ndarray, *, title: str, xlabel: str, ylabel: str, caption: str = "") -> Figure:
    """Two measurements of the same patients as a scatter plot (one dot per patient or specimen)."""
    fig, ax = new_figure(figsize=(5.2, 4.2))
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ax.plot(x, y, "o", ms=5, color=PALETTE[0], alpha=0.85)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    data = pd.DataFrame({xlabel: x, ylabel: y})
    return describe(fig, caption or f"{title}: scatter plot of {in_sentence(ylabel)} against {in_sentence(xlabel)}, "
                    f"one dot for each of {len(x)} observations.", data)
