"""The tables of the data contract (see the data-contract design note and the book's contract page).

Adding a table is one `TableSpec` here plus one entry in `TABLES` (and in `REQUIRED_TABLES` if every
paper folder must hold it). Columns may be added; renaming or removing one is a breaking change.
"""

from __future__ import annotations

import re

import pandas as pd

from .problems import Problem
from .spec import ColumnSpec, Reference, Rule, TableSpec

PAPERS: tuple[str, ...] = ("cd22", "car1922")  # paper folder names inside a cohort folder

FOLLOWUP_WARNING_DAYS = 7305  # 20 years: a longer follow-up is possible but most likely a typo


# ----- column helpers -----------------------------------------------------------------------------------


def _id(name: str, description: str) -> ColumnSpec:
    return ColumnSpec(name, "str", unique=True, description=description)


def _text(name: str, description: str, nullable: bool = False) -> ColumnSpec:
    return ColumnSpec(name, "str", description=description, nullable=nullable)


def _cat(name: str, allowed: str, description: str, nullable: bool = False) -> ColumnSpec:
    return ColumnSpec(
        name, "category", allowed=tuple(allowed.split()), nullable=nullable, description=description
    )


def _bool(name: str, description: str) -> ColumnSpec:
    return ColumnSpec(name, "bool", description=description)


def _int(
    name: str,
    description: str,
    ge: float = 0,
    le: float | None = None,
    nullable: bool = False,
    unit: str | None = None,
) -> ColumnSpec:
    return ColumnSpec(name, "int", nullable=nullable, description=description, unit=unit, ge=ge, le=le)


def _day(name: str, description: str, nullable: bool = True) -> ColumnSpec:
    return _int(name, description, ge=0, nullable=nullable, unit="days")


def _float(
    name: str,
    description: str,
    gt: float | None = None,
    ge: float | None = None,
    le: float | None = None,
    nullable: bool = False,
    unit: str | None = None,
) -> ColumnSpec:
    return ColumnSpec(
        name, "float", nullable=nullable, description=description, unit=unit, gt=gt, ge=ge, le=le
    )


def _optional(column: ColumnSpec) -> ColumnSpec:
    """The same column, allowed to be absent from the file (it then loads as all-missing, so it is nullable)."""
    from dataclasses import replace

    return replace(column, required=False, nullable=True)


# ----- rule helpers (vectorised; comparisons with a missing value are NA and count as passing) -----------


def _not_after(column: str, limit: str, noun: str) -> Rule:
    return Rule(
        description=f"{column} ≤ {limit} when both are filled in",
        column=column,
        uses=(column, limit),
        fails=lambda d: d[column] > d[limit],
        issue=f"after {limit}, which is {{{limit}}}",
        expected=f"{noun} no later than {limit}",
    )


def _filled_iff(
    column: str, condition: str, when: str, expected_filled: str, when_not: str
) -> tuple[Rule, Rule]:
    """``column`` is filled in if and only if ``condition`` (a column name) holds ``when``."""
    return (
        Rule(
            description=f"{column} is filled in when {condition} is {when}",
            column=column,
            uses=(condition, column),
            fails=lambda d: (d[condition] == when) & d[column].isna(),
            issue=f"{condition} is {when}",
            expected=expected_filled,
        ),
        Rule(
            description=f"{column} is empty unless {condition} is {when}",
            column=column,
            uses=(condition, column),
            fails=lambda d: (d[condition] != when) & d[column].notna(),
            issue=f"{condition} is {{{condition}}}",
            expected=f"an empty cell {when_not}",
        ),
    )


def _graded_event(prefix: str, label: str) -> tuple[Rule, ...]:
    grade, onset, resolution = f"{prefix}_grade", f"{prefix}_onset_day", f"{prefix}_resolution_day"
    return (
        Rule(
            description=f"{onset} is filled in when {grade} > 0",
            column=onset,
            uses=(grade, onset),
            fails=lambda d: (d[grade] > 0) & d[onset].isna(),
            issue=f"{grade} is {{{grade}}}",
            expected=f"the day the {label} began, because {grade} is above 0",
        ),
        Rule(
            description=f"{onset} is empty when {grade} is 0",
            column=onset,
            uses=(grade, onset),
            fails=lambda d: (d[grade] == 0) & d[onset].notna(),
            issue=f"{grade} is 0",
            expected=f"an empty cell when {grade} is 0 (no {label})",
        ),
        Rule(
            description=f"{resolution} is empty when {grade} is 0",
            column=resolution,
            uses=(grade, resolution),
            fails=lambda d: (d[grade] == 0) & d[resolution].notna(),
            issue=f"{grade} is 0",
            expected=f"an empty cell when {grade} is 0 (no {label})",
        ),
        Rule(
            description=f"{resolution} ≥ {onset} when both are filled in",
            column=resolution,
            uses=(onset, resolution),
            fails=lambda d: d[resolution] < d[onset],
            issue=f"before {onset}, which is {{{onset}}}",
            expected=f"a resolution day on or after {onset}",
        ),
    )


_SIZE = r"^\d+(\.\d+)?x\d+(\.\d+)?x\d+(\.\d+)?$"


def _size_format(column: str) -> Rule:
    """A mass size written as three dimensions in cm, LxWxH."""
    return Rule(
        description=f"{column} is written as LxWxH in cm (e.g. 10.0x5.3x5.9)",
        column=column,
        uses=(column,),
        fails=lambda d: d[column].notna() & ~d[column].astype("string").str.fullmatch(_SIZE).fillna(False),
        issue="not three dimensions LxWxH",
        expected="three numbers in cm separated by x, e.g. 10.0x5.3x5.9",
    )


def _followup_warning(column: str) -> Rule:
    return Rule(
        description=f"{column} over 20 years ({FOLLOWUP_WARNING_DAYS} days) is flagged (warning)",
        column=column,
        uses=(column,),
        fails=lambda d: d[column] > FOLLOWUP_WARNING_DAYS,
        issue="more than 20 years of follow-up",
        expected=f"a follow-up of at most {FOLLOWUP_WARNING_DAYS} days (20 years); please check the value",
        severity="warning",
    )


# ----- P2: CD22 ---------------------------------------------------------------------------------------

CD22_PATIENTS = TableSpec(
    paper="cd22",
    name="patients",
    description="One row per infused patient (CD22 CAR-T paper, P2).",
    columns=(
        _id(
            "patient_id",
            "Opaque patient id: the paper's patient numbers where it names them (11, 13, 27, 33 …)",
        ),
        _cat(
            "enrollment",
            "proof_of_concept trial",
            "Treated under proof-of-concept (compassionate) use or in the trial",
        ),
        _int("age_years", "Age at CAR-T infusion, in whole years", unit="years"),
        _cat("sex", "female male", "Sex; empty when not reported", nullable=True),
        _bool("prior_allo_hct", "Allogeneic HCT before CAR-T"),
        _cat("car_t_source", "patient donor", "Origin of the T cells: the patient's own or a donor's"),
        _cat(
            "cd19_car_history",
            "cd19neg_or_dim_relapse cd19bright_no_response none",
            "Earlier CD19 CAR-T: CD19-negative/dim relapse, no response with CD19-bright disease, or none",
        ),
        _cat(
            "baseline_status",
            "hematological_relapse fcm_mrd_positive exclusive_emd",
            "Disease before infusion: hematological relapse, FCM MRD-positive, or exclusively extramedullary",
        ),
        _float(
            "marrow_blasts_pct",
            "Bone-marrow blasts before infusion, percent",
            ge=0,
            le=100,
            nullable=True,
            unit="percent",
        ),
        _bool("emd", "Any extramedullary disease at baseline"),
        _float(
            "dose_1e5_per_kg",
            "Infused CAR-T cells, 10^5 cells per kg body weight",
            gt=0,
            unit="10^5 CAR-T cells per kg",
        ),
        _float(
            "peak_car_pct_cd3",
            "Peak CAR-T cells in blood, percent of CD3+ T cells; empty where not measured",
            ge=0,
            nullable=True,
            unit="percent of CD3+ cells",
        ),
        _day("peak_day", "Day of the CAR-T expansion peak (days after infusion); empty where not measured"),
        _day("persistence_days", "How many days CAR-T cells stayed detectable; empty where not measured"),
        _cat(
            "day30_response",
            "cr_mrd_negative cr_mrd_positive partial_response no_response not_evaluated",
            "Response at day 30: CR MRD-negative, CR MRD-positive, partial, none, or not evaluated",
        ),
        _int("crs_grade", "Highest cytokine release syndrome (CRS) grade, 0 = no CRS", le=5),
        _day("crs_onset_day", "Day the CRS began; filled in if and only if crs_grade > 0"),
        _day("crs_resolution_day", "Day the CRS resolved; empty when unknown or no CRS"),
        _int("neurotox_grade", "Highest neurotoxicity grade, 0 = none", le=5),
        _day(
            "neurotox_onset_day", "Day the neurotoxicity began; filled in if and only if neurotox_grade > 0"
        ),
        _day("neurotox_resolution_day", "Day the neurotoxicity resolved; empty when unknown or none"),
        _day("hct_day", "Day of allogeneic HCT after CAR-T; empty when none"),
        _day("relapse_day", "Day of relapse; empty when no relapse was observed"),
        _day("death_day", "Day of death; empty when alive at last follow-up"),
        _cat(
            "death_cause",
            "crs infection vod transplant_related disease other",
            "Cause of death; filled in if and only if death_day is",
            nullable=True,
        ),
        _cat(
            "off_study",
            "withdrew_for_chemotherapy lost_to_follow_up",
            "Why the patient left the study early; empty when they did not",
            nullable=True,
        ),
        _day("last_followup_day", "Day of the last follow-up (last contact or death)", nullable=False),
        # optional columns (may be absent from a file): the facts and measurements the P2 chapter analyses
        _optional(_float("peak_fold_expansion", "Peak in-vivo CAR-T expansion, fold; empty without expansion",
                         gt=0, nullable=True, unit="fold")),
        _optional(_float("il2_fold_increase", "Peak serum IL-2 increase over baseline, fold", gt=0, nullable=True,
                         unit="fold")),
        _optional(_float("tnfa_fold_increase", "Peak serum TNF-alpha increase over baseline, fold", gt=0,
                         nullable=True, unit="fold")),
        _optional(_cat("cd22_positive_site", "bone_marrow emd not_reevaluated",
                       "Where CD22 expression was shown before enrollment: marrow or EMD by flow cytometry, or not "
                       "re-evaluated (CD22-positive marrow at diagnosis)", nullable=True)),
        _optional(_bool("prior_cd22_therapy", "Any CD22-directed therapy before CAR-T")),
        _optional(_cat("day15_response", "cr_mrd_negative cr_mrd_positive partial_response no_response",
                       "Early (day-15) assessment where one was made, e.g. before an early death", nullable=True)),
        _optional(_cat("infection", "bacterial_sepsis fungal_pneumonia other",
                       "Severe infection after lymphodepletion", nullable=True)),
        _optional(_day("vod_onset_day", "Day veno-occlusive disease was diagnosed")),
        _optional(_day("dli_days_before_infusion", "Donor lymphocyte infusion this many days before CAR-T")),
        _optional(_day("neurotox_treatment_days", "Days of treatment for neurotoxicity (grade >= 2)")),
        _optional(ColumnSpec("normal_b_cells_at_relapse", "bool", nullable=True,
                             description="Normal B cells detectable at relapse; empty when not assessed")),
        _optional(_text("emd_size_before_cm", "Largest extramedullary mass before infusion, cm, as "
                        "LxWxH (e.g. 10.0x5.3x5.9)")),
        _optional(_text("emd_size_day30_cm", "The same mass at the day-30 assessment, cm, as LxWxH")),
    ),
    rules=(
        *_graded_event("crs", "CRS"),
        *_graded_event("neurotox", "neurotoxicity"),
        Rule(
            description="death_cause is filled in when death_day is",
            column="death_cause",
            uses=("death_day", "death_cause"),
            fails=lambda d: d["death_day"].notna() & d["death_cause"].isna(),
            issue="death_day is {death_day}",
            expected="a cause of death, because death_day is filled in",
        ),
        Rule(
            description="death_cause is empty when death_day is empty",
            column="death_cause",
            uses=("death_day", "death_cause"),
            fails=lambda d: d["death_day"].isna() & d["death_cause"].notna(),
            issue="death_day is empty",
            expected="an empty cell when death_day is empty (or fill in death_day)",
        ),
        *(_size_format(c) for c in ("emd_size_before_cm", "emd_size_day30_cm")),
        _not_after("death_day", "last_followup_day", "a day of death"),
        _not_after("relapse_day", "last_followup_day", "a relapse day"),
        _not_after("hct_day", "last_followup_day", "an HCT day"),
        _not_after("relapse_day", "death_day", "a relapse day"),
        Rule(
            description="a transplant_related death has an hct_day before the death_day",
            column="death_cause",
            uses=("death_cause", "hct_day", "death_day"),
            fails=lambda d: (
                (d["death_cause"] == "transplant_related")
                & d["death_day"].notna()
                & ~(d["hct_day"] < d["death_day"]).fillna(False)
            ),
            issue="hct_day is {hct_day}, death_day is {death_day}",
            expected="an hct_day before death_day for a transplant_related death",
        ),
        _followup_warning("last_followup_day"),
    ),
)


# ----- P1: CAR19/22 -----------------------------------------------------------------------------------

CAR1922_PATIENTS = TableSpec(
    paper="car1922",
    name="patients",
    description="One row per treated patient (CAR19/22 paper, P1).",
    columns=(
        _id("patient_id", "Opaque patient id"),
        _cat("disease", "b_all b_nhl", "B-cell acute lymphoblastic leukaemia or B-cell non-Hodgkin lymphoma"),
        _int("age_years", "Age at infusion, in whole years", unit="years"),
        _cat("sex", "female male", "Sex"),
        _cat("prior_hsct", "none autologous allogeneic", "Stem-cell transplant before CAR-T"),
        _int("prior_lines", "Lines of therapy before CAR-T", ge=1),
        _cat(
            "disease_status",
            "refractory first_relapse second_or_later_relapse",
            "Disease status before CAR-T: refractory, first relapse, or second or later relapse",
        ),
        _bool("cns_involvement", "Central nervous system involvement"),
        _bool("tp53_mutation", "TP53 mutation"),
        _float("car19_dose", "Infused CAR19 T cells, 10^6 cells per kg", gt=0, unit="10^6 cells per kg"),
        _float("car22_dose", "Infused CAR22 T cells, 10^6 cells per kg", gt=0, unit="10^6 cells per kg"),
        _float("il6_max_pg_ml", "Peak serum IL-6 within 30 days of infusion, pg/mL", gt=0, unit="pg/mL"),
        _float(
            "ferritin_max_ug_l", "Peak serum ferritin within 30 days of infusion, µg/L", gt=0, unit="µg/L"
        ),
        _day("il6_peak_day", "Day of the IL-6 peak (days after infusion)", nullable=False),
        _int("crs_grade", "Highest cytokine release syndrome (CRS) grade, 0 = no CRS", le=5),
        _cat(
            "outcome",
            "no_response relapse remission excluded",
            "Outcome as in the paper's Table 1: no response, relapse, remission, or excluded",
        ),
        _cat(
            "excluded_reason",
            "bridge_to_hsct lost_to_follow_up non_recurrent_death",
            "Why the patient was excluded; filled in if and only if outcome is excluded",
            nullable=True,
        ),
        _day("relapse_day", "Day of relapse; filled in if and only if outcome is relapse"),
        _day(
            "pfs_day",
            "Progression-free survival time: day of progression (NR, relapse), death or censoring",
            nullable=False,
        ),
        _bool("pfs_event", "true = progression or death at pfs_day; false = censored"),
        _day("os_day", "Overall survival time: day of death or censoring", nullable=False),
        _bool("os_event", "true = death at os_day; false = censored"),
        _day("followup_day", "Day of the last contact", nullable=False),
    ),
    rules=(
        *_filled_iff(
            "excluded_reason",
            "outcome",
            "excluded",
            "the reason for exclusion (bridge_to_hsct, lost_to_follow_up or non_recurrent_death)",
            "unless outcome is excluded",
        ),
        *_filled_iff("relapse_day", "outcome", "relapse", "the day of relapse", "unless outcome is relapse"),
        _not_after("pfs_day", "followup_day", "a progression-free survival day"),
        _not_after("os_day", "followup_day", "an overall survival day"),
        _not_after("relapse_day", "followup_day", "a relapse day"),
        _followup_warning("followup_day"),
    ),
)

_GREEK = str.maketrans({"α": "a", "β": "b", "γ": "g", "κ": "k"})


def _analyte_spellings(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Warn when two analyte names differ only in case, punctuation or Greek letters (one spelling each)."""
    if "analyte" not in frame:
        return []
    names = pd.Series(frame["analyte"].dropna().unique(), dtype=object)
    keys = names.map(lambda s: re.sub(r"[^0-9a-z]", "", s.lower().translate(_GREEK)))
    problems = []
    for _, group in names.groupby(keys.to_numpy(), sort=True):
        if len(group) > 1:
            spellings = " and ".join(f"'{s}'" for s in sorted(group))
            problems.append(
                Problem(
                    "warning",
                    file,
                    None,
                    None,
                    "analyte",
                    None,
                    expected="one spelling per analyte",
                    issue=f"{spellings} look like spellings of the same analyte",
                )
            )
    return problems


CAR1922_CYTOKINES = TableSpec(
    paper="car1922",
    name="cytokines",
    description="Serum cytokines, long format: one row per sample × analyte (CAR19/22 paper, P1).",
    columns=(
        _text("sample_id", "Sample id (a sample_id and analyte pair appears once)"),
        _text("patient_id", "Patient id; must exist in car1922/patients.csv"),
        _cat("timepoint", "il6_peak baseline", "When the sample was drawn: at the IL-6 peak or at baseline"),
        _cat("cohort", "training validation", "Which analysis set the sample belongs to"),
        _text("assay", "Assay, e.g. the 70-plex panel or the single-analyte validation assay"),
        _text(
            "analyte", "Analyte as named in the paper, one spelling per analyte (e.g. MIP3a, Eotaxin, IL-6)"
        ),
        _float(
            "fold_change",
            "Level relative to the mean of healthy-donor samples on the same assay",
            gt=0,
            unit="fold change",
        ),
    ),
    unique_together=("sample_id", "analyte"),
    references=(Reference("patient_id", "patients", "patient_id"),),
    checks=(_analyte_spellings,),
)


# ----- registry -------------------------------------------------------------------------------------

CAR1922_TISSUE = TableSpec(
    paper="car1922",
    name="tissue",
    description="Tumour tissue specimens with CD3+ T-cell infiltration (CAR19/22 paper, P1, supplementary Fig. 4a-b).",
    columns=(
        _id("specimen_id", "Opaque tissue specimen id"),
        _text("patient_id", "Patient id; must exist in car1922/patients.csv"),
        _cat("tissue", "tumour", "Specimen type: tumour biopsy"),
        _float("cd3_infiltration", "CD3+ T-cell infiltration by immunohistochemistry, in the laboratory's own "
               "units (the paper gives none)", ge=0, unit="IHC units"),
    ),
    references=(Reference("patient_id", "patients", "patient_id"),),
)

TABLES: dict[tuple[str, str], TableSpec] = {
    ("cd22", "patients"): CD22_PATIENTS,
    ("car1922", "patients"): CAR1922_PATIENTS,
    ("car1922", "cytokines"): CAR1922_CYTOKINES,
    ("car1922", "tissue"): CAR1922_TISSUE,
}

# tables every present paper folder must hold; any other table of TABLES is optional (checked when present)
# car1922/cytokines.csv is optional: a P1 folder with the patient table alone runs the clinical chapter; the
# cytokine pages then say that the table is absent.
REQUIRED_TABLES: dict[str, tuple[str, ...]] = {
    "cd22": ("patients",),
    "car1922": ("patients",),
}


def paper_tables(paper: str) -> list[TableSpec]:
    """The table specifications of one paper, in registry order (referenced tables first)."""
    return [spec for (p, _), spec in TABLES.items() if p == paper]
