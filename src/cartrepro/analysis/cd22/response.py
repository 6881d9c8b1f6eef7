"""Day-30 response of the P2 (CD22) patients: the groups and counts of Figure 2a.

Figure 2a shows, for the evaluated patients (those alive and assessed on day 30) and for three subsets of
them defined by the disease before infusion (``baseline_status``), how many reached MRD-negative CR/CRi,
MRD-positive CR/CRi, partial response or no response. Everything here is derived from ``day30_response``
and ``baseline_status`` of the patient table; nothing is stored.

Examples
--------
>>> patients = pd.DataFrame({"death_day": [10, None, None, None],
...                          "day30_response": ["not_evaluated", "cr_mrd_negative", "cr_mrd_positive", "no_response"],
...                          "baseline_status": ["hematological_relapse"] * 3 + ["fcm_mrd_positive"]})
>>> r = evaluation(patients)
>>> r.value("p2_resp_early_deaths"), r.value("p2_resp_n_evaluated")
(1, 3)
>>> r.not_computable()["p2_resp_early_death_cri"]
'no day-15 assessment of an early death is recorded (optional column day15_response)'
>>> round(fig2a(patients).value("p2_fig2a_cr_hr"), 1)
100.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cartrepro.analysis.cd22.common import column, mask, numbers, percent, rows, t_test_p
from cartrepro.analysis.cd22.derive import (
    CR_RESPONSES,
    SUBGROUP_COLUMNS,
    complete_remission,
    subgroup_rates,
    subgroups,
)
from cartrepro.analysis.results import Results, merge
from cartrepro.stats.proportions import proportion_ci

#: the day-30 responses of an evaluated patient, in the order Figure 2a stacks them
RESPONSES: tuple[str, ...] = ("cr_mrd_negative", "cr_mrd_positive", "partial_response", "no_response")
NOT_EVALUATED = "not_evaluated"
#: objective response: CR/CRi (either MRD status) or partial response
OBJECTIVE_RESPONSES: tuple[str, ...] = (*CR_RESPONSES, "partial_response")

#: the Figure 2a groups, in the paper's order: all evaluated, then one per baseline status
ALL_EVALUATED = "all_evaluated"
GROUPS: tuple[str, ...] = (ALL_EVALUATED, "hematological_relapse", "fcm_mrd_positive", "exclusive_emd")
GROUP_LABELS: dict[str, str] = {
    ALL_EVALUATED: "All evaluated",
    "hematological_relapse": "Hematological relapse",
    "fcm_mrd_positive": "FCM-MRD+",
    "exclusive_emd": "Exclusive EMD",
}
RESPONSE_LABELS: dict[str, str] = {
    "cr_mrd_negative": "MRD− CR/CRi",
    "cr_mrd_positive": "MRD+ CR/CRi",
    "partial_response": "PR",
    "no_response": "NR",
}

COUNT_COLUMNS = ["group", "response", "count", "group_n"]


def evaluated(patients: pd.DataFrame) -> pd.Series:
    """Boolean mask: patients with a day-30 response assessment (``day30_response != not_evaluated``)."""
    return (patients["day30_response"] != NOT_EVALUATED).fillna(False).astype(bool)


def early_deaths(patients: pd.DataFrame, within_days: int = 30) -> pd.Series:
    """Boolean mask: deaths before day ``within_days`` (the paper's evaluated patients "survived for 30 days
    or longer", so a death on day 29 is early and one on day 30 is not)."""
    return (patients["death_day"].astype("Float64") < within_days).fillna(False).astype(bool)


def group_members(patients: pd.DataFrame, names: tuple[str, ...] | None = None) -> dict[str, pd.DataFrame]:
    """The Figure 2a groups as sub-tables: all evaluated, and the evaluated patients of each baseline status
    (every column, or only the columns ``names``).

    Raises ValueError if a response is missing, or an evaluated patient has a response that is none of
    :data:`RESPONSES` (it would be silently missing from the bars otherwise).
    """
    if patients["day30_response"].isna().any():
        raise ValueError("day30_response is missing for some patients (use not_evaluated where there was no "
                         "day-30 assessment)")
    keep = evaluated(patients)
    status = patients.loc[keep, "baseline_status"]
    assessed = patients[keep] if names is None else rows(patients, keep, names)
    unknown = sorted(set(assessed["day30_response"].astype(str)) - set(RESPONSES))
    if unknown:
        raise ValueError(f"day30_response of evaluated patients must be one of {', '.join(RESPONSES)}; "
                         f"found {', '.join(unknown)}")
    groups = {ALL_EVALUATED: assessed}
    for group in GROUPS[1:]:
        groups[group] = assessed[status == group]
    return groups


def response_counts(patients: pd.DataFrame) -> pd.DataFrame:
    """Tidy counts of Figure 2a: one row per group x response (zeros included), in the figure's order.

    Columns: ``group`` (see :data:`GROUPS`), ``response`` (see :data:`RESPONSES`), ``count`` (patients of the
    group with that response) and ``group_n`` (patients in the group).
    """
    out = []
    for group, members in group_members(patients, ("day30_response",)).items():
        tally = members["day30_response"].astype(str).value_counts()
        for response in RESPONSES:
            out.append({"group": group, "response": response, "count": int(tally.get(response, 0)),
                        "group_n": len(members)})
    return pd.DataFrame(out, columns=COUNT_COLUMNS)


def count(counts: pd.DataFrame, group: str, responses: str | tuple[str, ...] | list[str]) -> tuple[int, int]:
    """(k, n) from :func:`response_counts`: patients of ``group`` with any of ``responses``, and the group size."""
    if group not in GROUPS:
        raise KeyError(f"unknown group {group!r}; one of {', '.join(GROUPS)}")
    wanted = (responses,) if isinstance(responses, str) else tuple(responses)
    unknown = set(wanted) - set(RESPONSES)
    if unknown:
        raise KeyError(f"unknown responses {sorted(unknown)}; each one of {', '.join(RESPONSES)}")
    in_group = counts["group"].to_numpy() == group  # (arrays: fig2a asks for 15 counts of one small table)
    chosen = in_group & np.isin(counts["response"].to_numpy(), wanted)
    return int(counts["count"].to_numpy()[chosen].sum()), int(counts["group_n"].to_numpy()[in_group][0])


def count_matrix(counts: pd.DataFrame) -> pd.DataFrame:
    """The tidy counts as a group x response table (rows and columns in the figure's order), plus ``n``."""
    wide = counts.pivot(index="group", columns="response", values="count").loc[list(GROUPS), list(RESPONSES)]
    wide["n"] = counts.groupby("group")["group_n"].first().loc[list(GROUPS)]
    wide.columns.name = None
    return wide


# ----- the Figure 2 page: analysis functions returning Results ------------------------------------------


def _rate(r: Results, counts: pd.DataFrame, ledger_id: str, group: str, responses) -> dict | None:
    """Add k/n of a group in percent; return the row of the rates table (None when the group is empty)."""
    k, n = count(counts, group, responses)
    if n == 0:
        r.skip([ledger_id], f"no evaluated patient in the group {GROUP_LABELS[group]}")
        return None
    ci = proportion_ci(k, n)
    r.add(ledger_id, 100 * k / n)
    return {"rate": ledger_id, "k/n": f"{k}/{n}", "%": f"{100 * k / n:.1f}",
            "95% CI (Clopper-Pearson)": f"{100 * ci.ci_low:.1f}–{100 * ci.ci_high:.1f}"}


def evaluation(patients: pd.DataFrame, early_death_days: int = 30) -> Results:
    """Who was evaluated on day 30: early deaths (before ``early_death_days``), their day-15 assessment,
    the deaths on day 10 ("2 died on day 10 without evaluation") and the number evaluated."""
    r = Results()
    early = early_deaths(patients, early_death_days)
    r.add("p2_resp_early_deaths", int(early.sum()))
    r.add("p2_resp_early_death_day10", int(mask(patients.loc[early, "death_day"] == 10).sum()))
    day15 = column(patients, "day15_response")[early]
    if day15.notna().any():
        r.add("p2_resp_early_death_cri", int(mask(day15.isin(CR_RESPONSES)).sum()))
        r.add("p2_resp_early_death_nr", int(mask(day15 == "no_response").sum()))
    else:
        r.skip(["p2_resp_early_death_cri", "p2_resp_early_death_nr"],
               "no day-15 assessment of an early death is recorded (optional column day15_response)")
    r.add("p2_resp_n_evaluated", int(evaluated(patients).sum()))
    return r


#: Figure 2a rates: ledger id, group, responses counted
FIG2A_RATES = (("p2_fig2a_cr_evaluated", ALL_EVALUATED, CR_RESPONSES),
               ("p2_fig2a_cr_hr", "hematological_relapse", CR_RESPONSES),
               ("p2_fig2a_mrdneg_hr", "hematological_relapse", "cr_mrd_negative"),
               ("p2_fig2a_mrd_conversion", "fcm_mrd_positive", CR_RESPONSES),
               ("p2_fig2a_cr_emd", "exclusive_emd", CR_RESPONSES),
               ("p2_disc_mrdneg_evaluated", ALL_EVALUATED, "cr_mrd_negative"))
#: Figure 2a counts: ledger id, group, responses counted
FIG2A_COUNTS = (("p2_fig2a_pr_emd", "exclusive_emd", "partial_response"),
                ("p2_fig2a_derived_mrdneg_cr", ALL_EVALUATED, "cr_mrd_negative"),
                ("p2_fig2a_derived_mrdpos_cr", ALL_EVALUATED, "cr_mrd_positive"),
                ("p2_fig2a_derived_pr", ALL_EVALUATED, "partial_response"),
                ("p2_fig2a_derived_nr", ALL_EVALUATED, "no_response"),
                ("p2_fig2a_derived_nr_hr", "hematological_relapse", "no_response"),
                ("p2_fig2a_derived_nr_mrdpos", "fcm_mrd_positive", "no_response"),
                ("p2_fig2a_derived_nr_emd", "exclusive_emd", "no_response"),
                ("p2_resp_objective_responders", ALL_EVALUATED, OBJECTIVE_RESPONSES))


def fig2a(patients: pd.DataFrame) -> Results:
    """Figure 2a: response rates with exact (Clopper-Pearson) CIs, counts, the CR rate of all enrolled
    patients and the partial responder's mass sizes. Frames: ``counts`` (tidy, for the bars) and ``rates``."""
    r = Results()
    counts = response_counts(patients)
    rows = [_rate(r, counts, *spec) for spec in FIG2A_RATES]
    percent(r, "p2_resp_cr_enrolled", int(complete_remission(patients).sum()), len(patients), "patients")
    for ledger_id, group, responses in FIG2A_COUNTS:
        r.add(ledger_id, count(counts, group, responses)[0])
    pr = patients[mask(patients["day30_response"] == "partial_response")]
    sizes = {"p2_fig2a_pr_mass_before": "emd_size_before_cm", "p2_fig2a_pr_mass_after": "emd_size_day30_cm"}
    recorded = [column(pr, c).notna().all() for c in sizes.values()]
    if len(pr) == 1 and all(recorded):
        for ledger_id, name in sizes.items():
            r.add(ledger_id, [float(x) for x in str(pr[name].iloc[0]).split("x")])
    else:
        r.skip(list(sizes), f"{len(pr)} partial responders (the paper describes one), or the mass sizes are not "
                            "recorded (optional columns emd_size_before_cm, emd_size_day30_cm)")
    r.frames["counts"] = counts
    r.frames["rates"] = pd.DataFrame([row for row in rows if row],
                                     columns=["rate", "k/n", "%", "95% CI (Clopper-Pearson)"])
    return r


def fig2b(patients: pd.DataFrame) -> Results:
    """Figure 2b: peak CAR-T level of objective responders vs non-responders among the evaluated (Student's
    t), and the non-responders without any expansion. Frame ``groups``: the two series of peaks."""
    r = Results()
    assessed = rows(patients, evaluated(patients), ("peak_car_pct_cd3", "day30_response"))
    peak = numbers(assessed["peak_car_pct_cd3"])
    response = assessed.loc[peak.index, "day30_response"]
    responders, non_responders = peak[mask(response.isin(OBJECTIVE_RESPONSES))], peak[mask(response == "no_response")]
    t_test_p(r, "p2_fig2b_p_expansion_response", responders, non_responders,
             "peak expansion, responders vs non-responders")
    r.add("p2_fig2b_nr_no_expansion", int((non_responders == 0).sum()))
    r.frames["groups"] = {"responders": responders.to_numpy(), "non-responders": non_responders.to_numpy()}
    return r


def fig2c(patients: pd.DataFrame) -> Results:
    """Figure 2c (*illustrative*): CR rate by baseline subgroup among the evaluated, exact CIs.

    The paper shows these rates only in the figure and gives neither the subgroup membership nor the
    cut-points: the panel is illustrative (adults 18 or older, high burden 50% blasts or more here).
    Frame ``rates``: one row per subgroup (:func:`cartrepro.analysis.cd22.derive.subgroup_rates`).
    """
    r = Results()
    assessed = rows(patients, evaluated(patients), ("day30_response", *SUBGROUP_COLUMNS))
    if assessed.empty:
        r.skip(["p2_fig2c_cr_by_previous_transplantation", "p2_fig2c_cr_by_disease_burden"],
               "no patient was evaluated on day 30")
        rates = pd.DataFrame(columns=["section", "label", "k", "n", "estimate", "ci_low", "ci_high"])
    else:
        rates = subgroup_rates(assessed["day30_response"].isin(CR_RESPONSES), subgroups(assessed))
        for ledger_id, section in (("p2_fig2c_cr_by_previous_transplantation", "Previous allo-HCT"),
                                   ("p2_fig2c_cr_by_disease_burden", "Marrow burden")):
            r.add(ledger_id, [100 * float(v) for v in rates.loc[rates["section"] == section, "estimate"]])
    r.skip(["p2_fig2c_cr_by_high_risk_gene_mutations", "p2_fig2c_cr_by_fusion_genes"],
           "mutation and fusion-gene status are not in the data contract")
    r.frames["rates"] = rates
    return r


def response_rates(tables: dict[str, pd.DataFrame], early_death_days: int = 30) -> Results:
    """Every number of the Figure 2 page: :func:`evaluation`, :func:`fig2a`, :func:`fig2b`, :func:`fig2c`."""
    patients = tables["patients"]
    return merge([evaluation(patients, early_death_days), fig2a(patients), fig2b(patients), fig2c(patients)])
