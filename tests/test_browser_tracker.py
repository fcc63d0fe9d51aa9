"""A tracker opens a customer's contact card and logs an attempt; the case file stays shut."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from casemgmt import clock
from casenotes.models import CaseNote
from compliance.models import Alert, Rule, State
from compliance.views import PAGE_SIZE
from customers.models import Customer, Status
from services.models import Activity
from services.services import NoteDraft, service_record_create
from tests.browser import check_page, sign_in
from tests.conftest import World
from tests.factories import certify, make_customer
from workshops.models import Appointment, AppointmentStatus

DAY = datetime.timedelta(days=1)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]


def test_tracker_reads_the_contact_card_and_logs_an_attempt(page: Page, live_server, world: World):
    customer = world.customer_a
    base = live_server.url
    sign_in(page, base, world.tracker_a.username)
    page.goto(f"{base}/customers/{customer.pk}/")
    expect(page.get_by_role("heading", name="Re-engagement")).to_be_visible()
    expect(page.get_by_role("link", name="Case notes")).to_have_count(0)
    expect(page.get_by_text("born")).to_have_count(0)
    check_page(page, "70-tracker-contact-card")
    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page, "70-tracker-contact-card-390")
    page.set_viewport_size({"width": 1280, "height": 720})

    page.get_by_role("link", name="Log a contact or attempt").click()
    page.get_by_label("Contact method").select_option("phone")
    page.get_by_label("Attempt only (voicemail, letter, unanswered email)").check()
    page.locator("#id_body").fill(
        "Tracker called the customer and left a voicemail asking for a call back."
    )
    check_page(page, "71-tracker-log-attempt")
    page.get_by_role("button", name="Save note").click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Recorded as an attempt")
    note = CaseNote.objects.get(customer=customer)
    assert note.author == world.tracker_a and note.two_way is False


# --- The re-engagement lists: stages, urgency, pages, both widths --------------------------

NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 800}


def assert_fits(page: Page) -> None:
    """Nothing runs off the side of the screen."""
    wider = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5).map(el => el.tagName + '.' + el.className)"""
    )
    scrolls = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    assert not scrolls and not wider, wider


def both_widths(page: Page, name: str) -> None:
    page.set_viewport_size(WIDE)
    check_page(page, name)
    assert_fits(page)
    page.set_viewport_size(NARROW)
    check_page(page, f"{name}-390")
    assert_fits(page)
    page.set_viewport_size(WIDE)


def test_tracker_works_down_the_lists_by_stage_and_page(page: Page, live_server, world: World):
    planner, office = world.planner_a, world.office_a
    firsts = ["Maximiliana", "Ade", "Bo", "Chen", "Dara", "Eli", "Fern", "Gus", "Hana", "Ivo"]
    surnames = ["Okafor", "Lindqvist", "Nakamura-Whitfield", "Brennan", "Castellanos", "Dube"]
    people = [
        make_customer(
            office=office,
            planner=planner,
            first_name=firsts[n % len(firsts)],
            last_name=surnames[n % len(surnames)],
            **({"email": "maximiliana.okonkwo-abernathy.family@longexample.org"} if n == 0 else {}),
        )
        for n in range(PAGE_SIZE + 3)
    ]
    Customer.objects.filter(pk__in=[p.pk for p in people]).update(status=Status.PARTICIPANT)
    missed = make_customer(office=office, planner=planner, first_name="Mo", last_name="Missed")
    today = clock.today()
    # The last of the day 60 list for real: the engine opens the alert when the service
    # is saved, and keeps it when the tracker logs an attempt.
    zed = certify(
        make_customer(office=office, planner=planner, first_name="Zed", last_name="Yoder"),
        today - 120 * DAY,
    )
    Customer.objects.filter(pk=zed.pk).update(status=Status.PARTICIPANT)
    service_record_create(
        customer=zed,
        activity=Activity.objects.get(code="202"),
        started_on=today - 60 * DAY,
        ended_on=today - 60 * DAY,
        entered_by=planner,
        note=NoteDraft(
            subject="Service",
            body="Career planner met the customer.",
            contact_method="in_person",
            two_way=True,
        ),
    )
    assert Alert.objects.get(customer=zed, rule=Rule.SOFT_EXIT).due_on == today + 30 * DAY
    # The others inserted last, as the engine writes them (a saved customer is
    # re-evaluated at once).
    for n, customer in enumerate(people):
        exits_in = 1 + n if n < 10 else 16 + n % 14  # ten to call, the rest to re-engage
        Alert.objects.create(
            rule=Rule.SOFT_EXIT,
            customer=customer,
            state=State.OVERDUE if exits_in <= 15 else State.DUE_SOON,
            due_on=today + exits_in * DAY,
            responsible=planner,
            opened_on=today - DAY,
            last_seen_on=today,
        )
    Appointment.objects.create(
        customer=missed,
        office=office,
        with_user=planner,
        on=today - 2 * DAY,
        starts_at=datetime.time(10),
        ends_at=datetime.time(10, 30),
        purpose="Review the plan",
        booked_by=planner,
        status=AppointmentStatus.MISSED,
        status_changed_at=timezone.now(),
    )
    base = live_server.url
    sign_in(page, base, world.tracker_a.username)
    page.goto(f"{base}/dashboard/tracker/")

    call = page.get_by_role("region", name=re.compile("^Day 75: call"))
    expect(call.get_by_role("article")).to_have_count(10)
    first = call.get_by_role("article").first
    expect(first).to_contain_text("Maximiliana Okafor")
    expect(first).to_contain_text(f"Day 75: call, exits on {today + DAY:%m/%d/%Y}")
    expect(page.get_by_role("main")).not_to_contain_text("Overdue")
    reengage = page.get_by_role("region", name=re.compile("^Day 60: re-engage"))
    expect(reengage.get_by_role("heading", level=2)).to_contain_text(str(PAGE_SIZE - 6))
    expect(page.get_by_role("region", name=re.compile("Missed appointments"))).to_have_count(0)
    both_widths(page, "72-tracker-lists")

    page.get_by_role("navigation", name="The lists").get_by_role(
        "link", name=re.compile("Missed appointments")
    ).click()
    expect(page).to_have_url(re.compile(r"\?page=2#list-missed$"))
    expect(
        page.get_by_role("heading", name=re.compile(r"Day 60: re-engage \(continued\)"))
    ).to_be_visible()
    missed_list = page.get_by_role("region", name=re.compile("Missed appointments"))
    expect(missed_list).to_contain_text("Missed appointment with")
    both_widths(page, "73-tracker-lists-page-2")

    card = page.get_by_role("region", name=re.compile("Day 60")).get_by_role("article").last
    expect(card.get_by_role("heading")).to_contain_text("Zed Yoder")
    card.get_by_label("Reached the customer?").focus()
    card.get_by_label("Reached the customer?").select_option("no")
    page.keyboard.press("Tab")
    card.get_by_label("Contact method").select_option("phone")
    page.keyboard.press("Tab")
    page.keyboard.type("Left a voicemail about the forklift class.")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Logged a contact attempt")
    expect(page).to_have_url(
        re.compile(rf"/dashboard/tracker/\?page=2#reengage-customer-{zed.pk}$")
    )
    note = CaseNote.objects.get(body="Left a voicemail about the forklift class.")
    assert note.customer == zed and note.two_way is False

    page.goto(f"{base}/customers/{people[0].pk}/")
    alerts = page.get_by_role("list", name="Open alerts")
    expect(alerts).to_contain_text(
        f"90-day soft exit · day 75: call, exits on {today + DAY:%m/%d/%Y}"
    )
    both_widths(page, "74-tracker-customer-stage")

    # The career planner's own alerts name the stage the same way.
    page.context.clear_cookies()
    sign_in(page, base, world.planner_a.username)
    # The planner's page is paginated: the soft exits are one filter away.
    page.goto(f"{base}/dashboard/?rule=soft_exit")
    table = page.get_by_role("table", name="My open alerts: 90-day soft exit")
    row = table.locator("tbody tr", has_text="Okafor, Maximiliana").filter(
        has_text="90-day soft exit"
    )
    expect(row).to_contain_text("Day 75: call")
    expect(row).not_to_contain_text("Overdue")
    both_widths(page, "75-planner-soft-exit-stage")
