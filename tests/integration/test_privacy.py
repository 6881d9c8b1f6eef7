"""No patient-level identifier of the input data may reach the published book or its outputs.

The shipped cohort's ids are plain numbers (1 … 34), which would also match page numbers, figure labels and
counts; the session's other cohort (``other_cohort.py``: both papers, every id replaced by a distinctive
string nothing else could produce) is built once, and every published file is searched for each id: pages,
the search index (.js), notebook downloads (.ipynb), images' text, results.json and scorecard.csv.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from other_cohort import PREFIX

pytestmark = pytest.mark.slow


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


def test_patient_ids_never_reach_the_published_book(other_book):
    data, out, result, ids = other_book
    assert len(ids) == 34 + 130 and all(i.startswith(PREFIX) for i in ids)
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
