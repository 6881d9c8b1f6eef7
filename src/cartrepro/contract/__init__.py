"""The data contract: the only way cohort data (shipped or a user's own) enters cartrepro.

A cohort folder holds one folder per paper (``cd22/``, ``car1922/``) with the contract's CSV tables.
`validate` reports every problem at once; `load_paper` / `load_cohort` return typed DataFrames or raise
`ContractError` listing every problem (file, line, patient_id, column, value, what was expected).
`columns` / `rules` describe the contract for the book. Adding a table: one `TableSpec` in
``contract/tables.py`` and one entry in `TABLES` (plus `REQUIRED_TABLES` if it is mandatory).
"""

from .core import columns, load_cohort, load_paper, rules, table_spec, validate, validate_and_load
from .problems import ContractError, Problem, ValidationReport
from .spec import DTYPES, ColumnSpec, Reference, Rule, TableSpec
from .tables import FOLLOWUP_WARNING_DAYS, PAPERS, REQUIRED_TABLES, TABLES

__all__ = [
    "DTYPES",
    "FOLLOWUP_WARNING_DAYS",
    "PAPERS",
    "REQUIRED_TABLES",
    "TABLES",
    "ColumnSpec",
    "ContractError",
    "Problem",
    "Reference",
    "Rule",
    "TableSpec",
    "ValidationReport",
    "columns",
    "load_cohort",
    "load_paper",
    "rules",
    "table_spec",
    "validate",
    "validate_and_load",
]
