"""A tracker opens a customer's contact card and logs an attempt; the case file stays shut."""

import re

import pytest
from playwright.sync_api import Page, expect

from casenotes.models import CaseNote
from tests.browser import check_page, sign_in
from tests.conftest import World

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
