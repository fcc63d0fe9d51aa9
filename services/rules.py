"""The rules of SPEC section 3 for recording a service, in one function.

`service_problems` is called by the service form, the close and reopen actions, the
legacy import and every later bulk path; each refusal names the rule and what to do.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from casemgmt.models import Policy
from customers.models import Customer, Program, Status
from customers.rules import date_bound_problem, fmt, years_after
from services.models import Activity, ActivityProgram, Provides, ServiceRecord

# How far ahead a service may be planned: its projected start, and its planned end.
PROJECTED_START_MAX_YEARS = 1
PLANNED_END_MAX_YEARS = 5


@dataclass(frozen=True)
class ServiceDraft:
    customer: Customer
    activity: Activity
    started_on: datetime.date
    start_is_projected: bool = False
    ended_on: datetime.date | None = None
    completion_status: str = ""
    planned_end_on: datetime.date | None = None
    record_pk: int | None = None
    weekly_hours: Decimal | None = None
    dollar_value: Decimal | None = None


def _iep_code(customer: Customer) -> str:
    return "Development of an ISS (469)" if customer.is_youth else "Development of an IEP (205)"


def completed_assessment_by(
    customer: Customer, day: datetime.date, records: list[ServiceRecord]
) -> bool:
    """A completed assessment on or before the day: an assessment service that has ended,
    or an assessment recorded on the plan's assessments list."""
    if any(
        r.activity.provides == Provides.ASSESSMENT and r.ended_on is not None and r.ended_on <= day
        for r in records
    ):
        return True
    from plans.models import Assessment  # plans builds on services; imported late

    return Assessment.objects.filter(customer=customer, assessed_on__lte=day).exists()


def amount_problems(
    *,
    hours: Decimal | None,
    dollar_value: Decimal | None,
    policy: Policy,
    hours_field: str = "weekly_hours",
    hours_label: str = "Weekly hours",
) -> list[tuple[str, str]]:
    """Hours and dollars of a service or a plan step: not negative, and at most the
    region's policy allows (weekly hours and the dollar value of one service)."""
    problems = []
    if hours is not None:
        if hours < 0:
            problems.append((hours_field, f"{hours_label} cannot be negative."))
        elif hours > policy.weekly_hours_max:
            problems.append(
                (
                    hours_field,
                    f"{hours_label} cannot be more than {policy.weekly_hours_max}, "
                    "the most the region's policy allows in a week.",
                )
            )
    if dollar_value is not None:
        if dollar_value < 0:
            problems.append(("dollar_value", "The dollar value cannot be negative."))
        elif dollar_value > policy.dollar_value_max:
            problems.append(
                (
                    "dollar_value",
                    f"The dollar value cannot be more than ${policy.dollar_value_max:,}, "
                    "the most the region's policy allows for one service.",
                )
            )
    return problems


def service_date_problems(draft: ServiceDraft, *, today: datetime.date) -> list[tuple[str, str]]:
    """How far ahead a service may be planned: a projected start at most a year from today,
    a planned end at most five years. (How far back is the certification date's rule.)"""
    problems = []
    if draft.start_is_projected:
        problem = date_bound_problem(
            "A projected start date",
            draft.started_on,
            latest=years_after(today, PROJECTED_START_MAX_YEARS),
            latest_is="one year from today",
        )
        if problem:
            problems.append(("started_on", problem))
    problem = date_bound_problem(
        "The planned end date",
        draft.planned_end_on,
        latest=years_after(today, PLANNED_END_MAX_YEARS),
        latest_is="five years from today",
    )
    if problem:
        problems.append(("planned_end_on", problem))
    return problems


def service_problems(
    draft: ServiceDraft, *, today: datetime.date, policy: Policy | None = None
) -> list[tuple[str, str]]:
    """Every reason the draft cannot be saved, as (field, message); empty when it can.

    `policy` is the customer's region's; read when the draft carries hours or dollars.
    """
    activity, customer, start = draft.activity, draft.customer, draft.started_on
    name = f"{activity.title} ({activity.code})"
    problems: list[tuple[str, str]] = []

    if not activity.active:
        problems.append(
            ("activity", f"{name} is retired from the service matrix; choose a current activity.")
        )

    # Program of the activity against the customer's programs.
    if activity.program == ActivityProgram.YOUTH and not customer.is_youth:
        problems.append(
            ("activity", f"{name} is a Youth service; the customer is not enrolled in Youth.")
        )
    if activity.program == ActivityProgram.ADULT_DW and not (
        {Program.ADULT, Program.DISLOCATED_WORKER} & set(customer.programs)
    ):
        problems.append(
            (
                "activity",
                f"{name} is an Adult/Dislocated Worker service; the customer is not enrolled in either.",
            )
        )

    # Not before certification.
    if customer.certification_date is None:
        problems.append(
            (
                "started_on",
                f"{name} cannot be recorded before the customer is certified. "
                "Record the certification date on the profile first.",
            )
        )
    elif start < customer.certification_date:
        problems.append(
            (
                "started_on",
                f"Services start on or after the certification date ({fmt(customer.certification_date)}). "
                "Record it on the certification date and give the real date in the case note.",
            )
        )

    # Dates.
    if not draft.start_is_projected and start > today:
        problems.append(
            (
                "started_on",
                "An actual start date cannot be in the future. Tick 'projected' for a planned service.",
            )
        )
    if draft.ended_on is not None:
        if draft.ended_on < start:
            problems.append(("ended_on", "The end date is before the start date."))
        if draft.ended_on > today:
            problems.append(
                ("ended_on", "A service cannot be closed with a future end date; leave it open.")
            )
        if draft.start_is_projected:
            problems.append(
                ("ended_on", "A projected (planned) service has not started; it cannot be closed.")
            )
    if draft.planned_end_on is not None and draft.planned_end_on < start:
        problems.append(("planned_end_on", "The planned end date is before the start date."))
    problems += service_date_problems(draft, today=today)
    if draft.weekly_hours is not None or draft.dollar_value is not None:
        problems += amount_problems(
            hours=draft.weekly_hours,
            dollar_value=draft.dollar_value,
            policy=policy or Policy.for_region(customer.office.region_id),
        )

    # Same-day services.
    if activity.same_day:
        if draft.start_is_projected:
            problems.append(
                (
                    "start_is_projected",
                    f"{name} is a same-day service: record it on the day it is given.",
                )
            )
        elif draft.ended_on != start:
            problems.append(
                (
                    "ended_on",
                    f"{name} is a same-day service: it starts and ends on the same day and cannot be left open. "
                    f"Set the end date to {fmt(start)}.",
                )
            )
    # Closing needs a completion status, and a completion status needs the end date.
    if draft.ended_on is not None and not draft.completion_status and not activity.same_day:
        what = (
            "Training services stay open until completion is confirmed, then close"
            if activity.is_training
            else "A service closes"
        )
        problems.append(
            (
                "completion_status",
                f"{what} with a completion status: choose successful or unsuccessful.",
            )
        )
    if draft.completion_status and draft.ended_on is None:
        problems.append(
            (
                "ended_on",
                "Give the end date with the completion status, or clear the status to leave the service open.",
            )
        )

    # Prerequisites from the matrix, judged on what was recorded by the start date.
    needs_history = (
        activity.requires_iep
        or activity.requires_assessment
        or activity.requires_istep
        or activity.requires_active_enrolling
        or activity.requires_prior_id
    )
    records: list[ServiceRecord] = []
    if needs_history:
        records = list(
            ServiceRecord.objects.filter(
                customer=customer, start_is_projected=False, started_on__lte=start
            )
            .exclude(pk=draft.record_pk)
            .select_related("activity")
        )
    if activity.requires_iep and not any(r.activity.provides == Provides.IEP for r in records):
        plan = "an ISS" if customer.is_youth else "an IEP"
        problems.append(
            ("activity", f"{name} requires {plan}: record {_iep_code(customer)} first.")
        )
    if activity.requires_assessment and not completed_assessment_by(customer, start, records):
        problems.append(
            (
                "activity",
                f"{name} requires a completed assessment: record and close the assessment first.",
            )
        )
    if activity.requires_istep and not any(
        r.activity.provides == Provides.ISTEP and r.ended_on is not None and r.ended_on <= start
        for r in records
    ):
        problems.append(
            (
                "activity",
                f"{name} requires a completed ISTEP: record and close the ISTEP (221) first.",
            )
        )
    if activity.requires_active_enrolling and not any(
        r.activity.extends_exit_window
        and not r.activity.is_supportive
        and (r.ended_on is None or r.ended_on >= start)
        for r in records
    ):
        problems.append(
            (
                "activity",
                f"{name} must support an active career or training service: the customer needs at least one "
                f"open enrolling service on {fmt(start)}. Record that service first.",
            )
        )
    if activity.requires_prior_id and not any(
        r.activity_id == activity.requires_prior_id for r in records
    ):
        prior = activity.requires_prior
        problems.append(
            (
                "activity",
                f"Youth services follow the order 468, 469, 470: record {prior.title} ({prior.code}) before {name}.",
            )
        )
    if (
        activity.not_in_follow_up_adult_dw
        and customer.status == Status.FOLLOW_UP
        and not customer.is_youth
    ):
        problems.append(
            (
                "activity",
                f"Adult and Dislocated Worker customers in follow-up cannot receive {name}.",
            )
        )
    return problems


def service_correction_problem(
    *,
    author_id: int,
    entered_on: datetime.date,
    user_id: int,
    may_correct_any: bool,
    on: datetime.date,
    window_days: int,
) -> str | None:
    """Who may correct a service: its author, for `window_days` after entering it (the
    region's policy), and a supervisor at any time. Day `window_days` is still open."""
    if may_correct_any:
        return None
    if user_id != author_id:
        return "Only the staff member who entered this service, or a supervisor, can correct it."
    if (on - entered_on).days > window_days:
        return (
            f"Services can be corrected by their author for {window_days} days after entry; "
            f"this one was entered on {fmt(entered_on)}. Ask a supervisor to correct it."
        )
    return None
