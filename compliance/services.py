"""Writes of the compliance app: planned gaps and undoing a soft exit."""

import datetime

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction

from casemgmt.clock import today
from casemgmt.conflicts import bump
from casemgmt.errors import refuse
from casemgmt.models import Policy, User
from compliance.engine import SOFT_EXIT_REASON
from compliance.models import PlannedGap
from customers.models import Customer, Status
from customers.rules import EARLIEST_RECORD_DATE, date_bound_problem, fmt, years_after

UNDO_GRACE_DAYS = 14
# A gap is planned for what is known: it starts at most a year from today.
GAP_START_MAX_YEARS = 1


def planned_gap_problems(
    *,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    certification_date: datetime.date | None,
    today: datetime.date,
    max_days: int,
) -> list[tuple[str, str]]:
    """A planned gap starts on or after the certification date and at most a year from
    today, ends on or after its start, and lasts at most the region's maximum: ending
    `max_days` after its start is allowed, a day later is not. Without a bound the soft
    exit would wait forever."""
    problems = []
    earliest, earliest_is = (
        (certification_date, "the certification date")
        if certification_date
        else (EARLIEST_RECORD_DATE, "")
    )
    problem = date_bound_problem(
        "The start of the gap",
        starts_on,
        earliest=earliest,
        earliest_is=earliest_is,
        latest=years_after(today, GAP_START_MAX_YEARS),
        latest_is="one year from today",
    )
    if problem:
        problems.append(("starts_on", problem))
    if starts_on is None or ends_on is None or problems:
        return problems
    if ends_on < starts_on:
        problems.append(("ends_on", "The gap ends before it starts."))
    elif (ends_on - starts_on).days > max_days:
        problems.append(
            (
                "ends_on",
                f"A planned gap lasts at most {max_days} days, the region's policy: "
                f"this one ends {(ends_on - starts_on).days} days after it starts. "
                f"End it by {fmt(starts_on + datetime.timedelta(days=max_days))}.",
            )
        )
    return problems


@transaction.atomic
def planned_gap_create(
    *,
    customer: Customer,
    reason: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    created_by: User,
) -> PlannedGap:
    """A planned gap in service postpones the soft exit until its end date (within the
    bounds of `planned_gap_problems`)."""
    if not reason.strip():
        raise ValidationError(
            {
                "reason": "Give the reason for the gap, for example: waiting for the training start date."
            }
        )
    refuse(
        planned_gap_problems(
            starts_on=starts_on,
            ends_on=ends_on,
            certification_date=customer.certification_date,
            today=today(customer.office.time_zone),
            max_days=Policy.for_region(customer.office.region_id).planned_gap_max_days,
        )
    )
    return PlannedGap.objects.create(
        customer=customer,
        reason=reason.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=created_by,
    )


@transaction.atomic
def soft_exit_undo(*, customer: Customer, reason: str, undone_by: User) -> Customer:
    """A supervisor undoes a soft exit with a reason. The customer returns to participant
    with a 14-day planned gap, so the next evaluation does not exit them again before
    the missing service is recorded."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.status != Status.EXITED or customer.exit_reason != SOFT_EXIT_REASON:
        raise ValidationError("Only a soft exit can be undone here.")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for undoing the soft exit."})
    day = today(customer.office.time_zone)
    # The grace period is a gap like any other: never longer than the region allows.
    grace = min(UNDO_GRACE_DAYS, Policy.for_region(customer.office.region_id).planned_gap_max_days)
    with pghistory.context(reason=f"Soft exit undone: {reason.strip()}"):
        customer.status = Status.PARTICIPANT
        customer.exit_date = None
        customer.exit_reason = ""
        bump(customer)
        customer.save(
            update_fields=["status", "exit_date", "exit_reason", "updated_at", "lock_version"]
        )
        customer.refresh_from_db(fields=["lock_version"])
    planned_gap_create(
        customer=customer,
        reason=f"Soft exit undone: {reason.strip()}",
        starts_on=day,
        ends_on=day + datetime.timedelta(days=grace),
        created_by=undone_by,
    )
    return customer
