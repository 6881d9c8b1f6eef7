"""The data contract: valid cohorts load typed; every way of breaking them is reported precisely, at once."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cartrepro.contract import (
    PAPERS,
    REQUIRED_TABLES,
    TABLES,
    ColumnSpec,
    ContractError,
    Problem,
    ValidationReport,
    columns,
    load_cohort,
    load_paper,
    rules,
    validate,
)

CD22_COLUMNS = (
    "patient_id enrollment age_years sex prior_allo_hct car_t_source cd19_car_history baseline_status "
    "marrow_blasts_pct emd dose_1e5_per_kg peak_car_pct_cd3 peak_day persistence_days day30_response "
    "crs_grade "
    "crs_onset_day crs_resolution_day neurotox_grade neurotox_onset_day neurotox_resolution_day hct_day "
    "relapse_day death_day death_cause off_study last_followup_day"
).split()
# optional columns (may be absent from a file; they then load as all-missing)
CD22_OPTIONAL = (
    "peak_fold_expansion il2_fold_increase tnfa_fold_increase cd22_positive_site prior_cd22_therapy "
    "day15_response infection vod_onset_day dli_days_before_infusion neurotox_treatment_days "
    "normal_b_cells_at_relapse emd_size_before_cm emd_size_day30_cm"
).split()
CAR1922_COLUMNS = (
    "patient_id disease age_years sex prior_hsct prior_lines disease_status cns_involvement tp53_mutation "
    "car19_dose car22_dose il6_max_pg_ml ferritin_max_ug_l il6_peak_day crs_grade outcome excluded_reason "
    "relapse_day pfs_day pfs_event os_day os_event followup_day"
).split()
CYTOKINE_COLUMNS = "sample_id patient_id timepoint cohort assay analyte fold_change".split()

# lines 2.. of cd22/patients.csv (patient_id 11, 13, 27, 33, 40)
CD22_ROWS = [
    "11,proof_of_concept,8,female,true,patient,cd19neg_or_dim_relapse,hematological_relapse,45.5,false,1.0,12.3,"
    "14,90,cr_mrd_negative,2,3,8,0,,,60,,,,,720",
    "13,trial,12,male,false,donor,none,fcm_mrd_positive,0.5,false,3.0,5.1,10,60,cr_mrd_positive,1,5,7,1,6,9,,"
    "120,200,disease,,200",
    "27,trial,15,,false,patient,cd19bright_no_response,exclusive_emd,,true,1.0,,,,no_response,0,,,0,,,,,,,"
    "withdrew_for_chemotherapy,30",
    "33,trial,5,female,True,patient,none,hematological_relapse,80,false,1.0,20.0,21,120,cr_mrd_negative,3,2,15,"
    "2,7,12,45,,100,transplant_related,,100",
    "40,trial,17,male,FALSE,patient,none,hematological_relapse,30,false,3.0,8,14,30,partial_response,0,,,0,,,,"
    "90,,,lost_to_follow_up,150",
]
CAR1922_ROWS = [
    "P01,b_all,34,male,none,2,refractory,false,true,1.0,1.0,250.5,1500,4,1,remission,,,400,false,400,false,400",
    "P02,b_all,45,female,allogeneic,3,first_relapse,true,false,0.5,0.5,1200,5000,6,2,relapse,,150,150,true,300,"
    "true,300",
    "P03,b_nhl,60,male,autologous,4,second_or_later_relapse,false,false,2.0,2.0,80,900,3,0,no_response,,,30,true,"
    "200,false,200",
    "P04,b_all,22,female,none,1,refractory,false,false,1.0,1.0,300,1100,5,1,excluded,bridge_to_hsct,,60,false,"
    "365,false,365",
    "P05,b_nhl,55,male,none,2,first_relapse,false,true,1.5,1.5,50,700,2,0,remission,,,500,false,500,false,500",
]
CYTOKINE_ROWS = [
    "S01,P01,il6_peak,training,plex70,MIP3a,2.5",
    "S01,P01,il6_peak,training,plex70,Eotaxin,1.2",
    "S02,P02,il6_peak,training,plex70,MIP3a,8.1",
    "S02,P02,il6_peak,training,plex70,Eotaxin,0.9",
    "S03,P03,baseline,validation,elisa,MIP3a,1.1",
    "S04,P05,il6_peak,validation,elisa,MIP3a,3.3",
]

CD22_FILE = "cd22/patients.csv"
P1_FILE = "car1922/patients.csv"
CYTO_FILE = "car1922/cytokines.csv"


def _write(path: Path, header: list[str], rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([",".join(header), *rows]) + "\n", encoding="utf-8")
    return path


def make_cohort(root: Path, cd22: bool = True, car1922: bool = True) -> Path:
    """A small valid cohort folder (5 CD22 patients; 5 CAR19/22 patients with 6 cytokine rows)."""
    root.mkdir(parents=True, exist_ok=True)
    if cd22:
        _write(root / CD22_FILE, CD22_COLUMNS, CD22_ROWS)
    if car1922:
        _write(root / P1_FILE, CAR1922_COLUMNS, CAR1922_ROWS)
        _write(root / CYTO_FILE, CYTOKINE_COLUMNS, CYTOKINE_ROWS)
    return root


def set_cell(root: Path, file: str, line: int, column: str, value: str) -> None:
    """Overwrite one cell (line as a spreadsheet shows it: header = line 1)."""
    path = root / file
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    rows[line - 1][rows[0].index(column)] = value
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")


def only(report: ValidationReport, severity: str = "error") -> Problem:
    found = [p for p in report.problems if p.severity == severity]
    assert len(found) == 1, report.format()
    return found[0]


def assert_problem(
    p: Problem, file: str, line: int | None, patient_id: str | None, column: str | None
) -> None:
    assert (p.file, p.row, p.patient_id, p.column) == (file, line, patient_id, column), str(p)


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    return make_cohort(tmp_path / "cohort")


# ----- the contract itself ---------------------------------------------------------------------------


def test_registry_declares_papers_tables_and_required_tables():
    assert PAPERS == ("cd22", "car1922")
    assert set(TABLES) >= {("cd22", "patients"), ("car1922", "patients"), ("car1922", "cytokines")}
    assert REQUIRED_TABLES == {"cd22": ("patients",), "car1922": ("patients",)}


def test_columns_are_in_contract_order_with_descriptions():
    assert [c.name for c in columns("cd22", "patients")] == CD22_COLUMNS + CD22_OPTIONAL
    assert [c.name for c in columns("car1922", "patients")] == CAR1922_COLUMNS
    assert [c.name for c in columns("car1922", "cytokines")] == CYTOKINE_COLUMNS
    assert all(not c.required and c.nullable for c in columns("cd22", "patients") if c.name in CD22_OPTIONAL)
    for paper, table in TABLES:
        for c in columns(paper, table):
            if c.name in CD22_OPTIONAL:
                continue
            assert isinstance(c, ColumnSpec) and c.description and c.required
    sex = {c.name: c for c in columns("cd22", "patients")}["sex"]
    assert sex.allowed == ("female", "male") and sex.nullable and sex.type == "category"
    death_day = {c.name: c for c in columns("cd22", "patients")}["death_day"]
    assert death_day.expected == "a whole number of days >= 0" and death_day.type_label == "int ≥ 0, or empty"
    assert any("death_cause" in r for r in rules("cd22", "patients"))
    assert any("must exist in car1922/patients.csv" in r for r in rules("car1922", "cytokines"))
    with pytest.raises(KeyError):
        columns("cd22", "nope")


# ----- valid data ------------------------------------------------------------------------------------


def test_valid_cohort_validates_and_loads_typed(cohort: Path):
    report = validate(cohort)
    assert report.ok and report.problems == [], report.format()
    assert report.papers == ("cd22", "car1922")
    assert report.format().splitlines()[-1] == "0 errors, 0 warnings"

    data = load_cohort(cohort)
    assert set(data) == {"cd22", "car1922"} and set(data["car1922"]) == {"patients", "cytokines"}
    cd22 = data["cd22"]["patients"]
    assert list(cd22.columns) == CD22_COLUMNS + CD22_OPTIONAL
    assert cd22[CD22_OPTIONAL].isna().all().all()  # absent optional columns load as all-missing
    assert isinstance(cd22.index, pd.RangeIndex) and len(cd22) == 5
    assert cd22["age_years"].dtype == "Int64" and cd22["last_followup_day"].dtype == "Int64"
    assert cd22["marrow_blasts_pct"].dtype == "float64" and cd22["dose_1e5_per_kg"].dtype == "float64"
    assert cd22["prior_allo_hct"].dtype == "boolean"
    assert cd22["sex"].dtype == "string" and cd22["patient_id"].dtype == "string"
    assert cd22["prior_allo_hct"].tolist() == [True, False, False, True, False]  # True / FALSE accepted
    assert cd22["patient_id"].tolist() == ["11", "13", "27", "33", "40"]
    assert cd22["sex"].isna().tolist() == [False, False, True, False, False]
    assert pd.isna(cd22.loc[2, "marrow_blasts_pct"]) and cd22.loc[2, "peak_day"] is pd.NA
    assert cd22.loc[0, "crs_onset_day"] == 3 and cd22.loc[1, "death_cause"] == "disease"

    p1 = data["car1922"]["patients"]
    assert list(p1.columns) == CAR1922_COLUMNS
    assert p1["prior_lines"].dtype == "Int64" and p1["pfs_event"].dtype == "boolean"
    assert p1["relapse_day"].tolist()[1] == 150 and p1["relapse_day"].isna().sum() == 4
    cyto = data["car1922"]["cytokines"]
    assert cyto["fold_change"].dtype == "float64" and cyto["analyte"].dtype == "string"
    np.testing.assert_allclose(cyto["fold_change"].to_numpy(), [2.5, 1.2, 8.1, 0.9, 1.1, 3.3])


def test_whole_number_written_with_decimal_zero_is_accepted(cohort: Path):
    set_cell(cohort, CD22_FILE, 2, "last_followup_day", "720.0")
    set_cell(cohort, CD22_FILE, 2, "age_years", " 8 ")
    data = load_paper(cohort, "cd22")
    assert data is not None and data["patients"].loc[0, "last_followup_day"] == 720
    assert data["patients"].loc[0, "age_years"] == 8


def test_quoted_cells_crlf_and_trailing_blank_lines_are_fine(cohort: Path):
    path = cohort / CYTO_FILE
    text = path.read_text(encoding="utf-8").replace("plex70", '"70-plex, Luminex"')
    path.write_bytes((text.replace("\n", "\r\n") + "\r\n").encode("utf-8"))
    report = validate(cohort)
    assert report.ok and not report.problems, report.format()
    assert load_cohort(cohort)["car1922"]["cytokines"].loc[0, "assay"] == "70-plex, Luminex"


# ----- missing files and folders ---------------------------------------------------------------------


def test_missing_required_file(cohort: Path):
    (cohort / CYTO_FILE).unlink()  # the cytokine table is optional: without it, the patient file is needed
    (cohort / "car1922" / "patients.csv").unlink()
    p = only(validate(cohort))
    assert_problem(p, "car1922/patients.csv", None, None, None)
    assert "missing" in p.issue
    with pytest.raises(ContractError) as exc:
        load_paper(cohort, "car1922")
    assert "car1922/patients.csv" in str(exc.value)


def test_a_p1_folder_without_cytokines_is_valid(cohort: Path):
    (cohort / CYTO_FILE).unlink()
    report = validate(cohort)
    assert report.ok and not report.problems
    assert set(load_paper(cohort, "car1922")) == {"patients"}


def test_missing_file_suggests_a_similarly_named_file(cohort: Path):
    (cohort / CD22_FILE).rename(cohort / "cd22" / "patient.csv")
    report = validate(cohort)
    p = only(report)
    assert_problem(p, CD22_FILE, None, None, None)
    assert "did you mean 'patient.csv'?" in str(p)
    assert only(report, "warning").file == "cd22/patient.csv"


def test_no_paper_folder(tmp_path: Path):
    (tmp_path / "CD22").mkdir()
    report = validate(tmp_path)
    p = only(report)
    assert p.file == "" and "no paper folder: expected cd22/ and/or car1922/" in str(p)
    assert "'CD22/'" in p.issue and report.papers == ()
    with pytest.raises(ContractError) as exc:
        load_cohort(tmp_path)
    assert "no paper folder" in str(exc.value)


def test_data_dir_that_does_not_exist(tmp_path: Path):
    with pytest.raises(ContractError) as exc:
        validate(tmp_path / "nowhere")
    assert "does not exist" in str(exc.value) and exc.value.report.errors[0].file.endswith("nowhere")
    with pytest.raises(ContractError):
        load_paper(tmp_path / "nowhere", "cd22")


def test_folder_with_only_cd22(tmp_path: Path):
    root = make_cohort(tmp_path / "c", car1922=False)
    report = validate(root)
    assert report.ok and report.papers == ("cd22",) and not report.problems
    assert set(load_cohort(root)) == {"cd22"}
    assert load_paper(root, "car1922") is None  # "not run: no data"
    assert len(load_paper(root, "cd22")["patients"]) == 5
    with pytest.raises(ValueError):
        load_paper(root, "p3")


# ----- columns ---------------------------------------------------------------------------------------


def test_missing_column_suggests_the_closest_name(cohort: Path):
    path = cohort / CD22_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace("relapse_day", "relaps_day", 1), encoding="utf-8"
    )
    report = validate(cohort)
    p = only(report)
    assert_problem(p, CD22_FILE, None, None, "relapse_day")
    assert "did you mean 'relaps_day'?" in str(p)
    w = only(report, "warning")
    assert_problem(w, CD22_FILE, None, None, "relaps_day")


def test_extra_column_is_a_warning_and_is_dropped(cohort: Path):
    path = cohort / CYTO_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(f"{line},{'lab_note' if i == 0 else 'x'}" for i, line in enumerate(lines)) + "\n"
    )
    report = validate(cohort)
    assert report.ok
    w = only(report, "warning")
    assert_problem(w, CYTO_FILE, None, None, "lab_note")
    assert list(load_cohort(cohort)["car1922"]["cytokines"].columns) == CYTOKINE_COLUMNS


def test_duplicate_column_name(cohort: Path):
    path = cohort / CYTO_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("assay", "analyte", 1), encoding="utf-8")
    errors = validate(cohort).errors
    assert {(p.column, "appears 2 times" in p.issue) for p in errors} >= {("analyte", True), ("assay", False)}
    assert [p.column for p in errors] == ["analyte", "assay"]  # duplicated analyte, missing assay


def test_columns_in_another_order_load_in_file_order(cohort: Path):
    path = cohort / CYTO_FILE
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    path.write_text("\n".join(",".join(r[::-1]) for r in rows) + "\n", encoding="utf-8")
    assert validate(cohort).ok
    assert list(load_cohort(cohort)["car1922"]["cytokines"].columns) == CYTOKINE_COLUMNS[::-1]


# ----- cells -----------------------------------------------------------------------------------------


def test_wrong_type_in_cells(cohort: Path):
    set_cell(cohort, CD22_FILE, 3, "age_years", "twelve")
    set_cell(cohort, CD22_FILE, 4, "emd", "yes")
    set_cell(cohort, CD22_FILE, 5, "dose_1e5_per_kg", "n/a")
    set_cell(cohort, CD22_FILE, 6, "marrow_blasts_pct", "30%")
    report = validate(cohort)
    got = [(p.row, p.patient_id, p.column, p.value) for p in report.errors]
    assert got == [
        (3, "13", "age_years", "twelve"),
        (4, "27", "emd", "yes"),
        (5, "33", "dose_1e5_per_kg", "n/a"),
        (6, "40", "marrow_blasts_pct", "30%"),
    ], report.format()
    age, emd, dose, blasts = report.errors
    assert age.issue == "not a number" and age.expected == "a whole number of years >= 0"
    assert emd.expected == "true or false"
    assert "leave the cell empty" in dose.issue
    assert blasts.expected == "a number from 0 to 100 (percent)"


def test_unknown_category(cohort: Path):
    set_cell(cohort, P1_FILE, 4, "disease_status", "relapsed")
    set_cell(cohort, CD22_FILE, 2, "sex", "Female")
    report = validate(cohort)
    sex, status = report.errors
    assert_problem(sex, CD22_FILE, 2, "11", "sex")
    assert sex.value == "Female" and "lower case" in sex.issue and sex.expected == "one of: female, male"
    assert_problem(status, P1_FILE, 4, "P03", "disease_status")
    assert "second_or_later_relapse" in status.expected


def test_negative_day(cohort: Path):
    set_cell(cohort, CD22_FILE, 6, "relapse_day", "-3")
    p = only(validate(cohort))
    assert_problem(p, CD22_FILE, 6, "40", "relapse_day")
    assert p.value == "-3" and p.issue == "negative" and p.expected == "a whole number of days >= 0"


def test_non_integer_day(cohort: Path):
    set_cell(cohort, CD22_FILE, 6, "relapse_day", "4.5")
    p = only(validate(cohort))
    assert_problem(p, CD22_FILE, 6, "40", "relapse_day")
    assert p.issue == "not a whole number"
    assert str(p) == (
        "cd22/patients.csv, line 6 (patient_id 40), column relapse_day: '4.5' (not a whole number)"
        " — expected a whole number of days >= 0"
    )


def test_empty_required_cell(cohort: Path):
    set_cell(cohort, P1_FILE, 2, "followup_day", "")
    p = only(validate(cohort))
    assert_problem(p, P1_FILE, 2, "P01", "followup_day")
    assert p.value == "" and "may not be empty" in p.expected and "empty cell" in str(p)


def test_three_different_errors_in_one_file_are_all_listed(cohort: Path):
    set_cell(cohort, CD22_FILE, 3, "crs_grade", "7")
    set_cell(cohort, CD22_FILE, 4, "car_t_source", "allogeneic")
    set_cell(cohort, CD22_FILE, 6, "persistence_days", "thirty")
    report = validate(cohort)
    assert len(report.problems) == 3, report.format()
    assert [(p.row, p.column) for p in report.errors] == [
        (3, "crs_grade"),
        (4, "car_t_source"),
        (6, "persistence_days"),
    ]
    with pytest.raises(ContractError) as exc:
        load_cohort(cohort)
    assert str(exc.value) == exc.value.report.format()
    text = str(exc.value)
    assert text.splitlines()[-1] == "3 errors, 0 warnings"
    assert all(str(p) in text for p in report.errors)


def test_duplicate_patient_id(cohort: Path):
    set_cell(cohort, P1_FILE, 5, "patient_id", "P01")
    report = validate(cohort)
    first, second = report.errors
    assert_problem(first, P1_FILE, 2, "P01", "patient_id")
    assert_problem(second, P1_FILE, 5, "P01", "patient_id")
    assert "line 5" in first.issue and "line 2" in second.issue


def test_empty_patient_id(cohort: Path):
    set_cell(cohort, CD22_FILE, 4, "patient_id", "")
    p = only(validate(cohort))
    assert_problem(p, CD22_FILE, 4, None, "patient_id")


# ----- cross-field rules -----------------------------------------------------------------------------


def test_relapse_after_last_followup(cohort: Path):
    set_cell(cohort, CD22_FILE, 6, "relapse_day", "151")
    p = only(validate(cohort))
    assert_problem(p, CD22_FILE, 6, "40", "relapse_day")
    assert "150" in p.issue and "last_followup_day" in p.expected


def test_death_without_cause_and_cause_without_death(cohort: Path):
    set_cell(cohort, CD22_FILE, 3, "death_cause", "")
    set_cell(cohort, CD22_FILE, 6, "death_cause", "infection")
    report = validate(cohort)
    missing, orphan = report.errors
    assert_problem(missing, CD22_FILE, 3, "13", "death_cause")
    assert missing.value == "" and "cause of death" in missing.expected and "200" in missing.issue
    assert_problem(orphan, CD22_FILE, 6, "40", "death_cause")
    assert orphan.value == "infection"


def test_death_and_hct_after_last_followup(cohort: Path):
    set_cell(cohort, CD22_FILE, 3, "death_day", "201")  # also after relapse: fine
    set_cell(cohort, CD22_FILE, 2, "hct_day", "721")
    hct, death = validate(cohort).errors
    assert_problem(hct, CD22_FILE, 2, "11", "hct_day")
    assert_problem(death, CD22_FILE, 3, "13", "death_day")


def test_relapse_after_death(cohort: Path):
    set_cell(cohort, CD22_FILE, 3, "relapse_day", "199")
    assert validate(cohort).ok
    set_cell(cohort, CD22_FILE, 3, "relapse_day", "200")
    assert validate(cohort).ok
    set_cell(cohort, CD22_FILE, 3, "death_day", "150")
    set_cell(cohort, CD22_FILE, 3, "relapse_day", "180")
    p = only(validate(cohort))
    assert_problem(p, CD22_FILE, 3, "13", "relapse_day")
    assert "death_day" in p.issue


def test_transplant_related_death_needs_earlier_hct(cohort: Path):
    set_cell(cohort, CD22_FILE, 5, "hct_day", "")
    p = only(validate(cohort))
    assert_problem(p, CD22_FILE, 5, "33", "death_cause")
    set_cell(cohort, CD22_FILE, 5, "hct_day", "100")  # same day as death: not before
    assert_problem(only(validate(cohort)), CD22_FILE, 5, "33", "death_cause")


def test_crs_and_neurotox_onset_and_resolution(cohort: Path):
    set_cell(cohort, CD22_FILE, 2, "crs_onset_day", "")  # grade 2 without onset
    set_cell(cohort, CD22_FILE, 4, "neurotox_onset_day", "3")  # grade 0 with onset
    set_cell(cohort, CD22_FILE, 5, "neurotox_resolution_day", "6")  # resolved before onset (7)
    report = validate(cohort)
    got = [(p.row, p.patient_id, p.column) for p in report.errors]
    assert got == [
        (2, "11", "crs_onset_day"),
        (4, "27", "neurotox_onset_day"),
        (5, "33", "neurotox_resolution_day"),
    ], report.format()
    assert "crs_grade is 2" in report.errors[0].issue


def test_rules_are_skipped_for_cells_already_invalid(cohort: Path):
    set_cell(cohort, CD22_FILE, 6, "last_followup_day", "soon")  # relapse_day 90 can't be compared
    p = only(validate(cohort))
    assert_problem(p, CD22_FILE, 6, "40", "last_followup_day")


def test_car1922_outcome_rules(cohort: Path):
    set_cell(cohort, P1_FILE, 5, "excluded_reason", "")  # excluded without a reason
    set_cell(cohort, P1_FILE, 3, "relapse_day", "")  # relapse without a day
    set_cell(cohort, P1_FILE, 2, "excluded_reason", "lost_to_follow_up")  # reason without exclusion
    set_cell(cohort, P1_FILE, 6, "pfs_day", "501")  # after follow-up
    report = validate(cohort)
    got = [(p.row, p.patient_id, p.column) for p in report.errors]
    assert got == [
        (2, "P01", "excluded_reason"),
        (3, "P02", "relapse_day"),
        (5, "P04", "excluded_reason"),
        (6, "P05", "pfs_day"),
    ], report.format()


def test_followup_over_twenty_years_is_a_warning(cohort: Path):
    set_cell(cohort, CD22_FILE, 2, "last_followup_day", "7306")
    report = validate(cohort)
    assert report.ok
    assert_problem(only(report, "warning"), CD22_FILE, 2, "11", "last_followup_day")


# ----- cytokines --------------------------------------------------------------------------------------


def test_cytokine_row_for_unknown_patient(cohort: Path):
    set_cell(cohort, CYTO_FILE, 6, "patient_id", "P99")
    p = only(validate(cohort))
    assert_problem(p, CYTO_FILE, 6, "P99", "patient_id")
    assert "car1922/patients.csv" in p.issue


def test_cytokine_sample_and_analyte_pair_is_unique(cohort: Path):
    set_cell(cohort, CYTO_FILE, 3, "analyte", "MIP3a")
    report = validate(cohort)
    first, second = report.errors
    assert_problem(first, CYTO_FILE, 2, "P01", "sample_id")
    assert_problem(second, CYTO_FILE, 3, "P01", "sample_id")
    assert "line 3" in first.issue


def test_analyte_spelling_variants_are_a_warning(cohort: Path):
    set_cell(cohort, CYTO_FILE, 7, "analyte", "MIP-3α")
    report = validate(cohort)
    assert report.ok
    w = only(report, "warning")
    assert w.column == "analyte" and "'MIP-3α'" in w.issue and "'MIP3a'" in w.issue


# ----- file format ------------------------------------------------------------------------------------


def test_empty_file(cohort: Path):
    (cohort / CD22_FILE).write_bytes(b"")
    p = only(validate(cohort))
    assert_problem(p, CD22_FILE, None, None, None)
    assert "empty" in p.issue


def test_header_only(cohort: Path):
    (cohort / CD22_FILE).write_text(",".join(CD22_COLUMNS) + "\n", encoding="utf-8")
    p = only(validate(cohort))
    assert_problem(p, CD22_FILE, None, None, None)
    assert "no data rows" in p.issue


def test_bom_is_a_warning_and_loads(cohort: Path):
    path = cohort / CD22_FILE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = validate(cohort)
    assert report.ok
    assert_problem(only(report, "warning"), CD22_FILE, None, None, None)
    assert "byte-order mark" in report.warnings[0].issue
    data = load_cohort(cohort)
    assert list(data["cd22"]["patients"].columns)[0] == "patient_id"


def test_semicolon_separated(cohort: Path):
    path = cohort / P1_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    p = only(validate(cohort))
    assert_problem(p, P1_FILE, 1, None, None)
    assert "looks semicolon-separated; the contract requires commas" in str(p)


def test_tab_separated(cohort: Path):
    path = cohort / P1_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-8")
    assert "looks tab-separated" in str(only(validate(cohort)))


def test_not_utf8(cohort: Path):
    path = cohort / CYTO_FILE
    data = path.read_bytes()
    offset = data.index(b"Eotaxin")
    path.write_bytes(data[:offset] + "Éotaxin".encode("latin-1") + data[offset + 7 :])
    p = only(validate(cohort))
    assert p.file == CYTO_FILE and p.row == 3
    assert f"byte offset {offset}" in p.issue and "0xC9" in p.issue and "UTF-8" in str(p)


def test_ragged_row(cohort: Path):
    path = cohort / CYTO_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "S02,P02,il6_peak,training,plex70,MIP3a,8.1", "S02,P02,il6_peak,training,plex70,MIP3a,8,1"
        )
    )
    p = only(validate(cohort))
    assert p.file == CYTO_FILE and p.row == 4 and "8 values" in p.issue


def test_problems_in_several_files_are_reported_together(cohort: Path):
    (cohort / CYTO_FILE).write_bytes(b"")
    set_cell(cohort, CD22_FILE, 2, "age_years", "-1")
    set_cell(cohort, P1_FILE, 3, "os_event", "dead")
    report = validate(cohort)
    assert [p.file for p in report.errors] == [CD22_FILE, P1_FILE, CYTO_FILE]
    text = report.format()
    assert "Errors (3):" in text and text.endswith("3 errors, 0 warnings")


def test_problem_str_without_line_or_value():
    p = Problem(
        "error",
        CD22_FILE,
        None,
        None,
        "relapse_day",
        None,
        "a column named 'relapse_day'",
        "the column is missing",
    )
    assert (
        str(p) == "cd22/patients.csv, column relapse_day: the column is missing — expected a column named "
        "'relapse_day'"
    )
    assert p.line is None


# ----- size -------------------------------------------------------------------------------------------


def test_ten_thousand_rows_report_the_one_bad_row(tmp_path: Path):
    """Correctness at size (speed is measured by `make bench`, not asserted here)."""
    root = tmp_path / "big"
    rows = []
    for k in range(10_000):
        row = CD22_ROWS[k % 5].split(",")
        row[0] = f"id{k}"
        rows.append(",".join(row))
    rows[5_000] = rows[5_000].replace("proof_of_concept", "poc")
    _write(root / CD22_FILE, CD22_COLUMNS, rows)
    report = validate(root)
    assert_problem(only(report), CD22_FILE, 5_002, "id5000", "enrollment")


# ----- extending the contract -------------------------------------------------------------------------


def test_adding_a_table_is_one_spec_and_one_registry_entry(cohort: Path, monkeypatch: pytest.MonkeyPatch):
    from cartrepro.contract import Reference, TableSpec

    tissue = TableSpec(
        paper="car1922",
        name="tissue",
        description="test table",
        columns=(
            ColumnSpec("patient_id", "str", description="patient"),
            ColumnSpec("site", "category", allowed=("marrow", "cns"), description="biopsy site"),
            ColumnSpec(
                "cd22_pct", "float", required=False, nullable=True, ge=0, le=100, description="CD22+ %"
            ),
        ),
        references=(Reference("patient_id", "patients", "patient_id"),),
    )
    monkeypatch.setitem(TABLES, ("car1922", "tissue"), tissue)
    assert validate(cohort).ok  # optional table absent: fine
    _write(cohort / "car1922" / "tissue.csv", ["site", "patient_id"], ["marrow,P01", "liver,P07"])
    report = validate(cohort)
    got = [(p.file, p.row, p.patient_id, p.column) for p in report.errors]
    assert got == [("car1922/tissue.csv", 3, "P07", "site"), ("car1922/tissue.csv", 3, "P07", "patient_id")]
    _write(cohort / "car1922" / "tissue.csv", ["site", "patient_id"], ["marrow,P01", "cns,P02"])
    frame = load_cohort(cohort)["car1922"]["tissue"]
    assert list(frame.columns) == ["site", "patient_id", "cd22_pct"]  # absent optional column: all missing
    assert frame["cd22_pct"].dtype == "float64" and frame["cd22_pct"].isna().all()


def test_misnamed_second_paper_folder_is_a_warning(cohort: Path):
    (cohort / "car1922").rename(cohort / "CAR1922")
    report = validate(cohort)
    assert report.ok and report.papers == ("cd22",)
    w = only(report, "warning")
    assert w.file == "CAR1922/" and "did you mean car1922/?" in w.issue


def test_emd_size_must_be_three_dimensions(tmp_path: Path):
    import shutil

    import pandas as pd

    from cartrepro.paths import SHIPPED_DATA_DIR

    shutil.copytree(SHIPPED_DATA_DIR / "cd22", tmp_path / "cd22")
    csv = tmp_path / "cd22" / "patients.csv"
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    row = frame.index[frame["emd_size_before_cm"] != ""][0]
    frame.loc[row, "emd_size_before_cm"] = "10 by 5"
    frame.to_csv(csv, index=False)
    p = only(validate(tmp_path))
    assert (p.file, p.line, p.column, p.value) == ("cd22/patients.csv", row + 2, "emd_size_before_cm", "10 by 5")
