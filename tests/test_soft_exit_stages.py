"""The soft exit's stages in words (issue 15): "day 60: re-engage", "day 75: call",
"exits on 08/02/2026", on the customer page and on the tracker's lists, never "overdue"
before the exit; the tracker's lists ordered by urgency, grouped by stage, paginated."""

import datetime
import re
import uuid
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casemgmt.clock import today
from casemgmt.models import Policy
from casenotes.models import CaseNote
from compliance.engine import evaluate
from compliance.models import Alert, Rule, State
from compliance.rules.soft_exit import soft_exit_stage
from compliance.views import PAGE_SIZE
from customers.models import Customer, Status
from services.models import Activity
from services.services import NoteDraft, service_record_create
from tests.conftest import World, client_for
from tests.factories import certify, make_customer
from workshops.models import Appointment, AppointmentStatus

B = datetime.date(2026, 5, 4)  # the last day of the customer's last enrolling service
DAY = datetime.timedelta(days=1)
TODAY = today()


def days(n: int) -> datetime.date:
    return B + n * DAY


def noon_of(day: datetime.date, customer: Customer) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(12), tzinfo=zoneinfo.ZoneInfo(customer.office.time_zone)
    )


def served_participant(world: World) -> Customer:
    """A participant whose one enrolling service (a same-day one) was on B."""
    customer = make_customer(office=world.office_a, planner=world.planner_a, first_name="Sol")
    certify(customer, B - 30 * DAY)
    Customer.objects.filter(pk=customer.pk).update(status=Status.PARTICIPANT)
    customer.refresh_from_db()
    service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="202"),
        started_on=B,
        ended_on=B,
        entered_by=world.planner_a,
        note=NoteDraft(
            subject="Service",
            body="Career planner met the customer.",
            contact_method="in_person",
            two_way=True,
        ),
    )
    return customer


def stage_label_on(customer: Customer, day: int) -> str | None:
    """Evaluate on the day (the clock moved there) and name the open soft-exit alert."""
    with time_machine.travel(noon_of(days(day), customer), tick=False):
        evaluate(customer_ids=[customer.pk])
    alert = Alert.objects.filter(
        customer=customer, rule=Rule.SOFT_EXIT, resolved_at__isnull=True
    ).first()
    if alert is None:
        return None
    stage = soft_exit_stage(alert, Policy.for_region(customer.office.region_id))
    assert stage is not None
    return stage.label


# --- The stage, at its boundaries ---------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (59, None),
        (60, "day 60: re-engage, exits on 08/02/2026"),
        (74, "day 60: re-engage, exits on 08/02/2026"),
        (75, "day 75: call, exits on 08/02/2026"),
        (89, "day 75: call, exits on 08/02/2026"),
        (90, None),
    ],
)
def test_the_stage_is_named_at_its_boundaries(world: World, day: int, label: str | None):
    customer = served_participant(world)

    assert stage_label_on(customer, day) == label

    customer.refresh_from_db()
    assert customer.status == (Status.EXITED if day >= 90 else Status.PARTICIPANT)
    if day >= 90:
        assert customer.exit_date == B  # the exit happened on the day the label gave


def test_the_stage_follows_the_regions_policy(world: World):
    customer = served_participant(world)
    Policy.objects.create(
        region=world.office_a.region, exit_reengage_day=45, exit_call_day=70, exit_day=85
    )

    assert stage_label_on(customer, 44) is None
    assert stage_label_on(customer, 45) == "day 45: re-engage, exits on 07/28/2026"
    assert stage_label_on(customer, 69) == "day 45: re-engage, exits on 07/28/2026"
    assert stage_label_on(customer, 70) == "day 70: call, exits on 07/28/2026"


def test_only_a_soft_exit_alert_has_a_stage(world: World):
    alert = make_alert(world.customer_a, Rule.CONTACT_30, State.OVERDUE, due_on=TODAY)
    assert soft_exit_stage(alert, Policy()) is None


# --- The customer page --------------------------------------------------------------------


def header_alerts(html: str) -> list[str]:
    """The badges of the customer header's open alerts, as the user reads them."""
    listed = re.search(r'<ul class="[^"]*customer-alerts[^"]*".*?</ul>', html, re.S)
    assert listed, "the customer header lists no open alerts"
    badges = re.findall(r"<span[^>]*>(.*?)</span>", listed.group(0), re.S)
    return [" ".join(badge.split()) for badge in badges]


@pytest.mark.parametrize(
    ("day", "badge"),
    [
        (60, "90-day soft exit · day 60: re-engage, exits on 08/02/2026"),
        (75, "90-day soft exit · day 75: call, exits on 08/02/2026"),
        (89, "90-day soft exit · day 75: call, exits on 08/02/2026"),
    ],
)
def test_the_customer_page_names_the_stage_not_overdue(world: World, day: int, badge: str):
    customer = served_participant(world)
    with time_machine.travel(noon_of(days(day), customer), tick=False):
        evaluate(customer_ids=[customer.pk])
        response = client_for(world.planner_a).get(reverse("customers:detail", args=[customer.pk]))

    assert response.status_code == 200
    badges = header_alerts(response.content.decode())
    soft_exit = [b for b in badges if b.startswith("90-day soft exit")]
    assert soft_exit == [badge]
    assert "overdue" not in soft_exit[0].lower() and "due " not in soft_exit[0]


def test_the_customer_page_of_a_soft_exited_customer_shows_no_stage(world: World):
    customer = served_participant(world)
    with time_machine.travel(noon_of(days(90), customer), tick=False):
        evaluate(customer_ids=[customer.pk])
        response = client_for(world.planner_a).get(reverse("customers:detail", args=[customer.pk]))

    body = response.content.decode()
    assert "90-day soft exit" not in body and "exits on" not in body
    assert "Exited" in body


# --- The tracker's lists ------------------------------------------------------------------


def make_alert(
    customer: Customer, rule: str, state: str, *, due_on: datetime.date, opened_days_ago: int = 5
) -> Alert:
    """An open alert, inserted as the engine writes it."""
    return Alert.objects.create(
        rule=rule,
        customer=customer,
        state=state,
        due_on=due_on,
        responsible=customer.career_planner,
        office_id_at_open=customer.office_id,
        opened_on=TODAY - opened_days_ago * DAY,
        last_seen_on=TODAY,
    )


def near_exit(world: World, name: str, *, exits_in: int, office: str = "a") -> Customer:
    """A participant on the way to the soft exit in `exits_in` days: calls from day 75
    (15 days before the exit), re-engages from day 60."""
    customer = make_customer(
        office=getattr(world, f"office_{office}"),
        planner=getattr(world, f"planner_{office}"),
        first_name=name,
    )
    Customer.objects.filter(pk=customer.pk).update(status=Status.PARTICIPANT)
    state = State.OVERDUE if exits_in <= 15 else State.DUE_SOON
    make_alert(customer, Rule.SOFT_EXIT, state, due_on=TODAY + exits_in * DAY)
    return customer


def missed_appointment(world: World, name: str) -> Customer:
    customer = make_customer(office=world.office_a, planner=world.planner_a, first_name=name)
    Appointment.objects.create(
        customer=customer,
        office=world.office_a,
        with_user=world.planner_a,
        on=TODAY - 2 * DAY,
        starts_at=datetime.time(10),
        ends_at=datetime.time(10, 30),
        purpose="Review the plan",
        booked_by=world.planner_a,
        status=AppointmentStatus.MISSED,
        status_changed_at=timezone.now(),
    )
    return customer


def soft_exited(world: World, name: str, *, days_ago: int) -> Customer:
    customer = make_customer(office=world.office_a, planner=world.planner_a, first_name=name)
    alert = make_alert(customer, Rule.SOFT_EXIT, State.OVERDUE, due_on=TODAY - days_ago * DAY)
    Alert.objects.filter(pk=alert.pk).update(
        resolved_on=TODAY - days_ago * DAY, resolved_at=timezone.now()
    )
    Customer.objects.filter(pk=customer.pk).update(
        status=Status.EXITED,
        exit_date=TODAY - (days_ago + 90) * DAY,
        exit_reason="Soft exit: 90 days without an enrolling service",
    )
    return customer


def tracker_page(world: World, number: int = 1):
    return client_for(world.tracker_a).get(reverse("compliance:tracker"), {"page": number})


def listed(response) -> list[tuple[str, str]]:
    """(list, customer's first name) of each entry on the page, in order."""
    return [(e.group.key, e.customer.first_name) for e in response.context["page"].object_list]


def test_the_lists_are_grouped_by_stage_the_closest_to_the_exit_first(world: World):
    near_exit(world, "Rea", exits_in=40)  # day 60 list
    near_exit(world, "Cal", exits_in=3)  # day 75 list, the exit soonest
    near_exit(world, "Ren", exits_in=20)
    near_exit(world, "Cid", exits_in=12)
    near_exit(world, "Bea", exits_in=2, office="b")  # another office's
    missed_appointment(world, "Mia")
    soft_exited(world, "Sue", days_ago=4)

    response = tracker_page(world)

    assert response.status_code == 200
    assert listed(response) == [
        ("call", "Cal"),
        ("call", "Cid"),
        ("reengage", "Ren"),
        ("reengage", "Rea"),
        ("missed", "Mia"),
        ("soft_exited", "Sue"),
    ]
    body = response.content.decode()
    headings = [
        " ".join(re.sub(r"<[^>]+>", " ", h).split())
        for h in re.findall(r"<h2[^>]*>(.*?)</h2>", body, re.S)
    ]
    assert headings == [
        "Day 75: call 2",
        "Day 60: re-engage 2",
        "Missed appointments and workshops 1",
        "Day 90: soft-exited in the last 30 days 1",
    ]
    cal = response.context["dashboard"].group("call").entries[0]
    assert f"Day 75: call, exits on {TODAY + 3 * DAY:%m/%d/%Y}" in body
    assert cal.stage.exits_on == TODAY + 3 * DAY
    assert "Overdue" not in body and "overdue" not in body
    assert "Bea" not in body


def test_the_lists_run_on_to_a_second_page(world: World):
    for n in range(PAGE_SIZE - 2):
        near_exit(world, f"Call{n:02d}", exits_in=14 - n % 14)
    for n in range(6):
        near_exit(world, f"Re{n}", exits_in=16 + n)

    first, second = tracker_page(world, 1), tracker_page(world, 2)

    assert first.context["page"].paginator.num_pages == 2
    assert [key for key, _ in listed(first)] == ["call"] * (PAGE_SIZE - 2) + ["reengage"] * 2
    assert listed(second) == [("reengage", f"Re{n}") for n in range(2, 6)]
    exits = [e.stage.exits_on for e in first.context["page"].object_list[: PAGE_SIZE - 2]]
    assert exits == sorted(exits)  # the closest to the exit first
    body = second.content.decode()
    assert re.search(r"Day 60: re-engage\s*<span[^>]*>\(continued\)</span>", body)
    assert "Day 75: call" in body  # in the lists' summary, with a link to its page
    assert 'href="?page=1#list-call"' in body and 'href="?page=1#list-reengage"' in body
    assert "Page 2 of 2" in body and "page=1" in body


def test_the_tracker_page_costs_the_same_queries_however_long_the_lists(world: World):
    near_exit(world, "Cal", exits_in=3)
    near_exit(world, "Rea", exits_in=40)
    missed_appointment(world, "Mia")
    soft_exited(world, "Sue", days_ago=4)
    tracker_page(world)
    with CaptureQueriesContext(connection) as few:
        assert tracker_page(world).status_code == 200

    for n in range(PAGE_SIZE):
        near_exit(world, f"C{n}", exits_in=1 + n % 15)
        near_exit(world, f"R{n}", exits_in=16 + n % 15)
        missed_appointment(world, f"M{n}")
        soft_exited(world, f"S{n}", days_ago=1 + n % 20)
    with CaptureQueriesContext(connection) as many:
        response = tracker_page(world, 3)

    assert response.context["page"].paginator.num_pages > 3
    assert len(response.context["page"].object_list) == PAGE_SIZE
    assert len(many) == len(few)


def log_contact(world: World, customer: Customer, **fields: str):
    return client_for(world.tracker_a).post(
        reverse("compliance:log_contact", args=[customer.pk]),
        {
            "two_way": "no",
            "contact_method": "phone",
            "note": "Left a voicemail about the next class.",
            "submission_token": uuid.uuid4(),
            **fields,
        },
    )


def test_the_quick_contact_form_comes_back_to_the_customers_place_on_the_lists(world: World):
    for n in range(PAGE_SIZE):
        near_exit(world, f"C{n:02d}", exits_in=1 + n % 15)
    later = near_exit(world, "Rea", exits_in=40)  # the first of day 60, on page 2

    response = log_contact(world, later)

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("compliance:tracker") + f"?page=2#reengage-customer-{later.pk}"
    )
    note = CaseNote.objects.get(customer=later)
    assert note.two_way is False and note.body == "Left a voicemail about the next class."


def test_a_customer_no_longer_listed_brings_the_tracker_back_to_the_lists(world: World):
    response = log_contact(world, world.customer_a, two_way="yes")

    assert response.status_code == 302
    assert response["Location"] == reverse("compliance:tracker")
    assert CaseNote.objects.get(customer=world.customer_a).two_way is True


def test_a_refused_contact_comes_back_to_the_customers_place_and_writes_nothing(world: World):
    customer = near_exit(world, "Cal", exits_in=3)

    response = log_contact(world, customer, contact_method="")

    assert response["Location"] == reverse("compliance:tracker") + f"#call-customer-{customer.pk}"
    assert not CaseNote.objects.filter(customer=customer).exists()


# --- The career planner's alerts ------------------------------------------------------------


def test_the_planners_alerts_name_the_stage_with_constant_queries(world: World):
    client = client_for(world.planner_a)
    url = reverse("compliance:planner")
    near_exit(world, "Cal", exits_in=3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)

    rows = re.findall(r"<tr>.*?</tr>", response.content.decode(), re.S)
    (cal,) = [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in rows if "Sample, Cal" in r]
    assert "90-day soft exit Day 75: call" in cal and "Overdue" not in cal

    for n in range(10):
        near_exit(world, f"C{n}", exits_in=1 + n)
        near_exit(world, f"R{n}", exits_in=20 + n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["dashboard"].page.paginator.count == 21
    assert len(many) == len(few)
