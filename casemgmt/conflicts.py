"""Edits refuse a stale save instead of overwriting someone else's change.

Every editable record carries `lock_version`, raised by each change. An edit form
carries the version it was opened at; the service locks the row and compares. When
they differ, `EditConflict` says what the other person changed since (read from the
update log), and the view shows it beside what this person typed, so neither is lost.
"""

import datetime
from dataclasses import dataclass
from typing import TypeVar

import pghistory.models
from django import forms
from django.db import models
from django.http import QueryDict
from django.utils.text import capfirst

from casemgmt.forms import surface_hidden_errors
from casemgmt.history import HIDDEN_FIELDS, describe_value
from casemgmt.models import User

M = TypeVar("M", bound=models.Model)

VERSION_FIELD = "lock_version"


@dataclass(frozen=True)
class Change:
    label: str
    then: str
    now: str
    name: str = ""
    then_value: object = None
    now_value: object = None


class EditConflict(Exception):
    """Someone saved the record after this person opened it."""

    def __init__(self, record: models.Model, *, opened_at_version: int) -> None:
        self.record = record
        self.opened_at_version = opened_at_version
        self.changes, self.by, self.at, self.reason = changes_since(record, opened_at_version)
        self.noun = str(record._meta.verbose_name)
        super().__init__(
            f"This {self.noun} was changed by {self.by or 'someone else'} after you opened it. "
            "Nothing of yours was saved yet: check their changes below, then save again."
        )

    @property
    def current_version(self) -> int:
        return int(self.record.lock_version)  # type: ignore[attr-defined]


class VersionedFormMixin(forms.Form):
    """Adds the hidden version an edit form was opened at."""

    lock_version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "This form is out of date (it has no version). Reload the page and edit again."
        },
    )

    def full_clean(self) -> None:
        super().full_clean()
        surface_hidden_errors(self, VERSION_FIELD)


def lock_for_edit(model: type[M], pk: int, *, expected_version: int | None) -> M:
    """Lock the row for the rest of the transaction; refuse it if it moved on.

    `expected_version` None means the caller is not a form (an import, a task): no check.
    """
    record = model._default_manager.select_for_update().get(pk=pk)
    if expected_version is not None and record.lock_version != expected_version:  # type: ignore[attr-defined]
        raise EditConflict(record, opened_at_version=expected_version)
    return record


def bump(record: models.Model) -> None:
    record.lock_version = models.F("lock_version") + 1  # type: ignore[attr-defined]


def changes_since(
    record: models.Model, version: int
) -> tuple[list[Change], str, datetime.datetime | None, str]:
    """What changed in `record` since it was at `version`, who made the last change,
    when, and the reason they gave (when the change asked for one)."""
    events = list(
        pghistory.models.Events.objects.tracks(record)
        .filter(pgh_label__in=["insert", "update"])
        .order_by("pgh_created_at", "pgh_id")
    )
    then = next(
        (e.pgh_data for e in reversed(events) if e.pgh_data.get("lock_version") == version), None
    )
    if not events:
        return [], "", None, ""
    last = events[-1]
    now = last.pgh_data
    user_id = (last.pgh_context or {}).get("user")
    reason = str((last.pgh_context or {}).get("reason") or "")
    by = str(User.objects.filter(pk=user_id).first() or "") if user_id else ""
    if then is None:
        return [], by, last.pgh_created_at, reason
    fields = {f.attname: f for f in type(record)._meta.concrete_fields}
    changes = [
        Change(
            capfirst(str(field.verbose_name)),
            describe_value(field, then.get(name)),
            describe_value(field, now.get(name)),
            field.name,
            _python(field, then.get(name)),
            _python(field, now.get(name)),
        )
        for name, field in fields.items()
        if field.editable
        and field.name not in HIDDEN_FIELDS
        and then.get(name) != now.get(name)
        and name != VERSION_FIELD
    ]
    return changes, by, last.pgh_created_at, reason


def _python(field: models.Field, raw: object) -> object:
    try:
        return field.to_python(raw)
    except Exception:  # noqa: BLE001 - a value the model no longer reads is shown as stored
        return raw


def _members(values: object) -> set[object]:
    return {v.pk if isinstance(v, models.Model) else v for v in values or []}  # type: ignore[attr-defined]


def _same(mine: object, then: object) -> bool:
    if isinstance(mine, models.Model):
        mine = mine.pk
    if isinstance(mine, (list, tuple, set, frozenset, models.QuerySet)):  # choices, barriers
        return _members(mine) == _members(then)
    if mine in (None, "") and then in (None, ""):
        return True
    return mine == then


def _as_input(data: QueryDict, name: str, value: object) -> None:
    if isinstance(value, (list, tuple, set, frozenset)):
        data.setlist(name, [str(v) for v in sorted(_members(value), key=str)])
    elif isinstance(value, bool):
        if value:
            data[name] = "on"
        else:
            data.pop(name, None)
    elif value is None:
        data[name] = ""
    elif isinstance(value, datetime.date):
        data[name] = value.isoformat()
    else:
        data[name] = str(value)


def rebind_at_current_version(form: forms.Form, conflict: EditConflict) -> forms.Form:
    """The form again, at the current version: the other person's changes are filled
    in where this person left a field as it was; where both changed the same field,
    this person's entry is kept. A second save is then their informed choice."""
    data = form.data.copy()
    data[VERSION_FIELD] = str(conflict.current_version)
    mine = getattr(form, "cleaned_data", {})
    for change in conflict.changes:
        if (
            change.name in form.fields
            and change.name in mine
            and _same(mine[change.name], change.then_value)
        ):
            _as_input(data, change.name, change.now_value)
    form.data = data
    form._errors = None  # validated again, at the new version, when rendered
    return form
