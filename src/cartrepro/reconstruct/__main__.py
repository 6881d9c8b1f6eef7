"""Regenerate the shipped reconstructed cohorts: ``python -m cartrepro.reconstruct [--out DIR]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cartrepro.paths import SHIPPED_DATA_DIR
from cartrepro.reconstruct import car1922, car1922_cytokines, cd22
from cartrepro.reconstruct.framework import ReconstructionError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cartrepro.reconstruct", description=__doc__)
    parser.add_argument("--out", type=Path, default=SHIPPED_DATA_DIR, help="cohort folder (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        folders = [cd22.write(args.out), car1922.write(args.out)]
        cytokine_folder = car1922_cytokines.write(args.out)
    except ReconstructionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for folder in folders:
        print(f"wrote {folder}/patients.csv and provenance.yaml")
    print(f"wrote {cytokine_folder}/cytokines.csv, tissue.csv and cytokines_provenance.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
