"""A browser test per role (issue 15): sign in, land on the role's own work, do the
role's most common task end to end by keyboard, with axe on every page visited and
screenshots at 1280 and 390 px."""

import datetime
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from casemgmt import clock
from casenotes.models import CaseNote
from compliance.models import Rule, State
from customers.models import Customer, Status
from services.models import Activity
from services.services import NoteDraft, service_record_create
from supportive.models import POStatus
from supportive.services import po_request_approval
from tests.browser import check_page, sign_in
from tests.conftest import World
from tests.factories import certify, make_customer
from tests.supportive_factory import draft, ready_for_po
from tests.test_dashboards import make_alert
from tests.workshop_factory import book, make_session, ready_customer
from workshops.models import Attendance, Booking

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]

DAY = datetime.timedelta(days=1)
NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 720}


def both_widths(page: Page, name: str) -> None:
    """axe and a screenshot at 1280 px, then at 390 px, where nothing runs off the side."""
    page.set_viewport_size(WIDE)
    check_page(page, f"home-{name}")
    page.set_viewport_size(NARROW)
    check_page(page, f"home-{name}-390")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )
    assert not overflow, f"the {name} page is wider than a phone's screen"
    page.set_viewport_size(WIDE)


def press(target: Locator, key: str = "Enter") -> None:
    """Activate by keyboard: the focus on the control, then the key."""
    target.focus()
    expect(target).to_be_focused()
    target.page.keyboard.press(key)


def test_supervisor_lands_on_the_offices_and_approves_from_the_queue(
    page: Page, live_server, world: World
):
    po = po_request_approval(
        po=draft(
            ready_for_po(world), world, unit_price="640.00", item="Three months of bus passes"
        ),
        user=world.planner_a,
        expected_version=None,
    )
    base = live_server.url
    sign_in(page, base, world.supervisor_a.username)
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    rollup = page.get_by_role("region", name="Compliance in the offices I supervise")
    expect(rollup.get_by_role("link", name=world.office_a.name, exact=True)).to_be_visible()
    queue = page.get_by_role("region", name=re.compile("Purchase orders to approve"))
    expect(queue).to_contain_text("$640.00")
    both_widths(page, "supervisor")

    press(queue.get_by_role("link", name=re.compile("Three months of bus passes")))
    expect(page.get_by_role("heading", name=re.compile("purchase order"))).to_be_visible()
    check_page(page, "home-supervisor-po")
    press(page.get_by_role("button", name="Approve", exact=True))
    expect(page.get_by_role("status").first).to_contain_text("Approved")
    po.refresh_from_db()
    assert (po.status, po.approved_by) == (POStatus.APPROVED, world.supervisor_a)

    page.goto(base + "/")
    queue = page.get_by_role("region", name=re.compile("Purchase orders to approve"))
    expect(queue).to_contain_text("No purchase order is waiting for your approval.")
    check_page(page, "home-supervisor-after")


def test_facilitator_lands_on_todays_sessions_and_enters_the_sheet(
    page: Page, live_server, world: World
):
    session = make_session(world)
    for n in range(3):
        book(session, ready_customer(world, n), world)
    base = live_server.url
    sign_in(page, base, world.facilitator.username)
    expect(page.get_by_role("heading", name="My sessions")).to_be_visible()
    today = page.get_by_role("region", name="Today")
    expect(today).to_contain_text("Resume Writing")
    both_widths(page, "facilitator")

    press(today.get_by_role("link", name=re.compile("Enter attendance")))
    expect(page.get_by_role("heading", name="Resume Writing")).to_be_visible()
    check_page(page, "home-facilitator-sheet")
    press(page.get_by_role("button", name="Mark the rest attended and save"))
    expect(page.get_by_role("status").first).to_contain_text("3")
    marks = set(Booking.objects.filter(session=session).values_list("attendance", flat=True))
    assert marks == {Attendance.ATTENDED}
    check_page(page, "home-facilitator-after")


def test_administrator_lands_on_the_tasks_and_finds_a_staff_member(
    page: Page, live_server, world: World
):
    base = live_server.url
    sign_in(page, base, world.admin.username)
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    both_widths(page, "administrator")

    press(page.get_by_role("link", name="Staff, roles and offices"))
    expect(page).to_have_url(re.compile(r"/admin/casemgmt/user/"))
    page.locator("#searchbar").focus()
    page.keyboard.type("planner_b")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=planner_b"))
    results = page.locator("#result_list")
    expect(results).to_contain_text("planner_b")
    expect(results).not_to_contain_text("planner_a")
    check_page(page, "home-administrator-staff")


def test_planner_lands_on_the_alerts_and_records_the_contact_due(
    page: Page, live_server, world: World
):
    customer = world.customer_a
    make_alert(customer, Rule.CONTACT_30, State.OVERDUE)
    base = live_server.url
    sign_in(page, base, world.planner_a.username)
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    urgent = page.get_by_role("region", name="My alerts, most urgent first")
    expect(urgent).to_contain_text(customer.sort_name)
    both_widths(page, "planner")

    press(urgent.get_by_role("link", name=f"Record a contact with {customer.full_name}"))
    expect(page.get_by_role("heading", name="Write a case note")).to_be_visible()
    # Nothing is assumed about the contact: both choices start empty.
    expect(page.get_by_label("Contact method")).to_have_value("")
    page.get_by_label("Contact method").focus()
    page.keyboard.press("ArrowDown")  # a closed select moves to the first method
    two_way = page.get_by_label("Two-way communication with the customer")
    expect(two_way).not_to_be_checked()
    press(two_way, " ")
    page.get_by_label("Subject").focus()
    page.keyboard.type("Monthly check-in")
    page.locator("#id_body").focus()
    page.keyboard.type("Career planner called the customer about the forklift class schedule.")
    check_page(page, "home-planner-note")
    press(page.get_by_role("button", name=re.compile("Save")))
    expect(page.get_by_role("status").first).to_be_visible()
    note = CaseNote.objects.get(customer=customer)
    assert note.author == world.planner_a and note.two_way is True
    assert note.contact_method != "" and note.subject == "Monthly check-in"


def test_tracker_lands_on_the_lists_and_logs_a_contact(page: Page, live_server, world: World):
    today = clock.today()
    zed = certify(
        make_customer(
            office=world.office_a, planner=world.planner_a, first_name="Zed", last_name="Yoder"
        ),
        today - 120 * DAY,
    )
    Customer.objects.filter(pk=zed.pk).update(status=Status.PARTICIPANT)
    service_record_create(
        customer=zed,
        activity=Activity.objects.get(code="202"),
        started_on=today - 60 * DAY,
        ended_on=today - 60 * DAY,
        entered_by=world.planner_a,
        note=NoteDraft(
            subject="Service",
            body="Career planner met the customer.",
            contact_method="in_person",
            two_way=True,
        ),
    )
    base = live_server.url
    sign_in(page, base, world.tracker_a.username)
    card = page.get_by_role("article", name=re.compile("Yoder"))
    expect(card).to_contain_text("Day 60: re-engage, exits on")
    both_widths(page, "tracker")

    card.get_by_label("Reached the customer?").select_option("no")
    card.get_by_label("Contact method").select_option("phone")
    note = card.get_by_label("Note")
    note.focus()
    page.keyboard.type("Left a voicemail about the next resume workshop.")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Logged a contact attempt")
    saved = CaseNote.objects.get(customer=zed, author=world.tracker_a)
    assert saved.two_way is False and saved.contact_method == "phone"
    check_page(page, "home-tracker-after")
