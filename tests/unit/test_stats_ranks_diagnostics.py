"""cartrepro.stats.ranks and cartrepro.stats.diagnostics against frozen R output
(tests/reference/make_ranks_diagnostics_fixtures.R: wilcox.test exact, coin::wilcox_test exact, pROC) and
against brute-force enumeration."""

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import rankdata

from cartrepro.stats.diagnostics import auc, proportion_ci_hybrid, roc_curve, sens_spec_at, youden_cutoff
from cartrepro.stats.ranks import mann_whitney_exact, rank_sum_distribution

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
FIXTURE = json.loads((REFERENCE / "fixtures" / "ranks_diagnostics.json").read_text())
MW, ROC, HYBRID = FIXTURE["mann_whitney"], FIXTURE["roc"], FIXTURE["hybrid"]


def _number(value):
    """JSON numbers from R: Inf and -Inf arrive as strings."""
    return {"Inf": float("inf"), "-Inf": float("-inf")}.get(value, value) if isinstance(value, str) else value


def _as_list(value):
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("case", [c for c in MW if not c["ties"]], ids=lambda c: c["name"])
def test_exact_without_ties_matches_r_wilcox_exact(case):
    got = mann_whitney_exact(_as_list(case["a"]), _as_list(case["b"]))
    assert got.statistic == pytest.approx(case["wilcox_exact_w"], abs=1e-9)
    assert got.p_value == pytest.approx(case["wilcox_exact_p"], abs=1e-9)


@pytest.mark.parametrize("case", MW, ids=lambda c: c["name"])
def test_exact_matches_coin_exact(case):
    got = mann_whitney_exact(_as_list(case["a"]), _as_list(case["b"]))
    assert got.p_value == pytest.approx(case["coin_exact_p"], abs=1e-9)


def test_fixture_has_tied_cases():
    assert sum(c["ties"] for c in MW) >= 8


def _brute_force(a, b):
    pooled = np.concatenate([a, b])
    ranks = rankdata(pooled)
    centre = len(a) * (len(pooled) + 1) / 2
    observed = abs(ranks[: len(a)].sum() - centre)
    hits = total = 0
    for subset in itertools.combinations(range(len(pooled)), len(a)):
        total += 1
        hits += abs(ranks[list(subset)].sum() - centre) >= observed - 1e-9
    return hits / total


@pytest.mark.parametrize("seed", range(12))
def test_exact_with_ties_matches_enumeration(seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 5, rng.integers(2, 7)).astype(float)
    b = rng.integers(1, 6, rng.integers(2, 8)).astype(float)
    assert mann_whitney_exact(a, b).p_value == pytest.approx(_brute_force(a, b), abs=1e-12)


def test_exact_edge_cases():
    assert mann_whitney_exact([2, 2, 2], [2, 2, 2, 2]).p_value == 1.0
    assert mann_whitney_exact([1, 2], [3, 4]).p_value == pytest.approx(2 / 6)
    counts = rank_sum_distribution(np.array([2, 4, 6, 8]), 2)
    assert counts.sum() == math.comb(4, 2)
    with pytest.raises(ValueError, match="missing"):
        mann_whitney_exact([1, float("nan")], [2, 3])


@pytest.mark.parametrize("case", ROC, ids=lambda c: c["name"])
def test_auc_and_delong_match_proc(case):
    got = auc(case["cases"], case["controls"], direction=case["direction"])
    assert got.auc == pytest.approx(case["auc"], abs=1e-9)
    assert got.se_delong == pytest.approx(case["delong_se"], abs=1e-9)
    assert got.ci_delong[0] == pytest.approx(case["delong_low"], abs=1e-9)
    assert got.ci_delong[1] == pytest.approx(case["delong_high"], abs=1e-9)


@pytest.mark.parametrize("case", ROC, ids=lambda c: c["name"])
def test_roc_curve_matches_proc(case):
    curve = roc_curve(case["cases"], case["controls"], direction=case["direction"]).sort_values(
        ["threshold", "sensitivity"])
    r = sorted(zip(map(_number, case["thresholds"]), case["sensitivities"], case["specificities"], strict=True))
    r_thr = np.array([t for t, _, _ in r])
    np.testing.assert_allclose(curve["threshold"], r_thr, atol=1e-9)
    np.testing.assert_allclose(curve["sensitivity"], [s for _, s, _ in r], atol=1e-12)
    np.testing.assert_allclose(curve["specificity"], [s for _, _, s in r], atol=1e-12)


@pytest.mark.parametrize("case", ROC, ids=lambda c: c["name"])
def test_youden_is_one_of_procs_best(case):
    got = youden_cutoff(case["cases"], case["controls"], direction=case["direction"])
    thresholds = [_number(t) for t in _as_list(case["youden_threshold"])]
    assert any(abs(got.threshold - t) < 1e-9 or got.threshold == t for t in thresholds)
    best_sens = max(_as_list(case["youden_sensitivity"]))
    assert got.sensitivity == pytest.approx(best_sens, abs=1e-12)  # the tie rule: highest sensitivity


def _hanley_mcneil_by_definition(cases, controls):
    """Q1, Q2 by explicit triple counts (with replacement, ties 1/2), cases lower than controls."""
    def k(c, n):
        return 1.0 if c < n else 0.5 if c == n else 0.0
    a = np.mean([[k(c, n) for n in controls] for c in cases])
    q1 = np.mean([k(c1, n) * k(c2, n) for n in controls for c1 in cases for c2 in cases])
    q2 = np.mean([k(c, n1) * k(c, n2) for c in cases for n1 in controls for n2 in controls])
    nc, nn = len(cases), len(controls)
    return math.sqrt((a * (1 - a) + (nc - 1) * (q1 - a * a) + (nn - 1) * (q2 - a * a)) / (nc * nn))


@pytest.mark.parametrize("case", [c for c in ROC if c["direction"] == "lower"][:6], ids=lambda c: c["name"])
def test_hanley_mcneil_empirical_q(case):
    got = auc(case["cases"], case["controls"], direction="lower")
    assert got.se_hanley_mcneil == pytest.approx(_hanley_mcneil_by_definition(case["cases"], case["controls"]),
                                                 abs=1e-12)
    assert got.ci_hanley_mcneil[1] - got.auc == pytest.approx(1.959963984540054 * got.se_hanley_mcneil)


def test_hanley_mcneil_exponential_closed_form():
    # Hanley & McNeil 1982 Table: A = 0.8, n = 13 cases, 26 controls; closed form by hand
    got = auc([1, 2, 3], [2.5, 4, 5], direction="lower")
    a = got.auc
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    expected = math.sqrt((a * (1 - a) + 2 * (q1 - a * a) + 2 * (q2 - a * a)) / 9)
    assert got.se_hanley_mcneil_exponential == pytest.approx(expected)


@pytest.mark.parametrize("case", HYBRID, ids=lambda c: f"{c['k']}of{c['n']}")
def test_hybrid_interval_matches_r_formula(case):
    got = proportion_ci_hybrid(case["k"], case["n"])
    assert got.ci_low == pytest.approx(case["low"], abs=1e-9)
    assert got.ci_high == pytest.approx(case["high"], abs=1e-9)


def test_hybrid_reproduces_prism_digits():
    # the four intervals the P1 paper prints (GraphPad Prism)
    expected = {(12, 13): (66.69, 99.61), (13, 13): (77.19, 100.0), (17, 26): (46.22, 80.59),
                (15, 26): (38.95, 74.46)}
    for (k, n), (low, high) in expected.items():
        _, lo, hi = proportion_ci_hybrid(k, n).percent()
        assert (round(lo, 2), round(hi, 2)) == (low, high)


def test_sens_spec_direction():
    got = sens_spec_at([1, 2, 3, 6], [4, 5, 7], 3.5, direction="lower")
    assert (got.sensitivity.k, got.specificity.k) == (3, 3)
    got = sens_spec_at([1, 2, 3, 6], [4, 5, 7], 3.5, direction="higher")
    assert (got.sensitivity.k, got.specificity.k) == (1, 0)
    with pytest.raises(ValueError, match="direction"):
        auc([1], [2], direction="up")


@pytest.mark.parametrize("case", FIXTURE["bh"], ids=lambda c: f"m{len(c['p'])}")
def test_bh_adjust_matches_r_p_adjust(case):
    from cartrepro.stats.multiplicity import bh_adjust

    np.testing.assert_allclose(bh_adjust(case["p"]), case["q"], atol=1e-12)


def test_bh_adjust_by_hand():
    from cartrepro.stats.multiplicity import bh_adjust

    np.testing.assert_allclose(bh_adjust([0.01, 0.04, 0.03, 0.5]), [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])


def test_mann_whitney_auto_is_exact_when_it_fits_and_approximate_beyond():
    from cartrepro.stats.groups import mann_whitney
    from cartrepro.stats.ranks import exact_table_cells, mann_whitney_auto, mann_whitney_exact

    a, b = [1.0, 2.2, 2.2, 3.1, 4.0], [2.2, 5.0, 6.1, 7.3]
    small = mann_whitney_auto(a, b)
    assert small.method == "exact" and small.p_value == mann_whitney_exact(a, b).p_value
    forced = mann_whitney_auto(a, b, max_cells=exact_table_cells(5, 4) - 1)
    assert forced.method == "normal approximation" and forced.p_value == mann_whitney(a, b).p_value
    # 5 values out of 9: doubled ranks sum to at most 2*(5+6+7+8+9) = 70 -> a 6 x 71 table
    assert exact_table_cells(5, 4) == 6 * 71
