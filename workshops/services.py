"""Every write to workshops, sessions, bookings, attendance and appointments.

Attendance goes into each attendee's file through the same service and case-note rules
as a planner's entry (`services.services.service_record_create`); a sheet saves every
row or none. Edits of a session or appointment compare the version the form was opened
at (`casemgmt.conflicts`).
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from casemgmt.clock import today
from casemgmt.conflicts import bump, lock_for_edit
from casemgmt.errors import refuse
from casemgmt.models import Office, Policy, User
from casenotes.models import CaseNote, ContactMethod, NoteType
from casenotes.services import casenote_add_addendum
from customers.models import Customer
from services.models import CompletionStatus
from services.services import NoteDraft, service_record_correct, service_record_create
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
from workshops.rules import (
    capacity_problem,
    has_room,
    overlaps,
    schedule_problems,
    series_problem,
)

# --- Sessions ----------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    workshop: Workshop,
    office: Office,
    on: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    facilitator: User,
    capacity: int,
    created_by: User,
    room: str = "",
    meeting_link: str = "",
    weeks: int = 1,
) -> list[Session]:
    """Schedule a session, or a weekly series of `weeks` sessions in one step."""
    problems = schedule_problems(
        on=on, starts_at=starts_at, ends_at=ends_at, today=today(office.time_zone)
    )
    for name, problem in (
        ("capacity", capacity_problem(capacity)),
        ("weeks", series_problem(weeks)),
    ):
        if problem:
            problems.append((name, problem))
    if not workshop.active:
        problems.append(("workshop", "This workshop is retired; choose an active one."))
    if not facilitator.offices.filter(pk=office.pk).exists():
        problems.append(("facilitator", "The facilitator does not work in this office."))
    if not room.strip() and not meeting_link.strip():
        problems.append(("room", "Give the room, or a virtual meeting link."))
    refuse(problems)
    series = uuid.uuid4() if weeks > 1 else None
    return [
        Session.objects.create(
            workshop=workshop,
            office=office,
            on=on + datetime.timedelta(weeks=week),
            starts_at=starts_at,
            ends_at=ends_at,
            facilitator=facilitator,
            capacity=capacity,
            room=room.strip(),
            meeting_link=meeting_link.strip(),
            series=series,
            created_by=created_by,
        )
        for week in range(weeks)
    ]


@transaction.atomic
def session_cancel(
    *, session: Session, reason: str, user: User, expected_version: int | None
) -> Session:
    """Cancel a session that has not been held; its bookings stay, marked cancelled."""
    session = lock_for_edit(Session, session.pk, expected_version=expected_version)
    if not reason.strip():
        refuse([("reason", "Say why the session is cancelled; the customers' planners see it.")])
    if session.is_submitted:
        refuse([("reason", "The attendance of this session is in; it cannot be cancelled.")])
    if session.status == SessionStatus.CANCELLED:
        refuse([("reason", f"This session was cancelled already: {session.cancel_reason}")])
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason.strip()
    bump(session)
    session.save(update_fields=["status", "cancel_reason", "lock_version"])
    session.bookings.exclude(status=BookingStatus.CANCELLED).update(
        status=BookingStatus.CANCELLED,
        reason=f"Session cancelled: {reason.strip()}"[:200],
        lock_version=F("lock_version") + 1,
    )
    session.refresh_from_db()
    return session


# --- Bookings ----------------------------------------------------------------------


def _busy(
    customer: Customer,
    on: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    *,
    not_session: int | None = None,
    not_appointment: int | None = None,
) -> list[str]:
    """What else the customer is booked for at an overlapping time that day."""
    clashes = []
    for booking in (
        Booking.objects.filter(customer=customer, session__on=on, status=BookingStatus.BOOKED)
        .exclude(session__status=SessionStatus.CANCELLED)
        .exclude(session_id=not_session)
        .select_related("session__workshop")
    ):
        s = booking.session
        if overlaps(starts_at, ends_at, s.starts_at, s.ends_at):
            clashes.append(f"{s.workshop.title} {s.starts_at:%I:%M %p}-{s.ends_at:%I:%M %p}")
    for appointment in Appointment.objects.filter(
        customer=customer, on=on, status=AppointmentStatus.SCHEDULED
    ).exclude(pk=not_appointment):
        if overlaps(starts_at, ends_at, appointment.starts_at, appointment.ends_at):
            clashes.append(
                f"an appointment {appointment.starts_at:%I:%M %p}-{appointment.ends_at:%I:%M %p}"
            )
    return clashes


def overlap_warning(clashes: list[str]) -> str:
    return (
        "The customer is also booked at an overlapping time that day: " + "; ".join(clashes) + "."
        if clashes
        else ""
    )


@dataclass
class Booked:
    booking: Booking
    warning: str = ""


@transaction.atomic
def booking_create(*, session: Session, customer: Customer, booked_by: User) -> Booked:
    """Book the customer into the session, or onto its waiting list when it is full.
    A booking at a time the customer is busy is made, with a warning to pass on."""
    session = Session.objects.select_for_update().select_related("workshop").get(pk=session.pk)
    problems = []
    if session.status != SessionStatus.SCHEDULED or session.is_submitted:
        problems.append(
            (
                "session",
                f"This session is {session.get_status_display().lower()}; choose a scheduled one.",
            )
        )
    elif session.on < today(session.office.time_zone):
        problems.append(("session", "This session is over; choose a later one."))
    if not session.workshop.open_to(customer):
        problems.append(
            (
                "session",
                f"{session.workshop.title} is open to {', '.join(session.workshop.program_labels)} customers only.",
            )
        )
    existing = Booking.objects.filter(session=session, customer=customer).first()
    if existing is not None and existing.status != BookingStatus.CANCELLED:
        problems.append(
            (
                "session",
                f"The customer is already on this session ({existing.get_status_display().lower()}).",
            )
        )
    refuse(problems)
    warning = overlap_warning(
        _busy(customer, session.on, session.starts_at, session.ends_at, not_session=session.pk)
    )
    seated = session.bookings.filter(status=BookingStatus.BOOKED).count()
    status = (
        BookingStatus.BOOKED
        if has_room(capacity=session.capacity, booked=seated)
        else BookingStatus.WAITING
    )
    if existing is not None:  # booked again after a cancellation: the same row, history kept
        existing.status = status
        existing.reason = ""
        existing.booked_by = booked_by
        bump(existing)
        existing.save(update_fields=["status", "reason", "booked_by", "lock_version"])
        existing.refresh_from_db()
        return Booked(existing, warning)
    booking = Booking.objects.create(
        session=session, customer=customer, status=status, booked_by=booked_by
    )
    return Booked(booking, warning)


@transaction.atomic
def booking_cancel(*, booking: Booking, reason: str, user: User) -> Booking:
    """Cancel a booking with a reason; the first on the waiting list takes the seat."""
    session = Session.objects.select_for_update().get(pk=booking.session_id)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if not reason.strip():
        refuse([("reason", "Say why the booking is cancelled.")])
    if booking.status == BookingStatus.CANCELLED:
        refuse([("reason", "This booking is cancelled already.")])
    if session.is_submitted:
        refuse([("reason", "The attendance of this session is in; amend the attendance instead.")])
    was_seated = booking.status == BookingStatus.BOOKED
    booking.status = BookingStatus.CANCELLED
    booking.reason = reason.strip()
    bump(booking)
    booking.save(update_fields=["status", "reason", "lock_version"])
    if was_seated:
        waiting = (
            session.bookings.filter(status=BookingStatus.WAITING)
            .order_by("booked_at", "pk")
            .first()
        )
        if waiting is not None:
            waiting.status = BookingStatus.BOOKED
            bump(waiting)
            waiting.save(update_fields=["status", "lock_version"])
    booking.refresh_from_db()
    return booking


@transaction.atomic
def booking_move(*, booking: Booking, to: Session, reason: str, user: User) -> Booked:
    """Reschedule: the booking is cancelled with the reason and the customer booked
    into the other session; both stay in the history."""
    if to.pk == booking.session_id:
        refuse([("session", "Choose another session to move the customer to.")])
    booked = booking_create(session=to, customer=booking.customer, booked_by=user)
    booking_cancel(
        booking=booking,
        reason=f"Rescheduled to {to}: {reason.strip()}"[:200] if reason.strip() else "",
        user=user,
    )
    return booked


# --- Attendance --------------------------------------------------------------------


class SheetRefused(ValidationError):
    """One or more rows broke a rule: nothing was saved. `rows` maps customer id to the
    reasons, for the sheet to show on each failing row."""

    def __init__(self, rows: dict[int, list[str]], general: list[str] | None = None) -> None:
        self.rows = rows
        self.general = general or []
        count = len(rows)
        super().__init__(
            [*self.general]
            + (
                [
                    f"Nothing was saved: {count} row{'s' if count != 1 else ''} broke a rule. Fix or change the marked rows and submit again."
                ]
                if rows
                else []
            )
        )


@dataclass
class SheetResult:
    session: Session
    attended: int = 0
    no_shows: int = 0
    excused: int = 0
    late: bool = False
    services: list[int] = field(default_factory=list)


def attendance_note(session: Session, *, facilitator: User) -> NoteDraft:
    """The case note an attendance writes: the workshop's content and purpose."""
    workshop = session.workshop
    where = session.room or "online"
    body = (
        f"{workshop.content.strip()}\n\n"
        f"Attended {workshop.title} on {session.on:%m/%d/%Y}, "
        f"{session.starts_at:%I:%M %p}-{session.ends_at:%I:%M %p} ({where}), "
        f"facilitated by {facilitator.get_full_name() or facilitator.username}."
    )
    policy = Policy.for_office(session.office)
    return NoteDraft(
        subject=f"Workshop/{workshop.title}"[:200],
        body=body,
        contact_method=ContactMethod.IN_PERSON if session.room else ContactMethod.VIRTUAL,
        two_way=policy.attendance_counts_as_contact,
        note_type=NoteType.GENERAL,
    )


def _record_attendance(session: Session, customer: Customer, user: User, note: NoteDraft):  # noqa: ANN202
    return service_record_create(
        customer=customer,
        activity=session.workshop.activity,
        started_on=session.on,
        ended_on=session.on,
        completion_status=CompletionStatus.SUCCESSFUL,
        entered_by=user,
        note=note,
    )


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages in exc.message_dict.values() for m in messages]
    return list(exc.messages)


@transaction.atomic
def attendance_submit(
    *,
    session: Session,
    user: User,
    marks: dict[int, str],
    walk_ins: list[Customer] = (),  # type: ignore[assignment]
) -> SheetResult:
    """Enter the attendance of the whole room in one submission.

    `marks` maps each customer id on the roster (booked customers and walk-ins) to
    attended, no-show or excused. For each attendee the workshop's service is recorded,
    dated the session day, with its case note, through the service rules. Any row that
    breaks a rule refuses the whole sheet (SheetRefused, nothing saved).
    """
    session = (
        Session.objects.select_for_update()
        .select_related("workshop__activity", "office")
        .get(pk=session.pk)
    )
    if session.is_submitted:
        refuse(
            [
                (
                    "__all__",
                    f"The attendance of this session was submitted on {timezone.localtime(session.sheet_submitted_at):%m/%d/%Y}; amend a mark instead.",
                )
            ]
        )
    if session.status == SessionStatus.CANCELLED:
        refuse([("__all__", "This session was cancelled; it has no attendance.")])
    if session.on > today(session.office.time_zone):
        refuse(
            [
                (
                    "__all__",
                    "This session has not happened yet; enter its attendance on the day or after.",
                )
            ]
        )
    roster = {
        b.customer_id: b
        for b in session.bookings.filter(status=BookingStatus.BOOKED).select_related(
            "customer__office"
        )
    }
    # Walk-ins: added to the roster (a waiting-list customer who came takes a seat).
    for customer in walk_ins:
        if customer.pk in roster:
            continue
        booking, _created = Booking.objects.get_or_create(
            session=session,
            customer=customer,
            defaults={"status": BookingStatus.BOOKED, "walk_in": True, "booked_by": user},
        )
        if not _created:
            # On the waiting list (or cancelled) but came: a walk-in takes the seat.
            booking.status = BookingStatus.BOOKED
            booking.walk_in = True
            booking.save(update_fields=["status", "walk_in"])
        booking.customer = customer
        roster[customer.pk] = booking
    for booking in roster.values():
        if booking.customer.office_id == session.office_id:
            booking.customer.office = session.office  # one office object: its policy read once
    rows: dict[int, list[str]] = {}
    for customer_id in roster:
        if marks.get(customer_id) not in Attendance.values:
            rows[customer_id] = ["Mark attended, no-show or excused."]
    unknown = set(marks) - set(roster)
    if unknown:
        refuse(
            [
                (
                    "__all__",
                    "The sheet names customers who are not on this session's roster; reload the sheet.",
                )
            ]
        )
    if rows:
        raise SheetRefused(rows)
    note = attendance_note(session, facilitator=user)
    result = SheetResult(session=session)
    now = timezone.now()
    for customer_id, booking in roster.items():
        mark = marks[customer_id]
        if mark == Attendance.ATTENDED:
            # The rules refuse before anything is written, so one refusal leaves the
            # transaction usable for the other rows' checks; the whole sheet is undone after.
            try:
                record = _record_attendance(session, booking.customer, user, note)
            except ValidationError as exc:
                rows[customer_id] = _messages(exc)
                continue
            booking.service = record
            result.services.append(record.pk)
            result.late = result.late or record.entered_late
            result.attended += 1
        elif mark == Attendance.NO_SHOW:
            result.no_shows += 1
        else:
            result.excused += 1
        booking.attendance = mark
        booking.marked_by = user
        booking.marked_at = now
    if rows:
        raise SheetRefused(rows)
    Booking.objects.bulk_update(
        roster.values(), ["attendance", "marked_by", "marked_at", "service"]
    )
    session.status = SessionStatus.HELD
    session.sheet_submitted_at = now
    session.sheet_submitted_by = user
    bump(session)
    session.save(
        update_fields=["status", "sheet_submitted_at", "sheet_submitted_by", "lock_version"]
    )
    return result


@transaction.atomic
def attendance_amend(
    *, booking: Booking, attendance: str, reason: str, user: User, expected_version: int | None
) -> Booking:
    """Correct one mark after the sheet is in, with a reason kept in the update log.

    Marked attended: the workshop's service and its note are recorded now (marked late
    if past the entry deadline). Unmarked: the service is closed as unsuccessful with the
    reason, and the note gets a correction saying the customer did not attend (no longer
    a two-way contact), since case notes are never changed or deleted.
    """
    booking = lock_for_edit(Booking, booking.pk, expected_version=expected_version)
    session = Session.objects.select_related("workshop__activity", "office").get(
        pk=booking.session_id
    )
    if not session.is_submitted:
        refuse([("attendance", "The sheet is not in yet; mark it on the attendance sheet.")])
    if attendance not in Attendance.values:
        refuse([("attendance", "Choose attended, no-show or excused.")])
    if not reason.strip():
        refuse([("reason", "Say why the mark was wrong; it is kept in the update log.")])
    if attendance == booking.attendance:
        refuse([("attendance", f"The mark is {booking.get_attendance_display().lower()} already.")])
    customer = booking.customer
    label = Attendance(attendance).label
    if attendance == Attendance.ATTENDED:
        record = _record_attendance(
            session, customer, user, attendance_note(session, facilitator=user)
        )
        booking.service = record
    elif booking.service_id is not None:
        record = booking.service
        service_record_correct(
            record=record,
            corrected_by=user,
            reason=f"Attendance amended to {label}: {reason.strip()}",
            fields={"completion_status": CompletionStatus.UNSUCCESSFUL},
            barriers=record.barriers.all(),
        )
        original = (
            CaseNote.objects.filter(service=record, addendum_to__isnull=True).order_by("pk").first()
        )
        if original is not None:
            body = (
                f"Attendance amended to {label}: {reason.strip()} The customer did not attend "
                f"{session.workshop.title} on {session.on:%m/%d/%Y}."
            )
            casenote_add_addendum(
                original=original,
                author=user,
                body=body,
                two_way=False if original.two_way else None,
            )
        booking.service = None
    booking.attendance = attendance
    booking.reason = reason.strip()[:200]
    booking.marked_by = user
    booking.marked_at = timezone.now()
    bump(booking)
    booking.save(
        update_fields=["attendance", "reason", "marked_by", "marked_at", "service", "lock_version"]
    )
    booking.refresh_from_db()
    return booking


# --- Appointments ------------------------------------------------------------------


def _appointment_problems(
    *, customer: Customer, with_user: User, on, starts_at, ends_at, purpose: str
) -> list[tuple[str, str]]:  # noqa: ANN001
    problems = schedule_problems(
        on=on, starts_at=starts_at, ends_at=ends_at, today=today(customer.office.time_zone)
    )
    if not with_user.offices.filter(pk=customer.office_id).exists():
        problems.append(("with_user", "Choose a staff member of the customer's office."))
    if not purpose.strip():
        problems.append(("purpose", "Say what the appointment is for."))
    return problems


@transaction.atomic
def appointment_create(
    *,
    customer: Customer,
    with_user: User,
    on: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    purpose: str,
    booked_by: User,
    place: str = "",
    meeting_link: str = "",
    what_to_bring: str = "",
) -> tuple[Appointment, str]:
    """Book a one-on-one appointment; returns it with a warning if the customer is busy."""
    refuse(
        _appointment_problems(
            customer=customer,
            with_user=with_user,
            on=on,
            starts_at=starts_at,
            ends_at=ends_at,
            purpose=purpose,
        )
    )
    warning = overlap_warning(_busy(customer, on, starts_at, ends_at))
    appointment = Appointment.objects.create(
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
        booked_by=booked_by,
    )
    return appointment, warning


@transaction.atomic
def appointment_reschedule(
    *,
    appointment: Appointment,
    on: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    reason: str,
    user: User,
    expected_version: int | None,
) -> tuple[Appointment, str]:
    """Move a scheduled appointment; the old time and the reason stay in the update log."""
    appointment = lock_for_edit(Appointment, appointment.pk, expected_version=expected_version)
    problems = []
    if appointment.status != AppointmentStatus.SCHEDULED:
        problems.append(
            (
                "on",
                f"This appointment is {appointment.get_status_display().lower()}; book a new one.",
            )
        )
    if not reason.strip():
        problems.append(("reason", "Say why the appointment moves."))
    problems += schedule_problems(
        on=on, starts_at=starts_at, ends_at=ends_at, today=today(appointment.office.time_zone)
    )
    refuse(problems)
    warning = overlap_warning(
        _busy(appointment.customer, on, starts_at, ends_at, not_appointment=appointment.pk)
    )
    appointment.on, appointment.starts_at, appointment.ends_at = on, starts_at, ends_at
    appointment.reason = f"Rescheduled: {reason.strip()}"[:200]
    bump(appointment)
    appointment.save(update_fields=["on", "starts_at", "ends_at", "reason", "lock_version"])
    appointment.refresh_from_db()
    return appointment, warning


@transaction.atomic
def appointment_set_status(
    *, appointment: Appointment, status: str, reason: str, user: User, expected_version: int | None
) -> Appointment:
    """Cancel an appointment (with a reason), or record it as kept or missed."""
    appointment = lock_for_edit(Appointment, appointment.pk, expected_version=expected_version)
    problems = []
    if status not in (
        AppointmentStatus.CANCELLED,
        AppointmentStatus.KEPT,
        AppointmentStatus.MISSED,
    ):
        problems.append(("status", "Choose kept, missed or cancelled."))
    elif appointment.status != AppointmentStatus.SCHEDULED:
        problems.append(
            ("status", f"This appointment is {appointment.get_status_display().lower()} already.")
        )
    elif status == AppointmentStatus.CANCELLED and not reason.strip():
        problems.append(("reason", "Say why the appointment is cancelled."))
    elif status != AppointmentStatus.CANCELLED and appointment.on > today(
        appointment.office.time_zone
    ):
        problems.append(("status", "The appointment has not happened yet."))
    refuse(problems)
    appointment.status = status
    appointment.reason = reason.strip()[:200]
    appointment.status_changed_at = timezone.now()
    bump(appointment)
    appointment.save(update_fields=["status", "reason", "status_changed_at", "lock_version"])
    appointment.refresh_from_db()
    return appointment
