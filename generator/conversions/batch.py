"""A batch of conversions from a CSV file: one Request per row, each located at its line.

The columns: `note`, `date`, `principal` (required), `interest` (yes or no; empty: no) and
`index_rate` (the floating rate's index for each Interest Period, separated by spaces).
A file with a problem of its own (not UTF-8, no header, an unknown or missing column, a
row with too many cells) is refused whole with every problem; the rows' values are then
checked like the command line's (generator.conversions.record), all or none.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..errors import ConversionError
from ..findings import Finding, Mark, Severity
from .record import CSV_LABELS, Request

COLUMNS = ("note", "date", "principal", "interest", "index_rate")
REQUIRED = ("note", "date", "principal")
MAX_ROWS = 100_000
_YES = {"yes", "y", "true", "1"}
_NO = {"", "no", "n", "false", "0"}


def read_batch(path: Path, again: bool = False) -> list[Request]:
    """The requests of the CSV file at `path`; ConversionError naming each bad row and column."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConversionError([_problem(name, 1, "", f"the file is not UTF-8 text ({exc.reason})",
                                        "save it as CSV, UTF-8")]) from None
    except OSError as exc:
        raise ConversionError([_problem(name, 1, "", f"cannot read the file: {exc.strerror}",
                                        "check the path")]) from None
    lines = text.splitlines(keepends=True)
    reader = csv.reader(lines)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        raise ConversionError([_problem(name, 1, "", "the file is empty",
                                        f"start with the header {','.join(COLUMNS)}")]) from None
    problems = [_problem(name, 1, column, f"unknown column {column!r}",
                         f"the columns are {', '.join(COLUMNS)}")
                for column in header if column not in COLUMNS]
    problems += [_problem(name, 1, column, f"the column {column!r} is missing",
                          f"the header needs {', '.join(REQUIRED)}")
                 for column in REQUIRED if column not in header]
    problems += [_problem(name, 1, column, f"the column {column!r} is given twice",
                          "give each column once")
                 for index, column in enumerate(header) if column in header[:index]]
    if problems:
        raise ConversionError(problems)
    requests = []
    line = reader.line_num + 1
    for cells in reader:
        row_line, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        where = Mark(name, row_line)
        if len(cells) != len(header):
            problems.append(_problem(name, row_line, "", f"the row has {len(cells)} cells and "
                                     f"the header {len(header)}", "give one cell per column "
                                     "(quote a value that holds a comma)"))
            continue
        row = {column: cell.strip() for column, cell in zip(header, cells)}
        interest = row.get("interest", "").lower()
        if interest not in _YES | _NO:
            problems.append(_problem(name, row_line, CSV_LABELS["interest"],
                                     f"{row['interest']!r} is not yes or no",
                                     "write yes to convert the accrued interest too, or no"))
            continue
        requests.append(Request(row["note"], row["date"], row["principal"], interest in _YES,
                                tuple(row.get("index_rate", "").split()), again, where))
        if len(requests) > MAX_ROWS:
            problems.append(_problem(name, row_line, "", f"more than {MAX_ROWS:,} rows",
                                     "split the batch"))
            break
    if problems:
        raise ConversionError(problems)
    if not requests:
        raise ConversionError([_problem(name, 2, "", "the file has a header and no rows",
                                        "add one row per conversion")])
    return requests


def _problem(file: str, line: int, column: str, message: str, fix: str) -> Finding:
    return Finding("batch.file", Severity.ERROR, Mark(file, line), column, message, fix)
