"""The at-a-glance figure counts the scorecard right: rows, matches, evidence shares."""

import matplotlib
import pandas as pd
import pytest

from cartrepro.figures import style
from cartrepro.figures.glance import at_a_glance, figure_of, glance_table

matplotlib.use("Agg")

CARD = pd.DataFrame({
    "id": ["p2_fig4a_lfs", "p2_fig4a_n", "p2_fig4c_lfs", "p2_resp_cr", "p1_t1_age", "p2_fig2a_x"],
    "match": ["matches", "matches", "matches", "unattainable as printed", "differs", "no published value"],
    "evidence": ["constrained", "input", "assumed", "constrained", "", "input"],
})


def test_glance_table_counts_per_figure_and_skips_numbers_without_a_published_value():
    table = glance_table(CARD).set_index("figure")
    assert list(table.index) == ["P2 Fig 4", "P2 text", "P1 Table 1"]
    assert table.loc["P2 Fig 4", ["numbers", "matches", "input", "assumed", "constrained"]].tolist() == [3, 3, 1, 1, 1]
    assert table.loc["P2 text", "unattainable"] == 1 and table.loc["P1 Table 1", "matches"] == 0
    assert "P2 Fig 2" not in table.index
    grouped = glance_table(CARD, {"p2_resp_cr": "P2 Figure 2"}).set_index("figure")
    assert "P2 Figure 2" in grouped.index and "P2 text" not in grouped.index


def test_the_figure_draws_one_row_per_figure_with_shares_summing_to_one():
    fig = at_a_glance(CARD)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["P2 Fig 4\n3/3 match", "P2 text\n0/1 match, 1 unattainable", "P1 Table 1\n0/1 match"]
    ends = {}
    for patch in ax.patches:
        y = round(patch.get_y() + patch.get_height() / 2, 6)
        ends[y] = max(ends.get(y, 0.0), patch.get_x() + patch.get_width())
    assert sorted(ends.values()) == pytest.approx([1.0, 1.0, 1.0])
    assert style.png_bytes(fig, style.narrow_size(fig), mark=False)[:4] == b"\x89PNG"


def test_figure_of_names_figures_tables_and_text():
    assert figure_of("p1_fig1b_x") == "P1 Fig 1" and figure_of("p2_base_age") == "P2 text"
