"""The employment pages in Chromium, at 1280 and 390 pixels, each as the person who uses it:
the career planner records a job, a placement (and reads its follow-ups) and a credential on
the Employment tab of customer A, records the exit and a quarterly follow-up, and reads the
reporting gaps; the supervisor reads the outcomes, follows a number down to the customers,
and checks the federal participant record (PIRL); the tracker sees a follow-up due soon."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from casemgmt.clock import today_for_office
from compliance.engine import evaluate
from customers.models import Customer, Status
from employment.models import Credential, Employment, FollowUp, Period, Placement
from employment.services import placement_create
from services.models import Activity
from services.services import NoteDraft, service_record_create
from tests.browser import check_page, sign_in
from tests.conftest import World
from tests.factories import certify

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]

NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 720}
DAY = datetime.timedelta(days=1)
SERVED = datetime.date(2026, 10, 5)


def assert_fits(page: Page) -> None:
    """Nothing runs off the side: neither the page nor a table within its scroller."""
    overflow = page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('.table-responsive')]
            .filter(el => el.scrollWidth > el.clientWidth + 1)
            .map(el => el.className || el.tagName)"""
    )
    if overflow:
        culprits = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                    && !el.closest('.table-responsive'))
                .slice(0, 8)
                .map(el => el.tagName + '.' + el.className + ' ' + (el.id || ''))"""
        )
        raise AssertionError(f"wider than the screen: {overflow}; sticking out: {culprits}")


def both_widths(page: Page, name: str) -> None:
    """Screenshot and axe at 1280 px, then at 390 px where nothing may be wider than the
    screen; back to 1280 for what follows."""
    page.set_viewport_size(WIDE)
    check_page(page, f"emp-{name}")
    page.set_viewport_size(NARROW)
    check_page(page, f"emp-{name}-390")
    assert_fits(page)
    page.set_viewport_size(WIDE)


def participant(world: World) -> Customer:
    """Customer A certified 10/01/2026 with a job search service (211) closed on 10/05."""
    customer = certify(world.customer_a)
    service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="211"),
        started_on=SERVED,
        ended_on=SERVED,
        entered_by=world.planner_a,
        note=NoteDraft("Job search", "Career planner reviewed job leads.", "in_person", True),
    )
    customer = Customer.objects.get(pk=customer.pk)
    assert customer.status == Status.PARTICIPANT
    return customer


# --- The career planner -------------------------------------------------------------------


def test_planner_records_a_job_placement_and_credential_then_the_exit_and_a_follow_up(
    page: Page, live_server, world: World
):
    customer = participant(world)
    today = today_for_office(world.office_a)
    base = live_server.url
    sign_in(page, base, world.planner_a.username)

    page.goto(f"{base}/customers/{customer.pk}/employment/")
    expect(page.get_by_role("heading", name="Employment", exact=False).first).to_be_visible()
    both_widths(page, "10-tab-empty")

    # A job.
    page.goto(f"{base}/customers/{customer.pk}/employment/jobs/new/")
    both_widths(page, "11-job-form")
    page.locator("#id_employer").fill("Prairie Logistics")
    page.locator("#id_job_title").fill("Forklift operator")
    page.locator("#id_onet_code").fill("53-7051.00")
    page.locator("#id_started_on").fill("2026-11-16")
    page.locator("#id_hourly_wage").fill("$18.50")
    page.locator("#id_hours_per_week").fill("40")
    page.locator("#id_verification").select_option("pay_stub")
    page.locator("form").get_by_role("button", name=re.compile("Save|Record")).first.click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/employment/(\?.*)?(#.*)?$"))
    job = Employment.objects.get(customer=customer)
    assert job.hourly_wage == Decimal("18.50")
    main = page.locator("main")
    expect(main).to_contain_text("Prairie Logistics")
    expect(main).to_contain_text("11/16/2026")
    expect(main).to_contain_text("$18.50")
    both_widths(page, "12-tab-with-job")

    # A placement, and its follow-ups.
    page.goto(f"{base}/customers/{customer.pk}/employment/placements/new/")
    both_widths(page, "13-placement-form")
    page.locator("#id_kind").select_option("ojt")
    page.locator("#id_worksite").fill("Prairie Fabrication")
    page.locator("#id_supervisor").fill("Dana Lopez")
    page.locator("#id_hourly_wage").fill("16.00")
    page.locator("#id_subsidized_wage").fill("8.00")
    page.locator("#id_hours_per_week").fill("40")
    page.locator("#id_starts_on").fill("2026-11-16")
    page.locator("#id_ends_on").fill("2027-05-14")
    page.locator("form").get_by_role("button", name=re.compile("Save|Record")).first.click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/employment/(\?.*)?(#.*)?$"))
    placement = Placement.objects.get(customer=customer)
    first_due = placement.follow_ups.order_by("due_on").first()
    expect(main).to_contain_text("Prairie Fabrication")
    expect(main).to_contain_text(f"{first_due.due_on:%m/%d/%Y}")
    expect(main).to_contain_text("$16.00")
    both_widths(page, "14-tab-with-placement")

    # A credential.
    page.goto(f"{base}/customers/{customer.pk}/employment/credentials/new/")
    both_widths(page, "15-credential-form")
    page.locator("#id_credential_type").select_option(index=1)
    page.locator("#id_name").fill("Forklift operator certificate")
    page.locator("#id_attained_on").fill("2026-11-10")
    page.locator("form").get_by_role("button", name=re.compile("Save|Record")).first.click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/employment/(\?.*)?(#.*)?$"))
    assert Credential.objects.filter(customer=customer).exists()
    expect(main).to_contain_text("Forklift operator certificate")
    expect(main).to_contain_text("11/10/2026")
    both_widths(page, "16-tab-complete")

    # The exit and follow-up tab, then the exit.
    page.goto(f"{base}/customers/{customer.pk}/path/")
    both_widths(page, "20-periods-before-exit")
    page.goto(f"{base}/customers/{customer.pk}/exit/")
    both_widths(page, "21-exit-form")
    page.locator("#id_employed_at_exit_0").check()
    page.locator("#id_job").select_option(str(job.pk))
    page.locator("#id_note_body").fill(
        "Employment status: employed full time\nEmployer: Prairie Logistics\n"
        "Services complete: job search. Quarterly follow-up by phone."
    )
    page.locator("form").get_by_role("button", name=re.compile("exit", re.I)).first.click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/path/(\?.*)?(#.*)?$"))
    assert Customer.objects.get(pk=customer.pk).status == Status.EXITED
    period = Period.objects.get(customer=customer)
    assert period.exited_on == SERVED
    expect(main).to_contain_text("10/05/2026")
    both_widths(page, "22-periods-after-exit")

    # The first quarterly follow-up, recorded today.
    follow_up = FollowUp.objects.get(period=period, quarter=1)
    page.goto(f"{base}/customers/{customer.pk}/follow-ups/{follow_up.pk}/")
    both_widths(page, "23-follow-up-form")
    page.locator("#id_done_on").fill(today.isoformat())
    page.locator("#id_employed_0").check()
    page.locator("#id_employer").fill("Prairie Logistics")
    page.locator("#id_hourly_wage").fill("19.25")
    page.locator("#id_in_education_1").check()
    page.locator("#id_note_body").fill(
        "Contact made: career planner called the customer\nEmployment status: full time\n"
        "Help needed: none\nNext follow-up: end of June"
    )
    page.locator("form").get_by_role("button", name=re.compile("Save|Record")).first.click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/path/(\?.*)?(#.*)?$"))
    follow_up.refresh_from_db()
    assert follow_up.done_on == today and follow_up.hourly_wage == Decimal("19.25")
    expect(main).to_contain_text(f"{today:%m/%d/%Y}")
    both_widths(page, "24-periods-follow-up-done")

    # The reporting gaps.
    page.goto(f"{base}/employment/completeness/")
    both_widths(page, "30-completeness")


# --- The supervisor -----------------------------------------------------------------------


def test_supervisor_reads_the_outcomes_drills_down_and_checks_the_pirl(
    page: Page, live_server, world: World
):
    from employment.services import employment_create, exit_record

    customer = participant(world)
    job = employment_create(
        customer=customer,
        user=world.planner_a,
        fields={
            "employer": "Prairie Fabrication",
            "job_title": "Welder helper",
            "started_on": datetime.date(2026, 9, 16),
            "hourly_wage": Decimal("18.50"),
            "hours_per_week": Decimal("40"),
            "verification": "pay_stub",
        },
    )
    exit_record(
        customer=customer,
        user=world.planner_a,
        employed_at_exit=True,
        other_reason="",
        job=job,
        note_body="Services complete; employed full time.",
    )
    base = live_server.url
    sign_in(page, base, world.supervisor_a.username)

    page.goto(f"{base}/employment/outcomes/")
    both_widths(page, "40-outcomes")
    page.locator("main table a").first.click()
    expect(page).to_have_url(re.compile(r"/employment/outcomes/customers/"))
    expect(page.locator("main")).to_contain_text(customer.last_name)
    both_widths(page, "41-outcomes-drill-down")

    page.goto(f"{base}/reports/pirl/")
    expect(page.get_by_role("heading", name="Federal participant record (PIRL)")).to_be_visible()
    both_widths(page, "42-pirl")
    quarter = f"{SERVED.year}Q{(SERVED.month - 1) // 3 + 1}"
    page.get_by_label("Quarter").select_option(quarter)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("status")).to_contain_text("1 row;")
    expect(
        page.get_by_role("link", name=f"Download {quarter[:4]} {quarter[4:]} as CSV")
    ).to_be_visible()
    both_widths(page, "43-pirl-with-a-row")


# --- The tracker ----------------------------------------------------------------------------


def test_tracker_sees_a_placement_follow_up_due_this_week(page: Page, live_server, world: World):
    customer = participant(world)
    today = today_for_office(world.office_a)
    placement = placement_create(
        customer=customer,
        user=world.planner_a,
        fields={
            "kind": "worksite",
            "worksite": "Sangamon Food Bank",
            "supervisor": "Lee Park",
            "hourly_wage": Decimal("15.00"),
            "subsidized_wage": Decimal("15.00"),
            "hours_per_week": Decimal("20"),
            "starts_on": today - 27 * DAY,  # the 30-day follow-up is due in 3 days
        },
    )
    due = placement.follow_ups.order_by("due_on").first()
    assert due.due_on == today + 3 * DAY
    evaluate(customer_ids=[customer.pk])
    base = live_server.url
    sign_in(page, base, world.tracker_a.username)

    page.goto(f"{base}/dashboard/tracker/")
    expect(page.get_by_role("heading", name=re.compile("Follow-ups due"))).to_be_visible()
    expect(page.locator("main")).to_contain_text(customer.last_name)
    expect(page.locator("main")).to_contain_text(f"{due.due_on:%m/%d/%Y}")
    both_widths(page, "50-tracker-follow-up-due")
