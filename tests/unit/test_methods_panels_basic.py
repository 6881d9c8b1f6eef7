"""The descriptive-statistics and two-group panels (cartrepro.methods.descriptive) on examples worked by hand.

Each test spells out its arithmetic in comments; where a third-party function defines a "default" (scipy's
Student/Welch switch, statsmodels' Wald interval), the hand numbers are checked against its own output too.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cartrepro.methods.chapter import summarise_entries
from cartrepro.methods.descriptive import (
    CI_COLUMNS,
    METHOD_COLUMNS,
    PERCENT_COLUMNS,
    correlation_panel,
    exact_conditional_mann_whitney,
    median_panel,
    percent_rounding_panel,
    prop_test_interval,
    proportion_ci_panel,
    two_group_panel,
)
from cartrepro.methods.printing import would_print_matrix

Z = 1.959963984540054


# ---------------------------------------------------------------------------------------- Card 1


def test_percent_24_of_34_is_truncated_not_rounded():
    # 24/34 = 0.70588235... -> 70.588235%; one decimal: half up 70.6 (the 8 in the 2nd decimal rounds up),
    # truncated 70.5 (the digits after the first decimal dropped). The paper prints 70.5: truncation.
    panel = percent_rounding_panel([{"label": "CR", "k": 24, "n": 34, "decimals": 1, "published": "70.5"}])
    assert list(panel.columns) == PERCENT_COLUMNS
    row = panel.iloc[0]
    assert row["percent"] == pytest.approx(70.588235, abs=1e-6)
    assert (row["half_up"], row["half_even"], row["truncated"]) == ("70.6", "70.6", "70.5")
    assert row["matches"] == "truncated"


def test_percent_19_of_21_rounds_either_way_and_ties_split_the_rules():
    # 19/21 = 90.476% -> 90 by all three rules (no rule can be told apart);
    # 20/31 = 64.516% -> 65 rounded, 64 truncated; the paper prints 65 (rounding);
    # 1/8 = 12.5% exactly: half up 13, Python round() half-to-even 12, truncation 12.
    panel = percent_rounding_panel([
        {"k": 19, "n": 21, "decimals": 0, "published": 90},
        {"k": 20, "n": 31, "decimals": 0, "published": 65},
        {"k": 1, "n": 8, "decimals": 0},
    ]).set_index("label")
    assert panel.at["19/21", "matches"] == "half_up, half_even, truncated"
    assert panel.at["20/31", "matches"] == "half_up, half_even"
    assert (panel.at["1/8", "half_up"], panel.at["1/8", "half_even"], panel.at["1/8", "truncated"]) == \
        ("13", "12", "12")
    assert panel.at["1/8", "matches"] == ""


def test_percent_exact_arithmetic_avoids_float_artefacts():
    # 29/100 = 0.29 and 100 * 0.29 in binary is 28.999999999999996: a float floor would truncate to 28;
    # exact arithmetic gives 29.
    row = percent_rounding_panel([{"k": 29, "n": 100, "decimals": 0}]).iloc[0]
    assert row["truncated"] == "29"
    with pytest.raises(ValueError):
        percent_rounding_panel([{"k": 5, "n": 4, "decimals": 0}])


# ---------------------------------------------------------------------------------------- Card 2


def test_median_of_four_values():
    # sorted 1, 2, 3, 4: the two middle values are 2 and 3.
    # SPSS / numpy: (2 + 3) / 2 = 2.5; median_low 2; median_high 3;
    # pandas "nearest": position 0.5 * (4 - 1) = 1.5, numpy rounds half to even -> position 2 -> 3;
    # R type 1 (inverted CDF): the smallest x with F(x) >= 0.5 -> 2.
    panel = median_panel([4, 1, 3, 2, np.nan], published=2.5, decimals=1).set_index("key")
    assert list(panel.reset_index().columns) == [*METHOD_COLUMNS, "helper", "n", "middle"]
    assert panel["statistic"].to_dict() == {"mean_middle": 2.5, "median_low": 2.0, "median_high": 3.0,
                                            "nearest": 3.0, "inverted_cdf": 2.0}
    assert panel.at["median_low", "statistic"] == statistics.median_low([1, 2, 3, 4])
    assert panel["would_print"].to_dict() == {"mean_middle": "yes", "median_low": "no", "median_high": "no",
                                              "nearest": "no", "inverted_cdf": "no"}
    assert panel.at["mean_middle", "n"] == 4 and panel.at["mean_middle", "middle"] == (2.0, 3.0)


def test_median_of_odd_n_agrees_everywhere():
    # 1, 5, 9: one middle value (5) whatever the convention.
    panel = median_panel([9, 1, 5], published=5)
    assert set(panel["statistic"]) == {5.0} and set(panel["would_print"]) == {"yes"}


def test_nft_relapse_times_median():
    # the paper's four NFT relapse times, months: 1.7, 2.6, 4.2, 6 -> (2.6 + 4.2) / 2 = 3.4 (printed);
    # the lower median prints 2.6, the higher 4.2.
    panel = median_panel([1.7, 2.6, 4.2, 6.0], published=3.4, decimals=1).set_index("key")
    assert panel.at["mean_middle", "printed_as"] == "3.4"
    assert panel.at["median_low", "printed_as"] == "2.6" and panel.at["median_high", "printed_as"] == "4.2"


# ---------------------------------------------------------------------------------------- Card 3


def test_wald_wilson_and_prop_test_by_hand():
    # 2/4, p = 0.5, z = 1.959964:
    # Wald: 0.5 +/- z * sqrt(0.25 / 4) = 0.5 +/- 0.489991 -> 0.010009 .. 0.989991
    # Wilson: centre (p + z^2/8) / (1 + z^2/4) = 0.5; half-width z * sqrt(p(1-p)/n + z^2/(4 n^2)) / (1 + z^2/4)
    #         = 1.959964 * sqrt(0.0625 + 0.060023) / 1.960365 = 0.349961 -> 0.150039 .. 0.849961
    # R prop.test: Yates' 0.5 is cut to |k - n/2| = 0, so it equals Wilson here.
    half = Z * math.sqrt(0.25 / 4)
    frame = proportion_ci_panel([{"k": 2, "n": 4}])
    assert list(frame.columns) == CI_COLUMNS
    panel = frame.set_index("key")
    assert (panel.at["normal", "ci_low"], panel.at["normal", "ci_high"]) == \
        pytest.approx((100 * (0.5 - half), 100 * (0.5 + half)))
    wilson_half = Z * math.sqrt(0.0625 + Z**2 / 64) / (1 + Z**2 / 4)
    assert panel.at["wilson", "ci_low"] == pytest.approx(100 * (0.5 - wilson_half))
    assert panel.at["prop_test", "ci_low"] == pytest.approx(panel.at["wilson", "ci_low"])
    # Clopper-Pearson 2/4: 6.76-93.24 -> printed 7-93; the others all move at integer precision
    assert panel.at["clopper_pearson", "printed_as"] == "7–93"
    assert panel.at["normal", "differs"] == "lower 1 vs 7; upper 99 vs 93"
    assert panel.loc[["wilson", "prop_test", "normal"], "same_as_clopper_pearson"].tolist() == ["no"] * 3


def test_statsmodels_default_is_the_wald_interval():
    from statsmodels.stats.proportion import proportion_confint

    # statsmodels' default method="normal" is the Wald interval (clipped to [0, 1]); 19/21 -> upper 1.
    assert proportion_confint(2, 4) == pytest.approx((0.5 - Z * 0.25, 0.5 + Z * 0.25))
    panel = proportion_ci_panel([{"k": 19, "n": 21}]).set_index("key")
    assert panel.at["normal", "ci_high"] == 100.0


def test_prop_test_with_correction():
    # 0/5: the lower bound is 0; upper from p_c = 0 + 0.5/5 = 0.1 with z22n = z^2/10 = 0.384146:
    # (0.1 + 0.384146 + z * sqrt(0.1 * 0.9 / 5 + 0.384146 / 10)) / (1 + 0.768291)
    # = (0.484146 + 1.959964 * 0.237433) / 1.768291 = 0.537056 (R: prop.test(0, 5)$conf.int 0.5370560)
    low, high = prop_test_interval(0, 5)
    assert low == 0.0 and high == pytest.approx(0.5370560175, abs=1e-9)
    assert prop_test_interval(24, 30) == pytest.approx((0.6086926180, 0.9159523593), abs=1e-9)


# ---------------------------------------------------------------------------------------- Card 4


def test_student_and_welch_by_hand_and_against_scipy():
    # a = 1, 2, 3, 4: mean 2.5, variance 5/3; b = 2, 4, 6, 8, 10: mean 6, variance 10.
    # Student: pooled variance (3 * 5/3 + 4 * 10) / 7 = 45/7; SE = sqrt(45/7 * (1/4 + 1/5)) = 1.700840;
    #          t = -3.5 / 1.700840 = -2.057807, df 7.
    # Welch:   SE = sqrt(5/12 + 10/5) = 1.554563; t = -3.5 / 1.554563 = -2.251436;
    #          df = 2.416667^2 / ((5/12)^2 / 3 + 2^2 / 4) = 5.520788.
    a, b = [1, 2, 3, 4], [2, 4, 6, 8, 10]
    panel = two_group_panel(a, b, published_p=0.079).set_index("key")
    assert list(panel.reset_index().columns) == [*METHOD_COLUMNS, "n"]
    assert panel.at["student", "statistic"] == pytest.approx(-3.5 / math.sqrt(45 / 7 * 0.45))
    assert panel.at["welch", "statistic"] == pytest.approx(-3.5 / math.sqrt(5 / 12 + 2))
    student, welch = stats.ttest_ind(a, b, equal_var=True), stats.ttest_ind(a, b, equal_var=False)
    assert panel.at["student", "p_value"] == pytest.approx(student.pvalue)
    assert panel.at["welch", "p_value"] == pytest.approx(welch.pvalue)
    assert welch.df == pytest.approx(2.416667**2 / ((5 / 12) ** 2 / 3 + 1), abs=1e-4)
    # Student P = 0.0786 -> 0.079 (the "published" value here); Welch 0.0691 -> 0.069
    assert (panel.at["student", "printed_as"], panel.at["student", "would_print"]) == ("0.079", "yes")
    assert (panel.at["welch", "printed_as"], panel.at["welch", "would_print"]) == ("0.069", "no")
    assert panel.at["student", "n"] == "4 vs 5"


def test_exact_conditional_mann_whitney_by_hand():
    # no ties: 1, 2, 4 vs 3, 5, 6, 7: U = 1 (of the 12 pairs (a, b) only 4 > 3 has a > b);
    # P(U <= 1) = 2/35 (rank sets {1,2,3}, {1,2,4}); two-sided 4/35 = 0.114286, as scipy's exact test.
    assert exact_conditional_mann_whitney([1, 2, 4], [3, 5, 6, 7]) == pytest.approx(4 / 35)
    assert stats.mannwhitneyu([1, 2, 4], [3, 5, 6, 7], method="exact").pvalue == pytest.approx(4 / 35)
    # ties: 1, 2, 2 vs 2, 3: pooled mid-ranks 1, 3, 3, 3, 5; group b holds 3 + 5 = 8.
    # The C(5, 2) = 10 pairs of ranks sum to 4 (x3), 6 (1 + 5 and 3 + 3 x3) and 8 (x3); mean 6.
    # |sum - 6| >= |8 - 6|: 6 of 10 -> P = 0.6.
    assert exact_conditional_mann_whitney([1, 2, 2], [2, 3]) == pytest.approx(0.6)


def test_two_group_panel_marks_ties_and_feeds_the_matrix():
    panel = two_group_panel([1, 2, 2, 5], [2, 3, 6, 7, 9], published_p=0.2)
    assert panel.set_index("key").at["mw_exact", "method"].endswith("(ties ignored)")
    matrix = would_print_matrix({"example": panel})
    assert matrix.shape == (6, 2)


# ---------------------------------------------------------------------------------------- Card 5


def test_spearman_by_hand():
    # x = 1..5, y = 2, 1, 4, 3, 5: rank differences -1, 1, -1, 1, 0, sum d^2 = 4;
    # rho = 1 - 6 * 4 / (5 * 24) = 0.8; Pearson on these (already ranks) is 0.8 too.
    panel = correlation_panel([1, 2, 3, 4, 5], [2, 1, 4, 3, 5], published=0.8).set_index("key")
    assert panel.at["spearman", "statistic"] == pytest.approx(0.8)
    assert panel.at["pearson", "statistic"] == pytest.approx(0.8)
    assert panel.at["spearman", "would_print"] == "yes"


def test_spearman_ties_averaged_or_not():
    # x = 1, 2, 2, 3 with y = 1, 2, 3, 4. Average ranks of x: 1, 2.5, 2.5, 4; deviations -1.5, 0, 0, 1.5;
    # y's deviations -1.5, -0.5, 0.5, 1.5. rho = 4.5 / sqrt(4.5 * 5) = 0.948683.
    # Ranking the tied 2s by position (2, 3) gives ranks 1, 2, 3, 4 and rho = 1.
    panel = correlation_panel([1, 2, 2, 3, np.nan], [1, 2, 3, 4, 7], published=0.95).set_index("key")
    assert panel.at["spearman", "statistic"] == pytest.approx(4.5 / math.sqrt(22.5))
    assert panel.at["spearman_ordinal", "statistic"] == pytest.approx(1.0)
    assert panel["would_print"].to_dict()["spearman"] == "yes"
    assert panel.at["spearman", "n"] == 4


def test_summarise_entries():
    class E:
        def __init__(self, i):
            self.id, self.paper, self.kind, self.method, self.printed = f"x{i}", "cd22", "data", "m", str(i)

    frame = summarise_entries([E(i) for i in range(5)], max_examples=2)
    assert isinstance(frame, pd.DataFrame)
    assert frame.iloc[0]["entries"] == 5 and frame.iloc[0]["examples"] == "x0 (0); x1 (1)"
