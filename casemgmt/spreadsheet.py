"""What every CSV the product offers for download shares: one writer, so that each file
opens in a spreadsheet the same way and none can run a formula.

- Words, not codes: headers are in words and callers pass names and labels (an office by
  name, a status by its label, staff by name), never ids or choice codes.
- UTF-8 with a byte-order mark: without it Excel reads the file in the machine's code
  page and "José" arrives as "JosÃ©".
- A date that is a cell of its own is an ISO date (2026-11-16), which every spreadsheet
  reads as a date and sorts; a date inside words (a record's name, a sentence) is written
  as the app shows it (11/16/2026). Money is a plain number with two decimals (75.00), so
  a column adds up; its header says the unit.
- Text that starts like a formula (= + - @, a tab, a carriage return) gets an apostrophe
  in front, so a spreadsheet shows it as text instead of running it (CSV injection).
  Numbers are numbers: a negative one is not a formula.

The legacy export (`bulkdata.export`) and the federal record (`bulkdata.pirl`) are
machine formats with documented codes and columns: they do not come through here.
"""

import csv
import datetime
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Protocol

from django.http import HttpResponse, StreamingHttpResponse

BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A download's name is kept in the browser's list and in proxies' logs: words, dates and
# year labels only, never a person's name or number.
_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*\.csv")
CENT = Decimal("0.01")


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def spreadsheet_cell(value: object) -> str:
    """A value as a CSV cell a spreadsheet reads as it is meant and never runs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return f"{value:%Y-%m-%d %H:%M}"  # in the zone the caller chose, which the header names
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def money(amount: Decimal | None) -> Decimal | None:
    """An amount as a money cell: dollars and cents, no sign or separators."""
    return None if amount is None else Decimal(amount).quantize(CENT)


class _Line:
    """csv.writer writes into this and gets the line back."""

    def write(self, text: str) -> str:
        return text


def spreadsheet_lines(header: Sequence[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The file line by line, byte-order mark first: to stream, or to write."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([spreadsheet_cell(name) for name in header])
    for row in rows:
        yield writer.writerow([spreadsheet_cell(value) for value in row])


def write_spreadsheet(
    file: Writable, header: Sequence[str], rows: Iterable[Iterable[object]]
) -> int:
    """Write the file and return the number of rows under the header."""
    lines = 0
    for line in spreadsheet_lines(header, rows):
        file.write(line)
        lines += 1
    return lines - 1


def spreadsheet_response(
    filename: str, lines: Iterable[str] | None = None
) -> HttpResponse | StreamingHttpResponse:
    """A CSV download the browser saves and does not keep in its cache. Given `lines`
    (from `spreadsheet_lines`), it streams them; otherwise write into it."""
    if not _FILENAME.fullmatch(filename):
        raise ValueError(f"A download's name is words, dates and year labels: {filename!r}")
    response: HttpResponse | StreamingHttpResponse = (
        HttpResponse(content_type=CONTENT_TYPE)
        if lines is None
        else StreamingHttpResponse(lines, content_type=CONTENT_TYPE)
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
