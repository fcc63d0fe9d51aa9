"""The supervisor's attendance and no-show rates: what is counted (sessions held in the
range, both ends included), per workshop and per office in the user's scope, the
sessions and bookings behind every number, the CSV, and the queries."""

import csv
import datetime
import io
from dataclasses import dataclass

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casemgmt import roles
from casemgmt.models import Office
from customers.models import Customer
from tests.conftest import World, client_for
from tests.factories import make_customer, make_user
from tests.workshop_factory import book, make_session, make_workshop, ready_customer
from workshops.models import Attendance, Booking, BookingStatus, Session, SessionStatus, Workshop
from workshops.reports import CSV_HEADER, RatesFilters, attendance_rates
from workshops.services import attendance_submit, session_cancel, session_create

START = datetime.date(2026, 11, 2)
END = datetime.date(2026, 11, 20)
RANGE = {"start": START.isoformat(), "end": END.isoformat()}
BOOKED_ON = datetime.datetime(2026, 10, 30, 18, tzinfo=datetime.UTC)
NOW = datetime.datetime(2026, 11, 25, 18, tzinfo=datetime.UTC)


@dataclass
class Held:
    resume: Workshop
    interviewing: Workshop
    first_day: Session
    last_day: Session
    day_before: Session
    day_after: Session
    office_b: Session
    customers: list[Customer]


def _office_b_session(world: World, workshop: Workshop, on: datetime.date) -> Session:
    facilitator_b = make_user("facilitator_b", roles.FACILITATOR, offices=[world.office_b])
    [session] = session_create(
        workshop=workshop,
        office=world.office_b,
        on=on,
        starts_at=datetime.time(9),
        ends_at=datetime.time(10),
        facilitator=facilitator_b,
        capacity=10,
        room="B1",
        created_by=world.admin,
    )
    return session


@pytest.fixture
def held(world: World) -> Held:
    """Sessions on the range's first and last days, a day either side, another workshop
    inside, one in office B, a cancelled one and one whose sheet is not in; booked before
    they happened, their sheets entered on 11/25."""
    with time_machine.travel(BOOKED_ON, tick=False):
        resume = make_workshop()
        interviewing = make_workshop("Interviewing")
        customers = [ready_customer(world, n) for n in range(3)]
        c1, c2, c3 = customers
        sessions = {
            on: make_session(world, workshop=resume, on=on)
            for on in (
                START - datetime.timedelta(days=1),
                START,
                END,
                END + datetime.timedelta(days=1),
            )
        }
        other = make_session(world, workshop=interviewing, on=datetime.date(2026, 11, 10))
        not_in = make_session(world, workshop=resume, on=datetime.date(2026, 11, 12))
        cancelled = make_session(world, workshop=resume, on=datetime.date(2026, 11, 13))
        in_b = _office_b_session(world, resume, datetime.date(2026, 11, 11))
        b_customer = make_customer(office=world.office_b, planner=world.planner_b)
        marks = {
            START - datetime.timedelta(days=1): {c1: Attendance.NO_SHOW},
            START: {c1: Attendance.ATTENDED, c2: Attendance.NO_SHOW, c3: Attendance.EXCUSED},
            END: {c1: Attendance.ATTENDED, c2: Attendance.ATTENDED},
            END + datetime.timedelta(days=1): {c2: Attendance.NO_SHOW},
        }
        for on, row in marks.items():
            for customer in row:
                book(sessions[on], customer, world)
        book(other, c3, world)
        book(not_in, c1, world)
        book(cancelled, c2, world)
        book(in_b, b_customer, world)
        session_cancel(session=cancelled, reason="Snow", user=world.admin, expected_version=None)
    with time_machine.travel(NOW, tick=False):
        for on, row in marks.items():
            attendance_submit(
                session=sessions[on],
                user=world.facilitator,
                marks={c.pk: mark for c, mark in row.items()},
            )
        attendance_submit(session=other, user=world.facilitator, marks={c3.pk: "attended"})
        attendance_submit(
            session=in_b, user=in_b.facilitator, marks={b_customer.pk: Attendance.NO_SHOW}
        )
    return Held(
        resume,
        interviewing,
        sessions[START],
        sessions[END],
        sessions[START - datetime.timedelta(days=1)],
        sessions[END + datetime.timedelta(days=1)],
        in_b,
        customers,
    )


@pytest.fixture
def on_now():
    with time_machine.travel(NOW, tick=False):
        yield


def counts(row) -> tuple:  # noqa: ANN001
    return (
        row.sessions,
        row.booked,
        row.attended,
        row.no_show,
        row.excused,
        row.attendance_rate,
        row.no_show_rate,
    )


# --- What is counted ------------------------------------------------------------------


def test_the_first_and_last_days_count_and_the_days_outside_do_not(world, held, on_now):
    rates = attendance_rates(world.supervisor_a, RatesFilters(start=START, end=END))

    by_workshop = {row.name: counts(row) for row in rates.by_workshop}
    # Resume Writing: 11/02 (attended, no-show, excused) and 11/20 (two attended); the
    # 11/12 session without its sheet and the cancelled 11/13 one are not held.
    assert by_workshop == {
        "Interviewing": (1, 1, 1, 0, 0, 100.0, 0.0),
        "Resume Writing": (2, 5, 3, 1, 1, 60.0, 20.0),
    }
    assert [counts(row) for row in rates.by_office] == [(3, 6, 4, 1, 1, 66.7, 16.7)]
    assert counts(rates.total) == (3, 6, 4, 1, 1, 66.7, 16.7)


def test_moving_the_range_by_a_day_takes_in_the_day_outside(world, held, on_now):
    day = datetime.timedelta(days=1)

    wider = attendance_rates(world.supervisor_a, RatesFilters(start=START - day, end=END + day))
    narrower = attendance_rates(world.supervisor_a, RatesFilters(start=START + day, end=END - day))

    assert counts(wider.total)[:5] == (5, 8, 4, 3, 1)
    assert counts(narrower.total)[:5] == (1, 1, 1, 0, 0)


def test_a_supervisor_counts_only_the_offices_they_may_see(world, held, on_now):
    mine = attendance_rates(world.supervisor_a, RatesFilters(start=START, end=END))
    everyone = attendance_rates(world.admin, RatesFilters(start=START, end=END))

    assert [row.name for row in mine.by_office] == ["Office A"]
    assert {row.name: counts(row)[:5] for row in everyone.by_office} == {
        "Office A": (3, 6, 4, 1, 1),
        "Office B": (1, 1, 0, 1, 0),
    }


def test_no_one_marked_gives_no_rate_rather_than_zero(world, on_now):
    rates = attendance_rates(world.supervisor_a, RatesFilters(start=START, end=END))

    assert counts(rates.total) == (0, 0, 0, 0, 0, None, None)
    assert rates.by_workshop == [] and rates.by_office == []


# --- The page, its drill-downs and the CSV ----------------------------------------------


def test_the_page_defaults_to_the_last_90_days(world, on_now):
    response = client_for(world.supervisor_a).get(reverse("workshops:rates"))

    filters = response.context["rates"].filters
    assert (filters.start, filters.end) == (datetime.date(2026, 8, 28), datetime.date(2026, 11, 25))
    assert (filters.end - filters.start).days + 1 == 90


def test_the_page_shows_the_table_with_links_behind_every_number(world, held, on_now):
    response = client_for(world.supervisor_a).get(reverse("workshops:rates"), RANGE)

    page = response.content.decode()
    assert response.status_code == 200
    assert "60.0%" in page and "20.0%" in page
    no_shows = (
        f"{reverse('workshops:rates_bookings')}?start=2026-11-02&amp;end=2026-11-20"
        f"&amp;workshop={held.resume.pk}&amp;measure=no_show"
    )
    assert no_shows in page


def test_the_sessions_behind_a_row(world, held, on_now):
    response = client_for(world.supervisor_a).get(
        reverse("workshops:rates_sessions"), {**RANGE, "workshop": held.resume.pk}
    )

    listed = [session for session, _row, _query in response.context["rows"]]
    assert listed == [held.last_day, held.first_day]
    assert [counts(row)[1:5] for _s, row, _q in response.context["rows"]] == [
        (2, 2, 0, 0),
        (3, 1, 1, 1),
    ]


def test_the_bookings_behind_a_number_show_names_and_numbers(world, held, on_now):
    c1, c2, c3 = held.customers

    response = client_for(world.supervisor_a).get(
        reverse("workshops:rates_bookings"),
        {**RANGE, "workshop": held.resume.pk, "measure": "no_show"},
    )

    bookings = list(response.context["page"].object_list)
    assert [(b.customer, b.session) for b in bookings] == [(c2, held.first_day)]
    page = response.content.decode()
    assert c2.sort_name in page and c2.customer_number in page
    assert c2.phone not in page and c2.email not in page


def test_the_bookings_of_one_session(world, held, on_now):
    response = client_for(world.supervisor_a).get(
        reverse("workshops:rates_bookings"),
        {**RANGE, "session": held.first_day.pk, "measure": "booked"},
    )

    assert {b.customer for b in response.context["page"].object_list} == set(held.customers)


@pytest.mark.parametrize(
    "params",
    [
        {"office": "other office"},
        {"session": "office B session"},
        {"measure": "everything"},
        {"office": "999999999"},
    ],
)
def test_a_drill_down_outside_the_scope_is_404(world, held, on_now, params):
    values = {"other office": world.office_b.pk, "office B session": held.office_b.pk}
    query = {**RANGE, **{k: values.get(v, v) for k, v in params.items()}}
    client = client_for(world.supervisor_a)

    for name in ("workshops:rates", "workshops:rates_sessions", "workshops:rates_bookings"):
        assert client.get(reverse(name), query).status_code == 404, name
    assert client.get(reverse("workshops:rates_export"), query).status_code == 404


def test_the_csv_has_the_rows_of_the_table(world, held, on_now):
    response = client_for(world.supervisor_a).get(reverse("workshops:rates_export"), RANGE)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attendance-rates-2026-11-02-to-2026-11-20.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == CSV_HEADER
    assert rows[1:] == [
        ["Workshop", "Interviewing", "2026-11-02", "2026-11-20", "1", "1", "1", "0", "0", "100.0", "0.0"],
        ["Workshop", "Resume Writing", "2026-11-02", "2026-11-20", "2", "5", "3", "1", "1", "60.0", "20.0"],
        ["Office", "Office A", "2026-11-02", "2026-11-20", "3", "6", "4", "1", "1", "66.7", "16.7"],
        ["Total", "All sessions", "2026-11-02", "2026-11-20", "3", "6", "4", "1", "1", "66.7", "16.7"],
    ]  # fmt: skip


def test_a_name_in_the_csv_never_runs_as_a_formula(world, held, on_now):
    Workshop.objects.filter(pk=held.interviewing.pk).update(title='=HYPERLINK("http://x","y")')
    Office.objects.filter(pk=world.office_a.pk).update(name="+Office A")

    response = client_for(world.supervisor_a).get(reverse("workshops:rates_export"), RANGE)

    text = response.content.decode("utf-8-sig")
    names = [row[1] for row in csv.reader(io.StringIO(text))][1:]
    assert '\'=HYPERLINK("http://x","y")' in names and "'+Office A" in names


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-02-30"}, "Enter a real date"),
        ({"end": "2026-11-\x0002"}, "Enter a real date"),
        ({"start": "0001-01-01"}, "cannot be before 01/01/2000"),
        ({"end": "9999-12-31"}, "cannot be after"),
        ({"start": "2026-11-20", "end": "2026-11-02"}, "The range ends before it starts."),
        ({"start": "2020-01-01", "end": "2026-11-20"}, "at most three years"),
    ],
)
def test_a_bad_range_is_refused_with_a_message(world, held, on_now, params, message):
    client = client_for(world.supervisor_a)

    response = client.get(reverse("workshops:rates"), {**RANGE, **params})
    export = client.get(reverse("workshops:rates_export"), {**RANGE, **params})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "rates" not in response.context
    assert export.status_code == 400 and message in export.content.decode()


def test_only_supervisors_and_administrators_see_the_rates(world, on_now):
    for user in (world.planner_a, world.facilitator, world.tracker_a, world.vetrep_a):
        client = client_for(user)
        for name in (
            "workshops:rates",
            "workshops:rates_sessions",
            "workshops:rates_bookings",
            "workshops:rates_export",
        ):
            assert client.get(reverse(name)).status_code == 403, (user, name)
    assert client_for(world.admin).get(reverse("workshops:rates")).status_code == 200


# --- Queries do not grow with the sessions ----------------------------------------------


def _held_sessions(world: World, count: int) -> None:
    """Sessions held in the range, entered directly: what is counted is the point here."""
    workshop = make_workshop(f"Job Club {count}")
    customer = ready_customer(world, count)
    with time_machine.travel(BOOKED_ON, tick=False):
        for n in range(count):
            session = make_session(world, workshop=workshop, on=START + datetime.timedelta(days=n))
            book(session, customer, world)
    Session.objects.filter(workshop=workshop).update(
        status=SessionStatus.HELD, sheet_submitted_at=NOW
    )
    Booking.objects.filter(session__workshop=workshop, status=BookingStatus.BOOKED).update(
        attendance=Attendance.NO_SHOW
    )


@pytest.mark.parametrize(
    "name", ["workshops:rates", "workshops:rates_sessions", "workshops:rates_bookings"]
)
def test_the_queries_do_not_grow_with_the_sessions(world, on_now, name):
    client = client_for(world.supervisor_a)
    _held_sessions(world, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name), RANGE).status_code == 200
    _held_sessions(world, 10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(name), RANGE)

    assert len(many) == len(few), f"{len(few)} queries for 2 sessions, {len(many)} for 12"
    if name == "workshops:rates":
        assert response.context["rates"].total.sessions == 12
