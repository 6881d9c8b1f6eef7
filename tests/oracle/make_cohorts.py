"""Write random contract-valid cohorts of both papers for the independent R oracle (``oracle.R``).

Each cohort is a cohort folder ``tests/oracle/cohorts/NAME/`` holding ``cd22/patients.csv`` and
``car1922/{patients,cytokines[,tissue]}.csv``, exactly as a centre would hand them to ``cartrepro build``.
The cohorts are drawn from the data contract's space, not from the papers' numbers: sizes from 3 to 150,
heavy censoring, days tied to weeks or months, events on day 0, nobody or everybody in remission, HCT in
non-responders, relapse before HCT, the P2 optional columns present, absent or all empty, cytokine values
tied at one decimal, one disease only, no tissue table.

Deterministic: cohort ``k`` uses ``numpy.random.default_rng(20260 + k)``; rerunning rewrites the same bytes.
Run: ``.venv/bin/python tests/oracle/make_cohorts.py`` (``make reference`` runs it, then ``oracle.R``).
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cartrepro.contract import columns

OUT_DIR = Path(__file__).resolve().parent / "cohorts"
N_COHORTS = 24
SIX_MONTHS = 6 * 30.4375

# column names (and order) come from the data contract itself
CD22_COLUMNS = [c.name for c in columns("cd22", "patients") if c.required]
CD22_OPTIONAL = [c.name for c in columns("cd22", "patients") if not c.required]
CAR1922_COLUMNS = [c.name for c in columns("car1922", "patients")]
CYTOKINE_COLUMNS = [c.name for c in columns("car1922", "cytokines")]
TISSUE_COLUMNS = [c.name for c in columns("car1922", "tissue")]
TRAINING_ANALYTES = ("MIP3α", "Eotaxin", "EPO", "TSLP")


@dataclass(frozen=True)
class Shape:
    """What varies between cohorts."""

    n_cd22: int
    n_car1922: int
    p_cr: float  # share of evaluated P2 patients in CR (0 and 1 included)
    p_hct: float  # share of P2 CR patients bridged to HCT
    censor_scale: float  # mean follow-up after day 30 (small = heavy censoring)
    tie_days: int  # days are rounded up to multiples of this (1 = no forced ties)
    optional: str  # P2 optional columns: "present", "absent" or "empty"
    decimals: int  # cytokine fold changes rounded to this many decimals (1 = many ties)
    one_disease: bool  # P1 cohort of B-NHL only
    tissue: bool  # write car1922/tissue.csv


def shape(k: int, rng: np.random.Generator) -> Shape:
    sizes_cd22 = (3, 5, 8, 12, 20, 34, 40, 60)
    sizes_p1 = (8, 14, 25, 40, 60, 90, 119, 150)
    return Shape(
        n_cd22=int(sizes_cd22[k % len(sizes_cd22)]),
        n_car1922=int(sizes_p1[(k * 3) % len(sizes_p1)]),
        p_cr=float((0.0, 1.0, 0.7, 0.5, 0.85, 0.3)[k % 6]),
        p_hct=float((0.5, 0.8, 0.3, 1.0, 0.6)[k % 5]),
        censor_scale=float((60, 400, 150, 900)[k % 4]),
        tie_days=int((1, 7, 30, 1, 14)[k % 5]),
        optional=("present", "absent", "empty")[k % 3],
        decimals=int((1, 3, 2)[k % 3]),
        one_disease=k % 11 == 5,
        tissue=k % 4 != 3,
    )


def _tie(day: float, step: int) -> int:
    return int(np.ceil(day / step) * step) if step > 1 else int(round(day))


def _blank(x) -> str:
    return "" if x is None else str(x)


# ----- P2 -------------------------------------------------------------------------------------------


def cd22_rows(rng: np.random.Generator, s: Shape) -> list[dict]:
    rows = []
    ids = rng.permutation(np.arange(1, 10 * s.n_cd22 + 1))[: s.n_cd22]
    for pid in ids:
        prior = bool(rng.random() < 0.4)
        status = str(rng.choice(["hematological_relapse", "fcm_mrd_positive", "exclusive_emd"], p=[0.7, 0.15, 0.15]))
        blasts = {"hematological_relapse": round(float(rng.uniform(5, 97)), 1),
                  "fcm_mrd_positive": round(float(rng.uniform(0.1, 5)), 1), "exclusive_emd": None}[status]
        crs = int(rng.choice([0, 1, 2, 3, 5], p=[0.15, 0.45, 0.3, 0.08, 0.02]))
        crs_on = int(rng.integers(0, 18)) if crs else None
        crs_res = (crs_on + int(rng.integers(1, 20)) if rng.random() < 0.8 else None) if crs else None
        neuro = int(rng.choice([0, 1, 2], p=[0.8, 0.15, 0.05]))
        neuro_on = int(rng.integers(1, 18)) if neuro else None
        neuro_res = neuro_on + int(rng.integers(0, 10)) if neuro else None
        row = {
            "patient_id": str(pid), "enrollment": str(rng.choice(["proof_of_concept", "trial"])),
            "age_years": int(rng.integers(1, 70)), "sex": str(rng.choice(["female", "male", ""], p=[0.45, 0.45, 0.1])),
            "prior_allo_hct": "true" if prior else "false",
            "car_t_source": "donor" if prior and rng.random() < 0.5 else "patient",
            "cd19_car_history": str(rng.choice(["cd19neg_or_dim_relapse", "cd19bright_no_response", "none"])),
            "baseline_status": status, "marrow_blasts_pct": blasts, "emd": "true" if status == "exclusive_emd"
            or rng.random() < 0.2 else "false",
            "dose_1e5_per_kg": round(float(rng.uniform(0.2, 35)), 1),
            "peak_car_pct_cd3": round(float(rng.uniform(0, 60)), 2) if rng.random() < 0.9 else None,
            "peak_day": int(rng.integers(7, 22)) if rng.random() < 0.8 else None,
            "persistence_days": int(rng.integers(0, 100)) if rng.random() < 0.8 else None,
            "crs_grade": crs, "crs_onset_day": crs_on, "crs_resolution_day": crs_res,
            "neurotox_grade": neuro, "neurotox_onset_day": neuro_on, "neurotox_resolution_day": neuro_res,
            "hct_day": None, "relapse_day": None, "death_day": None, "death_cause": None, "off_study": None,
        }
        if rng.random() < 0.12:  # early death: not evaluated on day 30 (sometimes on day 0)
            death = int(rng.integers(0, 30))
            row.update(day30_response="not_evaluated", death_day=death, last_followup_day=death,
                       death_cause=str(rng.choice(["crs", "infection", "vod", "other"])))
            rows.append(row)
            continue
        if rng.random() < s.p_cr:
            response = str(rng.choice(["cr_mrd_negative", "cr_mrd_positive"], p=[0.8, 0.2]))
        else:
            response = str(rng.choice(["partial_response", "no_response"], p=[0.3, 0.7]))
        row["day30_response"] = response
        last = _tie(30 + rng.exponential(s.censor_scale), s.tie_days)
        cr = response.startswith("cr_")
        if (cr and rng.random() < s.p_hct) or (not cr and rng.random() < 0.25):  # HCT, also in non-responders
            hct = int(rng.integers(35, 91))
            last = max(last, hct + max(1, _tie(rng.exponential(s.censor_scale), s.tie_days)))
            row["hct_day"] = hct
            u = rng.random()
            if cr and u < 0.12:  # relapse before HCT: not in remission at the transplant
                row["relapse_day"] = int(rng.integers(31, hct))
            elif u < 0.35:  # relapse after HCT (sometimes on the day after), maybe death of disease later
                relapse = hct + _tie(rng.exponential(120), s.tie_days) + (0 if rng.random() < 0.8 else 1)
                row["relapse_day"] = min(relapse, last)
                if rng.random() < 0.4:
                    row.update(death_day=last, death_cause="disease")
            elif u < 0.55:  # transplant-related death
                death = min(hct + max(1, _tie(rng.exponential(90), s.tie_days)), last)
                row.update(death_day=death, death_cause="transplant_related")
                last = death
            elif u < 0.6:  # death on the day of the transplant (time 0 after HCT), not counted as TRM
                row.update(death_day=hct, death_cause="other")
                last = hct
        elif cr:
            u = rng.random()
            if u < 0.15:
                row["off_study"] = "withdrew_for_chemotherapy"
                last = min(last, _tie(30 + rng.exponential(60), s.tie_days))
            elif u < 0.22:
                row["off_study"] = "lost_to_follow_up"
                last = min(last, _tie(30 + rng.exponential(40), s.tie_days))
            if rng.random() < 0.55:
                row["relapse_day"] = min(last, _tie(30 + rng.exponential(100), s.tie_days))
                if rng.random() < 0.3:
                    row.update(death_day=last, death_cause="disease")
        else:
            if response == "partial_response" and rng.random() < 0.5:
                row["relapse_day"] = min(last, _tie(40 + rng.exponential(60), s.tie_days))
            if rng.random() < 0.5:
                row.update(death_day=last, death_cause="disease")
        row["last_followup_day"] = last
        rows.append(row)
    if s.optional != "absent":
        for row in rows:
            filled = s.optional == "present"
            row.update({
                "peak_fold_expansion": round(float(rng.uniform(1.5, 2000)), 1) if filled and rng.random() < 0.8
                else None,
                "il2_fold_increase": round(float(rng.uniform(1, 20)), 1) if filled else None,
                "tnfa_fold_increase": round(float(rng.uniform(1, 20)), 1) if filled else None,
                "cd22_positive_site": str(rng.choice(["bone_marrow", "emd", "not_reevaluated"])) if filled else None,
                "prior_cd22_therapy": "false",
                "day15_response": (str(rng.choice(["cr_mrd_negative", "no_response"])) if filled and
                                   row["day30_response"] == "not_evaluated" and rng.random() < 0.5 else None),
                "infection": "bacterial_sepsis" if filled and row["death_cause"] == "infection" else None,
                "vod_onset_day": None, "dli_days_before_infusion": None, "neurotox_treatment_days": None,
                "normal_b_cells_at_relapse": (("true" if rng.random() < 0.5 else "false")
                                              if filled and row["relapse_day"] is not None else None),
                "emd_size_before_cm": "10.0x5.3x5.9" if filled and row["baseline_status"] == "exclusive_emd" else None,
                "emd_size_day30_cm": None,
            })
            if s.optional == "empty":
                row["prior_cd22_therapy"] = "false"  # a bool column cannot be empty; the rest are all empty
    return rows


# ----- P1 -------------------------------------------------------------------------------------------


def car1922_rows(rng: np.random.Generator, s: Shape) -> list[dict]:
    rows = []
    for k in range(s.n_car1922):
        disease = "b_nhl" if s.one_disease else str(rng.choice(["b_all", "b_nhl"], p=[0.35, 0.65]))
        u = rng.random()
        outcome = "excluded" if u < 0.15 else "no_response" if u < 0.27 else "relapse" if u < 0.6 else "remission"
        follow = max(1, _tie(rng.exponential(s.censor_scale * 1.5) + 20, s.tie_days))
        relapse = reason = None
        os_event = False
        if outcome == "no_response":
            pfs, pfs_event = _tie(rng.uniform(0, 60), s.tie_days), True  # progression, sometimes on day 0
            follow = max(follow, pfs)
        elif outcome == "relapse":
            relapse = max(1, _tie(rng.exponential(200), s.tie_days))
            follow = max(follow, relapse)
            pfs, pfs_event = relapse, True
        elif outcome == "remission":
            pfs, pfs_event = follow, False
        else:
            reason = str(rng.choice(["bridge_to_hsct", "lost_to_follow_up", "non_recurrent_death"]))
            if reason == "non_recurrent_death":
                pfs, pfs_event, os_event = follow, True, True
            elif reason == "lost_to_follow_up":
                pfs, pfs_event = follow, False
            else:
                pfs, pfs_event = follow, bool(rng.random() < 0.3)
        if pfs_event and not os_event and rng.random() < 0.4:
            os_event = True
            follow = max(follow, pfs + _tie(rng.exponential(100), s.tie_days))
        os_day = follow
        rows.append({
            "patient_id": f"P{k + 1:04d}", "disease": disease, "age_years": int(rng.integers(11, 70)),
            "sex": str(rng.choice(["female", "male"])),
            "prior_hsct": str(rng.choice(["none", "autologous", "allogeneic"], p=[0.75, 0.15, 0.1])),
            "prior_lines": int(rng.integers(1, 8)),
            "disease_status": str(rng.choice(["refractory", "first_relapse", "second_or_later_relapse"])),
            "cns_involvement": "true" if rng.random() < 0.1 else "false",
            "tp53_mutation": "true" if rng.random() < 0.3 else "false",
            "car19_dose": round(float(rng.uniform(1, 10)), 2), "car22_dose": round(float(rng.uniform(1, 11)), 2),
            "il6_max_pg_ml": round(float(rng.uniform(5, 5000)), 2),
            "ferritin_max_ug_l": round(float(rng.uniform(50, 50000)), 1),
            "il6_peak_day": int(rng.integers(0, 11)), "crs_grade": int(rng.choice([0, 1, 2, 3, 4])),
            "outcome": outcome, "excluded_reason": reason, "relapse_day": relapse,
            "pfs_day": pfs, "pfs_event": "true" if pfs_event else "false",
            "os_day": os_day, "os_event": "true" if os_event else "false", "followup_day": follow,
        })
    return rows


def _nr_er(row: dict) -> bool | None:
    if row["outcome"] == "excluded":
        return None
    if row["outcome"] == "no_response":
        return True
    return row["outcome"] == "relapse" and row["relapse_day"] <= SIX_MONTHS


def cytokine_rows(rng: np.random.Generator, s: Shape, patients: list[dict]) -> list[dict]:
    order = rng.permutation(len(patients))
    n_train = max(3, int(0.45 * len(patients)))
    n_val = max(2, int(0.3 * len(patients)))
    rows = []

    def value(row: dict, shift: float) -> float:
        bad = _nr_er(row)
        centre = 1.2 if bad else 1.6 if bad is False else 1.4
        v = float(np.exp(rng.normal(centre + shift, 0.35)))
        return max(round(v, s.decimals), 10.0 ** -s.decimals)

    for i in order[:n_train]:
        row = patients[i]
        sample = f"S-{row['patient_id']}-pk"
        for j, analyte in enumerate(TRAINING_ANALYTES):
            rows.append({"sample_id": sample, "patient_id": row["patient_id"], "timepoint": "il6_peak",
                         "cohort": "training", "assay": "MSD 70-plex", "analyte": analyte,
                         "fold_change": value(row, 0.1 * j)})
        if rng.random() < 0.5:
            rows.append({"sample_id": f"S-{row['patient_id']}-bl", "patient_id": row["patient_id"],
                         "timepoint": "baseline", "cohort": "training", "assay": "MSD 70-plex", "analyte": "MIP3α",
                         "fold_change": value(row, -0.5)})
    for i in order[n_train:n_train + n_val]:
        row = patients[i]
        rows.append({"sample_id": f"V-{row['patient_id']}", "patient_id": row["patient_id"], "timepoint": "il6_peak",
                     "cohort": "validation", "assay": "Bio-Plex", "analyte": "MIP3α", "fold_change": value(row, 0.05)})
    order_rows = rng.permutation(len(rows))
    return [rows[i] for i in order_rows]


def tissue_rows(rng: np.random.Generator, patients: list[dict]) -> list[dict]:
    relapsed = [p for p in patients if p["disease"] == "b_nhl" and p["outcome"] == "relapse"]
    chosen = relapsed[: int(rng.integers(3, 13))]
    return [{"specimen_id": f"T-{p['patient_id']}", "patient_id": p["patient_id"], "tissue": "tumour",
             "cd3_infiltration": round(float(5 + 0.05 * p["pfs_day"] + rng.normal(0, 5)) if rng.random() < 0.9
                                       else 0.0, 1)} for p in chosen]


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_blank(row.get(c)) for c in columns])


def main() -> None:
    if OUT_DIR.exists():
        shutil.rmtree(OUT_DIR)
    for k in range(N_COHORTS):
        rng = np.random.default_rng(20260 + k)
        s = shape(k, rng)
        folder = OUT_DIR / f"oracle_{k:02d}"
        cd22 = cd22_rows(rng, s)
        cd22_columns = CD22_COLUMNS + (CD22_OPTIONAL if s.optional != "absent" else [])
        _write(folder / "cd22" / "patients.csv", cd22_columns, cd22)
        p1 = car1922_rows(rng, s)
        _write(folder / "car1922" / "patients.csv", CAR1922_COLUMNS, p1)
        _write(folder / "car1922" / "cytokines.csv", CYTOKINE_COLUMNS, cytokine_rows(rng, s, p1))
        if s.tissue:
            tissue = [t | {"cd3_infiltration": max(0.0, t["cd3_infiltration"])} for t in tissue_rows(rng, p1)]
            _write(folder / "car1922" / "tissue.csv", TISSUE_COLUMNS, tissue)
        (folder / "shape.txt").write_text(f"{s}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
