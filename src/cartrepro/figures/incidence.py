"""Figures of the P1 (CAR19/22) clinical chapters, in the house style of :mod:`cartrepro.figures.survival`.

Each function takes tidy data and returns a matplotlib Figure; curves come from the same statistics
helpers as the recorded numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cartrepro.analysis.time import DAYS_PER_MONTH
from cartrepro.figures.survival import PALETTE, use_house_style
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
    use_house_style()
    fig, ax = plt.subplots()
    for colour, curve in zip(PALETTE, curves, strict=False):
        cif = cumulative_incidence(curve.time, curve.cause, event_of_interest=curve.event_of_interest)
        t = np.concatenate([[0.0], cif["time"].to_numpy(float)]) / time_scale
        y = np.concatenate([[0.0], cif["cif"].to_numpy(float)])
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
    fig.tight_layout()
    return fig


def window_bars_figure(counts: pd.DataFrame, *, title: str, ylabel: str = "Relapses (% of the disease's relapses)",
                       xlabel: str = "Months after infusion") -> Figure:
    """Grouped bars: rows of ``counts`` are windows, columns are groups; bars show the share of the group's
    total, labelled 'k (pct%)'."""
    use_house_style()
    fig, ax = plt.subplots()
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
                        xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, [str(i) for i in counts.index])
    ax.set_ylim(0, 1.0)
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig
