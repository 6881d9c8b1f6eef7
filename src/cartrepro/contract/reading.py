"""Reading contract CSV files as text and converting columns, turning every unreadable cell into a Problem.

Nothing here raises for bad data: the file is read as strings (never guessed by pandas), then each column
is converted by the contract's type, vectorised, with a note of every cell that could not be converted.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .problems import Problem, Severity
from .spec import ColumnSpec

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# texts people type for "missing": the contract wants an empty cell instead
_MISSING_WORDS = {"na", "n/a", "nan", "null", "none", "-", "--", ".", "?", "missing", "unknown", "nd", "n.d."}
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


@dataclass
class RawTable:
    """A CSV file as text: one column per (unique, named) header cell, cells as written in the file."""

    frame: pd.DataFrame  # object columns of str, default RangeIndex
    lines: np.ndarray  # line number of each row in the file (header = line 1)
    duplicated: frozenset[str] = frozenset()  # column names that appear more than once (first one kept)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _problem(file: str, issue: str, expected: str, severity: Severity = "error", row: int | None = None,
             column: str | None = None) -> Problem:
    """A problem of the file as a whole, of one of its lines or of one of its columns."""
    return Problem(severity, file, row, None, column, None, expected, issue)


def read_table(path: Path, file: str, data: bytes | None = None) -> tuple[RawTable | None, list[Problem]]:
    """Read ``path`` as a contract CSV (``data``: its bytes, when already read); return the table (None if
    unreadable) and the problems found.

    The steps: decode the bytes as UTF-8 (:func:`_decode`), split the text into CSV rows
    (:func:`_csv_rows`), keep the data rows that have one value per column (:func:`_data_rows`), and keep
    one column per named header cell (:func:`_named_columns`). Every step adds its problems; a step that
    cannot go on returns None.
    """
    problems: list[Problem] = []
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return None, [_problem(file, f"the file cannot be read ({exc.strerror})", "a readable CSV file")]
    text = _decode(data, file, problems)
    rows = None if text is None else _csv_rows(text, file, problems)
    if rows is None:
        return None, problems
    header = [h.strip() for h in rows[0]]
    if not any(header):
        problems.append(_problem(file, "line 1 is empty", "the header row (the column names) on line 1", row=1))
        return None, problems
    kept, lines = _data_rows(rows, len(header), file, problems)
    if not kept and not any(p.severity == "error" for p in problems):
        problems.append(_problem(file, "the file has a header row but no data rows",
                                 "at least one data row below the header"))
    if not kept:
        return None, problems
    frame, duplicated = _named_columns(pd.DataFrame(kept, columns=range(len(header)), dtype=object), header,
                                       file, problems)
    return RawTable(frame.reset_index(drop=True), np.asarray(lines, dtype=np.int64), duplicated), problems


def _decode(data: bytes, file: str, problems: list[Problem]) -> str | None:
    """The bytes as text: UTF-8, a byte-order mark dropped with a warning; None (and an error) otherwise."""
    shift = 0
    if data.startswith(_UTF8_BOM):
        data, shift = data[len(_UTF8_BOM) :], len(_UTF8_BOM)
        problems.append(_problem(file, "the file starts with a UTF-8 byte-order mark (BOM); it was ignored",
                                 "UTF-8 text without a byte-order mark", severity="warning"))
    elif data.startswith(_UTF16_BOMS):
        problems.append(_problem(file, "the file is UTF-16 encoded", "UTF-8 text (re-save the file as 'CSV UTF-8')"))
        return None
    elif b"\x00" in data[:4096]:
        problems.append(_problem(
            file, "the file holds NUL bytes: it looks UTF-16 encoded (without a byte-order mark) or binary",
            "UTF-8 text (re-save the file as 'CSV UTF-8')"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(_problem(
            file,
            f"the file is not valid UTF-8: byte 0x{data[exc.start]:02X} at byte offset {exc.start + shift} "
            f"(line {line}) cannot be decoded",
            "UTF-8 text (re-save the file as 'CSV UTF-8'; Latin-1 / Windows-1252 exports are not accepted)",
            row=line))
        return None


def _csv_rows(text: str, file: str, problems: list[Problem]) -> list[list[str]] | None:
    """The text as CSV rows; None (and an error) for an empty, semicolon- or tab-separated or broken file."""
    if not text.strip():
        problems.append(_problem(file, "the file is empty", "a header row followed by one row per entity"))
        return None
    first = text.split("\n", 1)[0]
    for sep, name in ((";", "semicolon"), ("\t", "tab")):
        if first.count(sep) > first.count(","):
            problems.append(_problem(
                file, f"the file looks {name}-separated; the contract requires commas",
                "comma-separated values (export the sheet as 'CSV UTF-8 (comma delimited)')", row=1))
            return None
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        problems.append(_problem(file, f"the file cannot be read as CSV ({exc})", "a well-formed comma-separated file"))
        return None


def _data_rows(rows: list[list[str]], ncol: int, file: str,
               problems: list[Problem]) -> tuple[list[list[str]], list[int]]:
    """The data rows with one value per column, and their line numbers; wrong-length lines are errors,
    trailing empty cells are dropped and all-empty rows are skipped with one warning."""
    kept: list[list[str]] = []
    lines: list[int] = []
    blank_rows: list[int] = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != ncol:
            if not row:  # an empty line
                continue
            if len(row) > ncol and not "".join(row[ncol:]).strip():
                row = row[:ncol]  # trailing empty cells (spreadsheet exports)
            else:
                problems.append(Problem(
                    "error", file, number, None, None, None,
                    expected=f"one value per column ({ncol}); a comma inside a cell needs double quotes",
                    issue=f"the line has {len(row)} values but the header {ncol} columns; line skipped"))
                continue
        if not "".join(row).strip():
            blank_rows.append(number)
            continue
        kept.append(row)
        lines.append(number)
    if blank_rows:
        where = f"line {blank_rows[0]}" if len(blank_rows) == 1 else f"{len(blank_rows)} lines from {blank_rows[0]}"
        problems.append(_problem(file, f"rows with only empty cells were ignored ({where})", "one row per entity",
                                 severity="warning"))
    return kept, lines


def _named_columns(frame: pd.DataFrame, header: list[str], file: str,
                   problems: list[Problem]) -> tuple[pd.DataFrame, frozenset[str]]:
    """One column per header name (the first of repeated names, an error), unnamed columns dropped (a
    warning if they hold values); returns the frame and the repeated names."""
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        positions.setdefault(name, []).append(i)
    keep: list[int] = []
    for name, where in positions.items():
        if name == "":
            for i in where:
                if frame[i].str.strip().ne("").any():
                    problems.append(_problem(
                        file, f"the header cell of column {_column_letter(i)} is empty; its values were ignored",
                        "a column name in every header cell", severity="warning"))
            continue
        if len(where) > 1:
            letters = ", ".join(_column_letter(i) for i in where)
            problems.append(_problem(file, f"the column name appears {len(where)} times in the header "
                                     f"(columns {letters})", "each column name exactly once", column=name))
        keep.append(where[0])
    keep.sort()
    frame = frame[keep]
    frame.columns = [header[i] for i in keep]
    return frame, frozenset(name for name, where in positions.items() if name and len(where) > 1)


def _issue_for_number(cells: pd.Series, finite: np.ndarray, whole_required: bool) -> np.ndarray:
    """Plain-words reason for each unconvertible numeric cell (only called on the failing cells)."""
    issues = np.where(finite, "not a whole number" if whole_required else "", "not a number").astype(object)
    lower = cells.str.lower().to_numpy(dtype=object)
    for i, (text, low) in enumerate(zip(cells.to_numpy(dtype=object), lower, strict=True)):
        if low in _MISSING_WORDS:
            issues[i] = "not a number; leave the cell empty for a missing value"
        elif _DECIMAL_COMMA.match(text):
            issues[i] = "not a number; use a decimal point, not a comma"
    return issues


def convert_column(spec: ColumnSpec, raw: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Convert raw cell texts to the column's dtype.

    Returns the typed column (missing and unconvertible cells as NA), a boolean mask of the unconvertible
    cells, and the reason for each of them (aligned with ``np.flatnonzero(mask)``). Works on the cells as a
    NumPy array of ``str`` (one pass each; pandas' per-call overhead would dominate on a cohort's small tables).
    """
    cells = np.array([str(x).strip() for x in raw.to_numpy(dtype=object)], dtype=object)
    empty = cells == ""
    n = len(cells)
    if spec.type in ("str", "category"):
        typed = pd.Series(pd.array(np.where(empty, None, cells), dtype="string"), index=raw.index, name=raw.name)
        return typed, np.zeros(n, dtype=bool), np.array([], dtype=object)
    if spec.type == "bool":
        lower = np.array([x.lower() for x in cells], dtype=object)
        true, false = lower == "true", lower == "false"
        bad = ~(true | false | empty)
        values = pd.array(true, dtype="boolean")
        values[~(true | false)] = pd.NA
        issues = np.full(int(bad.sum()), "not true or false", dtype=object)
        return pd.Series(values, index=raw.index, name=raw.name), bad, issues
    numbers = pd.to_numeric(np.where(empty, "nan", cells), errors="coerce").astype(float, copy=False)
    finite = np.isfinite(numbers)
    if spec.type == "int":
        whole = finite & (numbers == np.floor(numbers))
        ok = whole
    else:
        ok = finite
    bad = ~ok & ~empty
    issues = (_issue_for_number(pd.Series(cells[bad], dtype=object), finite[bad], whole_required=spec.type == "int")
              if bad.any() else np.array([], dtype=object))
    values = np.where(ok, numbers, np.nan)
    typed = pd.Series(values, index=raw.index, name=raw.name, dtype="float64")
    if spec.type == "int":
        typed = typed.astype("Int64")
    return typed, bad, issues


def empty_column(spec: ColumnSpec, n: int) -> pd.Series:
    """An all-missing column of the right dtype (an optional column absent from the file)."""
    return pd.Series(
        pd.array([pd.NA] * n, dtype=spec.dtype) if spec.type != "float" else np.full(n, np.nan),
        name=spec.name,
    )
