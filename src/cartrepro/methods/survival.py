"""Comparison panels for the methods chapter: one published survival number, computed every way.

A reviewer's question about a published Kaplan-Meier number is usually "which method produced it, and would
another tool have printed the same?". The functions here answer it with tidy tables, so that the methods
notebooks stay thin:

* :func:`km_method_panel` -- one estimate at a horizon (e.g. 1-year LFS) computed with the paper's method
  and with every common default (plain / log / log-log intervals, SPSS rounding, lifelines, and for a
  cumulative incidence the competing-risks Aalen-Johansen estimate), each row saying whether it would have
  printed the paper's digits;
* :func:`km_tools_panel` -- the point estimate and Greenwood SE from our helper, lifelines and statsmodels;
* :func:`spss_rounding_panel` -- S and SE before and after SPSS's 3-decimal display, and the CI from each;
* :func:`ledger_methods` -- the published numbers whose ledger ``method`` names a given method.

Rows are built by :func:`cartrepro.methods.printing.method_row` (the chapter's one "would it print the
same digits" rule); :func:`~cartrepro.methods.printing.would_print_matrix` puts panels side by side.

Estimates and bounds in the method panels are in percent, as the papers print them; the published triple is
given in percent too, e.g. ``(71.6, 44.2, 99.0)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cartrepro.methods.printing import method_row, would_print_matrix
from cartrepro.stats.rounding import spss_round
from cartrepro.stats.survival import cumulative_incidence, km_at

__all__ = [
    "PANEL_COLUMNS",
    "km_method_panel",
    "km_tools_panel",
    "ledger_methods",
    "spss_rounding_panel",
    "would_print_matrix",
]

PANEL_COLUMNS = [
    "key", "method", "default_of", "helper", "estimate", "std_err", "ci_low", "ci_high",
    "printed_as", "would_print", "differs",
]


# --------------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------------


def _float_times(time) -> np.ndarray:
    return pd.Series(np.asarray(time)).to_numpy(dtype=float, na_value=np.nan)


def _bool_array(values, n: int, name: str) -> np.ndarray:
    arr = pd.Series(np.asarray(values)).astype("boolean").to_numpy(dtype=bool, na_value=False)
    if arr.shape[0] != n:
        raise ValueError(f"time and {name} must have the same length ({n} != {arr.shape[0]})")
    return arr


def _published_triple(published: Sequence[float]) -> tuple[float, float, float]:
    values = tuple(float(v) for v in published)
    if len(values) != 3:
        raise ValueError(f"published must be (estimate, ci_low, ci_high) in percent, got {published!r}")
    return values  # type: ignore[return-value]


def _step_value(frame: pd.DataFrame | pd.Series, horizon: float):
    """The row of a right-continuous step function (indexed by time) in force at ``horizon``."""
    before = frame[frame.index <= horizon]
    if before.empty:
        raise ValueError(f"no time point at or before {horizon} in the lifelines output")
    return before.iloc[-1]


# --------------------------------------------------------------------------------------------------
# the method panel
# --------------------------------------------------------------------------------------------------


def _lifelines_km(time: np.ndarray, event: np.ndarray, horizon: float, failure: bool) -> tuple[float, float, float]:
    """lifelines' own KaplanMeierFitter output at ``horizon`` (its default 95% interval), in fractions."""
    from lifelines import KaplanMeierFitter

    kmf = KaplanMeierFitter().fit(time, event_observed=event)
    if failure:
        estimate = _step_value(kmf.cumulative_density_, horizon).iloc[0]
        bounds = _step_value(kmf.confidence_interval_cumulative_density_, horizon)
    else:
        estimate = _step_value(kmf.survival_function_, horizon).iloc[0]
        bounds = _step_value(kmf.confidence_interval_, horizon)
    low, high = sorted(float(b) for b in bounds)
    return float(estimate), low, high


def _lifelines_aalen_johansen(time: np.ndarray, cause: np.ndarray, horizon: float) -> tuple[float, float, float]:
    """lifelines' AalenJohansenFitter at ``horizon``: estimate and its default 95% interval, in fractions.

    lifelines jitters tied times at random: a fixed seed keeps the page reproducible, and numpy's global
    random state (which lifelines reseeds) is restored afterwards. lifelines 0.30.3 names its two bound
    columns the other way round (``_upper_`` holds the lower bound); the bounds are taken as (min, max).
    """
    from lifelines import AalenJohansenFitter

    state = np.random.get_state()
    try:
        with warnings.catch_warnings():
            # lifelines warns (category Warning) before it jitters tied times; the seed makes that reproducible
            warnings.filterwarnings("ignore", message="Tied event times were detected", category=Warning)
            ajf = AalenJohansenFitter(seed=0).fit(time, cause, event_of_interest=1)
    finally:
        np.random.set_state(state)
    estimate = float(_step_value(ajf.cumulative_density_, horizon).iloc[0])
    low, high = sorted(float(b) for b in _step_value(ajf.confidence_interval_, horizon))
    return estimate, low, high


def _cif_at(time: np.ndarray, cause: np.ndarray, horizon: float) -> tuple[float, float, float, float]:
    """(F, variance, ci_low, ci_high) of cause 1 at ``horizon`` from :func:`cumulative_incidence`."""
    table = cumulative_incidence(time, cause, event_of_interest=1)
    table = table[table["time"] <= horizon]
    if table.empty:  # no event of interest yet: F = 0 with no variance
        return 0.0, 0.0, 0.0, 0.0
    last = table.iloc[-1]
    return float(last["cif"]), float(last["variance"]), float(last["ci_low"]), float(last["ci_high"])


def km_method_panel(
    time,
    event,
    horizon_days: float,
    published: Sequence[float] | None,
    *,
    failure: bool = False,
    competing=None,
    decimals: int = 1,
    spss_decimals: int = 3,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """One Kaplan-Meier number at ``horizon_days`` computed with the paper's method and each common default.

    Parameters
    ----------
    time, event : the analysis set (days; event True/1, censored False/0), as for
        :func:`cartrepro.stats.survival.km_at`.
    horizon_days : the time read off the step function (365 for a "1-year" estimate).
    published : the printed (estimate, ci_low, ci_high) in percent, or None (no "would print" verdicts).
    failure : the number is a cumulative incidence 1 - S(t) (e.g. relapse with the competing event censored).
    competing : optional booleans, True where the observation ended with a *competing* event (it is then
        censored in ``event``). Adds the competing-risks rows (needs ``failure=True``): Aalen-Johansen with
        the Gray variance and the log(-log) interval of :func:`cumulative_incidence`, the same estimate and
        variance with a plain interval, and lifelines' ``AalenJohansenFitter``.
    decimals : printed precision of the published numbers (1 for "71.6 (44.2–99.0)").
    spss_decimals : decimals of the SPSS table the paper's CI was computed from.

    Returns
    -------
    DataFrame with :data:`PANEL_COLUMNS`: ``key`` (published, spss_plain, plain, log, log_log, lifelines,
    then aalen_johansen, aalen_johansen_plain, lifelines_aalen_johansen), ``method``, ``default_of`` (which
    software uses it by default), ``helper`` (the call that computes it), ``estimate``, ``std_err``,
    ``ci_low``, ``ci_high`` (percent; ``std_err`` NaN where the tool does not report it), ``printed_as``
    (rounded half up to ``decimals``), ``would_print`` ("yes"/"no"; "—" for the published row or without
    ``published``) and ``differs`` (which printed numbers would have changed, e.g. "upper 26.1 vs 26.2").
    """
    t = _float_times(time)
    e = _bool_array(event, t.shape[0], "event")
    pub = None if published is None else _published_triple(published)
    horizon = float(horizon_days)
    rows = [] if pub is None else [_panel_row("published", "Published value (SPSS 25)", "", "", pub, float("nan"),
                                              None, decimals)]
    rows += _km_rows(t, e, horizon, pub, failure=failure, decimals=decimals, spss_decimals=spss_decimals,
                     conf_level=conf_level)
    if competing is not None:
        if not failure:
            raise ValueError("competing-risks rows estimate a cumulative incidence: pass failure=True")
        comp = _bool_array(competing, t.shape[0], "competing")
        if (comp & e).any():
            raise ValueError("an observation cannot be both the event and a competing event")
        rows += _competing_rows(t, np.where(e, 1, np.where(comp, 2, 0)), horizon, pub, decimals, conf_level)
    return pd.DataFrame(rows, columns=PANEL_COLUMNS)


def _panel_row(key: str, method: str, default_of: str, helper: str, triple: Sequence[float], std_err: float,
               published: tuple[float, float, float] | None, decimals: int) -> dict:
    """A :func:`km_method_panel` row from an (estimate, lower, upper) triple in percent."""
    estimate, low, high = (float(v) for v in triple)
    return method_row(key, method, default_of, (estimate, low, high), published, decimals, helper=helper,
                      estimate=estimate, std_err=std_err, ci_low=low, ci_high=high)


def _km_rows(t: np.ndarray, e: np.ndarray, horizon: float, pub, *, failure: bool, decimals: int,
             spss_decimals: int, conf_level: float) -> list[dict]:
    """The Kaplan-Meier rows: the paper's SPSS-table interval, plain, log, log-log and lifelines' own."""
    variants = [
        ("spss_plain", f"Plain S ± z·SE from the SPSS table ({spss_decimals} decimals): the paper's method", "",
         "plain", spss_decimals),
        ("plain", "Plain S ± z·SE, unrounded", "", "plain", None),
        ("log", "Log transform", 'R survfit (conf.type="log")', "log", None),
        ("log_log", "Log-log transform (Kalbfleisch-Prentice)", "Stata sts, SAS PROC LIFETEST", "log-log", None),
    ]
    rows = []
    for key, method, default_of, conf_type, rounding in variants:
        point = km_at(t, e, horizon, conf_type=conf_type, conf_level=conf_level, spss_decimals=rounding,
                      failure=failure)
        args = f'conf_type="{conf_type}"' + (f", spss_decimals={rounding}" if rounding is not None else "")
        helper = f"km_at({args}{', failure=True' if failure else ''})"
        triple = (100 * point.estimate, 100 * point.ci_low, 100 * point.ci_high)
        rows.append(_panel_row(key, method, default_of, helper, triple, 100 * point.std_err, pub, decimals))
    attribute = "confidence_interval_cumulative_density_" if failure else "confidence_interval_"
    lifelines = [100 * v for v in _lifelines_km(t, e, horizon, failure)]
    rows.append(_panel_row("lifelines", "lifelines KaplanMeierFitter, its default interval", "lifelines",
                           f"KaplanMeierFitter().fit(...).{attribute}", lifelines, float("nan"), pub, decimals))
    return rows


def _competing_rows(t: np.ndarray, cause: np.ndarray, horizon: float, pub, decimals: int,
                    conf_level: float) -> list[dict]:
    """Aalen-Johansen rows: Gray's variance with the log(-log) and a plain interval, and lifelines' own."""
    cif, variance, low, high = _cif_at(t, cause, horizon)
    se = float(np.sqrt(max(variance, 0.0)))
    z = _z(conf_level)
    # cmprsk::cuminc reports the estimate and Gray's variance only; the interval is formed from them
    lifelines = [100 * v for v in _lifelines_aalen_johansen(t, cause, horizon)]
    return [
        _panel_row("aalen_johansen", "Aalen-Johansen CIF (cmprsk cuminc estimate and Gray variance), "
                   "log(-log) interval", "", "cumulative_incidence(...)", (100 * cif, 100 * low, 100 * high),
                   100 * se, pub, decimals),
        _panel_row("aalen_johansen_plain", "Aalen-Johansen CIF (cmprsk cuminc estimate and Gray variance), "
                   "plain F ± z·SE", "", "cumulative_incidence(...) variance",
                   (100 * cif, 100 * max(cif - z * se, 0.0), 100 * min(cif + z * se, 1.0)), 100 * se, pub, decimals),
        _panel_row("lifelines_aalen_johansen", "lifelines AalenJohansenFitter, its default interval", "lifelines",
                   "AalenJohansenFitter(seed=0).fit(...).confidence_interval_", lifelines, float("nan"), pub,
                   decimals),
    ]


def _z(conf_level: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(1.0 - (1.0 - conf_level) / 2.0))


# --------------------------------------------------------------------------------------------------
# point estimate and SE across tools; the SPSS rounding step
# --------------------------------------------------------------------------------------------------


def km_tools_panel(time, event, horizon_days: float, *, failure: bool = False, spss_decimals: int = 3) -> pd.DataFrame:
    """Kaplan-Meier estimate and Greenwood SE at ``horizon_days`` from each tool (fractions, not percent).

    Rows: ``cartrepro`` (:func:`km_at`), ``SPSS table`` (the same, displayed to ``spss_decimals``),
    ``lifelines`` (``KaplanMeierFitter``; it does not report the SE, so NaN) and ``statsmodels``
    (``SurvfuncRight``, whose ``surv_prob_se`` is Greenwood's). ``estimate`` is 1 - S when ``failure``.
    Columns: ``tool``, ``call``, ``estimate``, ``std_err``, ``n_events`` (events up to the horizon).
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    t = _float_times(time)
    e = _bool_array(event, t.shape[0], "event")
    horizon = float(horizon_days)
    point = km_at(t, e, horizon, conf_type="plain")
    n_events = int((e & (t <= horizon)).sum())

    def flip(s: float) -> float:
        return 1.0 - s if failure else s

    rows = [
        ("cartrepro", "km_at(...)", flip(point.estimate), point.std_err),
        ("SPSS table", f"km_at(conf_type=\"plain\", spss_decimals={spss_decimals})",
         flip(spss_round(point.estimate, spss_decimals)), spss_round(point.std_err, spss_decimals)),
    ]
    lf_est, _, _ = _lifelines_km(t, e, horizon, failure)
    rows.append(("lifelines", "KaplanMeierFitter().fit(...)", lf_est, float("nan")))
    sf = SurvfuncRight(t, e.astype(float))
    steps = pd.DataFrame({"surv": sf.surv_prob, "se": sf.surv_prob_se}, index=sf.surv_times)
    if (steps.index <= horizon).any():
        at = _step_value(steps, horizon)
        sm_est, sm_se = float(at["surv"]), float(at["se"])
    else:
        sm_est, sm_se = 1.0, 0.0
    rows.append(("statsmodels", "SurvfuncRight(...)", flip(sm_est), sm_se))
    frame = pd.DataFrame(rows, columns=["tool", "call", "estimate", "std_err"])
    frame["n_events"] = n_events
    return frame


def spss_rounding_panel(time, event, horizon_days: float, *, failure: bool = False, spss_decimals: int = 3,
                        conf_level: float = 0.95) -> pd.DataFrame:
    """One row: S(t) and its Greenwood SE unrounded and as SPSS displays them, and the plain CI from each.

    Columns ``survival``, ``std_err`` (unrounded, fractions), ``survival_spss``, ``std_err_spss`` (rounded
    half up to ``spss_decimals``), ``estimate_pct`` (S or 1 - S from the SPSS table, percent),
    ``ci_low_pct``, ``ci_high_pct`` (plain CI from unrounded numbers) and ``ci_low_spss_pct``,
    ``ci_high_spss_pct`` (from the SPSS table), for the survival or, with ``failure``, the failure scale.
    """
    t = _float_times(time)
    e = _bool_array(event, t.shape[0], "event")
    raw = km_at(t, e, horizon_days, conf_type="plain", conf_level=conf_level, failure=failure)
    shown = km_at(t, e, horizon_days, conf_type="plain", conf_level=conf_level, spss_decimals=spss_decimals,
                  failure=failure)
    surv = 1.0 - raw.estimate if failure else raw.estimate
    surv_spss = 1.0 - shown.estimate if failure else shown.estimate
    return pd.DataFrame([{
        "survival": surv, "std_err": raw.std_err,
        "survival_spss": spss_round(surv_spss, spss_decimals), "std_err_spss": shown.std_err,
        "estimate_pct": 100 * shown.estimate,
        "ci_low_pct": 100 * raw.ci_low, "ci_high_pct": 100 * raw.ci_high,
        "ci_low_spss_pct": 100 * shown.ci_low, "ci_high_spss_pct": 100 * shown.ci_high,
    }])


# --------------------------------------------------------------------------------------------------
# summaries and rendering
# --------------------------------------------------------------------------------------------------


def ledger_methods(*keywords: str, paper: str | None = None, ledger: Mapping | None = None) -> pd.DataFrame:
    """Ledger entries whose ``method`` mentions any of ``keywords`` (case-insensitive), in ledger order.

    Columns ``id``, ``paper``, ``printed``, ``method``. ``paper`` ("cd22", "car1922") narrows the search;
    ``ledger`` defaults to :func:`cartrepro.ledger.load_ledger` (tests pass their own mapping).
    """
    if ledger is None:
        from cartrepro.ledger.entries import load_ledger

        ledger = load_ledger()
    wanted = [k.lower() for k in keywords]
    rows = [
        {"id": e.id, "paper": e.paper, "printed": e.printed, "method": e.method}
        for e in ledger.values()
        if (paper is None or e.paper == paper) and any(k in e.method.lower() for k in wanted)
    ]
    return pd.DataFrame(rows, columns=["id", "paper", "printed", "method"])
