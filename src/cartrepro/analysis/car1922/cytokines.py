"""Analysis sets of the P1 (CAR19/22) cytokine table: specimens joined to their patient's label and PFS.

Everything here is derived from ``car1922/cytokines.csv`` and ``patients.csv``; the NR/ER vs > 6-month
remission label is :func:`cartrepro.analysis.car1922.derive.response_group` of the patient (the window is a
parameter). Statistics come from ``cartrepro.stats``: the screen is the exact Mann-Whitney test
(:func:`~cartrepro.stats.ranks.mann_whitney_auto`: exact where it fits) with Benjamini-Hochberg q values
(:func:`~cartrepro.stats.multiplicity.bh_adjust`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cartrepro.analysis.car1922 import derive as derive
from cartrepro.stats.multiplicity import bh_adjust
from cartrepro.stats.ranks import mann_whitney_auto

GROUPS = ("nr_er", "remission")
GROUP_LABELS = {"nr_er": "NR/ER", "remission": "> 6-month remission"}


def load(data_dir) -> dict[str, pd.DataFrame] | None:
    """The typed P1 tables through the data contract (``patients``, and ``cytokines`` / ``tissue`` when present).

    None when ``car1922/`` is absent. Contract problems raise :class:`~cartrepro.contract.ContractError`.
    """
    from cartrepro.contract import load_paper
    from cartrepro.paths import resolve_data_dir

    return load_paper(resolve_data_dir(data_dir), "car1922")


def peak_table(cytokines: pd.DataFrame, patients: pd.DataFrame, cohort: str, analyte: str,
               window_months: float = 6.0, timepoint: str = "il6_peak") -> pd.DataFrame:
    """One analyte of one cohort: ``patient_id, fold_change, group, disease, pfs_day, pfs_event``.

    ``group`` is ``nr_er`` / ``remission`` / missing (not evaluable) by the ``window_months`` rule.
    """
    sub = cytokines[(cytokines["timepoint"] == timepoint) & (cytokines["cohort"] == cohort)
                    & (cytokines["analyte"] == analyte)][["patient_id", "fold_change"]]
    info = patients.assign(group=derive.response_group(patients, window_months))[
        ["patient_id", "group", "disease", "pfs_day", "pfs_event"]]
    return sub.merge(info, on="patient_id", how="left", validate="one_to_one")


def split(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(NR/ER values, remission values) of a :func:`peak_table`."""
    return (frame.loc[frame["group"] == "nr_er", "fold_change"].to_numpy(float),
            frame.loc[frame["group"] == "remission", "fold_change"].to_numpy(float))


def screen(cytokines: pd.DataFrame, patients: pd.DataFrame, *, cohort: str = "training",
           window_months: float = 6.0, disease: str | None = None) -> pd.DataFrame:
    """NR/ER vs remission for every analyte of a cohort: n and median per group, P, BH q.

    P is the exact Mann-Whitney test (the paper's) while it fits in memory, else the normal approximation
    (:func:`~cartrepro.stats.ranks.mann_whitney_auto`; the ``test`` column says which).

    Rows in the order of first appearance of the analytes in the table; ``disease`` restricts to one
    disease (Fig. 1c).
    """
    analytes = pd.unique(cytokines.loc[(cytokines["cohort"] == cohort)
                                       & (cytokines["timepoint"] == "il6_peak"), "analyte"])
    rows = []
    for analyte in analytes:
        frame = peak_table(cytokines, patients, cohort, analyte, window_months)
        if disease is not None:
            frame = frame[frame["disease"] == disease]
        nr, rem = split(frame)
        test = mann_whitney_auto(nr, rem) if nr.size and rem.size else None
        rows.append({"analyte": analyte, "n_nr_er": nr.size, "n_remission": rem.size,
                     "median_nr_er": float(np.median(nr)) if nr.size else np.nan,
                     "median_remission": float(np.median(rem)) if rem.size else np.nan,
                     "p": test.p_value if test else np.nan, "test": test.method if test else ""})
    out = pd.DataFrame(rows)
    ok = out["p"].notna()
    out["q_bh"] = np.nan
    out.loc[ok, "q_bh"] = bh_adjust(out.loc[ok, "p"].to_numpy())
    return out
