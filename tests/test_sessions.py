"""Sessions and bookings through their pages: scheduling a weekly series once, the
waiting list, cancelling with a reason and at a version, who sees which roster and what
of it, the customer's "schedule into a session" page, the facilitator's page, and
hostile input."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casemgmt import roles
from casemgmt.models import SubmissionToken
from casemgmt.once import REPLAYED_MESSAGE
from customers.models import Program
from tests.conftest import World, client_for
from tests.factories import make_customer, make_user
from tests.readback import assert_saved, form_page_fields, submit
from tests.workshop_factory import book, make_session, make_workshop, ready_customer
from workshops.models import Booking, BookingStatus, Session, SessionStatus, Workshop
from workshops.reports import facilitator_summary
from workshops.services import attendance_submit, session_cancel

DAY = datetime.date(2026, 11, 16)  # a Monday
WEEK = datetime.timedelta(weeks=1)


@pytest.fixture
def on_day():
    with time_machine.travel(datetime.datetime(2026, 11, 16, 18, tzinfo=datetime.UTC), tick=False):
        yield


def detail_url(session: Session) -> str:
    return reverse("workshops:session_detail", kwargs={"session_pk": session.pk})


def book_url(session: Session) -> str:
    return reverse("workshops:booking_create", kwargs={"session_pk": session.pk})


def cancel_url(session: Session) -> str:
    return reverse("workshops:session_cancel", kwargs={"session_pk": session.pk})


def booking_url(name: str, booking: Booking) -> str:
    return reverse(name, kwargs={"session_pk": booking.session_id, "booking_pk": booking.pk})


def schedule(world: World, **fields: object) -> dict[str, object]:
    workshop = fields.pop("workshop", None) or make_workshop()
    return {
        "workshop": str(workshop.pk),
        "office": str(world.office_a.pk),
        "on": "2026-11-23",
        "starts_at": "10:00",
        "room": "Room 2",
        "facilitator": str(world.facilitator.pk),
        "weeks": "1",
        **fields,
    }


def messages_of(response) -> list[str]:  # noqa: ANN001
    return [str(m) for m in response.context["messages"]]


# --- Scheduling -----------------------------------------------------------------------


def test_it_schedules_a_weekly_series_of_four_in_one_step(world: World, on_day):
    client = client_for(world.supervisor_a)
    data = schedule(world, weeks="4")

    response = submit(client, reverse("workshops:session_create"), data, follow=True)

    sessions = list(Session.objects.order_by("on"))
    assert [s.on for s in sessions] == [datetime.date(2026, 11, 23) + n * WEEK for n in range(4)]
    assert sessions[0].series is not None
    for session in sessions:
        # Ends and capacity from the catalog: 90 minutes, 20 seats.
        assert_saved(
            Session,
            session.pk,
            workshop=int(str(data["workshop"])),
            office=world.office_a,
            starts_at=datetime.time(10),
            ends_at=datetime.time(11, 30),
            room="Room 2",
            facilitator=world.facilitator,
            capacity=20,
            series=sessions[0].series,
            status=SessionStatus.SCHEDULED,
            created_by=world.supervisor_a,
        )
    assert response.redirect_chain[-1][0] == detail_url(sessions[0])
    assert "Scheduled 4 weekly sessions" in " ".join(messages_of(response))


def test_a_single_session_takes_the_times_and_seats_entered(world: World, on_day):
    client = client_for(world.supervisor_a)

    submit(
        client,
        reverse("workshops:session_create"),
        schedule(
            world, ends_at="12:15", capacity="8", room="", meeting_link="https://meet.example.org/x"
        ),
    )

    session = Session.objects.get()
    assert_saved(
        Session,
        session.pk,
        ends_at=datetime.time(12, 15),
        capacity=8,
        room="",
        meeting_link="https://meet.example.org/x",
        series=None,
    )


def test_submitting_the_schedule_twice_records_it_once(world: World, on_day):
    client = client_for(world.supervisor_a)
    url = reverse("workshops:session_create")
    data = {**form_page_fields(client.get(url).content.decode()), **schedule(world, weeks="3")}

    first = client.post(url, data)
    second = client.post(url, data, follow=True)

    assert Session.objects.count() == 3
    assert second.redirect_chain[-1][0] == first["Location"]
    assert REPLAYED_MESSAGE in messages_of(second)


def test_the_facilitator_must_work_in_the_office(world: World, on_day):
    client = client_for(world.supervisor_a)
    elsewhere = make_user("facilitator_b", roles.FACILITATOR, offices=[world.office_b])
    world.supervisor_a.supervised_offices.add(world.office_b)

    response = submit(
        client, reverse("workshops:session_create"), schedule(world, facilitator=str(elsewhere.pk))
    )

    assert response.status_code == 200
    assert "does not work in this office" in response.content.decode()
    assert not Session.objects.exists()


def test_only_staff_who_enter_attendance_are_offered_as_facilitators(world: World, on_day):
    response = client_for(world.supervisor_a).get(reverse("workshops:session_create"))

    offered = set(response.context["form"].fields["facilitator"].queryset)
    # Supervisors stand in when the facilitator is away; planners and trackers do not.
    assert offered == {world.facilitator, world.supervisor_a}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("on", "2026-02-30", "Enter a real date"),
        ("on", "9999-12-31", "cannot be after"),
        ("room", "Room\x00 2", "Null characters are not allowed"),
        ("room", "x" * 10_000, "holds at most 120 characters"),
        ("capacity", "-5", "greater than or equal to 1"),
        ("capacity", "99999999", "less than or equal to 500"),
        ("weeks", "27", "less than or equal to 26"),
        ("starts_at", "25:99", "Enter a time of day"),
        ("workshop", "999999999", "Select a valid choice"),
        ("meeting_link", "javascript:alert(1)", "Enter a valid URL"),
    ],
)
def test_hostile_schedules_are_refused_with_a_message_and_write_nothing(
    world: World, on_day, field: str, value: str, message: str
):
    client = client_for(world.supervisor_a)
    data = schedule(world)
    tokens = SubmissionToken.objects.count()

    response = submit(client, reverse("workshops:session_create"), {**data, field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Session.objects.exists()
    assert SubmissionToken.objects.count() == tokens


def test_an_end_before_the_start_is_refused(world: World, on_day):
    response = submit(
        client_for(world.supervisor_a),
        reverse("workshops:session_create"),
        schedule(world, ends_at="09:00"),
    )

    assert "The end time must be after the start time." in response.content.decode()
    assert not Session.objects.exists()


def test_planners_and_facilitators_do_not_schedule(world: World, on_day):
    for user in (world.planner_a, world.facilitator):
        assert client_for(user).get(reverse("workshops:session_create")).status_code == 403


# --- Cancelling a session -------------------------------------------------------------


def test_cancelling_a_session_needs_a_reason(world: World, on_day):
    session = make_session(world)

    response = submit(client_for(world.supervisor_a), cancel_url(session), {"reason": "  "})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert_saved(Session, session.pk, status=SessionStatus.SCHEDULED, lock_version=1)


def test_cancelling_a_session_cancels_its_bookings(world: World, on_day):
    session = make_session(world)
    booking = book(session, ready_customer(world), world)

    response = submit(
        client_for(world.supervisor_a), cancel_url(session), {"reason": "Facilitator ill"}
    )

    assert response.status_code == 302
    assert_saved(
        Session, session.pk, status=SessionStatus.CANCELLED, cancel_reason="Facilitator ill"
    )
    assert_saved(
        Booking,
        booking.pk,
        status=BookingStatus.CANCELLED,
        reason="Session cancelled: Facilitator ill",
    )


def test_a_stale_cancel_answers_409_and_keeps_the_first(world: World, on_day):
    session = make_session(world)
    client = client_for(world.supervisor_a)
    opened = form_page_fields(client.get(cancel_url(session)).content.decode())
    session_cancel(session=session, reason="Room flooded", user=world.admin, expected_version=None)

    response = client.post(cancel_url(session), {**opened, "reason": "Facilitator ill"})

    assert response.status_code == 409
    assert "Someone else saved this first" in response.content.decode()
    assert_saved(Session, session.pk, status=SessionStatus.CANCELLED, cancel_reason="Room flooded")


# --- Booking, the waiting list, cancelling and moving ---------------------------------


def test_two_seats_and_three_bookings_put_the_third_on_the_waiting_list(world: World, on_day):
    session = make_session(world, capacity=2)
    customers = [ready_customer(world, n) for n in range(3)]
    client = client_for(world.planner_a)

    responses = [
        submit(client, book_url(session), {"customer": c.customer_number}, follow=True)
        for c in customers
    ]

    statuses = [Booking.objects.get(session=session, customer=c).status for c in customers]
    assert statuses == [BookingStatus.BOOKED, BookingStatus.BOOKED, BookingStatus.WAITING]
    assert "number 1 on the waiting list" in " ".join(messages_of(responses[2]))
    page = responses[2].content.decode()
    assert "Booked: 2 of 2 seats" in page and "Waiting list, in order" in page


def test_cancelling_a_booked_customer_gives_the_seat_to_the_first_waiting(world: World, on_day):
    session = make_session(world, capacity=1)
    seated, first, second = (ready_customer(world, n) for n in range(3))
    booking = book(session, seated, world)
    book(session, first, world)
    book(session, second, world)

    response = submit(
        client_for(world.planner_a),
        booking_url("workshops:booking_cancel", booking),
        {"reason": "Started a job"},
    )

    assert response.status_code == 302
    assert_saved(Booking, booking.pk, status=BookingStatus.CANCELLED, reason="Started a job")
    promoted = Booking.objects.get(session=session, customer=first)
    assert_saved(Booking, promoted.pk, status=BookingStatus.BOOKED)
    assert Booking.objects.get(session=session, customer=second).status == BookingStatus.WAITING


def test_cancelling_a_booking_needs_a_reason(world: World, on_day):
    booking = book(make_session(world), ready_customer(world), world)

    response = submit(
        client_for(world.planner_a),
        booking_url("workshops:booking_cancel", booking),
        {"reason": ""},
    )

    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert_saved(Booking, booking.pk, status=BookingStatus.BOOKED)


def test_a_name_lists_the_matches_and_books_nobody(world: World, on_day):
    session = make_session(world)
    ready_customer(world, 1, first_name="Marisol", last_name="Quintero")
    make_customer(
        office=world.office_b, planner=world.planner_b, first_name="Marisol", last_name="Quintana"
    )

    response = submit(client_for(world.planner_a), book_url(session), {"customer": "Quint"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Quintero, Marisol" in page and "Quintana" not in page
    assert not Booking.objects.exists()


def test_a_number_of_another_office_is_not_found(world: World, on_day):
    session = make_session(world)

    response = submit(
        client_for(world.planner_a),
        book_url(session),
        {"customer": world.customer_b.customer_number},
    )

    assert "No customer of Office A has the customer number" in response.content.decode()
    assert not Booking.objects.exists()


def test_booking_twice_with_one_form_books_once(world: World, on_day):
    session = make_session(world)
    customer = ready_customer(world)
    client = client_for(world.planner_a)
    data = {
        **form_page_fields(client.get(book_url(session)).content.decode()),
        "customer": customer.customer_number,
    }

    client.post(book_url(session), data)
    second = client.post(book_url(session), data, follow=True)

    assert Booking.objects.filter(session=session, customer=customer).count() == 1
    assert REPLAYED_MESSAGE in messages_of(second)


def test_an_overlapping_booking_is_made_with_a_warning(world: World, on_day):
    customer = ready_customer(world)
    first = make_session(world, on=DAY + WEEK)
    book(first, customer, world)
    other = make_session(
        world,
        workshop=make_workshop("Interviewing"),
        on=DAY + WEEK,
        starts_at=datetime.time(11),
        ends_at=datetime.time(12),
    )

    response = submit(
        client_for(world.planner_a),
        book_url(other),
        {"customer": customer.customer_number},
        follow=True,
    )

    assert Booking.objects.get(session=other, customer=customer).status == BookingStatus.BOOKED
    assert any("overlapping time" in m for m in messages_of(response))


def test_moving_a_booking_books_the_other_session_and_cancels_this_one(world: World, on_day):
    customer = ready_customer(world)
    session = make_session(world)
    later = make_session(world, workshop=session.workshop, on=DAY + WEEK)
    booking = book(session, customer, world)

    response = submit(
        client_for(world.planner_a),
        booking_url("workshops:booking_move", booking),
        {"to": str(later.pk), "reason": "Has a job interview today"},
    )

    moved = Booking.objects.get(session=later, customer=customer)
    assert response["Location"] == f"{detail_url(later)}#booking-{moved.pk}"
    assert_saved(Booking, moved.pk, status=BookingStatus.BOOKED, booked_by=world.planner_a)
    old = assert_saved(Booking, booking.pk, status=BookingStatus.CANCELLED)
    assert old.reason.startswith("Rescheduled to") and old.reason.endswith(
        "Has a job interview today"
    )


# --- Who sees which session, and what of it -------------------------------------------


def test_a_planner_of_another_office_gets_404(world: World, on_day):
    session = make_session(world)
    booking = book(session, ready_customer(world), world)
    client = client_for(world.planner_b)

    for url in (
        detail_url(session),
        book_url(session),
        booking_url("workshops:booking_cancel", booking),
        booking_url("workshops:booking_move", booking),
    ):
        assert client.get(url).status_code == 404, url
        if url != detail_url(session):  # the roster is read-only
            assert client.post(url, {"reason": "x", "customer": "C1"}).status_code == 404, url
    assert_saved(Booking, booking.pk, status=BookingStatus.BOOKED)


def test_the_facilitator_sees_names_and_numbers_but_no_contact_details(world: World, on_day):
    session = make_session(world)
    customer = ready_customer(
        world,
        first_name="Odalys",
        last_name="Ferreira",
        phone="2175550987",
        email="odalys@example.org",
        date_of_birth=datetime.date(1979, 3, 14),
    )
    book(session, customer, world)

    response = client_for(world.facilitator).get(detail_url(session))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ferreira, Odalys" in page and customer.customer_number in page
    for secret in ("555-0987", "5550987", "odalys@example", "03/14/1979", "1979-03-14", "Mar. 14"):
        assert secret not in page, secret
    assert reverse("customers:detail", kwargs={"pk": customer.pk}) not in page


def test_the_facilitator_is_refused_every_booking_form(world: World, on_day):
    session = make_session(world)
    booking = book(session, ready_customer(world), world)
    client = client_for(world.facilitator)

    for url in (
        book_url(session),
        booking_url("workshops:booking_cancel", booking),
        booking_url("workshops:booking_move", booking),
        reverse("workshops:customer_sessions", kwargs={"pk": booking.customer_id}),
        cancel_url(session),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "x", "customer": "C1"}).status_code == 403, url
    assert_saved(Booking, booking.pk, status=BookingStatus.BOOKED)


def test_a_facilitator_sees_only_the_sessions_they_run(world: World, on_day):
    mine = make_session(world)
    other_facilitator = make_user("facilitator_two", roles.FACILITATOR, offices=[world.office_a])
    theirs = make_session(world, workshop=mine.workshop)
    Session.objects.filter(pk=theirs.pk).update(facilitator=other_facilitator)
    client = client_for(world.facilitator)

    listed = list(client.get(reverse("workshops:sessions")).context["page"].object_list)

    assert listed == [mine]
    assert client.get(detail_url(theirs)).status_code == 404


def test_a_planner_sees_the_roster_with_links_to_the_customers(world: World, on_day):
    session = make_session(world)
    customer = ready_customer(world)
    book(session, customer, world)

    page = client_for(world.planner_a).get(detail_url(session)).content.decode()

    assert reverse("customers:detail", kwargs={"pk": customer.pk}) in page
    assert 'action="' + book_url(session) + '"' in page


# --- The session list and the facilitator's page: queries do not grow ------------------


def _sessions(world: World, count: int) -> None:
    workshop = make_workshop(f"Job Club {count}")
    customer = ready_customer(world, count)
    for n in range(count):
        session = make_session(world, workshop=workshop, on=DAY + datetime.timedelta(days=n % 20))
        if n % 2:
            book(session, customer, world)


def _queries(client, url: str) -> tuple[int, str]:  # noqa: ANN001
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("url_name", ["workshops:sessions", "workshops:facilitator"])
def test_the_queries_do_not_grow_with_the_sessions(world: World, on_day, url_name: str):
    user = world.facilitator if url_name == "workshops:facilitator" else world.supervisor_a
    client = client_for(user)
    url = reverse(url_name)
    _sessions(world, 2)
    few, _page = _queries(client, url)
    _sessions(world, 10)
    many, page = _queries(client, url)

    assert len(set(re.findall(r'href="/sessions/(\d+)/"', page))) == 12
    assert many == few, f"{few} queries for 2 sessions, {many} for 12"


def test_administrators_keep_the_catalog(world: World, on_day):
    client = client_for(world.admin)
    workshop = make_workshop()
    make_session(world, workshop=workshop)

    response = client.post(
        reverse("admin:workshops_workshop_add"),
        {
            "title": "Youth Job Club",
            "content": "Weekly job club: leads, applications and mock interviews.",
            "activity": str(workshop.activity_id),
            "default_minutes": "60",
            "default_capacity": "12",
            "programs": ["youth"],
            "active": "on",
        },
    )

    assert response.status_code == 302
    added = Workshop.objects.get(title="Youth Job Club")
    assert_saved(Workshop, added.pk, programs=["youth"], default_capacity=12, active=True)
    changelist = client.get(reverse("admin:workshops_workshop_changelist"), {"active__exact": "1"})
    assert changelist.status_code == 200 and "Youth Job Club" in changelist.content.decode()
    # A workshop with sessions is retired, never deleted; sessions are not edited here.
    delete = reverse("admin:workshops_workshop_delete", args=[workshop.pk])
    assert client.get(delete).status_code == 403
    session_admin = client.get(reverse("admin:workshops_session_changelist"))
    assert session_admin.status_code == 200 and "Add session" not in session_admin.content.decode()


def test_the_session_list_shows_seats_from_two_weeks_back(world: World, on_day):
    old = make_session(world, on=DAY - datetime.timedelta(days=15))
    recent = make_session(
        world, workshop=old.workshop, on=DAY - datetime.timedelta(days=14), capacity=1
    )
    book(make_session(world, workshop=old.workshop, on=DAY + WEEK), ready_customer(world), world)
    Booking.objects.create(
        session=recent, customer=ready_customer(world, 2), booked_by=world.planner_a
    )
    Booking.objects.create(
        session=recent,
        customer=ready_customer(world, 3),
        booked_by=world.planner_a,
        status="waiting",
    )

    response = client_for(world.planner_a).get(reverse("workshops:sessions"))

    rows = list(response.context["page"].object_list)
    assert old not in rows and rows[0] == recent
    assert (rows[0].booked, rows[0].waiting) == (1, 1) and rows[1].booked == 1


def test_an_office_outside_the_scope_is_not_a_filter(world: World, on_day):
    response = client_for(world.planner_a).get(
        reverse("workshops:sessions"), {"office": world.office_b.pk}
    )

    assert response.status_code == 404


# --- The facilitator's page -----------------------------------------------------------


def test_the_facilitator_page_says_which_sheets_are_due_and_overdue(world: World):
    with time_machine.travel(datetime.datetime(2026, 10, 20, 18, tzinfo=datetime.UTC), tick=False):
        workshop = make_workshop()
        old = make_session(world, workshop=workshop, on=datetime.date(2026, 10, 20))
        held = make_session(world, workshop=workshop, on=datetime.date(2026, 10, 28))
        customer = ready_customer(world)
        book(held, customer, world)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 18, tzinfo=datetime.UTC), tick=False):
        attendance_submit(session=held, user=world.facilitator, marks={customer.pk: "no_show"})
    with time_machine.travel(datetime.datetime(2026, 11, 16, 18, tzinfo=datetime.UTC), tick=False):
        due = make_session(world, workshop=workshop, on=DAY - datetime.timedelta(days=10))
        overdue = make_session(world, workshop=workshop, on=DAY - datetime.timedelta(days=11))
        today = make_session(world, workshop=workshop, on=DAY)
        coming = make_session(world, workshop=workshop, on=DAY + datetime.timedelta(days=3))
        far = make_session(world, workshop=workshop, on=DAY + datetime.timedelta(days=40))

        summary = facilitator_summary(world.facilitator)
        response = client_for(world.facilitator).get(reverse("workshops:facilitator"))

    states = {line.session: line.state for line in summary["recent"]}
    # Older than 14 days: listed while its sheet is not in, gone once it is.
    assert states == {due: "not_entered", overdue: "overdue", old: "overdue"}
    assert held not in states
    assert [line.session for line in summary["today"]] == [today]
    assert [line.session for line in summary["upcoming"]] == [coming]
    assert far not in [line.session for line in summary["upcoming"]]
    assert (summary["sheets_due"], summary["sheets_overdue"]) == (4, 2)
    page = response.content.decode()
    assert "2 attendance sheets overdue" in page and "Attendance not entered" in page


def test_only_those_who_enter_attendance_have_a_facilitator_page(world: World, on_day):
    for user in (world.planner_a, world.vetrep_a, world.tracker_a):
        assert client_for(user).get(reverse("workshops:facilitator")).status_code == 403
    assert client_for(world.supervisor_a).get(reverse("workshops:facilitator")).status_code == 200


# --- The customer's "schedule into a session" page ------------------------------------


def test_the_customer_page_lists_open_sessions_and_books_in_one_click(world: World, on_day):
    customer = ready_customer(world)
    workshop = make_workshop()
    open_one = make_session(world, workshop=workshop, on=DAY + WEEK, capacity=1)
    book(open_one, ready_customer(world, 2), world)  # full: a click joins the waiting list
    youth_only = make_session(
        world, workshop=make_workshop("Youth Job Club", programs=[Program.YOUTH])
    )
    past = make_session(world, workshop=workshop, on=DAY - WEEK)
    url = reverse("workshops:customer_sessions", kwargs={"pk": customer.pk})
    client = client_for(world.planner_a)

    page = client.get(url)
    listed = [session for session, _left, _form in page.context["rows"]]
    assert listed == [open_one]
    assert youth_only not in listed and past not in listed
    assert "Join the waiting list" in page.content.decode()

    fields = form_page_fields(page.content.decode())
    response = client.post(url, fields, follow=True)

    assert_saved(
        Booking,
        Booking.objects.get(session=open_one, customer=customer).pk,
        status=BookingStatus.WAITING,
        booked_by=world.planner_a,
    )
    assert response.redirect_chain[-1][0] == f"{url}#session-{open_one.pk}"
    assert "On the waiting list" in response.content.decode()
    again = client.post(url, fields, follow=True)
    assert REPLAYED_MESSAGE in messages_of(again)
    assert Booking.objects.filter(customer=customer).count() == 1


def test_a_session_not_on_the_customer_list_cannot_be_posted(world: World, on_day):
    customer = ready_customer(world)
    youth_only = make_session(
        world, workshop=make_workshop("Youth Job Club", programs=[Program.YOUTH])
    )
    url = reverse("workshops:customer_sessions", kwargs={"pk": customer.pk})
    client = client_for(world.planner_a)
    for value in (str(youth_only.pk), "\x00", "-1", "999999999"):
        response = client.post(url, {"session": value, "submission_token": str(uuid.uuid4())})
        assert response.status_code == 200
        assert "alert-danger" in response.content.decode()
    assert not Booking.objects.exists()


def test_the_customer_page_of_another_office_is_404(world: World, on_day):
    url = reverse("workshops:customer_sessions", kwargs={"pk": world.customer_a.pk})

    assert client_for(world.planner_b).get(url).status_code == 404
    assert client_for(world.tracker_a).get(url).status_code == 403
