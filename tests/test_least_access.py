"""Least access (SPEC 1, TEGL 39-11): each role reads only what its work needs, and
personal data stays out of notes, sessions and addresses."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from casenotes.guide import ssn_masked, ssn_shaped
from casenotes.models import CaseNote
from casenotes.services import casenote_create
from tests.conftest import World, client_for
from tests.factories import certify
from tests.readback import assert_saved, form_page_fields

NOW = datetime.datetime(2026, 11, 25, 15, 0, tzinfo=datetime.UTC)


# --- The tracker reads the contact card, not the case file ------------------------------------


def test_the_tracker_sees_the_contact_card_and_nothing_of_the_case_file(world: World):
    customer = certify(world.customer_a)
    customer.ssn_last4 = "6789"
    customer.save()
    html = (
        client_for(world.tracker_a)
        .get(reverse("customers:detail", kwargs={"pk": customer.pk}))
        .content.decode()
    )
    assert customer.full_name in html and "(217) 555-" in html  # name and contact details
    assert "Career planner: Planner Tester" in html
    assert "Last enrolling service" in html and "Log a contact or attempt" in html
    for hidden in ("05/17/1990", "6789", "Barriers to employment", "Eligibility determined"):
        assert hidden not in html, hidden
    for tab in ("Case notes", "Services", "Update log", "Documents", "IEP"):
        assert f">{tab}<" not in html, tab


@pytest.mark.parametrize(
    "name",
    [
        "casenotes:list",
        "services:timeline",
        "services:list",
        "plans:detail",
        "plans:assessments",
        "customers:documents",
        "customers:history",
    ],
)
def test_the_tracker_cannot_open_the_case_file(world: World, name: str):
    url = reverse(name, kwargs={"pk": world.customer_a.pk})
    assert client_for(world.tracker_a).get(url).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_the_tracker_logs_a_contact_and_returns_to_the_card(world: World):
    client = client_for(world.tracker_a)
    url = reverse("casenotes:create", kwargs={"pk": world.customer_a.pk})
    page = client.get(url + "?type=follow_up").content.decode()
    assert 'name="service"' not in page  # services are not the tracker's to read
    data = {
        **form_page_fields(page),
        "note_type": "general",
        "contact_date": "2026-11-25",
        "contact_method": "phone",
        "two_way": "no",
        "subject": "Re-engagement call",
        "body": "Tracker left a voicemail asking the customer to call the center.",
    }
    response = client.post(url, data)
    assert response["Location"] == reverse("customers:detail", kwargs={"pk": world.customer_a.pk})
    [note] = CaseNote.objects.filter(customer=world.customer_a)
    assert_saved(CaseNote, note.pk, author=world.tracker_a, two_way=False, service=None)


def test_the_tracker_search_shows_no_birth_dates(world: World):
    response = client_for(world.tracker_a).post(
        reverse("customers:list"), {"q": world.customer_a.last_name, "scope": "office"}
    )
    html = response.content.decode()
    assert world.customer_a in response.context["page"].object_list
    assert "Birth date" not in html and "05/17/1990" not in html


# --- No SSN in a case note ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("SSN 123-45-6789 given", ["XXX-XX-6789"]),
        ("SSN 123 45 6789 given", ["XXX-XX-6789"]),
        ("SSN 123456789 given", ["XXX-XX-6789"]),
        ("Phone 217-555-0143", []),
        ("Phone 2175550143", []),
        ("Zip 62701-1234", []),
        ("Ids 12345678 and 1234567890", []),
    ],
)
def test_ssn_shaped_numbers_are_found_and_nothing_else(text: str, found: list[str]):
    assert ssn_shaped(text) == found


def test_a_note_with_an_ssn_is_refused(world: World):
    with pytest.raises(ValidationError, match="looks like a Social Security number"):
        casenote_create(
            customer=world.customer_a,
            author=world.planner_a,
            contact_date=datetime.date(2026, 10, 2),
            subject="Intake",
            body="Customer gave SSN 123-45-6789 at the desk.",
            contact_method="in_person",
            two_way=True,
        )
    assert not CaseNote.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_note_form_offers_to_mask_the_ssn(world: World):
    client = client_for(world.planner_a)
    url = reverse("casenotes:create", kwargs={"pk": world.customer_a.pk})
    data = {
        **form_page_fields(client.get(url).content.decode()),
        "note_type": "general",
        "contact_date": "2026-11-24",
        "contact_method": "in_person",
        "two_way": "yes",
        "subject": "Intake",
        "body": "Customer gave SSN 123-45-6789 at the desk.",
    }
    refused = client.post(url, data)
    html = refused.content.decode()
    assert refused.status_code == 200 and "Mask the SSN to its last 4 digits" in html
    assert not CaseNote.objects.exists()
    client.post(url, {**data, "mask_ssn": "1"})
    [note] = CaseNote.objects.all()
    assert_saved(CaseNote, note.pk, body="Customer gave SSN XXX-XX-6789 at the desk.")
    assert ssn_masked("a 123456789 b") == "a XXX-XX-6789 b"


# --- The duplicate check is not an oracle ---------------------------------------------------


def _registration(world: World, **overrides: str) -> dict[str, object]:
    return {
        "first_name": world.customer_b.first_name,
        "last_name": world.customer_b.last_name,
        "date_of_birth": world.customer_b.date_of_birth.isoformat(),
        "phone": "217-555-0199",
        "preferred_contact_method": "phone",
        "veteran_status": "no",
        "programs": ["adult"],
        "application_date": "2026-11-20",
        "office": str(world.office_a.pk),
        "career_planner": str(world.planner_a.pk),
        **overrides,
    }


@time_machine.travel(NOW, tick=False)
def test_a_match_in_another_office_is_answered_and_kept_in_the_update_log(world: World):
    from customers.models import Customer, DuplicateMatch
    from customers.selectors import customer_history

    client = client_for(world.planner_a)
    url = reverse("customers:create")
    page = form_page_fields(client.get(url).content.decode())
    response = client.post(url, {**page, **_registration(world)})
    html = response.content.decode()
    assert response.status_code == 200 and "Possible duplicate" in html
    assert "Office B" in html  # whom to call
    assert world.customer_b.customer_number not in html  # not the other office's record
    assert Customer.objects.count() == 2  # nobody registered yet
    [match] = DuplicateMatch.objects.all()
    assert_saved(
        DuplicateMatch,
        match.pk,
        customer=world.customer_b,
        checked_by=world.planner_a,
        checking_office=world.office_a,
        matched_on="name and birth date",
    )
    log = customer_history(world.customer_b)
    assert any(entry.action.startswith("Duplicate check match") for entry in log)


@time_machine.travel(NOW, tick=False)
def test_a_match_in_the_users_own_office_is_not_an_audit_event(world: World):
    from customers.models import DuplicateCheck, DuplicateMatch
    from customers.services import customer_duplicate_check

    found = customer_duplicate_check(
        user=world.planner_a,
        office=world.office_a,
        first_name=world.customer_a.first_name,
        last_name=world.customer_a.last_name,
        date_of_birth=world.customer_a.date_of_birth,
    )
    assert found == [(world.customer_a, True)]
    assert DuplicateCheck.objects.count() == 1 and not DuplicateMatch.objects.exists()


@pytest.mark.parametrize(("earlier", "allowed"), [(2, True), (3, False)])
def test_duplicate_checks_are_throttled_per_user_by_policy(
    world: World, earlier: int, allowed: bool
):
    from casemgmt.models import Policy
    from customers.models import DuplicateCheck
    from customers.services import customer_duplicate_check

    Policy.objects.create(region=world.office_a.region, duplicate_checks_per_hour=3)
    with time_machine.travel(NOW - datetime.timedelta(minutes=59), tick=False):
        for _ in range(earlier):
            DuplicateCheck.objects.create(checked_by=world.planner_a, office=world.office_a)
    with time_machine.travel(NOW - datetime.timedelta(minutes=61), tick=False):
        DuplicateCheck.objects.create(checked_by=world.planner_a, office=world.office_a)  # expired

    def check(user):  # noqa: ANN001, ANN202
        return customer_duplicate_check(
            user=user,
            office=world.office_a,
            first_name="Nobody",
            last_name="Known",
            date_of_birth=datetime.date(1980, 1, 1),
        )

    with time_machine.travel(NOW, tick=False):
        if allowed:
            assert check(world.planner_a) == []
        else:
            with pytest.raises(ValidationError, match="most the region's policy allows \\(3\\)"):
                check(world.planner_a)
        assert check(world.supervisor_a) == []  # another user has their own count
