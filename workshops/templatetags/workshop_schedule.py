"""The customer's schedule on the customer page: sessions booked and one-on-one
appointments, upcoming and past. A template tag, so the customers app shows it without
importing workshops; two queries, however many rows."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import template

from casemgmt.clock import today
from customers.models import Customer
from workshops.calendar import clock
from workshops.models import AppointmentStatus, Booking
from workshops.selectors import appointments_visible

register = template.Library()

PAST_SHOWN = 10  # the most recent past rows of each kind; older ones are counted


@dataclass
class Group:
    label: str
    rows: list = field(default_factory=list)
    older: int = 0  # rows not shown


def _split(rows: list, day_of: Callable[[Any], datetime.date], today: datetime.date) -> list[Group]:
    """Upcoming (from today, soonest first) and past (newest first, the latest ten)."""
    upcoming, past = Group("Upcoming"), Group("Past")
    for row in rows:
        (upcoming if day_of(row) >= today else past).rows.append(row)
    past.rows.reverse()
    past.older = max(len(past.rows) - PAST_SHOWN, 0)
    past.rows = past.rows[:PAST_SHOWN]
    return [group for group in (upcoming, past) if group.rows]


@register.filter
def time_of_day(value: datetime.time) -> str:
    return clock(value) if value else ""


@register.inclusion_tag("workshops/partials/customer_schedule.html", takes_context=True)
def customer_schedule(context: template.Context, customer: Customer) -> dict[str, object]:
    """The customer (fetched by the page through `customer_get_visible`) and what the
    user may see of their sessions and appointments."""
    user = context["request"].user
    show_sessions = user.has_perm("workshops.view_session")
    show_appointments = user.has_perm("workshops.view_appointment")
    day = today(customer.office.time_zone)
    sessions: list[Group] = []
    appointments: list[Group] = []
    if show_sessions:
        bookings = (
            Booking.objects.filter(customer=customer)
            .select_related("session__workshop")
            .order_by("session__on", "session__starts_at", "pk")
        )
        sessions = _split(list(bookings), lambda b: b.session.on, day)
    if show_appointments:
        rows = (
            appointments_visible(user)
            .filter(customer=customer)
            .select_related("with_user")
            .order_by("on", "starts_at", "pk")
        )
        appointments = _split(list(rows), lambda a: a.on, day)
    return {
        "customer": customer,
        "perms": context.get("perms"),
        "show_sessions": show_sessions,
        "show_appointments": show_appointments,
        "sessions": sessions,
        "appointments": appointments,
        "today": day,
        "scheduled": AppointmentStatus.SCHEDULED,
    }
