"""A planner saves a form after someone else saved the same record: the page says what
they changed, keeps what the planner typed, and a second save keeps both."""

import re

import pghistory
import pytest
from playwright.sync_api import Page, expect

from casemgmt import clock
from customers.models import Customer
from customers.services import customer_update
from plans.models import AssessmentType, Goal, GoalStatus, Indicator, Plan
from plans.services import assessment_create, goal_update, plan_create
from services.models import ServiceRecord
from tests.browser import check_page, sign_in
from tests.conftest import World
from tests.factories import certify, make_plan
from tests.readback import assert_saved

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 720}


def check_both_widths(page: Page, name: str) -> None:
    check_page(page, name)
    page.set_viewport_size(PHONE)
    check_page(page, f"{name}-390")
    page.set_viewport_size(DESKTOP)


def as_user(user):
    # What HistoryMiddleware records for a request of theirs: the update log names them.
    return pghistory.context(user=user.pk, url="/")


def saved_with_status(page: Page, button: str, status: int) -> None:
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name=button, exact=True).click()
    assert response.value.status == status


def test_planner_saves_a_profile_a_supervisor_changed_meanwhile(
    page: Page, live_server, world: World
):
    customer = world.customer_a
    base = live_server.url
    sign_in(page, base, world.planner_a.username)
    page.goto(f"{base}/customers/{customer.pk}/")
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("City").fill("Springfield")

    with as_user(world.supervisor_a):
        customer_update(
            customer=Customer.objects.get(pk=customer.pk),
            updated_by=world.supervisor_a,
            fields={"phone": "2175550199"},
        )
    saved_with_status(page, "Save changes", 409)

    conflict = page.locator("#edit-conflict")
    expect(conflict.get_by_role("heading", name="Someone else saved this first")).to_be_visible()
    expect(conflict).to_contain_text("Supervisor Tester")
    phone_row = conflict.get_by_role("row").filter(has_text="Phone")
    old = re.sub(r"\D", "", customer.phone)
    expect(phone_row).to_contain_text(f"({old[:3]}) {old[3:6]}-{old[6:]}")
    expect(phone_row).to_contain_text("(217) 555-0199")
    expect(page.get_by_label("City")).to_have_value("Springfield")
    expect(page.get_by_label("Phone", exact=True)).to_have_value("2175550199")
    check_both_widths(page, "50-customer-edit-conflict")

    saved_with_status(page, "Save changes", 302)
    expect(page.get_by_role("status")).to_contain_text("Saved the changes")
    assert_saved(Customer, customer.pk, city="Springfield", phone="2175550199")


def test_planner_develops_a_plan_a_supervisor_developed_meanwhile(
    page: Page, live_server, world: World
):
    customer = certify(world.customer_a)
    assessment_create(
        customer=customer,
        assessment_type=AssessmentType.objects.get(name="TABE 11/12"),
        assessed_on=customer.certification_date,
        scores="Reading 9.2, Math 7.1",
        summary="Math below the level the training asks for.",
        entered_by=world.planner_a,
    )
    base = live_server.url
    sign_in(page, base, world.planner_a.username)
    page.goto(f"{base}/customers/{customer.pk}/plan/")
    page.get_by_role("link", name="Develop the plan with the customer").click()
    page.get_by_label("Employment goal").fill("Forklift operator at a distribution center")
    page.get_by_label("Desired career path").fill("Warehouse lead within two years")
    page.get_by_label("Case note for the plan").fill(
        "Career planner and customer developed the plan in person at the center."
    )

    with as_user(world.supervisor_a):
        plan_create(
            customer=customer,
            created_by=world.supervisor_a,
            developed_on=clock.today(customer.office.time_zone),
            fields={"employment_goal": "Certified nursing assistant at a county hospital"},
            barriers=[],
            note_body="Supervisor and customer developed the plan by phone.",
        )
    saved_with_status(page, "Save", 409)

    notice = page.locator("#plan-exists")
    expect(
        notice.get_by_role("heading", name="This customer's plan was developed already")
    ).to_be_visible()
    expect(notice).to_contain_text("Supervisor Tester developed the")
    expect(notice).to_contain_text("Certified nursing assistant at a county hospital")
    expect(page.get_by_label("Employment goal")).to_have_value(
        "Forklift operator at a distribution center"
    )
    expect(page.get_by_label("Case note for the plan")).to_have_value(
        "Career planner and customer developed the plan in person at the center."
    )
    check_both_widths(page, "50-plan-develop-conflict")

    page.get_by_role("link", name="Change the existing plan", exact=True).click()
    expect(page).to_have_url(f"{base}/customers/{customer.pk}/plan/edit/")
    expect(page.get_by_label("Employment goal")).to_have_value(
        "Certified nursing assistant at a county hospital"
    )
    assert Plan.objects.filter(customer=customer).count() == 1
    assert ServiceRecord.objects.filter(customer=customer, activity__code="205").count() == 1


def test_planner_saves_a_goal_a_supervisor_changed_meanwhile(page: Page, live_server, world: World):
    customer = world.customer_a
    plan = make_plan(customer, world.planner_a)
    goal = plan.goals.get()
    base = live_server.url
    sign_in(page, base, world.planner_a.username)
    page.goto(f"{base}/customers/{customer.pk}/plan/")
    page.get_by_role("link", name="Change the goal").click()
    page.get_by_label("Status").select_option(label="On track")

    with as_user(world.supervisor_a):
        goal_update(
            goal=goal,
            user=world.supervisor_a,
            fields={
                "indicator": Indicator.CREDENTIAL,
                "justification": "TABE math 7.1; the forklift course asks for 8.0.",
            },
        )
    saved_with_status(page, "Save", 409)

    conflict = page.locator("#edit-conflict")
    expect(conflict.get_by_role("heading", name="Someone else saved this first")).to_be_visible()
    expect(conflict.get_by_role("row").filter(has_text="Performance indicator")).to_contain_text(
        "Credential attainment"
    )
    expect(conflict.get_by_role("row").filter(has_text="Justification")).to_contain_text(
        "the forklift course asks for 8.0"
    )
    expect(page.get_by_label("Status")).to_have_value(GoalStatus.ON_TRACK)
    expect(page.get_by_label("Performance indicator")).to_have_value(Indicator.CREDENTIAL)
    check_both_widths(page, "50-goal-edit-conflict")

    saved_with_status(page, "Save", 302)
    expect(page.get_by_role("status")).to_contain_text("Goal saved")
    assert_saved(
        Goal,
        goal.pk,
        status=GoalStatus.ON_TRACK,
        indicator=Indicator.CREDENTIAL,
        justification="TABE math 7.1; the forklift course asks for 8.0.",
        statement="Earn a forklift certificate",
    )
