"""The contract's reader for plain CSV files (``reading._plain_table``, pandas' C parser) gives what the general
reader (the csv module, row by row) gives, problems included (issue 14: a 10,000-patient cytokine table).

``read_table`` splits a file of 64 KiB or more with pandas when it is plain (no quote, no NUL, no lone carriage
return, no empty or blank line, one width); any other file goes the general way. Here both ways are run on the
same bytes, with the size threshold set to 0 so small files take the plain way too: hand-written odd files,
drawn texts (plain ones, which must take the plain way, and messy ones), every file of the bad-input corpus, of
the oracle's cohorts and of drawn cohorts (the same table and problems: all the contract checks next), then
whole folders (shipped, oracle, drawn) through ``validate`` and ``load_paper``. The
"no cell needs stripping" shortcut rests on ``reading.WHITESPACE`` being every character ``str.strip`` removes:
checked by enumerating Unicode.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import strategies
from hypothesis import given, settings
from hypothesis import strategies as st

from cartrepro.contract import load_paper, reading, validate
from cartrepro.contract.tables import PAPERS, paper_tables
from cartrepro.paths import SHIPPED_DATA_DIR, VALIDATED_ENV

TESTS = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("bad_input_corpus", TESTS / "integration" / "test_bad_input_corpus.py")
corpus = sys.modules.get("bad_input_corpus") or importlib.util.module_from_spec(_SPEC)
if "bad_input_corpus" not in sys.modules:
    sys.modules["bad_input_corpus"] = corpus
    _SPEC.loader.exec_module(corpus)


def general(data: bytes) -> tuple:
    """``read_table`` of ``data`` the general way only."""
    saved = reading._plain_table
    reading._plain_table = lambda _data: None
    try:
        return reading.read_table(Path("x.csv"), "x.csv", data)
    finally:
        reading._plain_table = saved


def either(data: bytes) -> tuple:
    """``read_table`` of ``data`` the plain way whenever it is plain, whatever its size."""
    saved = reading.PLAIN_MIN_BYTES
    reading.PLAIN_MIN_BYTES = 0
    try:
        return reading.read_table(Path("x.csv"), "x.csv", data)
    finally:
        reading.PLAIN_MIN_BYTES = saved


def assert_same_read(data: bytes) -> bool:
    """Both ways give the same table (cells, lines, repeated names) and problems; True if the plain way ran."""
    (fast, fast_problems), (slow, slow_problems) = either(data), general(data)
    assert fast_problems == slow_problems
    assert (fast is None) == (slow is None)
    if fast is None:
        return False
    pd.testing.assert_frame_equal(fast.frame, slow.frame, check_exact=True)
    assert [type(x) for x in fast.frame.to_numpy().ravel()] == [type(x) for x in slow.frame.to_numpy().ravel()]
    assert fast.lines.tolist() == slow.lines.tolist() and fast.lines.dtype == slow.lines.dtype
    assert fast.duplicated == slow.duplicated
    if fast.stripped:
        for column in fast.frame:
            cells = fast.frame[column].tolist()
            assert cells == [str(x).strip() for x in cells], "a cell said stripped has whitespace around it"
    return reading._plain_table(data[3:] if data.startswith(reading._UTF8_BOM) else data) is not None


def test_whitespace_is_every_character_strip_removes():
    spaces = "".join(chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace())
    assert reading.WHITESPACE == spaces
    assert all(("x" + c + "x").strip() == "x" + c + "x" and (c + "x" + c).strip() == "x" for c in spaces)


ODD = [
    b"a,b\n1,2\n", b"a,b\n1,2", b"a,b\r\n1,2\r\n", b"a,b\r\n1,2\n3,4\r\n", b"a,b\r1,2\r", b"a,b\n1,2\r3,4\n",
    b"\xef\xbb\xbfa,b\n1,2\n", b"\xef\xbb\xbf\xef\xbb\xbfa,b\n1,2\n", b"a,b\n\n1,2\n", b"a,b\n1,2\n\n", b"\na,b\n1,2\n",
    b"a,b\n1,2,\n", b"a,b\n1,2,3\n", b"a,b\n1\n", b"a,b\n,\n", b"a,b\n , \n", b"a,b\n\t,\xc2\xa0\n", b"a,b\n",
    b"a,b", b"a,a\n1,2\n", b"a,,b\n1,2,3\n", b"a,,b\n1,,3\n", b" a , b \n 1 , 2 \n", b"a,b\n1,\xe3\x80\x80x\n",
    b"a,b\n1,x\xe2\x80\xa8\n", b"a,b\n\x0b1,2\x0c\n", b"a,b\n\x1c,\x1f\n", b"a,b\n1,\xc2\x85\n", b'a,b\n"1",2\n',
    b'a,b\n1,"2,3"\n', b"a,b\nMIP3\xce\xb1,\xce\xb1\n", b"a,b\n#1,2\n", b"a,b\nNA,nan\n", b"a,b\n1,2\x00\n",
    b"a;b\n1;2\n", b"a\tb\n1\t2\n", b"a\n1\n2\n", b"a\n \n2\n", b"a,b\n1,2\n" * 3, b",\n1,2\n", b" ,b\n1,2\n",
    b"a,b\n1," + b"x" * 140_000 + b"\n", b"a,b\n\xce\xb1,\xce\xb1\n", b"0\n\n", b"a,b\n1,2\n\n", b"a,b\n1,2\r\n\r\n",
]


@pytest.mark.parametrize("data", ODD, ids=range(len(ODD)))
def test_odd_files(data):
    assert_same_read(data)


def test_odd_files_take_both_ways():
    plain = [assert_same_read(data) for data in ODD]
    assert 10 <= sum(plain) <= len(ODD) - 20, plain


CELL = st.lists(st.sampled_from(["a", "1", "2.5", "-3", "x y", "MIP3α", "α", "nan", "NA", "#", "e9", "TRUE"]),
                max_size=3).map("".join)
ODD_CELL = st.lists(st.sampled_from(["a", "1", " ", "\t", "\x0b", "\x0c", "\x1c", "\xa0", "\u3000", "\u2028",
                                     "\x85", "α", '"', '""', "\r", "\n", "\r\n", ",", "\ufeff", "\x00", ";", ""]),
                    max_size=4).map("".join)


def text(rows: list[list[str]], end: str, final: bool, bom: bool) -> bytes:
    body = end.join(",".join(row) for row in rows) + (end if final else "")
    return ("\ufeff" if bom else "").encode() + body.encode("utf-8")


@st.composite
def plain_files(draw) -> bytes:
    width = draw(st.integers(1, 6))
    rows = draw(st.lists(st.lists(CELL, min_size=width, max_size=width), min_size=2, max_size=12))
    for row in rows:
        row[draw(st.integers(0, width - 1))] += "a"  # no blank line
    return text(rows, draw(st.sampled_from(["\n", "\r\n"])), draw(st.booleans()), draw(st.booleans()))


@st.composite
def messy_files(draw) -> bytes:
    width = draw(st.integers(1, 5))
    rows = draw(st.lists(st.lists(st.one_of(CELL, ODD_CELL), min_size=max(width - 1, 0), max_size=width + 1),
                         min_size=1, max_size=8))
    return text(rows, draw(st.sampled_from(["\n", "\r\n", "\r"])), draw(st.booleans()), draw(st.booleans()))


@settings(max_examples=200, deadline=None)
@given(data=plain_files())
def test_drawn_plain_files_take_the_plain_way_and_read_the_same(data):
    assert assert_same_read(data)


@settings(max_examples=250, deadline=None)
@given(data=messy_files())
def test_drawn_messy_files_read_the_same(data):
    assert_same_read(data)


ANY_CELL = st.text(st.characters(exclude_categories=("Cs",), exclude_characters='",\n\r\x00'), max_size=6)


@st.composite
def unicode_files(draw) -> bytes:
    """One width, cells of any characters but the ones that make a file not plain (quote, comma, line ends, NUL):
    every other control character, space and script, around and inside cells."""
    width = draw(st.integers(1, 4))
    rows = draw(st.lists(st.lists(ANY_CELL, min_size=width, max_size=width), min_size=2, max_size=8))
    return text(rows, "\n", draw(st.booleans()), False)


@settings(max_examples=250, deadline=None)
@given(data=unicode_files())
def test_drawn_files_of_any_characters_read_the_same(data):
    assert_same_read(data)


def folder_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.csv") if p.is_file())


@pytest.mark.slow  # the two readers compared over a whole corpus or every oracle cohort
def test_every_file_of_the_bad_input_corpus(tmp_path):
    plain = 0
    for case in corpus.CASES:
        root = tmp_path / case.name / "cohort"
        shutil.copytree(SHIPPED_DATA_DIR / "cd22", root / "cd22")
        data, _ = case.mutate(root)
        for path in folder_files(data) if data.is_dir() else []:
            plain += assert_same_read(path.read_bytes())
    assert plain >= 20


@pytest.mark.parametrize("folder", [SHIPPED_DATA_DIR, *sorted((TESTS / "oracle" / "cohorts").iterdir())],
                         ids=lambda p: p.name)
def test_shipped_and_oracle_files_take_the_plain_way(folder):
    for path in folder_files(folder):
        assert assert_same_read(path.read_bytes()), path


def same_folder_both_ways(folder: Path, monkeypatch) -> None:
    """``validate`` and ``load_paper`` of a folder agree between the two ways (report, frames, dtypes)."""
    monkeypatch.delenv(VALIDATED_ENV, raising=False)
    results = []
    for way in ("general", "plain"):
        with monkeypatch.context() as m:
            if way == "general":
                m.setattr(reading, "_plain_table", lambda _data: None)
            else:
                m.setattr(reading, "PLAIN_MIN_BYTES", 0)
            report = validate(folder)
            loaded = {p: load_paper(folder, p) for p in PAPERS if (folder / p).is_dir()} if report.ok else {}
            results.append((report.problems, report.papers, loaded))
    (problems, papers, loaded), (problems2, papers2, loaded2) = results
    assert problems == problems2 and papers == papers2
    assert loaded.keys() == loaded2.keys()
    for paper, tables in loaded.items():
        assert tables.keys() == loaded2[paper].keys()
        for name, frame in tables.items():
            pd.testing.assert_frame_equal(frame, loaded2[paper][name], check_exact=True, check_dtype=True)


@settings(max_examples=8, deadline=None)
@given(draw=strategies.cohorts())
def test_drawn_cohorts_validate_and_load_the_same(draw):
    with pytest.MonkeyPatch.context() as monkeypatch:
        try:
            for path in folder_files(draw.directory):
                assert assert_same_read(path.read_bytes()), path
            same_folder_both_ways(draw.directory, monkeypatch)
        finally:
            shutil.rmtree(draw.directory, ignore_errors=True)


@pytest.mark.slow  # the two readers compared over a whole corpus or every oracle cohort
def test_shipped_and_oracle_folders_validate_and_load_the_same(monkeypatch):
    for folder in [SHIPPED_DATA_DIR, *sorted((TESTS / "oracle" / "cohorts").iterdir())[::5]]:
        same_folder_both_ways(folder, monkeypatch)


CHANGES = [  # (file, line, column, new text): errors and warnings the contract reports with file, line, column
    ("car1922/patients.csv", 2, "patient_id", "P002"), ("car1922/patients.csv", 3, "age_years", "-4"),
    ("car1922/patients.csv", 4, "disease", "B_NHL"), ("car1922/patients.csv", 5, "pfs_day", "abc"),
    ("car1922/patients.csv", 6, "crs_grade", "2.5"), ("car1922/patients.csv", 7, "os_day", ""),
    ("car1922/patients.csv", 8, "pfs_day", "99999"), ("car1922/cytokines.csv", 2, "patient_id", "P999"),
    ("car1922/cytokines.csv", 3, "fold_change", "1.5.2"), ("car1922/cytokines.csv", 4, "sample_id", "P001-base"),
    ("car1922/cytokines.csv", 5, "analyte", ""), ("car1922/cytokines.csv", 6, "timepoint", "NA"),
]


@pytest.mark.filterwarnings("ignore:The behavior of DataFrame concatenation:FutureWarning")
@pytest.mark.slow  # the two readers compared over a whole corpus or every oracle cohort
@pytest.mark.parametrize("changed", ["car1922/patients.csv", "car1922/cytokines.csv"])
def test_broken_cells_of_plain_files_are_reported_the_same(tmp_path, monkeypatch, changed):
    """Cells that break the contract in large plain files (the plain way, no stripping): the same report as
    the general way, each change reported at its file, line and column. (pandera's collecting of a repeated
    sample_id and an unknown timepoint in one table makes pandas warn of a future change, either way.)"""
    folder = tmp_path / "cohort"
    shutil.copytree(SHIPPED_DATA_DIR, folder, ignore=shutil.ignore_patterns("*.json", "*.md"))
    changes = [change for change in CHANGES if change[0] == changed]
    for file, line, column, value in changes:
        path = folder / file
        lines = path.read_text(encoding="utf-8").splitlines()
        cells = lines[line - 1].split(",")
        cells[lines[0].split(",").index(column)] = value
        lines[line - 1] = ",".join(cells)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for path in folder_files(folder):
        assert assert_same_read(path.read_bytes()), path
    same_folder_both_ways(folder, monkeypatch)
    with monkeypatch.context() as m:
        m.setattr(reading, "PLAIN_MIN_BYTES", 0)
        problems = validate(folder).problems
    for file, line, column, _ in changes:
        assert any(p.file == file and p.row == line and p.column == column for p in problems), (file, line, column)


def test_a_plain_file_with_whitespace_around_cells_is_stripped(tmp_path, monkeypatch):
    """Spaces (ASCII and not) around cells of a large plain file: the plain way strips them one by one."""
    source = SHIPPED_DATA_DIR / "car1922" / "patients.csv"
    lines = source.read_text(encoding="utf-8").splitlines()
    spaced = [lines[0]] + [",".join(f"\u3000{c} " if k % 3 == 0 else c for k, c in enumerate(line.split(",")))
                           for line in lines[1:]]
    folder = tmp_path / "cohort"
    shutil.copytree(SHIPPED_DATA_DIR, folder, ignore=shutil.ignore_patterns("*.json", "*.md"))
    (folder / "car1922" / "patients.csv").write_text("\n".join(spaced) + "\n", encoding="utf-8")
    data = (folder / "car1922" / "patients.csv").read_bytes()
    assert assert_same_read(data)
    assert not reading._plain_table(data)[2]
    same_folder_both_ways(folder, monkeypatch)
    expected = {spec.name for spec in paper_tables("car1922")}
    assert expected >= set(load_paper(folder, "car1922"))


def test_large_files_take_the_plain_way_by_default():
    data = (SHIPPED_DATA_DIR / "car1922" / "cytokines.csv").read_bytes()
    assert len(data) >= reading.PLAIN_MIN_BYTES
    calls = []
    saved = reading._plain_table
    reading._plain_table = lambda d: calls.append(len(d)) or saved(d)
    try:
        raw, problems = reading.read_table(Path("x.csv"), "x.csv", data)
    finally:
        reading._plain_table = saved
    assert calls and raw is not None and raw.stripped
    assert np.array_equal(raw.lines, np.arange(2, len(raw.frame) + 2))
