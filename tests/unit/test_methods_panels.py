"""The methods-chapter panels (cartrepro.methods.survival) on a tiny cohort worked out by hand.

The cohort: 11 patients, one event on day 33, the other 10 censored after the 1-year horizon (days 400-409).
It has the structure of the Figure 4b relapse analysis (1 relapse among 11 HCT patients), so the hand
numbers are the ones the ledger discusses (inconsistency relapse_ci_26_2):

    S(365)  = (11 - 1) / 11 = 0.909091          F = 1 - S = 0.090909
    Greenwood Var S = S^2 * d / (n (n - d)) = S^2 / (11 * 10)
    SE      = S * sqrt(1/110) = 0.909091 * 0.095346 = 0.086678
    z       = 1.959964 (two-sided 95%)

    paper's method (SPSS shows S = 0.909, SE = 0.087):
        F = 1 - 0.909 = 0.091;  0.091 + 1.959964 * 0.087 = 0.091 + 0.170517 = 0.261517 -> 26.2
                                0.091 - 0.170517 < 0                                     -> 0.0
    plain, unrounded:   0.090909 + 1.959964 * 0.086678 = 0.090909 + 0.169887 = 0.260796 -> 26.1
    log (R default), on S:  lower S = exp(log 0.909091 - z * SE/S) = exp(-0.095310 - 0.186875)
                                    = exp(-0.282186) = 0.754134  -> F upper 24.59
                            upper S = min(exp(-0.095310 + 0.186875), 1) = 1 -> F lower 0
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter

from cartrepro.methods.printing import would_print_matrix
from cartrepro.methods.survival import (
    PANEL_COLUMNS,
    km_method_panel,
    km_tools_panel,
    ledger_methods,
    spss_rounding_panel,
)
from cartrepro.pages.display import html_table
from cartrepro.stats.survival import cumulative_incidence

Z = 1.959963984540054
TIME = np.array([33.0] + [400.0 + i for i in range(10)])
EVENT = np.array([True] + [False] * 10)
PUBLISHED = (9.1, 0.0, 26.2)
S = 10 / 11
SE = S * math.sqrt(1 / 110)


@pytest.fixture(scope="module")
def relapse_panel() -> pd.DataFrame:
    return km_method_panel(TIME, EVENT, 365, PUBLISHED, failure=True).set_index("key")


def test_hand_numbers():
    assert SE == pytest.approx(0.0866784, abs=1e-7)
    assert 0.091 + Z * 0.087 == pytest.approx(0.261517, abs=1e-6)


def test_panel_rows_and_columns(relapse_panel):
    assert list(relapse_panel.reset_index().columns) == PANEL_COLUMNS
    assert list(relapse_panel.index) == ["published", "spss_plain", "plain", "log", "log_log", "lifelines"]
    assert relapse_panel.at["published", "would_print"] == "—"
    assert relapse_panel.at["published", "printed_as"] == "9.1 (0.0–26.2)"


def test_paper_method_prints_the_published_digits(relapse_panel):
    row = relapse_panel.loc["spss_plain"]
    assert row["estimate"] == pytest.approx(9.1)  # 1 - 0.909
    assert row["std_err"] == pytest.approx(8.7)  # SE shown as 0.087
    assert row["ci_low"] == 0.0  # 0.091 - 0.1705 clipped at 0
    assert row["ci_high"] == pytest.approx(100 * (0.091 + 1.96 * 0.087), abs=1e-9)  # 26.152, the printed z
    assert row["printed_as"] == "9.1 (0.0–26.2)"
    assert row["would_print"] == "yes"
    assert row["differs"] == ""
    assert row["helper"] == 'km_at(conf_type="plain", spss_decimals=3, failure=True)'


def test_unrounded_plain_misses_the_upper_bound(relapse_panel):
    row = relapse_panel.loc["plain"]
    assert row["estimate"] == pytest.approx(100 / 11)
    assert row["std_err"] == pytest.approx(100 * SE)
    assert row["ci_high"] == pytest.approx(100 * (1 / 11 + Z * SE))  # 26.0796
    assert row["ci_high"] == pytest.approx(26.08, abs=0.005)
    assert row["printed_as"] == "9.1 (0.0–26.1)"
    assert row["would_print"] == "no"
    assert row["differs"] == "upper 26.1 vs 26.2"


def test_log_and_log_log_rows(relapse_panel):
    se_log = SE / S  # SE of log S = sqrt(1/110)
    log = relapse_panel.loc["log"]
    assert log["ci_low"] == pytest.approx(0.0)  # upper S capped at 1
    assert log["ci_high"] == pytest.approx(100 * (1 - math.exp(math.log(S) - Z * se_log)))  # 24.59
    assert log["ci_high"] == pytest.approx(24.5866, abs=1e-4)
    assert log["printed_as"] == "9.1 (0.0–24.6)"
    # log-log on S: exp(-exp(log(-log S) -/+ z SE / (S |log S|))); F = 1 - S swaps the bounds
    shift = Z * se_log / abs(math.log(S))
    s_low = math.exp(-math.exp(math.log(-math.log(S)) + shift))
    s_high = math.exp(-math.exp(math.log(-math.log(S)) - shift))
    loglog = relapse_panel.loc["log_log"]
    assert loglog["ci_low"] == pytest.approx(100 * (1 - s_high))
    assert loglog["ci_high"] == pytest.approx(100 * (1 - s_low))
    assert loglog["printed_as"] == "9.1 (1.3–49.2)"
    assert loglog["differs"] == "lower 1.3 vs 0.0; upper 49.2 vs 26.2"


@pytest.mark.parametrize("failure", [False, True])
def test_lifelines_row_is_lifelines_own_output(failure):
    panel = km_method_panel(TIME, EVENT, 365, None, failure=failure).set_index("key")
    kmf = KaplanMeierFitter().fit(TIME, event_observed=EVENT)
    if failure:
        estimate = kmf.cumulative_density_.loc[33.0].iloc[0]
        bounds = kmf.confidence_interval_cumulative_density_.loc[33.0]  # last time <= 365 with a change
    else:
        estimate = kmf.survival_function_.loc[33.0].iloc[0]
        bounds = kmf.confidence_interval_.loc[33.0]
    row = panel.loc["lifelines"]
    assert row["estimate"] == pytest.approx(100 * estimate, rel=1e-12)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(100 * np.sort(bounds.to_numpy())), rel=1e-12)
    # lifelines' default interval is the log-log one
    assert row["ci_low"] == pytest.approx(panel.at["log_log", "ci_low"], rel=1e-9)
    assert row["ci_high"] == pytest.approx(panel.at["log_log", "ci_high"], rel=1e-9)
    assert row["would_print"] == "—"  # no published value given


def test_lifelines_row_reads_the_step_at_the_horizon():
    """The horizon falls between lifelines' time points: the value in force at 365 is that of day 300."""
    time = np.array([10.0, 300.0, 400.0, 500.0, 600.0])
    event = np.array([True, True, False, True, False])
    panel = km_method_panel(time, event, 365, None).set_index("key")
    kmf = KaplanMeierFitter().fit(time, event_observed=event)
    assert panel.at["lifelines", "estimate"] == pytest.approx(100 * kmf.survival_function_.loc[300.0].iloc[0])
    assert panel.at["lifelines", "estimate"] == pytest.approx(100 * 4 / 5 * 3 / 4)  # 5 at risk, then 4


def test_competing_risk_rows_without_competing_events():
    """No competing event: Aalen-Johansen = 1 - KM, but Gray's variance is not Greenwood's.

    Gray's variance as cmprsk cuminc computes it, at the one event (n = 11, d = 1, S(t-) = 1, S(t) = 10/11,
    F = 1/11): w = S(t-)^2 d / n^2 = 1/121; b = 1 + F / S(t) = 1.1; 1 / S(t) = 1.1;
    var = b^2 w + F^2 (1/S)^2 w - 2 F (1/S) b w = (1.21 / 121) (1 - F)^2 = 0.01 * (10/11)^2,
    SE = 0.1 * 10/11 = 1/11 = 0.090909 (Greenwood: 0.086678).
    Plain: 0.090909 * (1 + 1.959964) = 0.269088 -> 26.9, the ledger's "cmprsk cuminc (26.9)".
    log(-log): F ** exp(-/+ z SE / (F log F)); z SE / (F log F) = 1.959964 / log(1/11) = -0.817368,
    upper = F ** exp(-0.817368) = F ** 0.441592 = exp(-2.397895 * 0.441592) = 0.346840 -> 34.7.
    """
    panel = km_method_panel(TIME, EVENT, 365, PUBLISHED, failure=True, competing=np.zeros(11, bool))
    panel = panel.set_index("key")
    aj = panel.loc["aalen_johansen"]
    assert aj["estimate"] == pytest.approx(100 / 11)
    assert aj["std_err"] == pytest.approx(100 / 11)
    assert aj["ci_high"] == pytest.approx(100 * (1 / 11) ** math.exp(Z / math.log(1 / 11)))  # 34.684
    assert aj["ci_high"] == pytest.approx(34.684, abs=1e-3)
    plain = panel.loc["aalen_johansen_plain"]
    assert plain["ci_high"] == pytest.approx(100 * (1 + Z) / 11)  # 26.9088
    assert plain["printed_as"] == "9.1 (0.0–26.9)"
    assert plain["differs"] == "upper 26.9 vs 26.2"
    assert panel.at["lifelines_aalen_johansen", "estimate"] == pytest.approx(100 / 11)


def test_competing_risk_rows_match_cumulative_incidence():
    time = np.array([20.0, 33.0, 50.0, 50.0, 120.0, 200.0, 380.0, 400.0, 410.0, 420.0])
    event = np.array([False, True, True, False, False, True, False, False, False, False])
    competing = np.array([True, False, False, True, True, False, False, False, False, False])
    panel = km_method_panel(time, event, 365, None, failure=True, competing=competing).set_index("key")
    cause = np.where(event, 1, np.where(competing, 2, 0))
    table = cumulative_incidence(time, cause, event_of_interest=1)
    last = table[table["time"] <= 365].iloc[-1]
    row = panel.loc["aalen_johansen"]
    assert row["estimate"] == pytest.approx(100 * last["cif"])
    assert row["std_err"] == pytest.approx(100 * math.sqrt(last["variance"]))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((100 * last["ci_low"], 100 * last["ci_high"]))
    # with competing events the CIF is below 1 - KM (KM treats the competing deaths as censored)
    assert row["estimate"] < panel.at["plain", "estimate"]
    # lifelines jitters the tied day 50 with a fixed seed: same estimate (the jitter is far from the horizon)
    assert panel.at["lifelines_aalen_johansen", "estimate"] == pytest.approx(row["estimate"])
    again = km_method_panel(time, event, 365, None, failure=True, competing=competing)
    pd.testing.assert_frame_equal(panel.reset_index(), again)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="failure=True"):
        km_method_panel(TIME, EVENT, 365, None, competing=np.zeros(11, bool))
    with pytest.raises(ValueError, match="both the event and a competing event"):
        km_method_panel(TIME, EVENT, 365, None, failure=True, competing=EVENT)
    with pytest.raises(ValueError, match="estimate, ci_low, ci_high"):
        km_method_panel(TIME, EVENT, 365, (9.1, 26.2))
    with pytest.raises(ValueError, match="same length"):
        km_method_panel(TIME, EVENT[:5], 365, None)


def test_tools_panel_agrees_on_estimate_and_greenwood_se():
    tools = km_tools_panel(TIME, EVENT, 365, failure=True).set_index("tool")
    assert list(tools.index) == ["cartrepro", "SPSS table", "lifelines", "statsmodels"]
    assert tools.at["cartrepro", "estimate"] == pytest.approx(1 / 11)
    assert tools.at["cartrepro", "std_err"] == pytest.approx(SE)
    assert tools.at["SPSS table", "estimate"] == pytest.approx(0.091)
    assert tools.at["SPSS table", "std_err"] == pytest.approx(0.087)
    assert tools.at["lifelines", "estimate"] == pytest.approx(1 / 11)
    assert np.isnan(tools.at["lifelines", "std_err"])
    assert tools.at["statsmodels", "estimate"] == pytest.approx(1 / 11)
    assert tools.at["statsmodels", "std_err"] == pytest.approx(SE)
    assert (tools["n_events"] == 1).all()


def test_spss_rounding_panel():
    row = spss_rounding_panel(TIME, EVENT, 365, failure=True).iloc[0]
    assert row["survival"] == pytest.approx(S)
    assert row["std_err"] == pytest.approx(SE)
    assert row["survival_spss"] == 0.909
    assert row["std_err_spss"] == 0.087
    assert row["estimate_pct"] == pytest.approx(9.1)
    assert row["ci_high_pct"] == pytest.approx(100 * (1 / 11 + Z * SE))
    assert row["ci_high_spss_pct"] == pytest.approx(100 * (0.091 + 1.96 * 0.087), abs=1e-9)


def test_would_print_matrix(relapse_panel):
    survival = km_method_panel(TIME, EVENT, 365, (90.9, 73.8, 100.0))
    relapse = km_method_panel(TIME, EVENT, 365, PUBLISHED, failure=True, competing=np.zeros(11, bool))
    matrix = would_print_matrix({"S": survival, "F": relapse})
    assert list(matrix.columns) == ["method", "S", "F"]
    by_method = matrix.set_index("method")
    assert matrix["method"].iloc[0] == "Published value (SPSS 25)"
    assert by_method["F"].iloc[0] == "9.1 (0.0–26.2)"
    assert by_method["F"].iloc[1] == "9.1 (0.0–26.2) (yes)"
    assert by_method["F"].iloc[2] == "9.1 (0.0–26.1) (no)"
    assert by_method["S"].iloc[-1] == "—"  # no competing-risks row for the survival panel
    picked = would_print_matrix({"F": relapse}, keys=["plain", "spss_plain"])
    assert list(picked["F"]) == ["9.1 (0.0–26.1) (no)", "9.1 (0.0–26.2) (yes)"]


def test_ledger_methods_filters_by_keyword_and_paper():
    ledger = {
        "a": SimpleNamespace(id="a", paper="cd22", printed="1", method="Kaplan-Meier, linear CI"),
        "b": SimpleNamespace(id="b", paper="car1922", printed="P = 0.01", method="two-sided Log-rank test"),
        "c": SimpleNamespace(id="c", paper="car1922", printed="2", method="Kaplan-Meier, log(-log) CI"),
    }
    assert list(ledger_methods("kaplan-meier", ledger=ledger)["id"]) == ["a", "c"]
    assert list(ledger_methods("kaplan-meier", paper="cd22", ledger=ledger)["id"]) == ["a"]
    assert list(ledger_methods("log-rank", "linear", ledger=ledger)["id"]) == ["a", "b"]
    assert ledger_methods("cox", ledger=ledger).empty


def test_ledger_methods_real_ledger_lists_the_figure_4_numbers():
    ids = set(ledger_methods("kaplan-meier", paper="cd22")["id"])
    assert {"p2_fig4a_lfs_1y", "p2_fig4b_relapse_1y", "p2_fig4c_lfs_1y"} <= ids


def test_html_table_is_deterministic_and_formats_numbers(relapse_panel):
    frame = relapse_panel.reset_index()
    html = html_table(frame, formats={"std_err": "{:.3f}"})
    assert html == html_table(frame, formats={"std_err": "{:.3f}"})
    assert "<table" in html and "id=" not in html  # no Styler ids
    assert "<td>26.15</td>" in html  # default two decimals
    assert "<td>8.700</td>" in html  # per-column format
    assert "<td>—</td>" in html  # NaN
