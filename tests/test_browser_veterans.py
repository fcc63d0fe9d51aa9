"""Veteran referrals in Chromium, by keyboard, at 1280 and 390 pixels with axe: a
career planner refers a veteran with a GI Bill question; the veteran representative
finds the automatic referral of a homeless veteran in the queue, accepts it
co-assigned, is refused a veteran service note without its second detail, and records
it; the supervisor reads the queue."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from casemgmt.clock import today_for_office
from casenotes.models import CaseNote, NoteType
from customers.models import Barrier, Customer, VeteranStatus
from customers.services import customer_create
from services.models import ServiceRecord
from tests.browser import check_page, sign_in
from tests.conftest import World
from tests.factories import certify
from veterans.models import Assignment, ReferralStatus, VeteranReferral

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]

NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 800}
MOST_TABS = 60


def focused(page: Page) -> str:
    """The element with the keyboard focus: its id, else its accessible name or text."""
    return page.evaluate(
        """() => { const el = document.activeElement;
            return el.id || el.getAttribute('aria-label') || el.textContent.trim(); }"""
    )


def tab_to(page: Page, target: str) -> None:
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if focused(page) == target:
            return
    raise AssertionError(f"Tab never reached {target!r}; the focus is on {focused(page)!r}")


def both_widths(page: Page, name: str) -> None:
    """Screenshots and axe at 1280 and at 390 px, where nothing may stick out."""
    page.set_viewport_size(WIDE)
    check_page(page, name)
    page.set_viewport_size(NARROW)
    check_page(page, f"{name}-390")
    wider = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(el => !el.closest('.table-responsive'))
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5).map(el => el.tagName + '.' + el.className)"""
    )
    assert not wider, f"wider than the screen: {wider}"
    page.set_viewport_size(WIDE)


def veteran(world: World, first_name: str, barriers: list[str]) -> Customer:
    customer = customer_create(
        created_by=world.planner_a,
        office=world.office_a,
        career_planner=world.planner_a,
        fields={
            "first_name": first_name,
            "last_name": "Marsh",
            "date_of_birth": datetime.date(1979, 4, 12),
            "programs": ["adult"],
            "application_date": datetime.date(2026, 10, 1),
            "veteran_status": VeteranStatus.VETERAN,
        },
        barriers=Barrier.objects.filter(name__in=barriers),
    )
    return certify(customer)


def test_planner_refers_a_veteran_with_a_question(page: Page, live_server, world: World):
    customer = veteran(world, "Gil", [])
    base = live_server.url
    sign_in(page, base, world.planner_a.username)
    page.goto(f"{base}/customers/{customer.pk}/veteran-referral/")
    expect(page.get_by_text("No significant barrier to employment is on record")).to_be_visible()
    tab_to(page, "id_issue")
    page.keyboard.type("Asks whether the GI Bill pays for a commercial driving course.")
    both_widths(page, "vet-10-refer")
    page.keyboard.press("Tab")
    assert focused(page) == "Refer to the veteran representative"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/#veteran-referral$"))
    expect(page.get_by_role("status")).to_contain_text("Referred to the veteran representative")
    referral = VeteranReferral.objects.get(customer=customer)
    assert referral.referred_by == world.planner_a
    assert referral.issue.startswith("Asks whether the GI Bill")


def test_veteran_representative_takes_a_referral_and_records_the_service_by_keyboard(
    page: Page, live_server, world: World
):
    # Registered homeless: the save referred the veteran (on commit, as in the product).
    customer = veteran(world, "Rhea", ["Homeless", "Low income"])
    referral = VeteranReferral.objects.get(customer=customer)
    assert referral.status == ReferralStatus.WAITING and referral.referred_by is None
    base = live_server.url
    sign_in(page, base, world.vetrep_a.username)
    # The home: the waiting referrals first, then the caseload and alerts.
    waiting = page.get_by_role("region", name=re.compile("Veteran referrals waiting"))
    expect(waiting.get_by_role("row", name=re.compile("Marsh, Rhea"))).to_contain_text("Homeless")
    both_widths(page, "vet-19-home")
    waiting.get_by_role("link", name=re.compile("The whole queue")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Veteran referrals")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Marsh, Rhea"))).to_contain_text("Homeless")
    both_widths(page, "vet-20-queue")

    tab_to(page, "Accept the referral of Marsh, Rhea")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Accept the referral")).to_be_visible()
    tab_to(page, "id_assignment_0")
    page.keyboard.press("ArrowDown")  # moves to, and takes, "co-assigned"
    expect(page.locator("#id_assignment_1")).to_be_checked()
    both_widths(page, "vet-21-accept")
    tab_to(page, "Accept the referral")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("You are co-assigned")
    referral.refresh_from_db()
    assert (referral.status, referral.assignment, referral.accepted_by) == (
        ReferralStatus.ACCEPTED,
        Assignment.CO_ASSIGNED,
        world.vetrep_a,
    )
    both_widths(page, "vet-22-accepted")

    tab_to(page, "Record the veteran service")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Record the veteran service")).to_be_visible()
    tab_to(page, "id_activity")
    page.keyboard.type("202")
    expect(page.locator("#id_activity option:checked")).to_contain_text("202")
    tab_to(page, "id_service_provided")
    page.keyboard.type("Reviewed the resume for warehouse lead positions with the customer.")
    page.keyboard.press("Tab")
    page.keyboard.type("Sent the resume to Prairie Logistics.")
    tab_to(page, "id_contact_method")
    page.keyboard.type("In person")
    tab_to(page, "id_two_way_0")
    page.keyboard.press("Space")
    tab_to(page, "Record the veteran service")
    page.keyboard.press("Enter")
    # Refused: the second detail of its depth is missing; nothing is recorded.
    expect(page.locator(".error-summary, .alert-danger").first).to_contain_text("second detail")
    assert not ServiceRecord.objects.filter(customer=customer).exists()
    both_widths(page, "vet-23-service-refused")

    page.locator("#id_detail_2").focus()
    page.keyboard.type("Sent the resume to Midwest Bottling.")
    tab_to(page, "Record the veteran service")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Veteran service recorded")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SERVED
    service = ServiceRecord.objects.get(pk=referral.service_id)
    day = today_for_office(world.office_a)
    assert (service.activity.code, service.started_on, service.ended_on) == ("202", day, day)
    note = CaseNote.objects.get(service=service)
    assert (note.contact_date, note.note_type, note.two_way) == (day, NoteType.VETERAN, True)
    assert "Prairie Logistics" in note.body and "Midwest Bottling" in note.body
    expect(page.get_by_role("link", name=re.compile("^202 Career Planning"))).to_be_visible()
    both_widths(page, "vet-24-served")


def test_supervisor_reads_the_queue(page: Page, live_server, world: World):
    veteran(world, "Otto", ["Disability"])
    base = live_server.url
    sign_in(page, base, world.supervisor_a.username)
    page.goto(f"{base}/veterans/referrals/")
    expect(page.get_by_text("The offices you supervise (read only)")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Marsh, Otto"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Accept"))).to_have_count(0)
    both_widths(page, "vet-30-supervisor-queue")
