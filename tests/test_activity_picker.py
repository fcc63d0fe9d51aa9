"""The activity picker of the service forms: the customer's programs' activities, each
marked with what its prerequisites still need, and the start date at the office's today."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Customer, Program, Status
from services.models import Activity, ServiceRecord
from services.services import NoteDraft, service_record_create
from tests.conftest import World, client_for
from tests.factories import make_customer
from tests.readback import submit

CERTIFIED = datetime.date(2026, 10, 1)
TODAY = datetime.date(2026, 11, 20)
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOTE = NoteDraft(
    subject="Service Strategy",
    body="Career planner met the customer.",
    contact_method="in_person",
    two_way=True,
)
# What the rest of the service form needs, chosen as a planner would.
FORM = {
    "provider": "office",
    "note_type": "general",
    "note_contact_method": "in_person",
    "note_two_way": "yes",
}
OPTION = re.compile(r"<option value=\"(\d+)\"([^>]*)>([^<]*)</option>")


@pytest.fixture(autouse=True)
def _on_a_known_day():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=CHICAGO), tick=False):
        yield


def customer(world: World, *programs: str) -> Customer:
    return make_customer(
        office=world.office_a,
        planner=world.planner_a,
        programs=list(programs),
        date_of_birth=datetime.date(2008, 2, 2),
        application_date=CERTIFIED,
        eligibility_date=CERTIFIED,
        certification_date=CERTIFIED,
    )


def record(customer: Customer, code: str, day: datetime.date, world: World) -> ServiceRecord:
    return service_record_create(
        customer=customer,
        activity=Activity.objects.get(code=code),
        started_on=day,
        ended_on=day,
        entered_by=world.planner_a,
        note=NOTE,
    )


def offered(html: str) -> dict[str, dict[str, str]]:
    """The picker's options by activity code: their attributes and their text."""
    options = {}
    for _pk, attributes, text in OPTION.findall(html):
        found = dict(re.findall(r'(data-[a-z]+)="([^"]*)"', attributes))
        chosen = "yes" if re.search(r"\bselected\b", attributes) else ""
        options[found["data-code"]] = {**found, "text": text, "selected": chosen}
    return options


def create_page(world: World, who: Customer) -> str:
    url = reverse("services:create", kwargs={"pk": who.pk})
    response = client_for(world.planner_a).get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Only the customer's programs ----------------------------------------------------


@pytest.mark.parametrize(
    ("programs", "listed", "absent"),
    [
        ([Program.ADULT], {"202", "211", "180", "600"}, {"468", "469", "470"}),
        ([Program.DISLOCATED_WORKER], {"202", "211", "180"}, {"468", "469"}),
        ([Program.YOUTH], {"468", "469", "470", "180", "600"}, {"201", "202", "211", "300"}),
        ([Program.ADULT, Program.YOUTH], {"202", "468", "600"}, set()),
    ],
)
def test_it_lists_only_the_activities_of_the_customers_programs(world, programs, listed, absent):
    codes = set(offered(create_page(world, customer(world, *programs))))
    assert listed <= codes
    assert not absent & codes


def test_a_retired_activity_is_not_offered(world):
    Activity.objects.filter(code="224").update(active=False)
    assert "224" not in offered(create_page(world, customer(world, Program.ADULT)))


def test_an_activity_outside_the_programs_is_still_refused_in_the_rules_words(world):
    adult = customer(world, Program.ADULT)
    url = reverse("services:create", kwargs={"pk": adult.pk})
    youth_only = Activity.objects.get(code="470")
    response = submit(
        client_for(world.planner_a),
        url,
        {**FORM, "activity": str(youth_only.pk), "started_on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert "Youth Career Planning (470) is a Youth service" in response.content.decode()
    assert not ServiceRecord.objects.filter(customer=adult).exists()


# --- Prerequisites ------------------------------------------------------------------


def test_an_unmet_prerequisite_is_marked_with_its_reason_until_it_is_met(world):
    adult = customer(world, Program.ADULT)
    workshop = offered(create_page(world, adult))["201"]
    reason = "Prerequisite not met: requires an IEP: record Development of an IEP (205) first."
    assert workshop["data-reason"] == reason
    assert workshop["text"].endswith(f"(same day) — {reason}")  # the plain select says it too

    record(adult, "207", TODAY, world)  # the IEP (205) itself needs an assessment first
    record(adult, "205", TODAY, world)
    workshop = offered(create_page(world, adult))["201"]
    assert workshop["data-reason"] == ""
    assert workshop["text"] == "201 — Group Workforce Research/Workshops/Job Clubs (same day)"


def test_every_unmet_prerequisite_is_named(world):
    reason = offered(create_page(world, customer(world, Program.ADULT)))["231"]["data-reason"]
    assert reason == (
        "Prerequisites not met: requires an IEP: record Development of an IEP (205) first; "
        "requires a completed assessment: record and close the assessment first."
    )


def test_an_activity_without_prerequisites_is_not_marked(world):
    options = offered(create_page(world, customer(world, Program.ADULT)))
    assert options["202"]["data-reason"] == ""
    assert options["211"]["data-reason"] == ""


def test_a_barred_activity_in_follow_up_is_marked_not_allowed(world):
    adult = customer(world, Program.ADULT)
    Customer.objects.filter(pk=adult.pk).update(status=Status.FOLLOW_UP)
    reason = offered(create_page(world, adult))["181"]["data-reason"]
    assert "Not allowed: Adult and Dislocated Worker customers in follow-up cannot receive" in (
        reason
    )


def test_an_unmet_activity_may_be_chosen_and_the_rule_refuses_it_with_its_message(world):
    adult = customer(world, Program.ADULT)
    url = reverse("services:create", kwargs={"pk": adult.pk})
    response = submit(
        client_for(world.planner_a),
        url,
        {
            **FORM,
            "activity": str(Activity.objects.get(code="201").pk),
            "started_on": TODAY.isoformat(),
            "note_body": "Customer attended the resume workshop.",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "requires an IEP: record Development of an IEP (205) first." in html
    assert offered(html)["201"]["selected"]  # what was entered is kept
    assert not ServiceRecord.objects.filter(customer=adult).exists()


def test_prerequisites_are_judged_on_the_start_date_entered(world):
    # A support service needs an enrolling service open on its start date: the career
    # planning on 10/05 was, on 10/05, and no longer is today.
    adult = customer(world, Program.ADULT)
    day = datetime.date(2026, 10, 5)
    record(adult, "202", day, world)
    assert offered(create_page(world, adult))["181"]["data-reason"].startswith(
        "Prerequisite not met:"
    )
    url = reverse("services:create", kwargs={"pk": adult.pk})
    refused = submit(
        client_for(world.planner_a),
        url,
        {**FORM, "started_on": day.isoformat()},  # refused: no activity chosen
    )
    assert offered(refused.content.decode())["181"]["data-reason"] == ""
    impossible = submit(client_for(world.planner_a), url, {**FORM, "started_on": "2026-02-30"})
    assert impossible.status_code == 200
    assert offered(impossible.content.decode())["181"]["data-reason"] != ""  # judged today


def test_the_picker_reads_no_more_for_a_customer_with_many_services(world):
    adult = customer(world, Program.ADULT)
    url = reverse("services:create", kwargs={"pk": adult.pk})
    client = client_for(world.planner_a)
    record(adult, "202", CERTIFIED, world)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for days in range(1, 11):
        record(adult, "211", CERTIFIED + datetime.timedelta(days=days), world)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


# --- The start date ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "instant", "office_day"),
    [
        # 23:30 in Los Angeles is already the next day in UTC and in Chicago (the site's).
        ("America/Los_Angeles", datetime.datetime(2026, 11, 21, 7, 30, tzinfo=datetime.UTC), 20),
        # 00:30 in New York is the day after Chicago's, and UTC's date too.
        ("America/New_York", datetime.datetime(2026, 11, 21, 5, 30, tzinfo=datetime.UTC), 21),
    ],
)
def test_the_start_date_defaults_to_today_in_the_offices_time_zone(
    world, zone, instant, office_day
):
    world.office_a.time_zone = zone
    world.office_a.save()
    adult = customer(world, Program.ADULT)
    with time_machine.travel(instant, tick=False):
        html = create_page(world, adult)
    expected = datetime.date(2026, 11, office_day).isoformat()
    assert re.search(rf'name="started_on" value="{expected}"', html), expected


# --- The correction form has the same picker -----------------------------------------


def test_the_correction_form_offers_the_same_picker_with_the_recorded_activity(world):
    adult = customer(world, Program.ADULT)
    service = record(adult, "224", datetime.date(2026, 11, 2), world)
    Activity.objects.filter(code="224").update(active=False)  # retired since: still shown
    url = reverse("services:correct", kwargs={"pk": adult.pk, "service_pk": service.pk})
    html = client_for(world.planner_a).get(url).content.decode()
    options = offered(html)
    assert "data-combobox" in html
    assert options["224"]["selected"]
    assert not {"468", "469", "470"} & set(options)
    assert options["201"]["data-reason"].startswith("Prerequisite not met:")
