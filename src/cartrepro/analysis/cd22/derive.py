"""Analysis sets and time-to-event tables derived from the P2 (CD22) patient table.

The data contract stores events as days since CAR-T infusion; everything here is derived, never stored
(data-contract.md, "Derived, never stored"). Each function returns a tidy table with one row per
patient of the analysis set: ``patient_id``, ``time_days``, ``event`` (bool), ``event_type``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cartrepro.analysis.cd22.common import rows
from cartrepro.analysis.time import DAYS_PER_MONTH, months  # noqa: F401 (re-exported)

#: day-30 responses counted as complete remission (CR/CRi, MRD-negative or positive)
CR_RESPONSES = ("cr_mrd_negative", "cr_mrd_positive")
#: the columns a time-to-event table is made of (:func:`_first_event`)
EVENT_COLUMNS = ("patient_id", "hct_day", "relapse_day", "death_day", "last_followup_day")


def _mask(condition: pd.Series) -> np.ndarray:
    """A plain boolean array from a nullable comparison (missing counts as False)."""
    return condition.fillna(False).to_numpy(dtype=bool) if condition.dtype != bool else condition.to_numpy()


def complete_remission(patients: pd.DataFrame) -> pd.Series:
    """Boolean mask: patients in CR/CRi at the day-30 evaluation."""
    return patients["day30_response"].isin(CR_RESPONSES)


def _first_event(patients: pd.DataFrame, origin: pd.Series) -> pd.DataFrame:
    """Time from ``origin`` to the first of relapse or death (else last follow-up), for ``patients``."""
    def days(values) -> np.ndarray:  # missing as NaN, which compares False and is skipped by fmin
        if (isinstance(values, pd.Series) and values.index.equals(patients.index)
                and pd.api.types.is_numeric_dtype(values.dtype) and values.dtype != bool):
            return values.to_numpy(dtype=float, na_value=np.nan)  # a column of the table: the same floats, directly
        return pd.Series(values, index=patients.index).astype("Float64").to_numpy(dtype=float, na_value=np.nan)

    start = days(origin)
    relapse, death, last = (days(patients[c]) for c in ("relapse_day", "death_day", "last_followup_day"))
    # a relapse or death before the origin does not belong to this analysis (a pre-HCT relapse would not
    # be followed by an HCT in this cohort, but user data may hold it: it is reported, not used)
    relapse = np.where(relapse >= start, relapse, np.nan)
    death = np.where(death >= start, death, np.nan)
    first = np.fmin(relapse, death)
    event = ~np.isnan(first)
    end = np.where(event, first, last)
    event_type = np.select([relapse == first, death == first], ["relapse", "death"], default="censored")
    return pd.DataFrame({
        "patient_id": patients["patient_id"].to_numpy(),
        "time_days": end - start,
        "event": event,
        "event_type": event_type,
    })


def in_remission_at_hct(patients: pd.DataFrame) -> pd.Series:
    """Boolean mask: CR patients bridged to allo-HCT while in remission (the Fig 4a/4b analysis set).

    The paper's Figure 4 is titled "Long-term outcome of CR patients"; its text counts "the 11 CR patients
    who received allo-HCT" and, in the Discussion, "the 11 CR patients who were successfully bridged to
    subsequent allo-HCT" (../shared/papers/004_61affcd28f3b063d.txt, Results "Long-term follow up" and
    Discussion). So a patient enters 4a/4b when (1) the day-30 response was CR/CRi and (2) the HCT came
    while still in remission. A patient who was transplanted without CR (no response, partial response,
    not evaluated) is not a CR patient: excluded. A CR patient whose relapse was found **on or before the
    HCT day** was not bridged *in remission* (the transplant treated the relapse): excluded from 4a/4b, and
    counted among the CR patients who relapsed without further therapy (:func:`further_therapy`); in 4c
    (all CR patients, from infusion) that relapse is an event as any other.
    """
    hct, relapse = (patients[c].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
                    for c in ("hct_day", "relapse_day"))
    relapsed_first = relapse <= hct  # False when either is missing
    cr = complete_remission(patients).to_numpy(dtype=bool)
    return pd.Series(cr & ~np.isnan(hct) & ~relapsed_first, index=patients.index)


def lfs_after_hct(patients: pd.DataFrame) -> pd.DataFrame:
    """Leukemia-free survival after allo-HCT (Fig 4a): origin the HCT day, events relapse or death.

    Analysis set: :func:`in_remission_at_hct` (CR patients bridged to HCT in remission). ``event_type`` is
    ``relapse``, ``death`` (treatment-related mortality: death without relapse) or ``censored``.
    """
    hct = rows(patients, in_remission_at_hct(patients), EVENT_COLUMNS)
    table = _first_event(hct, hct["hct_day"].astype("Float64"))
    table["event_type"] = table["event_type"].replace({"death": "trm"})
    return table


def relapse_after_hct(patients: pd.DataFrame) -> pd.DataFrame:
    """Relapse after HCT as the paper analysed it (Fig 4b): TRM deaths censored at death (1 - KM)."""
    table = lfs_after_hct(patients)
    table["event"] = table["event_type"] == "relapse"
    return table


def trm_after_hct(patients: pd.DataFrame) -> pd.DataFrame:
    """Treatment-related mortality after HCT (Fig 4b): relapses censored at relapse (1 - KM)."""
    table = lfs_after_hct(patients)
    table["event"] = table["event_type"] == "trm"
    return table


def lfs_of_cr_patients(patients: pd.DataFrame) -> pd.DataFrame:
    """LFS of all CR patients (Fig 4c): origin CAR-T infusion (day 0), events relapse or death.

    Patients bridged to HCT are followed through the HCT (it is not a censoring event). The Methods define
    LFS from the HCT date, but that cannot apply to never-transplanted patients; the ledger's
    ``lfs_origin`` inconsistency explains why infusion is the only origin consistent with the figure.
    """
    cr = rows(patients, complete_remission(patients), EVENT_COLUMNS)
    return _first_event(cr, pd.Series(0.0, index=cr.index, dtype="Float64"))


def further_therapy(patients: pd.DataFrame) -> pd.Series:
    """What each CR patient did after remission: ``hct``, ``withdrew``, ``lost``, or ``none`` (NFT).

    ``hct`` means bridged to allo-HCT in remission (:func:`in_remission_at_hct`); a CR patient whose HCT
    followed a relapse relapsed without further therapy first and counts as ``none``.
    """
    cr = rows(patients, complete_remission(patients),
              ("patient_id", "day30_response", "hct_day", "relapse_day", "off_study"))
    course = np.select(
        [_mask(in_remission_at_hct(cr)), _mask(cr["off_study"] == "withdrew_for_chemotherapy"),
         _mask(cr["off_study"] == "lost_to_follow_up")],
        ["hct", "withdrew", "lost"], default="none")
    return pd.Series(course, index=cr["patient_id"].to_numpy(), name="further_therapy")


#: cut-points of the Fig 2c / 3c subgroups. The paper shows these subgroups only in the figures, without
#: cut-points; these are the project's choices (stated on the pages): adult = 18 years or older,
#: high marrow burden = 50% blasts or more.
ADULT_AGE = 18
HIGH_BURDEN_BLASTS = 50.0
#: the columns :func:`subgroups` reads
SUBGROUP_COLUMNS = ("age_years", "prior_allo_hct", "marrow_blasts_pct", "emd")


def subgroups(patients: pd.DataFrame) -> dict[str, pd.Series]:
    """The baseline subgroups the text names for Fig 2c and 3c that this table can rebuild.

    High-risk gene mutations and fusion genes (also in Fig 2c) are not in the data contract: not rebuilt.
    """
    age = patients["age_years"].astype(float)
    blasts = patients["marrow_blasts_pct"].astype(float)
    burden = np.where(blasts >= HIGH_BURDEN_BLASTS, f"blasts ≥ {HIGH_BURDEN_BLASTS:g}%",
                      f"blasts < {HIGH_BURDEN_BLASTS:g}% or none")
    return {
        "Age": pd.Series(np.where(age >= ADULT_AGE, f"≥ {ADULT_AGE} years", f"< {ADULT_AGE} years"),
                         index=patients.index),
        "Previous allo-HCT": pd.Series(np.where(_mask(patients["prior_allo_hct"] == True), "yes", "no"),  # noqa: E712
                                       index=patients.index),
        "Marrow burden": pd.Series(burden, index=patients.index),
        "Extramedullary disease": pd.Series(np.where(_mask(patients["emd"] == True), "yes", "no"),  # noqa: E712
                                            index=patients.index),
    }


def subgroup_rates(outcome: pd.Series, groups: dict[str, pd.Series], *, conf_level: float = 0.95) -> pd.DataFrame:
    """Rate of a boolean outcome in each subgroup with its exact (Clopper-Pearson) CI.

    Returns one row per section and label: section, label, k, n, estimate, ci_low, ci_high (fractions).
    """
    from cartrepro.stats.proportions import proportion_ci

    out = []
    hit = pd.Series(_mask(outcome), index=outcome.index)
    for section, labels in groups.items():
        # the members of each label by position when the subgroups are of the outcome's rows (as always here),
        # else by index as pandas aligns them
        aligned = labels.index.equals(hit.index)
        values, flags = labels.to_numpy(), hit.to_numpy()
        for label in sorted(labels.unique()):
            if aligned:
                chosen = values == label
                k, n = int(flags[chosen].sum()), int(chosen.sum())
            else:
                members = labels == label
                k, n = int(hit[members].sum()), int(members.sum())
            ci = proportion_ci(k, n, method="clopper-pearson", conf_level=conf_level)
            out.append({"section": section, "label": label, "k": k, "n": n, "estimate": ci.estimate,
                        "ci_low": ci.ci_low, "ci_high": ci.ci_high})
    return pd.DataFrame(out)
