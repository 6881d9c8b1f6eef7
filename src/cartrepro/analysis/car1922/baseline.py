"""P1 Table 1 and the pooled patient characteristics of the Results ("Patient characteristics").

Counts with percentages of the column N, medians with the range (minimum-maximum), as the paper's SPSS 25
table.

Definitions the paper leaves open, and the choice made here:

* **The pooled doses.** "The median total dose of CAR19 T cells was 4.1 ± 2.1 × 10^6/kg, and that of CAR22
  T cells was 5.1 ± 2.5 × 10^6/kg": a median has no ± spread, so the numbers are read as mean ± SD (sample
  SD, n - 1) over all 119 patients (ledger inconsistency ``car_dose_median_vs_mean``); the pooled medians
  are shown beside them.
* **Percentages of the text** ("Fifty patients (41.0%) were female ... 93.5% aged ≥ 18 years") are of all
  patients; the printed 41.0% and 93.5% are reachable by no count of 119 (ledger ``female_41_0``,
  ``age_ge18_93_5``). Nothing is rounded: the recorded numbers are the exact counts, medians and
percentages. The displayed table is built with ``tableone`` from the same columns. Means and SDs sum the
patients in ``patient_id`` order, so that the last digit cannot depend on the order of the file's rows.

Examples
--------
>>> from cartrepro.analysis.car1922.examples import tiny_cohort
>>> r = compute(tiny_cohort())
>>> r.value("p1_n_total"), r.value("p1_t1_female_ball"), r.value("p1_age_median_all")
(6, 3, 39.5)
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from cartrepro.analysis.car1922 import derive
from cartrepro.analysis.results import Results

#: Table 1 count cells: ledger stem -> predicate on the patient table
COUNT_CELLS = {
    "p1_t1_female": lambda p: p["sex"] == "female",
    "p1_t1_prior_auto_hsct": lambda p: p["prior_hsct"] == "autologous",
    "p1_t1_prior_allo_hsct": lambda p: p["prior_hsct"] == "allogeneic",
    "p1_t1_lines_1": lambda p: p["prior_lines"] == 1,
    "p1_t1_lines_2": lambda p: p["prior_lines"] == 2,
    "p1_t1_lines_ge3": lambda p: p["prior_lines"] >= 3,
    "p1_t1_refractory": lambda p: p["disease_status"] == "refractory",
    "p1_t1_relapse_1": lambda p: p["disease_status"] == "first_relapse",
    "p1_t1_relapse_ge2": lambda p: p["disease_status"] == "second_or_later_relapse",
    "p1_t1_cns": lambda p: p["cns_involvement"],
    "p1_t1_tp53": lambda p: p["tp53_mutation"],
    "p1_t1_crs_0_2": lambda p: p["crs_grade"] <= 2,
    "p1_t1_crs_3_5": lambda p: p["crs_grade"] >= 3,
    "p1_t1_nr": lambda p: p["outcome"] == "no_response",
    "p1_t1_relapse": lambda p: p["outcome"] == "relapse",
    "p1_t1_remission": lambda p: p["outcome"] == "remission",
    "p1_t1_excluded": lambda p: p["outcome"] == "excluded",
    "p1_t1_bridge_hsct": lambda p: p["excluded_reason"] == "bridge_to_hsct",
    "p1_t1_lost": lambda p: p["excluded_reason"] == "lost_to_follow_up",
    "p1_t1_nonrec_death": lambda p: p["excluded_reason"] == "non_recurrent_death",
}
#: Table 1 median (range) cells: ledger stem -> column
MEDIAN_CELLS = {"p1_t1_age": "age_years", "p1_t1_car19_dose": "car19_dose", "p1_t1_car22_dose": "car22_dose",
                "p1_t1_il6_max": "il6_max_pg_ml", "p1_t1_il6_peak_day": "il6_peak_day",
                "p1_t1_ferritin_max": "ferritin_max_ug_l", "p1_t1_fu": "followup_day"}


def _count(mask: pd.Series) -> int:
    return int(derive._flag(mask).sum())


def table1_cells(tables: Mapping[str, pd.DataFrame]) -> Results:
    """Every recorded Table 1 cell by disease: N, each count k (the paper prints k and k/N) and each median
    (range) as its three numbers; a disease without patients gets its medians declared not computable.

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> table1_cells(tiny_cohort()).value("p1_t1_age_median_bnhl")
    57.5
    """
    patients = tables["patients"]
    r = Results()
    for disease, suffix in derive.SUFFIX.items():
        sub = patients[(patients["disease"] == disease).to_numpy()]
        r.add(f"p1_n_{suffix}", len(sub))
        for stem, predicate in COUNT_CELLS.items():
            r.add(f"{stem}_{suffix}", _count(predicate(sub)))
        label = derive.DISEASE_LABELS[disease]
        for stem, column in MEDIAN_CELLS.items():
            derive.add_range(r, stem, sub[column], f"{label} patients", f"_{suffix}")
    return r


def pooled(tables: Mapping[str, pd.DataFrame]) -> Results:
    """The pooled numbers of the Results text: N, percentages of all patients, age and follow-up median (range),
    prior HSCT counts, CRS shares and the doses as mean and SD (SD needs two patients).

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> pooled(tiny_cohort()).value("p1_crs_ge3_pct")
    16.666666666666668
    """
    p = tables["patients"].sort_values("patient_id", kind="mergesort")  # sums in one order, whatever the file's
    n = len(p)
    r = Results()
    r.add("p1_n_total", n)
    shares = {"p1_female_pct": p["sex"] == "female", "p1_age_ge18_pct": p["age_years"] >= 18,
              "p1_refractory_pct": p["disease_status"] == "refractory",
              "p1_relapsed_pct": p["disease_status"] != "refractory", "p1_lines_ge3_pct": p["prior_lines"] >= 3,
              "p1_cns_pct": p["cns_involvement"], "p1_prior_hsct_pct": p["prior_hsct"] != "none",
              "p1_crs_any_pct": p["crs_grade"] > 0, "p1_crs_ge3_pct": p["crs_grade"] >= 3}
    for ledger_id, mask in shares.items():
        derive.add_percent(r, ledger_id, _count(mask), n, "patients")
    derive.add_range(r, "p1_age", p["age_years"], "patients", "_all")
    derive.add_range(r, "p1_fu", p["followup_day"], "patients", "_all")
    r.add("p1_prior_auto_hsct_n", _count(p["prior_hsct"] == "autologous"))
    r.add("p1_prior_allo_hsct_n", _count(p["prior_hsct"] == "allogeneic"))
    for dose in ("car19", "car22"):
        values = p[f"{dose}_dose"].astype(float)
        if n:
            r.add(f"p1_{dose}_dose_center_all", float(values.mean()))
        else:
            r.skip([f"p1_{dose}_dose_center_all"], "no patients: no mean dose")
        if n >= 2:
            r.add(f"p1_{dose}_dose_sd_all", float(values.std(ddof=1)))
        else:
            r.skip([f"p1_{dose}_dose_sd_all"], "fewer than 2 patients: no standard deviation")
    r.frames["doses"] = pd.DataFrame({
        "mean": [p[f"{d}_dose"].mean() for d in ("car19", "car22")],
        "SD": [p[f"{d}_dose"].std(ddof=1) for d in ("car19", "car22")],
        "median (pooled)": [p[f"{d}_dose"].median() for d in ("car19", "car22")],
    }, index=["CAR19 dose", "CAR22 dose"]).round(2)
    return r


_LINES = {1: "First line", 2: "Second line"}
_STATUS = {"refractory": "Refractory", "first_relapse": "First relapse",
           "second_or_later_relapse": "≥ Second relapse"}
_OUTCOME = {"no_response": "No response", "relapse": "Relapse", "remission": "Remission during follow-up",
            "excluded": "Excluded from response evaluation"}
_EXCLUDED = {"bridge_to_hsct": "Bridge to HSCT", "lost_to_follow_up": "Loss to follow-up",
             "non_recurrent_death": "Non-recurrent death"}
_YES_NO = {True: "Yes", False: "No"}


def _table1_view(patients: pd.DataFrame) -> pd.DataFrame:
    """The patient table with Table 1's labels, one column per row block of the paper's table."""
    return pd.DataFrame({
        "Disease": patients["disease"].map(derive.DISEASE_LABELS).astype(str),
        "Age, years": patients["age_years"].astype(float),
        "Female sex": patients["sex"].eq("female").map(_YES_NO).astype(str),
        "Prior HSCT": patients["prior_hsct"].map({"none": "None", "autologous": "Autologous",
                                                  "allogeneic": "Allogeneic"}).astype(str),
        "Prior treatment": patients["prior_lines"].map(lambda k: _LINES.get(int(k), "≥ Third line")).astype(str),
        "Refractory or relapsed": patients["disease_status"].map(_STATUS).astype(str),
        "CNS involvement": patients["cns_involvement"].map(_YES_NO).astype(str),
        "TP53 mutation": patients["tp53_mutation"].map(_YES_NO).astype(str),
        "CAR19 T cells, ×10^6/kg": patients["car19_dose"].astype(float),
        "CAR22 T cells, ×10^6/kg": patients["car22_dose"].astype(float),
        "IL-6 max, pg/ml": patients["il6_max_pg_ml"].astype(float),
        "Time to IL-6 peak, days": patients["il6_peak_day"].astype(float),
        "Ferritin max, µg/L": patients["ferritin_max_ug_l"].astype(float),
        "CRS grade": pd.Series(derive.crs_group(patients), index=patients.index).map(lambda g: f"Grade {g}"),
        "Outcome": patients["outcome"].map(_OUTCOME).astype(str),
        "Reason excluded": patients["excluded_reason"].map(_EXCLUDED).fillna("(evaluated)").astype(str),
        "Follow-up time, days": patients["followup_day"].astype(float),
    })


def table1_frame(patients: pd.DataFrame) -> pd.DataFrame:
    """Table 1 as displayed: ``tableone`` by disease, median (range) for continuous rows, n (%) for counts."""
    from tableone import TableOne

    view = _table1_view(patients)
    continuous = [c for c in view.columns if view[c].dtype == float]
    categorical = [c for c in view.columns if c not in continuous and c != "Disease"]
    decimals = {"CAR19 T cells, ×10^6/kg": 2, "CAR22 T cells, ×10^6/kg": 2, "IL-6 max, pg/ml": 2,
                "Ferritin max, µg/L": 1}
    order = {"Female sex": ["Yes"], "CNS involvement": ["Yes"], "TP53 mutation": ["Yes"],
             "Prior HSCT": ["Autologous", "Allogeneic", "None"],
             "Prior treatment": ["First line", "Second line", "≥ Third line"],
             "Refractory or relapsed": list(_STATUS.values()), "Outcome": list(_OUTCOME.values()),
             "Reason excluded": [*_EXCLUDED.values(), "(evaluated)"]}
    order = {k: kept for k, values in order.items() if (kept := [v for v in values if v in set(view[k])])}
    table = TableOne(view, columns=[c for c in view.columns if c != "Disease"],
                     categorical=categorical, continuous=continuous, nonnormal=continuous, min_max=continuous,
                     groupby="Disease", overall=False, missing=False,
                     decimals={c: decimals.get(c, 0) for c in continuous}, order=order,
                     limit={"Female sex": 1, "CNS involvement": 1, "TP53 mutation": 1, "Prior HSCT": 2,
                            "Reason excluded": 3})
    shown = table.tableone.copy()
    shown.columns = [c[1] for c in shown.columns]
    shown = shown.map(lambda s: re.sub(r"^(\S+) \[(\S+),(\S+)\]$", r"\1 (\2–\3)", str(s)))
    shown.index = [" · ".join(part for part in (a, b) if part).replace("median [min,max]", "median (range)")
                   for a, b in shown.index]
    return shown


def compute(tables: Mapping[str, pd.DataFrame]) -> Results:
    """Everything the Table 1 page records (:func:`table1_cells` and :func:`pooled`, whose ``frames["doses"]``
    is the dose summary). The displayed table (:func:`table1_frame`, ``tableone``: slow) is not computed here."""
    return table1_cells(tables).extend(pooled(tables))

