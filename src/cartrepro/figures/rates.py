"""Response-rate figures (P2 Figure 2a) in the house style of :mod:`cartrepro.figures.style`.

Each function takes a tidy table and returns a matplotlib Figure.
"""

from __future__ import annotations

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from cartrepro.figures.style import MIN_FONT, describe, new_figure

#: one colour per response, from darkest (MRD-negative CR) to lightest (no response)
RESPONSE_COLOURS = ["#1f4e79", "#6f9bc7", "#d98c1f", "#c9c9c9"]


def response_bars(counts: pd.DataFrame, *, title: str, group_labels: dict[str, str] | None = None,
                  response_labels: dict[str, str] | None = None) -> Figure:
    """Horizontal 100% stacked bars: one bar per group, one segment per response, counts written inside.

    ``counts`` is tidy (columns ``group``, ``response``, ``count``, ``group_n``, as
    :func:`cartrepro.analysis.cd22.response.response_counts` returns it); groups are drawn top to bottom and
    responses left to right in the order they first appear. Bar lengths are percentages of the group; each
    group's size is shown in brackets after its label, as in the paper.
    """
    group_labels = group_labels or {}
    response_labels = response_labels or {}
    groups = list(dict.fromkeys(counts["group"]))
    responses = list(dict.fromkeys(counts["response"]))
    wide = counts.pivot(index="group", columns="response", values="count").loc[groups, responses]
    sizes = counts.groupby("group")["group_n"].first().loc[groups]

    fig, ax = new_figure(figsize=(7.2, 0.62 * len(groups) + 1.9))
    positions = list(range(len(groups)))[::-1]  # first group on top
    left = pd.Series(0.0, index=groups)
    for i, response in enumerate(responses):
        colour = RESPONSE_COLOURS[i % len(RESPONSE_COLOURS)]
        share = (100 * wide[response] / sizes.where(sizes > 0)).fillna(0.0)
        ax.barh(positions, share, left=left, height=0.62, color=colour, edgecolor="white", linewidth=0.8,
                label=response_labels.get(response, response))
        dark = mpl.colors.rgb_to_hsv(mpl.colors.to_rgb(colour))[2] < 0.75
        for pos, group in zip(positions, groups, strict=True):
            k = int(wide.loc[group, response])
            if k > 0:
                ax.text(left[group] + share[group] / 2, pos, str(k), ha="center", va="center", fontsize=MIN_FONT,
                        color="white" if dark else "black", fontweight="bold")
        left = left + share
    ax.set_yticks(positions)
    ax.set_yticklabels([f"{group_labels.get(g, g)} ({int(sizes[g])})" for g in groups])
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(100))
    ax.set_xlabel("Patients of the group")
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_title(title, loc="left")
    fig.legend(loc="outside lower center", ncol=min(len(responses), 2), handlelength=1.2, columnspacing=1.2)
    names = ", ".join(f"{group_labels.get(g, g)} ({int(sizes[g])})" for g in groups)
    kinds = ", ".join(response_labels.get(r, r) for r in responses)
    return describe(fig, f"{title}: share of patients by response ({kinds}) in each group ({names}), "
                    "counts written in the bars.", counts, narrow_size=(3.8, 0.62 * len(groups) + 2.4))
