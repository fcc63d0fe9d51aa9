"""The follow-up-due rule at its boundaries (due soon 7 days before, overdue the day
after), for a quarterly follow-up after exit and a placement's day-30 follow-up; and
outcomes under the 10-day entry rule."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from compliance.engine import RESOLUTIONS, evaluate
from compliance.models import Alert, Rule
from customers.models import Customer, Status
from employment.models import FollowUp, Placement, PlacementFollowUp
from employment.services import (
    credential_create,
    employment_create,
    exit_record,
    follow_up_record,
    period_close,
    placement_create,
    placement_follow_up_record,
    placement_set_status,
    skill_gain_create,
    statuses_follow_the_calendar,
)
from services.models import Activity
from services.services import NoteDraft, service_record_create
from tests.conftest import World
from tests.factories import certify

UTC = datetime.UTC
D = datetime.date


def at(day: datetime.date) -> time_machine.travel:
    """Midday in Springfield (the offices' zone) on the day."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(18), UTC), tick=False)


def participant(world: World, *, certified: datetime.date, served: datetime.date) -> Customer:
    customer = certify(world.customer_a, certified)
    service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="211"),
        started_on=served,
        ended_on=served,
        entered_by=world.planner_a,
        note=NoteDraft("Job search", "Career planner reviewed job leads.", "in_person", True),
    )
    customer.refresh_from_db()
    return customer


def exited_in_august(world: World) -> Customer:
    """Exited with the last enrolling service on 08/03/2026 (the third quarter): the first
    quarterly follow-up is due 12/31/2026, overdue on 01/01/2027."""
    with at(D(2026, 9, 15)):
        customer = participant(world, certified=D(2026, 7, 1), served=D(2026, 8, 3))
        exit_record(
            customer=customer,
            user=world.planner_a,
            employed_at_exit=False,
            other_reason="",
            job=None,
            note_body="Services complete; the customer continues the job search.",
        )
    return Customer.objects.get(pk=customer.pk)


def alert_on(customer: Customer, subject_type: str, subject_id: int, day: datetime.date):
    evaluate(as_of=day, customer_ids=[customer.pk])
    return Alert.objects.filter(
        rule=Rule.FOLLOW_UP_DUE,
        customer=customer,
        subject_type=subject_type,
        subject_id=subject_id,
        resolved_at__isnull=True,
    ).first()


# --- Quarterly follow-up after exit ----------------------------------------------------


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (D(2026, 12, 23), None),  # 8 days before
        (D(2026, 12, 24), "due_soon"),  # 7 days before
        (D(2026, 12, 31), "due_soon"),  # the due day
        (D(2027, 1, 1), "overdue"),  # the day after, in the new year
    ],
)
def test_a_quarterly_follow_up_is_due_soon_7_days_before_and_overdue_the_day_after(
    world: World, day: datetime.date, state: str | None
):
    customer = exited_in_august(world)
    follow_up = FollowUp.objects.get(customer=customer, quarter=1)
    assert follow_up.due_on == D(2026, 12, 31)

    alert = alert_on(customer, "follow_up", follow_up.pk, day)

    assert (alert.state if alert else None) == state
    if alert:
        assert (alert.due_on, alert.responsible) == (D(2026, 12, 31), world.planner_a)


def test_recording_the_quarterly_follow_up_resolves_its_alert(world: World):
    customer = exited_in_august(world)
    follow_up = FollowUp.objects.get(customer=customer, quarter=1)
    assert alert_on(customer, "follow_up", follow_up.pk, D(2027, 1, 1)).state == "overdue"
    statuses_follow_the_calendar(on=D(2027, 1, 4))
    assert Customer.objects.get(pk=customer.pk).status == Status.FOLLOW_UP

    with at(D(2027, 1, 4)):
        follow_up_record(
            follow_up=follow_up,
            user=world.planner_a,
            done_on=D(2027, 1, 4),
            employed=True,
            employer="Prairie Fabrication",
            hourly_wage=Decimal("18.50"),
            in_education=False,
            supportive_need="",
            note_body="Career planner called the customer, now a welder helper full time.",
        )

    assert alert_on(customer, "follow_up", follow_up.pk, D(2027, 1, 4)) is None
    resolved = Alert.objects.get(rule=Rule.FOLLOW_UP_DUE, subject_id=follow_up.pk)
    assert resolved.resolved_on == D(2027, 1, 4)
    assert resolved.resolution == RESOLUTIONS[Rule.FOLLOW_UP_DUE]


def test_only_the_next_quarter_is_due_and_a_file_closed_early_ends_the_follow_ups(
    world: World,
):
    customer = exited_in_august(world)
    evaluate(as_of=D(2027, 1, 1), customer_ids=[customer.pk])
    assert list(
        Alert.objects.filter(customer=customer, rule=Rule.FOLLOW_UP_DUE).values_list(
            "subject_id", flat=True
        )
    ) == [FollowUp.objects.get(customer=customer, quarter=1).pk]

    with at(D(2027, 1, 2)):
        period_close(
            period=customer.periods.get(),
            user=world.planner_a,
            reason="The customer moved out of state and asked not to be contacted.",
            expected_version=None,
        )
    evaluate(as_of=D(2027, 1, 2), customer_ids=[customer.pk])

    assert not Alert.objects.filter(
        customer=customer, rule=Rule.FOLLOW_UP_DUE, resolved_at__isnull=True
    ).exists()


# --- A placement's follow-ups -----------------------------------------------------------


def placed(world: World) -> Placement:
    """An on-the-job training starting 11/02/2026: its day-30 follow-up is due 12/02."""
    with at(D(2026, 11, 2)):
        customer = participant(world, certified=D(2026, 10, 1), served=D(2026, 10, 5))
        return placement_create(
            customer=customer,
            user=world.planner_a,
            fields={
                "kind": "ojt",
                "worksite": "Prairie Fabrication",
                "supervisor": "Dana Lopez",
                "hourly_wage": Decimal("16.00"),
                "subsidized_wage": Decimal("8.00"),
                "hours_per_week": Decimal("40"),
                "starts_on": D(2026, 11, 2),
            },
        )


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (D(2026, 11, 24), None),  # 8 days before
        (D(2026, 11, 25), "due_soon"),  # 7 days before
        (D(2026, 12, 2), "due_soon"),  # day 30
        (D(2026, 12, 3), "overdue"),  # the day after
    ],
)
def test_a_placements_day_30_follow_up_is_due_soon_7_days_before_and_overdue_the_day_after(
    world: World, day: datetime.date, state: str | None
):
    placement = placed(world)
    follow_up = placement.follow_ups.get(day=30)

    alert = alert_on(placement.customer, "placement_fu", follow_up.pk, day)

    assert (alert.state if alert else None) == state
    if alert:
        assert (alert.due_on, alert.responsible) == (D(2026, 12, 2), world.planner_a)


def test_recording_the_placement_follow_up_resolves_its_alert(world: World):
    placement = placed(world)
    follow_up = placement.follow_ups.get(day=30)
    assert alert_on(placement.customer, "placement_fu", follow_up.pk, D(2026, 12, 3))

    with at(D(2026, 12, 3)):
        placement_follow_up_record(
            follow_up=follow_up,
            done_on=D(2026, 12, 3),
            note_body="Career planner spoke with the worksite supervisor: on track.",
            two_way=True,
            user=world.planner_a,
        )

    assert alert_on(placement.customer, "placement_fu", follow_up.pk, D(2026, 12, 3)) is None
    resolved = Alert.objects.get(rule=Rule.FOLLOW_UP_DUE, subject_id=follow_up.pk)
    assert resolved.resolution == RESOLUTIONS[Rule.FOLLOW_UP_DUE]
    assert PlacementFollowUp.objects.get(pk=follow_up.pk).done_on == D(2026, 12, 3)


def test_a_terminated_placement_has_no_follow_up_due(world: World):
    placement = placed(world)
    with at(D(2026, 11, 20)):
        placement_set_status(
            placement=placement,
            status="terminated",
            on=D(2026, 11, 20),
            user=world.planner_a,
            expected_version=None,
        )

    evaluate(as_of=D(2026, 12, 3), customer_ids=[placement.customer_id])

    assert not Alert.objects.filter(rule=Rule.FOLLOW_UP_DUE).exists()


# --- Outcomes under the 10-day entry rule ------------------------------------------------

ENTERED = D(2026, 11, 20)


def entry_alert(customer: Customer, subject_type: str, subject_id: int) -> Alert | None:
    evaluate(as_of=ENTERED, customer_ids=[customer.pk])
    return Alert.objects.filter(
        rule=Rule.ENTRY_10,
        subject_type=subject_type,
        subject_id=subject_id,
        resolved_at__isnull=True,
    ).first()


@pytest.mark.parametrize(("days", "late"), [(10, False), (11, True)])
def test_a_credential_entered_11_days_after_it_was_attained_raises_an_entry_alert(
    world: World, days: int, late: bool
):
    attained = ENTERED - datetime.timedelta(days=days)
    with at(ENTERED):
        customer = participant(world, certified=D(2026, 10, 1), served=D(2026, 10, 5))
        credential = credential_create(
            customer=customer,
            user=world.planner_a,
            fields={
                "credential_type": 6,
                "name": "Forklift operator certification",
                "attained_on": attained,
            },
        )

    alert = entry_alert(customer, "credential", credential.pk)

    assert (alert is not None) is late
    if alert:
        assert (alert.state, alert.due_on, alert.responsible) == (
            "late",
            attained + datetime.timedelta(days=10),
            world.planner_a,
        )


def test_every_outcome_entered_late_raises_an_entry_alert_of_its_kind(world: World):
    day = ENTERED - datetime.timedelta(days=11)
    with at(ENTERED):
        customer = participant(world, certified=D(2026, 10, 1), served=D(2026, 10, 5))
        outcomes = {
            "skill_gain": skill_gain_create(
                customer=customer,
                user=world.supervisor_a,
                fields={"kind": "milestone", "achieved_on": day},
            ),
            "job": employment_create(
                customer=customer,
                user=world.supervisor_a,
                fields={
                    "employer": "Prairie Fabrication",
                    "job_title": "Welder helper",
                    "started_on": day,
                    "hourly_wage": Decimal("18.50"),
                    "hours_per_week": Decimal("40"),
                    "verification": "pay_stub",
                },
            ),
            "placement": placement_create(
                customer=customer,
                user=world.supervisor_a,
                fields={
                    "kind": "worksite",
                    "worksite": "Lincoln Library",
                    "supervisor": "Sam Ortiz",
                    "hourly_wage": Decimal("15.00"),
                    "subsidized_wage": Decimal("15.00"),
                    "hours_per_week": Decimal("20"),
                    "starts_on": day,
                },
            ),
        }

    for subject_type, record in outcomes.items():
        alert = entry_alert(customer, subject_type, record.pk)
        assert alert is not None, subject_type
        assert alert.responsible == world.supervisor_a  # who entered it
