"""Workshops for tests: a catalog entry, a session in office A run by the world's
facilitator, a roster of customers with plans (201 needs an IEP), an appointment."""

import datetime
from dataclasses import dataclass

from casemgmt.clock import today_for_office
from customers.models import Customer
from services.models import Activity
from tests.conftest import World
from tests.factories import make_customer, make_plan
from workshops.models import Appointment, Booking, Session, Workshop
from workshops.services import appointment_create, booking_create, session_create

CONTENT = (
    "Resume writing: customers drafted a one-page resume, matched it to a posting and "
    "practised describing gaps in work history."
)


def make_workshop(title: str = "Resume Writing", code: str = "201", **fields) -> Workshop:
    """The catalog entry of that title, made on first use."""
    workshop, _created = Workshop.objects.get_or_create(
        title=title,
        defaults={
            "content": fields.pop("content", CONTENT),
            "activity": Activity.objects.get(code=code),
            "default_minutes": 90,
            "default_capacity": fields.pop("default_capacity", 20),
            **fields,
        },
    )
    return workshop


def make_session(
    world: World,
    *,
    workshop: Workshop | None = None,
    on: datetime.date | None = None,
    capacity: int = 20,
    starts_at: datetime.time = datetime.time(10),
    ends_at: datetime.time = datetime.time(11, 30),
) -> Session:
    """A session in office A, run by the world's facilitator; today unless `on`."""
    [session] = session_create(
        workshop=workshop or make_workshop(),
        office=world.office_a,
        on=on or today_for_office(world.office_a),
        starts_at=starts_at,
        ends_at=ends_at,
        facilitator=world.facilitator,
        capacity=capacity,
        room="Room 2",
        created_by=world.supervisor_a,
    )
    return session


def ready_customer(world: World, n: int = 0, **fields) -> Customer:
    """A certified office A customer with an IEP (what 201 requires)."""
    customer = make_customer(
        office=world.office_a,
        planner=world.planner_a,
        first_name=fields.pop("first_name", f"Attendee{n}"),
        **fields,
    )
    make_plan(customer, world.planner_a)
    customer.refresh_from_db()
    return customer


def book(session: Session, customer: Customer, world: World) -> Booking:
    return booking_create(session=session, customer=customer, booked_by=world.planner_a).booking


@dataclass
class WorkshopWorld:
    workshop: Workshop
    session: Session
    booking: Booking
    appointment: Appointment


def workshop_world(world: World) -> WorkshopWorld:
    """Customer A (with an IEP) booked into today's session, and an appointment with
    planner A tomorrow: what the permission matrix and the sweeps open."""
    make_plan(world.customer_a, world.planner_a)
    world.customer_a.refresh_from_db()
    session = make_session(world)
    booking = book(session, world.customer_a, world)
    appointment, _warning = appointment_create(
        customer=world.customer_a,
        with_user=world.planner_a,
        on=today_for_office(world.office_a) + datetime.timedelta(days=1),
        starts_at=datetime.time(14),
        ends_at=datetime.time(14, 30),
        purpose="Review the training application",
        booked_by=world.planner_a,
        place="Desk 4",
        what_to_bring="Photo ID and your last pay stub",
    )
    return WorkshopWorld(session.workshop, session, booking, appointment)
