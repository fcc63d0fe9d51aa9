"""A career planner's day in a real browser: sign in, register, find, open.

Drives Debian Chromium through Playwright against the live server, runs axe on every
page it visits, and leaves full-page screenshots in .local/screenshots/ for people.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from casemgmt import clock
from tests.browser import assert_accessible, check_page, sign_in
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]


def test_planner_registers_finds_and_opens_a_customer(page: Page, live_server, world: World):
    base = live_server.url

    # 1. Sign in.
    page.goto(base + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Sign in to casemgmt")).to_be_visible()
    check_page(page, "01-login")
    page.get_by_label("Username").fill(world.planner_a.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base + "/")
    expect(page).to_have_title(re.compile(r"^My work"))
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    check_page(page, "02-home")

    # 2. Register a customer.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Register customer"
    ).click()
    expect(page).to_have_url(base + "/customers/new/")
    expect(page.get_by_role("heading", name="Register a customer")).to_be_visible()
    check_page(page, "03-register-form")

    page.get_by_label("First name").fill("Marisol")
    page.get_by_label("Last name").fill("Quintanilla")
    page.get_by_label("Date of birth").fill("1987-03-14")
    page.get_by_role("group", name="WIOA programs").get_by_label("WIOA Adult").check()
    page.get_by_label("Application date").fill(clock.today().isoformat())
    # Required fields' labels end in crispy's asterisk: "Office*".
    office = page.get_by_role("combobox", name=re.compile(r"^Office\b"))
    office.select_option(value=str(world.office_a.pk))
    planner = page.get_by_role("combobox", name=re.compile(r"^Career planner"))
    expect(planner).to_have_value(str(world.planner_a.pk))
    page.get_by_role("button", name="Register", exact=True).click()

    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    customer_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Marisol Quintanilla")
    expect(page.get_by_role("status")).to_contain_text("Registered Marisol Quintanilla as ")
    check_page(page, "04-customer")

    # 3. Find the customer with the search box in the top bar.
    search = page.get_by_label("Find a customer")
    expect(search).to_have_id("global-search")
    search.fill("Quintanilla")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/customers/$"))
    assert "Quintanilla" not in page.url  # the search text never travels in the URL
    results = page.locator("#caseload-results table")
    link = results.get_by_role("link", name="Quintanilla, Marisol")
    expect(link).to_be_visible()
    check_page(page, "05-search-results")

    link.click()
    expect(page).to_have_url(customer_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Marisol Quintanilla")
    assert_accessible(page, "customer (from search)")


def test_other_offices_customer_is_not_found(page: Page, live_server, world: World):
    base = live_server.url
    sign_in(page, base, world.planner_b.username)

    response = page.goto(f"{base}/customers/{world.customer_a.pk}/")
    assert response is not None
    assert response.status == 404
    check_page(page, "06-not-found")
    body = page.content()
    customer = world.customer_a
    for revealing in (customer.first_name, customer.sort_name, customer.customer_number):
        assert revealing not in body
