"""The compliance dashboards in Chromium: a supervisor drills down from a number to the
customers behind it; a planner reads their alerts; a tracker logs a contact attempt."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from casemgmt import clock, roles
from casenotes.models import CaseNote
from compliance.models import Alert, Rule, State
from compliance.summary import record_office_counts
from customers.models import Customer, Status
from tests.browser import check_page, sign_in
from tests.conftest import World
from tests.factories import make_customer, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]

DAY = datetime.timedelta(days=1)


def alert(customer: Customer, rule: str, state: str, *, due_in_days: int, opened_days_ago: int):
    # Inserted last and directly, as the engine writes them: saving a customer queues a
    # re-evaluation that would resolve an alert the data does not bear out.
    today = clock.today()
    return Alert.objects.create(
        rule=rule,
        customer=customer,
        state=state,
        due_on=today + due_in_days * DAY,
        responsible=customer.career_planner,
        opened_on=today - opened_days_ago * DAY,
        last_seen_on=today,
    )


def test_supervisor_drills_down_from_an_overdue_count_to_the_customers(
    page: Page, live_server, world: World
):
    a = world.office_a
    fay = make_customer(office=a, planner=world.planner_a, first_name="Fay", last_name="Ortiz")
    gus = make_customer(office=a, planner=world.planner_a, first_name="Gus", last_name="Lind")
    make_customer(office=a, planner=world.planner_a, first_name="Hal", last_name="Moss")
    Customer.objects.filter(pk__in=[fay.pk, gus.pk]).update(status=Status.PARTICIPANT)
    alert(fay, Rule.CONTACT_30, State.OVERDUE, due_in_days=-12, opened_days_ago=40)
    alert(gus, Rule.CONTACT_30, State.OVERDUE, due_in_days=-3, opened_days_ago=9)
    alert(gus, Rule.REVIEW_90, State.DUE_SOON, due_in_days=5, opened_days_ago=6)
    alert(world.customer_b, Rule.CONTACT_30, State.OVERDUE, due_in_days=-8, opened_days_ago=20)
    base = live_server.url
    sign_in(page, base, world.supervisor_a.username)

    page.get_by_role("link", name=re.compile("Compliance dashboard: by rule")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Compliance in the offices I supervise"
    )
    expect(page.get_by_role("img", name=re.compile("Open overdue alerts"))).to_be_visible()
    expect(page.get_by_role("heading", name="Office B")).to_have_count(0)
    page.get_by_text("The numbers as a table").click()
    page.locator("summary", has_text="Planner Tester").click()
    expect(
        page.get_by_role("link", name="2 overdue: 30-day contact, Planner Tester, Office A")
    ).to_be_visible()
    check_page(page, "30-supervisor-dashboard")

    page.get_by_role("link", name="2 overdue: 30-day contact, Office A", exact=True).click()

    expect(page).to_have_url(
        re.compile(r"/dashboard/alerts/\?office=\d+&rule=contact_30&state=overdue$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Overdue: 30-day contact, Office A")
    rows = page.get_by_role("table", name="Overdue: 30-day contact, Office A").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Ortiz, Fay")
    expect(rows.nth(1)).to_contain_text("Lind, Gus")
    expect(page.get_by_text("Sample, Bea")).to_have_count(0)
    check_page(page, "31-drilldown")

    # The filters narrow the list in place; another office is not among the choices.
    expect(page.get_by_label("Office").locator("option", has_text="Office B")).to_have_count(0)
    page.get_by_label("State").select_option("on_time")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "On time (no open alert): 30-day contact, Office A"
    )
    expect(page.get_by_role("link", name="Moss, Hal")).to_be_visible()
    check_page(page, "32-drilldown-on-time")


def test_planner_reads_their_alerts_and_a_customers_header(page: Page, live_server, world: World):
    a = world.office_a
    ivy = make_customer(office=a, planner=world.planner_a, first_name="Ivy", last_name="Nakamura")
    Customer.objects.filter(pk=ivy.pk).update(status=Status.PARTICIPANT)
    alert(ivy, Rule.CONTACT_30, State.OVERDUE, due_in_days=-6, opened_days_ago=12)
    alert(ivy, Rule.REVIEW_90, State.DUE_SOON, due_in_days=4, opened_days_ago=7)
    alert(world.customer_b, Rule.CONTACT_30, State.OVERDUE, due_in_days=-8, opened_days_ago=20)
    base = live_server.url
    sign_in(page, base, world.planner_a.username)
    check_page(page, "33-home-with-alerts")

    page.get_by_role("link", name=re.compile("My alerts dashboard|open alerts")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My alerts")
    table = page.get_by_role("table", name="My open alerts, most urgent first")
    # Overdue first (the engine adds the applicants' eligibility alerts), due soon last.
    expect(table.locator("tbody tr").first).to_contain_text("Overdue")
    expect(table.locator("tbody tr", has_text="30-day contact")).to_contain_text("Nakamura, Ivy")
    expect(table.locator("tbody tr").last).to_contain_text("Due soon")
    expect(page.get_by_text("Sample, Bea")).to_have_count(0)
    check_page(page, "34-planner-dashboard")

    page.get_by_role("region", name="Plans due for review").get_by_role(
        "link", name="Nakamura, Ivy"
    ).click()
    expect(page.get_by_role("list", name="Open alerts")).to_contain_text(
        "30-day contact: overdue, due"
    )
    check_page(page, "35-customer-header-alerts")


def test_tracker_logs_a_contact_attempt_from_the_day_75_list(page: Page, live_server, world: World):
    a = world.office_a
    jo = make_customer(
        office=a,
        planner=world.planner_a,
        first_name="Jo",
        last_name="Varga",
        alternate_contact_name="Kim Varga",
        alternate_contact_relationship="sister",
        alternate_contact_phone="2175550142",
    )
    lou = make_customer(office=a, planner=world.planner_a, first_name="Lou", last_name="Berg")
    Customer.objects.filter(pk=jo.pk).update(status=Status.PARTICIPANT)
    Customer.objects.filter(pk=lou.pk).update(
        status=Status.EXITED,
        exit_date=clock.today() - 93 * DAY,
        exit_reason="Soft exit: 90 days without an enrolling service",
    )
    alert(jo, Rule.SOFT_EXIT, State.OVERDUE, due_in_days=14, opened_days_ago=16)
    exit_alert = alert(lou, Rule.SOFT_EXIT, State.OVERDUE, due_in_days=-3, opened_days_ago=33)
    Alert.objects.filter(pk=exit_alert.pk).update(
        resolved_on=clock.today() - 3 * DAY, resolved_at=timezone.now()
    )
    alert(world.customer_a, Rule.SOFT_EXIT, State.DUE_SOON, due_in_days=29, opened_days_ago=1)
    base = live_server.url
    sign_in(page, base, world.tracker_a.username)  # the tracker's home is the lists
    card = page.get_by_role("article", name=re.compile("Jo Varga"))
    expect(card).to_contain_text("Kim Varga (sister)")
    expect(card).to_contain_text("(217) 555-0142")
    exited = page.get_by_role("region", name=re.compile("Day 90"))
    expect(exited.get_by_role("article")).to_have_count(1)
    expect(exited.get_by_role("article")).to_contain_text("Lou Berg")
    check_page(page, "36-tracker-dashboard")

    card.get_by_label("Reached the customer?").select_option("no")
    card.get_by_label("Contact method").select_option("phone")
    card.get_by_label("Note").fill("Called and left a voicemail about the forklift class.")
    card.get_by_role("button", name=re.compile("^Log")).click()

    expect(page.get_by_role("status")).to_contain_text(
        "Logged a contact attempt with Jo Varga as a case note."
    )
    note = CaseNote.objects.get(customer=jo)
    assert note.two_way is False and note.subject == "Re-engagement contact"
    assert note.entered_at <= timezone.now()
    check_page(page, "37-tracker-logged")


def test_planner_pages_through_a_long_list_of_alerts(page: Page, live_server, world: World):
    a = world.office_a
    for n in range(30):
        customer = make_customer(
            office=a, planner=world.planner_a, first_name="Pat", last_name=f"Page{n:02d}"
        )
        Customer.objects.filter(pk=customer.pk).update(status=Status.PARTICIPANT)
        alert(customer, Rule.CONTACT_30, State.OVERDUE, due_in_days=-40 + n, opened_days_ago=50)
    base = live_server.url
    sign_in(page, base, world.planner_a.username)
    page.goto(base + "/dashboard/")

    table = page.get_by_role("table", name="My open alerts, most urgent first")
    expect(table.locator("tbody tr")).to_have_count(25)
    pages = page.get_by_role("navigation", name="Pages of my open alerts")
    expect(pages).to_contain_text("Page 1 of")
    check_page(page, "34b-planner-dashboard-paginated")

    page.get_by_role("region", name="No two-way contact in 30 days").get_by_role(
        "link", name=re.compile(r"All \d+")
    ).click()
    expect(page.get_by_role("heading", name="Open alerts: 30-day contact, overdue")).to_be_visible()
    page.get_by_role("navigation", name="Pages of my open alerts").get_by_role(
        "link", name="Next"
    ).click()
    expect(page).to_have_url(re.compile(r"rule=contact_30&state=overdue&page=2"))
    expect(
        page.get_by_role("table").locator("tbody tr", has_text="30-day contact")
    ).not_to_have_count(0)
    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page, "34c-planner-dashboard-paginated-narrow")


def test_a_director_of_several_offices_reads_a_row_per_office_and_opens_one(
    page: Page, live_server, world: World
):
    director = make_user(
        "director_z",
        roles.SUPERVISOR,
        offices=[world.office_a],
        supervises=[world.office_a, world.office_b],
    )
    Customer.objects.filter(pk=world.customer_b.pk).update(status=Status.PARTICIPANT)
    alert(world.customer_a, Rule.CONTACT_30, State.OVERDUE, due_in_days=-5, opened_days_ago=20)
    alert(world.customer_b, Rule.CONTACT_30, State.OVERDUE, due_in_days=-8, opened_days_ago=20)
    record_office_counts()  # the nightly run's counts, which the roll-up reads
    base = live_server.url
    sign_in(page, base, director.username)
    page.goto(f"{base}/dashboard/supervisor/")
    expect(page.get_by_text("As the nightly run counted them on")).to_be_visible()

    table = page.get_by_role("table", name=re.compile("Open alerts of each office"))
    expect(table.get_by_role("row")).to_have_count(4)  # the heading, two offices, all offices
    check_page(page, "30b-region-dashboard")

    table.get_by_role("link", name="Office B", exact=True).click()

    expect(page.get_by_role("heading", name="Office B")).to_be_visible()
    expect(page.get_by_role("heading", name="By career planner")).to_be_visible()
    check_page(page, "30c-region-dashboard-one-office")
    page.get_by_role("link", name="Every office I supervise").click()
    expect(page.get_by_role("heading", name="By office")).to_be_visible()
