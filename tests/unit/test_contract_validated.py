"""A notebook run by the build does not check again the bytes the build checked (issue 14).

The build validates the cohort once (``pipeline._validated_papers``) and writes what it vouches for (each paper
folder's file digest, the contract code's digest, the warnings) to ``.work/validated.json``; its kernels get
``CARTREPRO_VALIDATED`` naming that file, and ``load_paper`` then converts the unchanged bytes without checking
them. Here, in-process: the skip happens (the check is not called), gives the very frames and warnings of a full
load, and does not happen for changed data (a broken cell is still refused with the contract's error), for
another contract code, without the variable (papermill run directly), or for a folder the record does not name.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cartrepro.build import pipeline
from cartrepro.contract import ContractError, core, load_paper, validate
from cartrepro.paths import SHIPPED_DATA_DIR, VALIDATED_ENV, write_validated


@pytest.fixture
def cohort(tmp_path) -> Path:
    root = tmp_path / "cohort"
    shutil.copytree(SHIPPED_DATA_DIR, root, ignore=shutil.ignore_patterns("*.json", "*.md"))
    return root


def hand_over(cohort: Path, tmp_path: Path, monkeypatch) -> Path:
    """What the build does: validate, write the record, point the (kernel's) environment at it."""
    record = tmp_path / "validated.json"
    write_validated(record, cohort, core.validated_record(validate(cohort)))
    monkeypatch.setenv(VALIDATED_ENV, str(record))
    return record


def count_checks(monkeypatch) -> list[str]:
    """Record every paper folder that load_paper checks (``_check_paper`` calls)."""
    checked: list[str] = []
    original = core._check_paper

    def spy(data_dir, paper):
        checked.append(paper)
        return original(data_dir, paper)

    monkeypatch.setattr(core, "_check_paper", spy)
    return checked


def full_load(cohort: Path, paper: str, monkeypatch) -> dict:
    with monkeypatch.context() as m:
        m.delenv(VALIDATED_ENV, raising=False)
        return load_paper(cohort, paper)


@pytest.mark.parametrize("paper", ["cd22", "car1922"])
def test_validated_bytes_load_unchecked_as_the_same_frames(cohort, tmp_path, monkeypatch, paper):
    expected = full_load(cohort, paper, monkeypatch)
    hand_over(cohort, tmp_path, monkeypatch)
    checked = count_checks(monkeypatch)
    loaded = load_paper(cohort, paper)
    assert checked == [], "the build's record was not used: the folder was checked again"
    assert loaded.keys() == expected.keys()
    for name in expected:
        pd.testing.assert_frame_equal(loaded[name], expected[name], check_dtype=True, check_exact=True)


def test_without_the_variable_the_folder_is_checked(cohort, tmp_path, monkeypatch):
    hand_over(cohort, tmp_path, monkeypatch)
    monkeypatch.delenv(VALIDATED_ENV)  # e.g. papermill run directly
    checked = count_checks(monkeypatch)
    load_paper(cohort, "cd22")
    assert checked == ["cd22"]


def test_changed_data_is_checked_and_refused(cohort, tmp_path, monkeypatch):
    hand_over(cohort, tmp_path, monkeypatch)
    path = cohort / "cd22" / "patients.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[1].rstrip("\n").split(",")
    cells[header.index("crs_grade")] = "9"  # breaks the contract after the build's check
    lines[1] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    checked = count_checks(monkeypatch)
    with pytest.raises(ContractError, match="crs_grade"):
        load_paper(cohort, "cd22")
    assert checked == ["cd22"]


def test_changed_but_valid_data_is_checked_and_loaded_as_it_is_now(cohort, tmp_path, monkeypatch):
    hand_over(cohort, tmp_path, monkeypatch)
    path = cohort / "car1922" / "patients.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("\n", "\r\n"), encoding="utf-8")  # same cells
    (cohort / "car1922" / "notes.csv").write_text("a\n1\n", encoding="utf-8")  # a new file: a new warning
    checked = count_checks(monkeypatch)
    loaded = load_paper(cohort, "car1922")
    assert checked == ["car1922"]
    pd.testing.assert_frame_equal(loaded["patients"], full_load(cohort, "car1922", monkeypatch)["patients"])


def test_another_contract_code_or_folder_is_checked(cohort, tmp_path, monkeypatch):
    record = hand_over(cohort, tmp_path, monkeypatch)
    other = tmp_path / "other"
    shutil.copytree(cohort, other)
    checked = count_checks(monkeypatch)
    load_paper(other, "cd22")  # the same bytes in a folder the build did not check
    assert checked == ["cd22"]
    record.write_text(record.read_text().replace(core._contract_code_digest(), "0" * 64))
    load_paper(cohort, "cd22")
    assert checked == ["cd22", "cd22"]


def test_the_warnings_of_the_check_are_logged_again(cohort, tmp_path, monkeypatch, caplog):
    (cohort / "car1922" / "notes.csv").write_text("a\n1\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="cartrepro.contract.core"):
        full_load(cohort, "car1922", monkeypatch)
    expected = [r.getMessage() for r in caplog.records]
    assert any("notes.csv" in text for text in expected)
    caplog.clear()
    hand_over(cohort, tmp_path, monkeypatch)
    checked = count_checks(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="cartrepro.contract.core"):
        load_paper(cohort, "car1922")
    assert checked == []
    assert [r.getMessage() for r in caplog.records] == expected


def test_the_build_hands_its_check_to_the_kernels(cohort, tmp_path, monkeypatch):
    """``_validated_papers`` writes the record the kernels are pointed at (fresh or cached validation), and a
    refused cohort leaves no record of an earlier build behind."""
    out = tmp_path / "site"
    handed = out / ".work" / pipeline.VALIDATED_FILE
    for _ in range(2):  # the second time from the build's validation cache
        assert pipeline._validated_papers(cohort, out) == {"cd22", "car1922"}
        monkeypatch.setenv(VALIDATED_ENV, str(handed))
        checked = count_checks(monkeypatch)
        load_paper(cohort, "cd22")
        assert checked == []
        monkeypatch.undo()
    (cohort / "cd22" / "patients.csv").write_text("patient_id\n1\n", encoding="utf-8")
    with pytest.raises(pipeline.BuildError):
        pipeline._validated_papers(cohort, out)
    assert not handed.exists()


def test_the_kernel_pool_sets_the_variable_for_its_kernels_only(tmp_path, monkeypatch):
    from cartrepro.build.kernels import KernelPool

    monkeypatch.delenv(VALIDATED_ENV, raising=False)
    pool = KernelPool(0, str(tmp_path), tmp_path, [], lambda kernel, job: (True, "", True),
                      env={VALIDATED_ENV: "/x/validated.json"})
    assert pool.env[VALIDATED_ENV] == "/x/validated.json"
    import os

    assert VALIDATED_ENV not in os.environ


def test_a_process_converts_a_validated_folder_once_and_hands_out_copies(cohort, tmp_path, monkeypatch):
    """A kernel running several notebooks converts the folder's bytes once: later loads of the same bytes give
    equal frames, not the same objects (a notebook changing its tables changes no other notebook's), and
    bytes changed in between are converted (and checked) again."""
    expected = full_load(cohort, "car1922", monkeypatch)
    hand_over(cohort, tmp_path, monkeypatch)
    monkeypatch.setattr(core, "_converted", {})
    converted: list[str] = []
    original = core._typed_table

    def spy(spec, raw):
        converted.append(spec.name)
        return original(spec, raw)

    monkeypatch.setattr(core, "_typed_table", spy)
    first = load_paper(cohort, "car1922")
    assert sorted(converted) == sorted(expected)
    first["patients"].loc[0, "age_years"] = -1  # what a careless notebook might do
    first["cytokines"].drop(index=first["cytokines"].index, inplace=True)
    second = load_paper(cohort, "car1922")
    assert sorted(converted) == sorted(expected), "the same bytes were converted again"
    for name in expected:
        pd.testing.assert_frame_equal(second[name], expected[name], check_dtype=True, check_exact=True)
        assert second[name] is not first[name]
    path = cohort / "car1922" / "patients.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("\n", "\r\n"), encoding="utf-8")  # same cells
    checked = count_checks(monkeypatch)
    third = load_paper(cohort, "car1922")
    assert checked == ["car1922"]
    pd.testing.assert_frame_equal(third["patients"], expected["patients"], check_dtype=True, check_exact=True)
