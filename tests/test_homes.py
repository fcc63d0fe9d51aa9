"""Each role lands on its own work (issue 15), and a person with several roles switches."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casemgmt import roles
from casemgmt.acting import SESSION_KEY
from compliance.models import Rule, State
from customers.models import Customer
from employment.models import ExitKind, Period
from homes.selectors import SHOWN, soft_exits_to_review
from supportive.models import POStatus
from supportive.services import po_request_approval
from tests.conftest import World, client_for
from tests.factories import make_customer, make_user
from tests.supportive_factory import draft, ready_for_po
from tests.test_dashboards import make_alert
from tests.test_veterans import accepted_referral, waiting_referral

HOME = "/"

LANDS_ON = {
    "planner_a": "homes/planner.html",
    "vetrep_a": "homes/veteran_representative.html",
    "supervisor_a": "homes/supervisor.html",
    "tracker_a": "compliance/dashboard_tracker.html",
    "facilitator": "workshops/facilitator_home.html",
    "admin": "homes/administrator.html",
}


@pytest.mark.parametrize("persona", LANDS_ON)
def test_each_role_lands_on_its_own_work(world: World, persona: str):
    response = client_for(getattr(world, persona)).get(HOME)
    assert response.status_code == 200
    assert LANDS_ON[persona] in [t.name for t in response.templates]


def test_someone_without_a_role_is_told_so(world: World):
    nobody = make_user("nobody", None, offices=[world.office_a])
    body = client_for(nobody).get(HOME).content.decode()
    assert "has no role yet" in body


# --- Switching roles ----------------------------------------------------------------------


@pytest.fixture
def two_roles(world: World):
    """A supervisor who also runs workshops."""
    person = make_user(
        "sup_fac", roles.SUPERVISOR, offices=[world.office_a], supervises=[world.office_a]
    )
    person.groups.add(Group.objects.get(name=roles.FACILITATOR))
    return person


def test_a_person_with_two_roles_lands_on_the_wider_and_can_switch(two_roles):
    client = client_for(two_roles)
    first = client.get(HOME)
    assert "homes/supervisor.html" in [t.name for t in first.templates]
    body = first.content.decode()
    assert 'value="Workshop facilitator"' in body  # the switch, in the menu

    switched = client.post(reverse("switch_role"), {"role": roles.FACILITATOR})
    assert switched.status_code == 302 and switched["Location"] == HOME
    assert client.session[SESSION_KEY] == roles.FACILITATOR
    after = client.get(HOME)
    assert "workshops/facilitator_home.html" in [t.name for t in after.templates]

    client.post(reverse("switch_role"), {"role": roles.SUPERVISOR})
    assert "homes/supervisor.html" in [t.name for t in client.get(HOME).templates]


def test_a_role_one_does_not_hold_cannot_be_chosen(world: World):
    client = client_for(world.planner_a)
    response = client.post(reverse("switch_role"), {"role": roles.ADMINISTRATOR}, follow=True)
    assert "You do not hold that role" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert "homes/planner.html" in [t.name for t in response.templates]


@pytest.mark.parametrize(
    "hostile", ["Supervisor\x00", "x" * 100_000, "", "-1", "Workshop facilitator; DROP TABLE"]
)
def test_hostile_role_names_change_nothing(two_roles, hostile):
    client = client_for(two_roles)
    response = client.post(reverse("switch_role"), {"role": hostile}, follow=True)
    assert response.status_code == 200
    assert "You do not hold that role" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_role_taken_away_ends_the_choice(two_roles):
    client = client_for(two_roles)
    client.post(reverse("switch_role"), {"role": roles.FACILITATOR})
    two_roles.groups.remove(two_roles.groups.get(name=roles.FACILITATOR))
    assert "homes/supervisor.html" in [t.name for t in client.get(HOME).templates]


def test_one_role_gets_no_switch(world: World):
    body = client_for(world.planner_a).get(HOME).content.decode()
    assert reverse("switch_role") not in body


# --- The career planner's home ----------------------------------------------------------


def test_planner_home_lists_alerts_most_urgent_first_and_the_caseload(world: World):
    due_soon = make_alert(world.customer_a, Rule.REVIEW_90, State.DUE_SOON)
    overdue = make_alert(world.customer_a, Rule.CONTACT_30, State.OVERDUE)
    response = client_for(world.planner_a).get(HOME)
    home = response.context["home"]
    assert home.urgent.rows == [overdue, due_soon]
    assert home.counts == {"overdue": 1, "late": 0, "due_soon": 1}
    assert home.caseload["applicant"] == 1
    assert world.customer_a in home.recent
    body = response.content.decode()
    assert world.customer_b.customer_number not in body  # another office's customer
    assert world.customer_a.customer_number in body


def _planner_home_queries(world: World, alerts: int) -> int:
    for _ in range(alerts):
        customer = make_customer(office=world.office_a, planner=world.planner_a)
        make_alert(customer, Rule.CONTACT_30, State.OVERDUE)
    client = client_for(world.planner_a)
    client.get(HOME)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


def test_planner_home_costs_the_same_however_many_alerts(world: World):
    few = _planner_home_queries(world, 2)
    many = _planner_home_queries(world, SHOWN + 5)
    assert many == few


# --- The supervisor's home ----------------------------------------------------------------


def _awaiting(world: World, customer: Customer | None = None):
    po = draft(ready_for_po(world, customer), world, unit_price="900.00")
    return po_request_approval(po=po, user=world.planner_a, expected_version=None)


def test_supervisor_home_queues_the_purchase_orders_awaiting_approval(world: World):
    po = _awaiting(world)
    assert po.status == POStatus.AWAITING
    other = _awaiting(world, world.customer_b)
    response = client_for(world.supervisor_a).get(HOME)
    queue = response.context["queue"]
    assert queue.approvals.rows == [po] and queue.approvals.total == 1
    body = response.content.decode()
    assert reverse("supportive:po_detail", args=[po.customer_id, po.pk]) in body
    assert reverse("supportive:po_detail", args=[other.customer_id, other.pk]) not in body


def _soft_exit(customer: Customer, exited_on: datetime.date, employed: bool | None = None):
    return Period.objects.create(
        customer=customer,
        entered_on=exited_on - datetime.timedelta(days=120),
        exited_on=exited_on,
        exit_kind=ExitKind.SOFT,
        employed_at_exit=employed,
    )


@time_machine.travel(datetime.datetime(2026, 11, 30, 17, tzinfo=datetime.UTC), tick=False)
def test_soft_exits_wait_for_review_ninety_days_until_the_exit_details_are_recorded(
    world: World,
):
    on = datetime.date(2026, 11, 30)
    day_90 = _soft_exit(world.customer_a, on - datetime.timedelta(days=90))
    other = make_customer(office=world.office_a, planner=world.planner_a)
    _soft_exit(other, on - datetime.timedelta(days=91))
    answered = make_customer(office=world.office_a, planner=world.planner_a)
    _soft_exit(answered, on - datetime.timedelta(days=3), employed=False)
    _soft_exit(world.customer_b, on - datetime.timedelta(days=3))  # office B

    offices = world.supervisor_a.supervised_offices.all()
    assert list(soft_exits_to_review(offices, on=on)) == [day_90]
    queue = client_for(world.supervisor_a).get(HOME).context["queue"]
    assert queue.soft_exits.rows == [day_90]
    assert reverse("employment:periods", args=[world.customer_a.pk]) in (
        client_for(world.supervisor_a).get(HOME).content.decode()
    )


def test_supervisor_home_rolls_up_the_offices_supervised(world: World):
    make_alert(world.customer_a, Rule.CONTACT_30, State.OVERDUE)
    response = client_for(world.supervisor_a).get(HOME)
    (summary,) = response.context["summaries"]
    assert summary.total.office == world.office_a and summary.total.overdue == 1
    assert response.context["totals"]["overdue"] == 1
    assert world.office_b.name not in response.content.decode()


def test_supervisor_home_costs_the_same_however_much_waits(world: World):
    client = client_for(world.supervisor_a)
    _awaiting(world)
    _soft_exit(world.customer_a, datetime.date.today() - datetime.timedelta(days=2))
    client.get(HOME)
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    for _ in range(SHOWN + 2):
        customer = make_customer(office=world.office_a, planner=world.planner_a)
        _awaiting(world, customer)
        _soft_exit(customer, datetime.date.today() - datetime.timedelta(days=2))
    with CaptureQueriesContext(connection) as many:
        response = client.get(HOME)
    assert response.context["queue"].approvals.more == 3
    assert len(many) == len(few) + 2  # the counts behind "and n more" of the two lists


# --- The administrator's home -----------------------------------------------------------


def test_administrator_home_links_the_administration_tasks(world: World):
    make_user("no_role_yet", None, offices=[world.office_a])
    response = client_for(world.admin).get(HOME)
    assert response.context["staff_without_role"] == 1
    body = response.content.decode()
    for name in (
        "admin:casemgmt_user_changelist",
        "admin:casemgmt_policy_changelist",
        "admin:services_activity_changelist",
        "admin:workshops_workshop_changelist",
        "admin:supportive_vendor_changelist",
        "audit:list",
    ):
        assert reverse(name) in body


# --- The veteran representative's home ----------------------------------------------------


def test_veteran_representative_home_puts_the_waiting_referrals_first(world: World):
    referral = waiting_referral(world)
    response = client_for(world.vetrep_a).get(HOME)
    assert response.context["queue"].waiting == [referral]
    body = response.content.decode()
    assert reverse("veterans:referral", args=[referral.pk]) in body
    assert body.index("Veteran referrals waiting") < body.index("My alerts, most urgent first")


def test_veteran_representative_home_lists_the_co_assigned_veterans(world: World):
    referral = accepted_referral(world)
    response = client_for(world.vetrep_a).get(HOME)
    assert response.context["co_assigned"] == [referral.customer]
    assert "beside their career planner" in response.content.decode()
