"""The administrator keeps the workshop catalog and the region's policy: the admin pages
are read with axe like every other page (Section 508)."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from casemgmt import roles
from casemgmt.models import Policy, Region, User
from supportive.models import SupportiveCap
from tests.browser import check_page, sign_in
from tests.conftest import World
from tests.supportive_factory import make_vendor
from tests.workshop_factory import make_workshop
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


def check_both_widths(page: Page, name: str) -> None:
    """axe and a screenshot at a desktop's width and at a phone's."""
    check_page(page, name)
    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 720})


def search_by_keyboard(page: Page, text: str) -> None:
    search = page.locator("#searchbar")
    search.focus()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def filter_by(page: Page, title: str, choice: str) -> None:
    """Follow a filter's link with the keyboard, as someone without a mouse does."""
    sidebar = page.locator("#changelist-filter")
    link = sidebar.locator("details", has_text=f"By {title}").get_by_role(
        "link", name=choice, exact=True
    )
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def rows(page: Page) -> str:
    return page.locator("#result_list tbody").inner_text()


def test_the_administrators_lists_narrow_by_search_and_filter(
    page: Page, live_server, world: World
):
    make_workshop("Resume Writing")
    make_workshop("Youth Job Club", programs=["youth"])
    make_workshop("Youth Interviewing", programs=["adult"])
    make_vendor("Metro Transit", ("transportation",))
    make_vendor("Northside Uniforms", ("uniforms", "tools"))
    north = Region.objects.create(name="North Region")
    for region in (world.office_a.region, north):
        SupportiveCap.objects.create(region=region, amount=Decimal("1500"))
        Policy.objects.create(region=region)
    base = live_server.url
    sign_in(page, base, world.admin.username)

    page.goto(f"{base}/admin/services/activity/")
    search_by_keyboard(page, "assessment")
    filter_by(page, "program", "Youth")
    expect(page.locator("#result_list")).to_contain_text(
        "Youth Comprehensive and Specialized Assessments"
    )
    assert "Development of an IEP" not in rows(page)
    expect(page.locator("#result_list")).to_contain_text("Youth program element")
    check_both_widths(page, "84-admin-activity-list")

    page.goto(f"{base}/admin/workshops/workshop/")
    search_by_keyboard(page, "youth")
    filter_by(page, "open to program", "Youth")
    expect(page.locator("#result_list")).to_contain_text("Youth Job Club")
    assert "Resume Writing" not in rows(page)  # not found by the search
    assert "Youth Interviewing" not in rows(page)  # open to adults only
    check_both_widths(page, "85-admin-workshop-list")

    page.goto(f"{base}/admin/supportive/vendor/")
    search_by_keyboard(page, "north")
    filter_by(page, "supplies", "Tools/equipment")
    expect(page.locator("#result_list")).to_contain_text("Uniforms, Tools/equipment")
    assert "Metro Transit" not in rows(page)
    check_both_widths(page, "86-admin-vendor-list")

    page.goto(f"{base}/admin/supportive/supportivecap/")
    search_by_keyboard(page, "test")
    filter_by(page, "region", "Test Region")
    expect(page.locator("#result_list")).to_contain_text("$1,500.00")
    expect(page.locator("#result_list")).to_contain_text("All types together (the total)")
    assert "North Region" not in rows(page)
    check_both_widths(page, "87-admin-cap-list")

    page.goto(f"{base}/admin/casemgmt/policy/")
    search_by_keyboard(page, "test")
    filter_by(page, "region", "Test Region")
    expect(page.locator("#result_list")).to_contain_text("25 / 31")
    assert "North Region" not in rows(page)
    check_both_widths(page, "88-admin-policy-list")

    page.goto(f"{base}/admin/casemgmt/user/")
    search_by_keyboard(page, "tester")
    filter_by(page, "role", roles.SUPERVISOR)
    expect(page.locator("#result_list")).to_contain_text("Supervisor Tester")
    assert "planner_a" not in rows(page)
    filter_by(page, "office (works in or supervises)", "Office A")
    expect(page.locator("#result_list")).to_contain_text("Office A")
    check_both_widths(page, "89-admin-staff-list")


def test_the_policy_form_shows_defaults_and_refuses_a_contradiction(
    page: Page, live_server, world: World
):
    base = live_server.url
    sign_in(page, base, world.admin.username)
    page.goto(f"{base}/admin/casemgmt/policy/add/")
    expect(page.get_by_text("Default: day 31 (contact every 30 days")).to_be_visible()
    page.get_by_label("Region").select_option(label=str(world.office_a.region))
    page.get_by_label("30-day contact: due soon from day").fill("40")
    page.get_by_label("Soft exit on day").fill("-5")
    page.get_by_role("button", name="Save", exact=True).click()

    # Every problem at once, listed at the top with a link to its setting, and beside it.
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("link", name="30-day contact: due soon from day")).to_be_visible()
    expect(summary.get_by_role("link", name="Soft exit on day")).to_be_visible()
    errors = page.locator(".errorlist")
    expect(
        errors.get_by_text("30-day contact: the due-soon day (day 40) must come before")
    ).to_be_visible()
    expect(errors.get_by_text("“Soft exit on day” cannot be negative")).to_be_visible()
    expect(page.get_by_label("30-day contact: due soon from day")).to_have_value("40")
    check_both_widths(page, "90-admin-policy-refused")
    assert not Policy.objects.exists()

    page.get_by_label("30-day contact: due soon from day").fill("25")
    page.get_by_label("Soft exit on day").fill("90")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    policy = Policy.objects.get(region=world.office_a.region)
    assert (policy.contact_due_soon_day, policy.exit_day) == (25, 90)


def test_the_staff_form_gives_roles_and_offices_in_words(page: Page, live_server, world: World):
    base = live_server.url
    sign_in(page, base, world.admin.username)
    page.goto(f"{base}/admin/casemgmt/user/add/")
    for role, description in roles.ROLE_DESCRIPTIONS.items():
        expect(page.get_by_text(f"{role}: {description}")).to_be_visible()
    expect(page.get_by_text("Permissions", exact=True)).to_have_count(0)
    check_both_widths(page, "91-admin-staff-add")

    page.get_by_label("Username").fill("noor_planner")
    page.get_by_role("radio", name="Enabled").check()
    page.locator("#id_password1").fill("a-long-new-password-7")
    page.locator("#id_password2").fill("a-long-new-password-7")
    page.get_by_label("First name").fill("Noor")
    page.get_by_label("Last name").fill("Haddad")
    page.get_by_role("checkbox", name=re.compile(f"^{roles.SUPERVISOR}:")).check()
    page.locator("#id_offices").get_by_label("Office A (Test Region)").check()
    page.get_by_role("button", name="Save", exact=True).click()

    # The roles and offices must agree: a supervisor supervises an office.
    expect(
        page.locator(".errorlist").get_by_text("A supervisor supervises at least one office")
    ).to_be_visible()
    check_both_widths(page, "92-admin-staff-refused")
    assert not User.objects.filter(username="noor_planner").exists()
    page.locator("#id_password1").fill("a-long-new-password-7")
    page.locator("#id_password2").fill("a-long-new-password-7")
    page.locator("#id_supervised_offices").get_by_label("Office A (Test Region)").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    check_both_widths(page, "93-admin-staff-change")

    user = User.objects.get(username="noor_planner")
    assert set(user.groups.values_list("name", flat=True)) == {roles.SUPERVISOR}
    assert list(user.offices.all()) == [world.office_a]
    assert list(user.supervised_offices.all()) == [world.office_a]
    assert not user.is_staff and not user.user_permissions.exists()
    assert Group.objects.get(name=roles.SUPERVISOR).user_set.filter(pk=user.pk).exists()
