"""The comparison panels of the rank-test and diagnostic-accuracy methods page (cartrepro.methods.diagnostics).

Every expected value is worked by hand in the comments on samples small enough to enumerate.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cartrepro.methods.diagnostics import (
    auc_ci_panel,
    bh_panel,
    correlation_pair_panel,
    cutoff_panel,
    mann_whitney_panel,
    r_wilcox_default,
    sens_spec_ci_panel,
    tie_free_p_values,
    youden_table,
)
from cartrepro.methods.printing import would_print_matrix

Z = 1.959963984540054  # Phi^-1(0.975)


def _by_key(frame):
    return frame.set_index("key")


# --------------------------------------------------------------------------------------------------
# Card 1: Mann-Whitney
# --------------------------------------------------------------------------------------------------


def test_mann_whitney_without_ties():
    # a = 1, 2 and b = 3, 4: U = 0. The C(4, 2) = 6 rank sums of a are 3, 4, 5, 5, 6, 7 with E W = 5; the
    # observed 3 is 2 from E, and so is 7: exact P = 2/6. Normal: sd(U) = sqrt(2*2*5/12) = 1.29099;
    # no correction z = 2/1.29099 = 1.5492 -> P = 0.12134; with correction z = 1.5/1.29099 -> P = 0.24528.
    panel = _by_key(mann_whitney_panel([1, 2], [3, 4], published_p=1 / 3, decimals=3))
    for key in ("exact_conditional", "scipy_exact", "r_default"):  # without ties these are one test
        assert panel.at[key, "p_value"] == pytest.approx(1 / 3)
        assert panel.at[key, "would_print"] == "yes"
    assert panel.at["asymptotic", "p_value"] == pytest.approx(0.121335, abs=1e-6)
    assert panel.at["asymptotic_cc", "p_value"] == pytest.approx(0.245278, abs=1e-6)
    assert panel.at["asymptotic", "printed_as"] == "0.121"
    assert panel.at["asymptotic", "would_print"] == "no"
    assert panel.at["exact_conditional", "statistic"] == 0.0
    assert set(panel["ties"]) == {0}
    assert set(panel["n"]) == {"2 vs 2"}
    assert panel.at["r_default", "method"] == "R default: exact"


def test_mann_whitney_with_ties():
    # a = 1, 2 and b = 2, 3: mid-ranks 1, 2.5, 2.5, 4; W = 3.5, E W = 5, U = 3.5 - 3 = 0.5.
    # The 6 splits give rank sums 3.5, 3.5, 5, 5, 6.5, 6.5: 4 of 6 are at least 1.5 from 5 -> exact P = 2/3.
    # R falls back to the normal approximation: var(U) = 4/12 * (5 - (2^3 - 2)/(4*3)) = 1.5, |U - 2| = 1.5,
    # z = (1.5 - 0.5)/sqrt(1.5) = 0.8165 -> P = 0.41422; without correction z = 1.2247 -> P = 0.22067.
    panel = _by_key(mann_whitney_panel([1, 2], [2, 3], published_p=0.667, decimals=3))
    assert panel.at["exact_conditional", "p_value"] == pytest.approx(2 / 3)
    assert panel.at["exact_conditional", "would_print"] == "yes"
    assert panel.at["r_default", "p_value"] == pytest.approx(0.414216, abs=1e-6)
    assert panel.at["r_default", "p_value"] == panel.at["asymptotic_cc", "p_value"]
    assert panel.at["asymptotic", "p_value"] == pytest.approx(0.220671, abs=1e-6)
    assert "ties ignored" in panel.at["scipy_exact", "method"]
    assert set(panel["ties"]) == {1}
    assert panel.at["exact_conditional", "statistic"] == 0.5


def test_mann_whitney_ties_exact_conditional_versus_tie_free_table():
    # a = 1, 2, 3 and b = 3, 4, 5, 6: doubled mid-ranks 2, 4, 7, 7, 10, 12, 14; doubled W of a = 13, doubled
    # E W = 3 * 8 = 24, so |S - 24| >= 11 means S <= 13 or S >= 35 over the C(7, 3) = 35 subsets:
    # {2, 4, 7} twice (two 7s) = 13, and {10, 12, 14} = 36 -> exact conditional P = 3/35 = 0.0857.
    # scipy's exact table is that of untied integer U (U = 0.5 here): it counts U <= 1, i.e. U = 0 or 1
    # (one split each), and doubles: 4/35 = 0.1143.
    panel = _by_key(mann_whitney_panel([1, 2, 3], [3, 4, 5, 6], published_p=0.086, decimals=3))
    assert panel.at["exact_conditional", "p_value"] == pytest.approx(3 / 35)
    assert panel.at["scipy_exact", "p_value"] == pytest.approx(4 / 35)
    assert panel.at["exact_conditional", "would_print"] == "yes"
    assert panel.at["scipy_exact", "would_print"] == "no"
    assert panel.at["scipy_exact", "printed_as"] == "0.114"


def test_r_default_switches_at_fifty_values():
    # 50 untied values in one group: R no longer uses the exact table
    p, branch = r_wilcox_default(np.arange(50), np.arange(50, 53))
    assert branch.startswith("normal")
    p, branch = r_wilcox_default(np.arange(49), np.arange(49, 52))
    assert branch == "exact"


def test_tie_free_p_values_two_by_two():
    # U ranges over 0 .. 2 (m = 2). Null distribution of U: 0, 1, 2, 2, 3, 4 (each 1/6).
    # U = 0: |U - 2| >= 2 for U in {0, 4} -> 2/6; U = 1: {0, 1, 3, 4} -> 4/6; U = 2: all -> 1.
    lattice = tie_free_p_values(2, 2, decimals=4)
    assert lattice["u"].tolist() == [0, 1, 2]
    assert lattice["exact"].tolist() == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert lattice.at[0, "normal"] == pytest.approx(0.121335, abs=1e-6)  # as in the panel test above
    assert lattice.at[0, "normal_cc"] == pytest.approx(0.245278, abs=1e-6)
    assert lattice.at[2, "normal_cc"] == 1.0  # |U - m| - 1/2 < 0 is cut at 0
    assert lattice.at[0, "exact_printed"] == "0.3333"


def test_tie_free_p_values_six_by_twenty_three_miss_0173():
    # P1's validation sizes: U = 25 and 26 give exact 0.0161 and 0.0191 (the ledger's "nearest"), and no U
    # gives 0.0173 by any method
    lattice = tie_free_p_values(6, 23, decimals=4).set_index("u")
    assert lattice.at[25, "exact_printed"] == "0.0161"
    assert lattice.at[26, "exact_printed"] == "0.0191"
    printed = set(lattice[["exact_printed", "normal_cc_printed", "normal_printed"]].to_numpy().ravel())
    assert "0.0173" not in printed


def test_tie_free_p_values_rejects_empty_group():
    with pytest.raises(ValueError):
        tie_free_p_values(0, 3)


# --------------------------------------------------------------------------------------------------
# Card 2: the ROC area
# --------------------------------------------------------------------------------------------------


def test_auc_panel_hand_worked():
    # cases 1, 3 and controls 2, 4, cases lower. Case 1 is below both controls (phi = 1), case 3 below one
    # (phi = 0.5): A = 0.75. Control 2 is above one case (psi = 0.5), control 4 above both (psi = 1).
    # Empirical Q1 = mean psi^2 = 0.625 = Q2 = mean phi^2.
    # HM: SE^2 = [0.75*0.25 + 1*(0.625 - 0.5625) + 1*(0.625 - 0.5625)]/4 = 0.3125/4 = 0.078125 -> 0.279508.
    # DeLong: var(phi) = var(psi) = 0.125 (n - 1 = 1): SE^2 = 0.125/2 + 0.125/2 = 0.125 -> 0.353553.
    # Exponential: Q1 = 0.75/1.25 = 0.6, Q2 = 2*0.5625/1.75 = 0.642857:
    #   SE^2 = [0.1875 + 0.0375 + 0.080357]/4 = 0.076339 -> 0.276296.
    panel = _by_key(auc_ci_panel([1, 3], [2, 4], direction="lower", published=(0.75, 0.2022, 1.2978)))
    assert set(panel["auc"]) == {0.75}
    assert panel.at["hanley_mcneil", "se"] == pytest.approx(math.sqrt(0.078125))
    assert panel.at["delong", "se"] == pytest.approx(math.sqrt(0.125))
    assert panel.at["hanley_mcneil_exponential", "se"] == pytest.approx(0.276296, abs=1e-6)
    # HM interval 0.75 -/+ 1.96 * 0.279508 = 0.2022 .. 1.2978 (not cut); DeLong cut at 1
    assert panel.at["hanley_mcneil", "ci_low"] == pytest.approx(0.75 - Z * math.sqrt(0.078125))
    assert panel.at["hanley_mcneil", "printed_as"] == "0.7500 (0.2022–1.2978)"
    assert panel.at["hanley_mcneil", "would_print"] == "yes"
    assert panel.at["delong", "ci_high"] == 1.0
    assert panel.at["delong", "ci_low"] == pytest.approx(0.75 - Z * math.sqrt(0.125))
    assert panel.at["delong", "would_print"] == "no"
    assert panel.at["delong", "differs"] == "lower 0.0570 vs 0.2022; upper 1.0000 vs 1.2978"


def test_auc_panel_without_published_and_the_matrix():
    panel = auc_ci_panel([1, 3], [2, 4], direction="lower")
    assert set(panel["would_print"]) == {"—"}
    matrix = would_print_matrix({"toy": panel})
    assert matrix["toy"].iloc[0] == "0.7500 (0.2022–1.2978)"


# --------------------------------------------------------------------------------------------------
# Card 3: Youden's cutoff
# --------------------------------------------------------------------------------------------------


def test_cutoff_panel_midpoint_and_observed_values():
    # training cases 1, 2 and controls 4, 6 (cases lower): midpoints 1.5, 3, 5; at 3 sensitivity = 2/2 and
    # specificity = 2/2, J = 1, the unique maximum. Neighbours: a = 2 (positive side), b = 4.
    # Validation cases 2.5, 1 and controls 3.5, 5:
    #   x < 3   -> cases 2/2, controls above 3: 2/2           -> 100, 100
    #   x <= 2  -> cases 1/2 (2.5 is not <= 2), controls 2/2  -> 50, 100
    #   x < 4   -> cases 2/2, controls: 3.5 positive, 1/2     -> 100, 50
    panel = _by_key(cutoff_panel([1, 2], [4, 6], direction="lower", published_cutoff=3.0,
                                 validation=([2.5, 1], [3.5, 5]), published_validation=(100, 100)))
    assert panel["threshold"].tolist() == [3.0, 2.0, 4.0]
    assert panel["would_print"].tolist() == ["yes", "no", "no"]
    assert set(panel["sensitivity"]) == {100.0} and set(panel["specificity"]) == {100.0}
    assert panel.at["midpoint", "validation_printed"] == "100.00% (2/2), 100.00% (2/2)"
    assert panel.at["observed_inclusive", "validation_sensitivity"] == 50.0
    assert panel.at["observed_exclusive", "validation_specificity"] == 50.0
    assert panel["validation_would_print"].tolist() == ["yes", "no", "no"]
    assert set(panel["tied_maxima"]) == {1}
    assert panel.at["observed_inclusive", "rule"] == "positive if x ≤ 2"


def test_cutoff_panel_higher_direction_and_no_validation():
    # cases 4, 6 higher than controls 1, 2: midpoint 3, observed values 4 (x >= 4) and 2 (x > 2)
    panel = _by_key(cutoff_panel([4, 6], [1, 2], direction="higher"))
    assert panel["threshold"].tolist() == [3.0, 4.0, 2.0]
    assert set(panel["would_print"]) == {"—"}
    assert panel["validation_sensitivity"].isna().all()
    with pytest.raises(ValueError):
        cutoff_panel([1], [2], direction="up")


def test_youden_ties_and_the_rule():
    # cases 1, 3 and controls 2, 4 (cases lower): at 1.5 sens 1/2, spec 2/2 (J = 0.5); at 2.5 sens 1/2,
    # spec 1/2 (J = 0); at 3.5 sens 2/2, spec 1/2 (J = 0.5). Two maxima; the rule takes the higher
    # sensitivity, 3.5, whose neighbours are 3 and 4.
    table = youden_table([1, 3], [2, 4], direction="lower")
    assert table["youden"].tolist() == [0.0, 0.5, 0.0, 0.5, 0.0]
    panel = _by_key(cutoff_panel([1, 3], [2, 4], direction="lower"))
    assert panel.at["midpoint", "threshold"] == 3.5
    assert panel.at["observed_inclusive", "threshold"] == 3.0
    assert panel.at["observed_exclusive", "threshold"] == 4.0
    assert set(panel["tied_maxima"]) == {2}


# --------------------------------------------------------------------------------------------------
# Card 4: sensitivity and specificity intervals
# --------------------------------------------------------------------------------------------------


def test_sens_spec_intervals_twelve_of_thirteen():
    # 12/13: Wilson 66.69-98.63. The hybrid replaces the upper limit (n - k = 1):
    #   1 - chi2_{0.05; 2} / 26 = 1 - (-2 ln 0.95)/26 = 1 - 0.102587/26 = 0.996054 -> 99.61.
    # Clopper-Pearson upper for k = n - 1: 0.975^(1/13) = exp(ln 0.975 / 13) = 0.998054 -> 99.81.
    panel = _by_key(sens_spec_ci_panel([{"label": "sens", "k": 12, "n": 13, "published": (92.31, 66.69, 99.61)}]))
    assert panel.at["hybrid", "ci_high"] == pytest.approx(100 * (1 + 2 * math.log(0.95) / 26))
    assert panel.at["hybrid", "printed_as"] == "92.31 (66.69–99.61)"
    assert panel.at["hybrid", "would_print"] == "yes"
    assert panel.at["wilson", "differs"] == "upper 98.63 vs 99.61"
    assert panel.at["clopper_pearson", "ci_high"] == pytest.approx(100 * 0.975 ** (1 / 13))
    assert panel.at["clopper_pearson", "would_print"] == "no"
    assert set(panel["compared"]) == {"estimate and interval"}


def test_sens_spec_intervals_all_positive_and_estimate_only():
    # 13/13: Wilson lower = n/(n + z^2) = 13/16.8415 = 0.77189 (the hybrid leaves k = n alone);
    # Clopper-Pearson lower = 0.025^(1/13) = 0.75294. A case printed without interval compares the estimate.
    panel = sens_spec_ci_panel([{"k": 13, "n": 13, "published": (100, 77.19, 100)},
                                {"k": 5, "n": 6, "published": (83.33,)}, {"k": 1, "n": 2}])
    full = _by_key(panel[panel["label"] == "13/13"])
    assert full.at["hybrid", "ci_low"] == pytest.approx(100 * 13 / (13 + Z**2))
    assert full.at["clopper_pearson", "ci_low"] == pytest.approx(100 * 0.025 ** (1 / 13))
    assert full.at["clopper_pearson", "differs"] == "lower 75.29 vs 77.19"
    short = panel[panel["label"] == "5/6"]
    assert set(short["compared"]) == {"estimate"} and set(short["would_print"]) == {"yes"}
    none = panel[panel["label"] == "1/2"]
    assert set(none["would_print"]) == {"—"} and set(none["compared"]) == {""}


# --------------------------------------------------------------------------------------------------
# Card 5: multiplicity
# --------------------------------------------------------------------------------------------------


def test_bh_panel_hand_worked():
    # P = 0.01, 0.04, 0.03, 0.5 (m = 4), sorted 0.01, 0.03, 0.04, 0.5: m p / i = 0.04, 0.06, 0.0533, 0.5;
    # the running minimum from the top gives q = 0.04, 0.0533, 0.0533, 0.5. Three raw hits, one survivor.
    panel = bh_panel(["a", "b", "c", "d"], [0.01, 0.04, 0.03, 0.5])
    assert panel["label"].tolist() == ["a", "c", "b", "d"]
    assert panel["q"].tolist() == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.5])
    assert panel["bh_bound"].tolist() == pytest.approx([0.0125, 0.025, 0.0375, 0.05])
    assert panel["raw_hit"].tolist() == [True, True, True, False]
    assert panel["survives_bh"].tolist() == [True, False, False, False]
    with pytest.raises(ValueError):
        bh_panel(["a"], [0.1, 0.2])


# --------------------------------------------------------------------------------------------------
# Card 6: Pearson versus Spearman
# --------------------------------------------------------------------------------------------------


def test_correlation_pair_panel_hand_worked():
    # x = 1, 2, 3, 4 and y = 1, 3, 2, 4: deviations -1.5, -0.5, 0.5, 1.5 and -1.5, 0.5, -0.5, 1.5;
    # sum of products 2.25 - 0.25 - 0.25 + 2.25 = 4, sums of squares 5 and 5: r = 0.8. The values are their
    # own ranks, so Spearman is 0.8 too. t = 0.8 sqrt(2/0.36) = 1.8856 on 2 df: P = 1 - t/sqrt(t^2 + 2) = 0.2.
    # Kendall: 5 concordant, 1 discordant pair of 6 -> tau = 4/6.
    panel = _by_key(correlation_pair_panel([1, 2, 3, 4], [1, 3, 2, 4], published_r=0.8, published_p=0.2,
                                           decimals=3))
    assert panel.at["pearson", "statistic"] == pytest.approx(0.8)
    assert panel.at["pearson", "p_value"] == pytest.approx(0.2)
    assert panel.at["spearman", "statistic"] == pytest.approx(0.8)
    assert panel.at["kendall", "statistic"] == pytest.approx(4 / 6)
    assert panel.at["pearson", "printed_as"] == "0.800 / 0.200"
    assert panel.at["pearson", "would_print"] == "yes"
    assert panel.at["kendall", "r_matches"] == "no"
    assert panel.at["kendall", "would_print"] == "no"
    assert set(panel["n"]) == {4}


def test_correlation_pair_panel_drops_missing_pairs():
    panel = correlation_pair_panel([1, 2, 3, 4, np.nan], [1, 3, 2, 4, 9])
    assert set(panel["n"]) == {4}
    assert set(panel["would_print"]) == {"—"}
