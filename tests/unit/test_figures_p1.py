"""The P1 figure functions draw what the statistics say."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cartrepro.figures.incidence import IncidenceCurve, cumulative_incidence_figure, window_bars_figure

matplotlib.use("Agg")


def test_cumulative_incidence_curves_end_at_the_aalen_johansen_value():
    time = np.array([10, 20, 30, 40, 50, 60], dtype=float)
    cause = np.array([1, 2, 1, 0, 1, 0])
    fig = cumulative_incidence_figure([IncidenceCurve("A", time, cause), IncidenceCurve("B", time, cause * 0 + 1)],
                                      title="t", ylabel="y")
    lines = [line for line in fig.axes[0].get_lines() if line.get_label() in ("A", "B")]
    assert [line.get_label() for line in lines] == ["A", "B"]
    # A: 1/6 at 10, competing at 20, then 1/4 of the remaining 4/6 at 30 and 1/2 of 3/6 at 50 -> 1/6+1/6+1/4
    assert lines[0].get_ydata()[-1] == pytest.approx(1 / 6 + 1 / 6 + 1 / 4)
    assert lines[1].get_ydata()[-1] == pytest.approx(1.0)
    assert lines[0].get_xdata()[-1] == pytest.approx(60 / 30.4375)
    plt.close(fig)


def test_window_bars_show_shares_and_count_labels():
    counts = pd.DataFrame({"B-ALL": [5, 0, 1, 3, 2], "B-NHL": [22, 3, 2, 1, 2]},
                          index=["0-6", "6-12", "12-18", "18-24", ">24"])
    fig = window_bars_figure(counts, title="t")
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    assert heights[:5] == pytest.approx([5 / 11, 0, 1 / 11, 3 / 11, 2 / 11])
    assert heights[5:] == pytest.approx([22 / 30, 3 / 30, 2 / 30, 1 / 30, 2 / 30])
    texts = [t.get_text() for t in ax.texts]
    assert "5 (45.5%)" in texts and "22 (73.3%)" in texts
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["B-ALL (n=11)", "B-NHL (n=30)"]
    plt.close(fig)
