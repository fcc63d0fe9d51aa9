"""Every scoped read of veteran referrals.

Who sees which referrals: a veteran representative (`veterans.take_referral`) takes
those of the offices they work in; a supervisor reads those of the offices they
supervise, and an administrator (`casemgmt.view_all_offices`) those of every office.
Anyone else sees none; another office's referral answers 404, as a missing one.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Q, QuerySet, When
from django.shortcuts import get_object_or_404

from casemgmt.access import offices_visible_to
from casemgmt.clock import today_by_zone
from casemgmt.entry import entry_date
from casemgmt.models import Office, User
from customers.models import Customer, Status
from customers.selectors import customer_list_visible
from veterans.models import OPEN_STATUSES, Assignment, ReferralStatus, VeteranReferral

QUEUE_ROWS = 100  # rows of each list; the counts say how many there are in all
TAKE = "veterans.take_referral"


def _takes(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(TAKE)


def offices_taking(user: User | AnonymousUser) -> QuerySet[Office]:
    """The offices whose referrals the user takes: a veteran representative's own."""
    if not _takes(user):
        return Office.objects.none()
    return Office.objects.filter(staff=user)


def offices_reading(user: User | AnonymousUser) -> QuerySet[Office]:
    """The offices whose referrals the user reads without taking them: a supervisor's,
    or every office for an administrator."""
    if not user.is_authenticated or not user.is_active:
        return Office.objects.none()
    if user.has_perm("casemgmt.view_all_offices"):
        return offices_visible_to(user)
    return Office.objects.filter(supervisors=user)


def may_see_referrals(user: User | AnonymousUser) -> bool:
    """A veteran representative of an office, or a reader of one (the queue's access)."""
    return offices_taking(user).exists() or offices_reading(user).exists()


def referral_list_visible(user: User | AnonymousUser) -> QuerySet[VeteranReferral]:
    """The one answer to "which referrals may this user see"."""
    return VeteranReferral.objects.filter(
        Q(office__in=offices_taking(user).values("pk"))
        | Q(office__in=offices_reading(user).values("pk"))
    )


def referral_get_visible(user: User | AnonymousUser, pk: int) -> VeteranReferral:
    return get_object_or_404(
        referral_list_visible(user).select_related(
            "customer__office",
            "customer__career_planner",
            "office",
            "referred_by",
            "accepted_by",
            "service__activity",
        ),
        pk=pk,
    )


def referral_may_take(user: User | AnonymousUser, referral: VeteranReferral) -> bool:
    return offices_taking(user).filter(pk=referral.office_id).exists()


def referral_get_to_take(user: User | AnonymousUser, pk: int) -> VeteranReferral:
    """A referral the user takes: 404 if they cannot see it, 403 if they only read it."""
    referral = referral_get_visible(user, pk)
    if not referral_may_take(user, referral):
        raise PermissionDenied("Only a veteran representative of the office takes this referral.")
    return referral


@dataclass(frozen=True)
class Queue:
    waiting: list[VeteranReferral]  # oldest first
    accepted: list[VeteranReferral]  # the user's own; a reader's: all of their offices'
    waiting_count: int
    accepted_count: int
    takes: bool  # the user takes referrals (else reads them)


def referral_queue(user: User | AnonymousUser) -> Queue:
    """The veteran representative's queue: the waiting referrals of their offices, oldest
    first, and the ones they accepted; a supervisor reads their offices' waiting and
    accepted referrals. Four queries, however many rows."""
    takes = _takes(user)
    visible = referral_list_visible(user)
    mine = Q(accepted_by=user) if takes else Q(pk__in=[])
    accepted = Q(status=ReferralStatus.ACCEPTED) & (
        mine | Q(office__in=offices_reading(user).values("pk"))
    )
    counts = visible.aggregate(
        waiting=Count("pk", filter=Q(status=ReferralStatus.WAITING)),
        accepted=Count("pk", filter=accepted),
    )
    related = ("customer__career_planner", "office", "referred_by", "accepted_by")
    waiting = list(
        visible.filter(status=ReferralStatus.WAITING)
        .select_related(*related)
        .order_by("referred_at", "pk")[:QUEUE_ROWS]
    )
    taken = list(
        visible.filter(accepted).select_related(*related).order_by("accepted_at", "pk")[:QUEUE_ROWS]
    )
    _mark_days_waiting(waiting)
    taking = set(offices_taking(user).values_list("pk", flat=True)) if takes else set()
    for referral in waiting + taken:
        referral.may_take = referral.office_id in taking  # type: ignore[attr-defined]
    return Queue(waiting, taken, counts["waiting"], counts["accepted"], takes)


def _mark_days_waiting(referrals: list[VeteranReferral]) -> None:
    """Each waiting referral's days in the queue, counted on its office's calendar."""
    days = today_by_zone({r.office.time_zone for r in referrals})
    for referral in referrals:
        referred_on = entry_date(referral.office, referral.referred_at)
        referral.days_waiting = (days[referral.office.time_zone] - referred_on).days  # type: ignore[attr-defined]


def co_assigned_customers(user: User | AnonymousUser) -> QuerySet[Customer]:
    """The customers a veteran representative works with beside their career planner:
    a referral they accepted as co-assigned (and have not closed), of a case still open."""
    if not user.is_authenticated:
        return Customer.objects.none()
    return (
        customer_list_visible(user)
        .filter(
            pk__in=VeteranReferral.objects.filter(
                accepted_by=user,
                assignment=Assignment.CO_ASSIGNED,
                status__in=[ReferralStatus.ACCEPTED, ReferralStatus.SERVED],
            ).values("customer_id")
        )
        .exclude(status=Status.CLOSED)
        .select_related("office", "career_planner")
        .order_by("last_name", "first_name", "pk")
    )


def referral_latest_for(customer: Customer) -> VeteranReferral | None:
    """The customer's open referral, or else their latest; for a customer already
    fetched through `customer_get_visible`."""
    return (
        VeteranReferral.objects.filter(customer=customer)
        .select_related("referred_by", "accepted_by", "service__activity")
        .annotate(
            closed_last=Case(When(status__in=OPEN_STATUSES, then=0), default=1),
        )
        .order_by("closed_last", "-referred_at", "-pk")
        .first()
    )
