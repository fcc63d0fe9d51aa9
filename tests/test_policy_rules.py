"""The region's policy is whole or refused: every setting in its bounds, the days of each
clock in order, an approval limit some purchase order can exceed; all problems at once.
The form shows each setting's default, drawn from the model, and where it comes from."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casemgmt.models import Policy
from casemgmt.rules_policy import (
    IN_ORDER,
    SETTINGS,
    policy_help_text,
    policy_problems,
)
from tests.conftest import World, client_for
from tests.readback import assert_saved


def defaults() -> dict[str, object]:
    return {name: Policy._meta.get_field(name).default for name in SETTINGS}


def policy_form(world: World, **overrides: object) -> dict[str, object]:
    values = {**defaults(), "region": world.office_a.region_id, **overrides}
    return {k: ("on" if v is True else v) for k, v in values.items() if v is not False}


# --- The rule ----------------------------------------------------------------------------


def test_every_setting_of_the_policy_has_a_label_a_kind_and_a_source():
    fields = {f.name for f in Policy._meta.concrete_fields} - {"id", "region"}
    assert set(SETTINGS) == fields


def test_the_defaults_are_a_whole_policy():
    assert policy_problems(defaults()) == {}


@pytest.mark.parametrize(("rule", "earlier", "later"), IN_ORDER)
def test_each_clock_refuses_its_earlier_day_on_or_after_the_later_one(rule, earlier, later):
    day = defaults()[later]
    assert policy_problems({**defaults(), earlier: day - 1}) == {}
    problems = policy_problems({**defaults(), earlier: day})
    assert list(problems) == [earlier]
    [message] = problems[earlier]
    assert message.startswith(f"{rule}: ") and "must come before" in message


def test_a_due_soon_day_after_the_overdue_day_is_refused_by_name():
    problems = policy_problems({**defaults(), "contact_due_soon_day": 35})
    assert problems == {
        "contact_due_soon_day": [
            "30-day contact: the due-soon day (day 35) must come before the overdue day "
            "(day 31). Make the due-soon day earlier or the overdue day later; the defaults "
            "are days 25 and 31."
        ]
    }


def test_every_contradiction_is_reported_in_one_round():
    problems = policy_problems(
        {
            **defaults(),
            "contact_due_soon_day": 40,
            "review_due_soon_day": 95,
            "exit_reengage_day": 95,
            "exit_call_day": 92,
            "eligibility_overdue_day": -3,
            "po_approval_limit": Decimal("50000.00"),
        }
    )
    assert set(problems) == {
        "contact_due_soon_day",
        "review_due_soon_day",
        "exit_reengage_day",
        "exit_call_day",
        "eligibility_overdue_day",
        "po_approval_limit",
    }


@pytest.mark.parametrize(
    ("name", "allowed", "refused", "message"),
    [
        ("contact_overdue_day", 1, 0, "cannot be day 0: give a value from day 1 to day 365"),
        ("contact_overdue_day", 365, 366, "from day 1 to day 365"),
        ("entry_deadline_days", 0, -1, "cannot be negative: give a value from 0 days"),
        ("weekly_hours_max", 168, 169, "from 1 hour to 168 hours"),
        ("duplicate_checks_per_hour", 1, 0, "cannot be 0"),
        ("minimum_wage", Decimal("0.01"), Decimal("0.00"), "from $0.01 to $100.00"),
        ("po_approval_limit", Decimal("0.00"), Decimal("-0.01"), "cannot be negative"),
    ],
)
def test_each_setting_is_held_to_its_bounds(name, allowed, refused, message):
    assert name not in policy_problems({**defaults(), name: allowed})
    [problem] = policy_problems({**defaults(), name: refused})[name]
    assert message in problem, problem
    assert problem.startswith("“")  # names the setting


def test_an_out_of_bounds_day_is_not_also_compared_with_its_pair():
    problems = policy_problems({**defaults(), "contact_overdue_day": -5})
    assert list(problems) == ["contact_overdue_day"]
    assert len(problems["contact_overdue_day"]) == 1


def test_an_approval_limit_no_purchase_order_can_exceed_is_refused():
    just_below = {**defaults(), "po_approval_limit": Decimal("999.99"), "dollar_value_max": 1000}
    assert policy_problems(just_below) == {}
    at_largest = {**just_below, "po_approval_limit": Decimal("1000.00")}
    [message] = policy_problems(at_largest)["po_approval_limit"]
    assert message.startswith("Purchase order approval: the approval limit ($1,000.00)")
    assert "($1,000)" in message and "Lower the approval limit" in message


def test_the_model_refuses_a_setting_out_of_its_bounds(world: World):
    policy = Policy(region=world.office_a.region, exit_day=0, weekly_hours_max=200)
    with pytest.raises(ValidationError) as refused:
        policy.full_clean()
    assert set(refused.value.message_dict) == {"exit_day", "weekly_hours_max"}


# --- The defaults shown ------------------------------------------------------------------


def test_each_settings_help_shows_the_models_default_and_its_source():
    assert policy_help_text("contact_overdue_day") == (
        "Days since the last two-way contact. From day 1 to day 365. Default: day 31 "
        "(contact every 30 days, the 30-day contact rule of SPEC 9 and seed 002)."
    )
    assert policy_help_text("po_approval_limit").endswith(
        "Default: $500.00 (supervisor approval above an amount the administrator sets, SPEC 6)."
    )
    assert "Default: off (" in policy_help_text("attendance_counts_as_contact")
    for name in SETTINGS:
        assert "Default: " in policy_help_text(name), name


def test_the_shown_default_follows_the_models_default(monkeypatch):
    # The text is drawn from the field each time: a changed default changes it.
    monkeypatch.setattr(Policy._meta.get_field("exit_day"), "default", 120)
    assert "Default: day 120 (" in policy_help_text("exit_day")


# --- The administration's policy form -------------------------------------------------------


def test_the_policy_form_shows_each_default_beside_its_setting(world: World):
    page = client_for(world.admin).get(reverse("admin:casemgmt_policy_add")).content.decode()
    for name in SETTINGS:
        assert policy_help_text(name).split("Default: ")[1][:20] in page, name
    assert "30-day contact: due soon from day" in page


def test_the_policy_form_refuses_contradictions_all_at_once_and_writes_nothing(world: World):
    response = client_for(world.admin).post(
        reverse("admin:casemgmt_policy_add"),
        policy_form(world, contact_due_soon_day=40, exit_call_day=95, review_overdue_day=-1),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "30-day contact: the due-soon day (day 40) must come before" in page
    assert "90-day soft exit: the day the tracker calls (day 95) must come before" in page
    assert "cannot be negative: give a value from day 1 to day 365" in page
    assert 'value="40"' in page  # what was entered is kept
    # Listed at the top too, each linked to its setting.
    assert '<a href="#id_contact_due_soon_day">30-day contact: due soon from day</a>' in page
    assert '<a href="#id_review_overdue_day">' in page
    assert not Policy.objects.exists()


@pytest.mark.parametrize(
    "hostile",
    [
        {"contact_overdue_day": "\x00"},
        {"contact_overdue_day": "31\x00"},
        {"minimum_wage": "7.25\x00"},
        {"entry_deadline_days": "-10"},
        {"dollar_value_max": "99999999999999999999"},
        {"region": "\x00"},
    ],
)
def test_the_policy_form_refuses_hostile_input_with_a_message(world: World, hostile):
    response = client_for(world.admin).post(
        reverse("admin:casemgmt_policy_add"), policy_form(world, **hostile)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "errornote" in page and "errorlist" in page
    assert not Policy.objects.exists()


def test_the_policy_form_saves_a_whole_policy(world: World):
    response = client_for(world.admin).post(
        reverse("admin:casemgmt_policy_add"),
        policy_form(
            world,
            contact_due_soon_day=20,
            contact_overdue_day=28,
            po_approval_limit="750.00",
            attendance_counts_as_contact=True,
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = Policy.objects.get(region=world.office_a.region)
    assert_saved(
        Policy,
        policy.pk,
        contact_due_soon_day=20,
        contact_overdue_day=28,
        po_approval_limit=Decimal("750.00"),
        attendance_counts_as_contact=True,
        exit_day=90,
    )


def test_the_policy_form_refuses_a_change_that_contradicts_a_setting_left_alone(world: World):
    policy = Policy.objects.create(region=world.office_a.region)
    values = {**policy_form(world), "exit_day": 70}
    response = client_for(world.admin).post(
        reverse("admin:casemgmt_policy_change", args=[policy.pk]), values
    )
    assert response.status_code == 200
    assert "the day the tracker calls (day 75) must come before the exit day (day 70)" in (
        response.content.decode()
    )
    assert_saved(Policy, policy.pk, exit_day=90)
