"""cartrepro.stats.groups against frozen R output (tests/reference/make_groups_fixtures.R)."""

import json
from pathlib import Path

import pytest

from cartrepro.stats.groups import mann_whitney, pearson, spearman, student_t

FIXTURE = json.loads((Path(__file__).resolve().parents[1] / "reference" / "fixtures" / "groups.json").read_text())
CASES = FIXTURE["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_student_t_matches_r_var_equal(case):
    got = student_t(case["a"], case["b"])
    assert got.statistic == pytest.approx(case["t_statistic"], abs=1e-9)
    assert got.p_value == pytest.approx(case["t_p"], abs=1e-9)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_mann_whitney_matches_r_wilcox_asymptotic(case):
    # R's W is the rank sum of the first group minus n1(n1+1)/2, which is scipy's U of the first group
    got = mann_whitney(case["a"], case["b"])
    assert got.statistic == pytest.approx(case["mw_statistic"], abs=1e-9)
    assert got.p_value == pytest.approx(case["mw_p"], abs=1e-9)
    assert mann_whitney(case["a"], case["b"], continuity=False).p_value == pytest.approx(case["mw_p_nocorrect"],
                                                                                         abs=1e-9)


@pytest.mark.parametrize("case", [c for c in CASES if "spearman_rho" in c], ids=lambda c: c["name"])
def test_spearman_matches_r_cor_test(case):
    got = spearman(case["a"], case["b"])
    assert got.statistic == pytest.approx(case["spearman_rho"], abs=1e-9)
    assert got.p_value == pytest.approx(case["spearman_p"], abs=1e-9)


@pytest.mark.parametrize("case", [c for c in CASES if "pearson_r" in c], ids=lambda c: c["name"])
def test_pearson_matches_r_cor_test(case):
    got = pearson(case["a"], case["b"])
    assert got.statistic == pytest.approx(case["pearson_r"], abs=1e-9)
    assert got.p_value == pytest.approx(case["pearson_p"], abs=1e-9)


def test_inputs_are_checked():
    with pytest.raises(ValueError, match="empty"):
        student_t([], [1, 2])
    with pytest.raises(ValueError, match="missing"):
        mann_whitney([1, float("nan")], [2, 3])
    with pytest.raises(ValueError, match="differ in length"):
        spearman([1, 2, 3], [1, 2])
