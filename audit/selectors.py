"""Scoped reads of the update log (pghistory's event tables) for the audit trail.

An event is shown to a user who may see its customer (`customer_list_visible`, the one
answer), or an office the record names besides its customer's (a duplicate check's
registering office). Records that belong to no customer (the service matrix) are shown
to those who see every office. A page is read in two steps, each one query whatever
its length: the keys of the page's events from the event tables, newest first (indexed
on pgh_created_at), then those events with their differences from pghistory.
"""

import datetime
import functools
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass

import pghistory.models
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import F, Q, QuerySet, Value
from django.utils import timezone
from django.utils.text import capfirst
from pghistory.core import event_models
from pghistory.models import Context

from casemgmt.access import offices_visible_to
from casemgmt.history import Change, describe_events
from casemgmt.models import Office, User
from customers.models import Customer
from customers.selectors import customer_list_visible

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 50_000
EVERY_OFFICE = "casemgmt.view_all_offices"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass(frozen=True)
class Kind:
    """A kind of record the update log tracks, and how its events find their scope."""

    label: str  # the tracked model, "services.ServiceRecord"
    number: int  # its place in the tie-break of events recorded at the same moment
    name: str  # "Service record"
    events: type[models.Model]  # its pghistory event model
    customer_field: str | None  # the event's link to its customer
    office_fields: tuple[str, ...]  # offices the record names besides its customer's


@functools.cache
def _kinds() -> dict[str, Kind]:
    kinds = {}
    by_label = sorted(event_models(), key=lambda m: m.pgh_tracked_model._meta.label)
    for number, events in enumerate(by_label):
        tracked = events.pgh_tracked_model
        links = [
            f
            for f in events._meta.concrete_fields
            if f.is_relation and not f.name.startswith("pgh_")
        ]
        if tracked is Customer:
            customer_field, offices = "pgh_obj", ()
        else:
            customer_field = next((f.name for f in links if f.related_model is Customer), None)
            offices = tuple(f.name for f in links if f.related_model is Office)
        kinds[tracked._meta.label] = Kind(
            label=tracked._meta.label,
            number=number,
            name=capfirst(str(tracked._meta.verbose_name)),
            events=events,
            customer_field=customer_field,
            office_fields=offices,
        )
    return kinds


def audit_kinds(user: User | AnonymousUser) -> list[Kind]:
    """The kinds of record whose events the user may read, by name."""
    everything = user.has_perm(EVERY_OFFICE)
    kinds = [k for k in _kinds().values() if k.customer_field or k.office_fields or everything]
    return sorted(kinds, key=lambda k: k.name)


def audit_staff(user: User | AnonymousUser) -> QuerySet[User]:
    """Whose changes the user may filter by: every staff member for those who see every
    office, else the staff of the offices they may see and the administrators, who
    change records everywhere. Former staff stay: the log outlives their accounts."""
    staff = User.objects.all()
    if not user.has_perm(EVERY_OFFICE):
        offices = offices_visible_to(user)
        everywhere = User.objects.with_perm(EVERY_OFFICE, backend=MODEL_BACKEND)
        staff = staff.filter(
            Q(offices__in=offices)
            | Q(supervised_offices__in=offices)
            | Q(pk__in=everywhere.values("pk"))
        )
    return staff.distinct().order_by("last_name", "first_name", "username")


def audit_time_zone(user: User) -> zoneinfo.ZoneInfo:
    """The zone the page shows times in: the viewer's office (the one they work in, else
    the one they supervise), or the site's for staff of no office."""
    zone = (
        user.offices.order_by("pk").values_list("time_zone", flat=True).first()
        or user.supervised_offices.order_by("pk").values_list("time_zone", flat=True).first()
        or settings.TIME_ZONE
    )
    return zoneinfo.ZoneInfo(zone)


@dataclass(frozen=True)
class AuditFilters:
    staff: User | None = None
    customer_number: str = ""
    kind: str = ""  # a Kind's label
    since: datetime.date | None = None  # first day, in the viewer's zone
    until: datetime.date | None = None  # last day, in the viewer's zone


@dataclass(frozen=True)
class _Key:
    """Where an event sits in the newest-first order, and the customer it belongs to."""

    kind: Kind
    pgh_id: int
    created_at: datetime.datetime
    customer_id: int | None


def _midnight(day: datetime.date, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=zone)


def _branch(
    kind: Kind,
    user: User,
    filters: AuditFilters,
    zone: zoneinfo.ZoneInfo,
    after: _Key | None,
    customer_id: int | None,
) -> QuerySet | None:
    """One kind's event keys the user may read, filtered; None when none can match.
    `customer_id` is the customer the filters name, already found among those visible."""
    if filters.kind and filters.kind != kind.label:
        return None
    events = kind.events.objects.all()
    if kind.customer_field is None and not kind.office_fields:
        if filters.customer_number or not user.has_perm(EVERY_OFFICE):
            return None
    else:
        scope = Q(pk__in=[])
        if kind.customer_field:
            scope |= Q(**{f"{kind.customer_field}__in": customer_list_visible(user).values("pk")})
        for name in kind.office_fields:
            scope |= Q(**{f"{name}__in": offices_visible_to(user).values("pk")})
        events = events.filter(scope)
    if filters.customer_number:
        if not kind.customer_field:
            return None
        events = events.filter(**{f"{kind.customer_field}_id": customer_id})
    if filters.staff is not None:
        events = events.filter(pgh_context__metadata__user=filters.staff.pk)
    if filters.since:
        events = events.filter(pgh_created_at__gte=_midnight(filters.since, zone))
    if filters.until:
        next_day = filters.until + datetime.timedelta(days=1)
        events = events.filter(pgh_created_at__lt=_midnight(next_day, zone))
    if after is not None:
        # Newest first: later in the order means older, or as old and further down
        # the (kind, id) tie-break.
        older = Q(pgh_created_at__lt=after.created_at)
        if kind.number < after.kind.number:
            older |= Q(pgh_created_at=after.created_at)
        elif kind is after.kind:
            older |= Q(pgh_created_at=after.created_at, pgh_id__lt=after.pgh_id)
        events = events.filter(older)
    customer = (
        F(kind.customer_field)
        if kind.customer_field
        else Value(None, output_field=models.BigIntegerField())
    )
    return events.annotate(
        audit_kind=Value(kind.number, output_field=models.IntegerField()),
        audit_customer=customer,
    ).values_list("audit_kind", "pgh_id", "pgh_created_at", "audit_customer")


def _keys(
    user: User,
    filters: AuditFilters,
    zone: zoneinfo.ZoneInfo,
    *,
    offset: int = 0,
    limit: int,
    after: _Key | None = None,
) -> list[_Key]:
    # Filters that name nobody answer at once, not after a walk of the whole log.
    customer_id = None
    if filters.customer_number:
        # Only a customer the user may see: another office's number finds nothing.
        visible = customer_list_visible(user).filter(customer_number=filters.customer_number)
        customer_id = visible.values_list("pk", flat=True).first()
        if customer_id is None:
            return []
    if filters.staff and not Context.objects.filter(metadata__user=filters.staff.pk).exists():
        return []
    newest_first = ("-pgh_created_at", "-pgh_id")
    branches = [
        b.order_by(*newest_first)
        for b in (_branch(k, user, filters, zone, after, customer_id) for k in _kinds().values())
        if b is not None
    ]
    if len(branches) == 1:
        rows = branches[0][offset : offset + limit]
    elif branches:
        # Each kind's newest offset + limit events, then the newest of those: a kind's
        # events come off its time index and stop there, whatever the scope's filter.
        tops = [b[: offset + limit] for b in branches]
        union = tops[0].union(*tops[1:], all=True)
        rows = union.order_by("-pgh_created_at", "-audit_kind", "-pgh_id")[offset : offset + limit]
    else:
        return []
    by_number = {k.number: k for k in _kinds().values()}
    return [_Key(by_number[kind], *rest) for kind, *rest in rows]


@dataclass(frozen=True)
class AuditRow:
    """One event as the audit page and its CSV show it."""

    when: datetime.datetime  # in the viewer's zone
    who: str
    kind: str
    customer_number: str  # blank for a customer the viewer may not see, or none
    customer_elsewhere: bool  # the record's customer is of an office the viewer does not see
    action: str  # "Added", "Changed", "Removed"
    detail: str  # the record's name
    changes: list[Change]
    reason: str
    sentence: str  # "M. Lopez changed the phone number.": the row names the record


def _rows(user: User, keys: list[_Key], zone: zoneinfo.ZoneInfo) -> list[AuditRow]:
    """The events of `keys`, in their order, in words with PII masked: one query for
    the events, one for customer numbers, one per kind of record named. A customer the
    user may not see (the match of a duplicate check made in their office) goes unnamed."""
    if not keys:
        return []
    wanted: dict[Kind, list[int]] = {}
    for key in keys:
        wanted.setdefault(key.kind, []).append(key.pgh_id)
    which = Q(pk__in=[])
    for kind, ids in wanted.items():
        which |= Q(pgh_model=kind.events._meta.label, pgh_id__in=ids)
    events = {
        (e.pgh_model, e.pgh_id): e
        for e in pghistory.models.Events.objects.across(*(k.events for k in wanted)).filter(which)
    }
    numbers = dict(
        customer_list_visible(user)
        .filter(pk__in={k.customer_id for k in keys if k.customer_id})
        .values_list("pk", "customer_number")
        .order_by()
    )
    ordered = [events[(k.kind.events._meta.label, k.pgh_id)] for k in keys]
    # A record of no customer (a row of the service matrix) is named by what it is.
    names: dict[tuple[Kind, str], str] = {}
    for kind in wanted:
        if kind.customer_field is None and not kind.office_fields:
            ids = {e.pgh_obj_id for e in ordered if e.pgh_model == kind.events._meta.label}
            records = kind.events.pgh_tracked_model._default_manager.in_bulk(ids)
            names.update({(kind, str(pk)): str(record) for pk, record in records.items()})
    with timezone.override(zone):  # moments in the changes read in the viewer's zone
        described = describe_events(ordered, hide_links_to=(Customer,), mask_pii=True)
    rows = []
    for key, words in zip(keys, described, strict=True):
        rows.append(
            AuditRow(
                when=words.when.astimezone(zone),
                who=words.who,
                kind=key.kind.name,
                customer_number=numbers.get(key.customer_id, ""),
                customer_elsewhere=bool(key.customer_id) and key.customer_id not in numbers,
                action=words.verb.capitalize(),
                detail=names.get((key.kind, words.event.pgh_obj_id), words.detail),
                changes=words.changes,
                reason=words.reason,
                sentence=words.sentence(named=False),
            )
        )
    return rows


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def audit_page(
    user: User, filters: AuditFilters, *, zone: zoneinfo.ZoneInfo, number: int = 1
) -> AuditPage:
    """A page of the update log, newest first. Its length is fixed; the total is not
    counted (counting the whole log would cost more than the page)."""
    number = max(number, 1)
    keys = _keys(user, filters, zone, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1)
    return AuditPage(_rows(user, keys[:PAGE_SIZE], zone), number, has_next=len(keys) > PAGE_SIZE)


def audit_export_too_large(user: User, filters: AuditFilters, *, zone: zoneinfo.ZoneInfo) -> bool:
    """True when more events match than one export carries."""
    return bool(_keys(user, filters, zone, offset=EXPORT_MAX_ROWS, limit=1))


def audit_export_rows(
    user: User, filters: AuditFilters, *, zone: zoneinfo.ZoneInfo, chunk: int = 500
) -> Iterator[AuditRow]:
    """Every matching event, newest first, read a chunk at a time from where the last
    one ended (not by offset), so each chunk costs the same."""
    after = None
    while True:
        keys = _keys(user, filters, zone, limit=chunk, after=after)
        yield from _rows(user, keys, zone)
        if len(keys) < chunk:
            return
        after = keys[-1]
