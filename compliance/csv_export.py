"""Alerts as CSV, for the supervisor's download and `manage.py export_alerts`.

Each row names the customer by customer id and, for a per-record rule (10-day entry,
open past end), the record it is about (service, close or note, with its id). A customer appears by customer id only: an export leaves the system, so it carries no
name, contact detail or other personal information of a customer.
"""

import csv
from typing import TextIO

from django.db.models import QuerySet

from casemgmt.spreadsheet import spreadsheet_cell
from compliance.models import Alert

HEADER = [
    "customer_id",
    "rule",
    "subject",
    "subject_id",
    "state",
    "due_on",
    "opened_on",
    "responsible",
    "responsible_name",
]


def write_alerts_csv(alerts: QuerySet[Alert], file: TextIO) -> int:
    """Write the alerts given (already scoped and filtered by the caller) and return
    how many. One query, streamed in chunks, whatever the number of alerts."""
    writer = csv.writer(file)
    writer.writerow(HEADER)
    rows = alerts.order_by("due_on", "customer__customer_number", "rule", "pk").values_list(
        "customer__customer_number",
        "rule",
        "subject_type",
        "subject_id",
        "state",
        "due_on",
        "opened_on",
        "responsible__username",
        "responsible__first_name",
        "responsible__last_name",
    )
    count = 0
    for (
        number,
        rule,
        subject_type,
        subject_id,
        state,
        due_on,
        opened_on,
        username,
        first,
        last,
    ) in rows.iterator(chunk_size=2000):
        name = f"{first or ''} {last or ''}".strip()
        writer.writerow(
            [
                spreadsheet_cell(number),
                rule,
                # A per-record rule names its record: the service, its close, or the note.
                subject_type,
                subject_id or "",
                state,
                due_on.isoformat(),
                opened_on.isoformat(),
                spreadsheet_cell(username),
                spreadsheet_cell(name),
            ]
        )
        count += 1
    return count
