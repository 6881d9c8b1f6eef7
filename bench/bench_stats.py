"""Component benchmarks for ``make bench``: validation, Kaplan-Meier at 10,000 rows, one review ensemble member."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd


def _best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_validate_10k(tmp: Path, shipped_dir: Path) -> float:
    """Contract validation of a 10,000-patient cd22 table (the shipped rows, repeated with new ids)."""
    from cartrepro.contract import validate

    shipped = pd.read_csv(shipped_dir / "cd22" / "patients.csv", dtype=str, keep_default_na=False)
    big = pd.concat([shipped] * (10_000 // len(shipped) + 1), ignore_index=True).iloc[:10_000]
    big["patient_id"] = [f"b{i}" for i in range(len(big))]
    folder = tmp / "big-validate" / "cd22"
    folder.mkdir(parents=True)
    big.to_csv(folder / "patients.csv", index=False)
    validate(tmp / "big-validate")  # warm-up: imports, schema construction
    return _best_of(lambda: validate(tmp / "big-validate"))


def bench_km_10k() -> float:
    """Kaplan-Meier table and a 1-year point on 10,000 patients with integer-day ties."""
    import numpy as np

    from cartrepro.stats.survival import kaplan_meier, km_at

    rng = np.random.default_rng(1)
    time_days = rng.integers(1, 2000, 10_000)
    event = rng.random(10_000) < 0.6
    return _best_of(lambda: (kaplan_meier(time_days, event), km_at(time_days, event, 365)))


def bench_ensemble_member(tmp: Path) -> float:
    """One member of the review ensemble: generate the cd22 cohort of seed 1 and run its whole analysis
    (``make ensemble`` runs SEEDS x 2 papers of these; a P1 member costs several times more)."""
    from cartrepro.analysis.review.ensemble import run_task

    start = time.perf_counter()
    member = run_task("cd22", 1, tmp / "ensemble")
    if not member["admissible"]:
        raise RuntimeError(f"cd22 seed 1 is not admissible: {member['reason']}")
    return time.perf_counter() - start
