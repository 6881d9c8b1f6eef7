"""cartrepro.stats.survival against frozen R output, plus hand-checked values.

The R fixtures (tests/reference/fixtures/survival_*.json) were written by tests/reference/make_fixtures.R
from the cohorts in tests/reference/cohorts/ (see tests/reference/README.md); running these tests does
not need R.
"""

from __future__ import annotations

import json
import math
import time as wallclock
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cartrepro.stats.rounding import spss_round
from cartrepro.stats.survival import (
    KMPoint,
    LogRankResult,
    cumulative_incidence,
    kaplan_meier,
    km_at,
    logrank_test,
)

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
FIXTURES = sorted((REFERENCE / "fixtures").glob("survival_*.json"))
CONF_TYPES = ["plain", "log", "log-log"]
TOL = 1e-6
Z95 = 1.959963984540054  # qnorm(0.975)


def _fixture_id(path: Path) -> str:
    return path.stem.removeprefix("survival_")


def _load(path: Path) -> tuple[dict, pd.DataFrame]:
    fixture = json.loads(path.read_text())
    cohort = pd.read_csv(REFERENCE / "cohorts" / f"{fixture['cohort']}.csv", float_precision="round_trip")
    return fixture, cohort


def _arr(values) -> np.ndarray:
    """JSON list (null = R's NA/NaN) -> float array with NaN."""
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _close(ours, theirs, what: str) -> None:
    ours = np.asarray(ours, dtype=float)
    theirs = _arr(theirs) if isinstance(theirs, list) else np.asarray(theirs, dtype=float)
    assert ours.shape == theirs.shape, f"{what}: {ours.shape} rows here, {theirs.shape} in R"
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs), err_msg=f"{what}: NaN pattern differs")
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL, equal_nan=True, err_msg=what)


def test_enough_reference_fixtures():
    assert len(FIXTURES) >= 30
    cohorts = sorted((REFERENCE / "cohorts").glob("*.csv"))
    assert {p.stem for p in cohorts} == {_fixture_id(p) for p in FIXTURES}
    kinds = [json.loads(p.read_text()) for p in FIXTURES]
    assert sum("logrank" in k for k in kinds) >= 10
    assert sum("2" in k.get("cuminc", {}) for k in kinds) >= 8


# ------------------------------------------------------------------------------------------------ vs R


@pytest.mark.parametrize("conf_type", CONF_TYPES)
@pytest.mark.parametrize("path", FIXTURES, ids=_fixture_id)
def test_kaplan_meier_matches_r(path, conf_type):
    fixture, cohort = _load(path)
    ref = fixture["km"][conf_type]
    ours = kaplan_meier(
        cohort["time"], cohort["event"], conf_type=conf_type, conf_level=fixture["conf_level"]
    )
    assert list(ours.columns) == [
        "time",
        "n_risk",
        "n_event",
        "n_censor",
        "survival",
        "std_err",
        "ci_low",
        "ci_high",
    ]
    _close(ours["time"], ref["time"], "time")
    np.testing.assert_array_equal(ours["n_risk"], np.asarray(ref["n_risk"], dtype=int))
    np.testing.assert_array_equal(ours["n_event"], np.asarray(ref["n_event"], dtype=int))
    np.testing.assert_array_equal(ours["n_censor"], np.asarray(ref["n_censor"], dtype=int))
    _close(ours["survival"], ref["surv"], "survival")
    _close(ours["std_err"], ref["std_err"], "std_err")
    _close(ours["ci_low"], ref["lower"], f"{conf_type} lower")
    _close(ours["ci_high"], ref["upper"], f"{conf_type} upper")


@pytest.mark.parametrize("conf_type", CONF_TYPES)
@pytest.mark.parametrize("path", FIXTURES, ids=_fixture_id)
def test_km_at_matches_r_summary_times(path, conf_type):
    fixture, cohort = _load(path)
    ref = fixture["km_at"][conf_type]
    table = fixture["km"][conf_type]  # R's event-time table, for the n_risk convention
    event_times = np.asarray(table["time"], dtype=float)
    points = [
        km_at(cohort["time"], cohort["event"], q, conf_type=conf_type, conf_level=fixture["conf_level"])
        for q in ref["time"]
    ]
    assert [p.time for p in points] == ref["time"]
    _close([p.estimate for p in points], ref["surv"], "S(t)")
    _close([p.std_err for p in points], ref["std_err"], "SE(t)")
    low, high = _arr(ref["lower"]), _arr(ref["upper"])
    surv = _arr(ref["surv"])
    # R leaves the log-log CI NA where S = 1 at a time with censorings at or before it (its transform
    # is undefined at S = 1) although it reports (1, 1) before the first observation; km_at documents
    # (1, 1) for every S = 1. Everywhere else the bounds must be R's.
    r_undefined_at_one = (surv == 1.0) & np.isnan(low)
    if conf_type != "log-log":
        assert not r_undefined_at_one.any()
    low[r_undefined_at_one] = 1.0
    high[r_undefined_at_one] = 1.0
    _close([p.ci_low for p in points], low, "lower(t)")
    _close([p.ci_high for p in points], high, "upper(t)")
    # n_risk convention (documented): at risk at the last event time <= t, else the cohort size
    idx = np.searchsorted(event_times, np.asarray(ref["time"], dtype=float), side="right") - 1
    expected_n = [fixture["n"] if i < 0 else table["n_risk"][i] for i in idx]
    assert [p.n_risk for p in points] == expected_n


@pytest.mark.parametrize("path", FIXTURES, ids=_fixture_id)
def test_km_at_failure_is_one_minus_r_survival(path):
    fixture, cohort = _load(path)
    ref = fixture["km_at"]["plain"]
    points = [km_at(cohort["time"], cohort["event"], q, conf_type="plain", failure=True) for q in ref["time"]]
    _close([p.estimate for p in points], 1.0 - _arr(ref["surv"]), "1 - S(t)")
    _close([p.std_err for p in points], ref["std_err"], "SE")
    _close([p.ci_low for p in points], 1.0 - _arr(ref["upper"]), "1 - upper")
    _close([p.ci_high for p in points], 1.0 - _arr(ref["lower"]), "1 - lower")


LOGRANK_FIXTURES = [p for p in FIXTURES if "logrank" in json.loads(p.read_text())]


@pytest.mark.parametrize("path", LOGRANK_FIXTURES, ids=_fixture_id)
def test_logrank_matches_r_survdiff(path):
    fixture, cohort = _load(path)
    ref = fixture["logrank"]
    result = logrank_test(cohort["time"], cohort["event"], cohort["group"])
    assert isinstance(result, LogRankResult)
    assert result.df == ref["df"]
    assert result.statistic == pytest.approx(ref["chisq"], abs=TOL)
    assert result.p_value == pytest.approx(ref["p"], abs=TOL)


CIF_CASES = [
    pytest.param(p, cause, id=f"{_fixture_id(p)}-cause{cause}")
    for p in FIXTURES
    for cause in json.loads(p.read_text()).get("cuminc", {})
]


@pytest.mark.parametrize(("path", "cause"), CIF_CASES)
def test_cumulative_incidence_matches_r_cuminc(path, cause):
    fixture, cohort = _load(path)
    ref = fixture["cuminc"][cause]
    ours = cumulative_incidence(
        cohort["time"], cohort["cause"], event_of_interest=int(cause), conf_level=fixture["conf_level"]
    )
    assert list(ours.columns) == ["time", "cif", "variance", "ci_low", "ci_high"]
    _close(ours["time"], ref["time"], "time")
    _close(ours["cif"], ref["est"], "cif")
    _close(ours["variance"], ref["var"], "variance")
    _close(ours["ci_low"], ref["lower"], "cif lower")
    _close(ours["ci_high"], ref["upper"], "cif upper")

    # read as a step function at the query times, the table gives cmprsk::timepoints() (which is NA
    # beyond the last follow-up time: those are not compared)
    query = np.asarray(fixture["query_times"], dtype=float)
    tp_est, tp_var = _arr(ref["tp_est"]), _arr(ref["tp_var"])
    idx = np.searchsorted(ours["time"].to_numpy(), query, side="right") - 1
    step_est = np.where(idx >= 0, ours["cif"].to_numpy()[np.maximum(idx, 0)], 0.0)
    step_var = np.where(idx >= 0, ours["variance"].to_numpy()[np.maximum(idx, 0)], 0.0)
    defined = ~np.isnan(tp_est)
    assert defined.sum() >= 2
    assert np.all(query[~defined] > cohort["time"].max())
    _close(step_est[defined], tp_est[defined], "timepoints est")
    _close(step_var[defined], tp_var[defined], "timepoints var")


@pytest.mark.parametrize("path", [p for p in FIXTURES if _fixture_id(p) == "cr_two_groups"], ids=_fixture_id)
def test_cumulative_incidence_string_causes(path):
    fixture, cohort = _load(path)
    labels = cohort["cause"].map({0: "0", 1: "relapse", 2: "death"})
    ours = cumulative_incidence(cohort["time"], labels, event_of_interest="death")
    _close(ours["cif"], fixture["cuminc"]["2"]["est"], "cif")
    _close(ours["variance"], fixture["cuminc"]["2"]["var"], "variance")


# ------------------------------------------------------------------------------------ hand-checked

# P2 paper: 11 patients, one relapse at day 33, ten censored after a year.
P2_TIME = [33, 400, 410, 420, 450, 500, 520, 600, 640, 700, 800]
P2_EVENT = [1] + [0] * 10


def test_p2_paper_one_minus_km_with_spss_rounding():
    # S(365) = 10/11 = 0.90909 -> 0.909; Greenwood SE = S*sqrt(1/(11*10)) = 0.0866784 -> 0.087
    # 1 - S = 0.091; upper S = 0.909 + 1.96*0.087 = 1.0795 -> clipped at 1 -> lower F = 0
    # lower S = 0.909 - 1.96*0.087 = 0.73848 -> upper F = 0.091 + 1.96*0.087 = 0.26152 (the printed 1.96:
    # a hand calculation from the SPSS table, not qnorm(0.975) = 1.959964)
    p = km_at(P2_TIME, P2_EVENT, 365, conf_type="plain", spss_decimals=3, failure=True)
    assert isinstance(p, KMPoint)
    assert p.time == 365
    assert p.estimate == pytest.approx(0.091, abs=1e-9)
    assert p.std_err == pytest.approx(0.087, abs=1e-12)
    assert p.ci_low == 0.0
    assert p.ci_high == pytest.approx(0.091 + 1.96 * 0.087, abs=1e-12)
    assert p.ci_high == pytest.approx(0.2615, abs=5e-5)
    assert p.n_risk == 11
    assert f"{100 * p.estimate:.1f} ({100 * p.ci_low:.1f}-{100 * p.ci_high:.1f})" == "9.1 (0.0-26.2)"


def test_p2_paper_one_minus_km_unrounded():
    s = 10 / 11
    se = s * math.sqrt(1 / (11 * 10))  # Greenwood
    p = km_at(P2_TIME, P2_EVENT, 365, conf_type="plain", failure=True)
    assert p.estimate == pytest.approx(1 / 11, abs=1e-12)
    assert p.std_err == pytest.approx(se, abs=1e-12)
    assert p.ci_low == 0.0
    assert p.ci_high == pytest.approx(1 / 11 + Z95 * se, abs=1e-12)
    assert p.ci_high == pytest.approx(0.2608, abs=5e-5)
    assert f"{100 * p.ci_high:.1f}" == "26.1"


def test_spss_decimals_rounds_survival_not_failure():
    # without failure the rounded S is returned as is: 0.909, SE 0.087, CI 0.909 -/+ 1.96*0.087
    p = km_at(P2_TIME, P2_EVENT, 365, conf_type="plain", spss_decimals=3)
    assert (p.estimate, p.std_err) == (0.909, 0.087)
    assert p.ci_low == pytest.approx(0.909 - 1.96 * 0.087, abs=1e-12)
    assert p.ci_high == 1.0


def test_spss_multiplier_is_the_printed_196_and_unrounded_is_qnorm():
    # ten events, none censored: S(5) = 0.5, Greenwood SE = sqrt(0.5 * 0.5 / 10) = 0.158114 (0.158 rounded);
    # the two multipliers differ by 3.6e-5 * 0.158 = 5.7e-6, far above the tolerance
    days, events = list(range(1, 11)), [1] * 10
    rounded = km_at(days, events, 5, conf_type="plain", spss_decimals=3)
    assert (rounded.estimate, rounded.std_err) == (0.5, 0.158)
    assert rounded.ci_low == pytest.approx(0.5 - 1.96 * 0.158, abs=1e-12)
    assert rounded.ci_high == pytest.approx(0.5 + 1.96 * 0.158, abs=1e-12)
    unrounded = km_at(days, events, 5, conf_type="plain")
    assert unrounded.ci_low == pytest.approx(0.5 - Z95 * math.sqrt(0.025), abs=1e-12)


def test_kaplan_meier_hand_example():
    # times 1,2,2+,3,4 (+ = censored): n = 5,4,2,1 at the event times
    # S = 4/5, 4/5*3/4, 0.6*1/2, 0.3*0 = 0.8, 0.6, 0.3, 0
    # Greenwood: 0.8*sqrt(1/20) = 0.178885; 0.6*sqrt(1/20+1/12) = 0.219089; 0.3*sqrt(1/20+1/12+1/2) = 0.238747
    km = kaplan_meier([1, 2, 2, 3, 4], [1, 1, 0, 1, 1], conf_type="plain")
    assert km["time"].tolist() == [1, 2, 3, 4]
    assert km["n_risk"].tolist() == [5, 4, 2, 1]
    assert km["n_event"].tolist() == [1, 1, 1, 1]
    assert km["n_censor"].tolist() == [0, 1, 0, 0]
    np.testing.assert_allclose(km["survival"], [0.8, 0.6, 0.3, 0.0], atol=1e-12)
    expected_se = [
        0.8 * math.sqrt(1 / 20),
        0.6 * math.sqrt(1 / 20 + 1 / 12),
        0.3 * math.sqrt(1 / 20 + 1 / 12 + 1 / 2),
    ]
    np.testing.assert_allclose(km["std_err"][:3], expected_se, atol=1e-12)
    # S = 0: SE and CI undefined (NaN), as R reports
    assert math.isnan(km["std_err"][3]) and math.isnan(km["ci_low"][3]) and math.isnan(km["ci_high"][3])
    # plain CI at t=1: 0.8 -/+ 1.959964*0.178885 = (0.449391, 1.15 -> 1)
    assert km["ci_low"][0] == pytest.approx(0.8 - Z95 * expected_se[0], abs=1e-12)
    assert km["ci_high"][0] == 1.0


def test_log_and_loglog_transforms_by_hand():
    t, e = [1, 2, 2, 3, 4], [1, 1, 0, 1, 1]
    s, se = 0.6, 0.6 * math.sqrt(1 / 20 + 1 / 12)
    log = kaplan_meier(t, e, conf_type="log").iloc[1]
    assert log["ci_low"] == pytest.approx(math.exp(math.log(s) - Z95 * se / s), abs=1e-12)
    assert log["ci_high"] == 1.0  # exp(log 0.6 + 1.96*0.365) = 1.23 capped at 1
    loglog = kaplan_meier(t, e, conf_type="log-log").iloc[1]
    c = Z95 * se / (s * abs(math.log(s)))
    assert loglog["ci_low"] == pytest.approx(math.exp(-math.exp(math.log(-math.log(s)) + c)), abs=1e-12)
    assert loglog["ci_high"] == pytest.approx(math.exp(-math.exp(math.log(-math.log(s)) - c)), abs=1e-12)


@pytest.mark.parametrize("conf_type", CONF_TYPES)
def test_km_at_before_first_event(conf_type):
    p = km_at([1, 1, 5, 7], [0, 0, 1, 0], 3, conf_type=conf_type)
    assert (p.estimate, p.std_err, p.ci_low, p.ci_high, p.n_risk) == (1.0, 0.0, 1.0, 1.0, 4)
    f = km_at([1, 1, 5, 7], [0, 0, 1, 0], 3, conf_type=conf_type, failure=True)
    assert (f.estimate, f.std_err, f.ci_low, f.ci_high) == (0.0, 0.0, 0.0, 0.0)


def test_km_at_is_right_continuous():
    # an event at exactly t counts: S(5) = 3/4, S(4.999) = 1
    assert km_at([2, 5, 7, 9], [0, 1, 1, 0], 5).estimate == pytest.approx(2 / 3)
    assert km_at([2, 5, 7, 9], [0, 1, 1, 0], 4.999).estimate == 1.0


def test_input_types_give_identical_results():
    t = [3, 1, 4, 1, 5, 9, 2, 6]
    e = [1, 0, 1, 1, 0, 1, 0, 1]
    base = kaplan_meier(t, e)
    for tt, ee in [
        (np.array(t), np.array(e, dtype=bool)),
        (pd.Series(t, dtype=float), pd.Series(e)),
        (tuple(t), [bool(x) for x in e]),
        (pd.Series(t, index=range(10, 18)), pd.Series(e, index=range(20, 28), dtype="Int64")),
    ]:
        pd.testing.assert_frame_equal(kaplan_meier(tt, ee), base)


def test_logrank_hand_example():
    # A fails at 1, B at 2. At t=1: n=2 (1 A), d=1 -> E_A = 1/2, V = 1*1/1 * 1/2*1/2 = 1/4; at t=2 only B
    # is at risk: E_A = 0, V = 0. chi2 = (1 - 1/2)^2 / (1/4) = 1, p = P(chi2_1 > 1) = 0.3173105
    r = logrank_test([1, 2], [1, 1], ["A", "B"])
    assert r.statistic == pytest.approx(1.0, abs=1e-12)
    assert r.df == 1
    assert r.p_value == pytest.approx(0.31731050786291415, abs=1e-9)


def test_logrank_is_invariant_to_group_labels():
    rng = np.random.default_rng(7)
    t = rng.integers(1, 50, 60)
    e = rng.integers(0, 2, 60)
    g = np.repeat(["x", "y", "z"], 20)
    a = logrank_test(t, e, g)
    b = logrank_test(t, e, np.repeat([3, 1, 2], 20))
    assert a.df == b.df == 2
    assert a.statistic == pytest.approx(b.statistic, abs=1e-10)


def test_cumulative_incidence_hand_example():
    # times 1 (cause 1), 2 (cause 2), 3 (cause 1), 4 (censored):
    # F1(1) = 1/4; S(2) = 3/4*2/3 = 1/2; F1(3) = 1/4 + S(2)*1/2 = 1/2
    cif = cumulative_incidence([1, 2, 3, 4], [1, 2, 1, 0], event_of_interest=1)
    assert cif["time"].tolist() == [1.0, 3.0]
    np.testing.assert_allclose(cif["cif"], [0.25, 0.5], atol=1e-12)
    # Gray's variance as cmprsk's cinc computes it, at the first jump t=1: n=4, d=1, S(1-)=1, S(1)=3/4,
    # F=1/4; w = S(1-)^2 d/n^2 = 1/16, a = 1/S(1) = 4/3, b = 1 + a F = 4/3:
    # v = w b^2 + F^2 w a^2 - 2 F w a b = (1/16)(16/9)(1 + 1/16 - 1/2) = 1/16
    assert cif["variance"][0] == pytest.approx(1 / 16, abs=1e-12)


def test_cumulative_incidence_without_competing_risk_is_one_minus_km():
    rng = np.random.default_rng(11)
    t = rng.integers(1, 40, 80)
    e = rng.integers(0, 2, 80)
    cif = cumulative_incidence(t, e, event_of_interest=1)
    km = kaplan_meier(t, e)
    np.testing.assert_allclose(cif["time"], km["time"])
    np.testing.assert_allclose(cif["cif"], 1 - km["survival"], atol=1e-12)


def test_cumulative_incidence_is_deterministic_with_ties():
    t = [5, 5, 5, 5, 8, 8, 8, 10, 10, 12]
    c = [1, 2, 0, 1, 2, 1, 1, 0, 2, 1]
    first = cumulative_incidence(t, c, event_of_interest=1)
    for _ in range(5):
        pd.testing.assert_frame_equal(cumulative_incidence(t, c, event_of_interest=1), first)
    assert first["time"].tolist() == [5.0, 8.0, 12.0]


def test_cumulative_incidence_absent_cause_gives_empty_table():
    out = cumulative_incidence([1, 2, 3], [1, 0, 1], event_of_interest=2)
    assert out.empty and list(out.columns) == ["time", "cif", "variance", "ci_low", "ci_high"]


def test_large_cohort_is_fast():
    rng = np.random.default_rng(3)
    n = 10_000
    t = np.round(rng.exponential(300, n), 1)
    c = rng.integers(0, 3, n)
    e = c > 0
    g = rng.integers(0, 3, n)
    start = wallclock.perf_counter()
    km = kaplan_meier(t, e)
    km_at(t, e, 365.0)
    logrank_test(t, e, g)
    cumulative_incidence(t, c, event_of_interest=1)
    elapsed = wallclock.perf_counter() - start
    assert len(km) > 1000
    assert elapsed < 5.0, f"10,000 patients took {elapsed:.2f}s"


# ---------------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("time", "event", "message"),
    [
        ([1, 2, 3], [1, 0], "same length"),
        ([1, float("nan"), 3], [1, 0, 1], "missing"),
        ([1, -2, 3], [1, 0, 1], ">= 0"),
        ([1, 2, 3], [1, 2, 0], "0/1"),
        ([1, 2, 3], [1, None, 0], "missing"),
        ([], [], "empty"),
        (["a", "b"], [1, 0], "numeric"),
        ([1, float("inf")], [1, 0], "infinite"),
        ([[1, 2], [3, 4]], [1, 0], "one-dimensional"),
    ],
)
def test_kaplan_meier_rejects_bad_input(time, event, message):
    with pytest.raises(ValueError, match=message):
        kaplan_meier(time, event)


def test_bad_confidence_arguments():
    with pytest.raises(ValueError, match="conf_type"):
        kaplan_meier([1, 2], [1, 0], conf_type="logit")
    with pytest.raises(ValueError, match="conf_level"):
        kaplan_meier([1, 2], [1, 0], conf_level=95)
    with pytest.raises(ValueError, match="spss_decimals"):
        km_at([1, 2], [1, 0], 1, conf_type="log-log", spss_decimals=3)
    with pytest.raises(ValueError, match="NaN"):
        km_at([1, 2], [1, 0], float("nan"))


def test_logrank_rejects_bad_input():
    with pytest.raises(ValueError, match="at least 2 groups"):
        logrank_test([1, 2, 3], [1, 0, 1], ["a", "a", "a"])
    with pytest.raises(ValueError, match="same length"):
        logrank_test([1, 2, 3], [1, 0, 1], ["a", "b"])
    with pytest.raises(ValueError, match="missing"):
        logrank_test([1, 2, 3], [1, 0, 1], ["a", None, "b"])
    with pytest.raises(ValueError, match="at least one event"):
        logrank_test([1, 2, 3], [0, 0, 0], ["a", "b", "b"])


def test_cumulative_incidence_rejects_bad_input():
    with pytest.raises(ValueError, match="cannot be 0"):
        cumulative_incidence([1, 2], [1, 0], event_of_interest=0)
    with pytest.raises(ValueError, match="same length"):
        cumulative_incidence([1, 2], [1, 0, 2], event_of_interest=1)
    with pytest.raises(ValueError, match="missing"):
        cumulative_incidence([1, 2], [1, None], event_of_interest=1)
    with pytest.raises(ValueError, match=">= 0"):
        cumulative_incidence([-1, 2], [1, 2], event_of_interest=1)


# ------------------------------------------------------------------------------------------ rounding


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (0.0005, 3, 0.001),  # half up, where round() gives 0.0 (binary value is just below .0005)
        (2.675, 2, 2.68),  # round(2.675, 2) == 2.67 in Python
        (-2.675, 2, -2.68),  # symmetric for negatives
        (-0.0005, 3, -0.001),
        (0.0865, 3, 0.087),
        (0.9090909090909091, 3, 0.909),
        (0.0866784172041447, 3, 0.087),
        (1.5, 0, 2.0),  # banker's rounding would give 2 too, but
        (2.5, 0, 3.0),  # ... here it would give 2
        (0.1234, 6, 0.1234),
    ],
)
def test_spss_round_half_up(x, decimals, expected):
    assert spss_round(x, decimals) == expected


def test_spss_round_special_values():
    assert math.isnan(spss_round(float("nan"), 3))
    assert spss_round(float("inf"), 3) == float("inf")
    assert spss_round(np.float64(2.675), 2) == 2.68
    with pytest.raises(ValueError, match="decimals"):
        spss_round(1.0, -1)


def test_large_cohort_agrees_with_lifelines():
    # lifelines is an independent implementation; its CI is the log-log ("exponential Greenwood") one
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(5)
    t = np.round(rng.exponential(300, 10_000), 1)
    e = rng.integers(0, 2, 10_000)
    ours = kaplan_meier(t, e, conf_type="log-log")
    fitter = KaplanMeierFitter().fit(t, e)
    theirs = fitter.survival_function_.iloc[:, 0].loc[ours["time"]].to_numpy()
    np.testing.assert_allclose(ours["survival"], theirs, rtol=0, atol=1e-10)
    bounds = fitter.confidence_interval_.loc[ours["time"]].to_numpy()
    defined = ours["survival"].to_numpy() > 0
    np.testing.assert_allclose(ours["ci_low"][defined], bounds[defined, 0], rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours["ci_high"][defined], bounds[defined, 1], rtol=0, atol=1e-10)
