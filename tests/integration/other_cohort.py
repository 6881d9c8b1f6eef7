"""One cohort that is not the shipped one, built once per session for every test that needs "anyone's data".

P2: the shipped cd22 cohort with one complete-remission patient moved to no response
(:func:`cartrepro.reconstruct.edits.move_cr_to_no_response`, issue 10). P1: 130 patients drawn with
replacement from the shipped car1922 cohort (seed 7), so every P1 number differs from the shipped one. Every
patient id of both papers is replaced by a distinctive string nothing else in a book could produce (the
privacy test searches every published file for them); sample and specimen ids of the P1 tables carry their
patient's id, so they are searched too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from cartrepro.paths import SHIPPED_DATA_DIR
from cartrepro.reconstruct.edits import move_cr_to_no_response
from cartrepro.reconstruct.scaled import scaled_cohort

PREFIX = "ZQX-PRIVATE-"


def other_cohort(root: Path) -> list[str]:
    """Write the cohort into ``root``; returns every patient id it holds (all start with :data:`PREFIX`)."""
    scaled_cohort(root, {"cd22": 40, "car1922": 130}, seed=7, id_prefix=f"{PREFIX}P1-")
    shutil.rmtree(root / "cd22")
    shutil.copytree(SHIPPED_DATA_DIR / "cd22", root / "cd22")
    move_cr_to_no_response(root)
    cd22 = root / "cd22" / "patients.csv"
    frame = pd.read_csv(cd22, dtype=str, keep_default_na=False)
    mapping = {old: f"{PREFIX}{k:04d}" for k, old in enumerate(frame["patient_id"], start=1)}
    frame["patient_id"] = frame["patient_id"].map(mapping)
    frame.to_csv(cd22, index=False, lineterminator="\n")
    assert sorted(p.name for p in (root / "cd22").glob("*.csv")) == ["patients.csv"], "a cd22 table to rename"
    p1 = pd.read_csv(root / "car1922" / "patients.csv", dtype=str, keep_default_na=False)["patient_id"]
    return [*mapping.values(), *p1]
