"""Every write to service records, each in a transaction, each through the rules."""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casemgmt.clock import today
from casemgmt.errors import refuse
from casemgmt.models import User
from casenotes.models import NoteType
from casenotes.services import casenote_create, casenote_problems
from customers.models import Barrier, Customer, Status
from services.models import Activity, CompletionStatus, Provider, ServiceRecord
from services.rules import ServiceDraft, entered_late, service_problems

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
    return timezone.localtime(at, timezone=zoneinfo.ZoneInfo(customer.office.time_zone)).date()


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
        and entered_late(event_date=started_on, entered_on=entered_on),
        closed_by=entered_by if ended_on else None,
        closed_at=entered_at if ended_on else None,
        legacy_id=legacy_id,
    )
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
    record.closed_late = entered_late(event_date=ended_on, entered_on=_entry_date(customer, now))
    record.save()
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
    with pghistory.context(reason=reason.strip(), reopened_by=reopened_by.pk):
        record.save()
    return record
