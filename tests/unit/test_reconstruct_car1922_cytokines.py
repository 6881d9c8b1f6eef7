"""The reconstructed P1 cytokine table: byte-identical regeneration, constraints met, constraints can fail."""

from pathlib import Path

import pytest

from cartrepro.analysis.car1922 import derive as derive
from cartrepro.contract import load_paper, validate
from cartrepro.paths import SHIPPED_DATA_DIR
from cartrepro.reconstruct import car1922_cytokines as gen

SHIPPED = SHIPPED_DATA_DIR / "car1922"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cohort")
    return gen.write(out, data_dir=SHIPPED_DATA_DIR)


@pytest.fixture(scope="module")
def patients():
    return derive.load_patients(SHIPPED_DATA_DIR)


@pytest.mark.slow  # regenerates a shipped cohort from scratch (seconds of seeded search)
@pytest.mark.parametrize("name", ["cytokines.csv", "cytokines_provenance.yaml"])
def test_regeneration_is_byte_identical_to_the_shipped_files(regenerated, name):
    assert (regenerated / name).read_bytes() == (SHIPPED / name).read_bytes()


def test_the_shipped_cytokine_table_meets_the_contract():
    report = validate(SHIPPED_DATA_DIR)
    problems = [p for p in report.problems if p.file == "car1922/cytokines.csv"]
    assert problems == [], report.format()
    tables = load_paper(SHIPPED_DATA_DIR, "car1922")
    assert len(tables["cytokines"]) == 43 * 70 + 30 + 35


def test_every_constraint_is_reported_and_met():
    import yaml

    prov = yaml.safe_load((SHIPPED / "cytokines_provenance.yaml").read_text(encoding="utf-8"))
    assert prov["synthetic"] is True
    constraints = prov["constraints"]
    assert len(constraints) >= 35 and all(c["ok"] for c in constraints)
    covered = {i for c in constraints for i in c["ledger_ids"]}
    for ledger_id in ("p1_fig1f_mw_p", "p1_fig1g_logrank_p", "p1_fig1h_mw_p", "p1_fig1i_logrank_p",
                      "p1_fig1d_auc_mip3a", "p1_s3e_corr_r", "p1_s4b_corr_r", "p1_fig1c_subgroup_screen"):
        assert ledger_id in covered


def test_a_changed_value_breaks_its_constraint(patients):
    cytokines = load_paper(SHIPPED_DATA_DIR, "car1922")["cytokines"].copy()
    tissue = gen._tissue(__import__("numpy").random.default_rng([gen.SEED, 7]), patients, {})
    by_id = {c.id: c for c in gen.constraints(patients, tissue)}
    assert by_id["fc_mip3a"].evaluate(cytokines).ok and by_id["roc_mip3a"].evaluate(cytokines).ok
    mip = (cytokines["analyte"] == gen.MIP3A) & (cytokines["cohort"] == "training") & (
        cytokines["timepoint"] == "il6_peak")
    top = cytokines.loc[mip, "fold_change"].idxmax()
    cytokines.loc[top, "fold_change"] = 6.0
    assert not by_id["fc_mip3a"].evaluate(cytokines).ok
    low = cytokines.loc[mip, "fold_change"].idxmin()
    cytokines.loc[low, "fold_change"] = 5.9  # an early value moved to the top changes U, AUC and the log-rank
    assert not by_id["roc_mip3a"].evaluate(cytokines).ok


def test_specimen_patients_and_labels_come_from_the_patient_table(patients):
    cytokines = load_paper(SHIPPED_DATA_DIR, "car1922")["cytokines"]
    peak = cytokines[cytokines["timepoint"] == "il6_peak"].drop_duplicates("patient_id")
    assert peak["patient_id"].is_unique and len(peak) == 73
    assert set(peak["patient_id"]) <= set(patients["patient_id"])
    group = derive.response_group(patients).fillna("none")
    labels = peak.merge(patients.assign(g=group)[["patient_id", "g"]], on="patient_id")
    assert labels.groupby("cohort")["g"].value_counts().to_dict() == {
        ("training", "remission"): 26, ("training", "nr_er"): 13, ("training", "none"): 4,
        ("validation", "remission"): 23, ("validation", "nr_er"): 6, ("validation", "none"): 1}


@pytest.mark.slow  # regenerates a shipped cohort from scratch (seconds of seeded search)
def test_no_tissue_csv_until_the_contract_has_the_table(regenerated):
    from cartrepro.contract.tables import TABLES

    assert (regenerated / "tissue.csv").is_file() == (("car1922", "tissue") in TABLES)


def test_screen_of_the_shipped_table(patients):
    from cartrepro.analysis.car1922 import cytokines as cyto

    cytokines = load_paper(SHIPPED_DATA_DIR, "car1922")["cytokines"]
    screen = cyto.screen(cytokines, patients)
    assert len(screen) == 70 and set(screen["n_nr_er"]) == {13} and set(screen["n_remission"]) == {26}
    assert sorted(screen.loc[screen["p"] < 0.05, "analyte"]) == sorted(gen.HITS)
    assert (screen["q_bh"] >= screen["p"]).all()
    b_all = cyto.screen(cytokines, patients, disease="b_all")
    assert set(b_all["n_nr_er"]) == {3} and set(b_all["n_remission"]) == {8}


def test_the_search_exact_p_is_mann_whitney_exact_to_the_bit():
    """The generator's vectorised exact P (used in the validation search) against the statistic itself, on
    small hand-made samples with ties, zeros, one-value groups and untied normal draws."""
    import numpy as np

    from cartrepro.stats.ranks import mann_whitney_exact

    cases = [([1, 2, 2, 4], [3, 5, 6, 6, 7]), ([0.0], [0.0, 1.0]), ([2.0, 2.0], [2.0, 2.0, 3.0]),
             ([5.0], [1.0, 2.0, 3.0]), ([4.7, 4.7, 3.6, 5.5], [4.8, 4.8, 3.8, 5.9, 4.7])]
    rng = np.random.default_rng(11)
    for _ in range(300):
        n_a, n_b = int(rng.integers(1, 10)), int(rng.integers(1, 20))
        if rng.random() < 0.5:
            cases.append((rng.integers(0, 12, n_a) / 10, rng.integers(0, 12, n_b) / 10))
        else:
            cases.append((rng.normal(size=n_a), rng.normal(size=n_b)))
    for a, b in cases:
        a, b = np.asarray(a, float), np.asarray(b, float)
        assert gen._exact_p(a, b) == mann_whitney_exact(a, b).p_value, (a, b)


def test_the_peak_memo_sees_a_new_table_and_is_off_by_default(patients):
    cytokines = load_paper(SHIPPED_DATA_DIR, "car1922")["cytokines"]
    tissue = gen._tissue(__import__("numpy").random.default_rng([gen.SEED, 7]), patients, {})
    checks = gen._Checks(patients, tissue, memo=True)
    first = checks.peak(cytokines, "training")
    assert checks.peak(cytokines, "training") is first
    changed = cytokines.copy()
    changed["fold_change"] = changed["fold_change"] + 1.0
    assert checks.peak(changed, "training")["fold_change"].min() == first["fold_change"].min() + 1.0
    plain = gen._Checks(patients, tissue)
    assert plain.peak(cytokines, "training") is not plain.peak(cytokines, "training")
