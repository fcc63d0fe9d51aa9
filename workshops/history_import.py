"""Writes that bring a board's workshop history in as it stands, for the legacy import
(`bulkdata.legacy_import`) only.

The forms schedule forward: a session or appointment is dated within 60 days back and a
year ahead, nobody is booked into a session that is over, attendance is entered on the
sheet (which records each attendee's service), a status changes one step at a time.
History has already happened: a session held two years ago with its roster marked, an
appointment missed last spring. These functions write such a state directly, once, and
each says what it sets that no form would.

They still refuse what cannot have happened (`refuse`, field by field, as the services
do): an end before the start, a facilitator or a staff member who is not of the office,
a capacity out of range, attendance of a session not held or in the future, an attended
booking without the service its attendance recorded, or with another customer's.
Whatever the old system knew of who entered a mark or a sheet, and when, is not in the
files: the facilitator is taken as having entered them when the session ended (see
`_ended`), so that a no-show is followed up by a contact dated after it, as in the
product.
"""

import datetime
import zoneinfo

from django.db import transaction
from django.utils import timezone

from casemgmt.clock import today
from casemgmt.errors import refuse
from casemgmt.models import Office, User
from customers.models import Customer
from services.models import ServiceRecord
from workshops.models import (
    Appointment,
    AppointmentStatus,
    Attendance,
    Booking,
    BookingStatus,
    Session,
    SessionStatus,
    Workshop,
)
from workshops.rules import capacity_problem, end_time_problem, not_happened_problem


def _ended(office: Office, on: datetime.date, ends_at: datetime.time) -> datetime.datetime:
    """When a session or appointment ended, in its office's time zone; now, if that is
    still ahead (a session held earlier today)."""
    moment = datetime.datetime.combine(on, ends_at, tzinfo=zoneinfo.ZoneInfo(office.time_zone))
    return min(moment, timezone.now())


@transaction.atomic
def session_restore(
    *,
    legacy_id: str,
    workshop: Workshop,
    office: Office,
    on: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    facilitator: User,
    capacity: int,
    status: str,
    created_by: User,
    room: str = "",
    meeting_link: str = "",
    cancel_reason: str = "",
) -> Session:
    """A session as the old system left it, on any date, retired workshops included.

    Set directly: the status. A held session has its attendance sheet submitted, by its
    facilitator, when it ended; the marks come with its bookings (`booking_restore`).
    A scheduled session in the past is one whose sheet is still to do.
    """
    problems = []
    for name, problem in (
        ("ends_at", end_time_problem(starts_at, ends_at)),
        ("capacity", capacity_problem(capacity)),
    ):
        if problem:
            problems.append((name, problem))
    if not facilitator.offices.filter(pk=office.pk).exists():
        problems.append(("facilitator", "The facilitator does not work in this office."))
    if status == SessionStatus.HELD:
        problem = not_happened_problem(on, today=today(office.time_zone), what="session")
        if problem:
            problems.append(("status", f"{problem} A held session is on or before today."))
    if cancel_reason.strip() and status != SessionStatus.CANCELLED:
        problems.append(("cancel_reason", "Only a cancelled session has a cancel reason."))
    refuse(problems)
    held = status == SessionStatus.HELD
    return Session.objects.create(
        legacy_id=legacy_id,
        workshop=workshop,
        office=office,
        on=on,
        starts_at=starts_at,
        ends_at=ends_at,
        facilitator=facilitator,
        capacity=capacity,
        room=room.strip(),
        meeting_link=meeting_link.strip(),
        status=status,
        cancel_reason=cancel_reason.strip(),
        created_by=created_by,
        sheet_submitted_at=_ended(office, on, ends_at) if held else None,
        sheet_submitted_by=facilitator if held else None,
    )


def booking_problems(
    *,
    session: Session,
    customer: Customer,
    status: str,
    attendance: str,
    service: ServiceRecord | None,
) -> list[tuple[str, str]]:
    """What makes a booking impossible in its session: attendance only on a booked
    customer of a held session (and on each of them), the service of an attended
    booking and of no other, a cancelled session's bookings cancelled too."""
    problems = []
    if session.status == SessionStatus.CANCELLED and status != BookingStatus.CANCELLED:
        problems.append(("status", "The session was cancelled: its bookings are cancelled too."))
    if attendance:
        if session.status != SessionStatus.HELD:
            problems.append(
                (
                    "attendance",
                    f"Attendance is entered for a held session; this one is "
                    f"{session.get_status_display().lower()}.",
                )
            )
        elif status != BookingStatus.BOOKED:
            problems.append(
                (
                    "attendance",
                    f"Only a booked customer or a walk-in has attendance; this booking is "
                    f"{BookingStatus(status).label.lower()}.",
                )
            )
    elif session.status == SessionStatus.HELD and status == BookingStatus.BOOKED:
        problems.append(
            (
                "attendance",
                "The attendance of this session is in: a booked customer is marked attended, "
                "no-show or excused.",
            )
        )
    if attendance == Attendance.ATTENDED and service is None:
        problems.append(
            (
                "service",
                "An attended booking links the service its attendance recorded (the "
                f"workshop's {session.workshop.activity.code} with its case note).",
            )
        )
    if service is not None:
        if attendance != Attendance.ATTENDED:
            problems.append(("service", "Only an attended booking links a service."))
        elif service.customer_id != customer.pk:
            problems.append(("service", "The service belongs to another customer."))
        elif Booking.objects.filter(service=service).exists():
            problems.append(("service", "The service is linked to another booking already."))
    return problems


@transaction.atomic
def booking_restore(
    *,
    session: Session,
    customer: Customer,
    status: str,
    booked_by: User,
    walk_in: bool = False,
    attendance: str = "",
    service: ServiceRecord | None = None,
    reason: str = "",
) -> Booking:
    """A customer's booking as the old system left it, in any session, past ones included.

    Set directly: the status (no seat count and no waiting-list promotion: the file says
    who had a seat), the walk-in flag, and the attendance with the service it recorded,
    linked rather than recorded again (it comes with the customer's services). A mark is
    entered by the session's facilitator when the session ended.
    """
    refuse(
        booking_problems(
            session=session,
            customer=customer,
            status=status,
            attendance=attendance,
            service=service,
        )
    )
    return Booking.objects.create(
        session=session,
        customer=customer,
        status=status,
        walk_in=walk_in,
        booked_by=booked_by,
        reason=reason.strip(),
        attendance=attendance,
        service=service,
        marked_by=session.facilitator if attendance else None,
        marked_at=_ended(session.office, session.on, session.ends_at) if attendance else None,
    )


@transaction.atomic
def appointment_restore(
    *,
    customer: Customer,
    with_user: User,
    on: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    purpose: str,
    status: str,
    booked_by: User,
    place: str = "",
    meeting_link: str = "",
    what_to_bring: str = "",
    reason: str = "",
) -> Appointment:
    """An appointment as the old system left it, on any date, at the customer's office.

    Set directly: the status. A kept, missed or cancelled appointment changed status
    when it ended (or now, if that is still ahead), so that a miss is followed up by a
    contact dated after it, as in the product.
    """
    problems = []
    problem = end_time_problem(starts_at, ends_at)
    if problem:
        problems.append(("ends_at", problem))
    if not with_user.offices.filter(pk=customer.office_id).exists():
        problems.append(("with_user", "Choose a staff member of the customer's office."))
    if not purpose.strip():
        problems.append(("purpose", "Say what the appointment is for."))
    if status in (AppointmentStatus.KEPT, AppointmentStatus.MISSED):
        problem = not_happened_problem(
            on, today=today(customer.office.time_zone), what="appointment"
        )
        if problem:
            problems.append(("status", f"{problem} Only a past appointment is kept or missed."))
    refuse(problems)
    return Appointment.objects.create(
        customer=customer,
        office=customer.office,
        with_user=with_user,
        on=on,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose.strip(),
        place=place.strip(),
        meeting_link=meeting_link.strip(),
        what_to_bring=what_to_bring.strip(),
        status=status,
        reason=reason.strip(),
        booked_by=booked_by,
        status_changed_at=(
            _ended(customer.office, on, ends_at) if status != AppointmentStatus.SCHEDULED else None
        ),
    )
