"""Findings: what a check has to say about a term sheet or a document, and where."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Mark:
    """A place in a source file: 1-based line and column."""

    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Finding:
    """One problem: a code to search for, a severity, where, what is wrong and what would be right."""

    code: str
    severity: Severity
    mark: Mark | None
    path: str
    message: str
    fix: str = ""

    def format(self) -> str:
        """One line in the compiler style: `file:line: error: path: message; fix [code]`."""
        where = f"{self.mark}: " if self.mark else ""
        subject = f"{self.path}: " if self.path else ""
        fix = f"; {self.fix}" if self.fix else ""
        return f"{where}{self.severity.value}: {subject}{self.message}{fix} [{self.code}]"

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.mark.file if self.mark else None,
            "line": self.mark.line if self.mark else None,
            "column": self.mark.column if self.mark else None,
            "path": self.path,
            "message": self.message,
            "fix": self.fix,
        }


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def sort_key(finding: Finding) -> tuple:
    mark = finding.mark or Mark("", 0)
    return (mark.file, mark.line, mark.column, finding.code)
