"""The P1 cytokine helpers read string columns without pandas' per-call NA checks (issue 14: 258,000 rows at
10,000 patients) and give what the pandas expressions give.

``cytokines._texts`` / ``_objects`` / ``_equal`` take a string column's own cells when it has no missing cell;
otherwise ``peak_table`` and ``labelled_specimens`` go the pandas way. Here every result is compared with the
pandas way (the helpers switched off) on the shipped and oracle cohorts, drawn cohorts, and the same tables
with missing cells, object columns and shuffled rows; and the helpers themselves on odd columns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import strategies
from hypothesis import given, settings

from cartrepro.analysis.car1922 import cytokines
from cartrepro.contract import load_paper
from cartrepro.paths import SHIPPED_DATA_DIR

TESTS = Path(__file__).resolve().parents[1]
ANALYTES = ["MIP3a", "MIP-3α", "IL6", "Eotaxin", "IFN-γ", "no such analyte"]


def pandas_way(monkeypatch) -> None:
    monkeypatch.setattr(cytokines, "_texts", lambda column: None)
    monkeypatch.setattr(cytokines, "_objects", lambda column: column.to_numpy(dtype=object))


def outcomes(tables: dict) -> list:
    """Every peak table and labelled specimen table of the tables (or the error each raised)."""
    out = []
    for cohort in ("training", "validation"):
        for timepoint in ("il6_peak", "baseline"):
            for analyte in ANALYTES:
                try:
                    out.append(cytokines.peak_table(tables["cytokines"], tables["patients"], cohort, analyte,
                                                    timepoint=timepoint))
                except Exception as exc:  # noqa: BLE001 - the same failure either way is what is compared
                    out.append(type(exc))
        try:
            out.append(cytokines.labelled_specimens(tables["cytokines"], tables["patients"], cohort=cohort))
        except Exception as exc:  # noqa: BLE001
            out.append(type(exc))
    return out


def assert_both_ways_equal(tables: dict, monkeypatch) -> None:
    fast = outcomes(tables)
    with monkeypatch.context() as m:
        pandas_way(m)
        slow = outcomes(tables)
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        if isinstance(b, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=True, check_dtype=True)
        else:
            assert a == b


def variants(tables: dict) -> dict[str, dict]:
    """The tables as loaded, shuffled, with object columns, and with a missing cell in each string column."""
    cyto = tables["cytokines"]
    out = {"as loaded": tables,
           "shuffled": {**tables, "cytokines": cyto.sample(frac=1.0, random_state=3).reset_index(drop=True)},
           "object columns": {**tables, "cytokines": cyto.astype({c: object for c in
                                                                  ("timepoint", "cohort", "analyte", "patient_id")})}}
    for column in ("timepoint", "cohort", "analyte", "patient_id", "sample_id"):
        holed = cyto.copy()
        holed.loc[holed.index[len(holed) // 2], column] = pd.NA
        out[f"missing {column}"] = {**tables, "cytokines": holed}
    return out


@pytest.mark.slow  # both ways compared on whole cohorts and their variants (~3 s of CPU)
@pytest.mark.parametrize("folder", [SHIPPED_DATA_DIR, TESTS / "oracle" / "cohorts" / "oracle_04"],
                         ids=lambda p: p.name)
def test_cohorts_and_their_variants(folder, monkeypatch):
    tables = load_paper(folder, "car1922")
    for name, changed in variants(tables).items():
        try:
            assert_both_ways_equal(changed, monkeypatch)
        except AssertionError as exc:
            raise AssertionError(f"{folder.name}, {name}: {exc}") from exc


@settings(max_examples=8, deadline=None)
@given(draw=strategies.cohorts())
def test_drawn_cohorts(draw):
    import shutil

    try:
        tables = load_paper(draw.directory, "car1922")
        if tables is None or "cytokines" not in tables:
            return
        with pytest.MonkeyPatch.context() as monkeypatch:
            assert_both_ways_equal(tables, monkeypatch)
    finally:
        shutil.rmtree(draw.directory, ignore_errors=True)


def test_the_helpers_on_odd_columns():
    text = pd.Series(pd.array(["a", "b", "a"], dtype="string"))
    holed = pd.Series(pd.array(["a", None, "a"], dtype="string"))
    objects = pd.Series(["a", "b", "a"], dtype=object)
    assert cytokines._equal(text, "a").tolist() == [True, False, True]
    assert cytokines._equal(holed, "a") is None and cytokines._equal(objects, "a") is None
    assert cytokines._equal(text, None) is None
    assert cytokines._texts(pd.Series(pd.array([], dtype="string"))) is None
    for column in (text, holed, objects, pd.Series([1.0, np.nan])):
        got, expected = cytokines._objects(column), column.to_numpy(dtype=object)
        assert got.dtype == object and [type(x) for x in got] == [type(x) for x in expected]
        same = [x is y or x == y or (x != x and y != y) for x, y in zip(got, expected, strict=True)]
        assert all(same)
    names = np.array(["MIP3α", "MIP-3a", "mip3a", "IL6", "<NA>", "MIP3α"], dtype=object)
    key = cytokines.analyte_key("MIP3a")
    assert cytokines._analyte_rows(names, key).tolist() == [cytokines.analyte_key(n) == key for n in names]
    assert cytokines._analyte_rows(np.array([], dtype=object), key).tolist() == []
