"""A corpus of malformed cohorts, each generated from the shipped cd22 cohort by breaking one thing.

For every case the command line (`cartrepro validate DIR`: its ``main``, in this process, output captured)
must exit 2, name the file and, where a row is at fault, the line and the column, and never raise; one case
of each kind of failure also runs as a real command in a subprocess (exit status, stdout and stderr as a
shell sees them, no traceback). The Python call `validate(DIR)` must return promptly without raising. Those
few cases also go through `cartrepro build` onto a copy of a built site, which must fail at validation
(exit 1) and leave every file of the site as it was.

The cases do not hard-code the shipped values: a cross-field case picks the first row that fits (e.g. the
first patient with a death day) and derives the broken values from that row, so the corpus keeps working
when the shipped cohort is regenerated or the contract gains columns. Line numbers are those a
spreadsheet shows: the header is line 1, the first patient line 2.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cartrepro.build.cli import main as cli_main
from cartrepro.contract import ContractError, validate
from cartrepro.paths import REPO_ROOT, SHIPPED_DATA_DIR

CD22 = "cd22/patients.csv"
TRACEBACK = "Traceback (most recent call last)"
VALIDATE_SECONDS = 10.0  # generous: the shipped cohort validates in well under a second
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# the command line: `python -m cartrepro.build.cli` (cli.py runs `main()` under `if __name__ == "__main__"`)
CLI = [sys.executable, "-m", "cartrepro.build.cli"]

# A mutation breaks the cohort copied to ``root``; it returns the folder to validate and the line it broke
# (None when no single line is at fault).
Mutation = Callable[[Path], tuple[Path, int | None]]
Row = dict[str, str]


# ----- building the broken cohorts ---------------------------------------------------------------------


def _read(root: Path) -> tuple[list[str], list[Row]]:
    reader = csv.DictReader(io.StringIO((root / CD22).read_text(encoding="utf-8"), newline=""))
    return list(reader.fieldnames or []), list(reader)


def _write(root: Path, names: list[str], rows: list[Row]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (root / CD22).write_text(buffer.getvalue(), encoding="utf-8")


def _day(row: Row, column: str) -> int:
    return int(float(row[column]))


def filled(*columns: str) -> Callable[[Row], bool]:
    return lambda row: all(row[c].strip() != "" for c in columns)


def empty(*columns: str) -> Callable[[Row], bool]:
    return lambda row: all(row[c].strip() == "" for c in columns)


def both(*tests: Callable[[Row], bool]) -> Callable[[Row], bool]:
    return lambda row: all(t(row) for t in tests)


def cells(where: int | Callable[[Row], bool], **edits: str | Callable[[Row], str]) -> Mutation:
    """Edit the cells of one row of cd22/patients.csv.

    ``where`` is a line number or a test picking the first row that fits; an edit is a text or a function
    of the row as it was (so values can be derived from the row, e.g. one day after its follow-up).
    """

    def mutate(root: Path) -> tuple[Path, int]:
        names, rows = _read(root)
        if isinstance(where, int):
            index = where - 2
        else:
            index = next((i for i, row in enumerate(rows) if where(row)), None)
            assert index is not None, "the shipped cohort has no row this case can break"
        original = dict(rows[index])
        for column, value in edits.items():
            rows[index][column] = value(original) if callable(value) else value
        _write(root, names, rows)
        return root, index + 2

    return mutate


def text(change: Callable[[str], str], line: int | None = None) -> Mutation:
    """Rewrite the text of cd22/patients.csv (the whole file, or only ``line``)."""

    def mutate(root: Path) -> tuple[Path, int | None]:
        path = root / CD22
        content = path.read_text(encoding="utf-8")
        if line is None:
            content = change(content)
        else:
            lines = content.split("\n")
            lines[line - 1] = change(lines[line - 1])
            content = "\n".join(lines)
        path.write_text(content, encoding="utf-8")
        return root, line

    return mutate


def raw(change: Callable[[bytes], bytes], line: int | None = None) -> Mutation:
    """Rewrite the bytes of cd22/patients.csv (the whole file, or only ``line``)."""

    def mutate(root: Path) -> tuple[Path, int | None]:
        path = root / CD22
        content = path.read_bytes()
        if line is None:
            content = change(content)
        else:
            lines = content.split(b"\n")
            lines[line - 1] = change(lines[line - 1])
            content = b"\n".join(lines)
        path.write_bytes(content)
        return root, line

    return mutate


def rename_column(old: str, new: str) -> Mutation:
    def change(content: str) -> str:
        first, rest = content.split("\n", 1)
        names = first.split(",")
        names[names.index(old)] = new
        return ",".join(names) + "\n" + rest

    return text(change)


def drop_column(name: str) -> Mutation:
    def mutate(root: Path) -> tuple[Path, None]:
        names, rows = _read(root)
        for row in rows:
            del row[name]
        _write(root, [n for n in names if n != name], rows)
        return root, None

    return mutate


def then(first: Mutation, second: Mutation) -> Mutation:
    """Two mutations; the line is the one the second (or else the first) broke."""

    def mutate(root: Path) -> tuple[Path, int | None]:
        root, line = first(root)
        root, other = second(root)
        return root, other if other is not None else line

    return mutate


def folders(change: Callable[[Path], Path]) -> Mutation:
    """A change of files and folders (no line involved); returns the data path to validate."""
    return lambda root: (change(root), None)


def _remove_cd22_file(root: Path) -> Path:
    (root / CD22).unlink()
    return root


def _empty_cd22_folder(root: Path) -> Path:
    shutil.rmtree(root / "cd22")
    (root / "cd22").mkdir()
    return root


def _empty_car1922_folder(root: Path) -> Path:
    (root / "car1922").mkdir()
    return root


def _no_paper_folder(root: Path) -> Path:
    (root / "notes").mkdir()
    shutil.move(root / CD22, root / "notes" / "patients.csv")
    shutil.rmtree(root / "cd22")
    return root


def _csv_at_top_level(root: Path) -> Path:
    shutil.move(root / CD22, root / "patients.csv")
    shutil.rmtree(root / "cd22")
    return root


def _upper_case_folder(root: Path) -> Path:
    (root / "cd22").rename(root / "CD22")
    return root


def _stray_file_instead_of_folder(root: Path) -> Path:
    content = (root / CD22).read_bytes()
    shutil.rmtree(root / "cd22")
    (root / "cd22").write_bytes(content)
    return root


def _file_renamed(root: Path) -> Path:
    (root / CD22).rename(root / "cd22" / "Patients.CSV")
    return root


def _duplicate_id(spaces: str = "") -> Mutation:
    def mutate(root: Path) -> tuple[Path, int]:
        names, rows = _read(root)
        rows[8]["patient_id"] = spaces + rows[7]["patient_id"] + spaces  # line 10 repeats line 9
        _write(root, names, rows)
        return root, 10

    return mutate


def _header_only(content: str) -> str:
    return content.split("\n", 1)[0] + "\n"


def _last_field_dropped(line: str) -> str:
    return line.rsplit(",", 1)[0]


def _unterminated_quote(line: str) -> str:
    first, rest = line.split(",", 1)
    return f'{first},"{rest}'


# ----- the corpus ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One broken cohort and what the report must say about it.

    ``file`` must appear in the output. ``row``: the report must name the line the mutation broke, on the
    same output line as the file (and as ``column``, when given). ``says``: a fragment of the message
    (case-insensitive), where the wording matters.
    """

    name: str
    mutate: Mutation
    file: str = CD22
    row: bool = False
    column: str | None = None
    says: str | None = None


def row(name: str, mutate: Mutation, column: str | None, says: str | None = None) -> Case:
    return Case(name, mutate, CD22, True, column, says)


DEATH = filled("death_day")
ALIVE = empty("death_day")

CASES = [
    # files and folders
    Case("missing_file", folders(_remove_cd22_file), says="missing"),
    Case("file_with_other_name", folders(_file_renamed), says="did you mean 'Patients.CSV'"),
    Case("paper_folder_present_but_empty", folders(_empty_cd22_folder), says="missing"),
    Case("second_paper_folder_empty", folders(_empty_car1922_folder), "car1922/patients.csv", says="missing"),
    Case("no_paper_folder", folders(_no_paper_folder), "cd22/", says="no paper folder"),
    Case("csv_at_top_level_without_paper_folder", folders(_csv_at_top_level), "cd22/", says="no paper folder"),
    Case("paper_folder_in_upper_case", folders(_upper_case_folder), "CD22/", says="lower case"),
    Case("stray_file_instead_of_folder", folders(_stray_file_instead_of_folder), "cd22", says="is a file"),
    Case("data_path_missing", folders(lambda root: root / "no-such-folder"), "no-such-folder",
         says="does not exist"),
    Case("data_path_is_a_file", folders(lambda root: root / CD22), "patients.csv", says="not a folder"),
    # file format
    Case("empty_file", raw(lambda b: b""), says="empty"),
    Case("whitespace_only_file", raw(lambda b: b" \n\n  \n"), says="empty"),
    Case("header_only", text(_header_only), says="no data rows"),
    Case("blank_first_line", text(lambda t: "\n" + t), says="line 1 is empty"),
    row("bom_plus_error", then(raw(lambda b: b"\xef\xbb\xbf" + b), cells(2, age_years="eight")), "age_years",
        "not a number"),
    Case("semicolon_separator", text(lambda t: t.replace(",", ";")), says="semicolon"),
    Case("tab_separator", text(lambda t: t.replace(",", "\t")), says="tab-separated"),
    row("non_utf8_bytes", raw(lambda line: "é".encode("latin-1") + line, line=11), None, "not valid UTF-8"),
    Case("utf16", raw(lambda b: b.decode("utf-8").encode("utf-16")), says="UTF-16"),
    Case("utf16_without_bom", raw(lambda b: b.decode("utf-8").encode("utf-16-le")), says="UTF-16"),
    row("too_many_fields", text(lambda s: s + ",x,y", line=8), None, "values but the header"),
    row("too_few_fields", text(_last_field_dropped, line=12), None, "values but the header"),
    row("unterminated_quote", text(_unterminated_quote, line=20), None),
    # header
    Case("missing_column", drop_column("relapse_day"), column="relapse_day", says="missing"),
    Case("renamed_column", rename_column("death_cause", "cause_of_death"), column="death_cause", says="missing"),
    Case("misspelt_column", rename_column("last_followup_day", "last_follow_up_day"), column="last_followup_day",
         says="did you mean 'last_follow_up_day'"),
    Case("column_name_in_capitals", rename_column("age_years", "Age_Years"), column="age_years"),
    Case("duplicated_column", rename_column("emd", "sex"), column="sex", says="appears 2 times"),
    # one cell of the wrong type
    row("wrong_type_int", cells(5, age_years="twelve"), "age_years", "not a number"),
    row("wrong_type_bool", cells(3, emd="yes"), "emd", "true or false"),
    row("bool_written_as_number", cells(4, prior_allo_hct="1"), "prior_allo_hct"),
    row("decimal_comma", cells(6, dose_1e5_per_kg="1,5"), "dose_1e5_per_kg", "decimal point"),
    row("missing_word_instead_of_empty", cells(8, age_years="NA"), "age_years", "leave the cell empty"),
    row("infinite_number", cells(2, marrow_blasts_pct="inf"), "marrow_blasts_pct", "not a number"),
    row("overflowing_number", cells(3, dose_1e5_per_kg="1e400"), "dose_1e5_per_kg"),
    row("non_integer_day", cells(2, last_followup_day="268.5"), "last_followup_day", "not a whole number"),
    row("non_integer_grade", cells(10, crs_grade="1.5"), "crs_grade", "not a whole number"),
    # categories
    row("unknown_category", cells(4, enrollment="pilot"), "enrollment", "not an allowed value"),
    row("upper_case_category", cells(9, day30_response="CR_MRD_NEGATIVE"), "day30_response", "lower case"),
    row("abbreviated_category", cells(5, sex="F"), "sex"),
    row("unknown_off_study", cells(11, off_study="withdrawn"), "off_study"),
    # missing or blank required values
    row("empty_patient_id", cells(4, patient_id=""), "patient_id", "required"),
    row("whitespace_patient_id", cells(7, patient_id="   "), "patient_id"),
    row("whitespace_only_day", cells(5, last_followup_day="  "), "last_followup_day"),
    row("whitespace_only_category", cells(6, enrollment=" "), "enrollment"),
    row("empty_dose", cells(7, dose_1e5_per_kg=""), "dose_1e5_per_kg"),
    row("duplicate_ids", _duplicate_id(), "patient_id", "also on line 9"),
    row("duplicate_ids_with_spaces", _duplicate_id("  "), "patient_id"),
    # ranges
    row("negative_day", cells(3, relapse_day="-3"), "relapse_day", "negative"),
    row("negative_age", cells(2, age_years="-1"), "age_years", "negative"),
    row("marrow_blasts_over_100", cells(2, marrow_blasts_pct="120"), "marrow_blasts_pct", "greater than 100"),
    row("marrow_blasts_negative", cells(5, marrow_blasts_pct="-0.5"), "marrow_blasts_pct"),
    row("zero_dose", cells(6, dose_1e5_per_kg="0"), "dose_1e5_per_kg", "not greater than 0"),
    row("crs_grade_6", cells(3, crs_grade="6"), "crs_grade", "greater than 5"),
    row("neurotox_grade_negative", cells(4, neurotox_grade="-1"), "neurotox_grade"),
    # cross-field rules (the row is the first that fits; values derived from it)
    row("relapse_after_last_followup",
        cells(ALIVE, relapse_day=lambda r: str(_day(r, "last_followup_day") + 10)), "relapse_day",
        "after last_followup_day"),
    row("death_after_last_followup", cells(DEATH, death_day=lambda r: str(_day(r, "last_followup_day") + 1)),
        "death_day"),
    row("hct_after_last_followup", cells(ALIVE, hct_day=lambda r: str(_day(r, "last_followup_day") + 5)),
        "hct_day"),
    row("relapse_after_death",
        cells(DEATH, last_followup_day=lambda r: str(_day(r, "death_day") + 10),
              relapse_day=lambda r: str(_day(r, "death_day") + 5)),
        "relapse_day", "after death_day"),
    row("death_without_cause", cells(DEATH, death_cause=""), "death_cause"),
    row("cause_without_death", cells(ALIVE, death_cause="infection"), "death_cause"),
    row("transplant_death_without_hct", cells(DEATH, death_cause="transplant_related", hct_day=""),
        "death_cause"),
    row("transplant_death_not_after_hct",
        cells(DEATH, death_cause="transplant_related", hct_day=lambda r: r["death_day"]), "death_cause"),
    row("crs_onset_missing_for_grade_above_0", cells(filled("crs_onset_day"), crs_onset_day=""),
        "crs_onset_day"),
    row("crs_onset_for_grade_0", cells(filled("crs_onset_day"), crs_grade="0"), "crs_onset_day"),
    row("crs_resolution_before_onset",
        cells(both(filled("crs_onset_day"), lambda r: _day(r, "crs_onset_day") >= 1),
              crs_resolution_day=lambda r: str(_day(r, "crs_onset_day") - 1)),
        "crs_resolution_day"),
    row("neurotox_onset_missing", cells(filled("neurotox_onset_day"), neurotox_onset_day=""),
        "neurotox_onset_day"),
    row("neurotox_resolution_before_onset",
        cells(both(filled("neurotox_onset_day"), lambda r: _day(r, "neurotox_onset_day") >= 1),
              neurotox_resolution_day=lambda r: str(_day(r, "neurotox_onset_day") - 1)),
        "neurotox_resolution_day"),
]

CASE_IDS = [c.name for c in CASES]

# cases the tools do not handle well yet; each needs the change in an existing file that the reason names
# (strict: the test fails once the fix lands, so that the entry is removed with it)
NEEDS_FIX: dict[str, str] = {}
CLI_RAISES = {"data_path_missing", "data_path_is_a_file"}  # validate() raises ContractError (documented)

# the build subset: one case per kind of failure (folders, encoding, header, cell, cross-field rule, path)
BUILD_CASES = ["paper_folder_present_but_empty", "non_utf8_bytes", "renamed_column", "unknown_category",
               "relapse_after_death", "data_path_missing"]
BUILD_NEEDS_FIX: dict[str, str] = {}


def test_the_corpus_is_large_and_its_names_unique():
    assert len(CASES) >= 40
    assert len(set(CASE_IDS)) == len(CASE_IDS)
    assert set(BUILD_CASES) | set(NEEDS_FIX) <= set(CASE_IDS)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """A copy of the shipped cd22 cohort (only cd22/: a P1 cohort in progress must not matter here)."""
    root = tmp_path_factory.mktemp("pristine")
    shutil.copytree(SHIPPED_DATA_DIR / "cd22", root / "cd22")
    report = validate(root)
    assert report.ok and not report.errors, report.format()
    return root


def broken(case: Case, pristine: Path, tmp_path: Path) -> tuple[Path, int | None]:
    root = tmp_path / "cohort"
    shutil.copytree(pristine, root)
    data, line = case.mutate(root)
    assert (line is not None) == case.row, f"{case.name}: the mutation and the case disagree about the row"
    return data, line


def _locates(output: str, case: Case, line: int | None) -> bool:
    """One printed line names the file, and the line and the column where the case expects them."""
    wanted = [re.escape(case.file)]
    if line is not None:
        wanted.append(rf"\bline {line}\b")
    if case.column is not None:
        wanted.append(rf"\bcolumn {re.escape(case.column)}\b")
    return any(all(re.search(w, printed) for w in wanted) for printed in output.splitlines())


def _run(args: list[str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    return subprocess.run(CLI + args, capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=300)


def _marks(case: Case) -> list:
    return [pytest.mark.xfail(strict=True, reason=NEEDS_FIX[case.name])] if case.name in NEEDS_FIX else []


def _assert_reported(case: Case, line: int | None, status: int, out: str, err: str) -> None:
    output = out + err
    assert TRACEBACK not in output, output
    assert status == 2, output
    assert err == "", f"the report goes to stdout; stderr holds:\n{err}"
    assert not CONTROL_CHARACTERS.search(output), f"control characters in the report: {output[:1000]!r}"
    assert _locates(output, case, line), f"no line of the report names {case.file}, line {line}, " \
                                         f"column {case.column}:\n{output}"
    if case.says is not None:
        assert case.says.lower() in output.lower(), output
    assert re.search(r"\b[1-9]\d* errors?\b", output), output


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name, marks=_marks(c)) for c in CASES])
def test_validate_command_reports_the_case(case: Case, pristine: Path, tmp_path: Path, capsys):
    """The command's ``main`` in this process (an exception would fail the test instead of printing)."""
    data, line = broken(case, pristine, tmp_path)
    status = cli_main(["validate", str(data)])
    out, err = capsys.readouterr()
    _assert_reported(case, line, status, out, err)


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=[pytest.mark.xfail(strict=True, reason=NEEDS_FIX[n])] if n in NEEDS_FIX else [])
    for n in BUILD_CASES])
def test_validate_in_a_subprocess_reports_the_case(name: str, pristine: Path, tmp_path: Path):
    """The real command, one case per kind of failure: exit status and streams as a shell sees them."""
    case = CASES[CASE_IDS.index(name)]
    data, line = broken(case, pristine, tmp_path)
    done = _run(["validate", str(data)])
    _assert_reported(case, line, done.returncode, done.stdout, done.stderr)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_validate_returns_promptly_without_raising(case: Case, pristine: Path, tmp_path: Path):
    data, _ = broken(case, pristine, tmp_path)
    started = time.monotonic()
    try:
        report = validate(data)
    except ContractError as exc:  # documented: only when the data path is not an existing folder
        assert case.name in CLI_RAISES, str(exc)
        assert not exc.report.ok and exc.report.errors[0].file == str(data)
    else:
        assert case.name not in CLI_RAISES
        assert not report.ok, f"{case.name}: no error reported\n{report.format()}"
    assert time.monotonic() - started < VALIDATE_SECONDS


# ----- the build refuses bad data and keeps the site -----------------------------------------------------


def _copy_site(out: Path, tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(out, site, ignore=shutil.ignore_patterns(".stage", ".work"))
    return site


def _every_file(site: Path) -> dict[str, bytes]:
    """Every file of the output folder but `.lock`, which names the last build that held the folder (not the site)."""
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.name != ".lock"}


@pytest.mark.slow
@pytest.mark.parametrize("name", [
    pytest.param(n, marks=[pytest.mark.xfail(strict=True, reason=BUILD_NEEDS_FIX[n])] if n in BUILD_NEEDS_FIX else [])
    for n in BUILD_CASES])
def test_build_refuses_the_case_and_keeps_the_site(name: str, built_book, pristine: Path, tmp_path: Path):
    case = CASES[CASE_IDS.index(name)]
    site = _copy_site(built_book[0], tmp_path)
    before = _every_file(site)
    data, line = broken(case, pristine, tmp_path)
    done = _run(["build", "--data", str(data), "--out", str(site), "--jobs", "1"])
    assert TRACEBACK not in done.stdout + done.stderr, done.stderr
    assert done.returncode == 1, done.stdout + done.stderr
    assert "the data does not meet the contract" in done.stderr
    assert _locates(done.stderr, case, line), done.stderr
    assert "executing" not in done.stdout and "rendering" not in done.stdout  # stopped at validation
    assert _every_file(site) == before
