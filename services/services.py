"""Every write to service records, each in a transaction, each through the rules."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from casemgmt.clock import today
from casemgmt.conflicts import bump, lock_for_edit
from casemgmt.entry import entered_late, entry_date, entry_deadline_days
from casemgmt.errors import refuse
from casemgmt.models import Policy, User
from casenotes.models import NoteType
from casenotes.services import casenote_create, casenote_problems
from customers.models import Barrier, Customer, Status
from services.models import Activity, CompletionStatus, Provider, ServiceRecord
from services.rules import ServiceDraft, service_correction_problem, service_problems

if TYPE_CHECKING:
    from plans.models import Goal


@dataclass(frozen=True)
class NoteDraft:
    """The case note written in the same form as a service."""

    subject: str
    body: str
    contact_method: str
    two_way: bool
    note_type: str = NoteType.GENERAL
    legacy_id: str | None = None


def _entry_date(customer: Customer, at: datetime.datetime) -> datetime.date:
    return entry_date(customer.office, at)


def _late(customer: Customer, *, event_date: datetime.date, at: datetime.datetime) -> bool:
    return entered_late(
        event_date=event_date,
        entered_on=_entry_date(customer, at),
        deadline_days=entry_deadline_days(customer.office),
    )


@transaction.atomic
def service_record_create(
    *,
    customer: Customer,
    activity: Activity,
    started_on: datetime.date,
    entered_by: User,
    start_is_projected: bool = False,
    planned_end_on: datetime.date | None = None,
    ended_on: datetime.date | None = None,
    completion_status: str = "",
    barriers: Iterable[Barrier] = (),
    provider: str = Provider.OFFICE,
    provider_name: str = "",
    weekly_hours: Decimal | None = None,
    dollar_value: Decimal | None = None,
    notes: str = "",
    goal: "Goal | None" = None,
    note: NoteDraft | None = None,
    entered_at: datetime.datetime | None = None,
    legacy_id: str | None = None,
) -> ServiceRecord:
    """Record a service under the rules of the matrix.

    A same-day service needs its case note in the same submission: both are saved or
    neither. The first enrolling service makes an applicant a participant. A service
    entered more than 10 days after its start date is marked late.
    """
    entered_at = entered_at or timezone.now()
    entered_on = _entry_date(customer, entered_at)
    if activity.same_day and completion_status == "" and ended_on is not None:
        completion_status = CompletionStatus.SUCCESSFUL
    problems = service_problems(
        ServiceDraft(
            customer=customer,
            activity=activity,
            started_on=started_on,
            start_is_projected=start_is_projected,
            ended_on=ended_on,
            completion_status=completion_status,
            planned_end_on=planned_end_on,
            weekly_hours=weekly_hours,
            dollar_value=dollar_value,
        ),
        today=max(today(customer.office.time_zone), entered_on),
    )
    if activity.same_day and note is None:
        problems.append(
            (
                "note",
                f"{activity.title} ({activity.code}) is a same-day service: write its case note in the same form.",
            )
        )
    if note is not None:
        problems += [
            (f"note_{field}", message)
            for field, message in casenote_problems(
                customer=customer,
                contact_date=started_on,
                subject=note.subject,
                body=note.body,
                service=None,
                note_type=note.note_type,
            )
        ]
    if goal is not None and goal.customer_id != customer.pk:
        problems.append(("goal", "The goal belongs to another customer's plan."))
    if provider == Provider.OUTSIDE and not provider_name.strip():
        problems.append(("provider_name", "Name the outside provider."))
    refuse(problems)

    record = ServiceRecord.objects.create(
        customer=customer,
        activity=activity,
        started_on=started_on,
        start_is_projected=start_is_projected,
        planned_end_on=planned_end_on,
        ended_on=ended_on,
        completion_status=completion_status,
        provider=provider,
        provider_name=provider_name.strip() if provider == Provider.OUTSIDE else "",
        weekly_hours=weekly_hours,
        dollar_value=dollar_value,
        notes=notes,
        goal=goal,
        entered_by=entered_by,
        entered_at=entered_at,
        entered_late=not start_is_projected
        and _late(customer, event_date=started_on, at=entered_at),
        closed_by=entered_by if ended_on else None,
        closed_at=entered_at if ended_on else None,
        legacy_id=legacy_id,
    )
    if barriers:
        record.barriers.set(barriers)
    if note is not None:
        casenote_create(
            customer=customer,
            author=entered_by,
            contact_date=started_on,
            subject=note.subject,
            body=note.body,
            contact_method=note.contact_method,
            two_way=note.two_way,
            note_type=note.note_type,
            service=record,
            entered_at=entered_at,
            legacy_id=note.legacy_id,
        )
    if (
        activity.extends_exit_window
        and not start_is_projected
        and customer.status == Status.APPLICANT
    ):
        customer.status = Status.PARTICIPANT
        customer.save(update_fields=["status", "updated_at"])
    return record


@transaction.atomic
def service_record_close(
    *, record: ServiceRecord, ended_on: datetime.date, completion_status: str, closed_by: User
) -> ServiceRecord:
    """Close an open service with its end date and completion status.

    Closing more than 10 days after the end date is marked late (10-day entry rule).
    """
    if not record.is_open:
        raise ValidationError("This service is already closed.")
    customer = record.customer
    now = timezone.now()
    refuse(
        service_problems(
            ServiceDraft(
                customer=customer,
                activity=record.activity,
                started_on=record.started_on,
                start_is_projected=record.start_is_projected,
                ended_on=ended_on,
                completion_status=completion_status,
                planned_end_on=record.planned_end_on,
                record_pk=record.pk,
            ),
            today=today(customer.office.time_zone),
        )
    )
    record.ended_on = ended_on
    record.completion_status = completion_status
    record.closed_by = closed_by
    record.closed_at = now
    record.closed_late = _late(customer, event_date=ended_on, at=now)
    bump(record)
    record.save()
    record.refresh_from_db()
    return record


@transaction.atomic
def service_record_reopen(
    *, record: ServiceRecord, reason: str, reopened_by: User
) -> ServiceRecord:
    """A supervisor reopens a closed service; the reason stays in the update log."""
    if record.is_open:
        raise ValidationError("This service is open already.")
    if record.activity.same_day:
        raise ValidationError(
            f"{record.activity.title} is a same-day service and cannot be left open. "
            "Correct it with a case note addendum instead."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for reopening the service."})
    record.ended_on = None
    record.completion_status = ""
    record.closed_by = None
    record.closed_at = None
    record.closed_late = False
    record.reopen_reason = reason.strip()
    bump(record)
    with pghistory.context(reason=reason.strip(), reopened_by=reopened_by.pk):
        record.save()
    record.refresh_from_db()
    return record


CORRECTABLE_FIELDS = [
    "activity",
    "started_on",
    "start_is_projected",
    "planned_end_on",
    "ended_on",
    "completion_status",
    "provider",
    "provider_name",
    "weekly_hours",
    "dollar_value",
    "notes",
    "goal",
]


def service_correction_allowed(*, record: ServiceRecord, user: User) -> str | None:
    """None when `user` may correct `record` today; else the reason they may not."""
    customer = record.customer
    return service_correction_problem(
        author_id=record.entered_by_id,
        entered_on=_entry_date(customer, record.entered_at),
        user_id=user.pk,
        may_correct_any=user.has_perm("services.correct_any_servicerecord"),
        on=today(customer.office.time_zone),
        window_days=Policy.for_region(customer.office.region_id).service_correction_days,
    )


@transaction.atomic
def service_record_correct(
    *,
    record: ServiceRecord,
    corrected_by: User,
    reason: str,
    fields: dict[str, object],
    barriers: Iterable[Barrier],
    expected_version: int | None = None,
) -> ServiceRecord:
    """Correct a wrong date, activity, hours or other detail of a recorded service.

    The service rules run again on the corrected record; the original values stay in the
    update log with the reason; an entry that was late stays late. An open service stays
    open and a closed one closed: closing and reopening have their own actions.
    """
    problem = service_correction_allowed(record=record, user=corrected_by)
    if problem:
        raise PermissionDenied(problem)
    if not reason.strip():
        refuse([("reason", "Give the reason for the correction; it is kept in the update log.")])
    record = lock_for_edit(ServiceRecord, record.pk, expected_version=expected_version)
    customer = record.customer
    new = {name: fields.get(name, getattr(record, name)) for name in CORRECTABLE_FIELDS}
    activity: Activity = new["activity"]  # type: ignore[assignment]
    if activity.same_day and new["ended_on"] is None and not new["start_is_projected"]:
        new["ended_on"] = new["started_on"]
    if activity.same_day and not new["completion_status"] and new["ended_on"] is not None:
        new["completion_status"] = CompletionStatus.SUCCESSFUL
    problems = service_problems(
        ServiceDraft(
            customer=customer,
            activity=activity,
            started_on=new["started_on"],  # type: ignore[arg-type]
            start_is_projected=bool(new["start_is_projected"]),
            ended_on=new["ended_on"],  # type: ignore[arg-type]
            completion_status=str(new["completion_status"] or ""),
            planned_end_on=new["planned_end_on"],  # type: ignore[arg-type]
            record_pk=record.pk,
            weekly_hours=new["weekly_hours"],  # type: ignore[arg-type]
            dollar_value=new["dollar_value"],  # type: ignore[arg-type]
        ),
        today=today(customer.office.time_zone),
    )
    if record.is_open and new["ended_on"] is not None and not activity.same_day:
        problems.append(("ended_on", "This service is open: close it with Close, not here."))
    if not record.is_open and new["ended_on"] is None:
        problems.append(
            (
                "ended_on",
                "This service is closed: keep an end date, or ask a supervisor to reopen it.",
            )
        )
    if activity.same_day and not record.case_notes.exists():
        problems.append(
            (
                "activity",
                f"{activity.title} ({activity.code}) is a same-day service and needs its case note: "
                "write the note first, then correct the service.",
            )
        )
    goal = new["goal"]
    if goal is not None and goal.customer_id != customer.pk:  # type: ignore[attr-defined]
        problems.append(("goal", "The goal belongs to another customer's plan."))
    if new["provider"] == Provider.OUTSIDE and not str(new["provider_name"] or "").strip():
        problems.append(("provider_name", "Name the outside provider."))
    refuse(problems)

    barriers = list(barriers)
    changed = [name for name in CORRECTABLE_FIELDS if new[name] != getattr(record, name)]
    if not changed and {b.pk for b in barriers} == set(
        record.barriers.values_list("pk", flat=True)
    ):
        raise ValidationError("Nothing was changed: the service already holds these values.")
    for name in changed:
        setattr(record, name, new[name])
    if new["provider"] != Provider.OUTSIDE:
        record.provider_name = ""
    # Late stays late: a correction never washes away the 10-day flag.
    record.entered_late = record.entered_late or (
        not record.start_is_projected
        and _late(customer, event_date=record.started_on, at=record.entered_at)
    )
    if record.closed_at is not None and record.ended_on is not None:
        record.closed_late = record.closed_late or _late(
            customer, event_date=record.ended_on, at=record.closed_at
        )
    if record.ended_on is not None and record.closed_at is None:  # a same-day correction
        record.closed_by, record.closed_at = corrected_by, timezone.now()
    bump(record)
    with pghistory.context(reason=f"Corrected: {reason.strip()}"):
        record.save()
        record.barriers.set(barriers)
    if (
        activity.extends_exit_window
        and not record.start_is_projected
        and customer.status == Status.APPLICANT
    ):
        customer.status = Status.PARTICIPANT
        customer.save(update_fields=["status", "updated_at"])
    record.refresh_from_db()
    return record
