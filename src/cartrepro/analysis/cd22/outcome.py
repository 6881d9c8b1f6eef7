"""Long-term outcome of the P2 CR patients (Results "Long-term follow up" and Figure 4).

Analysis sets (:mod:`cartrepro.analysis.cd22.derive`). The figure is titled "Long-term outcome of CR
patients"; the text reads "Of the 11 CR patients who received allo-HCT, 2 died of TRM at 1.5 and 6
months, 1 had a relapse at 1.1 months, and 8 remained in remission ... resulted in 1-year LFS rate of 71.6%
(95% CI, 44.2-99.0) (Fig. 4a)" and the Discussion speaks of "the 11 CR patients who were successfully
bridged to subsequent allo-HCT" (../shared/papers/004_61affcd28f3b063d.txt). So Figures 4a and 4b take the
CR patients (day-30 CR/CRi) bridged to allo-HCT **in remission**: a patient transplanted without a CR is
excluded, and so is a CR patient whose relapse was found on or before the HCT day (not leukemia-free at
HCT: the transplant treated a relapse, it did not bridge a remission); that patient counts among the CR
patients who relapsed without further therapy. Figure 4c takes all CR patients from infusion.

Method (as the paper): Kaplan-Meier (SPSS 25), Greenwood SE, a *plain* interval S +/- 1.96 SE formed from
S and SE rounded to ``spss_decimals`` (SPSS's displayed table); relapse in 4b is 1 - KM with TRM censored.

Examples
--------
>>> import pandas as pd
>>> patients = pd.DataFrame({
...     "patient_id": ["a", "b", "c", "d"],
...     "day30_response": ["cr_mrd_negative", "cr_mrd_negative", "no_response", "cr_mrd_positive"],
...     "hct_day": [50, 60, 40, None], "relapse_day": [None, 55, None, 100], "death_day": [None] * 4,
...     "off_study": [None] * 4, "last_followup_day": [400, 300, 400, 200]})
>>> r = fig4a(patients)
>>> r.value("p2_fig4a_lfs_1y"), r.value("p2_fig4a_remission_n")   # only patient a: b relapsed before HCT
(100.0, 1)
"""

from __future__ import annotations

import math

import pandas as pd

from cartrepro.analysis.cd22 import derive
from cartrepro.analysis.cd22.common import numbers, rows
from cartrepro.analysis.results import Results, merge
from cartrepro.analysis.time import months
from cartrepro.stats.survival import km_at

#: the Fig 4a ids that need at least one patient in the analysis set
FIG4A_IDS = ("p2_fig4a_lfs_1y", "p2_fig4a_trm_n", "p2_fig4a_trm_times", "p2_fig4a_relapse_n", "p2_disc_hct_relapse",
             "p2_fig4a_relapse_time", "p2_fig4a_remission_n", "p2_fig4a_remission_min", "p2_fig4a_remission_max")
NO_HCT = "no CR patient was bridged to allo-HCT in remission"


def km_percent(table: pd.DataFrame, horizon_days: float, conf_type: str, spss_decimals: int | None,
               failure: bool = False) -> tuple[float, tuple[float, float] | None]:
    """Kaplan-Meier (or 1 - KM) at ``horizon_days`` in percent with its CI (SPSS rounding only for plain).

    The CI is None where it does not exist: at S = 0 (everyone had the event) Greenwood's SE is 0/0.
    """
    point = km_at(table["time_days"], table["event"], horizon_days, conf_type=conf_type,
                  spss_decimals=spss_decimals if conf_type == "plain" else None, failure=failure)
    ci = (100 * point.ci_low, 100 * point.ci_high)
    return 100 * point.estimate, (ci if all(math.isfinite(c) for c in ci) else None)


def add_km(r: Results, ledger_id: str, table: pd.DataFrame, horizon_days: float, conf_type: str,
           spss_decimals: int | None, failure: bool = False) -> None:
    """Add the Kaplan-Meier value at the horizon with its CI, or say why the CI is undefined (S = 0 at the
    horizon: Greenwood's variance divides by zero, and R's survfit gives NA there too).

    The number is declared rather than given without its CI: the ledger publishes it with a CI, and
    :func:`cartrepro.ledger.record.record` refuses such an entry without one; the reason states the 0.
    """
    estimate, ci = km_percent(table, horizon_days, conf_type, spss_decimals, failure=failure)
    if ci is None or not math.isfinite(estimate):
        r.skip([ledger_id], f"every patient of the analysis set had an event by day {horizon_days:g}: the "
                            f"Kaplan-Meier estimate is {estimate:g}% and its Greenwood confidence interval is "
                            "undefined (0/0)")
        return
    r.add(ledger_id, estimate, ci=ci)


def after_remission(patients: pd.DataFrame) -> Results:
    """What the CR patients did next (HCT in remission, withdrew, lost, no further therapy), the HCT days
    of the bridged patients, and the relapses and remissions (months) of those without further therapy.
    Frame ``course``: patients per course."""
    r = Results()
    course = derive.further_therapy(patients)
    for ledger_id, kind in (("p2_ltf_cr_hct", "hct"), ("p2_ltf_cr_nft", "none"), ("p2_ltf_cr_withdrew", "withdrew"),
                            ("p2_ltf_cr_lost", "lost")):
        r.add(ledger_id, int((course == kind).sum()))
    bridged = numbers(patients.loc[derive.in_remission_at_hct(patients), "hct_day"])
    if bridged.empty:
        r.skip(["p2_ltf_hct_day_median", "p2_ltf_hct_day_min", "p2_ltf_hct_day_max"], NO_HCT)
    else:
        r.add("p2_ltf_hct_day_median", float(bridged.median()))
        r.add("p2_ltf_hct_day_min", float(bridged.min()))
        r.add("p2_ltf_hct_day_max", float(bridged.max()))
    nft = rows(patients, patients["patient_id"].isin(course.index[course == "none"]),
               ("relapse_day", "last_followup_day"))
    relapse = months(numbers(nft["relapse_day"]).to_numpy())
    remission = months(numbers(nft.loc[nft["relapse_day"].isna(), "last_followup_day"]).to_numpy())
    r.add("p2_ltf_nft_relapse_n", len(relapse))
    r.add("p2_ltf_nft_remission_n", len(remission))
    r.add("p2_disc_nft_relapse", [len(relapse), len(nft)])
    if len(relapse):  # SPSS median: the mean of the two middle values for an even count
        r.add("p2_ltf_nft_relapse_median", float(pd.Series(relapse).median()))
        r.add("p2_ltf_nft_relapse_min", float(relapse.min()))
        r.add("p2_ltf_nft_relapse_max", float(relapse.max()))
    else:
        r.skip(["p2_ltf_nft_relapse_median", "p2_ltf_nft_relapse_min", "p2_ltf_nft_relapse_max"],
               "no CR patient without further therapy relapsed")
    if len(remission):
        r.add("p2_ltf_nft_remission_times", sorted(float(m) for m in remission))
    else:
        r.skip(["p2_ltf_nft_remission_times"], "no CR patient without further therapy stayed in remission")
    r.frames["course"] = course.value_counts().rename_axis("after CR").rename("patients").to_frame()
    return r


def fig4a(patients: pd.DataFrame, horizon_days: float = 365, conf_type: str = "plain",
          spss_decimals: int | None = 3) -> Results:
    """Figure 4a: LFS after allo-HCT at ``horizon_days`` (origin HCT; events relapse or death) with the TRM,
    relapse and remission facts in months after HCT. Frame ``lfs``: the analysis table."""
    r = Results()
    lfs = derive.lfs_after_hct(patients)
    r.frames["lfs"] = lfs
    if lfs.empty:
        r.skip(FIG4A_IDS, NO_HCT)
        return r
    after = pd.Series(months(lfs["time_days"].to_numpy()))
    kind = lfs["event_type"].reset_index(drop=True)
    add_km(r, "p2_fig4a_lfs_1y", lfs, horizon_days, conf_type, spss_decimals)
    r.add("p2_fig4a_trm_n", int((kind == "trm").sum()))
    r.add("p2_fig4a_trm_times", sorted(float(m) for m in after[kind == "trm"]))
    r.add("p2_fig4a_relapse_n", int((kind == "relapse").sum()))
    r.add("p2_disc_hct_relapse", [int((kind == "relapse").sum()), len(lfs)])
    if int((kind == "relapse").sum()) == 1:
        r.add("p2_fig4a_relapse_time", float(after[kind == "relapse"].iloc[0]))
    else:
        r.skip(["p2_fig4a_relapse_time"], f"{int((kind == 'relapse').sum())} relapses after HCT; the paper "
                                          "describes one")
    remission = after[kind == "censored"]
    r.add("p2_fig4a_remission_n", len(remission))
    if remission.empty:
        r.skip(["p2_fig4a_remission_min", "p2_fig4a_remission_max"], "no HCT patient stayed in remission")
    else:
        r.add("p2_fig4a_remission_min", float(remission.min()))
        r.add("p2_fig4a_remission_max", float(remission.max()))
    return r


def fig4b(patients: pd.DataFrame, horizon_days: float = 365, conf_type: str = "plain",
          spss_decimals: int | None = 3) -> Results:
    """Figure 4b: relapse after HCT as 1 - KM with TRM censored, at ``horizon_days``. Frames ``relapse``
    and ``trm`` (TRM with relapses censored)."""
    r = Results()
    relapse = derive.relapse_after_hct(patients)
    r.frames["relapse"], r.frames["trm"] = relapse, derive.trm_after_hct(patients)
    if relapse.empty:
        r.skip(["p2_fig4b_relapse_1y"], NO_HCT)
        return r
    add_km(r, "p2_fig4b_relapse_1y", relapse, horizon_days, conf_type, spss_decimals, failure=True)
    return r


def without_unreported_events(lfs: pd.DataFrame, patients: pd.DataFrame) -> pd.DataFrame:
    """The Fig 4c table with the events of CR patients who withdrew or were lost to follow-up censored on
    the day of the event: the text reports events only for the patients without further therapy and the
    HCT patients ("4 had a relapse", "2 died of TRM", "1 had a relapse"), 7 in all."""
    by_id = pd.Series(patients["off_study"].to_numpy(), index=pd.Index(patients["patient_id"]))
    off_study = by_id.reindex(lfs["patient_id"]).notna().to_numpy()
    table = lfs.copy()
    table["event"] = table["event"].to_numpy() & ~off_study
    table.loc[off_study, "event_type"] = "censored"
    return table


def fig4c(patients: pd.DataFrame, horizon_days: float = 365, conf_type: str = "plain",
          spss_decimals: int | None = 3) -> Results:
    """Figure 4c: LFS of all CR patients from infusion at ``horizon_days``.

    The printed 58.1% (35.2-81.0) needs 8 events within the year, the text names 7 (ledger inconsistency
    ``fig4c_eighth_event``). Frame ``eighth_event`` shows the value with all events next to the value when
    the events the text does not report (those of patients who withdrew or were lost) are censored
    (:func:`without_unreported_events`). Frame ``lfs``: the analysis table.
    """
    r = Results()
    lfs = derive.lfs_of_cr_patients(patients)
    r.frames["lfs"] = lfs
    rows = []
    if lfs.empty:
        r.skip(["p2_fig4c_lfs_1y"], "no patient was in complete remission on day 30")
    else:
        add_km(r, "p2_fig4c_lfs_1y", lfs, horizon_days, conf_type, spss_decimals)
        for label, table in (("all events in the data", lfs),
                             ("events the text reports only", without_unreported_events(lfs, patients))):
            within = table["event"].to_numpy() & (table["time_days"].to_numpy() <= horizon_days)
            value, ci_row = km_percent(table, horizon_days, conf_type, spss_decimals)
            low, high = ci_row or (float("nan"), float("nan"))  # a table cell: NaN shows as empty
            rows.append({"events counted": label, "events in year one": int(within.sum()), "LFS %": value,
                         "CI low": low, "CI high": high})
    r.frames["eighth_event"] = pd.DataFrame(rows, columns=["events counted", "events in year one", "LFS %",
                                                           "CI low", "CI high"])
    return r


def long_term_outcome(tables: dict[str, pd.DataFrame], horizon_days: float = 365, conf_type: str = "plain",
                      spss_decimals: int | None = 3) -> Results:
    """Every number of the Figure 4 page: :func:`after_remission`, :func:`fig4a`, :func:`fig4b`, :func:`fig4c`."""
    patients = tables["patients"]
    km = {"horizon_days": horizon_days, "conf_type": conf_type, "spss_decimals": spss_decimals}
    return merge([after_remission(patients), fig4a(patients, **km), fig4b(patients, **km), fig4c(patients, **km)])
