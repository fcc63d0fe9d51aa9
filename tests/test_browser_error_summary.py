"""A refused form takes the planner to its error summary, whose links reach each field by
keyboard; a limited field counts its characters as they are typed."""

import re

import pytest
from playwright.sync_api import Page, expect

from casenotes.models import CaseNote
from tests.browser import check_page, sign_in
from tests.conftest import World
from tests.factories import make_plan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]


def test_a_refused_note_focuses_its_summary_and_each_link_moves_to_its_field(
    page: Page, live_server, world: World
):
    base = live_server.url
    sign_in(page, base, world.planner_a.username)
    page.goto(f"{base}/customers/{world.customer_a.pk}/notes/new/")
    # Nothing is chosen for the planner: saving as it stands is refused.
    expect(page.get_by_label("Contact method")).to_have_value("")
    expect(page.get_by_label("Two-way communication with the customer")).not_to_be_checked()
    page.get_by_role("button", name="Save note").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Nothing was saved: fix 4 problems")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert not CaseNote.objects.exists()
    check_page(page, "error-summary-note-1280")

    links = summary.get_by_role("link")
    expect(links).to_have_count(4)
    # By keyboard: the first link is one Tab away, and Enter takes the focus to its field.
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_contact_method")).to_be_focused()
    for index in range(4):
        link = links.nth(index)
        target = link.get_attribute("href")
        link.click()
        expect(page.locator(target)).to_be_focused()
    # The group of radios is reached at its first, with its legend in view.
    expect(links.nth(1)).to_have_attribute("href", "#id_two_way_0")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/customers/{world.customer_a.pk}/notes/new/")
    page.get_by_label("Contact method").select_option("phone")
    page.get_by_role("button", name="Save note").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(3)
    check_page(page, "error-summary-note-390")

    page.get_by_label("Attempt only (voicemail, letter, unanswered email)").check()
    page.get_by_label("Subject").fill("Check-in")
    page.locator("#id_body").fill(
        "Career planner called the customer and left a voicemail about the class."
    )
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("[data-error-summary]")).to_have_count(0)
    note = CaseNote.objects.get()
    assert (note.contact_method, note.two_way, note.subject) == ("phone", False, "Check-in")


def test_the_goal_counts_its_144_characters_as_they_are_typed(
    page: Page, live_server, world: World
):
    make_plan(world.customer_a, world.planner_a)
    base = live_server.url
    sign_in(page, base, world.planner_a.username)
    page.goto(f"{base}/customers/{world.customer_a.pk}/plan/goals/new/")
    statement = page.get_by_label("Statement")
    count = page.locator("#id_statement-count")
    # The count is the field's description; it shows once the field is in use.
    expect(statement).to_have_attribute("aria-describedby", re.compile(r"\bid_statement-count\b"))
    expect(count).to_be_hidden()
    statement.focus()
    expect(count).to_be_visible()
    expect(count).to_have_text("0 of 144 characters")
    # A text area counts too.
    expect(page.locator("#id_justification-count")).to_have_text("0 of 10,000 characters")
    expect(page.locator("#id_justification-count")).to_be_hidden()

    statement.press_sequentially("Forklift certificate")
    expect(count).to_have_text("20 of 144 characters")
    spoken = page.locator("#id_statement-count-spoken")
    expect(spoken).to_have_attribute("aria-live", "polite")
    expect(spoken).to_have_text("20 of 144 characters")  # said once the typing pauses
    check_page(page, "character-count-goal-1280")

    statement.fill("x" * 150)
    expect(count).to_have_text("150 of 144 characters: 6 too many")
    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page, "character-count-goal-390")
    page.get_by_role("button", name="Save").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Statement holds at most 144 characters; this has 150.")
    # What was typed is kept, and still counted.
    expect(page.locator("#id_statement-count")).to_have_text("150 of 144 characters: 6 too many")
