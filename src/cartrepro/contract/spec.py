"""Building blocks of the contract: column, rule and table specifications (turned into pandera schemas)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .problems import Problem, Severity

ColumnType = Literal["str", "category", "int", "float", "bool"]

# pandas dtype of each contract type once loaded; missing values are pd.NA (NaN for floats)
DTYPES: dict[str, str] = {
    "str": "string",
    "category": "string",
    "int": "Int64",
    "float": "float64",
    "bool": "boolean",
}


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a contract table.

    ``required``: the column must be present in the file. ``nullable``: a cell may be empty.
    ``allowed``: the categories of a category column. ``ge``/``gt``/``le``: numeric bounds.
    ``unit`` is used in messages ("a whole number of days >= 0").
    """

    name: str
    type: ColumnType
    allowed: tuple[str, ...] | None = None
    required: bool = True
    nullable: bool = False
    description: str = ""
    unit: str | None = None
    unique: bool = False
    ge: float | None = None
    gt: float | None = None
    le: float | None = None

    @property
    def dtype(self) -> str:
        """The pandas dtype of the loaded column."""
        return DTYPES[self.type]

    def _bounds(self, ge: str = ">=", gt: str = ">", le: str = "<=") -> str:
        low = (
            f"{ge} {_num(self.ge)}"
            if self.ge is not None
            else f"{gt} {_num(self.gt)}"
            if self.gt is not None
            else ""
        )
        if self.le is not None and self.ge is not None:
            return f"from {_num(self.ge)} to {_num(self.le)}"
        if self.le is not None:
            return f"{low} and {le} {_num(self.le)}" if low else f"{le} {_num(self.le)}"
        return low

    @property
    def expected(self) -> str:
        """What a cell must hold, in plain words (used in every message about this column)."""
        if self.type == "bool":
            return "true or false"
        if self.type == "category":
            return "one of: " + ", ".join(self.allowed or ())
        if self.type == "str":
            return "a non-empty id that is unique in the file" if self.unique else "text"
        bounds = self._bounds()
        if self.type == "int":
            text = "a whole number" + (f" of {self.unit}" if self.unit else "")
            return f"{text} {bounds}" if bounds else text
        text = f"a number {bounds}" if bounds else "a number"
        return f"{text} ({self.unit})" if self.unit else text

    @property
    def type_label(self) -> str:
        """Short type for documentation tables, e.g. ``int ≥ 0, or empty``."""
        if self.type == "category":
            label = " / ".join(self.allowed or ())
        else:
            bounds = self._bounds("≥", ">", "≤")
            if bounds.startswith("from "):
                bounds = bounds.replace("from ", "").replace(" to ", "–")
            label = f"{self.type} {bounds}" if bounds else self.type
        if self.unique:
            label += ", unique"
        return f"{label}, or empty" if self.nullable else label

    def pandera_column(self) -> pa.Column:
        checks: list[pa.Check] = []
        if self.ge is not None:
            checks.append(pa.Check.ge(self.ge))
        if self.gt is not None:
            checks.append(pa.Check.gt(self.gt))
        if self.le is not None:
            checks.append(pa.Check.le(self.le))
        if self.allowed is not None:
            checks.append(pa.Check.isin(list(self.allowed)))
        return pa.Column(
            self.dtype,
            checks,
            nullable=self.nullable,
            unique=self.unique,
            required=self.required,
            description=self.description,
        )

    def passes(self, values: pd.Series) -> bool:
        """True when the column passes every check of :meth:`pandera_column` (dtype, nullable, unique, bounds,
        categories), computed directly on the arrays: the fast verdict that lets a valid table skip pandera.

        It gives pandera's verdict (``tests/unit/test_contract_fast_path.py`` holds the two equal on the bad-input
        corpus and on drawn cohorts); where a column fails, pandera still runs and names the failing cells.
        """
        if str(values.dtype) != self.dtype:
            return False
        missing = values.isna().to_numpy(dtype=bool)
        if missing.any() and not self.nullable:
            return False
        if self.unique and values.duplicated().any():
            return False
        if self.type in ("str", "category", "bool"):
            if self.allowed is None:
                return True
            filled = values.to_numpy(dtype=object)[~missing]
            return set(filled.tolist()) <= set(self.allowed)
        filled = values.to_numpy(dtype=float, na_value=np.nan)[~missing]
        return bool(
            (self.ge is None or (filled >= self.ge).all())
            and (self.gt is None or (filled > self.gt).all())
            and (self.le is None or (filled <= self.le).all())
        )


@dataclass(frozen=True)
class Rule:
    """A cross-field rule, evaluated on the typed table at once (vectorised).

    ``fails(frame)`` returns a boolean Series, True where the row breaks the rule (NA counts as passing).
    The rule is skipped for a row when any cell of ``uses`` is itself invalid, and for the whole table when a
    column of ``uses`` is missing (both are reported already). ``issue`` and ``expected`` are templates
    formatted with the row's cell texts, e.g. ``"{last_followup_day}"`` (an empty cell reads "empty").
    """

    description: str
    column: str
    uses: tuple[str, ...]
    fails: Callable[[pd.DataFrame], pd.Series]
    issue: str
    expected: str
    severity: Severity = "error"


@dataclass(frozen=True)
class Reference:
    """``column`` of this table must hold a value of ``target_column`` of another table of the same paper."""

    column: str
    table: str
    target_column: str


# A whole-table check that is not a per-row rule (e.g. spelling variants); returns its own Problems.
TableCheck = Callable[[pd.DataFrame, str], list[Problem]]


@dataclass(frozen=True)
class TableSpec:
    """One CSV file of a paper folder: its columns, cross-field rules and references to other tables."""

    paper: str
    name: str
    description: str
    columns: tuple[ColumnSpec, ...]
    rules: tuple[Rule, ...] = ()
    unique_together: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    checks: tuple[TableCheck, ...] = ()
    label_column: str | None = "patient_id"

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.file}: duplicate column in the specification")
        for rule in self.rules:
            unknown = {rule.column, *rule.uses} - set(names)
            if unknown:
                raise ValueError(
                    f"{self.file}: rule {rule.description!r} uses unknown columns {sorted(unknown)}"
                )

    @property
    def file(self) -> str:
        """Path of the file relative to the cohort folder, e.g. ``cd22/patients.csv``."""
        return f"{self.paper}/{self.name}.csv"

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.file} has no column {name!r}")

    def schema(self, present: Iterable[str] | None = None) -> pa.DataFrameSchema:
        """The pandera schema of the typed table (restricted to the ``present`` columns if given); built once
        per set of columns (a schema is not changed by validating with it)."""
        return _schema(self, frozenset(self.names if present is None else present))

    def passes(self, frame: pd.DataFrame, present: Iterable[str]) -> bool:
        """True when ``frame`` passes :meth:`schema` restricted to ``present`` (every column's
        :meth:`ColumnSpec.passes`, and no repeated ``unique_together`` combination), without running pandera."""
        keep = set(present)
        if not all(c.passes(frame[c.name]) for c in self.columns if c.name in keep):
            return False
        if self.unique_together and keep >= set(self.unique_together):
            return not frame.duplicated(list(self.unique_together)).any()
        return True


@lru_cache(maxsize=64)
def _schema(spec: TableSpec, keep: frozenset[str]) -> pa.DataFrameSchema:
    cols = {c.name: c.pandera_column() for c in spec.columns if c.name in keep}
    unique = list(spec.unique_together) if spec.unique_together and keep >= set(spec.unique_together) else None
    return pa.DataFrameSchema(cols, unique=unique, strict=False, name=spec.file, description=spec.description)
