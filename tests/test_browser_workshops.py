"""The workshops pages in Chromium, each as the person who uses it, at 1280 and 390 pixels:
the supervisor schedules a weekly series, reads a roster with its waiting list, cancels a
session and follows the attendance rates down to the customers; the planner schedules
customer A into a session in one click and books, moves, cancels and closes appointments
and prints the card; the facilitator sees today's sessions and a roster of names and
customer numbers only; the tracker sees no schedule on the customer page."""

import datetime
import re
import subprocess

import pytest
from playwright.sync_api import Page, expect

from casemgmt.clock import today_for_office
from tests.browser import SCREENSHOTS, check_page, sign_in
from tests.conftest import World
from tests.workshop_factory import (
    book,
    make_session,
    make_workshop,
    ready_customer,
    workshop_world,
)
from workshops.models import (
    Appointment,
    AppointmentStatus,
    Attendance,
    Booking,
    BookingStatus,
    Session,
    SessionStatus,
)
from workshops.services import appointment_create, attendance_submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]

NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 720}


def assert_fits(page: Page) -> None:
    """Nothing runs off the side: neither the page nor a table within its scroller."""
    overflow = page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('.table-responsive')]
            .filter(el => el.scrollWidth > el.clientWidth + 1)
            .map(el => el.className || el.tagName)"""
    )
    assert not overflow, f"wider than the screen: {overflow}"


def both_widths(page: Page, name: str) -> None:
    """Screenshot and axe at 1280 px, then at 390 px where nothing may be wider than
    the screen; back to 1280 for what follows."""
    page.set_viewport_size(WIDE)
    check_page(page, f"ws-{name}")
    page.set_viewport_size(NARROW)
    check_page(page, f"ws-{name}-390")
    assert_fits(page)
    page.set_viewport_size(WIDE)


def held(world: World, on: datetime.date, marks: list[str], *, first: int) -> Session:
    """A past session of office A with one booked customer per mark, its sheet entered
    by the facilitator. Booking refuses a past session, so the rows are made directly."""
    session = make_session(world, on=on)
    customers = [ready_customer(world, first + n) for n in range(len(marks))]
    for customer in customers:
        Booking.objects.create(session=session, customer=customer, booked_by=world.planner_a)
    attendance_submit(
        session=session,
        user=world.facilitator,
        marks={c.pk: mark for c, mark in zip(customers, marks, strict=True)},
    )
    return session


# --- The supervisor ---------------------------------------------------------------------


def test_supervisor_schedules_a_series_reads_the_waiting_list_and_cancels(
    page: Page, live_server, world: World
):
    day = today_for_office(world.office_a)
    full = make_session(world, capacity=2)
    for n in range(3):
        book(full, ready_customer(world, n), world)
    base = live_server.url
    sign_in(page, base, world.supervisor_a.username)

    page.goto(f"{base}/sessions/")
    expect(page.get_by_role("heading", name="Workshop sessions")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Resume Writing")
    both_widths(page, "10-session-list")

    page.get_by_role("link", name="Schedule a session").click()
    expect(page.get_by_role("heading", name="Schedule a session")).to_be_visible()
    both_widths(page, "11-session-form")
    first_day = day + datetime.timedelta(days=7)
    page.get_by_label("Workshop").select_option(label="Resume Writing")
    page.get_by_label("Date").fill(first_day.isoformat())
    page.get_by_label("Starts").fill("13:30")
    page.get_by_label("Room").fill("Room 5")
    page.get_by_label("Facilitator").select_option(label="Facilitator Tester (Office A)")
    page.get_by_label("Repeat weekly for").fill("3")
    page.get_by_role("button", name="Schedule", exact=True).click()
    last_day = first_day + datetime.timedelta(weeks=2)
    expect(page.get_by_role("status").first).to_contain_text(
        f"Scheduled 3 weekly sessions of Resume Writing, {first_day:%m/%d/%Y} to "
        f"{last_day:%m/%d/%Y}."
    )
    series = list(Session.objects.filter(series__isnull=False).order_by("on"))
    assert [s.on for s in series] == [first_day + datetime.timedelta(weeks=w) for w in range(3)]
    assert {(s.starts_at, s.facilitator) for s in series} == {
        (datetime.time(13, 30), world.facilitator)
    }
    both_widths(page, "12-series-scheduled")

    page.get_by_role("link", name="Back to the sessions").click()
    table = page.get_by_role("table")
    for session in series:
        expect(table).to_contain_text(f"{session.on:%m/%d/%Y}")
    expect(table).to_contain_text("1:30 PM")
    both_widths(page, "13-session-list-with-series")

    page.goto(f"{base}/sessions/{full.pk}/")
    expect(page.get_by_role("heading", name="Booked: 2 of 2 seats")).to_be_visible()
    expect(page.get_by_role("heading", name="Waiting list, in order")).to_be_visible()
    expect(page.get_by_role("table", name="Waiting list")).to_contain_text("Attendee2")
    both_widths(page, "14-session-roster-waiting")

    # A name lists the matches of the office to book with one click each.
    ready_customer(world, 7, last_name="Quintero")
    page.get_by_label("Customer number or name").fill("Quintero")
    page.get_by_role("button", name="Book or search").click()
    matches = page.get_by_role("region", name=re.compile("who match"))
    expect(matches.get_by_role("button", name="Book Attendee7 Quintero")).to_be_visible()
    both_widths(page, "14-session-book-matches")

    # Cancelling a seated booking gives the seat to the first on the waiting list.
    page.goto(f"{base}/sessions/{full.pk}/")
    page.get_by_role("link", name="Cancel the booking of Attendee0 Sample").click()
    expect(
        page.get_by_role("heading", name="Cancel the booking of Attendee0 Sample")
    ).to_be_visible()
    both_widths(page, "14-booking-cancel")
    page.get_by_label("Why is the booking cancelled?").fill("Started a job")
    page.get_by_role("button", name="Cancel the booking").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "The booking of Attendee0 Sample is cancelled."
    )
    expect(page.get_by_role("table", name="Booked customers")).to_contain_text("Attendee2")
    expect(page.get_by_role("heading", name="Waiting list, in order")).to_have_count(0)

    page.goto(f"{base}/sessions/{series[0].pk}/")
    page.get_by_role("link", name="Cancel the session").click()
    expect(page.get_by_role("heading", name=re.compile("Cancel"))).to_be_visible()
    both_widths(page, "15-session-cancel")
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was cancelled")
    both_widths(page, "15-session-cancel-refused")
    page.get_by_label("Why is the session cancelled?").fill("The room is being painted.")
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.get_by_role("status").first).to_contain_text("Session cancelled")
    both_widths(page, "16-session-cancelled")
    series[0].refresh_from_db()
    assert series[0].status == SessionStatus.CANCELLED
    assert series[0].cancel_reason == "The room is being painted."


def test_supervisor_follows_the_attendance_rates_down_to_the_customers(
    page: Page, live_server, world: World
):
    day = today_for_office(world.office_a)
    A, N, E = Attendance.ATTENDED, Attendance.NO_SHOW, Attendance.EXCUSED
    held(world, day - datetime.timedelta(days=7), [A, A, N, E], first=0)
    held(world, day - datetime.timedelta(days=14), [A, N, N], first=10)
    other = make_workshop("Interview Skills")
    session = make_session(world, workshop=other, on=day - datetime.timedelta(days=21))
    customer = ready_customer(world, 20)
    Booking.objects.create(session=session, customer=customer, booked_by=world.planner_a)
    attendance_submit(session=session, user=world.facilitator, marks={customer.pk: A})
    base = live_server.url
    sign_in(page, base, world.supervisor_a.username)

    page.goto(f"{base}/sessions/rates/")
    expect(page.get_by_role("heading", name="Attendance and no-show rates")).to_be_visible()
    by_workshop = page.get_by_role("table", name="Attendance by workshop")
    expect(by_workshop).to_contain_text("Resume Writing")
    expect(by_workshop).to_contain_text("Interview Skills")
    both_widths(page, "20-rates")

    by_workshop.get_by_role("link", name="sessions held: Resume Writing").click()
    expect(page.get_by_role("heading", name=re.compile("Sessions held"))).to_be_visible()
    sessions = page.get_by_role("table")
    expect(sessions.get_by_role("row")).to_have_count(3)  # the header and two sessions
    both_widths(page, "21-rates-sessions")

    sessions.get_by_role("row").nth(1).get_by_role("link", name=re.compile("no-show")).click()
    bookings = page.get_by_role("table")
    expect(bookings.get_by_role("row")).to_have_count(2)  # the header and one no-show
    expect(bookings).to_contain_text("No-show")
    both_widths(page, "22-rates-bookings")

    page.goto(f"{base}/sessions/rates/")
    page.get_by_role("table", name="Attendance by office").get_by_role(
        "link", name="no-shows: All sessions"
    ).click()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(4)  # header and 3
    both_widths(page, "23-rates-no-shows")


# --- The career planner -----------------------------------------------------------------


def test_planner_schedules_customer_a_and_books_moves_cancels_and_closes_appointments(
    page: Page, live_server, world: World
):
    ws = workshop_world(world)
    office = world.office_a
    office.address = "1200 Main Street, Springfield, IL 62701"
    office.phone = "2175550100"
    office.save()
    day = today_for_office(office)
    next_week = make_session(world, on=day + datetime.timedelta(days=7))
    full = make_session(
        world, workshop=make_workshop("Interview Skills"), on=day + datetime.timedelta(days=9)
    )
    Session.objects.filter(pk=full.pk).update(capacity=1)
    book(full, ready_customer(world, 1), world)
    past, _warning = appointment_create(
        customer=world.customer_a,
        with_user=world.planner_a,
        on=day - datetime.timedelta(days=2),
        starts_at=datetime.time(9),
        ends_at=datetime.time(9, 30),
        purpose="Go over the job search log",
        booked_by=world.planner_a,
        place="Desk 4",
    )
    customer = world.customer_a
    base = live_server.url
    sign_in(page, base, world.planner_a.username)

    page.goto(f"{base}/customers/{customer.pk}/")
    schedule = page.get_by_role("region", name="Schedule")
    expect(schedule).to_be_visible()
    expect(schedule.get_by_role("table", name="Appointments")).to_contain_text(
        "Review the training application"
    )
    expect(schedule.get_by_role("table", name="Workshops and job clubs")).to_contain_text(
        "Resume Writing"
    )
    both_widths(page, "30-customer-schedule")

    page.get_by_role("link", name="Schedule into a session").click()
    expect(page.get_by_role("heading", name="Schedule into a session")).to_be_visible()
    row = page.locator(f"#session-{next_week.pk}")
    expect(page.locator(f"#session-{full.pk}")).to_contain_text("Join the waiting list")
    both_widths(page, "31-customer-sessions")
    row.get_by_role("button", name=re.compile("^Book")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Booked {customer.full_name} ({customer.customer_number}) into Resume Writing, "
        f"{next_week.on:%m/%d/%Y}."
    )
    expect(page.locator(f"#session-{next_week.pk}")).to_contain_text("Booked")
    both_widths(page, "32-customer-sessions-booked")
    assert Booking.objects.get(session=next_week, customer=customer).status == (
        BookingStatus.BOOKED
    )

    page.goto(f"{base}/customers/{customer.pk}/")
    page.get_by_role("link", name="Book an appointment").first.click()
    expect(page.get_by_role("heading", name="Book an appointment")).to_be_visible()
    both_widths(page, "33-appointment-form")
    on = day + datetime.timedelta(days=3)
    page.get_by_label("Date").fill(on.isoformat())
    page.get_by_label("Starts").fill("10:45")
    page.get_by_label("Ends").fill("10:00")  # before it starts, and no purpose
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    both_widths(page, "33-appointment-form-refused")
    page.get_by_label("Date").fill(on.isoformat())
    page.get_by_label("Starts").fill("10:00")
    page.get_by_label("Ends").fill("10:45")
    page.get_by_label("Purpose").fill("Prepare for the forklift training interview")
    page.get_by_label("Place").fill("Desk 4")
    page.get_by_label("What to bring").fill("Photo ID and the training brochure")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Appointment booked for {on:%m/%d/%Y}, 10:00 AM to 10:45 AM"
    )
    booked = Appointment.objects.get(purpose="Prepare for the forklift training interview")
    both_widths(page, "34-appointment-booked")

    page.locator(f"#appointment-{booked.pk}").get_by_role(
        "link", name=re.compile("Reschedule")
    ).click()
    expect(page.get_by_role("heading", name="Reschedule the appointment")).to_be_visible()
    both_widths(page, "35-appointment-reschedule")
    moved_to = on + datetime.timedelta(days=1)
    page.get_by_label("Date").fill(moved_to.isoformat())
    page.get_by_label("Starts").fill("14:00")
    page.get_by_label("Ends").fill("14:30")
    page.get_by_label("Why it moves").fill("The customer works a morning shift that day.")
    page.get_by_role("button", name="Move the appointment").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Appointment moved to {moved_to:%m/%d/%Y}, 2:00 PM to 2:30 PM"
    )
    booked.refresh_from_db()
    assert (booked.on, booked.starts_at) == (moved_to, datetime.time(14))

    page.locator(f"#appointment-{ws.appointment.pk}").get_by_role(
        "link", name=re.compile("Cancel")
    ).click()
    expect(page.get_by_role("heading", name="Cancel the appointment")).to_be_visible()
    both_widths(page, "36-appointment-cancel")
    page.get_by_label("Why it is cancelled").fill("The customer asked to cancel.")
    page.get_by_role("button", name="Cancel the appointment").click()
    expect(page.get_by_role("status").first).to_contain_text("cancelled")
    ws.appointment.refresh_from_db()
    assert ws.appointment.status == AppointmentStatus.CANCELLED

    page.locator(f"#appointment-{past.pk}").get_by_role(
        "link", name=re.compile("Kept or missed")
    ).click()
    expect(
        page.get_by_role("heading", name="Record whether the appointment was kept")
    ).to_be_visible()
    both_widths(page, "37-appointment-outcome")
    page.get_by_label("Missed the appointment").check()
    page.get_by_label("Note").fill("No answer at the number on file.")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status").first).to_contain_text("missed")
    past.refresh_from_db()
    assert past.status == AppointmentStatus.MISSED
    both_widths(page, "38-customer-schedule-after")

    card = page.request.get(f"{base}/customers/{customer.pk}/appointments/{booked.pk}/card.pdf")
    assert card.ok and card.headers["content-type"] == "application/pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / "appointment-card.pdf"
    pdf.write_bytes(card.body())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", str(pdf), str(SCREENSHOTS / "appointment-card")],
        check=True,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert f"{moved_to:%m/%d/%Y}" in text and "2:00 PM to 2:30 PM" in text
    assert customer.customer_number in text
    assert "Photo ID and the training brochure" in text


# --- The facilitator --------------------------------------------------------------------


def test_facilitator_sees_their_sessions_and_a_roster_of_names_and_numbers_only(
    page: Page, live_server, world: World
):
    day = today_for_office(world.office_a)
    today = make_session(world)
    customer = ready_customer(
        world,
        1,
        first_name="Odalys",
        last_name="Ferreira",
        phone="2175550987",
        email="odalys@example.org",
        date_of_birth=datetime.date(1979, 3, 14),
    )
    book(today, customer, world)
    book(today, ready_customer(world, 2), world)
    yesterday = make_session(
        world, workshop=make_workshop("Interview Skills"), on=day - datetime.timedelta(days=1)
    )
    Booking.objects.create(session=yesterday, customer=customer, booked_by=world.planner_a)
    make_session(
        world,
        on=day + datetime.timedelta(days=7),
        starts_at=datetime.time(13),
        ends_at=datetime.time(14, 30),
    )
    base = live_server.url
    sign_in(page, base, world.facilitator.username)

    # The facilitator's home is their sessions: today's first.
    expect(page.get_by_role("heading", name="My sessions", exact=True)).to_be_visible()
    card = page.get_by_role("region", name="Today")
    expect(card).to_contain_text("10:00 AM–11:30 AM")
    expect(card).to_contain_text("2 of 20")
    expect(page.get_by_role("region", name="Today")).to_contain_text("Resume Writing")
    expect(page.get_by_role("region", name="Recent sessions")).to_contain_text("Interview Skills")
    both_widths(page, "41-facilitator-sessions")

    page.get_by_role("region", name="Today").get_by_role("link", name=f"{day:%a %m/%d/%Y}").click()
    expect(page.get_by_role("heading", name="Resume Writing")).to_be_visible()
    roster = page.get_by_role("table", name="Booked customers")
    expect(roster).to_contain_text("Ferreira, Odalys")
    expect(roster).to_contain_text(customer.customer_number)
    both_widths(page, "42-facilitator-roster")
    html = page.content()
    for secret in (
        "555-0987",
        "5550987",
        "odalys@example",
        "03/14/1979",
        "1979-03-14",
        "Mar. 14",
        f"/customers/{customer.pk}/",
    ):
        assert secret not in html, secret


# --- The tracker ------------------------------------------------------------------------


def test_tracker_sees_no_schedule_on_the_customer_page(page: Page, live_server, world: World):
    workshop_world(world)
    base = live_server.url
    sign_in(page, base, world.tracker_a.username)

    page.goto(f"{base}/customers/{world.customer_a.pk}/")
    expect(page.get_by_role("heading", name=world.customer_a.full_name)).to_be_visible()
    expect(page.get_by_role("region", name="Schedule")).to_have_count(0)
    expect(page.get_by_role("link", name="Schedule into a session")).to_have_count(0)
    expect(page.get_by_role("link", name="Book an appointment")).to_have_count(0)
    html = page.content()
    assert "Resume Writing" not in html and "Review the training application" not in html
    both_widths(page, "50-tracker-customer")
