"""One house style for every figure; each function takes tidy data and returns a matplotlib Figure.

Figures are drawn from the same statistics helpers the recorded numbers come from, so a curve and the
number next to it cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from cartrepro.analysis.time import DAYS_PER_MONTH
from cartrepro.stats.survival import kaplan_meier

PALETTE = ["#1f4e79", "#c0504d", "#4f8a3c", "#7f6084", "#d98c1f"]


def use_house_style() -> None:
    """Deterministic, print-friendly defaults (fixed font, fixed SVG hash salt, no timestamps)."""
    mpl.rcParams.update({
        "figure.figsize": (6.4, 4.2),
        "figure.dpi": 110,
        "savefig.dpi": 110,
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "legend.frameon": False,
        "svg.hashsalt": "cartrepro",
        "path.simplify": False,
    })


@dataclass(frozen=True)
class Curve:
    """One Kaplan-Meier curve: ``failure=True`` draws 1 - S (cumulative incidence as 1 - KM)."""

    label: str
    time: np.ndarray
    event: np.ndarray
    failure: bool = False
    conf_type: str = "plain"


def _steps(curve: Curve, scale: float):
    table = kaplan_meier(curve.time, curve.event, conf_type=curve.conf_type)
    t = np.concatenate([[0.0], table["time"].to_numpy(float)]) / scale
    s = np.concatenate([[1.0], table["survival"].to_numpy(float)])
    lo = np.concatenate([[1.0], table["ci_low"].to_numpy(float)])
    hi = np.concatenate([[1.0], table["ci_high"].to_numpy(float)])
    if curve.failure:
        s, lo, hi = 1 - s, 1 - hi, 1 - lo
    return t, s, lo, hi


def _value_at(t_steps: np.ndarray, values: np.ndarray, t: np.ndarray) -> np.ndarray:
    return values[np.searchsorted(t_steps, t, side="right") - 1]


def km_figure(curves: list[Curve], *, title: str, ylabel: str, time_scale: float = DAYS_PER_MONTH,
              xlabel: str = "Months", show_ci: bool = True, xmax: float | None = None) -> Figure:
    """Kaplan-Meier step curves with dashed 95% CI lines and tick marks at censoring times.

    A curve without patients is not drawn; with none left the plot says so (an empty analysis set).
    """
    use_house_style()
    fig, ax = plt.subplots()
    curves = [curve for curve in curves if len(curve.time)]
    if not curves:
        ax.text(0.5, 0.5, "no patients in this analysis set", ha="center", va="center", transform=ax.transAxes)
    for colour, curve in zip(PALETTE, curves, strict=False):
        t, s, lo, hi = _steps(curve, time_scale)
        end = max(float(np.max(curve.time)) / time_scale, t[-1])
        ax.step(np.append(t, end), np.append(s, s[-1]), where="post", color=colour, lw=1.8, label=curve.label)
        if show_ci:
            for band in (lo, hi):
                ax.step(np.append(t, end), np.append(band, band[-1]), where="post", color=colour, lw=0.9,
                        ls="--", alpha=0.8)
        censored = np.asarray(curve.time, float)[~np.asarray(curve.event, bool)] / time_scale
        ax.plot(censored, _value_at(t, s, censored), ls="none", marker="|", ms=9, mew=1.4, color=colour)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, xmax)
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    if len(curves) > 1 or (curves and curves[0].label):
        ax.legend(loc="best")
    fig.tight_layout()
    return fig
