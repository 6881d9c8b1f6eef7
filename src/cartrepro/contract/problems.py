"""What the contract check reports: one `Problem` per failure, gathered in a `ValidationReport`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One failure of the data contract, located as precisely as the failure allows.

    ``row`` is the line number a spreadsheet user sees: the header is line 1, the first data row line 2.
    ``value`` is the offending raw cell text ("" for an empty cell, None when no single cell is at fault).
    ``expected`` says in plain words what the contract expects; ``issue`` (optional) says what is wrong.
    """

    severity: Severity
    file: str
    row: int | None
    patient_id: str | None
    column: str | None
    value: str | None
    expected: str
    issue: str = ""

    @property
    def line(self) -> int | None:
        """Alias of ``row``: the 1-based line number in the file (header = line 1)."""
        return self.row

    def location(self) -> str:
        parts = [self.file or "cohort folder"]
        if self.row is not None:
            where = f"line {self.row}"
            if self.patient_id:
                where += f" (patient_id {self.patient_id})"
            parts.append(where)
        elif self.patient_id:
            parts.append(f"patient_id {self.patient_id}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        if self.value is None:
            what = self.issue
        else:
            what = f"'{self.value}'" if self.value != "" else "empty cell"
            if self.issue:
                what += f" ({self.issue})"
        text = f"{self.location()}: {what}" if what else self.location()
        return f"{text} — expected {self.expected}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass
class ValidationReport:
    """Every problem found in a cohort folder, errors and warnings, in file and line order."""

    data_dir: Path
    papers: tuple[str, ...]
    problems: list[Problem] = field(default_factory=list)
    #: per paper folder checked, the digest of the files checked (what a build hands its notebooks)
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings do not stop the data from loading)."""
        return not self.errors

    def summary(self) -> str:
        return f"{_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')}"

    def format(self) -> str:
        found = ", ".join(f"{p}/" for p in self.papers) if self.papers else "none"
        lines = [f"Data contract check of {self.data_dir}", f"Paper folders found: {found}"]
        errors, warnings = self.errors, self.warnings
        if errors:
            lines.append(f"Errors ({len(errors)}):")
            lines += [f"  - {p}" for p in errors]
        if warnings:
            lines.append(f"Warnings ({len(warnings)}):")
            lines += [f"  - {p}" for p in warnings]
        if not errors and not warnings:
            lines.append("No problems found.")
        lines.append(self.summary())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


class ContractError(Exception):
    """The cohort folder breaks the data contract; ``str(error)`` lists every problem (``error.report``)."""

    def __init__(self, report: ValidationReport):
        self.report = report
        super().__init__(report.format())

    def __str__(self) -> str:
        return self.report.format()
