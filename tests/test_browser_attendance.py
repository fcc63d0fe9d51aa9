"""The facilitator marks a room of twenty by keyboard alone, the common case is one key,
a refused row shows why and keeps every mark, and the no-shows reach the tracker's and
the planner's lists of missed workshops, where a logged contact takes them off."""

import re

import pytest
from playwright.sync_api import Page, expect

from casemgmt.clock import today_for_office
from casenotes.models import CaseNote
from services.models import ServiceRecord
from tests.browser import check_page, screenshot, sign_in
from tests.conftest import World
from tests.factories import make_customer
from tests.workshop_factory import book, make_session, ready_customer
from workshops.models import Attendance, Booking, Session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]

NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 720}
MOST_TABS = 120  # more than the page has stops before the sheet's last control


def room(world: World, size: int = 20) -> Session:
    """Today's session, capacity 20, with `size` customers with plans booked."""
    session = make_session(world, capacity=20)
    for n in range(size):
        book(session, ready_customer(world, n), world)
    return session


def sheet_url(base: str, session: Session) -> str:
    return f"{base}/sessions/{session.pk}/attendance/"


def focused(page: Page) -> str:
    """The id of the element with the keyboard focus, or its text when it has no id."""
    return page.evaluate(
        "() => document.activeElement.id || document.activeElement.textContent.trim()"
    )


def tab_to(page: Page, target: str, *, key: str = "Tab") -> int:
    """Press Tab (or Shift+Tab) until the element of that id (or text) has the focus."""
    for presses in range(1, MOST_TABS + 1):
        page.keyboard.press(key)
        if focused(page) == target:
            return presses
    raise AssertionError(f"{key} never reached {target!r}; the focus is on {focused(page)!r}")


def roster_order(page: Page) -> list[int]:
    """The customer ids of the sheet's rows, top to bottom."""
    ids = page.locator("#attendance-sheet tbody tr[id^='row-']").evaluate_all(
        "rows => rows.map(r => r.id)"
    )
    return [int(i.removeprefix("row-")) for i in ids]


def assert_fits(page: Page) -> None:
    """Nothing runs off the side: neither the page nor a table within its scroller."""
    overflow = page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('.table-responsive')]
            .filter(el => el.scrollWidth > el.clientWidth + 1)
            .map(el => el.className || el.tagName)"""
    )
    assert not overflow, f"wider than the screen: {overflow}"


def mark_by_keyboard(page: Page, customer_pk: int, mark: str) -> None:
    """With the focus on the row's first choice: Space takes it, an arrow moves and takes."""
    assert focused(page) == f"mark-{customer_pk}-attended"
    if mark == Attendance.ATTENDED:
        page.keyboard.press("Space")
    elif mark == Attendance.NO_SHOW:
        page.keyboard.press("ArrowRight")
    else:
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowDown")
    expect(page.locator(f"#mark-{customer_pk}-{mark}")).to_be_checked()


def test_facilitator_marks_twenty_by_keyboard_and_the_no_shows_reach_the_tracker(
    page: Page, live_server, world: World
):
    session = room(world)
    day = today_for_office(world.office_a)
    base = live_server.url
    sign_in(page, base, world.facilitator.username)
    page.goto(sheet_url(base, session))
    expect(page.get_by_role("heading", name="Resume Writing")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Roster: 20 customers of 20 seats")
    check_page(page, "95-attendance-sheet")
    page.set_viewport_size(NARROW)
    check_page(page, "95-attendance-sheet-390")
    assert_fits(page)
    page.set_viewport_size(WIDE)

    order = roster_order(page)
    assert len(order) == 20
    no_shows, excused = {order[3], order[11]}, {order[16]}
    marks = {
        pk: Attendance.NO_SHOW
        if pk in no_shows
        else Attendance.EXCUSED
        if pk in excused
        else Attendance.ATTENDED
        for pk in order
    }
    # From the top of the page to the first row's choices, then one Tab per row.
    tab_to(page, f"mark-{order[0]}-attended")
    for n, pk in enumerate(order):
        if n:
            page.keyboard.press("Tab")
        mark_by_keyboard(page, pk, marks[pk])
        if n == 3:
            page.wait_for_timeout(300)  # the buttons' colour transition, for the picture
            screenshot(page, "95-attendance-sheet-marking")  # the focus on a no-show
    # The save comes right after the last row, not back at the top of a long sheet.
    page.keyboard.press("Tab")
    assert focused(page) == "submit-marked-end"
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").first).to_contain_text(
        "Attendance saved: 17 attended, 2 no-shows, 1 excused."
    )
    check_page(page, "97-attendance-submitted")
    page.set_viewport_size(NARROW)
    check_page(page, "97-attendance-submitted-390")
    assert_fits(page)
    page.set_viewport_size(WIDE)
    services = ServiceRecord.objects.filter(activity__code="201", started_on=day)
    attended = {pk for pk, mark in marks.items() if mark == Attendance.ATTENDED}
    assert set(services.values_list("customer", flat=True)) == attended
    assert services.count() == 17
    assert set(services.values_list("entered_by", flat=True)) == {world.facilitator.pk}
    notes = CaseNote.objects.filter(service__in=services)
    assert notes.count() == 17
    assert set(notes.values_list("author", flat=True)) == {world.facilitator.pk}
    assert set(notes.values_list("contact_date", flat=True)) == {day}
    bookings = Booking.objects.filter(session=session)
    assert set(
        bookings.filter(attendance=Attendance.NO_SHOW).values_list("customer", flat=True)
    ) == (no_shows)
    assert set(
        bookings.filter(attendance=Attendance.EXCUSED).values_list("customer", flat=True)
    ) == (excused)
    assert not bookings.filter(attendance=Attendance.NO_SHOW, service__isnull=False).exists()

    # The amendment form opens from the sheet by keyboard; a missing reason is refused.
    [excused_pk] = excused
    excused_name = bookings.get(customer=excused_pk).customer.full_name
    tab_to(page, f"Amend the mark of {excused_name}")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Amend an attendance mark")).to_be_visible()
    # The current mark is said, not preselected: saving unchanged is not a correction.
    expect(page.get_by_text("marked excused")).to_be_visible()
    expect(page.get_by_label("Excused")).not_to_be_checked()
    check_page(page, "98-attendance-amend")
    tab_to(page, "Amend the mark")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    check_page(page, "98-attendance-amend-refused")
    page.set_viewport_size(NARROW)
    check_page(page, "98-attendance-amend-390")
    page.set_viewport_size(WIDE)
    assert bookings.get(customer=excused_pk).attendance == Attendance.EXCUSED

    # The tracker of office A: both no-shows wait for a follow-up, with a quick form.
    page.context.clear_cookies()
    sign_in(page, base, world.tracker_a.username)
    page.goto(f"{base}/dashboard/tracker/")
    missed = page.get_by_role("region", name=re.compile("Missed appointments and workshops"))
    expect(missed.get_by_role("article")).to_have_count(2)
    expect(missed).to_contain_text(f"No-show: Resume Writing on {day:%m/%d/%Y}")
    check_page(page, "99-missed-tracker")
    page.set_viewport_size(NARROW)
    check_page(page, "99-missed-tracker-390")
    page.set_viewport_size(WIDE)
    first, second = sorted(no_shows)
    reached = bookings.get(customer=first).customer
    card = missed.get_by_role("article", name=re.compile(reached.full_name))
    card.get_by_label("Reached the customer?").select_option("yes")
    card.get_by_label("Contact method").select_option("phone")
    card.get_by_label("Note").fill("Called: missed the resume workshop, booked into the next one.")
    page.keyboard.press("Enter")  # the note field submits its own card's form
    expect(page.get_by_role("status")).to_contain_text(
        f"Logged a two-way contact with {reached.full_name} as a case note."
    )
    missed = page.get_by_role("region", name=re.compile("Missed appointments and workshops"))
    expect(missed.get_by_role("article")).to_have_count(1)
    expect(missed.get_by_role("article", name=re.compile(reached.full_name))).to_have_count(0)
    note = CaseNote.objects.get(customer=reached, author=world.tracker_a)
    assert note.two_way is True and note.contact_date == day

    # The planner of both sees the one still missed on their dashboard.
    still_missed = bookings.get(customer=second).customer
    page.context.clear_cookies()
    sign_in(page, base, world.planner_a.username)
    page.goto(f"{base}/dashboard/")
    planner_list = page.get_by_role("region", name="Missed workshops and appointments")
    expect(planner_list.get_by_role("listitem")).to_have_count(1)
    expect(planner_list).to_contain_text(still_missed.full_name)
    expect(planner_list).to_contain_text(f"No-show: Resume Writing on {day:%m/%d/%Y}")
    expect(planner_list).not_to_contain_text(reached.full_name)
    check_page(page, "99-missed-planner")


def test_everyone_attended_is_one_key(page: Page, live_server, world: World):
    session = room(world)
    day = today_for_office(world.office_a)
    base = live_server.url
    sign_in(page, base, world.facilitator.username)
    page.goto(sheet_url(base, session))

    tab_to(page, "submit-all")
    expect(page.get_by_role("button", name="Mark the rest attended and save")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").first).to_contain_text(
        "Attendance saved: 20 attended, 0 no-shows, 0 excused."
    )
    services = ServiceRecord.objects.filter(activity__code="201", started_on=day)
    assert services.count() == 20
    assert CaseNote.objects.filter(service__in=services, author=world.facilitator).count() == 20
    assert Booking.objects.filter(session=session, attendance=Attendance.ATTENDED).count() == 20


def test_a_refused_row_says_why_and_keeps_the_marks(page: Page, live_server, world: World):
    session = room(world, 3)
    no_plan = make_customer(office=world.office_a, planner=world.planner_a, first_name="Noplan")
    book(session, no_plan, world)
    walk_in = ready_customer(world, 9, first_name="Walkerly")
    base = live_server.url
    sign_in(page, base, world.facilitator.username)
    page.goto(sheet_url(base, session))
    order = roster_order(page)
    first = next(pk for pk in order if pk != no_plan.pk)

    # Mark one no-show; Enter in the walk-in search finds, and Enter again adds the first found.
    tab_to(page, f"mark-{first}-attended")
    page.keyboard.press("ArrowRight")
    tab_to(page, "find")
    page.keyboard.type("Walkerly")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=re.compile("^Add Walkerly"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#row-{walk_in.pk}")).to_contain_text("walk-in")
    expect(page.locator(f"#mark-{first}-no_show")).to_be_checked()
    # Save everyone else as attended: the row without a plan fails.
    tab_to(page, "submit-all", key="Shift+Tab")
    page.keyboard.press("Enter")

    row = page.locator(f"#row-{no_plan.pk}")
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was saved")
    expect(page.locator(f"#errors-{no_plan.pk}")).to_contain_text("IEP")
    expect(row.get_by_role("group")).to_have_accessible_description(re.compile("IEP"))
    expect(page.locator(f"#mark-{first}-no_show")).to_be_checked()
    assert not ServiceRecord.objects.filter(activity__code="201").exists()
    check_page(page, "96-attendance-refused")
    page.set_viewport_size(NARROW)
    check_page(page, "96-attendance-refused-390")
    assert_fits(page)
    page.set_viewport_size(WIDE)

    # The alert's link leads to the refused row; it is marked excused, the rest attended.
    tab_to(page, "Noplan Sample")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page) == f"mark-{no_plan.pk}-attended"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#mark-{no_plan.pk}-excused")).to_be_checked()
    tab_to(page, "submit-all", key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text(
        "Attendance saved: 3 attended, 1 no-show, 1 excused."
    )
    assert ServiceRecord.objects.filter(activity__code="201").count() == 3
    assert Booking.objects.get(session=session, customer=walk_in).walk_in
    assert Booking.objects.get(session=session, customer=no_plan).attendance == "excused"
