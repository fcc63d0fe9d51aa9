"""The update log: pghistory events described in words a supervisor reads.

Works for any tracked model: field labels come from verbose names, foreign keys and
choices are shown by name, and lookups are batched per related model, so the number
of queries does not grow with the number of events.
"""

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import NamedTuple

import pghistory.models
from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

HIDDEN_FIELDS = {
    "id",
    "customer",
    "updated_at",
    "created_at",
    "entered_at",
    "closed_at",
    "legacy_id",
    "customer_number",
    "ssn_encrypted",
    "ssn_hash",
    "file",
    "lock_version",  # the edit counter (casemgmt.conflicts), not something a person changed
}

# Personal data (TEGL 39-11) that a listing across customers, such as the audit trail
# and its CSV, names as "changed" without the values. By field name, on any record.
PII_FIELDS = frozenset(
    {
        "first_name",
        "middle_name",
        "last_name",
        "alternate_contact_name",
        "date_of_birth",
        "phone",
        "alternate_contact_phone",
        "email",
        "street",
        "ssn_last4",
        "original_name",  # an uploaded file's name often carries the person's name
        "content",  # a plan version's printed snapshot, which names the customer
    }
)


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str
    changes: list[tuple[str, str, str]]
    reason: str


class Change(NamedTuple):
    label: str
    old: str
    new: str
    masked: bool = False  # a PII field: say that it changed, never what it was or became


@dataclass(frozen=True)
class EventWords:
    """One update-log event in words."""

    event: pghistory.models.Events
    when: datetime.datetime
    who: str
    model: type[models.Model]
    verb: str  # "added", "changed", "removed"
    detail: str  # the record named by its links and subject: "202 Career planning"
    changes: list[Change]
    reason: str


def _tracked(event_model_label: str) -> type[models.Model]:
    return apps.get_model(event_model_label).pgh_tracked_model


def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {f.attname: f for f in model._meta.concrete_fields}


def describe_value(field: models.Field, value: object) -> str:
    """A stored value as a person reads it: choices by label, dates as 11/30/2026,
    moments in the current time zone, related rows by name (one lookup; `history_for` batches its own)."""
    if value in (None, "", []):
        return "(blank)"
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else "a removed entry"
    if field.choices:
        choices = dict(field.choices)
        if isinstance(value, list):
            return ", ".join(str(choices.get(v, v)) for v in value)
        return str(choices.get(value, value))
    base = getattr(field, "base_field", None)
    if isinstance(value, list) and base is not None and base.choices:
        return ", ".join(str(dict(base.choices).get(v, v)) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = datetime.datetime.fromisoformat(value)
        if timezone.is_aware(moment):
            return f"{timezone.localtime(moment):%m/%d/%Y %I:%M %p}"
    if type(field) is models.DateField and isinstance(value, str):
        return datetime.date.fromisoformat(value[:10]).strftime("%m/%d/%Y")
    text = str(value)
    if field.name.endswith("phone") and len(text) == 10 and text.isdigit():
        return f"({text[:3]}) {text[3:6]}-{text[6:]}"
    return text if len(text) <= 120 else text[:117] + "..."


def describe_events(
    events: Iterable[pghistory.models.Events],
    *,
    hide_links_to: Collection[type[models.Model]] = (),
    mask_pii: bool = False,
) -> list[EventWords]:
    """Events in words, in the order given: who, what kind of record, which fields
    changed from what to what. Links to `hide_links_to` models are left out of the
    record's name; with `mask_pii`, a PII field's change carries no values. One query
    per related model, whatever the number of events."""
    events = list(events)
    user_model = apps.get_model("casemgmt", "User")

    # Collect every foreign key id to show by name, per related model.
    wanted: dict[type[models.Model], set[object]] = defaultdict(set)
    for event in events:
        context = event.pgh_context or {}
        for key in ("user", "reopened_by"):
            if context.get(key):
                wanted[user_model].add(context[key])
        fields = _fields(_tracked(event.pgh_model))
        values = list((event.pgh_data or {}).items())
        for attname, pair in (event.pgh_diff or {}).items():
            values += [(attname, v) for v in pair]
        for attname, value in values:
            field = fields.get(attname)
            if field is not None and field.is_relation and value is not None:
                wanted[field.related_model].add(value)
    names = {
        model: {pk: str(o) for pk, o in model._default_manager.in_bulk(list(ids)).items()}
        for model, ids in wanted.items()
    }

    def show(field: models.Field, value: object) -> str:
        if field.is_relation and value not in (None, "", []):
            return names.get(field.related_model, {}).get(value, "a removed entry")
        return describe_value(field, value)

    def detail(model: type[models.Model], data: dict[str, object]) -> str:
        parts = []
        for attname, field in _fields(model).items():
            if (
                field.is_relation
                and field.name not in HIDDEN_FIELDS
                and field.related_model is not user_model
                and field.related_model not in hide_links_to
                and data.get(attname) is not None
            ):
                parts.append(show(field, data[attname]))
        if data.get("subject"):
            parts.append(str(data["subject"]))
        return ", ".join(parts)

    def change(field: models.Field, old: object, new: object) -> Change:
        label = capfirst(str(field.verbose_name))
        if mask_pii and field.name in PII_FIELDS:
            return Change(label, "", "", masked=True)
        return Change(label, show(field, old), show(field, new))

    described = []
    for event in events:
        context = event.pgh_context or {}
        model = _tracked(event.pgh_model)
        fields = _fields(model)
        described.append(
            EventWords(
                event=event,
                when=event.pgh_created_at,
                who=names.get(user_model, {}).get(context.get("user"), "System"),
                model=model,
                verb={"insert": "added", "update": "changed", "delete": "removed"}.get(
                    event.pgh_label, event.pgh_label
                ),
                detail=detail(model, event.pgh_data or {}),
                changes=[
                    change(fields[a], old, new)
                    for a, (old, new) in sorted((event.pgh_diff or {}).items())
                    if a in fields and fields[a].name not in HIDDEN_FIELDS
                ],
                reason=context.get("reason", ""),
            )
        )
    return described


def history_for(obj: models.Model, *, registered: str = "Registered") -> list[HistoryEntry]:
    """Every change to `obj` and to the records that point at it, newest first."""
    events = pghistory.models.Events.objects.references(obj).order_by("-pgh_created_at", "-pgh_id")
    entries = []
    for words in describe_events(events, hide_links_to=(type(obj),)):
        label = words.event.pgh_label
        if words.model is type(obj):
            if label == "insert":
                action = registered
            elif not words.changes:
                continue
            else:
                action = "Changed"
        else:
            if label == "update" and not words.changes:
                continue
            kind = capfirst(str(words.model._meta.verbose_name))
            action = f"{kind} {words.verb}" + (f": {words.detail}" if words.detail else "")
        changes = [(c.label, c.old, c.new) for c in words.changes]
        entries.append(HistoryEntry(words.when, words.who, action, changes, words.reason))
    return entries
