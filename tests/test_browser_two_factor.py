"""A supervisor sets up two-step sign-in in a real browser, then signs in with a code."""

import datetime
import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.browser import check_page
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def code_for(key: bytes, *, later: int = 0) -> str:
    totp = TOTP(key)
    totp.time = datetime.datetime.now(datetime.UTC).timestamp() + later
    return f"{totp.token():06d}"


def check_both_widths(page: Page, name: str) -> None:
    check_page(page, name)
    page.set_viewport_size(PHONE)
    check_page(page, f"{name}-390")
    page.set_viewport_size(WIDE)


def sign_in_with_password(page: Page, base: str, username: str) -> None:
    page.goto(base + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_supervisor_sets_up_two_step_sign_in_and_signs_in_with_a_code(
    page: Page, live_server, world: World, settings
):
    settings.CASEMGMT_TWO_FACTOR = "required"
    base = live_server.url
    page.set_viewport_size(WIDE)

    # The password alone leads to setting up the app.
    sign_in_with_password(page, base, world.supervisor_a.username)
    expect(page).to_have_url(re.compile(r"/accounts/two-step/set-up/\?next=%2F$"))
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code of your key")).to_be_visible()
    check_both_widths(page, "50-two-step-set-up")
    key = b32decode(page.locator("#setup-key").inner_text().replace(" ", ""))

    # A wrong code is refused; the right one shows the recovery codes once.
    page.get_by_label("Code from the app").fill("12345")
    page.get_by_role("button", name="Confirm the code").click()
    expect(
        page.get_by_text("Enter the 6 digits the app shows, such as 123456.", exact=True)
    ).to_be_visible()
    page.get_by_label("Code from the app").fill(code_for(key))
    page.get_by_role("button", name="Confirm the code").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    check_both_widths(page, "51-two-step-recovery-codes")
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page).to_have_url(base + "/")

    # The page to manage it.
    page.goto(base + "/accounts/two-step/")
    expect(page.get_by_text("10 of 10")).to_be_visible()
    check_both_widths(page, "52-two-step-manage")

    # The next sign-in asks for a code; a wrong one is refused with a message.
    page.get_by_role("button", name="Supervisor Tester").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in_with_password(page, base, world.supervisor_a.username)
    expect(page).to_have_url(re.compile(r"/accounts/two-step/verify/\?next=%2F$"))
    check_both_widths(page, "53-two-step-verify")
    page.get_by_role("textbox", name=re.compile(r"^Code\b")).fill(
        "000000" if code_for(key) != "000000" else "111111"
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    check_both_widths(page, "54-two-step-verify-refused")
    time.sleep(1.1)  # the wait after one wrong code
    page.get_by_role("textbox", name=re.compile(r"^Code\b")).fill(code_for(key, later=30))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(base + "/")
