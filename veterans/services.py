"""Every write to veteran referrals, each in a transaction, each in the update log."""

import datetime

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from casemgmt.conflicts import bump, lock_for_edit
from casemgmt.entry import entry_date
from casemgmt.errors import refuse
from casemgmt.models import User
from casenotes.models import NoteType
from customers.models import Customer, Status
from customers.services import customer_reassign
from services.models import Activity
from services.services import NoteDraft, service_record_create
from veterans.models import OPEN_STATUSES, Assignment, ReferralStatus, VeteranReferral
from veterans.rules import (
    new_referral_reasons,
    referral_problems,
    significant_barriers,
    transition_problem,
    veteran_note_problems,
)

ACCEPTED = {
    Assignment.ASSIGNED: "Accepted the veteran referral as the customer's career planner",
    Assignment.CO_ASSIGNED: "Accepted the veteran referral, co-assigned beside the career planner",
}
ALREADY_OPEN = (
    "The customer was referred to the veteran representative a moment ago by someone else: "
    "one referral is open at a time."
)


def _open_referral(customer: Customer) -> VeteranReferral | None:
    return VeteranReferral.objects.filter(customer=customer, status__in=OPEN_STATUSES).first()


def referral_refer_if_eligible(*, customer_id: int) -> VeteranReferral | None:
    """Refer a customer who has become eligible: a veteran or eligible spouse with a
    significant barrier to employment that no earlier referral of theirs named.

    Safe to run any number of times, and twice at once: it refers nobody with a
    referral open (the partial unique index settles a race), nobody again for the same
    barriers, and no closed case. Returns the referral made, if any.
    """
    customer = Customer.objects.select_related("office").filter(pk=customer_id).first()
    if customer is None or customer.status == Status.CLOSED:
        return None
    reasons = significant_barriers(customer)
    if not reasons:
        return None
    earlier = list(
        VeteranReferral.objects.filter(customer=customer).values_list("pk", "status", "reasons")
    )
    named = {r for _, _, rs in earlier for r in rs}
    new = new_referral_reasons(reasons, named)
    if not new:
        return None
    open_pk = next((pk for pk, status, _ in earlier if status in OPEN_STATUSES), None)
    if open_pk is not None:
        # The open referral takes the new barriers: the representative sees them now,
        # and closing it does not bring the customer straight back to the queue.
        with transaction.atomic():
            stored = lock_for_edit(VeteranReferral, open_pk, expected_version=None)
            if not stored.is_open:  # closed a moment ago: the next save refers them again
                return None
            stored.reasons = [*stored.reasons, *(r for r in new if r not in stored.reasons)]
            _save(stored)  # in the request that changed the customer: its reason, if any
        return None
    try:
        with transaction.atomic():
            return VeteranReferral.objects.create(
                customer=customer, office=customer.office, reasons=reasons
            )
    except IntegrityError:  # another save referred them in the same moment
        return None


@transaction.atomic
def referral_create(*, customer: Customer, referred_by: User, issue: str) -> VeteranReferral:
    """A career planner refers a veteran or eligible spouse to the veteran representative:
    for their significant barriers to employment, or for a veteran-specific issue or
    question (seeds 000 and 004). One referral is open at a time."""
    reasons = significant_barriers(customer)
    refuse(
        referral_problems(
            customer=customer,
            open_referral=_open_referral(customer),
            reasons=reasons,
            issue=issue,
        )
    )
    try:
        with transaction.atomic():
            return VeteranReferral.objects.create(
                customer=customer,
                office=customer.office,
                reasons=reasons,
                issue=issue.strip(),
                referred_by=referred_by,
            )
    except IntegrityError:
        raise ValidationError(ALREADY_OPEN) from None


def _check_taker(referral: VeteranReferral, user: User) -> None:
    """Referrals are taken by the veteran representatives of the referral's office."""
    if not (
        user.has_perm("veterans.take_referral")
        and user.offices.filter(pk=referral.office_id).exists()
    ):
        raise PermissionDenied("Only a veteran representative of the office takes this referral.")


def _refuse_transition(referral: VeteranReferral, action: str) -> None:
    problem = transition_problem(referral.status, action)
    if problem:
        raise ValidationError(problem)


def _save(referral: VeteranReferral, reason: str = "") -> VeteranReferral:
    """Save with the reason for the update log. The events of a request share one
    context: a reason is given only where the whole request is this one action."""
    bump(referral)
    with pghistory.context(**({"reason": reason} if reason else {})):
        referral.save()
    referral.refresh_from_db()
    return referral


@transaction.atomic
def referral_accept(
    *, referral: VeteranReferral, user: User, assignment: str, expected_version: int | None
) -> VeteranReferral:
    """The veteran representative takes the referral: as the customer's career planner
    (the customer is reassigned to them, with the reason in the customer's update log),
    or co-assigned beside the career planner (kept on the referral)."""
    stored = lock_for_edit(VeteranReferral, referral.pk, expected_version=expected_version)
    _check_taker(stored, user)
    _refuse_transition(stored, "accept")
    if assignment not in Assignment.values:
        refuse(
            [("assignment", "Choose how you take the customer: as career planner or co-assigned.")]
        )
    reason = ACCEPTED[assignment]
    if assignment == Assignment.ASSIGNED:
        customer_reassign(
            customer=stored.customer, career_planner=user, reassigned_by=user, reason=reason
        )
    stored.status = ReferralStatus.ACCEPTED
    stored.accepted_by = user
    stored.accepted_at = timezone.now()
    stored.assignment = assignment
    return _save(stored, reason)


def veteran_note_body(
    *, referral: VeteranReferral, service_provided: str, detail_1: str, detail_2: str
) -> str:
    """The veteran service's case note, in the parts the note guide asks of it."""
    office = referral.office
    referred = f"referred on {entry_date(office, referral.referred_at):%m/%d/%Y}"
    referred += " automatically" if referral.is_automatic else f" by {referral.referred_by}"
    if referral.reasons:
        referred += f" (significant barriers: {', '.join(referral.reason_labels)})"
    if referral.issue:
        referred += f" about: {' '.join(referral.issue.split())}"
    if referral.accepted_at:
        referred += (
            f"; accepted by {referral.accepted_by} on "
            f"{entry_date(office, referral.accepted_at):%m/%d/%Y}"
        )
    return "\n".join(
        [
            f"Service provided: {' '.join(service_provided.split())}",
            f"Depth of service: {' '.join(detail_1.split())}",
            f"Depth of service (second detail): {' '.join(detail_2.split())}",
            f"Referral to veteran representative: {referred}.",
        ]
    )


@transaction.atomic
def referral_serve(
    *,
    referral: VeteranReferral,
    user: User,
    activity: Activity,
    served_on: datetime.date,
    service_provided: str,
    detail_1: str,
    detail_2: str,
    contact_method: str,
    two_way: bool,
    outcome_note: str = "",
    expected_version: int | None,
) -> VeteranReferral:
    """Record the veteran service of an accepted referral: the activity of the service
    matrix, under the same service rules as any other, with its case note dated the day
    of the service, describing the service and two details that show its depth.

    Every problem is refused in one round: the service rules' and the note's together.
    """
    stored = lock_for_edit(VeteranReferral, referral.pk, expected_version=expected_version)
    _check_taker(stored, user)
    _refuse_transition(stored, "serve")
    problems = veteran_note_problems(service=service_provided, detail_1=detail_1, detail_2=detail_2)
    customer = Customer.objects.select_related("office").get(pk=stored.customer_id)
    note = NoteDraft(
        subject=f"Veteran Services/{activity.title}",
        # A part left empty is refused above; a stand-in keeps the service rules from
        # naming it a second time.
        body=veteran_note_body(
            referral=stored,
            service_provided=service_provided or "-",
            detail_1=detail_1 or "-",
            detail_2=detail_2 or "-",
        ),
        contact_method=contact_method,
        two_way=two_way,
        note_type=NoteType.VETERAN,
    )
    record = None
    try:
        with transaction.atomic():
            record = service_record_create(
                customer=customer,
                activity=activity,
                started_on=served_on,
                ended_on=served_on if activity.same_day else None,
                entered_by=user,
                note=note,
            )
    except ValidationError as exc:
        found = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        problems += [(field, message) for field, messages in found.items() for message in messages]
    refuse(problems)  # undoes the service recorded above when the note's parts are missing
    stored.status = ReferralStatus.SERVED
    stored.service = record
    stored.outcome_note = outcome_note.strip()
    stored.closed_at = timezone.now()
    return _save(stored, f"Veteran service recorded: {activity.code} {activity.title}")


@transaction.atomic
def referral_close(
    *, referral: VeteranReferral, user: User, reason: str, expected_version: int | None
) -> VeteranReferral:
    """Close an open referral without a veteran service, with the reason (the customer
    declined, could not be reached, has no significant barrier after all)."""
    stored = lock_for_edit(VeteranReferral, referral.pk, expected_version=expected_version)
    _check_taker(stored, user)
    _refuse_transition(stored, "close")
    if not reason.strip():
        refuse([("reason", "Give the reason the referral closes without a veteran service.")])
    stored.status = ReferralStatus.CLOSED
    stored.outcome_note = reason.strip()
    stored.closed_at = timezone.now()
    return _save(stored, f"Closed without service: {reason.strip()}")
