"""A planner records a same-day service with its note, and meets a prerequisite refusal."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from casemgmt import clock
from services.models import ServiceRecord
from tests.browser import check_page, sign_in
from tests.conftest import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]


def test_planner_records_a_same_day_service_and_sees_a_prerequisite_refusal(
    page: Page, live_server, world: World
):
    customer = world.customer_a
    customer.certification_date = customer.eligibility_date = customer.application_date
    customer.save()
    day = (clock.today() - datetime.timedelta(days=1)).isoformat()
    base = live_server.url
    sign_in(page, base, world.planner_a.username)

    page.goto(f"{base}/customers/{customer.pk}/services/")
    check_page(page, "10-services-empty")
    page.get_by_role("link", name="Record a service").click()
    page.wait_for_load_state()  # the combobox replaces the select once its script has run

    # Type part of the title, choose the job-search service (211, same day) by keyboard.
    activity = page.get_by_role("combobox", name="Activity")
    activity.press_sequentially("job search")
    expect(page.get_by_role("listbox", name="Activity").get_by_role("option")).to_have_count(1)
    activity.press("ArrowDown")
    activity.press("Enter")
    expect(activity).to_have_value(re.compile(r"^211 — Job Search"))
    page.get_by_label("Start date").fill(day)
    page.get_by_label("Case note").fill(
        "Career planner met the customer in person to revise a resume for two warehouse openings."
    )
    # How the contact was made starts empty: it is chosen, never assumed (issue 15).
    expect(page.get_by_label("Contact method")).to_have_value("")
    page.get_by_label("Contact method").select_option("in_person")
    page.locator("input[name='note_two_way'][value='yes']").check()
    check_page(page, "11-service-form")
    page.get_by_role("button", name="Save service").click()

    expect(page.get_by_role("status")).to_contain_text("Recorded 211 Job Search Activities")
    expect(page.get_by_role("link", name=re.compile(r"^211 Job Search"))).to_be_visible()
    check_page(page, "12-services-list")
    record = ServiceRecord.objects.get(customer=customer)
    assert record.ended_on == record.started_on
    assert record.case_notes.count() == 1

    # A workshop (201) without an IEP (205) is refused with the rule's words, and the
    # entry is kept.
    page.get_by_role("link", name="Record a service").click()
    page.wait_for_load_state()  # the combobox replaces the select once its script has run
    activity.press_sequentially("201")
    activity.press("Enter")  # a typed code chooses its activity
    expect(activity).to_have_value(re.compile(r"^201 — Group Workforce"))
    page.get_by_label("Start date").fill(day)
    page.get_by_label("Case note").fill("Customer attended the resume workshop.")
    page.get_by_label("Contact method").select_option("in_person")
    page.locator("input[name='note_two_way'][value='yes']").check()
    page.get_by_role("button", name="Save service").click()

    expect(
        page.locator(".invalid-feedback").filter(
            has_text="requires an IEP: record Development of an IEP (205) first"
        )
    ).to_be_visible()
    expect(page.get_by_label("Case note")).to_have_value("Customer attended the resume workshop.")
    check_page(page, "13-service-refused")
    assert ServiceRecord.objects.filter(customer=customer).count() == 1

    page.goto(f"{base}/customers/{customer.pk}/notes/")
    expect(page.get_by_text("revise a resume for two warehouse openings")).to_be_visible()
    check_page(page, "14-case-notes")
    page.goto(f"{base}/customers/{customer.pk}/timeline/")
    check_page(page, "15-timeline")
