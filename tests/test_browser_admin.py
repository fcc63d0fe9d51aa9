"""The administrator keeps the workshop catalog and the region's policy: the admin pages
are read with axe like every other page (Section 508)."""

import pytest
from playwright.sync_api import Page, expect

from casemgmt.models import Policy
from tests.browser import check_page, sign_in
from tests.conftest import World
from workshops.models import Workshop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]


def test_an_administrator_adds_a_workshop_and_sets_attendance_as_contact(
    page: Page, live_server, world: World
):
    base = live_server.url
    sign_in(page, base, world.admin.username)

    page.goto(f"{base}/admin/")
    check_page(page, "80-admin-index")
    page.goto(f"{base}/admin/workshops/workshop/add/")
    check_page(page, "81-admin-workshop-add")
    page.get_by_label("Title").fill("Interviewing Skills")
    page.get_by_label("Content and purpose").fill(
        "Mock interviews and the questions employers ask most."
    )
    page.get_by_label("Activity").select_option(
        label="201 Group Workforce Research/Workshops/Job Clubs"
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    check_page(page, "82-admin-workshop-list")
    workshop = Workshop.objects.get(title="Interviewing Skills")
    assert workshop.activity.code == "201" and workshop.active

    page.goto(f"{base}/admin/casemgmt/policy/add/")
    check_page(page, "83-admin-policy-add")
    page.get_by_label("Region").select_option(label=str(world.office_a.region))
    page.get_by_label("Workshop attendance counts as two-way contact").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    assert Policy.objects.get(region=world.office_a.region).attendance_counts_as_contact
