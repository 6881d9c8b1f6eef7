"""Words for the code names a reader would otherwise see: one mapping for every page of the book.

The data contract, the analysis frames and the ledger use short snake_case codes (``proof_of_concept``,
``cd19bright_no_response``, ``death_cause``, ``p2_fig2a_cr_evaluated``). A page shows words instead:

- :func:`label` turns a category value or a column name into words (from :data:`LABELS`, else the code
  with its underscores made spaces, so no code name with underscores reaches a page);
- :func:`with_unit` adds a column's unit to its label (``"IL-6 peak (pg/mL)"``), units from the data
  contract (:data:`UNITS` adds the analysis frames' own columns);
- :func:`ledger_label` gives a ledger id's quantity as the ledger words it (``p2_fig2a_cr_evaluated`` ->
  "CR rate among evaluated patients"), for tables that list published numbers;
- :func:`relabel` applies the mapping to a whole frame (column names, and the values of category columns).
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

#: code -> words. Category values of the data contract, column names of the contract and of the analysis
#: frames. Abbreviations that a clinician reads as words (CR, MRD, CRS, HCT, EMD, VOD) are kept: the
#: glossary page explains them.
LABELS: dict[str, str] = {
    # diseases, sexes, yes/no
    "b_all": "B-ALL", "b_nhl": "B-NHL", "male": "male", "female": "female", "none": "none",
    "true": "yes", "false": "no", "True": "yes", "False": "no",
    # enrolment and prior treatment
    "proof_of_concept": "proof-of-concept cohort", "trial": "trial cohort", "allogeneic": "allogeneic",
    "autologous": "autologous", "patient": "patient", "donor": "donor",
    "refractory": "refractory", "first_relapse": "first relapse", "second_or_later_relapse": "second or later relapse",
    "hematological_relapse": "haematological relapse", "exclusive_emd": "extramedullary disease only",
    "bone_marrow": "bone marrow", "emd": "extramedullary disease (EMD)", "tumour": "tumour tissue",
    # responses
    "cr_mrd_negative": "CR, MRD-negative", "cr_mrd_positive": "CR, MRD-positive",
    "partial_response": "partial response", "no_response": "no response", "not_evaluated": "not evaluated",
    "not_reevaluated": "not re-evaluated", "remission": "remission", "relapse": "relapse",
    "nr_er": "NR/ER", "excluded": "excluded", "fcm_mrd_positive": "MRD-positive by flow cytometry",
    "cd19bright_no_response": "no response, CD19-bright", "cd19neg_or_dim_relapse": "relapse, CD19-negative or dim",
    # outcomes and causes
    "bridge_to_hsct": "bridged to HSCT", "non_recurrent_death": "death without relapse",
    "lost_to_follow_up": "lost to follow-up", "withdrew_for_chemotherapy": "withdrew for chemotherapy",
    "transplant_related": "transplant-related", "infection": "infection", "bacterial_sepsis": "bacterial sepsis",
    "fungal_pneumonia": "fungal pneumonia", "vod": "veno-occlusive disease (VOD)", "crs": "CRS",
    "disease": "disease", "other": "other",
    # cytokine samples
    "baseline": "baseline", "il6_peak": "at the IL-6 peak", "training": "training cohort",
    "validation": "validation cohort",
    # columns of the data contract
    "patient_id": "patient", "age_years": "age", "sex": "sex", "disease_status": "disease status",
    "prior_lines": "prior lines of therapy", "prior_hsct": "prior HSCT", "prior_allo_hct": "prior allo-HCT",
    "prior_cd22_therapy": "prior CD22-directed therapy", "cd19_car_history": "prior CD19 CAR-T",
    "cns_involvement": "CNS involvement", "tp53_mutation": "TP53 mutation", "car19_dose": "CAR19 dose",
    "car22_dose": "CAR22 dose", "dose_1e5_per_kg": "dose", "car_t_source": "CAR-T cell source",
    "enrollment": "enrolment", "baseline_status": "status at enrolment", "marrow_blasts_pct": "marrow blasts",
    "cd22_positive_site": "CD22-positive site", "emd_size_before_cm": "EMD size before",
    "emd_size_day30_cm": "EMD size on day 30", "day15_response": "response on day 15",
    "day30_response": "response on day 30", "crs_grade": "CRS grade", "crs_onset_day": "CRS onset",
    "crs_resolution_day": "CRS resolved", "neurotox_grade": "neurotoxicity grade",
    "neurotox_onset_day": "neurotoxicity onset", "neurotox_resolution_day": "neurotoxicity resolved",
    "neurotox_treatment_days": "neurotoxicity treatment", "il6_max_pg_ml": "IL-6 peak",
    "il6_peak_day": "day of the IL-6 peak", "ferritin_max_ug_l": "ferritin peak",
    "il2_fold_increase": "IL-2 increase", "tnfa_fold_increase": "TNF-α increase",
    "peak_car_pct_cd3": "CAR-T peak", "peak_day": "day of the CAR-T peak",
    "peak_fold_expansion": "peak expansion", "persistence_days": "CAR-T persistence",
    "hct_day": "HCT", "dli_days_before_infusion": "DLI before infusion", "relapse_day": "relapse",
    "normal_b_cells_at_relapse": "normal B cells at relapse", "death_day": "death", "death_cause": "cause of death",
    "vod_onset_day": "VOD onset", "off_study": "left the study", "last_followup_day": "last follow-up",
    "followup_day": "follow-up", "pfs_day": "progression-free survival", "pfs_event": "progression or death",
    "os_day": "overall survival", "os_event": "death", "outcome": "outcome", "excluded_reason": "reason excluded",
    "sample_id": "sample", "specimen_id": "specimen", "timepoint": "time point", "cohort": "cohort",
    "assay": "assay", "analyte": "analyte", "fold_change": "fold change", "tissue": "tissue",
    "cd3_infiltration": "CD3+ infiltration",
    # columns of analysis frames and comparison tables
    "n": "patients", "k": "with the event", "ci_low": "95% CI, lower", "ci_high": "95% CI, upper",
    "estimate": "estimate", "p_value": "P", "std_err": "standard error", "time_days": "time",
    "n_risk": "at risk", "n_event": "events", "n_censor": "censored", "survival": "survival",
    "group_n": "patients in the group", "count": "patients",
}

#: units of columns that the data contract does not describe (analysis frames)
UNITS: dict[str, str] = {"time_days": "days", "time_months": "months"}

_ABBREVIATIONS = re.compile(r"\b(cr|mrd|crs|hct|hsct|emd|vod|trm|lfs|os|pfs|nr|er|cns|il6|dli|auc|ci|hr)\b")


def label(code: object) -> str:
    """Words for a code name (category value or column name); other values are returned as text.

    Examples
    --------
    >>> label("proof_of_concept"), label("death_cause"), label("cd19bright_no_response")
    ('proof-of-concept cohort', 'cause of death', 'no response, CD19-bright')
    >>> label("some_new_code"), label(3)
    ('some new code', '3')
    """
    if code is None or (isinstance(code, float) and code != code):
        return ""
    text = str(code)
    if text in LABELS:
        return LABELS[text]
    if re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", text):
        return _ABBREVIATIONS.sub(lambda m: m.group(1).upper(), text.replace("_", " "))
    return text


@cache
def _contract_units() -> dict[str, str]:
    from cartrepro.contract import TABLES, columns

    units = {}
    for paper, table in TABLES:
        for column in columns(paper, table):
            if column.unit:
                units.setdefault(column.name, column.unit)
    return units


def unit(column: str) -> str:
    """The unit of a column ('' when it has none): from the data contract, else :data:`UNITS`.

    Examples
    --------
    >>> unit("il6_max_pg_ml"), unit("time_days"), unit("sex")
    ('pg/mL', 'days', '')
    """
    found = _contract_units().get(column) or UNITS.get(column, "")
    return found


def with_unit(column: str) -> str:
    """A column's label with its unit in brackets.

    Examples
    --------
    >>> with_unit("il6_max_pg_ml"), with_unit("crs_onset_day"), with_unit("sex")
    ('IL-6 peak (pg/mL)', 'CRS onset (days)', 'sex')
    """
    text, found = label(column), unit(column)
    if found == "percent":
        found = "%"
    return f"{text} ({found})" if found else text


@cache
def _ledger_quantities() -> dict[str, str]:
    from cartrepro.ledger.entries import load_ledger

    return {ledger_id: e.quantity for ledger_id, e in load_ledger().items()}


def ledger_label(ledger_id: str) -> str:
    """The ledger's words for a published number's id (its ``quantity``), else :func:`label` of the id."""
    try:
        quantities = _ledger_quantities()
    except Exception:  # a page without the ledger still gets words
        quantities = {}
    return quantities.get(ledger_id) or label(ledger_id)


def relabel(frame: pd.DataFrame, *, values: bool = True, units: bool = True) -> pd.DataFrame:
    """A copy of ``frame`` with words for its column names (with units) and, when ``values``, for the codes
    in its text columns. Numbers are left as they are."""
    out = frame.copy()
    if values:
        for column in out.columns:
            if out[column].dtype == object or isinstance(out[column].dtype, pd.CategoricalDtype):
                out[column] = out[column].map(lambda v: label(v) if isinstance(v, str) else v)
    out.columns = [with_unit(c) if units else label(c) for c in out.columns]
    return out
