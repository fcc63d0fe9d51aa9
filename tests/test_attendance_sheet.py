"""The attendance sheet page: the facilitator's one submission, walk-ins, the refusal
that keeps every mark, the replay, the amendment and who may open it."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.urls import reverse

from casemgmt import roles
from casenotes.models import CaseNote
from services.models import ServiceRecord
from tests.conftest import World, client_for
from tests.factories import make_customer, make_user
from tests.workshop_factory import book, make_session, ready_customer
from workshops.models import Attendance, Booking, Session

DAY = datetime.date(2026, 11, 16)


@pytest.fixture(autouse=True)
def on_day():
    with time_machine.travel(datetime.datetime(2026, 11, 16, 18, tzinfo=datetime.UTC), tick=False):
        yield


def checked(html: str, customer_pk: int, mark: str) -> bool:
    return bool(re.search(rf'id="mark-{customer_pk}-{mark}"\s+value="{mark}"\s+checked', html))


def sheet(session: Session) -> str:
    return reverse("workshops:attendance", kwargs={"session_pk": session.pk})


def setup(world: World, count: int = 3):
    session = make_session(world, on=DAY)
    customers = [ready_customer(world, n) for n in range(count)]
    for customer in customers:
        book(session, customer, world)
    return session, customers


def test_the_facilitator_sees_names_and_numbers_only(world: World):
    session, customers = setup(world, 2)

    page = client_for(world.facilitator).get(sheet(session))

    text = page.content.decode()
    assert page.status_code == 200
    for customer in customers:
        assert customer.first_name in text and customer.customer_number in text
        assert customer.phone not in text and customer.email not in text
        assert reverse("customers:detail", kwargs={"pk": customer.pk}) not in text


def test_everyone_attended_is_one_action(world: World):
    session, customers = setup(world, 3)
    client = client_for(world.facilitator)

    response = client.post(
        sheet(session), {"submission_token": str(uuid.uuid4()), "action": "submit_all"}
    )

    assert response.status_code == 302
    assert set(
        ServiceRecord.objects.filter(activity__code="201").values_list("customer", flat=True)
    ) == {c.pk for c in customers}
    follow = client.get(response["Location"])
    assert "Attendance saved: 3 attended, 0 no-shows, 0 excused." in follow.content.decode()


def test_a_refused_sheet_keeps_every_mark_and_names_the_row(world: World):
    session, customers = setup(world, 2)
    no_plan = make_customer(office=world.office_a, planner=world.planner_a, first_name="Noplan")
    book(session, no_plan, world)
    data = {
        "submission_token": str(uuid.uuid4()),
        "action": "submit",
        f"mark-{customers[0].pk}": "attended",
        f"mark-{customers[1].pk}": "no_show",
        f"mark-{no_plan.pk}": "attended",
    }

    page = client_for(world.facilitator).post(sheet(session), data)

    text = page.content.decode()
    assert page.status_code == 200
    assert "Nothing was saved. 1 row broke a rule" in text
    assert f'id="row-{no_plan.pk}"' in text and "IEP" in text
    assert checked(text, customers[1].pk, "no_show")
    assert checked(text, no_plan.pk, "attended")
    assert not ServiceRecord.objects.filter(activity__code="201").exists()
    assert not Booking.objects.exclude(attendance="").exists()


def test_the_same_sheet_twice_records_once(world: World):
    session, customers = setup(world, 2)
    client = client_for(world.facilitator)
    data = {"submission_token": str(uuid.uuid4()), "action": "submit_all"}

    client.post(sheet(session), data)
    again = client.post(sheet(session), data, follow=True)

    assert "submitted already" in again.content.decode()
    assert ServiceRecord.objects.filter(activity__code="201").count() == 2
    assert CaseNote.objects.filter(service__activity__code="201").count() == 2


def test_a_walk_in_is_found_added_and_recorded(world: World):
    session, [booked] = setup(world, 1)
    walk_in = ready_customer(world, 7, first_name="Walkerly")
    client = client_for(world.facilitator)
    token = str(uuid.uuid4())

    found = client.post(
        sheet(session),
        {
            "submission_token": token,
            "action": "find",
            "find": "Walkerly",
            f"mark-{booked.pk}": "attended",
        },
    )
    text = found.content.decode()
    assert re.search(rf'name="add"\s+value="{walk_in.pk}"', text)
    assert walk_in.phone not in text
    added = client.post(
        sheet(session),
        {"submission_token": token, "add": str(walk_in.pk), f"mark-{booked.pk}": "attended"},
    )
    assert f'name="walk_in" value="{walk_in.pk}"' in added.content.decode()
    # The mark made before the search is kept.
    assert checked(added.content.decode(), booked.pk, "attended")
    done = client.post(
        sheet(session),
        {
            "submission_token": token,
            "action": "submit",
            "walk_in": str(walk_in.pk),
            f"mark-{booked.pk}": "attended",
            f"mark-{walk_in.pk}": "attended",
        },
    )

    assert done.status_code == 302
    assert Booking.objects.get(session=session, customer=walk_in).walk_in
    assert ServiceRecord.objects.filter(customer=walk_in, activity__code="201").exists()


def test_a_customer_of_another_office_cannot_be_added(world: World):
    session, [booked] = setup(world, 1)
    client = client_for(world.facilitator)

    page = client.post(
        sheet(session),
        {"submission_token": str(uuid.uuid4()), "add": str(world.customer_b.pk)},
        follow=True,
    )

    assert "not one of this office" in page.content.decode()
    assert world.customer_b.first_name not in page.content.decode()


def test_who_may_open_the_sheet(world: World):
    session, _customers = setup(world, 1)
    other = make_user("facilitator_2", roles.FACILITATOR, offices=[world.office_a])

    assert client_for(world.planner_a).get(sheet(session)).status_code == 403
    assert client_for(world.planner_b).get(sheet(session)).status_code == 403
    assert client_for(other).get(sheet(session)).status_code == 404  # not their session
    assert client_for(world.supervisor_a).get(sheet(session)).status_code == 200


def test_a_stale_amendment_is_refused(world: World):
    session, [customer] = setup(world, 1)
    client = client_for(world.facilitator)
    client.post(sheet(session), {"submission_token": str(uuid.uuid4()), "action": "submit_all"})
    booking = Booking.objects.get(session=session, customer=customer)
    url = reverse(
        "workshops:attendance_amend", kwargs={"session_pk": session.pk, "booking_pk": booking.pk}
    )
    opened = booking.lock_version
    client_for(world.supervisor_a).post(
        url, {"attendance": "excused", "reason": "Called in sick.", "lock_version": opened}
    )

    stale = client.post(
        url, {"attendance": "no_show", "reason": "Not in the room.", "lock_version": opened}
    )

    assert stale.status_code == 409
    booking.refresh_from_db()
    assert booking.attendance == Attendance.EXCUSED
