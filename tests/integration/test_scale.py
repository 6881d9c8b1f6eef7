"""A cohort of another size than the shipped ones: 10,000 P1 patients and 300 P2 patients build."""

import json

import pandas as pd
import pytest
from page_outputs import stderr_outputs

from cartrepro.build.cli import main as cli_main
from cartrepro.build.pipeline import build
from cartrepro.reconstruct.scaled import scaled_cohort

pytestmark = pytest.mark.slow


def test_a_ten_thousand_patient_cohort_validates_and_builds(tmp_path, capsys):
    data = scaled_cohort(tmp_path / "big", {"car1922": 10_000, "cd22": 300})
    assert cli_main(["validate", str(data)]) == 0
    assert "0 errors" in capsys.readouterr().out
    out = tmp_path / "out"
    # every notebook at its default parameters, the review bootstrap's 1000 resamples included (vectorised:
    # about a second on these 10,000 patients)
    result = build(data, out, jobs=2)
    assert (out / "html" / "index.html").is_file()
    assert {j.status for j in result.jobs} == {"executed"}
    assert stderr_outputs(out) == []  # no page shows a warning (Fig 1c's layout did, with 52 analytes to list)
    card = pd.read_csv(out / "scorecard.csv", keep_default_na=False)
    assert set(card["evidence"]) == {""}  # not the shipped cohorts: compared with the paper, no evidence claim
    assert card.set_index("id").loc["p1_n_total", "match"] == "differs"  # 10,000 patients, not 119
    results = json.loads((out / "results.json").read_text())
    assert results["p1_n_total"] == 10_000 and results["p2_n_enrolled"] == 300


def test_scaled_cohorts_are_deterministic_and_keep_samples_with_their_patients(tmp_path):
    a = scaled_cohort(tmp_path / "a", {"cd22": 50, "car1922": 200})
    b = scaled_cohort(tmp_path / "b", {"cd22": 50, "car1922": 200})
    for name in ("cd22/patients.csv", "car1922/patients.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    patients = pd.read_csv(a / "car1922" / "patients.csv", dtype=str)
    assert len(patients) == 200 and patients["patient_id"].is_unique
    cytokines = a / "car1922" / "cytokines.csv"
    if cytokines.exists():  # carried along when the shipped cohort has the table
        rows = pd.read_csv(cytokines, dtype=str)
        assert set(rows["patient_id"]) <= set(patients["patient_id"])
        assert not rows.duplicated(["sample_id", "analyte"]).any()
    tissue = a / "car1922" / "tissue.csv"
    if tissue.exists():
        assert pd.read_csv(tissue, dtype=str)["specimen_id"].is_unique
