"""CAR-T expansion, persistence and cytokines of P2 (Results after Figure 2; Supplementary Figures 3-4).

Conventions the paper leaves open (stated on the page): the peak-day range counts patients alive after
the peak window (days 12 to 15; the two day-10 deaths peaked earlier), the fold range counts patients
with expansion, and the Spearman correlations use one value per patient (average ranks for ties,
t-approximation P, as SPSS).

Examples
--------
>>> import pandas as pd
>>> patients = pd.DataFrame({"death_day": [10, None, None], "peak_day": [8, 12, 15],
...                          "persistence_days": [3, 28, 96], "peak_car_pct_cd3": [0.5, 20.0, 40.0]})
>>> r = expansion(patients)
>>> r.value("p2_kin_peak_day_min"), r.value("p2_kin_persistence_median")
(12.0, 28.0)
>>> r.not_computable()["p2_kin_peak_fold_max"]
'the optional column peak_fold_expansion is absent or empty'
"""

from __future__ import annotations

import pandas as pd

from cartrepro.analysis.cd22.common import column, describe, mask, numbers
from cartrepro.analysis.results import Results
from cartrepro.analysis.time import months
from cartrepro.stats.groups import spearman


def expansion(patients: pd.DataFrame, peak_window_end: int = 15) -> Results:
    """Peak day (patients alive after ``peak_window_end``), fold expansion and persistence of CAR-T cells.

    Frame ``fold``: the recorded fold expansions (for the dot plot).
    """
    r = Results()
    alive_after_window = ~mask(patients["death_day"] <= peak_window_end)
    peak_day = numbers(patients.loc[alive_after_window, "peak_day"])
    if peak_day.empty:
        r.skip(["p2_kin_peak_day_min", "p2_kin_peak_day_max"],
               f"no peak day recorded for a patient alive after day {peak_window_end}")
    else:
        r.add("p2_kin_peak_day_min", float(peak_day.min()))
        r.add("p2_kin_peak_day_max", float(peak_day.max()))
    fold = numbers(column(patients, "peak_fold_expansion"))
    if fold.empty:
        r.skip(["p2_kin_peak_fold_min", "p2_kin_peak_fold_max"],
               "the optional column peak_fold_expansion is absent or empty")
    else:
        r.add("p2_kin_peak_fold_min", float(fold.min()))
        r.add("p2_kin_peak_fold_max", float(fold.max()))
    persistence = numbers(patients["persistence_days"])
    describe(r, "p2_kin_persistence", persistence, "no persistence is recorded")
    if persistence.empty:
        r.skip(["p2_disc_car_detectable"], "no persistence is recorded")
    else:
        r.add("p2_disc_car_detectable", float(months(float(persistence.max()))))  # "only within 3 months"
    r.frames["fold"] = fold.to_numpy()
    return r


def cytokines(patients: pd.DataFrame) -> Results:
    """Spearman's rho of peak CAR-T level with the IL-2 and TNF-alpha fold increases (one value per patient).

    Frame ``spearman``: one row per cytokine with rho, P and the number of patients.
    """
    r = Results()
    peak = pd.to_numeric(patients["peak_car_pct_cd3"], errors="coerce").astype(float)
    rows = []
    for ledger_id, name in (("p2_kin_spearman_il2", "il2_fold_increase"),
                            ("p2_kin_spearman_tnfa", "tnfa_fold_increase")):
        other = pd.to_numeric(column(patients, name), errors="coerce").astype(float)
        both = (peak.notna() & other.notna()).to_numpy()
        if int(both.sum()) < 3:
            r.skip([ledger_id], f"fewer than 3 patients with both peak expansion and {name}")
            continue
        if peak[both].nunique() == 1 or other[both].nunique() == 1:
            r.skip([ledger_id], f"peak expansion or {name} does not vary: Spearman's rho is undefined")
            continue
        result = spearman(peak[both], other[both])
        r.add(ledger_id, result.statistic)
        rows.append({"cytokine": name, "rho": result.statistic, "P": result.p_value, "patients": int(both.sum())})
    r.frames["spearman"] = pd.DataFrame(rows, columns=["cytokine", "rho", "P", "patients"])
    return r


def expansion_kinetics(tables: dict[str, pd.DataFrame], peak_window_end: int = 15) -> Results:
    """Every number of the kinetics page: :func:`expansion` and :func:`cytokines`."""
    patients = tables["patients"]
    return expansion(patients, peak_window_end).extend(cytokines(patients))
