"""The update log: pghistory events described in words a supervisor reads.

Each event reads as a sentence: "M. Lopez changed the amount from $70.00 to $72.50",
"M. Lopez recorded the service 202 Career Planning". Works for any tracked model: field
labels come from verbose names, foreign keys and choices are shown by name, money as
dollars and cents, dates as the app shows them, and lookups are batched per related
model, so the number of queries does not grow with the number of events.

Personal details (`PII_FIELDS`) are named as changed, never with their values, wherever
the log is read (the customer's page, the audit trail, its CSV): whoever needs today's
phone number reads it on the customer's record, and nobody needs the old one (least
access, TEGL 39-11).
"""

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
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

# Amounts of money, by field name on any record: shown as $1,234.50. Every decimal field
# of a tracked model is either here or in NOT_MONEY (a test holds every new one to it).
MONEY_FIELDS = frozenset(
    {
        "amount",
        "amount_paid",
        "unit_price",
        "dollar_value",
        "hourly_wage",
        "subsidized_wage",
        "po_approval_limit",
        "minimum_wage",
    }
)
MONEY_PREFIXES = ("income_", "expense_")  # the lines of a budget review
NOT_MONEY = frozenset({"weekly_hours", "hours", "hours_per_week"})

# How a record is named in a sentence: its first field of these that holds a value, else
# the first record it links to other than staff and offices ("the barrier Homeless").
NAME_FIELDS = (
    "number",
    "name",
    "title",
    "job_title",
    "subject",
    "statement",
    "description",
    "item",
    "purpose",
    "worksite",
    "employer",
    "activity",  # a service, a plan's step: "211 Job Search Activities and Assistance"
)
NAME_LENGTH = 80

# What creating a record is called, where "added" is not the word: by model label, then
# any record kept under the 10-day entry rule (it has `entered_at`) is "recorded".
CREATED = {
    "customers.Customer": "registered",
    "customers.EligibilityDocument": "uploaded",
    "customers.DuplicateMatch": "found",
    "supportive.PurchaseOrder": "drafted",
    "supportive.BudgetReview": "recorded",
    "supportive.Referral": "recorded",
    "workshops.Booking": "made",
    "workshops.Appointment": "scheduled",
    "workshops.Session": "scheduled",
    "veterans.VeteranReferral": "made",
}
# A field's name in a sentence where its label is too short to read alone.
NOUNS = {"phone": "phone number", "email": "email address"}


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str  # "Service changed: 300 Occupational Skills Training", for code to match
    changes: list[tuple[str, str, str]]  # (label, old, new); a personal detail's are blank
    reason: str
    sentence: str  # what a person reads: "M. Lopez changed the end date from ... to blank."


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
    who: str  # "Maria Lopez", or "System"
    model: type[models.Model]
    verb: str  # "added", "changed", "removed"
    detail: str  # the record's name: "202 Career Planning", "Monthly bus pass"
    changes: list[Change]
    reason: str
    actor: str  # who, as a sentence begins: "M. Lopez", "The system"
    noun: str  # the kind of record: "service"
    name: str  # the record's name as a sentence says it: quoted when it is typed text
    created: str  # what creating it is called: "recorded"
    phrases: list[str]  # each change: "the amount from $70.00 to $72.50", "the phone number"

    def sentence(self, *, named: bool = True) -> str:
        """The event as a sentence. Without `named`, where the page already names the
        record (the customer's own log, a row of the audit trail), it is not named again."""
        label = self.event.pgh_label
        record = f"the {self.noun}" + (f" {self.name}" if named and self.name else "")
        if label == "insert":
            return f"{self.actor} {self.created} {record}."
        if label == "delete":
            return f"{self.actor} removed {record}."
        if not self.phrases:
            return f"{self.actor} changed only record-keeping details of {record}."
        if not named:
            return f"{self.actor} changed {_and(self.phrases)}."
        return f"{self.actor} changed {record}: {_and(self.phrases)}."


def _tracked(event_model_label: str) -> type[models.Model]:
    return apps.get_model(event_model_label).pgh_tracked_model


def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {f.attname: f for f in model._meta.concrete_fields}


def _and(parts: Sequence[str]) -> str:
    """The parts as a list in a sentence: "a, b and c"."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def is_money(field: models.Field) -> bool:
    return isinstance(field, models.DecimalField) and (
        field.name in MONEY_FIELDS or field.name.startswith(MONEY_PREFIXES)
    )


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def dollars(amount: Decimal) -> str:
    """$1,234.50; -$5.00."""
    amount = amount.quantize(Decimal("0.01"))
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


def _moment(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%m/%d/%Y} {local.hour % 12 or 12}:{local:%M %p}"


def describe_value(field: models.Field, value: object) -> str:
    """A stored value as a person reads it: choices by label, dates as 11/30/2026,
    moments in the current time zone, money as $1,234.50, related rows by name (one
    lookup; `describe_events` batches its own)."""
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
    if isinstance(field, models.DecimalField) and (number := _decimal(value)) is not None:
        # The log keeps numbers as JSON, so 72.50 comes back as 72.5.
        return dollars(number) if is_money(field) else f"{number.normalize():f}"
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = datetime.datetime.fromisoformat(value)
        if timezone.is_aware(moment):
            return _moment(moment)
    if type(field) is models.DateField and isinstance(value, str):
        return datetime.date.fromisoformat(value[:10]).strftime("%m/%d/%Y")
    text = str(value)
    if field.name.endswith("phone") and len(text) == 10 and text.isdigit():
        return f"({text[:3]}) {text[3:6]}-{text[6:]}"
    return text if len(text) <= 120 else text[:117] + "..."


def _typed(field: models.Field) -> bool:
    """Text a person typed, which a sentence quotes to set it apart from its words."""
    return isinstance(field, models.CharField | models.TextField) and not field.choices


def _quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


def _noun(field: models.Field) -> str:
    """A field's label as a sentence says it: "the end date", "the ZIP code"."""
    if field.name in NOUNS:
        return NOUNS[field.name]
    label = str(field.verbose_name)
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _short(user: models.Model) -> str:
    """M. Lopez."""
    first, last = getattr(user, "first_name", ""), getattr(user, "last_name", "")
    if first and last:
        return f"{first[0]}. {last}"
    return str(user)


def describe_events(
    events: Iterable[pghistory.models.Events],
    *,
    hide_links_to: Collection[type[models.Model]] = (),
    mask_pii: bool = True,
) -> list[EventWords]:
    """Events in words, in the order given: who, what kind of record, which fields
    changed from what to what. Links to `hide_links_to` models are left out of the
    record's name. A personal detail's change carries no values (`mask_pii`; only the
    edit-conflict panel, which shows the editor their own form, reads them otherwise).
    One query per related model, whatever the number of events."""
    events = list(events)
    user_model = apps.get_model("casemgmt", "User")
    office_model = apps.get_model("casemgmt", "Office")

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
    found = {model: model._default_manager.in_bulk(list(ids)) for model, ids in wanted.items()}
    names = {model: {pk: str(o) for pk, o in rows.items()} for model, rows in found.items()}
    users = found.get(user_model, {})

    def show(field: models.Field, value: object) -> str:
        if field.is_relation and value not in (None, "", []):
            return names.get(field.related_model, {}).get(value, "a removed entry")
        return describe_value(field, value)

    def named(model: type[models.Model], data: dict[str, object]) -> tuple[str, str]:
        """The record's name, plain and as a sentence says it."""
        fields = {f.name: f for f in _fields(model).values()}
        for name in NAME_FIELDS:
            field = fields.get(name)
            if field is not None and data.get(field.attname):
                text = show(field, data[field.attname])
                if len(text) > NAME_LENGTH:
                    text = text[: NAME_LENGTH - 1] + "\u2026"
                # A typed name is quoted, without its full stop: the sentence ends it.
                return text, _quoted(text.rstrip(".")) if _typed(field) else text
        for attname, field in _fields(model).items():
            # Staff say who did it and an office where: neither is what the record is.
            if (
                field.is_relation
                and field.name not in HIDDEN_FIELDS
                and field.related_model not in (user_model, office_model)
                and field.related_model not in hide_links_to
                and data.get(attname) is not None
            ):
                text = show(field, data[attname])
                return text, text
        return "", ""

    def change(field: models.Field, old: object, new: object) -> tuple[Change, str]:
        label = capfirst(str(field.verbose_name))
        # A yes-or-no reads without its article: "needs customer agreement from yes to no".
        noun = _noun(field) if isinstance(field, models.BooleanField) else f"the {_noun(field)}"
        if mask_pii and field.name in PII_FIELDS:
            return Change(label, "", "", masked=True), noun
        before, after = show(field, old), show(field, new)
        if _typed(field):
            before, after = _quoted(before), _quoted(after)
        if old in (None, "", []):
            return Change(label, "(blank)", show(field, new)), f"{noun} to {after}"
        if new in (None, "", []):
            return Change(label, show(field, old), "(blank)"), f"{noun} from {before} to blank"
        return Change(label, show(field, old), show(field, new)), f"{noun} from {before} to {after}"

    described = []
    for event in events:
        context = event.pgh_context or {}
        model = _tracked(event.pgh_model)
        fields = _fields(model)
        diff = event.pgh_diff or {}
        changed = [
            change(field, *diff[attname])
            for attname, field in fields.items()
            if attname in diff and field.name not in HIDDEN_FIELDS
        ]
        user = users.get(context.get("user"))
        detail, name = named(model, event.pgh_data or {})
        created = CREATED.get(model._meta.label) or (
            "recorded" if "entered_at" in fields else "added"
        )
        described.append(
            EventWords(
                event=event,
                when=event.pgh_created_at,
                who=str(user) if user is not None else "System",
                model=model,
                verb={"insert": "added", "update": "changed", "delete": "removed"}.get(
                    event.pgh_label, event.pgh_label
                ),
                detail=detail,
                changes=[c for c, _ in changed],
                reason=context.get("reason", ""),
                actor=_short(user) if user is not None else "The system",
                noun=str(model._meta.verbose_name),
                name=name,
                created=created,
                phrases=[phrase for _, phrase in changed],
            )
        )
    return described


def history_for(obj: models.Model, *, registered: str = "Registered") -> list[HistoryEntry]:
    """Every change to `obj` and to the records that point at it, newest first. The
    page names `obj`, so its own events do not name it again."""
    events = pghistory.models.Events.objects.references(obj).order_by("-pgh_created_at", "-pgh_id")
    entries = []
    for words in describe_events(events, hide_links_to=(type(obj),)):
        label = words.event.pgh_label
        own = words.model is type(obj)
        if own:
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
        entries.append(
            HistoryEntry(
                words.when,
                words.who,
                action,
                changes,
                words.reason,
                words.sentence(named=not own),
            )
        )
    return entries
