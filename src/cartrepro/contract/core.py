"""Validating and loading a cohort folder: read, convert, pandera checks, cross-field rules, references."""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from cartrepro.paths import VALIDATED_ENV, note_loaded

from .problems import ContractError, Problem, Severity, ValidationReport
from .reading import RawTable, cell_texts, convert_column, empty_column, read_table
from .spec import ColumnSpec, TableSpec
from .tables import PAPERS, REQUIRED_TABLES, TABLES, paper_tables

log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]


def _suggest(name: str, candidates: list[str]) -> str | None:
    """The candidate most similar to ``name`` (case-insensitive), if any is similar enough."""
    lowered = {c.lower(): c for c in candidates}
    match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def _lines_text(lines: list[int]) -> str:
    shown = ", ".join(str(x) for x in lines[:10])
    more = f" and {len(lines) - 10} more" if len(lines) > 10 else ""
    return f"line {shown}" if len(lines) == 1 else f"lines {shown}{more}"


@dataclass
class _Table:
    """One contract table as read: raw cells, stripped cells, typed columns and the mask of invalid cells."""

    spec: TableSpec
    raw: RawTable
    typed: pd.DataFrame
    bad: dict[str, np.ndarray]
    ids: np.ndarray
    _stripped: dict[str, np.ndarray] = field(default_factory=dict)

    def stripped(self, column: str) -> np.ndarray:
        """The column's cell texts without surrounding spaces (computed once per column)."""
        if column not in self._stripped:
            self._stripped[column] = cell_texts(self.raw.frame[column], self.raw.stripped)
        return self._stripped[column]

    def problem(
        self, i: int, column: str | None, issue: str, expected: str, severity: Severity = "error"
    ) -> Problem:
        value = None if column is None else str(self.raw.frame[column].iat[i])
        return Problem(
            severity, self.spec.file, int(self.raw.lines[i]), self.ids[i], column, value, expected, issue
        )


def _header_problems(spec: TableSpec, present: list[str]) -> list[Problem]:
    problems = []
    known = set(spec.names)
    extras = [c for c in present if c not in known]
    missing = [c.name for c in spec.columns if c.required and c.name not in present]
    for name in missing:
        guess = _suggest(name, extras)
        issue = "the column is missing" + (f"; did you mean '{guess}'?" if guess else "")
        expected = f"a column named '{name}' ({spec.column(name).expected})"
        problems.append(Problem("error", spec.file, None, None, name, None, expected, issue))
    for name in extras:
        guess = _suggest(name, missing)
        issue = "the column is not part of the contract; it is ignored" + (
            f" (did you mean '{guess}'?)" if guess else ""
        )
        expected = f"only the columns of the data contract for {spec.file}"
        problems.append(Problem("warning", spec.file, None, None, name, None, expected, issue))
    return problems


def _range_issue(cs: ColumnSpec, value: float) -> str:
    if cs.ge is not None and value < cs.ge:
        return "negative" if cs.ge == 0 else f"less than {_fmt(cs.ge)}"
    if cs.gt is not None and value <= cs.gt:
        return f"not greater than {_fmt(cs.gt)}"
    if cs.le is not None and value > cs.le:
        return f"greater than {_fmt(cs.le)}"
    return "out of the allowed range"


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


class _DuplicateLines:
    """The file lines of each repeated value (or combination of values) of some columns, computed once."""

    def __init__(self, table: _Table) -> None:
        self.table = table
        self.cache: dict[tuple[str, ...], dict] = {}

    def others(self, columns: tuple[str, ...], i: int) -> list[int]:
        """The other lines holding row ``i``'s values of ``columns``."""
        if columns not in self.cache:
            values = pd.Series(
                ["\x1f".join(v) for v in zip(*(self.table.stripped(c) for c in columns), strict=True)]
            )
            dup = values.duplicated(keep=False).to_numpy()
            lines = pd.Series(self.table.raw.lines[dup]).groupby(values[dup].to_numpy()).agg(list)
            self.cache[columns] = lines.to_dict()
        key = "\x1f".join(self.table.stripped(c)[i] for c in columns)
        return [x for x in self.cache[columns][key] if x != self.table.raw.lines[i]]


def _pandera_problems(spec: TableSpec, table: _Table, failures: pd.DataFrame) -> list[Problem]:
    """Turn pandera's failure cases into Problems (skipping cells already reported as unconvertible)."""
    problems: list[Problem] = []
    duplicates = _DuplicateLines(table)
    for check, column in failures.loc[failures["index"].isna(), ["check", "column"]].itertuples(index=False):
        # failures without a row (e.g. a wrong dtype) would be a bug in the conversion; still report them
        problems.append(Problem("error", spec.file, None, None, column, None, "the contract's column type",
                                f"the column failed the check {check}"))
    with_row = failures[failures["index"].notna()]
    combo = tuple(spec.unique_together)
    multi = with_row[with_row["check"] == "multiple_fields_uniqueness"]
    for i in sorted({int(x) for x in multi["index"]}):
        if any(table.bad[c][i] for c in combo):
            continue
        pair = ", ".join(f"{c} '{table.stripped(c)[i]}'" for c in combo)
        problems.append(table.problem(i, combo[0],
                                      f"the combination {pair} also appears on "
                                      f"{_lines_text(duplicates.others(combo, i))}",
                                      "each combination of " + " and ".join(combo) + " only once in the file"))
    single = with_row[with_row["check"] != "multiple_fields_uniqueness"]
    for column, check, index in single[["column", "check", "index"]].itertuples(index=False):
        i = int(index)
        if table.bad[column][i]:
            continue
        issue, expected = _cell_issue(spec.column(column), check, table, i, duplicates)
        problems.append(table.problem(i, column, issue, expected))
        table.bad[column][i] = True
    return problems


def _cell_issue(cs: ColumnSpec, check: str, table: _Table, i: int, duplicates: _DuplicateLines) -> tuple[str, str]:
    """(issue, expected) for one cell that failed a pandera check of its column."""
    column = cs.name
    if check == "not_nullable":
        return "a value is required", f"{cs.expected}; this column may not be empty"
    if check == "field_uniqueness":
        return (f"the same {column} is also on {_lines_text(duplicates.others((column,), i))}",
                f"each {column} only once")
    if cs.type == "category":
        issue = "not an allowed value"
        if table.stripped(column)[i].lower() in (cs.allowed or ()):
            issue += "; categories are written in lower case"
        return issue, cs.expected
    return _range_issue(cs, table.typed[column].iat[i]), cs.expected


def _rule_problems(table: _Table) -> list[Problem]:
    problems: list[Problem] = []
    typed, n = table.typed, len(table.typed)
    for rule in table.spec.rules:
        if not all(c in typed.columns for c in rule.uses):
            continue  # a missing column is reported already
        fails = pd.array(rule.fails(typed), dtype="boolean").fillna(False).to_numpy(dtype=bool)
        skip = np.zeros(n, dtype=bool)
        for c in rule.uses:
            skip |= table.bad[c]
        hits = np.flatnonzero(fails & ~skip)
        if not hits.size:
            continue
        shown = {c: table.stripped(c) for c in rule.uses}
        for i in hits:
            values = {c: shown[c][i] or "empty" for c in rule.uses}
            problems.append(
                table.problem(
                    int(i),
                    rule.column,
                    rule.issue.format_map(values),
                    rule.expected.format_map(values),
                    rule.severity,
                )
            )
    return problems


def _typed_table(spec: TableSpec, raw: RawTable) -> tuple[_Table, list[tuple[str, np.ndarray, np.ndarray]]]:
    """The table with its columns converted to the contract's dtypes (absent optional columns all missing),
    and each converted column's unconvertible cells with their reasons."""
    present = list(raw.frame.columns)
    n = len(raw.frame)
    ids = np.full(n, None, dtype=object)
    if spec.label_column and spec.label_column in raw.frame:
        labels = cell_texts(raw.frame[spec.label_column], raw.stripped)
        ids = np.where(labels == "", None, labels)

    known = set(spec.names)
    typed_columns: dict[str, pd.Series] = {}
    bad: dict[str, np.ndarray] = {}
    unconvertible: list[tuple[str, np.ndarray, np.ndarray]] = []
    for name in present:
        if name not in known or name in raw.duplicated:
            continue  # a duplicated column is ambiguous: reported, its cells are not checked
        typed_columns[name], bad[name], issues = convert_column(spec.column(name), raw.frame[name],
                                                                       raw.stripped)
        unconvertible.append((name, bad[name], issues))
    for c in spec.columns:  # optional columns absent from the file: all missing
        if c.name not in typed_columns and not c.required:
            typed_columns[c.name], bad[c.name] = empty_column(c, n), np.zeros(n, dtype=bool)
    return _Table(spec, raw, pd.DataFrame(typed_columns), bad, ids), unconvertible


def _check_table(spec: TableSpec, path: Path, data: bytes | None = None) -> tuple[list[Problem], _Table | None]:
    raw, problems = read_table(path, spec.file, data)
    if raw is None:
        return problems, None
    present = list(raw.frame.columns)
    problems += _header_problems(spec, present)
    table, unconvertible = _typed_table(spec, raw)

    cells: list[Problem] = []
    for name, mask, issues in unconvertible:
        expected = spec.column(name).expected
        cells += [
            table.problem(int(i), name, issue, expected)
            for i, issue in zip(np.flatnonzero(mask), issues, strict=True)
        ]
    # only the columns of the file: an absent optional column has no cells to check or to point at. The pandera
    # schema is the contract; a table that passes its checks computed directly (TableSpec.passes, the same
    # verdict) skips pandera's slower run, which otherwise names every failing cell
    checked = [c for c in table.typed.columns if c in present]
    if not spec.passes(table.typed, checked):
        try:
            spec.schema(present=checked).validate(table.typed, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cells += _pandera_problems(spec, table, exc.failure_cases)
    cells += _rule_problems(table)
    for check in spec.checks:
        cells += check(table.typed, spec.file)

    return problems + _sort_problems(spec, cells, table), table


def _reference_problems(spec: TableSpec, tables: dict[str, _Table]) -> list[Problem]:
    problems: list[Problem] = []
    table = tables.get(spec.name)
    for ref in spec.references:
        target = tables.get(ref.table)
        if (
            table is None
            or target is None
            or ref.column not in table.typed
            or ref.target_column not in target.typed
        ):
            continue  # the missing file or column is reported already
        values = table.stripped(ref.column)
        known = set(target.stripped(ref.target_column)) - {""}
        hits = np.flatnonzero(
            (values != "") & ~pd.Series(values).isin(known).to_numpy() & ~table.bad[ref.column]
        )
        problems += [
            table.problem(
                int(i),
                ref.column,
                f"not found in {target.spec.file}",
                f"a {ref.column} listed in column {ref.target_column} of {target.spec.file}",
            )
            for i in hits
        ]
    return problems


def _sort_problems(spec: TableSpec, problems: list[Problem], table: _Table | None = None) -> list[Problem]:
    """File-level problems first, then by line, then left to right as the columns stand in the file."""
    order = list(table.raw.frame.columns) if table is not None else spec.names
    rank = {name: k for k, name in enumerate(order)}
    return sorted(problems, key=lambda p: (p.row is not None, p.row or 0, rank.get(p.column or "", -1)))


def _paper_files(folder: Path, specs: list[TableSpec]) -> tuple[dict[str, bytes | None], list[str], str]:
    """The bytes of each contract table present in a paper folder (None: present but unreadable), the other
    CSV files' names, and the digest of both: what the contract check and the load of the folder depend on."""
    known = {f"{s.name}.csv" for s in specs}
    others = sorted(
        p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv" and p.name not in known
    )
    blobs: dict[str, bytes | None] = {}
    digest = hashlib.sha256(b"cartrepro paper folder 1\0")
    for spec in specs:
        path = folder / f"{spec.name}.csv"
        if not path.is_file():
            digest.update(f"{spec.name}: absent\0".encode())
            continue
        try:
            blobs[spec.name] = path.read_bytes()
        except OSError:
            blobs[spec.name] = None
        data = blobs[spec.name]
        digest.update(f"{spec.name}: {'unreadable' if data is None else len(data)}\0".encode() + (data or b""))
    for name in others:
        digest.update(f"other: {name}\0".encode())
    return blobs, others, digest.hexdigest()


def _check_paper(data_dir: Path, paper: str) -> tuple[list[Problem], dict[str, _Table], str]:
    """The problems and tables of one paper folder, and the digest of the files checked (:func:`_paper_files`:
    each file is read once, so the digest is of the very bytes checked)."""
    folder = data_dir / paper
    specs = paper_tables(paper)
    known = {f"{s.name}.csv" for s in specs}
    blobs, others, digest = _paper_files(folder, specs)
    by_file: dict[str, list[Problem]] = {s.file: [] for s in specs}
    tables: dict[str, _Table] = {}
    for spec in specs:
        path = folder / f"{spec.name}.csv"
        if spec.name not in blobs:
            if spec.name in REQUIRED_TABLES.get(paper, ()):
                guess = _suggest(f"{spec.name}.csv", others)
                by_file[spec.file].append(
                    Problem(
                        "error",
                        spec.file,
                        None,
                        None,
                        None,
                        None,
                        f"a file {spec.name}.csv in {paper}/ (required when {paper}/ is present)",
                        "the file is missing" + (f"; did you mean '{guess}'?" if guess else ""),
                    )
                )
            continue
        by_file[spec.file], table = _check_table(spec, path, blobs[spec.name])
        if table is not None:
            tables[spec.name] = table
    for spec in specs:  # references once every table of the paper is read
        extra = _reference_problems(spec, tables)
        if extra:
            by_file[spec.file] = _sort_problems(spec, by_file[spec.file] + extra, tables[spec.name])
    problems = [p for spec in specs for p in by_file[spec.file]]
    for name in others:
        problems.append(
            Problem(
                "warning",
                f"{paper}/{name}",
                None,
                None,
                None,
                None,
                "only the contract's tables: " + ", ".join(sorted(known)),
                "the file is not part of the contract; it is ignored",
            )
        )
    return problems, tables, digest


def _require_dir(data_dir: Path) -> None:
    if not data_dir.is_dir():
        issue = (
            "the cohort folder does not exist" if not data_dir.exists() else "this is a file, not a folder"
        )
        problem = Problem(
            "error",
            str(data_dir),
            None,
            None,
            None,
            None,
            "a cohort folder holding cd22/ and/or car1922/",
            issue,
        )
        raise ContractError(ValidationReport(data_dir, (), [problem]))


def _check(data_dir: PathLike) -> tuple[ValidationReport, dict[str, dict[str, _Table]]]:
    data_dir = Path(data_dir)
    _require_dir(data_dir)
    papers = tuple(p for p in PAPERS if (data_dir / p).is_dir())
    subdirs = sorted(
        p.name
        for p in data_dir.iterdir()
        if p.is_dir() and p.name not in PAPERS and not p.name.startswith(".")
    )
    problems: list[Problem] = [
        Problem("error", p, None, None, None, None,
                f"a folder {p}/ holding the paper's tables", f"{p} is a file, not a folder")
        for p in PAPERS if (data_dir / p).is_file()
    ]
    if not papers:
        hints = [f"'{d}/'" for d in subdirs if _suggest(d, list(PAPERS))]
        issue = "no paper folder: expected cd22/ and/or car1922/"
        if hints:
            issue += f" (found {', '.join(hints)}: folder names are lower case, exactly cd22 or car1922)"
        problems.append(
            Problem(
                "error",
                "",
                None,
                None,
                None,
                None,
                "a folder cd22/ (CD22 paper) and/or car1922/ (CAR19/22 paper)",
                issue,
            )
        )
    else:
        for d in subdirs:
            guess = _suggest(d, [p for p in PAPERS if p not in papers])
            if guess:
                problems.append(
                    Problem(
                        "warning",
                        f"{d}/",
                        None,
                        None,
                        None,
                        None,
                        f"the folder name {guess}/",
                        f"the folder is ignored; did you mean {guess}/?",
                    )
                )
    tables: dict[str, dict[str, _Table]] = {}
    digests: dict[str, str] = {}
    for paper in papers:
        found, tables[paper], digests[paper] = _check_paper(data_dir, paper)
        problems += found
    return ValidationReport(data_dir, papers, problems, digests), tables


def _typed(tables: dict[str, _Table]) -> dict[str, pd.DataFrame]:
    return {name: table.typed for name, table in tables.items()}


def _log_warnings(report: ValidationReport) -> None:
    for problem in report.warnings:
        log.warning("data contract: %s", problem)


def validate(data_dir: PathLike) -> ValidationReport:
    """Check a cohort folder against the data contract and report every problem at once.

    Never raises for bad data; raises `ContractError` only when ``data_dir`` is not an existing folder.
    """
    return _check(data_dir)[0]


def load_paper(data_dir: PathLike, paper: str) -> dict[str, pd.DataFrame] | None:
    """Typed tables of one paper folder, or None when the folder is absent ("not run: no data").

    Raises `ContractError` listing every problem when the folder is present but breaks the contract.
    Integers are ``Int64``, floats ``float64``, booleans ``boolean``, texts and categories ``string``;
    missing cells are NA. Columns keep the file's order (non-contract columns are dropped).

    In a notebook run by ``cartrepro build``, the folder's bytes were checked by the build already: when they
    are unchanged (same digest, same contract code) they are converted without being checked again
    (:func:`_load_validated`); changed data, or a run outside a build, is checked as always.
    """
    if paper not in PAPERS:
        raise ValueError(f"unknown paper folder {paper!r}; expected one of {', '.join(PAPERS)}")
    data_dir = Path(data_dir)
    _require_dir(data_dir)
    if not (data_dir / paper).is_dir():
        return None
    trusted = _load_validated(data_dir, paper)
    if trusted is not None:
        return trusted
    problems, tables, _ = _check_paper(data_dir, paper)
    report = ValidationReport(data_dir, (paper,), problems)
    if not report.ok:
        raise ContractError(report)
    _log_warnings(report)
    note_loaded(data_dir, paper)
    return _typed(tables)


@lru_cache(maxsize=1)
def _contract_code_digest() -> str:
    """SHA-256 of the contract's own source files (the code that gave a verdict) and of ``paths.py``."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted([*root.glob("*.py"), root.parent / "paths.py"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def validated_record(report: ValidationReport) -> dict[str, dict]:
    """What a build that validated a cohort hands the notebooks it runs, per paper folder of a report with no
    error: the digest of the files checked (:func:`_paper_files`), the contract code's digest and the warnings
    that :func:`load_paper` logs (the folder's own, as text). JSON-ready; written by
    ``cartrepro.paths.write_validated``."""
    if not report.ok:
        raise ValueError("only a report without errors vouches for its data")
    return {paper: {"digest": report.digests[paper], "code": _contract_code_digest(),
                    "warnings": [str(p) for p in report.warnings if p.file.startswith(f"{paper}/")]}
            for paper in report.papers}


#: the typed tables of the validated folders converted in this process, by (folder, file digest, contract code
#: digest): a build's kernel runs several notebooks that load the same folder (:func:`_load_validated`)
_converted: dict[tuple[str, str, str], dict[str, pd.DataFrame]] = {}
_CONVERTED_KEPT = 2  # one per paper folder of a build's cohort


def _load_validated(data_dir: Path, paper: str) -> dict[str, pd.DataFrame] | None:
    """The typed tables of a paper folder whose bytes a build already validated, without checking them again;
    None (check them) unless :data:`VALIDATED_ENV` names a record of this folder whose file digest equals
    that of the bytes read now and whose contract code digest equals this code's.

    A build validates the cohort once and then runs every notebook, each calling :func:`load_paper`; the
    digest makes the skip safe: the frames are built from the very bytes hashed, by the same conversion as
    the full check (:func:`_typed_table`), and data changed since the build's check (or run outside a build,
    e.g. by papermill directly) is checked as always. The warnings the check gave are logged again.

    The frames converted are kept for the process (:data:`_converted`) under the digest of the bytes they were
    converted from, and each call returns deep copies of them: a kernel that runs several notebooks converts a
    folder once (its bytes are still read and hashed at every call), and no notebook sees another's changes.
    """
    where = os.environ.get(VALIDATED_ENV)
    if not where:
        return None
    try:
        entry = json.loads(Path(where).read_text()).get(str((data_dir / paper).resolve()))
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(entry, dict) or entry.get("code") != _contract_code_digest():
        return None
    specs = paper_tables(paper)
    blobs, _, digest = _paper_files(data_dir / paper, specs)
    if digest != entry.get("digest") or any(data is None for data in blobs.values()):
        return None
    key = (str((data_dir / paper).resolve()), digest, entry["code"])
    tables = _converted.get(key)
    if tables is None:
        tables = {}
        for spec in specs:
            if spec.name in blobs:
                raw, _ = read_table(data_dir / paper / f"{spec.name}.csv", spec.file, blobs[spec.name])
                if raw is None:
                    return None
                tables[spec.name] = _typed_table(spec, raw)[0].typed
        if len(_converted) >= _CONVERTED_KEPT:
            _converted.clear()
        _converted[key] = tables
    tables = {name: frame.copy(deep=True) for name, frame in tables.items()}
    for text in entry.get("warnings", ()):
        log.warning("data contract: %s", text)
    note_loaded(data_dir, paper)
    return tables


def validate_and_load(data_dir: PathLike) -> tuple[ValidationReport, dict[str, dict[str, pd.DataFrame]]]:
    """The :func:`validate` report of a cohort folder and, when it has no error, the typed tables of every
    paper folder present (as :func:`load_paper` gives them), read and checked once.

    With errors the tables are ``{}``. Raises `ContractError` only when ``data_dir`` is not an existing folder.
    """
    report, tables = _check(data_dir)
    if not report.ok:
        return report, {}
    _log_warnings(report)
    for paper in tables:
        note_loaded(data_dir, paper)
    return report, {paper: _typed(paper_tables_) for paper, paper_tables_ in tables.items()}


def load_cohort(data_dir: PathLike) -> dict[str, dict[str, pd.DataFrame]]:
    """``{paper: {table: DataFrame}}`` for the paper folders present; `ContractError` if any is invalid."""
    report, tables = _check(data_dir)
    if not report.ok:
        raise ContractError(report)
    _log_warnings(report)
    for paper in tables:
        note_loaded(data_dir, paper)
    return {paper: _typed(paper_tables_) for paper, paper_tables_ in tables.items()}


def columns(paper: str, table: str) -> list[ColumnSpec]:
    """The columns of a contract table, in contract order (for documentation)."""
    return list(table_spec(paper, table).columns)


def rules(paper: str, table: str) -> list[str]:
    """The cross-field rules of a contract table, in plain words (for documentation)."""
    spec = table_spec(paper, table)
    texts = [r.description for r in spec.rules]
    if spec.unique_together:
        texts.append("each combination of " + " and ".join(spec.unique_together) + " appears once")
    texts += [
        f"{r.column} must exist in {spec.paper}/{r.table}.csv ({r.target_column})" for r in spec.references
    ]
    return texts


def table_spec(paper: str, table: str) -> TableSpec:
    try:
        return TABLES[(paper, table)]
    except KeyError:
        known = ", ".join(f"{p}/{t}" for p, t in TABLES)
        raise KeyError(f"no contract table {paper}/{table}; known tables: {known}") from None
