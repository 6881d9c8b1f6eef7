"""`cartrepro build --data` on cohorts nobody tuned (issue 13, "Must show").

* the example cohort the data-contract page offers for download (``example_cohort.zip``, unpacked as a user
  would) and the empty templates with the example rows pasted in;
* five cohorts drawn by the Hypothesis strategy of ``tests/unit/strategies.py`` with the P2 optional columns
  absent (fixed seeds, so the same five every run).

Each build runs every notebook in a kernel, renders the site with Jupyter Book and must succeed (the pipeline
raises ``BuildError`` on any failed notebook or a non-finite record). A few minutes each: marked slow.
"""

from __future__ import annotations

import csv
import sys
import zipfile
from pathlib import Path

import pytest

from cartrepro.build.pipeline import build
from cartrepro.contract import validate
from cartrepro.contract.templates import EXAMPLE_ZIP, TEMPLATE_DIR, write_templates

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from page_outputs import stderr_outputs  # noqa: E402
from strategies import gen, write_cohort  # noqa: E402

pytestmark = pytest.mark.slow

#: (seed, shape) of the drawn cohorts: tiny, nobody in CR, everybody in CR and transplanted, heavy censoring
#: with day ties, one disease and no tissue table; optional P2 columns absent in all five
DRAWN = [
    (11, gen.Shape(3, 4, 1.0, 1.0, 5.0, 1, "absent", 1, False, False)),
    (12, gen.Shape(12, 30, 0.0, 0.5, 60.0, 7, "absent", 3, False, True)),
    (13, gen.Shape(20, 60, 1.0, 1.0, 400.0, 30, "absent", 1, True, True)),
    (14, gen.Shape(7, 10, 0.5, 0.5, 5.0, 30, "absent", 1, False, False)),
    (15, gen.Shape(40, 120, 0.8, 0.0, 400.0, 1, "absent", 3, False, True)),
]


def _built(data: Path, out: Path) -> None:
    report = validate(data)
    assert report.ok, report.format()
    result = build(data, out, jobs=2)
    assert (out / "html" / "index.html").exists(), result
    assert stderr_outputs(out) == []  # no page shows a warning


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """The example cohort of the download, unpacked as a user would, and built (its data folder)."""
    root = tmp_path_factory.mktemp("example")
    files = write_templates(root / "site")
    with zipfile.ZipFile(files[EXAMPLE_ZIP]) as archive:
        archive.extractall(root / "example")
    _built(root / "example", root / "out")
    return root / "example"


def test_example_cohort_from_the_download_builds(example):
    assert (example.parent / "out" / "results.json").is_file()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_templates_filled_with_the_example_rows_build(example, tmp_path):
    """A user's path: the header-only templates, with rows typed in (here: the example's rows, by column name).

    When the filled templates are the example cohort byte for byte, the example's build above is theirs;
    otherwise they are built here."""
    site = tmp_path / "site"
    write_templates(site)
    data = tmp_path / "filled"
    for template in sorted((site / TEMPLATE_DIR).glob("*/*.csv")):
        example_csv = site / "example" / template.parent.name / template.name
        if not example_csv.exists():
            continue
        header = template.read_text(encoding="utf-8").splitlines()[0].split(",")
        with example_csv.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        target = data / template.parent.name / template.name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n", extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    if _files(data) != _files(example):
        _built(data, tmp_path / "out")


@pytest.mark.parametrize("seed, shape", DRAWN, ids=[f"seed{s}" for s, _ in DRAWN])
def test_drawn_cohort_without_optional_columns_builds(seed, shape, tmp_path):
    write_cohort(tmp_path / "data", shape, seed)
    header = (tmp_path / "data" / "cd22" / "patients.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "peak_fold_expansion" not in header
    _built(tmp_path / "data", tmp_path / "out")
