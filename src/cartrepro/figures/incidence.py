"""Cumulative incidence with competing events (P1 Fig 1a) and counts of events by time window (P1 Fig 1b),
in the house style of :mod:`cartrepro.figures.style`.

Each function takes tidy data and returns a matplotlib Figure; curves come from the same statistics
helpers as the recorded numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cartrepro.analysis.time import DAYS_PER_MONTH
from cartrepro.figures.style import MIN_FONT, PALETTE, describe, in_sentence, new_figure
from cartrepro.stats.survival import cumulative_incidence


@dataclass(frozen=True)
class IncidenceCurve:
    """One cumulative-incidence curve: ``cause`` 0 = censored, ``event_of_interest`` the plotted cause."""

    label: str
    time: np.ndarray
    cause: np.ndarray
    event_of_interest: int = 1


def cumulative_incidence_figure(curves: list[IncidenceCurve], *, title: str, ylabel: str,
                                time_scale: float = DAYS_PER_MONTH, xlabel: str = "Months after infusion",
                                show_ci: bool = False) -> Figure:
    """Aalen-Johansen cumulative incidence step curves (competing events accounted for)."""
    fig, ax = new_figure()
    frames = []
    for colour, curve in zip(PALETTE, curves, strict=False):
        cif = cumulative_incidence(curve.time, curve.cause, event_of_interest=curve.event_of_interest)
        t = np.concatenate([[0.0], cif["time"].to_numpy(float)]) / time_scale
        y = np.concatenate([[0.0], cif["cif"].to_numpy(float)])
        frames.append(pd.DataFrame({"curve": curve.label, "time": t, "cumulative_incidence": y}))
        end = float(np.max(curve.time)) / time_scale
        ax.step(np.append(t, end), np.append(y, y[-1]), where="post", color=colour, lw=1.8, label=curve.label)
        if show_ci:
            for band in ("ci_low", "ci_high"):
                b = np.concatenate([[0.0], cif[band].to_numpy(float)])
                ax.step(np.append(t, end), np.append(b, b[-1]), where="post", color=colour, lw=0.9, ls="--")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, None)
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    ax.legend(loc="best")
    names = "; ".join(c.label for c in curves)
    data = pd.concat(frames, ignore_index=True) if frames else None
    return describe(fig, f"{title}: cumulative incidence (Aalen-Johansen, competing events accounted for) of "
                    f"{in_sentence(ylabel)} against {in_sentence(xlabel)} for {names}.", data)


def window_bars_figure(counts: pd.DataFrame, *, title: str, ylabel: str = "Relapses (% of the disease's relapses)",
                       xlabel: str = "Months after infusion") -> Figure:
    """Grouped bars: rows of ``counts`` are windows, columns are groups; bars show the share of the group's
    total, each labelled 'k (pct%)' upright above its bar (so neighbouring labels cannot overlap)."""
    fig, ax = new_figure(figsize=(6.4, 4.6))
    n_groups = counts.shape[1]
    width = 0.8 / n_groups
    x = np.arange(len(counts.index))
    for g, (colour, column) in enumerate(zip(PALETTE, counts.columns, strict=False)):
        k = counts[column].to_numpy(dtype=float)
        share = k / k.sum() if k.sum() else k
        offset = (g - (n_groups - 1) / 2) * width
        bars = ax.bar(x + offset, share, width, color=colour, label=f"{column} (n={int(k.sum())})")
        for bar, kk, s in zip(bars, k, share, strict=True):
            ax.annotate(f"{int(kk)} ({100 * s:.1f}%)", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=MIN_FONT,
                        rotation=90)
    ax.set_xticks(x, [str(i) for i in counts.index])
    top = max((float(k.max() / k.sum()) for k in (counts[c].to_numpy(float) for c in counts) if k.sum()),
              default=0.0)
    ax.set_ylim(0, max(1.0, top + 0.45))
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    ax.legend(loc="upper right")
    data = counts.rename_axis("window").reset_index().melt(id_vars="window", var_name="group", value_name="count")
    data["share_of_group"] = data["count"] / data.groupby("group")["count"].transform("sum").where(lambda v: v > 0)
    groups = ", ".join(f"{c} (n={int(counts[c].sum())})" for c in counts.columns)
    return describe(fig, f"{title}: {in_sentence(ylabel)} by {in_sentence(xlabel)} window, one bar per group "
                    f"({groups}), each labelled with its count and share.", data)
