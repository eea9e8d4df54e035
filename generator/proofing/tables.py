"""Tables whose stated total is not the sum of their rows, column by column.

Word and HTML tables come as cells. Plain text and PDF keep a table as lines of figures
(the filings draw it with dashes; a PDF has no cells): there, the rows above a "Total"
line that carry as many figures as it does are summed figure by figure; a table with rows
that have fewer figures (an empty cell) cannot be lined up into columns and is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from ..findings import Finding, Severity
from .document import Document, Spot, Table

_TOTAL = re.compile(r"\s*(?:grand\s+)?totals?\b|\s*aggregate\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.,$])\(?-?\$?\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\)?(?![\w,]|\.\d)")
_TOTAL_LINE = re.compile(r"\s*(?:grand\s+)?totals?:?\s", re.IGNORECASE)
_PROSE = re.compile(r"[a-z]{3,}[.;:]\s*$|^\s*(SCHEDULE|EXHIBIT|ANNEX)\b")


def _value(cell: str) -> Decimal | None:
    text = cell.strip()
    if not text or text in ("-", "—", "–"):
        return Decimal(0)
    match = _NUMBER.fullmatch(text)
    if not match:
        return None
    try:
        value = Decimal(match.group(1).replace(",", "") + (match.group(2) or ""))
    except InvalidOperation:
        return None
    return -value if text.startswith(("(", "-")) else value


def _show(value: Decimal, like: str) -> str:
    return ("$" if "$" in like else "") + f"{value:,}"


def check_tables(document: Document) -> Iterator[Finding]:
    for table in document.tables:
        yield from _cell_table(document, table)
    yield from _line_tables(document)


def _cell_table(document: Document, table: Table) -> Iterator[Finding]:
    body: list[list[str]] = []
    for row, spot in zip(table.rows, table.spots):
        if not row:
            continue
        if not _TOTAL.match(row[0]):
            if any(_NUMBER.fullmatch(cell.strip()) for cell in row[1:]):  # not a heading row
                body.append(row)
            continue
        for column in range(1, len(row)):
            stated = _value(row[column]) if row[column].strip() else None
            values = [_value(r[column]) if column < len(r) else None for r in body]
            figures = [v for v, r in zip(values, body) if column < len(r) and r[column].strip()]
            if stated is None or not figures or None in values:
                continue
            total = sum(v for v in values if v is not None)
            if total != stated:
                header = table.rows[0][column] if table.rows and table.rows[0] is not row else ""
                yield _finding(document, spot, header or f"column {column + 1}", row[column],
                               total)
        body = []


def _finding(document: Document, spot: Spot, column: str, stated: str, total: Decimal) -> Finding:
    return document.finding(
        "table.total", Severity.ERROR, None, 0,
        f"the total of {' '.join(column.split())} is given as {stated.strip()}, but its rows add up "
        f"to {_show(total, stated)}", "correct the total or the rows", spot=spot)


def _line_tables(document: Document) -> Iterator[Finding]:
    lines = document.lines
    for index, (line, spot) in enumerate(lines):
        if not _TOTAL_LINE.match(line) or not _figures_end(line):
            continue
        stated = list(_NUMBER.finditer(line))
        rows: list[list[str]] = []
        ragged = False
        for above, _ in reversed(lines[max(index - 80, 0):index]):
            if _TOTAL_LINE.match(above) or _PROSE.search(above):
                break
            figures = [m.group(0) for m in _NUMBER.finditer(above)] if _figures_end(above) else []
            if len(figures) == len(stated):
                rows.append(figures)
            elif figures:
                ragged = True
        if ragged or not rows:
            continue
        for column, written in enumerate(stated):
            total = sum(_value(row[column]) or Decimal(0) for row in rows)
            if total != _value(written.group(0)):
                yield _finding(document, spot, f"column {column + 1}", written.group(0), total)


def _figures_end(line: str) -> bool:
    """A row of a table drawn as text: a label, then figures only."""
    first = _NUMBER.search(line)
    return bool(first) and not re.search(r"[A-Za-z]", _NUMBER.sub("", line[first.start():]))
