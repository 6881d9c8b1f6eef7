"""P1 response evaluation, Figure 1a (cumulative incidence of NR and relapse) and Figure 1b (relapse timing).

Definitions the paper leaves open, and the choice made here:

* **Who is evaluated.** "Nine B-ALL patients and 10 B-NHL patients were not subject to the response
  evaluation due to the development of HSCT (n = 11), non-recurrent deaths (n = 4) or loss to follow-up
  (n = 4) within 6 months after CAR T-cell infusion." The contract's ``outcome = excluded`` marks these
  patients; percentages of NR and relapse are of the others (the evaluable patients).
* **The 6-month rule.** "patients were divided into two groups ...: the non-response/early relapse (NR/ER)
  group and the over-6-month remission group." NR/ER = no response, or a relapse on a day <= ``window_months``
  × 30.4375 (day 182 or earlier for 6 months); every other evaluable patient (continuous remission, or a
  relapse later than the window) is in the remission group
  (:func:`cartrepro.analysis.car1922.derive.response_group`).
* **Relapse windows.** "5 (45.5%), 0 (0%), 1 (9.1%), 3 (27.3%) and 2 (18.2%) developed a relapse at 6
  months, 6–12 months, 12–18 months, 18–24 months and more than 2 years": windows (0, w], (w, 2w], ... in
  months, the last one open (:func:`~cartrepro.analysis.car1922.derive.relapse_window`).
* **Figure 1a** prints no number; it is drawn as the Aalen-Johansen cumulative incidence of treatment
  failure (NR at its progression day, relapse at its day) with deaths and post-HSCT events of
  non-evaluated patients as competing events (:func:`~cartrepro.analysis.car1922.derive.failure_events`).

Examples
--------
>>> from cartrepro.analysis.car1922.examples import tiny_cohort
>>> r = compute(tiny_cohort())
>>> r.value("p1_nr_bnhl_pct"), r.value("p1_fig1b_relapse_0_6m_ball"), r.value("p1_fig1b_freq_per_6m")
(50.0, 100.0, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
>>> r.not_computable()["p1_fig1b_relapse_0_6m_bnhl"]
'no B-NHL patient relapsed: no share of relapses per window'
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cartrepro.analysis.car1922 import derive
from cartrepro.analysis.results import Results
from cartrepro.stats.survival import cumulative_incidence

#: ledger-id names of the paper's 6-month windows (Fig. 1b)
WINDOW_IDS = ("0_6m", "6_12m", "12_18m", "18_24m", "gt24m")
PAPER_WINDOW_MONTHS = 6.0


def _by_disease(patients: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {d: patients[(patients["disease"] == d).to_numpy()] for d in derive.SUFFIX}


def evaluation(tables: Mapping[str, pd.DataFrame]) -> Results:
    """Who was evaluated and who failed: not-evaluated counts by reason and disease, NR and relapse in percent
    of the evaluable patients of each disease. ``frames["evaluation"]``: the counts by disease.

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> evaluation(tiny_cohort()).value("p1_not_eval_ball")
    2
    """
    patients = tables["patients"]
    r = Results()
    reasons = patients["excluded_reason"].value_counts()
    r.add("p1_not_eval_hsct", int(reasons.get("bridge_to_hsct", 0)))
    r.add("p1_not_eval_death", int(reasons.get("non_recurrent_death", 0)))
    r.add("p1_not_eval_lost", int(reasons.get("lost_to_follow_up", 0)))
    rows = []
    for disease, table in _by_disease(patients).items():
        suffix, label = derive.SUFFIX[disease], derive.DISEASE_LABELS[disease]
        evaluable = table[derive.evaluable(table).to_numpy(dtype=bool)]
        n_nr = int((evaluable["outcome"] == "no_response").sum())
        n_relapse = int((evaluable["outcome"] == "relapse").sum())
        r.add(f"p1_not_eval_{suffix}", int(len(table) - len(evaluable)))
        derive.add_percent(r, f"p1_nr_{suffix}_pct", n_nr, len(evaluable), f"evaluable {label} patients")
        derive.add_percent(r, f"p1_relapse_{suffix}_pct", n_relapse, len(evaluable), f"evaluable {label} patients")
        rows.append({"disease": label, "patients": len(table), "evaluable": len(evaluable),
                     "no response": n_nr, "relapse": n_relapse,
                     "continuous remission": int((evaluable["outcome"] == "remission").sum())})
    r.frames["evaluation"] = pd.DataFrame(rows).set_index("disease")
    return r


def failure_incidence(tables: Mapping[str, pd.DataFrame], horizon_days: float = 365.25) -> Results:
    """Figure 1a: cumulative incidence of NR or relapse (Aalen-Johansen) of each disease read at
    ``horizon_days``, in percent ([B-ALL, B-NHL]). ``frames["fig1a_events"]``: the competing-risks data.

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> failure_incidence(tiny_cohort()).value("p1_fig1a_cum_events")
    [25.0, 50.0]
    """
    events = derive.failure_events(tables["patients"])
    r = Results()
    r.frames["fig1a_events"] = events
    at_horizon = []
    for disease in derive.SUFFIX:
        sub = events[events["disease"] == disease]
        if sub.empty:
            r.skip(["p1_fig1a_cum_events"], f"no {derive.DISEASE_LABELS[disease]} patients: no incidence curve")
            return r
        cif = cumulative_incidence(sub["time_days"], sub["cause"], event_of_interest=1)
        reached = cif[cif["time"] <= horizon_days]
        at_horizon.append(100 * float(reached["cif"].iloc[-1]) if len(reached) else 0.0)
    r.add("p1_fig1a_cum_events", at_horizon)
    return r


def relapse_timing(tables: Mapping[str, pd.DataFrame], window_months: float = 6.0) -> Results:
    """Figure 1b: relapses per window of ``window_months`` by disease, in percent of the disease's relapses,
    the pooled counts (B-ALL windows then B-NHL windows), and the share of all relapses in the first window.

    The ledger's window ids name 6-month windows: with another width they are declared not computable.
    ``frames["fig1b_counts"]``: counts by window (rows) and disease (columns).

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> relapse_timing(tiny_cohort(), window_months=3.0).not_computable()["p1_fig1b_freq_per_6m"]
    'the ledger numbers use 6-month windows; this run uses 3 months'
    """
    by_disease = _by_disease(tables["patients"])
    counts = pd.DataFrame({derive.DISEASE_LABELS[d]: derive.relapse_window_counts(table, window_months)
                           for d, table in by_disease.items()})
    r = Results()
    r.frames["fig1b_counts"] = counts
    window_ids = [f"p1_fig1b_relapse_{w}_{s}" for s in derive.SUFFIX.values() for w in WINDOW_IDS]
    if window_months != PAPER_WINDOW_MONTHS:
        r.skip([*window_ids, "p1_fig1b_freq_per_6m"],
               f"the ledger numbers use 6-month windows; this run uses {window_months:g} months")
    else:
        for disease, suffix in derive.SUFFIX.items():
            column = counts[derive.DISEASE_LABELS[disease]]
            total = int(column.sum())
            ids = [f"p1_fig1b_relapse_{w}_{suffix}" for w in WINDOW_IDS]
            if total == 0:
                r.skip(ids, f"no {derive.DISEASE_LABELS[disease]} patient relapsed: no share of relapses per window")
                continue
            for ledger_id, k in zip(ids, column.to_numpy(), strict=True):
                r.add(ledger_id, derive.percent(int(k), total))
        r.add("p1_fig1b_freq_per_6m", [int(k) for k in counts.to_numpy().T.ravel()])
    derive.add_percent(r, "p1_early_relapse_pct", int(counts.iloc[0].sum()), int(counts.to_numpy().sum()),
                       "relapses")
    return r


def window_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """The Fig. 1b table as printed: ``k (p%)`` per window and disease (``-`` where a disease has no relapse)."""
    shown = counts.copy().astype(object)
    for column in counts:
        total = int(counts[column].sum())
        shown[column] = [f"{int(k)} ({derive.percent(int(k), total):.1f}%)" if total else "-"
                         for k in counts[column]]
    return shown.rename_axis("months after infusion")


def response_groups(tables: Mapping[str, pd.DataFrame], window_months: float = 6.0) -> Results:
    """NR/ER and > window remission in percent of the evaluable patients of each disease (the ledger ids
    describe the 6-month rule: with another window they are declared not computable).
    ``frames["groups"]``: patients by disease and group.

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> response_groups(tiny_cohort()).value("p1_nrer_ball_pct")
    50.0
    """
    patients = tables["patients"]
    groups = derive.response_group(patients, window_months)
    r = Results()
    ids = [f"p1_{g}_{s}_pct" for s in derive.SUFFIX.values() for g in ("nrer", "rem6m")]
    if window_months != PAPER_WINDOW_MONTHS:
        r.skip(ids, f"the ledger numbers use the 6-month rule; this run uses {window_months:g} months")
    else:
        for disease, suffix in derive.SUFFIX.items():
            in_disease = ((patients["disease"] == disease) & groups.notna()).to_numpy(dtype=bool)
            label = f"evaluable {derive.DISEASE_LABELS[disease]} patients"
            n = int(in_disease.sum())
            derive.add_percent(r, f"p1_nrer_{suffix}_pct", int((groups[in_disease] == "nr_er").sum()), n, label)
            derive.add_percent(r, f"p1_rem6m_{suffix}_pct", int((groups[in_disease] == "remission").sum()), n,
                               label)
    r.frames["groups"] = pd.crosstab(patients["disease"].map(derive.DISEASE_LABELS).astype(str),
                                     groups.fillna("not evaluated").astype(str), margins=True,
                                     margins_name="total")
    return r


def compute(tables: Mapping[str, pd.DataFrame], window_months: float = 6.0,
            horizon_days: float = 365.25) -> Results:
    """Everything the Figure 1a-b page records: :func:`evaluation`, :func:`failure_incidence`,
    :func:`relapse_timing`, :func:`response_groups`."""
    return (evaluation(tables).extend(failure_incidence(tables, horizon_days))
            .extend(relapse_timing(tables, window_months)).extend(response_groups(tables, window_months)))


__all__ = ["compute", "evaluation", "failure_incidence", "relapse_timing", "response_groups", "window_shares"]
