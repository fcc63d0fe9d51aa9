"""One-on-one appointments: booked once, rescheduled at the version opened, cancelled
with a reason, kept or missed; the card (PDF) and the calendar entry (.ics) the customer
takes home; the schedule on the customer page."""

import datetime
import subprocess
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from casemgmt.models import Office, SubmissionToken
from tests.conftest import World, client_for
from tests.readback import assert_saved, form_page_fields, submit
from tests.workshop_factory import WorkshopWorld, workshop_world
from workshops.models import Appointment, AppointmentStatus
from workshops.services import appointment_create, appointment_reschedule

# 9:00 in the morning of Wednesday 11/25/2026 in Denver (office A's zone in these tests).
NOW = datetime.datetime(2026, 11, 25, 16, 0, tzinfo=datetime.UTC)
DENVER = zoneinfo.ZoneInfo("America/Denver")
TOMORROW = datetime.date(2026, 11, 26)
ADDRESS = "400 Harbor Street, Lakeview, CO 80401"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ww(world: World) -> WorkshopWorld:
    """Office A in Denver with an address and phone; customer A's appointment with
    planner A tomorrow 2:00-2:30 PM at Desk 4."""
    Office.objects.filter(pk=world.office_a.pk).update(
        time_zone="America/Denver", address=ADDRESS, phone="3035550142"
    )
    world.office_a.refresh_from_db()
    world.customer_a.refresh_from_db()
    return workshop_world(world)


def url(name: str, ww: WorkshopWorld, appointment: Appointment | None = None) -> str:
    appointment = appointment or ww.appointment
    if name == "workshops:appointment_create":
        return reverse(name, kwargs={"pk": appointment.customer_id})
    return reverse(name, kwargs={"pk": appointment.customer_id, "appointment_pk": appointment.pk})


APPOINTMENT_URLS = [
    "workshops:appointment_reschedule",
    "workshops:appointment_cancel",
    "workshops:appointment_outcome",
    "workshops:appointment_card",
    "workshops:appointment_ics",
]
ALL_URLS = ["workshops:appointment_create", *APPOINTMENT_URLS]


def booking(world: World, **overrides: str) -> dict[str, str]:
    return {
        "with_user": str(world.supervisor_a.pk),
        "on": "2026-12-02",
        "starts_at": "09:30",
        "ends_at": "10:15",
        "purpose": "Plan the forklift training",
        "place": "Room 3",
        "meeting_link": "",
        "what_to_bring": "Your driver's license",
        **overrides,
    }


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


# --- Booking ----------------------------------------------------------------------------


def test_it_books_an_appointment_as_entered(ww: WorkshopWorld, world: World):
    client = client_for(world.planner_a)

    response = submit(client, url("workshops:appointment_create", ww), booking(world))

    appointment = Appointment.objects.exclude(pk=ww.appointment.pk).get()
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("customers:detail", kwargs={"pk": world.customer_a.pk})
        + f"#appointment-{appointment.pk}"
    )
    assert_saved(
        Appointment,
        appointment.pk,
        customer=world.customer_a,
        office=world.office_a,
        with_user=world.supervisor_a,
        on=datetime.date(2026, 12, 2),
        starts_at=datetime.time(9, 30),
        ends_at=datetime.time(10, 15),
        purpose="Plan the forklift training",
        place="Room 3",
        meeting_link="",
        what_to_bring="Your driver's license",
        status=AppointmentStatus.SCHEDULED,
        booked_by=world.planner_a,
    )


def test_the_form_offers_only_staff_of_the_customers_office(ww: WorkshopWorld, world: World):
    client = client_for(world.planner_a)
    page = client.get(url("workshops:appointment_create", ww)).content.decode()
    assert f'value="{world.planner_a.pk}"' in page
    assert f'value="{world.supervisor_a.pk}"' in page
    assert f'value="{world.planner_b.pk}"' not in page  # office B
    assert f'value="{world.facilitator.pk}"' not in page  # carries no caseload

    response = submit(
        client,
        url("workshops:appointment_create", ww),
        booking(world, with_user=str(world.planner_b.pk)),
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_a_second_post_of_the_same_form_records_one_and_lands_on_the_first(
    ww: WorkshopWorld, world: World
):
    client = client_for(world.planner_a)
    create = url("workshops:appointment_create", ww)
    data = {**form_page_fields(client.get(create).content.decode()), **booking(world)}

    first = client.post(create, data)
    second = client.post(create, data, follow=True)

    assert Appointment.objects.count() == 2  # the world's and this one
    assert second.redirect_chain[0][0] == first["Location"]
    assert "nothing new was recorded" in second.content.decode()


def test_a_booking_at_a_busy_time_is_made_with_a_warning(ww: WorkshopWorld, world: World):
    client = client_for(world.planner_a)
    overlapping = booking(world, on=TOMORROW.isoformat(), starts_at="14:15", ends_at="15:00")

    response = submit(client, url("workshops:appointment_create", ww), overlapping, follow=True)

    assert Appointment.objects.filter(on=TOMORROW, starts_at=datetime.time(14, 15)).exists()
    html = response.content.decode()
    assert "Appointment booked for 11/26/2026, 2:15 PM to 3:00 PM MST." in html
    assert "also booked at an overlapping time" in html and "02:00 PM-02:30 PM" in html


HOSTILE = [
    ("on", "2026-02-30", "Enter a real date"),
    ("on", "2026-11-\x0002", "Enter a real date"),
    ("on", "9999-12-31", "cannot be after"),
    ("on", "0001-01-01", "cannot be before"),
    ("starts_at", "25:00", "Enter a time of day"),
    ("ends_at", "09:00", "end time must be after the start time"),
    ("purpose", "Ann\x00e", "Null characters are not allowed"),
    ("purpose", "x" * 10_000, "Purpose holds at most 200 characters; this has 10000"),
    ("purpose", "   ", "This field is required"),
    ("what_to_bring", "y" * 10_000, "holds at most 300 characters"),
    ("with_user", "-5", "Select a valid choice"),
    ("with_user", "\x00", "Null characters are not allowed"),
    ("meeting_link", "javascript:alert(1)", "Enter a valid URL"),
    ("submission_token", "-1", "This form is out of date"),
]


@pytest.mark.parametrize(("field", "value", "message"), HOSTILE)
def test_hostile_input_is_refused_with_a_message_and_writes_nothing(
    ww: WorkshopWorld, world: World, field: str, value: str, message: str
):
    client = client_for(world.planner_a)
    before = (Appointment.objects.count(), SubmissionToken.objects.count())

    response = submit(
        client, url("workshops:appointment_create", ww), booking(world, **{field: value})
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "alert-danger" in html
    assert (Appointment.objects.count(), SubmissionToken.objects.count()) == before


def test_a_refused_form_keeps_what_was_typed(ww: WorkshopWorld, world: World):
    client = client_for(world.planner_a)
    response = submit(
        client, url("workshops:appointment_create", ww), booking(world, on="2026-02-30")
    )
    html = response.content.decode()
    assert "Plan the forklift training" in html and "Your driver&#x27;s license" in html


# --- Reschedule, cancel, kept or missed -------------------------------------------------


def test_it_reschedules_at_the_version_opened(ww: WorkshopWorld, world: World):
    client = client_for(world.planner_a)

    response = submit(
        client,
        url("workshops:appointment_reschedule", ww),
        {"on": "2026-11-30", "starts_at": "10:00", "ends_at": "10:45", "reason": "Car trouble"},
        follow=True,
    )

    assert_saved(
        Appointment,
        ww.appointment.pk,
        on=datetime.date(2026, 11, 30),
        starts_at=datetime.time(10),
        ends_at=datetime.time(10, 45),
        reason="Rescheduled: Car trouble",
        status=AppointmentStatus.SCHEDULED,
        lock_version=2,
    )
    assert "Appointment moved to 11/30/2026, 10:00 AM to 10:45 AM MST." in (
        response.content.decode()
    )


def test_a_stale_reschedule_answers_409_and_changes_nothing(ww: WorkshopWorld, world: World):
    client = client_for(world.planner_a)
    reschedule = url("workshops:appointment_reschedule", ww)
    opened = form_page_fields(client.get(reschedule).content.decode())
    appointment_reschedule(  # the supervisor moves it first
        appointment=ww.appointment,
        on=datetime.date(2026, 11, 27),
        starts_at=datetime.time(9),
        ends_at=datetime.time(9, 30),
        reason="Planner out",
        user=world.supervisor_a,
        expected_version=1,
    )

    response = client.post(
        reschedule,
        {**opened, "on": "2026-12-01", "starts_at": "11:00", "ends_at": "11:30", "reason": "Mine"},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="edit-conflict"' in html and "Someone else saved this first" in html
    assert 'value="2026-12-01"' in html  # what this planner typed is kept
    assert_saved(
        Appointment,
        ww.appointment.pk,
        on=datetime.date(2026, 11, 27),
        starts_at=datetime.time(9),
        reason="Rescheduled: Planner out",
        lock_version=2,
    )


def test_cancelling_needs_a_reason(ww: WorkshopWorld, world: World):
    client = client_for(world.planner_a)
    cancel = url("workshops:appointment_cancel", ww)

    refused = submit(client, cancel, {"reason": "  "})

    assert refused.status_code == 200
    assert "This field is required" in refused.content.decode()
    assert_saved(Appointment, ww.appointment.pk, status=AppointmentStatus.SCHEDULED, lock_version=1)

    done = submit(client, cancel, {"reason": "The customer started work"})

    assert done.status_code == 302
    assert_saved(
        Appointment,
        ww.appointment.pk,
        status=AppointmentStatus.CANCELLED,
        reason="The customer started work",
    )
    again = client.get(cancel).content.decode()
    assert "This appointment is cancelled, so it cannot be changed." in again


def test_kept_or_missed_waits_for_the_day(ww: WorkshopWorld, world: World):
    client = client_for(world.planner_a)
    outcome = url("workshops:appointment_outcome", ww)

    early = submit(client, outcome, {"status": "missed"})

    assert early.status_code == 200
    assert "The appointment has not happened yet." in early.content.decode()
    assert_saved(Appointment, ww.appointment.pk, status=AppointmentStatus.SCHEDULED)

    with time_machine.travel(datetime.datetime(2026, 11, 26, 23, tzinfo=datetime.UTC), tick=False):
        client = client_for(world.planner_a)  # signed in anew: the session timed out
        done = submit(client, outcome, {"status": "missed", "reason": "No answer at the door"})

    assert done.status_code == 302
    assert_saved(
        Appointment,
        ww.appointment.pk,
        status=AppointmentStatus.MISSED,
        reason="No answer at the door",
    )


def test_an_unknown_outcome_is_refused(ww: WorkshopWorld, world: World):
    with time_machine.travel(datetime.datetime(2026, 11, 26, 23, tzinfo=datetime.UTC), tick=False):
        response = submit(
            client_for(world.planner_a),
            url("workshops:appointment_outcome", ww),
            {"status": "cancelled"},
        )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert_saved(Appointment, ww.appointment.pk, status=AppointmentStatus.SCHEDULED)


# --- Who may --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_URLS)
def test_another_offices_planner_gets_404(ww: WorkshopWorld, world: World, name: str):
    client = client_for(world.planner_b)
    assert client.get(url(name, ww)).status_code == 404
    post = client.post(url(name, ww), {"reason": "x", "status": "kept"})
    assert post.status_code == (
        405 if name in ("workshops:appointment_card", "workshops:appointment_ics") else 404
    )


def test_office_bs_appointment_is_404_under_office_as_customer(ww: WorkshopWorld, world: World):
    other, _warning = appointment_create(
        customer=world.customer_b,
        with_user=world.planner_b,
        on=datetime.date(2026, 11, 30),
        starts_at=datetime.time(9),
        ends_at=datetime.time(9, 30),
        purpose="Intake",
        booked_by=world.planner_b,
    )
    mixed = reverse(
        "workshops:appointment_card",
        kwargs={"pk": world.customer_a.pk, "appointment_pk": other.pk},
    )
    assert client_for(world.planner_a).get(mixed).status_code == 404


@pytest.mark.parametrize("persona", ["facilitator", "tracker_a"])
@pytest.mark.parametrize("name", ALL_URLS)
def test_the_facilitator_and_the_tracker_get_403(
    ww: WorkshopWorld, world: World, persona: str, name: str
):
    client = client_for(getattr(world, persona))
    assert client.get(url(name, ww)).status_code == 403
    assert client.post(url(name, ww), {"reason": "x"}).status_code in (403, 405)
    assert Appointment.objects.get().lock_version == 1


def test_an_anonymous_visitor_is_sent_to_sign_in(ww: WorkshopWorld):
    response = Client().get(url("workshops:appointment_card", ww))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- The card and the calendar entry --------------------------------------------------


def test_the_card_prints_when_where_with_whom_and_what_to_bring(
    ww: WorkshopWorld, world: World, tmp_path: Path
):
    response = client_for(world.planner_a).get(url("workshops:appointment_card", ww))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    customer = world.customer_a
    assert response["Content-Disposition"] == (
        f'inline; filename="appointment-{customer.customer_number}-2026-11-26.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    text = pdftotext(response.content, tmp_path)
    for expected in [
        "Office A",
        ADDRESS,
        "Phone (303) 555-0142",
        f"{customer.first_name} {customer.last_name} ({customer.customer_number})",
        "Thursday, November 26, 2026 (11/26/2026)",
        "2:00 PM to 2:30 PM MST",
        "With Planner Tester",
        "Review the training application",
        "Desk 4, Office A",
        "What to bring Photo ID and your last pay stub",
    ]:
        assert expected in text, expected


def test_a_virtual_appointment_prints_its_link(ww: WorkshopWorld, world: World, tmp_path: Path):
    appointment, _warning = appointment_create(
        customer=world.customer_a,
        with_user=world.planner_a,
        on=datetime.date(2026, 12, 3),
        starts_at=datetime.time(15),
        ends_at=datetime.time(15, 30),
        purpose="Check in",
        booked_by=world.planner_a,
        meeting_link="https://meet.example.org/abc-defg",
    )
    response = client_for(world.planner_a).get(url("workshops:appointment_card", ww, appointment))
    text = pdftotext(response.content, tmp_path)
    assert "Join online https://meet.example.org/abc-defg" in text


def test_the_calendar_entry_starts_at_the_offices_local_time(ww: WorkshopWorld, world: World):
    response = client_for(world.planner_a).get(url("workshops:appointment_ics", ww))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    assert world.customer_a.customer_number in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime.datetime(2026, 11, 26, 14, tzinfo=DENVER)
    assert event.decoded("dtend") == datetime.datetime(2026, 11, 26, 14, 30, tzinfo=DENVER)
    assert event["dtstart"].params["TZID"] == "America/Denver"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Denver"]
    assert str(event["uid"]) == f"appointment-{ww.appointment.pk}@testserver"
    assert event.decoded("dtstamp") == NOW
    assert str(event["summary"]) == "Appointment with Planner Tester"
    assert str(event["location"]) == f"Desk 4, Office A, {ADDRESS}"
    description = str(event["description"])
    assert description.startswith("Review the training application")
    assert "What to bring: Photo ID and your last pay stub" in description
    assert str(event["status"]) == "CONFIRMED"
    # Lines are folded at 75 octets (RFC 5545 3.1).
    assert max(len(line) for line in response.content.split(b"\r\n")) <= 75


def test_the_calendar_entry_of_a_moved_appointment_keeps_its_uid(ww: WorkshopWorld, world: World):
    appointment_reschedule(
        appointment=ww.appointment,
        on=datetime.date(2026, 11, 30),
        starts_at=datetime.time(8, 30),
        ends_at=datetime.time(9),
        reason="Earlier",
        user=world.planner_a,
        expected_version=1,
    )
    response = client_for(world.planner_a).get(url("workshops:appointment_ics", ww))
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["uid"]) == f"appointment-{ww.appointment.pk}@testserver"
    assert event.decoded("sequence") == 1
    assert event.decoded("dtstart") == datetime.datetime(2026, 11, 30, 8, 30, tzinfo=DENVER)


# --- The customer page ------------------------------------------------------------------


def test_the_customer_page_shows_the_upcoming_appointment_and_session(
    ww: WorkshopWorld, world: World
):
    page = client_for(world.planner_a).get(
        reverse("customers:detail", kwargs={"pk": world.customer_a.pk})
    )

    html = page.content.decode()
    assert 'id="schedule"' in html
    row = html.split(f'id="appointment-{ww.appointment.pk}"')[1].split("</tr>")[0]
    assert "Thu 11/26/2026" in row and "2:00 PM–2:30 PM" in row and "Planner Tester" in row
    assert "Scheduled" in row
    for name in (
        "appointment_card",
        "appointment_ics",
        "appointment_reschedule",
        "appointment_cancel",
    ):
        assert url(f"workshops:{name}", ww) in row
    assert url("workshops:appointment_outcome", ww) not in row  # not until the day
    session_row = html.split(f'id="booking-{ww.booking.pk}"')[1].split("</tr>")[0]
    assert "Resume Writing" in session_row and "10:00 AM–11:30 AM" in session_row
    assert "Booked" in session_row


def test_the_tracker_sees_no_schedule(ww: WorkshopWorld, world: World):
    page = client_for(world.tracker_a).get(
        reverse("customers:detail", kwargs={"pk": world.customer_a.pk})
    )
    assert page.status_code == 200
    assert 'id="schedule"' not in page.content.decode()


def test_the_schedule_costs_the_same_queries_however_many_rows(ww: WorkshopWorld, world: World):
    client = client_for(world.planner_a)
    detail = reverse("customers:detail", kwargs={"pk": world.customer_a.pk})
    client.get(detail)
    with CaptureQueriesContext(connection) as few:
        client.get(detail)
    for day in range(1, 8):
        appointment_create(
            customer=world.customer_a,
            with_user=world.supervisor_a,
            on=datetime.date(2026, 11, 25) + datetime.timedelta(days=day * 5 - 20),
            starts_at=datetime.time(8),
            ends_at=datetime.time(8, 30),
            purpose=f"Check-in {day}",
            booked_by=world.planner_a,
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(detail)
    assert "Check-in 7" in page.content.decode() and "Check-in 1" in page.content.decode()
    assert len(many) == len(few)
