"""Kaplan-Meier figures with the numbers at risk under the curves, in the house style of
:mod:`cartrepro.figures.style`.

Curves are drawn from the same statistics helper as the recorded numbers
(:func:`cartrepro.stats.survival.kaplan_meier`), so a curve and the number next to it cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cartrepro.analysis.time import DAYS_PER_MONTH
from cartrepro.figures.style import MIN_FONT, PALETTE, describe, in_sentence, new_figure, use_house_style
from cartrepro.stats.survival import kaplan_meier

__all__ = ["PALETTE", "Curve", "km_figure", "km_table", "numbers_at_risk", "use_house_style"]


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


def numbers_at_risk(time: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Patients still at risk (time >= t) at each time of ``at`` (same unit as ``time``).

    Examples
    --------
    >>> numbers_at_risk(np.array([1.0, 2.0, 2.0, 5.0]), np.array([0.0, 2.0, 3.0, 6.0])).tolist()
    [4, 3, 1, 0]
    """
    time = np.sort(np.asarray(time, dtype=float))
    return len(time) - np.searchsorted(time, np.asarray(at, dtype=float), side="left")


def km_table(curves: list[Curve], time_scale: float = DAYS_PER_MONTH) -> pd.DataFrame:
    """The data behind a Kaplan-Meier figure: one row per curve and step (time in the figure's unit)."""
    frames = []
    for curve in curves:
        t, s, lo, hi = _steps(curve, time_scale)
        table = kaplan_meier(curve.time, curve.event, conf_type=curve.conf_type)
        at_risk = np.concatenate([[len(curve.time)], table["n_risk"].to_numpy(int)])
        frames.append(pd.DataFrame({"curve": curve.label, "time": t, "estimate": s, "ci_low": lo, "ci_high": hi,
                                    "at_risk": at_risk}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["curve", "time", "estimate", "ci_low", "ci_high", "at_risk"])


def _nice_ticks(xmax: float) -> np.ndarray:
    locator = mpl.ticker.MaxNLocator(nbins=6, steps=[1, 2, 3, 6, 10], integer=xmax >= 6)
    ticks = locator.tick_values(0.0, xmax)
    return ticks[(ticks >= 0) & (ticks <= xmax + 1e-9)]


def km_figure(curves: list[Curve], *, title: str, ylabel: str, time_scale: float = DAYS_PER_MONTH,
              xlabel: str = "Months", show_ci: bool = True, xmax: float | None = None,
              caption: str = "") -> Figure:
    """Kaplan-Meier step curves with dashed 95% CI lines, tick marks at censoring times and the numbers at
    risk under the time axis (one row per curve, at the axis ticks).

    ``caption`` becomes the figure's alt text; by default it is made from the title and the curves. A curve
    without patients is not drawn; with none left the plot says so (an empty analysis set).
    """
    curves = [curve for curve in curves if len(curve.time)]
    fig, (ax, risk) = new_figure(nrows=2, sharex=False,
                                 gridspec_kw={"height_ratios": [5.2, 0.55 + 0.42 * max(len(curves), 1)]},
                                 figsize=(6.4, 4.4 + 0.25 * len(curves)))
    longest = 0.0
    if not curves:
        ax.text(0.5, 0.5, "no patients in this analysis set", ha="center", va="center", transform=ax.transAxes)
    for colour, curve in zip(PALETTE, curves, strict=False):
        t, s, lo, hi = _steps(curve, time_scale)
        end = max(float(np.max(curve.time)) / time_scale if len(curve.time) else 0.0, t[-1])
        longest = max(longest, end)
        ax.step(np.append(t, end), np.append(s, s[-1]), where="post", color=colour, lw=1.8, label=curve.label)
        if show_ci:
            for band in (lo, hi):
                ax.step(np.append(t, end), np.append(band, band[-1]), where="post", color=colour, lw=0.9,
                        ls="--", alpha=0.8)
        censored = np.asarray(curve.time, float)[~np.asarray(curve.event, bool)] / time_scale
        ax.plot(censored, _value_at(t, s, censored), ls="none", marker="|", ms=9, mew=1.4, color=colour)
    limit = xmax if xmax is not None else (longest * 1.02 or 1.0)
    ticks = _nice_ticks(limit)
    ax.set_xticks(ticks)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, limit)
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    if len(curves) > 1 or (curves and curves[0].label):
        ax.legend(loc="best")

    risk._cartrepro_no_mark = True  # the mark goes over the curves, not over the table of numbers
    risk.set_xlim(ax.get_xlim())
    risk.set_ylim(-0.5, max(len(curves), 1) - 0.5)  # no curve (nobody in the analysis set): one empty row
    for row, (colour, curve) in enumerate(zip(PALETTE, curves, strict=False)):
        y = len(curves) - 1 - row
        counts = numbers_at_risk(np.asarray(curve.time, float) / time_scale, ticks)
        for x, n in zip(ticks, counts, strict=True):
            risk.text(x, y, str(int(n)), ha="center", va="center", fontsize=MIN_FONT, color=colour)
    risk.set_yticks(range(len(curves)), [_short(c.label, i) for i, c in enumerate(curves)][::-1])
    for tick, colour in zip(risk.get_yticklabels()[::-1], PALETTE, strict=False):
        tick.set_color(colour)
    risk.set_xticks([])
    widest = max((len(str(len(c.time))) for c in curves), default=1)
    risk.tick_params(axis="y", length=0, pad=4 + 0.35 * MIN_FONT * widest)
    for side in ("left", "bottom", "top", "right"):
        risk.spines[side].set_visible(False)
    risk.set_title("Number at risk", loc="left", fontsize=MIN_FONT, fontweight="normal")

    names = "; ".join(c.label for c in curves if c.label)
    kind = "cumulative incidence (1 − Kaplan-Meier)" if curves and curves[0].failure else "Kaplan-Meier curve"
    default = (f"{title}: {kind} of {in_sentence(ylabel)} against {in_sentence(xlabel)}"
               + (f" for {names}" if names else "")
               + (", dashed lines the 95% confidence limits" if show_ci else "")
               + "; numbers at risk below the axis.")
    return describe(fig, caption or default, km_table(curves, time_scale))


def _short(label: str, index: int, limit: int = 18) -> str:
    """A curve label short enough for the numbers-at-risk rows (the legend carries the full label)."""
    head = label.split(" (n=")[0].strip() or f"curve {index + 1}"
    return head if len(head) <= limit else head[: limit - 1] + "…"
