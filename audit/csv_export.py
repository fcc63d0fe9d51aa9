"""The audit trail as CSV: the rows of the page, in the same words, with the same masks.

A customer appears by customer number only, and a change to a personal field says that
it changed, never what it was or became: the file leaves the system. Written through
`casemgmt.spreadsheet`, like every CSV the product offers.
"""

import zoneinfo
from collections.abc import Iterable, Iterator

from audit.selectors import AuditRow
from casemgmt.spreadsheet import spreadsheet_lines


def header(zone: zoneinfo.ZoneInfo) -> list[str]:
    return [
        f"When ({zone.key})",
        "Who",
        "Kind of record",
        "Customer number",
        "Record",
        "Action",
        "What happened",
        "Reason",
    ]


def audit_csv_lines(rows: Iterable[AuditRow], *, zone: zoneinfo.ZoneInfo) -> Iterator[str]:
    """The file line by line, to stream; `rows` are in `zone`, which the header names."""
    return spreadsheet_lines(
        header(zone),
        (
            [
                row.when,
                row.who,
                row.kind,
                row.customer_number
                or ("A customer of another office" if row.customer_elsewhere else ""),
                row.detail,
                row.action,
                row.sentence,
                row.reason,
            ]
            for row in rows
        ),
    )
