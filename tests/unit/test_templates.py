"""The downloadable templates follow the data contract; the example cohort passes validation."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from cartrepro.contract import TABLES, columns, load_cohort, validate
from cartrepro.contract.templates import EXAMPLE_SIZE, example_csv, write_templates
from cartrepro.paths import SHIPPED_DATA_DIR


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    out = tmp_path_factory.mktemp("downloads")
    return out, write_templates(out)


def _header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text)))


def test_every_contract_table_has_a_header_only_template(written):
    out, files = written
    for paper, table in TABLES:
        path = files[f"templates/{paper}/{table}.csv"]
        assert path == out / "templates" / paper / f"{table}.csv"
        text = path.read_text(encoding="utf-8")
        assert text.count("\n") == 1 and text.endswith("\n")  # the header row and nothing else
        assert _header(text) == [c.name for c in columns(paper, table)]
        assert path.read_bytes()[:3] != b"\xef\xbb\xbf"


def test_the_example_cohort_validates_cleanly_and_loads(written):
    out, files = written
    report = validate(out / "example")
    assert report.ok and report.problems == [], report.format()
    assert set(report.papers) == {paper for paper, _ in TABLES}
    data = load_cohort(out / "example")
    patients = data["cd22"]["patients"]
    assert len(patients) == EXAMPLE_SIZE
    assert patients["patient_id"].tolist() == [f"EX{k:02d}" for k in range(1, EXAMPLE_SIZE + 1)]
    assert patients["hct_day"].notna().any() and patients["death_day"].notna().any()
    for paper, table in TABLES:
        text = files[f"example/{paper}/{table}.csv"].read_text(encoding="utf-8")
        assert _header(text) == [c.name for c in columns(paper, table)]


def test_the_templates_fail_validation_only_for_having_no_rows(written):
    report = validate(written[0] / "templates")
    assert {p.issue for p in report.errors} == {"the file has a header row but no data rows"}
    assert len(report.errors) == len(TABLES)


def test_the_zips_are_cohort_folders(written, tmp_path: Path):
    out, files = written
    for name, folder in (("cohort_template.zip", "templates"), ("example_cohort.zip", "example")):
        with zipfile.ZipFile(files[name]) as archive:
            names = archive.namelist()
            assert names == sorted(f"{paper}/{table}.csv" for paper, table in TABLES)
            for member in names:
                assert archive.read(member) == (out / folder / member).read_bytes()
            archive.extractall(tmp_path / name)
    assert validate(tmp_path / "example_cohort.zip").ok


def test_writing_twice_gives_the_same_bytes(written, tmp_path: Path):
    out, files = written
    again = write_templates(tmp_path)
    assert again.keys() == files.keys()
    assert all(again[name].read_bytes() == files[name].read_bytes() for name in files)


def test_example_ids_are_not_the_shipped_ones():
    shipped = csv.DictReader(io.StringIO((SHIPPED_DATA_DIR / "cd22" / "patients.csv").read_text(encoding="utf-8")))
    shipped_ids = {row["patient_id"] for row in shipped}
    example = csv.DictReader(io.StringIO(example_csv()[("cd22", "patients")]))
    assert not shipped_ids & {row["patient_id"] for row in example}
