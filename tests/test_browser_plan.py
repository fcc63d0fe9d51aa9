"""A planner builds a plan with a goal and a step, prints it and uploads the signed copy."""

import re

import pytest
from playwright.sync_api import Page, expect

from plans.models import AssessmentType
from plans.services import assessment_create
from services.models import Activity
from tests.browser import check_page, sign_in
from tests.conftest import World
from tests.factories import certify

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]

SIGNED = b"%PDF-1.4\n% signed customer copy\n"


def test_planner_builds_prints_and_uploads_a_signed_plan(
    page: Page, live_server, world: World, tmp_path
):
    customer = certify(world.customer_a)
    assessment_create(
        customer=customer,
        assessment_type=AssessmentType.objects.get(name="CASAS GOALS"),
        assessed_on=customer.certification_date,
        scores="Reading 238",
        summary="Reads at the level the training needs.",
        entered_by=world.planner_a,
    )
    base = live_server.url
    sign_in(page, base, world.planner_a.username)
    page.goto(f"{base}/customers/{customer.pk}/plan/")
    check_page(page, "20-plan-empty")

    page.get_by_role("link", name="Develop the plan with the customer").click()
    page.get_by_label("Employment goal").fill("Forklift operator at a distribution center")
    page.get_by_label("Desired career path").fill("Warehouse lead within two years")
    page.get_by_label("Case note for the plan").fill(
        "Career planner and customer developed the plan in person at the center."
    )
    check_page(page, "21-plan-develop")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Plan developed")

    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Statement").fill("Earn a forklift certificate by January")
    page.get_by_label("Category").select_option(label="Education/Training Plan")
    page.get_by_label("Term").select_option(label="Short term")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Goal added")

    page.get_by_role("link", name=re.compile("^Add a step")).click()
    page.get_by_label("Planned service").select_option(
        value=str(Activity.objects.get(code="300").pk)
    )
    page.get_by_label("Start date").fill("2026-12-01")
    page.get_by_label("Due date").fill("2027-01-15")
    page.get_by_label("Provider").fill("Lincoln Land Community College")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Step added")
    expect(
        page.get_by_role("heading", name="Earn a forklift certificate by January")
    ).to_be_visible()
    expect(page.get_by_text("12/01/2026 to 01/15/2027")).to_be_visible()
    check_page(page, "22-plan-detail")

    # Print: the button posts (the print is recorded), and the answer is the PDF.
    with page.expect_response(re.compile(r"/print/$")) as printing:
        page.get_by_role("button", name="Print customer copy").click()
    printed = printing.value
    assert printed.request.method == "POST"
    assert printed.status == 200 and printed.headers["content-type"] == "application/pdf"
    # Chromium shows it in its PDF viewer; the upload below needs the print recorded.
    page.goto(f"{base}/customers/{customer.pk}/plan/")

    # Upload the signed copy.
    scan = tmp_path / "signed.pdf"
    scan.write_bytes(SIGNED)
    page.get_by_role("link", name="Upload signed copy").click()
    check_page(page, "23-plan-sign")
    page.get_by_label("Signed copy").set_input_files(str(scan))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Signed copy attached to version 1")
    expect(page.get_by_text(re.compile(r"^Signed \d\d/\d\d/\d{4}$"))).to_be_visible()
    check_page(page, "24-plan-signed")
    download = page.request.get(
        base
        + page.get_by_role("link", name=re.compile("Download signed copy")).get_attribute("href")
    )
    assert download.body() == SIGNED
