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
from pandas._libs import lib

from .problems import Problem, Severity
from .spec import ColumnSpec

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# texts people type for "missing": the contract wants an empty cell instead
_MISSING_WORDS = {"na", "n/a", "nan", "null", "none", "-", "--", ".", "?", "missing", "unknown", "nd", "n.d."}
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
#: files from this size on are split by pandas' C parser when they are plain (:func:`_plain_table`); below it
#: the csv module is as fast (pandas' set-up costs a few ms a file)
PLAIN_MIN_BYTES = 1 << 16


@dataclass
class RawTable:
    """A CSV file as text: one column per (unique, named) header cell, cells as written in the file."""

    frame: pd.DataFrame  # object columns of str, default RangeIndex
    lines: np.ndarray  # line number of each row in the file (header = line 1)
    duplicated: frozenset[str] = frozenset()  # column names that appear more than once (first one kept)
    stripped: bool = False  # known: no cell starts or ends with whitespace (stripping changes nothing)


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
    plain = None
    if text is not None and len(data) >= PLAIN_MIN_BYTES:
        plain = _plain_table(data[len(_UTF8_BOM):] if data.startswith(_UTF8_BOM) else data)
    if plain is not None:  # the common case, read by pandas' C parser: the same table, problems and all
        header, frame, stripped = plain
        frame, duplicated = _named_columns(frame, header, file, problems)
        return RawTable(frame.reset_index(drop=True), np.arange(2, len(frame) + 2, dtype=np.int64),
                        duplicated, stripped), problems
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


#: every character that ``str.isspace`` (so ``str.strip``) counts as whitespace (a test enumerates them)
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
              "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_WS_FIRST = np.zeros(256, dtype=bool)  # the first byte of a whitespace character in UTF-8
_WS_FIRST[[c.encode()[0] for c in WHITESPACE]] = True
_WS_LAST = np.zeros(256, dtype=bool)  # its last byte
_WS_LAST[[c.encode()[-1] for c in WHITESPACE]] = True
_WS_FIRST[10] = _WS_LAST[10] = False  # a line end is never inside a cell of a plain text (:func:`_plain_table`)
_ASCII_SURE = np.zeros(256, dtype=bool)
_ASCII_SURE[0x21:0x7F] = True  # printable ASCII but the space: not whitespace, so a line holding one is not blank
_ASCII_SURE[ord(",")] = False


def _plain_table(data: bytes) -> tuple[list[str], pd.DataFrame, bool] | None:
    """The header (stripped) and the data rows (cells as written, object columns numbered from 0) of a text
    (``data``: its UTF-8 bytes, valid, without the byte-order mark :func:`_decode` drops) that
    :func:`_csv_rows` and :func:`_data_rows` would read with no problem and no repair, split by pandas'
    C parser, and whether no cell can start or end with whitespace (no byte next to a comma or a line end
    is the first, resp. last, byte of a :data:`WHITESPACE` character in UTF-8; a conservative test: False
    only means the cells are stripped one by one); None for any other text (the general path reads it,
    and names its problems).

    Plain means: not looking semicolon- or tab-separated, no double quote (so a record is a line and a cell
    is the text between commas, exactly as :mod:`csv` splits it), no NUL, no carriage return other than in
    CRLF line ends, no byte-order mark left, no empty line (but one final line end), every line with the
    header's number of commas and no longer than :func:`csv.field_size_limit`, every line with a character
    that is not a comma nor a space (no blank row), and at least one data row. For such a text the general
    path keeps every row, in file order, at lines 2, 3, ... (tests/unit/test_contract_plain_reader.py
    compares both paths on odd, drawn, corpus and cohort files).
    """
    if b'"' in data or b"\x00" in data or data.startswith(_UTF8_BOM):
        return None
    if b"\r" in data:
        if data.count(b"\r") != data.count(b"\r\n"):
            return None
        data = data.replace(b"\r\n", b"\n")
    data = data[:-1] if data.endswith(b"\n") else data
    if not data or data.startswith(b"\n") or data.endswith(b"\n") or b"\n\n" in data:
        return None
    first = data.split(b"\n", 1)[0]
    if max(first.count(b";"), first.count(b"\t")) > first.count(b","):
        return None  # it looks semicolon- or tab-separated (:func:`_csv_rows` says so)
    arr = np.frombuffer(data, dtype=np.uint8)
    ends = np.append(np.flatnonzero(arr == 10), arr.size)  # the end of every line
    if ends.size < 2:
        return None  # a header without data rows
    commas = np.flatnonzero(arr == 44)
    per_line = np.diff(np.searchsorted(commas, ends), prepend=0)
    if (per_line != per_line[0]).any():
        return None
    if np.diff(ends, prepend=-1).max() - 1 > csv.field_size_limit():
        return None
    starts = np.r_[0, ends[:-1] + 1]  # every line holds a byte (no empty line): ``starts`` increase
    if not np.logical_or.reduceat(_ASCII_SURE[arr], starts).all():
        return None  # a blank line (or one of non-ASCII text only: the general path decides)
    frame = pd.read_csv(io.BytesIO(data), header=None, dtype=object, na_filter=False, keep_default_na=False,
                        quoting=csv.QUOTE_NONE, skip_blank_lines=False, engine="c", sep=",", encoding="utf-8",
                        index_col=False)
    if frame.shape != (ends.size, int(per_line[0]) + 1):
        return None
    header = [str(h).strip() for h in frame.iloc[0]]
    firsts = np.r_[starts, commas + 1]
    lasts = np.r_[ends, commas] - 1
    stripped = not (_WS_FIRST[arr[firsts[firsts < arr.size]]].any() or _WS_LAST[arr[lasts[lasts >= 0]]].any())
    return header, frame.iloc[1:], stripped


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


def cell_texts(column: pd.Series, stripped: bool = False) -> np.ndarray:
    """``str(x).strip()`` of every cell of a raw column, as an object array (pandas' string map when every cell
    is a str); ``stripped``: the table is known to have no whitespace around a cell (:attr:`RawTable.stripped`),
    so the cells are returned as they are."""
    values = column.to_numpy(dtype=object)
    if stripped:
        return values
    if values.size and lib.is_string_array(values, skipna=False):
        return pd.Series(values, dtype=object, copy=False).str.strip().to_numpy(dtype=object)
    return np.array([str(x).strip() for x in values], dtype=object)


def convert_column(spec: ColumnSpec, raw: pd.Series,
                   stripped: bool = False) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Convert raw cell texts to the column's dtype (``stripped``: no cell has whitespace around it).

    Returns the typed column (missing and unconvertible cells as NA), a boolean mask of the unconvertible
    cells, and the reason for each of them (aligned with ``np.flatnonzero(mask)``). Works on the cells as a
    NumPy array of ``str`` (one pass each; pandas' per-call overhead would dominate on a cohort's small tables).
    """
    cells = cell_texts(raw, stripped)
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
