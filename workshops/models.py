"""Workshops and job clubs (a catalog and dated sessions), who is booked into them, the
attendance a facilitator enters after each session, and one-on-one appointments (SPEC 7).

Attendance is recorded in the customer's file as the catalog's service and a case note
(`workshops.services.attendance_submit`); a booking keeps which service and note its
attendance recorded, so an amendment can end exactly those.
"""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from casemgmt.models import Office
from customers.models import Customer, Program

LOCK_HELP = "Raised by every change; an edit made from an older one is refused."


@pghistory.track()
class Workshop(models.Model):
    """A catalog entry, kept by administrators."""

    title = models.CharField(max_length=160, unique=True)
    content = models.TextField(
        "Content and purpose",
        help_text="What the session covers and why: it becomes each attendee's case note.",
    )
    activity = models.ForeignKey(
        "services.Activity",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The service of the matrix each attendance records (for example 201).",
    )
    default_minutes = models.PositiveSmallIntegerField("Default length (minutes)", default=90)
    default_capacity = models.PositiveSmallIntegerField(default=20)
    programs = ArrayField(
        models.CharField(max_length=12, choices=Program.choices),
        default=list,
        blank=True,
        help_text="The programs whose customers may attend; none means every program.",
    )
    active = models.BooleanField(default=True, help_text="Retired workshops are not scheduled.")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def open_to(self, customer: Customer) -> bool:
        return not self.programs or bool(set(self.programs) & set(customer.programs))

    @property
    def program_labels(self) -> list[str]:
        return [Program(p).label for p in self.programs]


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


@pghistory.track()
class Session(models.Model):
    """One dated session of a workshop, at an office (a room or a meeting link)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="sessions")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    on = models.DateField("Date")
    starts_at = models.TimeField("Starts")
    ends_at = models.TimeField("Ends")
    room = models.CharField(max_length=120, blank=True)
    meeting_link = models.URLField("Virtual meeting link", max_length=300, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitated_sessions"
    )
    capacity = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    series = models.UUIDField(
        null=True, blank=True, help_text="Sessions created together as a recurring series."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sheet_submitted_at = models.DateTimeField(null=True, blank=True)
    sheet_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    lock_version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text=LOCK_HELP
    )
    legacy_id = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["on", "starts_at"]
        permissions = [
            ("enter_attendance", "Can enter the attendance of their own sessions"),
            ("amend_attendance", "Can amend the attendance of any session of their offices"),
            ("view_attendance_rates", "Can see attendance and no-show rates"),
        ]
        indexes = [
            models.Index(fields=["office", "on"], name="session_office_day"),
            models.Index(fields=["facilitator", "on"], name="session_facilitator_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.workshop.title}, {self.on:%m/%d/%Y}"

    @property
    def is_submitted(self) -> bool:
        return self.sheet_submitted_at is not None


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    WAITING = "waiting", "Waiting list"
    CANCELLED = "cancelled", "Cancelled"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "No-show"
    EXCUSED = "excused", "Excused"


@pghistory.track()
class Booking(models.Model):
    """A customer's place in a session: booked, on the waiting list, or cancelled, and,
    once the sheet is in, the attendance and what it recorded in the file."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(
        max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    walk_in = models.BooleanField(default=False)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(
        max_length=200, blank=True, help_text="Why it was cancelled or rescheduled."
    )
    attendance = models.CharField(max_length=10, choices=Attendance.choices, blank=True)
    service = models.OneToOneField(
        "services.ServiceRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text=LOCK_HELP
    )

    class Meta:
        ordering = ["booked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "customer"], name="one_booking_per_session")
        ]
        indexes = [models.Index(fields=["customer", "status"], name="booking_customer_status")]

    def __str__(self) -> str:
        return f"booking {self.pk}"


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    KEPT = "kept", "Kept"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


@pghistory.track()
class Appointment(models.Model):
    """A one-on-one appointment of a customer with a staff member."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="appointments")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    with_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments_held",
        verbose_name="With",
    )
    on = models.DateField("Date")
    starts_at = models.TimeField("Starts")
    ends_at = models.TimeField("Ends")
    purpose = models.CharField(max_length=200)
    place = models.CharField(
        max_length=200, blank=True, help_text="Where in the office, or leave empty."
    )
    meeting_link = models.URLField("Virtual meeting link", max_length=300, blank=True)
    what_to_bring = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.SCHEDULED
    )
    reason = models.CharField(
        max_length=200, blank=True, help_text="Why it was cancelled, rescheduled or missed."
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text=LOCK_HELP
    )

    class Meta:
        ordering = ["on", "starts_at"]
        indexes = [
            models.Index(fields=["customer", "on"], name="appointment_customer_day"),
            models.Index(fields=["office", "status", "on"], name="appointment_office_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"appointment {self.pk}"
