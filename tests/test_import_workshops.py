"""workshop_sessions.csv, workshop_bookings.csv and appointments.csv: workshop history
comes in as it stands (past sessions held with their roster marked, appointments kept or
missed), the attended linked to the 201 their attendance recorded, not recorded again.

Every name is invented; the case file is Marisol's and Dov's from tests/test_import.py
(Marisol's 201 on 2026-09-10 is services.csv S-3, with its case note N-3).
"""

import datetime
from pathlib import Path

import pytest

from bulkdata.legacy_import import APPOINTMENTS, BOOKINGS, SESSIONS
from casemgmt.clock import today_for_office
from services.models import ServiceRecord
from tests.conftest import World
from tests.test_import import assert_no_pii, case_file, imported_counts, run, run_failing, write
from tests.workshop_factory import make_workshop
from workshops.models import Appointment, Booking, Session
from workshops.rules import SCHEDULE_DAYS_BACK

AS_OF = "2026-11-20"
CHICAGO = datetime.timezone(datetime.timedelta(hours=-5))  # CDT, as in September


def session(legacy_id: str, on: str, **extra: str) -> dict:
    return {
        "legacy_id": legacy_id,
        "workshop": extra.pop("workshop", "resume writing"),
        "office": extra.pop("office", "A"),
        "on": on,
        "starts_at": extra.pop("starts_at", "10:00"),
        "ends_at": extra.pop("ends_at", "11:30"),
        "room": extra.pop("room", "Room 2"),
        "facilitator": extra.pop("facilitator", "facilitator"),
        "capacity": extra.pop("capacity", "2"),
        "created_by": "supervisor_a",
        **extra,
    }


def booking(session_id: str, customer: str, **extra: str) -> dict:
    return {
        "session_legacy_id": session_id,
        "customer_legacy_id": customer,
        "booked_by": extra.pop("booked_by", "planner_a"),
        **extra,
    }


def appointment(customer: str, with_user: str, on: str, **extra: str) -> dict:
    return {
        "customer_legacy_id": customer,
        "with": with_user,
        "on": on,
        "starts_at": extra.pop("starts_at", "09:00"),
        "ends_at": extra.pop("ends_at", "09:30"),
        "purpose": extra.pop("purpose", "Review the training application"),
        "booked_by": extra.pop("booked_by", with_user),
        **extra,
    }


SESSION_COLUMNS = [
    "legacy_id",
    "workshop",
    "office",
    "on",
    "starts_at",
    "ends_at",
    "room",
    "meeting_link",
    "facilitator",
    "capacity",
    "status",
    "cancel_reason",
    "created_by",
]
BOOKING_COLUMNS = [
    "session_legacy_id",
    "customer_legacy_id",
    "status",
    "walk_in",
    "attendance",
    "service_legacy_id",
    "reason",
    "booked_by",
]
APPOINTMENT_COLUMNS = [
    "customer_legacy_id",
    "with",
    "on",
    "starts_at",
    "ends_at",
    "purpose",
    "place",
    "meeting_link",
    "what_to_bring",
    "status",
    "reason",
    "booked_by",
]


def ahead(world: World, days: int) -> str:
    return (today_for_office(world.office_a) + datetime.timedelta(days=days)).isoformat()


def clean_sessions(world: World) -> list[dict]:
    return [
        # Held long before the planner's form would let anyone record it.
        session("W-1", "2026-09-10", status="held"),
        session(
            "W-2", "09/24/2026", status="cancelled", cancel_reason="Room flooded", capacity="10"
        ),
        session(
            "W-3",
            ahead(world, 30),
            room="",
            meeting_link="https://meet.example.org/resume",
            capacity="12",
        ),
    ]


def clean_bookings() -> list[dict]:
    return [
        booking("W-1", "C-1", status="booked", attendance="attended", service_legacy_id="S-3"),
        booking("W-1", "C-2", attendance="no_show", walk_in="yes", booked_by="facilitator"),
        booking("W-2", "C-1", status="cancelled", reason="Session cancelled: Room flooded"),
        booking("W-3", "C-1", status="waiting"),
    ]


def clean_appointments(world: World) -> list[dict]:
    return [
        appointment("C-1", "planner_a", "2026-09-15", status="kept", place="Desk 4"),
        appointment(
            "C-2",
            "planner_b",
            "2026-10-01",
            starts_at="14:00",
            ends_at="14:45",
            status="missed",
            reason="No answer at the door",
        ),
        appointment(
            "C-1",
            "planner_a",
            ahead(world, 3),
            what_to_bring="Photo ID and the last pay stub",
            meeting_link="https://meet.example.org/abc",
        ),
    ]


def workshop_files(
    directory: Path,
    world: World,
    *,
    sessions: list[dict] | None = None,
    bookings: list[dict] | None = None,
    appointments: list[dict] | None = None,
) -> Path:
    case_file(directory)
    write(
        directory,
        SESSIONS,
        clean_sessions(world) if sessions is None else sessions,
        SESSION_COLUMNS,
    )
    write(directory, BOOKINGS, clean_bookings() if bookings is None else bookings, BOOKING_COLUMNS)
    write(
        directory,
        APPOINTMENTS,
        clean_appointments(world) if appointments is None else appointments,
        APPOINTMENT_COLUMNS,
    )
    return directory


@pytest.fixture
def catalog(db):
    return make_workshop()  # Resume Writing, whose attendance records a 201


def test_the_workshop_history_is_imported_as_it_stands(world: World, catalog, tmp_path: Path):
    out = run(workshop_files(tmp_path, world), "--as-of", AS_OF)

    sessions = {s.legacy_id: s for s in Session.objects.select_related("workshop")}
    held, cancelled, ahead_ = sessions["W-1"], sessions["W-2"], sessions["W-3"]
    assert (held.workshop, held.office, held.facilitator) == (
        catalog,
        world.office_a,
        world.facilitator,
    )
    assert (held.on, held.starts_at, held.ends_at, held.capacity, held.room) == (
        datetime.date(2026, 9, 10),
        datetime.time(10),
        datetime.time(11, 30),
        2,
        "Room 2",
    )
    # Its sheet is in: by the facilitator, when the session ended (11:30 in Chicago).
    assert held.status == "held" and held.sheet_submitted_by == world.facilitator
    assert held.sheet_submitted_at == datetime.datetime(2026, 9, 10, 11, 30, tzinfo=CHICAGO)
    assert (cancelled.status, cancelled.cancel_reason, cancelled.is_submitted) == (
        "cancelled",
        "Room flooded",
        False,
    )
    assert ahead_.status == "scheduled" and ahead_.meeting_link.endswith("/resume")
    assert held.created_by == world.supervisor_a

    # The attended booking is linked to the 201 from services.csv, not recorded again.
    marisols = ServiceRecord.objects.get(legacy_id="S-3")
    attended = Booking.objects.get(session=held, customer__legacy_id="C-1")
    assert (attended.status, attended.attendance, attended.service) == (
        "booked",
        "attended",
        marisols,
    )
    assert ServiceRecord.objects.filter(activity__code="201").count() == 1
    assert marisols.case_notes.count() == 1
    assert attended.marked_by == world.facilitator
    assert attended.marked_at == held.sheet_submitted_at
    no_show = Booking.objects.get(session=held, customer__legacy_id="C-2")
    assert (no_show.attendance, no_show.walk_in, no_show.service) == ("no_show", True, None)
    assert no_show.booked_by == world.facilitator
    assert Booking.objects.get(session=cancelled).status == "cancelled"
    assert Booking.objects.get(session=ahead_).status == "waiting"

    kept, missed, scheduled = Appointment.objects.order_by("on")
    assert (kept.customer.legacy_id, kept.office, kept.with_user, kept.status, kept.place) == (
        "C-1",
        world.office_a,
        world.planner_a,
        "kept",
        "Desk 4",
    )
    assert (missed.office, missed.status, missed.reason) == (
        world.office_b,
        "missed",
        "No answer at the door",
    )
    # The miss is taken as recorded when the appointment ended.
    assert missed.status_changed_at == datetime.datetime(2026, 10, 1, 14, 45, tzinfo=CHICAGO)
    assert scheduled.status == "scheduled" and scheduled.status_changed_at is None
    assert scheduled.what_to_bring == "Photo ID and the last pay stub"

    assert f"{SESSIONS}: 3 created, 0 already imported, 0 skipped" in out
    assert f"{BOOKINGS}: 4 created, 0 already imported, 0 skipped" in out
    assert f"{APPOINTMENTS}: 3 created, 0 already imported, 0 skipped" in out
    assert_no_pii(out)


def test_the_workshop_history_is_imported_once(world: World, catalog, tmp_path: Path):
    workshop_files(tmp_path, world)
    run(tmp_path, "--as-of", AS_OF)

    out = run(tmp_path, "--as-of", AS_OF)

    assert f"{SESSIONS}: 0 created, 3 already imported, 0 skipped" in out
    assert f"{BOOKINGS}: 0 created, 4 already imported, 0 skipped" in out
    assert f"{APPOINTMENTS}: 0 created, 3 already imported, 0 skipped" in out
    assert (Session.objects.count(), Booking.objects.count(), Appointment.objects.count()) == (
        3,
        4,
        3,
    )


def test_bookings_may_refer_to_sessions_imported_before(world: World, catalog, tmp_path: Path):
    first, second = tmp_path / "first", tmp_path / "second"
    workshop_files(first, world, bookings=[], appointments=[])
    run(first, "--as-of", AS_OF)
    second.mkdir()
    write(second, BOOKINGS, [booking("W-3", "C-2", booked_by="planner_b")], BOOKING_COLUMNS)

    out = run(second, "--as-of", AS_OF)

    assert f"{BOOKINGS}: 1 created" in out
    assert Booking.objects.get(customer__legacy_id="C-2").session.legacy_id == "W-3"


def test_a_past_session_is_history_not_a_form_entry(world: World, catalog, tmp_path: Path):
    """The planner's form refuses a session more than 60 days back; history keeps it."""
    long_ago = (
        today_for_office(world.office_a) - datetime.timedelta(days=SCHEDULE_DAYS_BACK + 30)
    ).isoformat()
    workshop_files(
        tmp_path,
        world,
        sessions=[session("W-9", long_ago, status="scheduled")],
        bookings=[booking("W-9", "C-2", booked_by="planner_b")],
        appointments=[],
    )

    run(tmp_path, "--as-of", AS_OF)

    past = Session.objects.get(legacy_id="W-9")
    assert past.on.isoformat() == long_ago and not past.is_submitted  # its sheet still to do
    assert past.bookings.get().status == "booked"


@pytest.mark.parametrize(
    ("sessions", "bookings", "appointments", "expected"),
    [
        (
            [session("W-1", "2026-09-10", workshop="Basket Weaving")],
            [],
            [],
            f"{SESSIONS} line 2 (legacy id W-1): workshop: 'Basket Weaving' is not in the "
            "workshop catalog; an administrator adds it first",
        ),
        (
            [session("W-1", "2026-09-10", starts_at="11:30", ends_at="10:00")],
            [],
            [],
            f"{SESSIONS} line 2 (legacy id W-1): ends_at: The end time must be after the "
            "start time.",
        ),
        (
            [session("W-1", "2026-09-10", starts_at="9am")],
            [],
            [],
            f"{SESSIONS} line 2 (legacy id W-1): starts_at: '9am' is not a time (use HH:MM",
        ),
        (
            [session("W-1", "2026-09-10", office="Z")],
            [],
            [],
            f"{SESSIONS} line 2 (legacy id W-1): office: no office has the code 'Z'",
        ),
        (
            [session("W-1", "2026-09-10", facilitator="planner_b")],
            [],
            [],
            f"{SESSIONS} line 2 (legacy id W-1): facilitator: The facilitator does not work "
            "in this office.",
        ),
        (
            [session("W-1", "2026-09-10", capacity="501")],
            [],
            [],
            f"{SESSIONS} line 2 (legacy id W-1): capacity: Capacity is between 1 and 500 seats.",
        ),
        (
            [session("W-1", "2026-09-10", capacity="0")],
            [],
            [],
            f"{SESSIONS} line 2 (legacy id W-1): capacity: Capacity is between 1 and 500 seats.",
        ),
        (
            [session("W-1", "2099-09-10", status="held")],
            [],
            [],
            f"{SESSIONS} line 2 (legacy id W-1): status: This session has not happened yet",
        ),
        (
            [session("W-1", "2026-09-10", status="held")],
            [booking("W-1", "C-1", attendance="attended")],
            [],
            f"{BOOKINGS} line 2: service_legacy_id: An attended booking links the service its "
            "attendance recorded",
        ),
        (
            [session("W-1", "2026-09-10", status="held")],
            [booking("W-1", "C-2", attendance="attended", service_legacy_id="S-3")],
            [],
            f"{BOOKINGS} line 2: service_legacy_id: The service belongs to another customer.",
        ),
        (
            [session("W-1", "2026-09-10")],
            [booking("W-1", "C-1", attendance="no_show", reason="Was at Oakhollow clinic")],
            [],
            f"{BOOKINGS} line 2: attendance: Attendance is entered for a held session; this "
            "one is scheduled.",
        ),
        (
            [session("W-1", "2026-09-10")],
            [booking("W-1", "C-9")],
            [],
            f"{BOOKINGS} line 2: customer_legacy_id: no customer has the legacy id 'C-9'",
        ),
        (
            [],
            [booking("W-7", "C-1")],
            [],
            f"{BOOKINGS} line 2: session_legacy_id: no session has the legacy id 'W-7'",
        ),
        (
            [session("W-1", "2026-09-10")],
            [booking("W-1", "C-1"), booking("W-1", "C-1", status="waiting")],
            [],
            f"{BOOKINGS} line 3: the same session and customer (a customer has one booking "
            "per session) is given twice (first on line 2)",
        ),
        (
            [],
            [],
            [appointment("C-1", "planner_b", "2026-09-15")],
            f"{APPOINTMENTS} line 2: with: Choose a staff member of the customer's office.",
        ),
        (
            [],
            [],
            [
                appointment(
                    "C-1",
                    "planner_a",
                    "2026-09-15",
                    starts_at="10:00",
                    ends_at="09:00",
                    purpose="Talk about the eviction at Oakhollow",
                )
            ],
            f"{APPOINTMENTS} line 2: ends_at: The end time must be after the start time.",
        ),
        (
            [],
            [],
            [appointment("C-1", "planner_a", "2099-01-05", status="kept")],
            f"{APPOINTMENTS} line 2: status: This appointment has not happened yet",
        ),
        (
            [],
            [],
            [appointment("C-1", "nobody", "2026-09-15")],
            f"{APPOINTMENTS} line 2: with: no staff member has the username 'nobody'",
        ),
    ],
    ids=[
        "not-in-catalog",
        "end-before-start",
        "not-a-time",
        "unknown-office",
        "facilitator-of-another-office",
        "capacity-out-of-range",
        "no-seats",
        "held-in-the-future",
        "attended-without-its-service",
        "service-of-another-customer",
        "attendance-of-a-session-not-held",
        "unknown-customer",
        "unknown-session",
        "booked-twice",
        "staff-of-another-office",
        "appointment-ends-before-it-starts",
        "kept-in-the-future",
        "unknown-staff",
    ],
)
def test_impossible_history_loads_nothing_and_names_the_rule(
    world: World,
    catalog,
    tmp_path: Path,
    sessions: list[dict],
    bookings: list[dict],
    appointments: list[dict],
    expected: str,
):
    workshop_files(tmp_path, world, sessions=sessions, bookings=bookings, appointments=appointments)

    out, _error = run_failing(tmp_path, "--as-of", AS_OF)

    assert expected in out, out
    assert_no_pii(out)
    for private in ("Oakhollow", "eviction", "clinic", "pay stub"):
        assert private not in out
    assert imported_counts() == (0, 0, 0)
    assert not Session.objects.exists() and not Booking.objects.exists()
    assert not Appointment.objects.exists()


def test_with_skip_invalid_a_refused_session_skips_its_bookings(
    world: World, catalog, tmp_path: Path
):
    sessions = clean_sessions(world)
    sessions[0]["workshop"] = "Basket Weaving"
    workshop_files(tmp_path, world, sessions=sessions)

    out = run(tmp_path, "--skip-invalid", "--as-of", AS_OF)

    assert (
        f"{BOOKINGS} line 2: session legacy id W-1 was not imported (see {SESSIONS} line 2)" in out
    )
    assert f"{SESSIONS}: 2 created, 0 already imported, 1 skipped" in out
    assert f"{BOOKINGS}: 2 created, 0 already imported, 2 skipped" in out
    assert f"{APPOINTMENTS}: 3 created" in out
    assert not Session.objects.filter(legacy_id="W-1").exists()
    # The 201 stays in the file, recorded from services.csv, unlinked.
    assert ServiceRecord.objects.filter(legacy_id="S-3").exists()
    assert_no_pii(out)
