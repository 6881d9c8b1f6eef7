"""Adverse effects of P2 (Results "Adverse effects" and Figure 3): CRS and neurotoxicity grades, onset
and resolution, peak expansion by severe adverse event, and the four early deaths.

CRS graded by Lee et al., neurotoxicity by CTCAE 4.03 (the paper's Methods); medians with ranges (SPSS);
two-group comparisons of peak expansion by unpaired two-tailed Student's t-test (the Methods' test; the
legend does not name it); subgroup rates with exact Clopper-Pearson 95% CIs.

"CRS resolved fully within 1 week" (``p2_crs_g12_resolved_within``). The paper lists fever and
transaminitis among the manifestations of CRS, says that CRS "may contribute" to the VOD patient's death,
and describes that patient's "fever and mild transaminitis without elevated bilirubin (grade 2) during
day 6 to 16"; the only CRS of grade 3 or more is the grade-5 DLI patient. So the VOD patient is one of the
30 grade 1-2 CRS patients and his episode lasts 16 - 6 = 10 days: no cohort that keeps the paper's own
description of that episode can have every grade 1-2 CRS resolve within 7 days
(``tests/unit/test_analysis_cd22_toxicity.py`` works this through). We record the longest grade 1-2 episode.

Examples
--------
>>> import pandas as pd
>>> patients = pd.DataFrame({"crs_grade": [0, 1, 2, 5], "neurotox_grade": [0, 1, 0, 0],
...                          "crs_onset_day": [None, 3, 6, 1], "crs_resolution_day": [None, 8, 16, None]})
>>> r = grades(patients)
>>> r.value("p2_fig3a_crs_any"), r.value("p2_fig3a_crs_g12"), r.value("p2_fig3a_crs_g_ge3")
(75.0, 2, 1)
>>> patients["neurotox_onset_day"] = [None, 7, None, None]
>>> patients["neurotox_resolution_day"] = [None, 10, None, None]
>>> episodes(patients).value("p2_crs_g12_resolved_within")
10.0
"""

from __future__ import annotations

import pandas as pd

from cartrepro.analysis.cd22.common import column, describe, mask, numbers, percent, rows, single, t_test_p
from cartrepro.analysis.cd22.derive import subgroup_rates, subgroups
from cartrepro.analysis.results import Results, merge

#: the response assessments of the contract and the day after infusion each one records (the columns'
#: definitions in cartrepro.contract.tables: "Early (day-15) assessment", "Response at day 30")
ASSESSMENTS: tuple[tuple[str, int], ...] = (("day15_response", 15), ("day30_response", 30))
#: assessed responses that are not a remission (CR/CRi of either MRD status is)
NOT_IN_REMISSION: tuple[str, ...] = ("partial_response", "no_response")


def grades(patients: pd.DataFrame) -> Results:
    """Figure 3a: CRS in any grade (percent of all patients), grade 1-2 and >= 3 counts, neurotoxicity
    grade 1 and 2 counts. Frame ``grades``: the grades of every patient for the strip plot."""
    r = Results()
    crs = pd.to_numeric(patients["crs_grade"]).astype(int)
    neuro = pd.to_numeric(patients["neurotox_grade"]).astype(int)
    percent(r, "p2_fig3a_crs_any", int((crs > 0).sum()), len(patients), "patients")
    r.add("p2_fig3a_crs_g12", int(crs.between(1, 2).sum()))
    r.add("p2_fig3a_crs_g_ge3", int((crs >= 3).sum()))
    r.add("p2_fig3a_neuro_g1", int((neuro == 1).sum()))
    r.add("p2_fig3a_neuro_g2", int((neuro == 2).sum()))
    r.frames["grades"] = {"CRS": crs.to_numpy(), "Neurotoxicity": neuro.to_numpy()}
    return r


def episodes(patients: pd.DataFrame) -> Results:
    """Onset and resolution of CRS and neurotoxicity; the longest grade 1-2 CRS episode (days from onset to
    resolution, where both are recorded); the grade-2 neurotoxicity patient's days and treatment (weeks)."""
    r = Results()
    crs = pd.to_numeric(patients["crs_grade"]).astype(int)
    neuro = pd.to_numeric(patients["neurotox_grade"]).astype(int)
    describe(r, "p2_crs_onset", patients.loc[crs > 0, "crs_onset_day"], "no patient had CRS")
    resolution = numbers(patients.loc[crs > 0, "crs_resolution_day"])
    if resolution.empty:
        r.skip(["p2_crs_resolution_median"], "no CRS resolution day is recorded")
    else:
        r.add("p2_crs_resolution_median", float(resolution.median()))
    mild = rows(patients, (crs >= 1) & (crs <= 2), ("crs_onset_day", "crs_resolution_day"))
    duration = numbers(mild["crs_resolution_day"]) - numbers(mild["crs_onset_day"])
    if duration.dropna().empty:
        r.skip(["p2_crs_g12_resolved_within"], "no grade 1-2 CRS with both onset and resolution day recorded")
    else:
        r.add("p2_crs_g12_resolved_within", float(duration.max()))
    describe(r, "p2_neuro_onset", patients.loc[neuro > 0, "neurotox_onset_day"], "no patient had neurotoxicity")
    describe(r, "p2_neuro_resolution", patients.loc[neuro > 0, "neurotox_resolution_day"],
             "no neurotoxicity resolution day is recorded")
    grade2 = rows(patients, neuro == 2, ("neurotox_onset_day", "neurotox_resolution_day", "neurotox_treatment_days"))
    what = "with grade-2 neurotoxicity"
    single(r, "p2_neuro_g2_onset", grade2["neurotox_onset_day"], what)
    single(r, "p2_neuro_g2_resolution", grade2["neurotox_resolution_day"], what)
    single(r, "p2_neuro_treatment_duration", column(grade2, "neurotox_treatment_days"), what, scale=7)  # weeks
    return r


def fig3b(patients: pd.DataFrame, early_death_days: int = 30) -> Results:
    """Figure 3b: peak CAR-T level with vs without a severe adverse event (the deaths before
    ``early_death_days``) and with vs without neurotoxicity (Student's t). Frame ``groups``."""
    r = Results()
    peak = numbers(patients["peak_car_pct_cd3"])
    measured = patients.loc[peak.index, ["death_day", "neurotox_grade"]]
    severe = mask(measured["death_day"] < early_death_days)
    neuro = pd.to_numeric(measured["neurotox_grade"]).astype(int) > 0
    t_test_p(r, "p2_fig3b_p_severe_ae", peak[severe], peak[~severe], "peak expansion by severe adverse event")
    t_test_p(r, "p2_fig3b_p_neuro", peak[neuro], peak[~neuro], "peak expansion by neurotoxicity")
    r.frames["groups"] = {"no/mild AE": peak[~severe].to_numpy(), "severe AE": peak[severe].to_numpy(),
                          "no neurotox.": peak[~neuro].to_numpy(), "neurotox.": peak[neuro].to_numpy()}
    return r


def fig3c(patients: pd.DataFrame, early_death_days: int = 30) -> Results:
    """Figure 3c (*illustrative*): rate of severe adverse events (deaths before ``early_death_days``) by
    baseline subgroup, exact CIs. The paper gives neither the subgroup membership nor the cut-points.
    Frame ``rates``."""
    r = Results()
    if patients.empty:
        r.skip(["p2_fig3c_severe_ae_by_subgroup"], "no patients")
        r.frames["rates"] = pd.DataFrame(columns=["section", "label", "k", "n", "estimate", "ci_low", "ci_high"])
        return r
    rates = subgroup_rates(patients["death_day"] < early_death_days, subgroups(patients))
    r.add("p2_fig3c_severe_ae_by_subgroup", [100 * float(v) for v in rates["estimate"]])
    r.frames["rates"] = rates
    return r


def first_assessment_day(patient: pd.Series, responses: tuple[str, ...]) -> int | None:
    """The day of the first response assessment (:data:`ASSESSMENTS`) that found one of ``responses``."""
    for name, day in ASSESSMENTS:
        if name in patient and pd.notna(patient[name]) and patient[name] in responses:
            return day
    return None


def _vod_death(r: Results, vod: pd.DataFrame) -> None:
    ids = ["p2_death_vod_day", "p2_death_vod_crs_window", "p2_death_vod_mrdneg_day", "p2_death_vod_onset"]
    if len(vod) != 1:
        r.skip(ids, f"{len(vod)} early deaths from veno-occlusive disease; the paper describes one")
        return
    v = vod.iloc[0]
    r.add("p2_death_vod_day", float(v["death_day"]))
    if pd.isna(v["crs_onset_day"]) or pd.isna(v["crs_resolution_day"]):
        r.skip(["p2_death_vod_crs_window"], "the VOD death's CRS onset or resolution day is not recorded")
    else:
        r.add("p2_death_vod_crs_window", [float(v["crs_onset_day"]), float(v["crs_resolution_day"])])
    day = first_assessment_day(v, ("cr_mrd_negative",))
    if day is None:
        r.skip(["p2_death_vod_mrdneg_day"], "no response assessment of the VOD death found MRD-negative CR/CRi")
    else:
        r.add("p2_death_vod_mrdneg_day", day)
    onset = column(vod, "vod_onset_day")
    if onset.notna().all():
        r.add("p2_death_vod_onset", float(onset.iloc[0]))
    else:
        r.skip(["p2_death_vod_onset"], "the optional column vod_onset_day is absent or empty")


def _infection_deaths(r: Results, early: pd.DataFrame) -> None:
    infection = column(early, "infection")
    for ledger_id, kind in (("p2_death_sepsis_day", "bacterial_sepsis"), ("p2_death_asperg_day", "fungal_pneumonia")):
        single(r, ledger_id, early.loc[mask(infection == kind), "death_day"],
               f"early deaths recorded with infection = {kind}")
    fungal = early[mask(infection == "fungal_pneumonia")]
    # "not remission on day 15": an assessment that found neither CR nor CRi
    day = first_assessment_day(fungal.iloc[0], NOT_IN_REMISSION) if len(fungal) == 1 else None
    if day is None:
        r.skip(["p2_death_asperg_eval_day"], f"{len(fungal)} fungal-pneumonia deaths (the paper describes one) "
                                             "or no assessment of that patient found no remission")
    else:
        r.add("p2_death_asperg_eval_day", day)


#: the columns :func:`deaths` reads of the early deaths (the optional ones where the file has them)
EARLY_DEATH_COLUMNS = ("death_day", "death_cause", "crs_grade", "peak_car_pct_cd3", "dli_days_before_infusion",
                       "crs_onset_day", "crs_resolution_day", "vod_onset_day", "infection",
                       *(name for name, _ in ASSESSMENTS))


def deaths(patients: pd.DataFrame, early_death_days: int = 30) -> Results:
    """The early deaths (before ``early_death_days``) one by one: causes, the grade-5 CRS patient (death day,
    peak, DLI), the VOD patient (death day, CRS window, MRD-negative assessment day, VOD onset) and the two
    infections (death days, the day-15 assessment of the fungal-pneumonia death). Frame ``causes``."""
    r = Results()
    early = rows(patients, mask(patients["death_day"] < early_death_days), EARLY_DEATH_COLUMNS)
    cause = early["death_cause"]
    r.add("p2_disc_deaths_infection", int(mask(cause == "infection").sum()))
    r.add("p2_disc_deaths_combined", int(mask(cause.isin(["crs", "vod"])).sum()))
    crs5 = early[pd.to_numeric(early["crs_grade"]).astype(int) == 5]
    what = "early deaths with grade-5 CRS"
    single(r, "p2_death_crs5_day", crs5["death_day"], what)
    single(r, "p2_ae_dli_pt_peak", crs5["peak_car_pct_cd3"], what)
    single(r, "p2_death_dli_days_before", column(crs5, "dli_days_before_infusion"), what)
    _vod_death(r, early[mask(cause == "vod")])
    _infection_deaths(r, early)
    r.frames["causes"] = cause.astype(str).value_counts().sort_index().rename_axis("cause").rename("patients") \
        .to_frame()
    return r


def adverse_effects(tables: dict[str, pd.DataFrame], early_death_days: int = 30) -> Results:
    """Every number of the Figure 3 page."""
    patients = tables["patients"]
    return merge([grades(patients), episodes(patients), fig3b(patients, early_death_days),
                  fig3c(patients, early_death_days), deaths(patients, early_death_days)])
