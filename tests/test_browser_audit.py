"""An administrator reads the audit trail, narrows it to one customer and downloads it."""

import datetime

import pghistory
import pytest
from playwright.sync_api import Page, expect

from casemgmt import clock
from customers.services import customer_update
from services.models import Activity
from services.services import NoteDraft, service_record_correct, service_record_create
from tests.browser import check_page, sign_in
from tests.conftest import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]


def _changes(world: World) -> None:
    """A morning's work in two offices, as the staff's own requests record it."""
    customer = world.customer_a
    customer.certification_date = customer.eligibility_date = customer.application_date
    customer.save()
    day = clock.today() - datetime.timedelta(days=2)
    with pghistory.context(user=world.planner_a.pk):
        customer_update(
            customer=customer,
            updated_by=world.planner_a,
            fields={"phone": "3125550143", "city": "Decatur", "street": "17 Hidden Lane"},
        )
        service = service_record_create(
            customer=customer,
            activity=Activity.objects.get(code="211"),
            started_on=day,
            ended_on=day,
            weekly_hours=2,
            entered_by=world.planner_a,
            note=NoteDraft("Job search", "Revised a resume together.", "in_person", True),
        )
    with pghistory.context(user=world.supervisor_a.pk):
        service_record_correct(
            record=service,
            corrected_by=world.supervisor_a,
            reason="Two hours typed; it was three",
            fields={"weekly_hours": 3},
            barriers=[],
        )
    with pghistory.context(user=world.planner_b.pk):
        customer_update(
            customer=world.customer_b,
            updated_by=world.planner_b,
            fields={"last_name": "Okafor", "city": "Peoria"},
        )


def test_an_administrator_reads_and_downloads_the_audit_trail(
    page: Page, live_server, world: World
):
    _changes(world)
    base = live_server.url
    sign_in(page, base, world.admin.username)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_contain_text(world.customer_b.customer_number)
    expect(table).to_contain_text("S. Tester changed the weekly hours from 2 to 3.")
    expect(table).to_contain_text("Reason: Corrected: Two hours typed; it was three")
    expect(table).to_contain_text(
        "P. Tester changed the last name and the city to \u201cPeoria\u201d."
    )
    expect(table).not_to_contain_text("Okafor")
    check_page(page, "60-audit-trail")

    page.get_by_label("Customer number").fill(world.customer_a.customer_number.lower())
    page.get_by_role("button", name="Show").click()
    expect(table).not_to_contain_text(world.customer_b.customer_number)
    expect(table).to_contain_text(
        "P. Tester changed the phone number, the street address and the city to \u201cDecatur\u201d."
    )
    expect(table).not_to_contain_text("555")
    assert world.customer_a.customer_number not in page.url
    check_page(page, "61-audit-trail-one-customer")

    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page, "61-audit-trail-one-customer-390")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download as CSV").click()
    assert download.value.suggested_filename.startswith("audit-trail-")
    exported = download.value.path().read_text(encoding="utf-8")
    assert exported.startswith("\ufeffWhen (")  # the byte-order mark a spreadsheet needs
    assert "the city to \u201cDecatur\u201d" in exported and "Peoria" not in exported


def test_a_supervisor_reads_the_customers_update_log_in_sentences(
    page: Page, live_server, world: World
):
    _changes(world)
    sign_in(page, live_server.url, world.supervisor_a.username)
    page.goto(f"{live_server.url}/customers/{world.customer_a.pk}/")
    page.get_by_role("link", name="Update log").click()

    table = page.get_by_role("table")
    expect(table).to_contain_text(
        "P. Tester changed the phone number, the street address and the city to \u201cDecatur\u201d."
    )
    expect(table).to_contain_text(
        "S. Tester changed the service 211 Job Search Activities and Assistance (Staff"
        " Assisted): the weekly hours from 2 to 3."
    )
    expect(table).to_contain_text("P. Tester recorded the service 211")
    expect(table).not_to_contain_text("555")
    expect(table).not_to_contain_text("Hidden Lane")
    check_page(page, "62-customer-update-log")

    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page, "62-customer-update-log-390")
