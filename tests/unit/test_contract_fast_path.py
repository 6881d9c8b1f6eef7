"""The contract's fast schema verdict (``TableSpec.passes``) agrees with pandera's.

``contract.core`` runs the pandera schema only when :meth:`TableSpec.passes` (the same checks computed directly on
the arrays) says a table fails; a valid table skips pandera. Here both verdicts are computed for every table of
every case of the bad-input corpus (``tests/integration/test_bad_input_corpus.py``), of the oracle's cohorts,
of cohorts drawn by the property strategies, and of drawn cohorts with one cell of any table replaced by a
troublesome text (empty, negative, zero, out of range, not a number, another row's value, an unknown
category ...): they must be equal, table by table.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import shutil
import sys
import tempfile
from pathlib import Path

import pandera.pandas as pa
import pytest
import strategies
from hypothesis import given, settings
from hypothesis import strategies as st

from cartrepro.contract import core
from cartrepro.contract.tables import PAPERS, paper_tables
from cartrepro.paths import SHIPPED_DATA_DIR

#: agreement of two implementations over whole corpora and cohorts (~6 s of CPU): in `make test`, not the fast set
pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("bad_input_corpus", TESTS / "integration" / "test_bad_input_corpus.py")
corpus = importlib.util.module_from_spec(_SPEC)
sys.modules["bad_input_corpus"] = corpus
_SPEC.loader.exec_module(corpus)


def verdicts(folder: Path) -> list[tuple[str, bool, bool]]:
    """``(file, fast verdict, pandera verdict)`` for every contract table that reads in ``folder``."""
    out = []
    for paper in PAPERS:
        if not (folder / paper).is_dir():
            continue
        for spec in paper_tables(paper):
            path = folder / paper / f"{spec.name}.csv"
            if not path.is_file():
                continue
            # the typed table as core._check_table makes it (read, then converted), without the rest of its
            # checks: those run pandera a first time on every table that fails, and the rules
            raw, _ = core.read_table(path, spec.file)
            if raw is None:
                continue
            table, _ = core._typed_table(spec, raw)
            checked = [c for c in table.typed.columns if c in table.raw.frame.columns]
            try:
                spec.schema(present=checked).validate(table.typed, lazy=True)
                by_pandera = True
            except pa.errors.SchemaErrors:
                by_pandera = False
            out.append((spec.file, spec.passes(table.typed, checked), by_pandera))
    return out


def assert_agree(found: list[tuple[str, bool, bool]], where: str) -> None:
    differ = [(file, fast, slow) for file, fast, slow in found if fast != slow]
    assert not differ, f"{where}: fast and pandera verdicts differ {differ}"


@pytest.fixture(scope="module")
def corpus_verdicts(tmp_path_factory) -> dict[str, list[tuple[str, bool, bool]]]:
    """The verdicts of every table of every corpus case that is a folder (each case on a copy of the shipped
    cd22 cohort, as the corpus test makes it)."""
    out = {}
    for case in corpus.CASES:
        root = tmp_path_factory.mktemp(case.name) / "cohort"
        shutil.copytree(SHIPPED_DATA_DIR / "cd22", root / "cd22")
        data, _ = case.mutate(root)
        out[case.name] = verdicts(data) if data.is_dir() else []
    return out


@pytest.mark.parametrize("case", corpus.CASE_IDS)
def test_bad_input_corpus(case, corpus_verdicts):
    assert_agree(corpus_verdicts[case], case)


def test_the_corpus_exercises_both_verdicts(corpus_verdicts):
    """The corpus holds many tables that pandera refuses, so the agreement is not only on valid tables."""
    refused = [case for case, found in corpus_verdicts.items() if any(not slow for _, _, slow in found)]
    assert len(refused) >= 10, refused


@pytest.mark.parametrize("folder", [SHIPPED_DATA_DIR, *sorted((TESTS / "oracle" / "cohorts").iterdir())[::6]],
                         ids=lambda p: p.name)
def test_shipped_and_oracle_cohorts(folder):
    found = verdicts(folder)
    assert found and all(fast and slow for _, fast, slow in found)


#: cell texts that break (or nearly break) a column's checks
TROUBLE = ["", " ", "-1", "0", "0.0", "1e-9", "5", "6", "100", "100.5", "101", "2.5", "abc", "TRUE", "true",
           "false", "none", "cr_mrd_negative", "b_all", "training", "il6_peak", "tumour", "MIP3α", "1e400", "nan"]


def replace_cell(path: Path, row: int, column: int, value: str | None) -> None:
    """Set one cell of a CSV (``value`` None: copy the cell of the row above, e.g. a repeated id)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    row = 1 + row % (len(rows) - 1)
    column %= len(rows[0])
    rows[row][column] = rows[row - 1 if row > 1 else 2 % len(rows)][column] if value is None else value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@settings(max_examples=16)
@given(draw=strategies.cohorts(), table=st.integers(0, 10), row=st.integers(0, 10**6),
       column=st.integers(0, 100), value=st.one_of(st.none(), st.sampled_from(TROUBLE)))
def test_drawn_cohorts_with_one_cell_changed(draw, table, row, column, value):
    try:
        assert_agree(verdicts(draw.directory), f"{draw}")
        files = sorted(draw.directory.glob("*/*.csv"))
        replace_cell(files[table % len(files)], row, column, value)
        assert_agree(verdicts(draw.directory), f"{draw} with a cell changed")
    finally:
        shutil.rmtree(draw.directory, ignore_errors=True)


def test_many_pandera_refusals_among_changed_cells():
    """The changed-cell draws reach pandera's refusals often (counted on a fixed set of changes)."""
    refused = 0
    shape = strategies.gen.Shape(n_cd22=8, n_car1922=12, p_cr=0.5, p_hct=0.5, censor_scale=60.0, tie_days=7,
                                 optional="present", decimals=1, one_disease=False, tissue=True)
    for k, value in enumerate([None, "-1", "101", "abc", ""]):
        folder = Path(tempfile.mkdtemp(prefix="cartrepro-fast-"))
        try:
            strategies.write_cohort(folder, shape, 7)
            files = sorted(folder.glob("*/*.csv"))
            for f, path in enumerate(files):
                replace_cell(path, 3 + k, k + f, value)
            found = verdicts(folder)
            assert_agree(found, f"change {value!r}")
            refused += sum(not slow for _, _, slow in found)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    assert refused >= 5
