"""No patient-level identifier of the input data may reach the published book or its outputs.

The shipped cohort's ids are plain numbers (1 … 34), which would also match page numbers, figure labels and
counts; here every id is replaced by a distinctive string nothing else could produce, the book is built on
that cohort, and every published file is searched for each id: pages, the search index (.js), notebook
downloads (.ipynb), images' text, results.json and scorecard.csv.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from cartrepro.build.pipeline import build
from cartrepro.contract import PAPERS, validate
from cartrepro.paths import SHIPPED_DATA_DIR

pytestmark = pytest.mark.slow

PREFIX = "ZQX-PRIVATE-"


def _private_cohort(root: Path) -> list[str]:
    """Copy the shipped cohort's paper folders into ``root`` with every patient_id made distinctive.

    cd22/ always; car1922/ too once a valid P1 cohort is shipped (one still being built is left out)."""
    ids: list[str] = []
    for folder in sorted(p for p in SHIPPED_DATA_DIR.iterdir() if p.is_dir() and p.name in PAPERS):
        shutil.copytree(folder, root / folder.name)
        if folder.name != "cd22" and validate(root).errors:
            shutil.rmtree(root / folder.name)
    cd22 = root / "cd22" / "patients.csv"
    frame = pd.read_csv(cd22, dtype=str, keep_default_na=False)
    mapping = {old: f"{PREFIX}{k:04d}" for k, old in enumerate(frame["patient_id"], start=1)}
    frame["patient_id"] = frame["patient_id"].map(mapping)
    frame.to_csv(cd22, index=False, lineterminator="\n")
    ids += mapping.values()
    car1922 = root / "car1922"
    if (car1922 / "patients.csv").is_file():  # the P1 cohort, when it has been shipped
        p1 = pd.read_csv(car1922 / "patients.csv", dtype=str, keep_default_na=False)
        p1_map = {old: f"{PREFIX}P1-{k:04d}" for k, old in enumerate(p1["patient_id"], start=1)}
        p1["patient_id"] = p1["patient_id"].map(p1_map)
        p1.to_csv(car1922 / "patients.csv", index=False, lineterminator="\n")
        for table in sorted(car1922.glob("*.csv")):  # cytokines, tissue, ...: every table that names patients
            rows = pd.read_csv(table, dtype=str, keep_default_na=False)
            if table.name != "patients.csv" and "patient_id" in rows.columns:
                rows["patient_id"] = rows["patient_id"].map(p1_map)
                rows.to_csv(table, index=False, lineterminator="\n")
        ids += p1_map.values()
    return ids


def _leaks(out: Path, ids: list[str]) -> dict[str, list[str]]:
    """{published file: [ids found in it]}; binary files are searched as bytes (ids are ASCII)."""
    files = [out / "results.json", out / "scorecard.csv", *sorted(p for p in (out / "html").rglob("*") if p.is_file())]
    needles = [(i, i.encode("ascii")) for i in ids]
    found: dict[str, list[str]] = {}
    for path in files:
        data = path.read_bytes()
        if PREFIX.encode() not in data:  # fast path: one search per file in the common case
            continue
        hits = [text for text, raw in needles if raw in data]
        found[str(path.relative_to(out))] = hits or [f"(the prefix {PREFIX} itself)"]
    return found


def test_patient_ids_never_reach_the_published_book(tmp_path: Path):
    data = tmp_path / "cohort"
    ids = _private_cohort(data)
    assert validate(data).ok, validate(data).format()
    out = tmp_path / "out"
    result = build(data, out, jobs=2)
    assert result.html_dir is not None and (out / "html" / "index.html").is_file()
    leaks = _leaks(out, ids)
    detail = "\n".join(f"  {name}: {', '.join(hits[:5])}{' …' if len(hits) > 5 else ''}"
                       for name, hits in leaks.items())
    assert leaks == {}, f"patient ids appear in {len(leaks)} published file(s):\n{detail}"


def test_the_leak_search_finds_an_id_anywhere(tmp_path: Path):
    """The search itself: an id in a page, in a binary file, or in results.json is found."""
    out = tmp_path / "out"
    (out / "html" / "_static").mkdir(parents=True)
    (out / "results.json").write_text("{}")
    (out / "scorecard.csv").write_text("id\n")
    (out / "html" / "page.html").write_text("<p>nothing here</p>")
    assert _leaks(out, [f"{PREFIX}0001"]) == {}
    (out / "html" / "_static" / "searchindex.js").write_bytes(b"\x00\x01" + f"{PREFIX}0001".encode() + b"\xff")
    (out / "results.json").write_text(f'{{"x": "{PREFIX}0002"}}')
    assert _leaks(out, [f"{PREFIX}0001", f"{PREFIX}0002"]) == {
        "results.json": [f"{PREFIX}0002"], "html/_static/searchindex.js": [f"{PREFIX}0001"]}
