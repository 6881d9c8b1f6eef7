"""Downloadable starting points for one's own cohort: empty templates and a small example cohort.

`write_templates(out_dir)` writes, from the data contract (never from a hand-kept list of columns):

- ``templates/<paper>/<table>.csv``: the header row of every contract table, columns in contract order;
- ``example/<paper>/<table>.csv``: a small example cohort that passes `cartrepro validate`;
- ``cohort_template.zip`` and ``example_cohort.zip``: the same two folders as cohort folders
  (``cd22/``, ``car1922/``), ready to unpack and fill in.

The example is synthetic. Its CD22 (P2) patients are six rows of the shipped reconstructed cohort, chosen
by a fixed rule and given new ids ``EX01`` …; its CAR19/22 (P1) patients are written out below, since no
P1 cohort may be shipped. Every file is written byte-for-byte the same on every run (fixed zip timestamps),
so the book built from them is reproducible.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from cartrepro.contract import PAPERS, TABLES, columns
from cartrepro.paths import SHIPPED_DATA_DIR

PathLike = str | os.PathLike[str]

TEMPLATE_DIR = "templates"
EXAMPLE_DIR = "example"
TEMPLATE_ZIP = "cohort_template.zip"
EXAMPLE_ZIP = "example_cohort.zip"
EXAMPLE_SIZE = 6
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry: no build time in the archive

Row = dict[str, str]


def contract_tables() -> list[tuple[str, str]]:
    """(paper, table) of every contract table, papers in `PAPERS` order, tables in registry order."""
    return [(paper, table) for paper in PAPERS for (p, table) in TABLES if p == paper]


def _csv_text(names: list[str], rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n", extrasaction="ignore", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def download_name(name: str) -> str:
    """The file name a download of ``name`` (a key of :func:`write_templates`) is saved under: distinct for
    every file, since a browser saves ``templates/cd22/patients.csv`` and ``example/cd22/patients.csv`` both
    as ``patients.csv``.

    Examples
    --------
    >>> download_name("templates/cd22/patients.csv"), download_name("example/car1922/cytokines.csv")
    ('cd22_patients_template.csv', 'car1922_cytokines_example.csv')
    >>> download_name("cohort_template.zip")
    'cohort_template.zip'
    """
    parts = name.split("/")
    if len(parts) != 3:
        return parts[-1]
    folder, paper, file_name = parts
    kind = "template" if folder == TEMPLATE_DIR else "example"
    stem, dot, suffix = file_name.rpartition(".")
    return f"{paper}_{stem}_{kind}{dot}{suffix}"


def template_csv(paper: str, table: str) -> str:
    """The header row of one contract table (every column, in contract order), as CSV text."""
    return _csv_text([c.name for c in columns(paper, table)], [])


# ----- the example cohort ---------------------------------------------------------------------------------


def _pick_cd22(rows: list[Row]) -> list[Row]:
    """Six shipped rows that between them show the conditional columns: the first patient with an HCT, a
    relapse, a death, an early exit and no response, then evenly spaced rows up to six; file order kept."""
    features: list[Callable[[Row], bool]] = [
        lambda r: r.get("hct_day", "").strip() != "",
        lambda r: r.get("relapse_day", "").strip() != "",
        lambda r: r.get("death_day", "").strip() != "",
        lambda r: r.get("off_study", "").strip() != "",
        lambda r: r.get("day30_response", "").strip() == "no_response",
    ]
    chosen: list[int] = []
    for feature in features:
        index = next((i for i, row in enumerate(rows) if feature(row) and i not in chosen), None)
        if index is not None:
            chosen.append(index)
    n = len(rows)
    for k in range(EXAMPLE_SIZE):
        if len(chosen) >= min(EXAMPLE_SIZE, n):
            break
        index = round(k * (n - 1) / max(EXAMPLE_SIZE - 1, 1))
        if index not in chosen:
            chosen.append(index)
    for index in range(n):  # only when evenly spaced rows coincided with chosen ones
        if len(chosen) >= min(EXAMPLE_SIZE, n):
            break
        if index not in chosen:
            chosen.append(index)
    return [rows[i] for i in sorted(chosen)[:EXAMPLE_SIZE]]


def _cd22_example(shipped: Path) -> dict[str, list[Row]]:
    path = shipped / "cd22" / "patients.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    example = []
    for k, row in enumerate(_pick_cd22(rows), start=1):
        example.append({**row, "patient_id": f"EX{k:02d}"})
    return {"patients": example}


_P1_PATIENT_FIELDS = (
    "patient_id disease age_years sex prior_hsct prior_lines disease_status cns_involvement tp53_mutation "
    "car19_dose car22_dose il6_max_pg_ml ferritin_max_ug_l il6_peak_day crs_grade outcome excluded_reason "
    "relapse_day pfs_day pfs_event os_day os_event followup_day"
).split()
_P1_PATIENTS = (
    "EX01,b_all,34,male,none,2,refractory,false,true,1.0,1.0,250.5,1500,4,1,remission,,,400,false,400,false,400",
    "EX02,b_all,45,female,allogeneic,3,first_relapse,true,false,0.5,0.5,1200,5000,6,2,relapse,,150,150,true,300,"
    "true,300",
    "EX03,b_nhl,60,male,autologous,4,second_or_later_relapse,false,false,2.0,2.0,80,900,3,0,no_response,,,30,"
    "true,200,false,200",
    "EX04,b_all,22,female,none,1,refractory,false,false,1.0,1.0,300,1100,5,1,excluded,bridge_to_hsct,,60,false,"
    "365,false,365",
    "EX05,b_nhl,55,male,none,2,first_relapse,false,true,1.5,1.5,50,700,2,0,remission,,,500,false,500,false,500",
    "EX06,b_all,17,female,allogeneic,5,second_or_later_relapse,true,false,1.0,1.0,2400,8200,7,3,excluded,"
    "non_recurrent_death,,45,true,45,true,45",
)
_P1_CYTOKINE_FIELDS = "sample_id patient_id timepoint cohort assay analyte fold_change".split()
_P1_CYTOKINES = (
    "S01,EX01,il6_peak,training,70-plex,MIP3a,2.5",
    "S01,EX01,il6_peak,training,70-plex,Eotaxin,1.2",
    "S02,EX02,il6_peak,training,70-plex,MIP3a,8.1",
    "S02,EX02,il6_peak,training,70-plex,Eotaxin,0.9",
    "S03,EX03,baseline,training,70-plex,MIP3a,1.1",
    "S03,EX03,baseline,training,70-plex,Eotaxin,1.4",
    "S04,EX05,il6_peak,validation,single-analyte,MIP3a,3.3",
    "S05,EX06,il6_peak,validation,single-analyte,MIP3a,6.7",
)


_P1_TISSUE_FIELDS = "specimen_id patient_id tissue cd3_infiltration".split()
_P1_TISSUE = (
    "T01,EX03,tumour,12.5",
    "T02,EX05,tumour,40.0",
)


def _rows(fields: list[str], lines: tuple[str, ...]) -> list[Row]:
    return [dict(zip(fields, line.split(","), strict=True)) for line in lines]


def _car1922_example() -> dict[str, list[Row]]:
    return {
        "patients": _rows(_P1_PATIENT_FIELDS, _P1_PATIENTS),
        "cytokines": _rows(_P1_CYTOKINE_FIELDS, _P1_CYTOKINES),
        "tissue": _rows(_P1_TISSUE_FIELDS, _P1_TISSUE),
    }


def example_csv(shipped: PathLike = SHIPPED_DATA_DIR) -> dict[tuple[str, str], str]:
    """{(paper, table): CSV text} of the example cohort, every contract column in contract order (a column
    the example does not fill in is left empty)."""
    by_paper = {"cd22": _cd22_example(Path(shipped)), "car1922": _car1922_example()}
    texts = {}
    for paper, table in contract_tables():
        rows = by_paper.get(paper, {}).get(table)
        if rows is not None:
            texts[(paper, table)] = _csv_text([c.name for c in columns(paper, table)], rows)
    return texts


# ----- writing -------------------------------------------------------------------------------------------


def _zip(path: Path, files: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name].encode("utf-8"))


def write_templates(out_dir: PathLike, shipped: PathLike = SHIPPED_DATA_DIR) -> dict[str, Path]:
    """Write the templates, the example cohort and their zips below ``out_dir``.

    Returns ``{name: path}`` with names such as ``templates/cd22/patients.csv``, ``example/cd22/patients.csv``,
    ``cohort_template.zip`` and ``example_cohort.zip`` (names relative to ``out_dir``, with ``/``).
    """
    out = Path(out_dir)
    templates = {f"{paper}/{table}.csv": template_csv(paper, table) for paper, table in contract_tables()}
    examples = {f"{paper}/{table}.csv": text for (paper, table), text in example_csv(shipped).items()}
    written: dict[str, Path] = {}
    for folder, files in ((TEMPLATE_DIR, templates), (EXAMPLE_DIR, examples)):
        for name, text in files.items():
            path = out / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
            written[f"{folder}/{name}"] = path
    for name, files in ((TEMPLATE_ZIP, templates), (EXAMPLE_ZIP, examples)):
        out.mkdir(parents=True, exist_ok=True)
        _zip(out / name, files)
        written[name] = out / name
    return written
