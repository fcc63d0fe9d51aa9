"""The end of the path: jobs, placements, credentials, exit, periods and follow-up."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from casemgmt.models import Policy
from casenotes.models import CaseNote
from customers.models import Customer, Status
from employment.models import Credential, FollowUp, Period, PlacementFollowUp
from employment.rules import follow_up_due_dates, follow_up_state, quarter_end
from employment.services import (
    credential_create,
    employment_create,
    exit_record,
    period_sync,
    placement_create,
    statuses_follow_the_calendar,
)
from services.models import Activity, ServiceRecord
from services.services import NoteDraft, service_record_create
from tests.conftest import World
from tests.factories import certify

NOW = datetime.datetime(2026, 11, 20, 17, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def participant(world: World) -> Customer:
    """Customer A certified 10/01, with a job search service (211) on 10/05."""
    customer = certify(world.customer_a)
    service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="211"),
        started_on=datetime.date(2026, 10, 5),
        ended_on=datetime.date(2026, 10, 5),
        entered_by=world.planner_a,
        note=NoteDraft("Job search", "Career planner reviewed job leads.", "in_person", True),
    )
    customer.refresh_from_db()
    return customer


def placement_fields(**extra) -> dict:
    return {
        "kind": "ojt",
        "worksite": "Prairie Fabrication",
        "supervisor": "Dana Lopez",
        "hourly_wage": Decimal("16.00"),
        "subsidized_wage": Decimal("8.00"),
        "hours_per_week": Decimal("40"),
        "starts_on": datetime.date(2026, 11, 2),
        **extra,
    }


@pytest.mark.parametrize(("wage", "refused"), [("7.24", True), ("7.25", False)])
def test_a_placement_pays_at_least_the_minimum_wage(world: World, wage: str, refused: bool):
    customer = participant(world)
    fields = placement_fields(hourly_wage=Decimal(wage), subsidized_wage=Decimal("3.00"))

    if refused:
        with pytest.raises(
            ValidationError, match=r"below the minimum wage that applies here \(\$7.25\)"
        ):
            placement_create(customer=customer, user=world.planner_a, fields=fields)
    else:
        placement = placement_create(customer=customer, user=world.planner_a, fields=fields)
        assert placement.unsubsidized_wage == Decimal("4.25")


def test_the_regions_higher_minimum_applies(world: World):
    Policy.objects.update_or_create(
        region=world.office_a.region, defaults={"minimum_wage": Decimal("15.00")}
    )
    customer = participant(world)

    with pytest.raises(ValidationError, match=r"\$15.00"):
        placement_create(
            customer=customer,
            user=world.planner_a,
            fields=placement_fields(hourly_wage=Decimal("14.99")),
        )


def test_a_placement_has_follow_ups_at_30_60_90_180_and_270_days(world: World):
    customer = participant(world)

    placement = placement_create(customer=customer, user=world.planner_a, fields=placement_fields())

    dues = list(PlacementFollowUp.objects.filter(placement=placement).values_list("day", "due_on"))
    start = datetime.date(2026, 11, 2)
    assert dues == [(d, start + datetime.timedelta(days=d)) for d in (30, 60, 90, 180, 270)]


@pytest.mark.parametrize(
    ("on", "state"),
    [
        (datetime.date(2026, 12, 24), None),
        (datetime.date(2026, 12, 25), "due_soon"),  # 7 days before
        (datetime.date(2027, 1, 1), "due_soon"),  # the day itself
        (datetime.date(2027, 1, 2), "overdue"),  # the day after
    ],
)
def test_a_follow_up_is_due_soon_7_days_before_and_overdue_the_day_after(on, state):
    assert follow_up_state(due_on=datetime.date(2027, 1, 1), on=on) == state


def test_quarterly_follow_ups_cross_the_year_end():
    assert follow_up_due_dates(datetime.date(2026, 11, 20)) == [
        datetime.date(2027, 3, 31),
        datetime.date(2027, 6, 30),
        datetime.date(2027, 9, 30),
        datetime.date(2027, 12, 31),
    ]
    assert quarter_end(2026, 4) == datetime.date(2026, 12, 31)


@pytest.mark.parametrize(("days", "late"), [(10, False), (11, True)])
def test_a_credential_entered_after_the_deadline_is_late(world: World, days: int, late: bool):
    customer = participant(world)

    credential = credential_create(
        customer=customer,
        user=world.planner_a,
        fields={
            "credential_type": 6,
            "name": "Forklift operator certification",
            "attained_on": datetime.date(2026, 11, 20) - datetime.timedelta(days=days),
        },
    )

    assert Credential.objects.get(pk=credential.pk).entered_late is late


def test_an_exit_is_refused_while_a_service_is_open(world: World):
    customer = participant(world)
    from tests.factories import make_plan

    make_plan(customer, world.planner_a)
    service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="300"),
        started_on=datetime.date(2026, 10, 12),
        entered_by=world.planner_a,
        provider="outside",
        provider_name="Lincoln Land Community College",
    )

    with pytest.raises(ValidationError, match="Close every service before the exit"):
        exit_record(
            customer=customer,
            user=world.planner_a,
            employed_at_exit=False,
            other_reason="",
            job=None,
            note_body="Services complete.",
        )
    customer.refresh_from_db()
    assert customer.status == Status.PARTICIPANT


def test_a_recorded_exit_dates_from_the_last_enrolling_service_and_schedules_follow_ups(
    world: World,
):
    customer = participant(world)
    job = employment_create(
        customer=customer,
        user=world.planner_a,
        fields={
            "employer": "Prairie Fabrication",
            "job_title": "Welder helper",
            "onet_code": "51-9198.00",
            "started_on": datetime.date(2026, 11, 16),
            "hourly_wage": Decimal("18.50"),
            "hours_per_week": Decimal("40"),
            "verification": "pay_stub",
        },
    )

    period = exit_record(
        customer=customer,
        user=world.planner_a,
        employed_at_exit=True,
        other_reason="",
        job=job,
        note_body="Services complete; hired as a welder helper; quarterly follow-up.",
    )

    customer.refresh_from_db()
    assert (customer.status, customer.exit_date) == (Status.EXITED, datetime.date(2026, 10, 5))
    assert (period.entered_on, period.exited_on, period.exit_kind) == (
        datetime.date(2026, 10, 5),
        datetime.date(2026, 10, 5),
        "recorded",
    )
    assert period.exit_job == job and period.exit_note.note_type == "exit"
    assert list(FollowUp.objects.filter(period=period).values_list("due_on", flat=True)) == [
        datetime.date(2027, 3, 31),
        datetime.date(2027, 6, 30),
        datetime.date(2027, 9, 30),
        datetime.date(2027, 12, 31),
    ]


def test_the_status_moves_to_follow_up_and_closes_after_the_year(world: World):
    customer = participant(world)
    exit_record(
        customer=customer,
        user=world.planner_a,
        employed_at_exit=False,
        other_reason="",
        job=None,
        note_body="Services complete.",
    )

    statuses_follow_the_calendar(on=datetime.date(2026, 12, 31))
    assert Customer.objects.get(pk=customer.pk).status == Status.EXITED
    statuses_follow_the_calendar(on=datetime.date(2027, 1, 1))
    assert Customer.objects.get(pk=customer.pk).status == Status.FOLLOW_UP
    statuses_follow_the_calendar(on=datetime.date(2027, 12, 31))
    assert Customer.objects.get(pk=customer.pk).status == Status.FOLLOW_UP
    statuses_follow_the_calendar(on=datetime.date(2028, 1, 1))
    assert Customer.objects.get(pk=customer.pk).status == Status.CLOSED
    assert Period.objects.get(customer=customer).closed_on == datetime.date(2028, 1, 1)


def test_a_new_enrolling_service_after_an_exit_starts_a_second_period(world: World):
    customer = certify(world.customer_a, datetime.date(2026, 7, 1))

    def job_search(day: datetime.date) -> None:
        service_record_create(
            customer=Customer.objects.get(pk=customer.pk),
            activity=Activity.objects.get(code="211"),
            started_on=day,
            ended_on=day,
            entered_by=world.planner_a,
            note=NoteDraft("Job search", "Checked in about job leads.", "in_person", True),
        )

    job_search(datetime.date(2026, 7, 15))
    exit_record(
        customer=Customer.objects.get(pk=customer.pk),
        user=world.planner_a,
        employed_at_exit=False,
        other_reason="",
        job=None,
        note_body="Services complete.",
    )

    # 127 days after the exit's date (more than the 90 an exit needs): a return.
    job_search(datetime.date(2026, 11, 19))

    customer.refresh_from_db()
    assert customer.status == Status.PARTICIPANT and customer.exit_date is None
    periods = list(
        Period.objects.filter(customer=customer)
        .order_by("entered_on")
        .values_list("entered_on", "exited_on")
    )
    assert periods == [
        (datetime.date(2026, 7, 15), datetime.date(2026, 7, 15)),
        (datetime.date(2026, 11, 19), None),
    ]
    assert CaseNote.objects.filter(customer=customer, note_type="exit").count() == 1


def test_period_sync_is_safe_to_run_again(world: World):
    customer = participant(world)
    Customer.objects.filter(pk=customer.pk).update(status=Status.PARTICIPANT)

    first = period_sync(customer)
    again = period_sync(customer)

    assert first.pk == again.pk and Period.objects.filter(customer=customer).count() == 1
    assert ServiceRecord.objects.filter(customer=customer).count() == 1
