"""Writes of the compliance app: planned gaps and undoing a soft exit."""

import datetime

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction

from casemgmt.clock import today
from casemgmt.conflicts import bump
from casemgmt.models import User
from compliance.engine import SOFT_EXIT_REASON
from compliance.models import PlannedGap
from customers.models import Customer, Status

UNDO_GRACE_DAYS = 14


@transaction.atomic
def planned_gap_create(
    *,
    customer: Customer,
    reason: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    created_by: User,
) -> PlannedGap:
    """A planned gap in service postpones the soft exit until its end date."""
    if not reason.strip():
        raise ValidationError(
            {
                "reason": "Give the reason for the gap, for example: waiting for the training start date."
            }
        )
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The gap ends before it starts."})
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
        ends_on=day + datetime.timedelta(days=UNDO_GRACE_DAYS),
        created_by=undone_by,
    )
    return customer
