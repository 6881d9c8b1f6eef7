"""The review ensemble: ranges over admissible cohorts, the committed table, and the same tasks on joblib's
default backend and on a (small, local) Dask cluster through joblib's Dask backend."""

from __future__ import annotations

import shutil

import pytest

from cartrepro.analysis.results import Results
from cartrepro.analysis.review import ensemble
from cartrepro.paths import SHIPPED_DATA_DIR


def test_numbers_flatten_values_cis_and_lists_and_drop_texts():
    r = Results()
    r.add("a", 1.5, ci=(1.0, 2.0))
    r.add("b", [1, 2])
    r.add("c", "MIP3α and Eotaxin")
    r.skip(["d"], "no data")
    assert ensemble.numbers_of(r) == {"a": 1.5, "a__ci_low": 1.0, "a__ci_high": 2.0, "b[0]": 1.0, "b[1]": 2.0}


def test_summary_marks_what_the_text_determines():
    members = [{"paper": "cd22", "seed": s, "admissible": True, "numbers": {"fixed": 34.0, "free": float(s)}}
               for s in (1, 2, 3)]
    members.append({"paper": "cd22", "seed": 4, "admissible": False, "numbers": {"free": 99.0}})
    table = ensemble.summarise(members, {"fixed": 34.0, "free": 2.0}).set_index("id")
    assert table.loc["fixed", "determined"] and table.loc["fixed", "width"] == 0
    assert not table.loc["free", "determined"]
    assert (table.loc["free", "min"], table.loc["free", "max"], table.loc["free", "n_cohorts"]) == (1.0, 3.0, 3)


def test_table_round_trip_and_stamp(tmp_path):
    members = [{"paper": "cd22", "seed": 1, "admissible": True, "numbers": {"x": 1.0}},
               {"paper": "cd22", "seed": 2, "admissible": False, "numbers": {},
                "reason": "data contract: Data contract check of /tmp/x\nErrors (1):\n  - cd22/patients.csv, line 14"}]
    path = ensemble.write_table(ensemble.summarise(members), ensemble.header(members, 1.0), tmp_path / "e.csv")
    table, stamp = ensemble.read_table(path)
    assert stamp["cd22"] == {"seeds_tried": [1, 2], "admissible": [1], "rejected": {
        "2": "data contract: - cd22/patients.csv, line 14"}}
    sentence = ensemble.overview(path)[0]
    assert "cd22: 1 admissible cohorts of 2 seeds tried" in sentence and "cd22 2 (reasons" in sentence
    assert "smaller table than intended" in sentence
    assert stamp["ensemble_version"] == ensemble.ENSEMBLE_VERSION and list(table["id"]) == ["x"]
    sentence, counts, _, _ = ensemble.overview(path)
    assert "1 admissible cohorts of 2 seeds" in sentence and int(counts["quantities"].iloc[0]) == 1


def test_overview_without_a_table(tmp_path):
    sentence, counts, widest, review = ensemble.overview(tmp_path / "absent.csv")
    assert "make ensemble" in sentence and counts.empty and widest.empty and review.empty


def test_committed_table_is_labelled_with_its_seeds():
    found = ensemble.read_table()
    if found is None:
        pytest.skip("no committed ensemble table")
    table, stamp = found
    assert stamp["ensemble_version"] == ensemble.ENSEMBLE_VERSION
    for paper in ensemble.PAPERS:
        assert set(table.loc[table["paper"] == paper, "n_cohorts"]) <= {len(stamp[paper]["admissible"])} | set(
            range(len(stamp[paper]["admissible"])))


def test_a_rejected_seed_is_reported_not_raised(tmp_path):
    (tmp_path / "car1922-9").mkdir()
    (tmp_path / "car1922-9" / "rejected.txt").write_text("no draw satisfied X\n")
    member = ensemble.run_task("car1922", 9, tmp_path)
    assert member["admissible"] is False and "no draw" in member["reason"]


def test_a_generated_cohort_that_breaks_the_contract_is_not_admissible(tmp_path, monkeypatch):
    """A generator that writes a contract-breaking table (cd22 seed 15 did) gives a rejected seed, with the
    contract's message, both in a run and in --generate-only (where it is cached as rejected.txt)."""
    from cartrepro.contract.problems import ContractError

    class Report:
        def format(self):
            return "cd22/patients.csv, line 14: relapse_day after last_followup_day"

    def broken(paper, seed, out_dir):
        raise ContractError(Report())

    monkeypatch.setattr(ensemble, "generate_cohort", broken)
    member = ensemble.run_task("cd22", 15, tmp_path)
    assert member["admissible"] is False and member["reason"].startswith("data contract: ")
    assert "relapse_day" in member["reason"]
    ensemble._generate_only("cd22", 16, tmp_path)
    assert "relapse_day" in (tmp_path / "cd22-16" / "rejected.txt").read_text()
    assert ensemble.run_task("cd22", 16, tmp_path)["admissible"] is False


@pytest.fixture()
def cached_cohorts(tmp_path):
    """Two admissible-looking cd22 members (copies of the shipped cohort), so no generator runs."""
    for seed in (1, 2):
        target = tmp_path / f"cd22-{seed}" / "cd22"
        shutil.copytree(SHIPPED_DATA_DIR / "cd22", target)
        (target / ".admissible").write_text("test copy\n")
    return tmp_path


def test_dask_backend_gives_the_same_members_as_joblib(cached_cohorts):
    distributed = pytest.importorskip("distributed")
    local = ensemble.run_ensemble([1, 2], ["cd22"], n_jobs=1, cohort_root=cached_cohorts)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as c, \
            distributed.Client(c):
        remote = ensemble.run_ensemble([1, 2], ["cd22"], n_jobs=2, backend="dask", cohort_root=cached_cohorts)
    assert [m["numbers"] for m in local] == [m["numbers"] for m in remote]
    assert all(m["admissible"] for m in remote) and len(local[0]["numbers"]) > 20
    table = ensemble.summarise(remote)
    assert table["determined"].all()  # two identical cohorts: every range has zero width
