"""Small edits of a P2 cohort folder, for checking that the scorecard shows what moved (issue 10).

A test copies the shipped cohort, applies one edit and checks that every number the edit touches comes
out ``differs``: the comparison with the paper is made on any data, and a changed count cannot hide.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def move_cr_to_no_response(folder: Path) -> str:
    """In ``folder/cd22/patients.csv``, turn one patient with hematological relapse at baseline who reached
    MRD-negative CR and stayed in remission without further therapy into a non-responder; returns the
    patient's id. The rest of the file (every other cell and row) is left as it is."""
    csv = Path(folder) / "cd22" / "patients.csv"
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    candidates = frame.index[(frame["baseline_status"] == "hematological_relapse")
                             & (frame["day30_response"] == "cr_mrd_negative") & (frame["hct_day"] == "")
                             & (frame["relapse_day"] == "") & (frame["off_study"] == "")
                             & (frame["death_day"] == "")]
    if candidates.empty:
        raise ValueError(f"{csv}: no MRD-negative CR patient in remission without further therapy to move")
    moved = candidates[0]
    frame.loc[moved, "day30_response"] = "no_response"
    frame.to_csv(csv, index=False, lineterminator="\n")
    return str(frame.loc[moved, "patient_id"])
