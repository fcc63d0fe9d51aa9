"""The attendance sheet: the whole room in one submission, all or nothing, once."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casemgmt.models import Policy
from casenotes.models import CaseNote
from services.models import CompletionStatus, ServiceRecord
from tests.conftest import World
from tests.factories import make_customer
from tests.workshop_factory import CONTENT, book, make_session, ready_customer
from workshops.models import Attendance, Booking, Session, SessionStatus
from workshops.services import SheetRefused, attendance_amend, attendance_submit

DAY = datetime.date(2026, 11, 16)  # a Monday; the session day


@pytest.fixture
def on_day():
    with time_machine.travel(datetime.datetime(2026, 11, 16, 18, tzinfo=datetime.UTC), tick=False):
        yield


def roster_of(world: World, count: int) -> tuple[Session, list]:
    session = make_session(world, capacity=max(count, 1), on=DAY)
    customers = [ready_customer(world, n) for n in range(count)]
    for customer in customers:
        book(session, customer, world)
    return session, customers


def test_everyone_attended_records_a_service_and_a_note_each(world: World, on_day):
    session, customers = roster_of(world, 3)

    result = attendance_submit(
        session=session,
        user=world.facilitator,
        marks={c.pk: Attendance.ATTENDED for c in customers},
    )

    assert result.attended == 3 and not result.late
    for customer in customers:
        service = ServiceRecord.objects.get(customer=customer, activity__code="201")
        assert (service.started_on, service.ended_on) == (DAY, DAY)
        assert service.completion_status == CompletionStatus.SUCCESSFUL
        assert service.entered_by == world.facilitator
        note = CaseNote.objects.get(service=service)
        assert note.contact_date == DAY and note.author == world.facilitator
        assert note.body.startswith(CONTENT) and "Resume Writing" in note.subject
        assert note.two_way is False  # the region's default: contact means the planner
        booking = Booking.objects.get(session=session, customer=customer)
        assert (booking.attendance, booking.service_id) == (Attendance.ATTENDED, service.pk)
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD and session.sheet_submitted_by == world.facilitator


def test_attendance_counts_as_contact_where_the_region_says_so(world: World, on_day):
    Policy.objects.update_or_create(
        region=world.office_a.region, defaults={"attendance_counts_as_contact": True}
    )
    session, [customer] = roster_of(world, 1)

    attendance_submit(session=session, user=world.facilitator, marks={customer.pk: "attended"})

    assert CaseNote.objects.get(customer=customer, service__activity__code="201").two_way is True


def test_one_bad_row_among_sixty_saves_nothing_and_names_the_row(world: World, on_day):
    session, customers = roster_of(world, 59)
    # Certified but without an IEP: 201 requires one.
    no_plan = make_customer(office=world.office_a, planner=world.planner_a, first_name="Noplan")
    Session.objects.filter(pk=session.pk).update(capacity=60)
    book(session, no_plan, world)
    services_before = ServiceRecord.objects.count()
    notes_before = CaseNote.objects.count()

    with pytest.raises(SheetRefused) as refused:
        attendance_submit(
            session=session,
            user=world.facilitator,
            marks={c.pk: Attendance.ATTENDED for c in [*customers, no_plan]},
        )

    assert list(refused.value.rows) == [no_plan.pk]
    assert any("IEP" in m for m in refused.value.rows[no_plan.pk]), refused.value.rows
    assert ServiceRecord.objects.count() == services_before
    assert CaseNote.objects.count() == notes_before
    assert not Booking.objects.filter(session=session).exclude(attendance="").exists()
    session.refresh_from_db()
    assert not session.is_submitted


def test_every_row_needs_a_mark(world: World, on_day):
    session, customers = roster_of(world, 2)

    with pytest.raises(SheetRefused) as refused:
        attendance_submit(
            session=session, user=world.facilitator, marks={customers[0].pk: "attended"}
        )

    assert refused.value.rows == {customers[1].pk: ["Mark attended, no-show or excused."]}
    assert not ServiceRecord.objects.filter(activity__code="201").exists()


def test_a_sheet_is_submitted_once(world: World, on_day):
    session, customers = roster_of(world, 2)
    marks = {customers[0].pk: "attended", customers[1].pk: "no_show"}
    attendance_submit(session=session, user=world.facilitator, marks=marks)

    with pytest.raises(Exception, match="submitted on 11/16/2026; amend a mark instead"):
        attendance_submit(session=session, user=world.facilitator, marks=marks)

    assert ServiceRecord.objects.filter(activity__code="201").count() == 1


def test_walk_ins_join_the_roster(world: World, on_day):
    session, [booked] = roster_of(world, 1)
    walk_in = ready_customer(world, 9, first_name="Walkin")

    attendance_submit(
        session=session,
        user=world.facilitator,
        marks={booked.pk: "attended", walk_in.pk: "attended"},
        walk_ins=[walk_in],
    )

    booking = Booking.objects.get(session=session, customer=walk_in)
    assert booking.walk_in and booking.attendance == Attendance.ATTENDED
    assert ServiceRecord.objects.filter(customer=walk_in, activity__code="201").exists()


@pytest.mark.parametrize(("days_after", "late"), [(10, False), (11, True)])
def test_a_sheet_entered_after_the_deadline_marks_its_records_late(
    world: World, days_after: int, late: bool
):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 18, tzinfo=datetime.UTC), tick=False):
        session, [customer] = roster_of(world, 1)
        Session.objects.filter(pk=session.pk).update(on=datetime.date(2026, 11, 2))
    entered = datetime.datetime(2026, 11, 2, 18, tzinfo=datetime.UTC) + datetime.timedelta(
        days=days_after
    )
    with time_machine.travel(entered, tick=False):
        result = attendance_submit(
            session=session, user=world.facilitator, marks={customer.pk: "attended"}
        )

    assert result.late is late
    service = ServiceRecord.objects.get(customer=customer, activity__code="201")
    assert service.entered_late is late
    assert CaseNote.objects.get(service=service).entered_late is late


def test_an_amendment_ends_the_service_and_corrects_the_note(world: World, on_day):
    Policy.objects.update_or_create(
        region=world.office_a.region, defaults={"attendance_counts_as_contact": True}
    )
    session, [customer] = roster_of(world, 1)
    attendance_submit(session=session, user=world.facilitator, marks={customer.pk: "attended"})
    booking = Booking.objects.get(session=session, customer=customer)
    service = booking.service

    attendance_amend(
        booking=booking,
        attendance=Attendance.NO_SHOW,
        reason="Signed in for a friend; was not in the room.",
        user=world.facilitator,
        expected_version=booking.lock_version,
    )

    booking.refresh_from_db()
    assert booking.attendance == Attendance.NO_SHOW and booking.service is None
    service.refresh_from_db()
    assert service.completion_status == CompletionStatus.UNSUCCESSFUL
    original = CaseNote.objects.get(service=service, addendum_to__isnull=True)
    correction = CaseNote.objects.get(corrects=original)
    assert correction.two_way is False
    assert "Attendance amended to No-show" in correction.body


def test_an_amendment_to_attended_records_the_service(world: World, on_day):
    session, [customer] = roster_of(world, 1)
    attendance_submit(session=session, user=world.facilitator, marks={customer.pk: "excused"})
    booking = Booking.objects.get(session=session, customer=customer)

    attendance_amend(
        booking=booking,
        attendance=Attendance.ATTENDED,
        reason="Came in late; the sign-in sheet shows it.",
        user=world.supervisor_a,
        expected_version=booking.lock_version,
    )

    booking.refresh_from_db()
    assert booking.service.activity.code == "201"
    assert booking.service.entered_by == world.supervisor_a


def test_a_no_show_is_a_follow_up_until_a_contact_is_logged(world: World, on_day):
    from casenotes.services import casenote_create
    from workshops.selectors import follow_ups

    session, [customer] = roster_of(world, 1)
    attendance_submit(session=session, user=world.facilitator, marks={customer.pk: "no_show"})
    customers = customer.__class__.objects.filter(office=world.office_a)

    [item] = follow_ups(customers, on=DAY)
    assert (item.customer, item.day, item.what) == (customer, DAY, "No-show: Resume Writing")

    casenote_create(
        customer=customer,
        author=world.tracker_a,
        contact_date=DAY,
        subject="Re-engagement",
        body="Called about the missed workshop; rebooked for next week.",
        contact_method="phone",
        two_way=True,
    )
    assert follow_ups(customers, on=DAY) == []


def test_sixty_rows_use_a_bounded_number_of_queries(world: World, on_day):
    small, few = roster_of(world, 2)
    with CaptureQueriesContext(connection) as two:
        attendance_submit(
            session=small, user=world.facilitator, marks={c.pk: "attended" for c in few}
        )
    big = make_session(world, capacity=60, on=DAY)
    many = [ready_customer(world, 100 + n) for n in range(20)]
    for customer in many:
        book(big, customer, world)
    with CaptureQueriesContext(connection) as twenty:
        attendance_submit(
            session=big, user=world.facilitator, marks={c.pk: "attended" for c in many}
        )
    per_row = (len(twenty) - len(two)) / 18
    print(f"queries: 2 rows {len(two)}, 20 rows {len(twenty)}, {per_row:.1f} per row")
    # Each attendee runs the service and note rules on its own rows: one read of its
    # services for the prerequisites, the service and the note written, and the
    # savepoints of those two writes (7 queries). The region's policy is read once.
    assert per_row <= 7
