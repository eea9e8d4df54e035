"""The one error hierarchy. The command line turns these into exit statuses."""

from __future__ import annotations

from .findings import Finding


class DealdocsError(Exception):
    """Anything the user can fix; never a bug in dealdocs."""


class TermSheetError(DealdocsError):
    """The term sheet cannot be used: it carries every finding, not just the first."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(f.format() for f in findings))


class RenderError(DealdocsError):
    """A document cannot be rendered as written (a template or an output problem)."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(f.format() for f in findings))


class OutputError(DealdocsError):
    """The output folder cannot take the documents."""

    def __init__(self, message: str, fix: str):
        self.fix = fix
        super().__init__(f"{message}; {fix}")


class ConversionError(DealdocsError):
    """A conversion (or a rescission, or a batch of them) that cannot be recorded as asked:
    every finding, each with what would be right. Nothing was recorded."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(f.format() for f in findings))


class LogError(DealdocsError):
    """The conversion log cannot be used: not a conversion log, damaged, busy or unreachable.
    It is reported and never overwritten."""

    def __init__(self, message: str, fix: str):
        self.message = message
        self.fix = fix
        super().__init__(f"{message}; {fix}")


class BinderError(DealdocsError):
    """A closing binder cannot be assembled: an outside document that cannot be read or
    converted, a document whose PDF is not what the build wrote. Every finding."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(f.format() for f in findings))


class DraftError(DealdocsError):
    """A negotiated Word draft that cannot be regenerated: not a Word file, not one dealdocs
    wrote (and no base named), or a base the deal does not keep."""

    def __init__(self, message: str, fix: str):
        self.message = message
        self.fix = fix
        super().__init__(f"{message}; {fix}")
