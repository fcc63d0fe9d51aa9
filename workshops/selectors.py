"""Scoped reads of sessions, rosters, appointments and the follow-ups they leave.

Who sees a session: staff of its office (planners schedule their customers into it),
its supervisors, administrators; a facilitator without the customer file sees only the
sessions they run, and of the customers only names and customer numbers (SPEC 1).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from casemgmt.access import offices_visible_to
from casemgmt.models import User
from casenotes.models import CaseNote
from customers.models import Customer
from workshops.models import (
    Appointment,
    AppointmentStatus,
    Attendance,
    Booking,
    BookingStatus,
    Session,
)

FOLLOW_UP_DAYS = 30  # misses older than this leave the lists


def sees_case_files(user: User | AnonymousUser) -> bool:
    return user.has_perm("customers.view_customer")


def sessions_visible(user: User | AnonymousUser) -> QuerySet[Session]:
    sessions = Session.objects.filter(office__in=offices_visible_to(user))
    if not sees_case_files(user):
        sessions = sessions.filter(facilitator=user)
    return sessions


def session_get_visible(user: User | AnonymousUser, pk: int) -> Session:
    """A session the user may see, or 404 exactly as if it did not exist."""
    return get_object_or_404(
        sessions_visible(user).select_related("workshop__activity", "office", "facilitator"),
        pk=pk,
    )


def with_seats(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Sessions with their booked and waiting counts, in one query."""
    return sessions.annotate(
        booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)),
        waiting=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITING)),
    )


def roster(session: Session) -> list[Booking]:
    """The booked customers and walk-ins, then the waiting list, by name."""
    return list(
        session.bookings.exclude(status=BookingStatus.CANCELLED)
        .select_related("customer")
        .order_by("-status", "customer__last_name", "customer__first_name", "pk")
    )


def appointments_visible(user: User | AnonymousUser) -> QuerySet[Appointment]:
    return Appointment.objects.filter(customer__office__in=offices_visible_to(user))


@dataclass(frozen=True)
class FollowUp:
    """A no-show or a missed appointment nobody has followed up yet."""

    customer: Customer
    day: datetime.date
    what: str


def _not_followed_up(day_field: str, since_field: str) -> Exists:
    """A case note dated on or after the miss, entered after it was recorded, clears it."""
    return Exists(
        CaseNote.objects.filter(
            customer=OuterRef("customer"),
            contact_date__gte=OuterRef(day_field),
            entered_at__gte=OuterRef(since_field),
        )
    )


def follow_ups(customers: QuerySet[Customer], *, on: datetime.date) -> list[FollowUp]:
    """No-shows and missed appointments of the last 30 days among `customers` that no
    contact has followed yet, newest first: two queries, however many."""
    since = on - datetime.timedelta(days=FOLLOW_UP_DAYS)
    no_shows = (
        Booking.objects.filter(
            customer__in=customers,
            attendance=Attendance.NO_SHOW,
            session__on__gte=since,
            session__on__lte=on,
        )
        .exclude(_not_followed_up("session__on", "marked_at"))
        .select_related("customer__office", "customer__career_planner", "session__workshop")
    )
    missed = (
        Appointment.objects.filter(
            customer__in=customers, status=AppointmentStatus.MISSED, on__gte=since, on__lte=on
        )
        .exclude(_not_followed_up("on", "status_changed_at"))
        .select_related("customer__office", "customer__career_planner", "with_user")
    )
    items = [
        FollowUp(b.customer, b.session.on, f"No-show: {b.session.workshop.title}") for b in no_shows
    ] + [
        FollowUp(
            a.customer,
            a.on,
            f"Missed appointment with {a.with_user.get_full_name() or a.with_user.username}",
        )
        for a in missed
    ]
    return sorted(items, key=lambda item: (item.day, item.customer.pk), reverse=True)
