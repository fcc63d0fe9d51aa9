"""An appointment as the customer takes it home: the facts the printed card and the
calendar file share (when, in the office's time zone, with whom, where), and the .ics
of one VEVENT (RFC 5545, written by `icalendar`).

An appointment's date and times are the office's local ones, so the calendar entry
carries them with the office's TZID (and its VTIMEZONE) rather than converted to UTC.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone
from icalendar import Calendar, Event

from workshops.models import Appointment, AppointmentStatus

PRODID = "-//casemgmt//Appointments//EN"


def clock(value: datetime.time) -> str:
    """14:05 as '2:05 PM'."""
    return f"{value:%I:%M %p}".lstrip("0")


def _line(value: object) -> str:
    return " ".join(str(value or "").split())


@dataclass(frozen=True)
class AppointmentFacts:
    """What the card prints and the calendar entry says, in the office's words."""

    office_name: str
    office_address: str
    office_phone: str
    time_zone: str
    customer_name: str  # first and last only
    customer_number: str
    starts: datetime.datetime  # aware, in the office's zone
    ends: datetime.datetime
    with_whom: str
    purpose: str
    place: str
    meeting_link: str
    what_to_bring: str
    cancelled: bool

    @property
    def day(self) -> str:
        return f"{self.starts:%A, %B} {self.starts.day}, {self.starts.year}"

    @property
    def date(self) -> str:
        return f"{self.starts:%m/%d/%Y}"

    @property
    def times(self) -> str:
        return f"{clock(self.starts.time())} to {clock(self.ends.time())} {self.starts.tzname()}"

    @property
    def location(self) -> str:
        """Where to go: the place in the office and the office's address; a virtual
        appointment with no place is at its link."""
        if self.meeting_link and not self.place:
            return self.meeting_link
        parts = [self.place, self.office_name, self.office_address]
        return ", ".join(p for p in parts if p)


def appointment_facts(appointment: Appointment) -> AppointmentFacts:
    """Read `appointment` with its customer, office and staff member loaded."""
    office = appointment.office
    zone = zoneinfo.ZoneInfo(office.time_zone)
    customer = appointment.customer
    staff = appointment.with_user
    return AppointmentFacts(
        office_name=_line(office.name),
        office_address=_line(office.address),
        office_phone=_line(office.phone),
        time_zone=office.time_zone,
        customer_name=_line(f"{customer.first_name} {customer.last_name}"),
        customer_number=customer.customer_number,
        starts=datetime.datetime.combine(appointment.on, appointment.starts_at, tzinfo=zone),
        ends=datetime.datetime.combine(appointment.on, appointment.ends_at, tzinfo=zone),
        with_whom=_line(staff.get_full_name() or staff.username),
        purpose=_line(appointment.purpose),
        place=_line(appointment.place),
        meeting_link=appointment.meeting_link.strip(),
        what_to_bring=_line(appointment.what_to_bring),
        cancelled=appointment.status == AppointmentStatus.CANCELLED,
    )


def appointment_description(facts: AppointmentFacts) -> str:
    parts = [facts.purpose]
    if facts.what_to_bring:
        parts.append(f"What to bring: {facts.what_to_bring}")
    if facts.meeting_link:
        parts.append(f"Join online: {facts.meeting_link}")
    contact = ", ".join(p for p in (facts.office_name, facts.office_phone) if p)
    parts.append(f"To change the appointment, call {contact}.")
    return "\n\n".join(parts)


def appointment_ics(appointment: Appointment, *, domain: str) -> bytes:
    """One VEVENT for the appointment. Its UID stays the same through reschedules and its
    SEQUENCE rises with each change, so a calendar that imported it updates the entry."""
    facts = appointment_facts(appointment)
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@{domain}")
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("sequence", max(int(appointment.lock_version) - 1, 0))
    event.add("dtstart", facts.starts)
    event.add("dtend", facts.ends)
    event.add("summary", f"Appointment with {facts.with_whom}")
    event.add("location", facts.location)
    event.add("description", appointment_description(facts))
    if facts.meeting_link:
        event.add("url", facts.meeting_link)
    event.add("status", "CANCELLED" if facts.cancelled else "CONFIRMED")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    # The zone's rules over the years around the appointment (the default spans 1970-2038).
    year = appointment.on.year
    calendar.add_missing_timezones(
        first_date=datetime.date(year - 1, 1, 1), last_date=datetime.date(year + 2, 1, 1)
    )
    return calendar.to_ical()
