"""Diagnostic-accuracy figures (P1 Fig 1d ROC curves, Fig 1e sensitivity and specificity at a cutoff), in
the house style of :mod:`cartrepro.figures.style`.

The curves are handed in already computed (:func:`cartrepro.stats.diagnostics.roc_curve`), so the figure
draws exactly the points the recorded AUCs come from.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cartrepro.figures.style import MIN_FONT, PALETTE, describe, new_figure


def roc_figure(curves: dict[str, pd.DataFrame], *, title: str, caption: str = "") -> Figure:
    """ROC step curves, one per marker: ``curves`` maps a legend label (e.g. "MIP3α  AUC 0.8123") to a
    frame with ``sensitivity`` and ``specificity`` columns; the chance diagonal is dotted."""
    fig, ax = new_figure(figsize=(5.0, 4.6))
    frames = []
    for colour, (label, curve) in zip(PALETTE, curves.items(), strict=False):
        ordered = curve.sort_values(["sensitivity", "specificity"], ascending=[True, False])
        fpr, tpr = 1 - ordered["specificity"].to_numpy(float), ordered["sensitivity"].to_numpy(float)
        ax.plot(fpr, tpr, drawstyle="steps-post", color=colour, lw=1.8, label=label)
        frames.append(pd.DataFrame({"curve": label, "false_positive_rate": fpr, "sensitivity": tpr}))
    ax.plot([0, 1], [0, 1], color="0.6", lw=0.9, ls=":")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_aspect("equal")
    ax.set_xlabel("1 − specificity")
    ax.set_ylabel("Sensitivity")
    ax.set_title(title, loc="left")
    ax.legend(loc="lower right")
    data = pd.concat(frames, ignore_index=True) if frames else None
    names = "; ".join(curves)
    return describe(fig, caption or f"{title}: ROC curves (sensitivity against 1 − specificity) for {names}; "
                    "dotted diagonal = chance.", data)


def measure_bars(table: pd.DataFrame, *, title: str, ylabel: str = "Per cent", caption: str = "") -> Figure:
    """Side-by-side bars of measures (e.g. sensitivity, specificity) per marker, each bar labelled with its
    value; ``table`` has columns ``marker``, ``measure``, ``percent`` and optional ``label`` (x label text)."""
    fig, ax = new_figure(figsize=(5.0, 4.2))
    markers = list(dict.fromkeys(table["marker"]))
    measures = list(dict.fromkeys(table["measure"]))
    width = 0.8 / max(len(measures), 1)
    for k, (measure, colour) in enumerate(zip(measures, PALETTE, strict=False)):
        sub = table[table["measure"] == measure].set_index("marker").reindex(markers)
        x = np.arange(len(markers)) + (k - (len(measures) - 1) / 2) * width
        bars = ax.bar(x, sub["percent"].fillna(0.0), width, color=colour, label=measure)
        for bar, value in zip(bars, sub["percent"], strict=True):
            if pd.notna(value):
                ax.annotate(f"{value:.1f}", (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 2),
                            textcoords="offset points", ha="center", va="bottom", fontsize=MIN_FONT)
    labels = (table.drop_duplicates("marker").set_index("marker")["label"].reindex(markers).tolist()
              if "label" in table else markers)
    ax.set_xticks(range(len(markers)), labels)
    ax.set_ylim(0, 115)
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    ax.legend(loc="upper right", ncol=len(measures))
    return describe(fig, caption or f"{title}: {', '.join(measures)} of {', '.join(markers)} as bars labelled "
                    "with their per cent values.", table)
