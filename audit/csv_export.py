"""The audit trail as CSV: the rows of the page, with the same masks.

A customer appears by customer number only, and a change to a personal field says that
it changed, never what it was or became: the file leaves the system.
"""

import csv
from collections.abc import Iterable, Iterator

from audit.selectors import AuditRow
from casemgmt.spreadsheet import spreadsheet_cell

HEADER = ["when", "who", "kind", "customer_number", "record", "action", "changes", "reason"]


def _changes(row: AuditRow) -> str:
    return "; ".join(
        f"{c.label}: changed" if c.masked else f"{c.label}: {c.old} -> {c.new}" for c in row.changes
    )


class _Line:
    """csv.writer writes into this and gets the line back, to stream it."""

    def write(self, text: str) -> str:
        return text


def audit_csv_lines(rows: Iterable[AuditRow]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(HEADER)
    for row in rows:
        yield writer.writerow(
            [
                row.when.isoformat(timespec="seconds"),
                spreadsheet_cell(row.who),
                row.kind,
                row.customer_number,
                spreadsheet_cell(row.detail),
                row.action,
                spreadsheet_cell(_changes(row)),
                spreadsheet_cell(row.reason),
            ]
        )
