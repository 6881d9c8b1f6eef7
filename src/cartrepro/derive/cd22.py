"""Analysis sets and time-to-event tables derived from the P2 (CD22) patient table.

The data contract stores events as days since CAR-T infusion; everything here is derived, never stored
(data-contract.md, "Derived, never stored"). Each function returns a tidy table with one row per
patient of the analysis set: ``patient_id``, ``time_days``, ``event`` (bool), ``event_type``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: day-30 responses counted as complete remission (CR/CRi, MRD-negative or positive)
CR_RESPONSES = ("cr_mrd_negative", "cr_mrd_positive")
DAYS_PER_MONTH = 30.4375


def months(days) -> np.ndarray | float:
    """Days to months as the reconstruction convention states (days / 30.4375)."""
    return np.asarray(days, dtype=float) / DAYS_PER_MONTH if not np.isscalar(days) else days / DAYS_PER_MONTH


def _mask(condition: pd.Series) -> np.ndarray:
    """A plain boolean array from a nullable comparison (missing counts as False)."""
    return condition.fillna(False).to_numpy(dtype=bool) if condition.dtype != bool else condition.to_numpy()


def complete_remission(patients: pd.DataFrame) -> pd.Series:
    """Boolean mask: patients in CR/CRi at the day-30 evaluation."""
    return patients["day30_response"].isin(CR_RESPONSES)


def _first_event(patients: pd.DataFrame, origin: pd.Series) -> pd.DataFrame:
    """Time from ``origin`` to the first of relapse or death (else last follow-up), for ``patients``."""
    relapse = patients["relapse_day"].astype("Float64")
    death = patients["death_day"].astype("Float64")
    last = patients["last_followup_day"].astype("Float64")
    # a relapse or death before the origin does not belong to this analysis (a pre-HCT relapse would not
    # be followed by an HCT in this cohort, but user data may hold it: it is reported, not used)
    relapse = relapse.where(relapse >= origin)
    death = death.where(death >= origin)
    first = pd.concat([relapse, death], axis=1).min(axis=1, skipna=True)
    event = first.notna()
    end = first.where(event, last)
    event_type = np.select(
        [_mask(relapse == first), _mask(death == first)],
        ["relapse", "death"], default="censored")
    return pd.DataFrame({
        "patient_id": patients["patient_id"].to_numpy(),
        "time_days": (end - origin).astype(float).to_numpy(),
        "event": event.astype(bool).to_numpy(),
        "event_type": event_type,
    })


def lfs_after_hct(patients: pd.DataFrame) -> pd.DataFrame:
    """Leukemia-free survival after allo-HCT (Fig 4a): origin the HCT day, events relapse or death.

    Analysis set: patients with an HCT after CAR-T (``hct_day`` present). ``event_type`` is ``relapse``,
    ``death`` (treatment-related mortality: death without relapse) or ``censored``.
    """
    hct = patients[patients["hct_day"].notna()]
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
    cr = patients[complete_remission(patients)]
    return _first_event(cr, pd.Series(0.0, index=cr.index, dtype="Float64"))


def further_therapy(patients: pd.DataFrame) -> pd.Series:
    """What each CR patient did after remission: ``hct``, ``withdrew``, ``lost``, or ``none`` (NFT)."""
    cr = patients[complete_remission(patients)]
    course = np.select(
        [_mask(cr["hct_day"].notna()), _mask(cr["off_study"] == "withdrew_for_chemotherapy"),
         _mask(cr["off_study"] == "lost_to_follow_up")],
        ["hct", "withdrew", "lost"], default="none")
    return pd.Series(course, index=cr["patient_id"].to_numpy(), name="further_therapy")
