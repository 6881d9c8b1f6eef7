"""Inputs of the review chapter's R reference (tests/reference/make_review_fixtures.R).

Writes tests/reference/fixtures/review_inputs.json: P-value vectors (hand-made, with a value on the BH
threshold, plus the shipped cohort's three screens), overlap cases, survival data with a marker for the
maximally selected log-rank statistic (hand-made with tied times and tied markers, plus the shipped
cohort's training MIP3α and PFS), and a small two-group, three-marker data set with the bootstrap resample
indices (:func:`cartrepro.stats.optimism.bootstrap_indices`) that R replays. Deterministic: fixed seeds.
Run from the repository root: .venv/bin/python tests/reference/make_review_inputs.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from cartrepro.analysis.car1922 import cytokines as cyto
from cartrepro.contract import load_paper
from cartrepro.paths import SHIPPED_DATA_DIR
from cartrepro.stats.optimism import bootstrap_indices

OUT = Path(__file__).parent / "fixtures" / "review_inputs.json"
N_BOOT, SEED = 200, 7


def main() -> None:
    rng = np.random.default_rng(20261201)
    tables = load_paper(SHIPPED_DATA_DIR, "car1922")
    cytokines, patients = tables["cytokines"], tables["patients"]
    p_cases = {"threshold_tie": [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216],
               "uniform_70": rng.uniform(0, 1, 70).round(6).tolist(),
               "strong_signal_20": np.concatenate([rng.uniform(0, 0.003, 5), rng.uniform(0, 1, 15)]).round(6).tolist()}
    for key, disease in (("shipped_all", None), ("shipped_ball", "b_all"), ("shipped_bnhl", "b_nhl")):
        screen = cyto.screen(cytokines, patients, disease=disease)
        p_cases[key] = screen["p"].dropna().tolist()
    overlap_cases = [[70, 5, 6, 2], [70, 3, 5, 2], [70, 10, 10, 0], [20, 8, 9, 6], [5, 5, 5, 5], [70, 0, 4, 0]]
    surv = {}
    n = 40
    surv["continuous_40"] = {"time": rng.exponential(300, n).round(1).tolist(),
                             "event": (rng.uniform(size=n) < 0.7).astype(int).tolist(),
                             "x": rng.lognormal(1, 0.6, n).round(3).tolist()}
    surv["ties_30"] = {"time": rng.integers(10, 60, 30).astype(float).tolist(),
                       "event": (rng.uniform(size=30) < 0.6).astype(int).tolist(),
                       "x": rng.integers(1, 8, 30).astype(float).tolist()}
    surv["hand_10"] = {"time": [5, 8, 12, 3, 9, 15, 4, 20, 7, 11], "event": [1, 1, 0, 1, 1, 0, 1, 0, 1, 1],
                       "x": [1.2, 2.5, 3.1, 0.7, 2.0, 4.4, 0.9, 5.0, 1.8, 2.9]}
    frame = cyto.peak_table(cytokines, patients, "training", "MIP3α")
    surv["shipped_mip3a_training"] = {"time": frame["pfs_day"].astype(float).tolist(),
                                      "event": frame["pfs_event"].astype(int).tolist(),
                                      "x": frame["fold_change"].astype(float).tolist()}
    cases = rng.normal([0.0, 0.3, 0.0], 1.0, (9, 3)).round(4)
    controls = rng.normal([0.8, 0.0, 0.2], 1.0, (12, 3)).round(4)
    idx_cases, idx_controls = bootstrap_indices(len(cases), len(controls), N_BOOT, SEED)
    boot = {"cases": cases.tolist(), "controls": controls.tolist(), "n_boot": N_BOOT, "seed": SEED,
            "idx_cases": idx_cases.tolist(), "idx_controls": idx_controls.tolist()}
    OUT.write_text(json.dumps({"p_values": p_cases, "overlap": overlap_cases, "maxstat": surv, "bootstrap": boot,
                               "correlation": correlation_cases(rng, tables)}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


def correlation_cases(rng, p1_tables) -> dict:
    """Pairs for the correlation P values of the alternatives table: hand-made (untied n = 8, the exact
    Kendall path; tied n = 12, the normal-approximation path; n = 6), and the shipped cohorts' four
    correlations (P1 MIP3α-Eotaxin and tissue CD3-PFS, P2 IL-2 and TNF-α against the CAR-T peak)."""
    from cartrepro.analysis.review.alternatives import P2_CORR, p1_correlation_pairs

    cases = {"hand_untied_8": {"x": [1.5, 2.2, 0.7, 3.9, 2.8, 4.4, 1.1, 3.0],
                               "y": [2.0, 2.9, 1.2, 3.1, 3.3, 5.0, 0.4, 2.5]},
             "hand_tied_12": {"x": [1, 2, 2, 3, 4, 4, 4, 5, 6, 7, 7, 8], "y": [2, 1, 3, 3, 5, 4, 6, 5, 8, 7, 9, 9]},
             "hand_6": {"x": [1, 2, 3, 4, 5, 6], "y": [2, 1, 4, 3, 6, 5]},
             "random_40": {"x": rng.normal(size=40).round(3).tolist(), "y": rng.normal(size=40).round(3).tolist()}}
    for ledger_id, (x, y) in p1_correlation_pairs(p1_tables).items():
        cases[f"shipped_{ledger_id}"] = {"x": x.tolist(), "y": y.tolist()}
    cd22 = load_paper(SHIPPED_DATA_DIR, "cd22")["patients"]
    for ledger_id, column in P2_CORR.items():
        cases[f"shipped_{ledger_id}"] = {"x": cd22["peak_car_pct_cd3"].astype(float).tolist(),
                                         "y": cd22[column].astype(float).tolist()}
    return cases


if __name__ == "__main__":
    main()
