"""P1 12-month overall and progression-free survival by disease (supplementary Fig. 3a-b) and the CRS
comparison in B-NHL (supplementary Fig. 3l).

Method: Kaplan-Meier from the infusion over all patients of a disease (HSCT is not a censoring event),
Greenwood variance, the interval of ``conf_type`` (the paper's log(-log), R ``survfit(conf.type =
"log-log")``: its asymmetric printed intervals agree with this transform only), read at ``horizon_days``
(:func:`cartrepro.stats.survival.km_at`); CRS grade 3-5 vs 0-2 with the log-rank (Mantel-Cox) test
(:func:`cartrepro.stats.survival.logrank_test`).

Definitions the paper leaves open, and the choice made here:

* **Which patients.** "The 12-month OS in B-ALL and B-NHL was 78.86% ... and the 12-month PFS in B-ALL and
  B-NHL was 69.89% ... (supplementary Fig. 3a-b)": every treated patient of the disease, including those
  excluded from response evaluation (the printed B-ALL PFS needs events of HSCT-bridged patients; ledger
  inconsistency ``pfs12_ball_events``).
* **The endpoint of Fig. 3l.** "And the efficacy of CAR-T therapy was not associated with CRS in our cohort
  (supplementary Fig. 3l)": the endpoint is not named; PFS is assumed (``crs_endpoint``, "os" for the other).
* **12 months** = 365.25 days (``horizon_days``); the step function is read right-continuously.

Examples
--------
>>> from cartrepro.analysis.car1922.examples import tiny_cohort
>>> r = compute(tiny_cohort())
>>> r["p1_s3a_os12_ball"].value, r.not_computable()["p1_s3l_crs_logrank_p"]
(50.0, 'B-NHL patients all have CRS grade 0-2: the log-rank test needs two groups')
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from cartrepro.analysis.car1922 import derive
from cartrepro.analysis.results import Results
from cartrepro.stats.survival import km_at, logrank_test

ENDPOINT_STEMS = {"os": "p1_s3a_os12", "pfs": "p1_s3b_pfs12"}
ENDPOINT_LABELS = {"os": "Overall survival", "pfs": "Progression-free survival"}


def twelve_month(tables: Mapping[str, pd.DataFrame], horizon_days: float = 365.25,
                 conf_type: str = "log-log") -> Results:
    """Kaplan-Meier OS and PFS of each disease at ``horizon_days`` in percent, with the ``conf_type`` CI.

    ``frames["twelve_month"]``: n, events and censorings up to the horizon, estimate and CI per endpoint
    and disease; ``frames["survival"]``: the survival data (``patient_id, disease, time_days, event``) by
    endpoint.

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> twelve_month(tiny_cohort())["p1_s3b_pfs12_bnhl"].value
    50.0
    """
    patients = tables["patients"]
    r = Results()
    rows = []
    for endpoint, stem in ENDPOINT_STEMS.items():
        data = derive.survival(patients, endpoint)
        r.frames[f"survival_{endpoint}"] = data
        for disease, suffix in derive.SUFFIX.items():
            sub = data[data["disease"] == disease]
            label = derive.DISEASE_LABELS[disease]
            if sub.empty:
                r.skip([f"{stem}_{suffix}"], f"no {label} patients: no Kaplan-Meier estimate")
                continue
            point = km_at(sub["time_days"], sub["event"], horizon_days, conf_type=conf_type)
            estimate, ci = 100 * point.estimate, (100 * point.ci_low, 100 * point.ci_high)
            if not all(math.isfinite(v) for v in (estimate, *ci)):
                r.skip([f"{stem}_{suffix}"], f"the {conf_type} interval is undefined at S = {point.estimate:g}")
            else:
                r.add(f"{stem}_{suffix}", estimate, ci=ci)
            early = (sub["time_days"] <= horizon_days).to_numpy()
            events = sub["event"].to_numpy(dtype=bool)
            rows.append({"endpoint": endpoint.upper(), "disease": label, "n": len(sub),
                         "events by 12 months": int((events & early).sum()),
                         "censored by 12 months": int((~events & early).sum()),
                         "12-month estimate %": round(estimate, 2), "95% CI": f"{ci[0]:.2f}–{ci[1]:.2f}"})
    r.frames["twelve_month"] = pd.DataFrame(rows).set_index(["endpoint", "disease"]) if rows else pd.DataFrame()
    return r


def logrank(time, event, group, *, what: str):
    """The log-rank test of ``group``, or the reason it cannot be computed (a text).

    Returns :class:`cartrepro.stats.survival.LogRankResult` when there are two or more groups and at least
    one event and a non-zero variance; else a string naming ``what`` and the reason. Used by every P1
    log-rank (CRS, MIP3α). The second example equals R ``survdiff`` (P = 0.08956).

    Examples
    --------
    >>> logrank([5, 8, 9], [True, False, True], ["a", "a", "a"], what="patients")
    'patients are all in one group: the log-rank test needs two groups'
    >>> round(logrank([5, 8, 9, 12], [True, True, True, False], ["a", "a", "b", "b"], what="x").p_value, 4)
    0.0896
    """
    labels = pd.Series(group).astype(str)
    if labels.nunique() < 2:
        return f"{what} are all in one group: the log-rank test needs two groups"
    if not pd.Series(event).astype(bool).any():
        return f"no event among the {what}: the log-rank test needs at least one"
    try:
        test = logrank_test(pd.Series(time).astype(float).to_numpy(), pd.Series(event).astype(bool).to_numpy(),
                            labels.to_numpy())
    except np.linalg.LinAlgError:  # every event time empties the risk set: zero variance
        return f"the log-rank variance is zero for the {what} (no event time leaves anyone at risk)"
    if not (math.isfinite(test.statistic) and math.isfinite(test.p_value)):
        return f"the log-rank statistic is undefined for the {what}"
    return test


def crs_comparison(tables: Mapping[str, pd.DataFrame], crs_endpoint: str = "pfs") -> Results:
    """Supplementary Fig. 3l: log-rank P of CRS grade 3-5 vs 0-2 in B-NHL on ``crs_endpoint``.

    ``frames["crs_tests"]``: chi-square and P on both endpoints (where computable); ``frames["crs_data"]``:
    the B-NHL survival data of ``crs_endpoint`` with the CRS group.

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> crs_comparison(tiny_cohort()).frames["crs_tests"].empty
    True
    """
    patients = tables["patients"]
    bnhl = patients[(patients["disease"] == "b_nhl").to_numpy()]
    groups = derive.crs_group(bnhl)
    r = Results()
    rows = []
    for endpoint in ("pfs", "os"):
        data = derive.survival(bnhl, endpoint)
        if data.empty:
            test = "no B-NHL patients: no log-rank test"
        elif len(set(groups)) < 2:
            test = f"B-NHL patients all have CRS grade {groups[0]}: the log-rank test needs two groups"
        else:
            test = logrank(data["time_days"], data["event"], groups, what="B-NHL patients")
        if endpoint == crs_endpoint:
            if isinstance(test, str):
                r.skip(["p1_s3l_crs_logrank_p"], test)
            else:
                r.add("p1_s3l_crs_logrank_p", test.p_value)
            r.frames["crs_data"] = data.assign(group=groups)
        if not isinstance(test, str):
            rows.append({"endpoint": endpoint.upper(), "chi-square": test.statistic, "P": test.p_value})
    r.frames["crs_tests"] = pd.DataFrame(rows, columns=["endpoint", "chi-square", "P"]).round(4).set_index("endpoint")
    return r


def compute(tables: Mapping[str, pd.DataFrame], horizon_days: float = 365.25, conf_type: str = "log-log",
            crs_endpoint: str = "pfs") -> Results:
    """Everything the survival page records: :func:`twelve_month` and :func:`crs_comparison`."""
    return twelve_month(tables, horizon_days, conf_type).extend(crs_comparison(tables, crs_endpoint))
