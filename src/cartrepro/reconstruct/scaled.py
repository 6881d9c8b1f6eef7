"""Cohorts of any size in the contract's format, for scale and privacy tests (not for reproduction).

``scaled_cohort(out_dir, sizes={"car1922": 10_000})`` draws patients with replacement (seeded) from the
shipped reconstructed cohort of each paper, gives each draw a new opaque id (``S000001`` ...) and copies
every other table's rows of the source patient (their own ids, such as sample or specimen ids, are made
unique per copy). The result is as
valid as the shipped cohort and as synthetic; it reproduces nothing, it only has another size.

``python -m cartrepro.reconstruct.scaled OUT --car1922 10000 --cd22 500`` writes one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from cartrepro.paths import SHIPPED_DATA_DIR

SEED = 10_000


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def scaled_cohort(out_dir: Path, sizes: dict[str, int], *, source: Path = SHIPPED_DATA_DIR, seed: int = SEED,
                  id_prefix: str = "S") -> Path:
    """Write a cohort folder with ``sizes[paper]`` patients per paper; returns ``out_dir``."""
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    for paper, n in sizes.items():
        folder = source / paper
        patients = _read(folder / "patients.csv")
        picks = rng.integers(0, len(patients), n)  # with replacement: any size
        new_ids = [f"{id_prefix}{i:06d}" for i in range(1, n + 1)]
        scaled = patients.iloc[picks].reset_index(drop=True)
        source_ids = scaled["patient_id"].to_numpy()
        scaled["patient_id"] = new_ids
        target = out_dir / paper
        target.mkdir(parents=True, exist_ok=True)
        scaled.to_csv(target / "patients.csv", index=False, lineterminator="\n")
        mapping = pd.DataFrame({"source_id": source_ids, "patient_id": new_ids})
        for table in sorted(folder.glob("*.csv")):
            if table.name == "patients.csv":
                continue
            rows = _read(table)
            if "patient_id" not in rows.columns:
                continue
            copied = mapping.merge(rows.rename(columns={"patient_id": "source_id"}), on="source_id", how="inner")
            for column in [c for c in copied.columns if c.endswith("_id") and c not in ("patient_id", "source_id")]:
                # a sample or specimen belongs to one patient: make its id unique per copy
                copied[column] = copied[column] + "-" + copied["patient_id"]
            copied = copied.drop(columns="source_id")[rows.columns]
            copied.to_csv(target / table.name, index=False, lineterminator="\n")
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cartrepro.reconstruct.scaled", description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--cd22", type=int, default=0, help="P2 patients (0: no cd22/ folder)")
    parser.add_argument("--car1922", type=int, default=0, help="P1 patients (0: no car1922/ folder)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    sizes = {p: n for p, n in (("cd22", args.cd22), ("car1922", args.car1922)) if n > 0}
    if not sizes:
        parser.error("ask for at least one paper (--cd22 N and/or --car1922 N)")
    scaled_cohort(args.out, sizes, seed=args.seed)
    print(f"wrote {args.out} ({', '.join(f'{p}: {n} patients' for p, n in sizes.items())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
