"""The update log: pghistory events described in words a supervisor reads.

Works for any tracked model: field labels come from verbose names, foreign keys and
choices are shown by name, and lookups are batched per related model, so the number
of queries does not grow with the number of events.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

import pghistory.models
from django.apps import apps
from django.db import models

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


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str
    changes: list[tuple[str, str, str]]
    reason: str


def _tracked(event_model_label: str) -> type[models.Model]:
    return apps.get_model(event_model_label).pgh_tracked_model


def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {f.attname: f for f in model._meta.concrete_fields}


def describe_value(field: models.Field, value: object) -> str:
    """A stored value as a person reads it: choices by label, dates as 11/30/2026,
    related rows by name (one lookup; `history_for` batches its own)."""
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
    if type(field) is models.DateField and isinstance(value, str):
        return datetime.date.fromisoformat(value[:10]).strftime("%m/%d/%Y")
    text = str(value)
    if field.name.endswith("phone") and len(text) == 10 and text.isdigit():
        return f"({text[:3]}) {text[3:6]}-{text[6:]}"
    return text if len(text) <= 120 else text[:117] + "..."


def history_for(obj: models.Model, *, registered: str = "Registered") -> list[HistoryEntry]:
    """Every change to `obj` and to the records that point at it, newest first."""
    events = list(
        pghistory.models.Events.objects.references(obj).order_by("-pgh_created_at", "-pgh_id")
    )
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

    def summary(model: type[models.Model], data: dict[str, object]) -> str:
        parts = []
        for attname, field in _fields(model).items():
            if (
                field.is_relation
                and field.name not in HIDDEN_FIELDS
                and field.related_model not in (user_model, type(obj))
                and data.get(attname) is not None
            ):
                parts.append(show(field, data[attname]))
        if data.get("subject"):
            parts.append(str(data["subject"]))
        return ", ".join(parts)

    entries = []
    for event in events:
        context = event.pgh_context or {}
        who = names.get(user_model, {}).get(context.get("user"), "System")
        model = _tracked(event.pgh_model)
        fields = _fields(model)
        changes = [
            (str(fields[a].verbose_name).capitalize(), show(fields[a], old), show(fields[a], new))
            for a, (old, new) in sorted((event.pgh_diff or {}).items())
            if a in fields and fields[a].name not in HIDDEN_FIELDS
        ]
        verb = {"insert": "added", "update": "changed", "delete": "removed"}.get(
            event.pgh_label, event.pgh_label
        )
        if model is type(obj):
            if event.pgh_label == "insert":
                action = registered
            elif not changes:
                continue
            else:
                action = "Changed"
        else:
            if event.pgh_label == "update" and not changes:
                continue
            label = str(model._meta.verbose_name).capitalize()
            detail = summary(model, event.pgh_data or {})
            action = f"{label} {verb}" + (f": {detail}" if detail else "")
        entries.append(
            HistoryEntry(event.pgh_created_at, who, action, changes, context.get("reason", ""))
        )
    return entries
