"""Alerts as CSV, for the supervisor's download and `manage.py export_alerts`.

A row says, in words, what the drill-down page shows: the customer's number, office and
career planner, the rule, the record a per-record alert is about (the service, its close,
the note or the outcome, by name), the state, the dates and who is responsible. A
customer appears by customer number only: an export leaves the system, so it carries no
name, contact detail or other personal information of a customer. Written through
`casemgmt.spreadsheet`, like every CSV the product offers.
"""

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.db import models
from django.db.models import QuerySet

from casemgmt.spreadsheet import Writable, write_spreadsheet
from casenotes.models import CaseNote
from compliance.models import Alert, Rule, State
from employment.models import (
    Credential,
    Employment,
    FollowUp,
    Placement,
    PlacementFollowUp,
    SkillGain,
)
from services.models import ServiceRecord

HEADER = [
    "Customer number",
    "Office",
    "Career planner",
    "Rule",
    "Record",
    "State",
    "Due on",
    "Opened on",
    "Responsible",
]

# The record a per-record alert is about (`Alert.subject_type`): what it is, in words,
# and where it is kept.
SUBJECTS: dict[str, tuple[str, type[models.Model]]] = {
    "service": ("Service", ServiceRecord),
    "close": ("Service closed", ServiceRecord),
    "note": ("Case note", CaseNote),
    "credential": ("Credential", Credential),
    "skill_gain": ("Skill gain", SkillGain),
    "job": ("Job", Employment),
    "placement": ("Placement", Placement),
    "follow_up": ("Follow-up after exit", FollowUp),
    "placement_fu": ("Placement follow-up", PlacementFollowUp),
}
CHUNK = 2000

_Row = tuple[Any, ...]  # a row of the query of `write_alerts_csv`


def _named(record: models.Model) -> str:
    if isinstance(record, ServiceRecord):
        return f"{record.activity} from {record.started_on:%m/%d/%Y}"
    return str(record)


def _subject_names(rows: list[_Row]) -> dict[tuple[str, int], str]:
    """The records the rows are about, by name: one query per kind of record named."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        if row[4] in SUBJECTS:
            wanted.setdefault(row[4], set()).add(row[5])
    names = {}
    for subject_type, ids in wanted.items():
        label, model = SUBJECTS[subject_type]
        records = model._default_manager.filter(pk__in=ids)
        if model is ServiceRecord:
            records = records.select_related("activity")
        for record in records:
            names[(subject_type, record.pk)] = f"{label}: {_named(record)}"
    return names


def _person(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or (username or "")


def _lines(rows: Iterator[_Row]) -> Iterable[list[object]]:
    rules, states = dict(Rule.choices), dict(State.choices)
    while chunk := list(islice(rows, CHUNK)):
        names = _subject_names(chunk)
        for number, office, p_first, p_last, subject_type, subject_id, rule, *rest in chunk:
            due_on, opened_on, r_first, r_last, username, state = rest
            if subject_type in SUBJECTS:
                # A record removed since the alert opened is still named by what it was.
                label = SUBJECTS[subject_type][0]
                record = names.get((subject_type, subject_id), f"{label} (since removed)")
            else:
                record = ""
            yield [
                number,
                office,
                _person(p_first, p_last, None) or "Unassigned",
                rules.get(rule, rule),
                record,
                states.get(state, state),
                due_on,
                opened_on,
                _person(r_first, r_last, username) or "Nobody",
            ]


def write_alerts_csv(alerts: QuerySet[Alert], file: Writable) -> int:
    """Write the alerts given (already scoped and filtered by the caller) and return
    how many. Streamed in chunks: per chunk, one query for the alerts and one per kind of
    record they are about, whatever the number of alerts."""
    rows = alerts.order_by("due_on", "customer__customer_number", "rule", "pk").values_list(
        "customer__customer_number",
        "customer__office__name",
        "customer__career_planner__first_name",
        "customer__career_planner__last_name",
        "subject_type",
        "subject_id",
        "rule",
        "due_on",
        "opened_on",
        "responsible__first_name",
        "responsible__last_name",
        "responsible__username",
        "state",
    )
    return write_spreadsheet(file, HEADER, _lines(rows.iterator(chunk_size=CHUNK)))
