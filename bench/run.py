"""Benchmarks (``make bench``): speed targets are measured here, never asserted by timed tests.

Prints one line per target with the measured time and the target; exits non-zero when one is missed.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from cartrepro.contract import validate
from cartrepro.paths import SHIPPED_DATA_DIR
from cartrepro.stats.survival import kaplan_meier, km_at


def _best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_validate_10k(tmp: Path) -> float:
    """Contract validation of a 10,000-patient cd22 table (the shipped rows, repeated with new ids)."""
    shipped = pd.read_csv(SHIPPED_DATA_DIR / "cd22" / "patients.csv", dtype=str, keep_default_na=False)
    big = pd.concat([shipped] * (10_000 // len(shipped) + 1), ignore_index=True).iloc[:10_000]
    big["patient_id"] = [f"b{i}" for i in range(len(big))]
    folder = tmp / "big" / "cd22"
    folder.mkdir(parents=True)
    big.to_csv(folder / "patients.csv", index=False)
    validate(tmp / "big")  # warm-up: imports, schema construction
    return _best_of(lambda: validate(tmp / "big"))


def bench_km_10k() -> float:
    """Kaplan-Meier table and a 1-year point on 10,000 patients with integer-day ties."""
    import numpy as np

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


TARGETS = [("validate 10,000-row cd22 table", bench_validate_10k, 1.0),
           ("Kaplan-Meier on 10,000 patients", bench_km_10k, 0.2),
           ("review ensemble: one cd22 member (generate + analyse)", bench_ensemble_member, 120.0)]


def main() -> int:
    missed = 0
    tmp = Path(tempfile.mkdtemp(prefix="cartrepro-bench-"))
    try:
        for name, fn, target in TARGETS:
            seconds = fn(tmp) if fn.__code__.co_argcount else fn()
            ok = seconds <= target
            missed += not ok
            print(f"{'ok  ' if ok else 'SLOW'} {name}: {seconds:.3f} s (target {target:.1f} s)", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
