"""The activity picker by keyboard: type a code or part of a title, choose with the arrow
keys and Enter (which never submits the form), see an unmet prerequisite's reason, and keep
the choice whatever answers late. Without JavaScript it is a plain select that works."""

import datetime
import re

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from casemgmt.clock import today_for_office
from customers.models import Customer
from services.models import Activity, ServiceRecord
from services.services import NoteDraft, service_record_create
from tests.browser import check_page, screenshot, sign_in
from tests.conftest import World
from tests.readback import assert_saved

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]

NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
JOB_SEARCH = "211 — Job Search Activities and Assistance (Staff Assisted) (same day)"
CAREER_PLANNING = "202 — Career Planning (Case Management) (same day)"


def certified(world: World) -> Customer:
    customer = world.customer_a
    day = today_for_office(customer.office) - datetime.timedelta(days=60)
    customer.certification_date = customer.eligibility_date = customer.application_date = day
    customer.save()
    return customer


def pk_of(code: str) -> str:
    return str(Activity.objects.get(code=code).pk)


def open_form(page: Page, base: str, customer: Customer) -> str:
    url = f"{base}/customers/{customer.pk}/services/new/"
    page.goto(url)
    return url


def write_the_note(page: Page, text: str) -> None:
    page.get_by_label("Case note").fill(text)
    page.get_by_label("Contact method").select_option("in_person")
    page.get_by_role("radio", name="Two-way communication with the customer").check()


def test_a_planner_chooses_by_keyboard_and_enter_does_not_submit(
    page: Page, live_server, world: World
):
    customer = certified(world)
    base = live_server.url
    page.set_viewport_size(WIDE)
    sign_in(page, base, world.planner_a.username)
    url = open_form(page, base, customer)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    office_today = today_for_office(customer.office)
    expect(page.get_by_label("Start date")).to_have_value(office_today.isoformat())
    box = page.get_by_role("combobox", name="Activity")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("job search")
    expect(box).to_have_attribute("aria-expanded", "true")
    listbox = page.get_by_role("listbox", name="Activity")
    expect(listbox.get_by_role("option")).to_have_count(1)
    box.press("ArrowDown")
    option = listbox.get_by_role("option", name=re.compile(r"^211 — Job Search"))
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id") or "")
    check_page(page, "activity-picker-open-1280")

    box.press("Enter")
    expect(box).to_have_value(JOB_SEARCH)
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator("select[name=activity]")).to_have_value(pk_of("211"))
    expect(page).to_have_url(url)
    assert posts == [], "Enter submitted the form"
    assert not ServiceRecord.objects.filter(customer=customer).exists()

    write_the_note(page, "Career planner helped the customer search listings for warehouse work.")
    check_page(page, "activity-picker-chosen-1280")
    page.get_by_role("button", name="Save service").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded 211 Job Search Activities")
    saved = ServiceRecord.objects.get(customer=customer)
    assert_saved(
        ServiceRecord,
        saved.pk,
        activity=Activity.objects.get(code="211"),
        started_on=office_today,
        ended_on=office_today,
        entered_by=world.planner_a,
    )


def test_the_list_marks_an_unmet_prerequisite_and_fits_a_phone(
    page: Page, live_server, world: World
):
    customer = certified(world)
    base = live_server.url
    page.set_viewport_size(WIDE)
    sign_in(page, base, world.planner_a.username)
    open_form(page, base, customer)
    box = page.get_by_role("combobox", name="Activity")
    listbox = page.get_by_role("listbox", name="Activity")

    # A Youth service is not among an adult customer's activities.
    box.press_sequentially("469")
    expect(listbox).to_be_hidden()
    expect(page.get_by_text("No activity of the customer's programs matches “469”")).to_be_visible()

    box.fill("")
    box.press_sequentially("201")
    unmet = listbox.get_by_role("option", name=re.compile(r"^201 — Group Workforce"))
    expect(unmet).to_contain_text(
        "Prerequisite not met: requires an IEP: record Development of an IEP (205) first."
    )
    expect(listbox.get_by_role("option", name=re.compile("requires an IEP"))).to_have_count(1)
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_accessible_description(re.compile(r"Prerequisite not met: .*requires"))
    expect(page.locator(".combobox-note")).to_be_visible()
    check_page(page, "activity-picker-unmet-1280")

    page.set_viewport_size(NARROW)
    box.fill("")
    box.press_sequentially("support")
    expect(listbox).to_be_visible()
    box.press("ArrowDown")
    check_page(page, "activity-picker-open-390")
    box.press("Escape")
    expect(listbox).to_be_hidden()
    box.press("Tab")  # leaving a box whose text names no activity shows the choice again
    expect(box).to_have_value(re.compile(r"^201 — Group Workforce"))
    check_page(page, "activity-picker-form-390")

    # Chosen anyway, the rule refuses it in its words and keeps the choice.
    page.set_viewport_size(WIDE)
    write_the_note(page, "Customer attended the resume workshop.")
    page.get_by_role("button", name="Save service").click()
    expect(
        page.locator(".invalid-feedback").filter(has_text="requires an IEP: record Development")
    ).to_be_visible()
    expect(page.get_by_role("combobox", name="Activity")).to_have_value(
        re.compile(r"^201 — Group Workforce")
    )
    box = page.get_by_role("combobox", name="Activity")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".combobox-note")).to_be_hidden()  # the message says it already
    page.locator("[data-error-summary] a[href='#id_activity']").click()
    expect(box).to_be_focused()  # the summary's link reaches the combobox, not the select
    check_page(page, "activity-picker-refused-1280")
    assert not ServiceRecord.objects.filter(customer=customer).exists()


def wait_for(page: Page, held: list[Route], count: int) -> None:
    for _ in range(100):
        if len(held) >= count:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"expected {count} held requests, got {len(held)}")


def test_a_late_answer_does_not_clear_the_choice(page: Page, live_server, world: World):
    customer = certified(world)
    base = live_server.url
    page.set_viewport_size(WIDE)
    sign_in(page, base, world.planner_a.username)
    held: list[Route] = []
    page.route(
        "**/services/entry-check/**", lambda route: held.append(route)
    )  # answered only when released
    open_form(page, base, customer)
    wait_for(page, held, 1)  # the check the page makes on loading: let it through
    with page.expect_response(re.compile(r"/services/entry-check/")):
        held[0].continue_()

    # A start date three weeks back: its late check is held until after the choice.
    old_day = today_for_office(customer.office) - datetime.timedelta(days=20)
    page.get_by_label("Start date").fill(old_day.isoformat())
    page.get_by_label("Start date").dispatch_event("change")
    wait_for(page, held, 2)

    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url))
    box = page.get_by_role("combobox", name="Activity")
    box.press_sequentially("career")
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value(CAREER_PLANNING)
    assert sent == [], f"typing asked the server: {sent}"  # the options are in the page

    with page.expect_response(re.compile(r"/services/entry-check/")):
        held[1].continue_()
    expect(page.locator("#late-warning")).to_contain_text("late")
    expect(box).to_have_value(CAREER_PLANNING)
    expect(page.locator("select[name=activity]")).to_have_value(pk_of("202"))

    # A later list the user opens and leaves without choosing changes nothing either.
    box.fill("")
    box.press_sequentially("exploration")
    expect(
        page.get_by_role("option", name=re.compile(r"^224 — Career Exploration"))
    ).to_be_visible()
    box.press("Escape")
    box.press("Tab")
    expect(box).to_have_value(CAREER_PLANNING)
    expect(page.locator("select[name=activity]")).to_have_value(pk_of("202"))


def test_the_correction_form_has_the_same_picker(page: Page, live_server, world: World):
    customer = certified(world)
    day = today_for_office(customer.office) - datetime.timedelta(days=2)
    service = service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="202"),
        started_on=day,
        ended_on=day,
        entered_by=world.planner_a,
        note=NoteDraft(
            subject="Service Strategy",
            body="Career planner met the customer.",
            contact_method="in_person",
            two_way=True,
        ),
    )
    base = live_server.url
    page.set_viewport_size(WIDE)
    sign_in(page, base, world.planner_a.username)
    page.goto(f"{base}/customers/{customer.pk}/services/{service.pk}/correct/")
    box = page.get_by_role("combobox", name="Activity")
    expect(box).to_have_value(CAREER_PLANNING)
    box.fill("")
    box.press_sequentially("224")
    box.press("Enter")  # a typed code chooses its activity
    expect(box).to_have_value(re.compile(r"^224 — Career Exploration"))
    page.get_by_label("Reason for the correction").fill(
        "Career exploration was given, not planning"
    )
    check_page(page, "activity-picker-correct-1280")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("status")).to_contain_text("Corrected 224")
    assert_saved(ServiceRecord, service.pk, activity=Activity.objects.get(code="224"))


def test_without_javascript_the_select_records_the_service(
    browser: Browser, live_server, world: World
):
    customer = certified(world)
    base = live_server.url
    context = browser.new_context(java_script_enabled=False, viewport=WIDE)
    page = context.new_page()
    try:
        sign_in(page, base, world.planner_a.username)
        open_form(page, base, customer)
        select = page.get_by_label("Activity")
        expect(select).to_have_js_property("tagName", "SELECT")
        expect(select.locator("option", has_text="201 — Group Workforce")).to_contain_text(
            "Prerequisite not met"
        )
        expect(select.locator("option", has_text="469 —")).to_have_count(0)
        select.select_option(pk_of("211"))
        write_the_note(page, "Career planner helped the customer apply for two openings.")
        screenshot(page, "activity-picker-no-javascript-1280")
        page.get_by_role("button", name="Save service").click()
        expect(page.get_by_text("Recorded 211 Job Search Activities")).to_be_visible()
        saved = ServiceRecord.objects.get(customer=customer)
        assert_saved(ServiceRecord, saved.pk, activity=Activity.objects.get(code="211"))
    finally:
        context.close()
