"""The rules of SPEC section 3 for recording a service, one function per rule.

`service_problems` composes them; it is called by the service form, the close and reopen
actions, the legacy import and every later bulk path. Each refusal names the rule and what
to do, as (field, message).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from casemgmt.models import Policy
from customers.models import Customer, Program, Status
from customers.rules import date_bound_problem, fmt, years_after
from services.models import Activity, ActivityProgram, Provides, ServiceRecord

# How far ahead a service may be planned: its projected start, and its planned end.
PROJECTED_START_MAX_YEARS = 1
PLANNED_END_MAX_YEARS = 5

Problem = tuple[str, str]  # (field, message)


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


# Where else a completed assessment may be recorded, asked as (customer, day) -> bool.
AssessmentSource = Callable[[Customer, datetime.date], bool]
ASSESSMENT_SOURCES: list[AssessmentSource] = []


def register_assessment_source(source: AssessmentSource) -> None:
    """Count another record of completed assessments for "requires a completed assessment".

    An assessment is given as a service here, or recorded on the plan's assessments list,
    which belongs to `plans`. plans sits above services and services may not import it, so
    plans registers its list in `PlansConfig.ready()` and the prerequisite asks every source.
    """
    if source not in ASSESSMENT_SOURCES:
        ASSESSMENT_SOURCES.append(source)


def completed_assessment_by(
    customer: Customer, day: datetime.date, records: list[ServiceRecord]
) -> bool:
    """A completed assessment on or before the day: an assessment service that has ended,
    or one a registered source holds (the plan's assessments list)."""
    if any(
        r.activity.provides == Provides.ASSESSMENT and r.ended_on is not None and r.ended_on <= day
        for r in records
    ):
        return True
    return any(source(customer, day) for source in ASSESSMENT_SOURCES)


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


def _name(activity: Activity) -> str:
    return f"{activity.title} ({activity.code})"


def _iep_code(customer: Customer) -> str:
    return "Development of an ISS (469)" if customer.is_youth else "Development of an IEP (205)"


def activity_retired_problems(draft: ServiceDraft) -> list[Problem]:
    """An activity retired from the service matrix is no longer recorded."""
    if draft.activity.active:
        return []
    return [
        (
            "activity",
            f"{_name(draft.activity)} is retired from the service matrix; choose a current activity.",
        )
    ]


def program_match_problems(draft: ServiceDraft) -> list[Problem]:
    """A Youth activity needs a Youth customer; an Adult/DW one, an Adult or DW customer."""
    activity, customer = draft.activity, draft.customer
    if activity.program == ActivityProgram.YOUTH and not customer.is_youth:
        return [
            (
                "activity",
                f"{_name(activity)} is a Youth service; the customer is not enrolled in Youth.",
            )
        ]
    if activity.program == ActivityProgram.ADULT_DW and not (
        {Program.ADULT, Program.DISLOCATED_WORKER} & set(customer.programs)
    ):
        return [
            (
                "activity",
                f"{_name(activity)} is an Adult/Dislocated Worker service; "
                "the customer is not enrolled in either.",
            )
        ]
    return []


def certification_date_problems(draft: ServiceDraft) -> list[Problem]:
    """No service before the customer is certified, nor before the certification date."""
    certified_on = draft.customer.certification_date
    if certified_on is None:
        return [
            (
                "started_on",
                f"{_name(draft.activity)} cannot be recorded before the customer is certified. "
                "Record the certification date on the profile first.",
            )
        ]
    if draft.started_on < certified_on:
        return [
            (
                "started_on",
                f"Services start on or after the certification date ({fmt(certified_on)}). "
                "Record it on the certification date and give the real date in the case note.",
            )
        ]
    return []


def start_and_end_date_problems(draft: ServiceDraft, *, today: datetime.date) -> list[Problem]:
    """What has happened is not in the future: an actual start and an end date are on or
    before today, an end follows the start and only a started service ends; a planned end
    follows the start."""
    start, ended_on = draft.started_on, draft.ended_on
    problems = []
    if not draft.start_is_projected and start > today:
        problems.append(
            (
                "started_on",
                "An actual start date cannot be in the future. Tick 'projected' for a planned service.",
            )
        )
    if ended_on is not None:
        if ended_on < start:
            problems.append(("ended_on", "The end date is before the start date."))
        if ended_on > today:
            problems.append(
                ("ended_on", "A service cannot be closed with a future end date; leave it open.")
            )
        if draft.start_is_projected:
            problems.append(
                ("ended_on", "A projected (planned) service has not started; it cannot be closed.")
            )
    if draft.planned_end_on is not None and draft.planned_end_on < start:
        problems.append(("planned_end_on", "The planned end date is before the start date."))
    return problems


def service_amount_problems(draft: ServiceDraft, *, policy: Policy | None) -> list[Problem]:
    """Weekly hours and the dollar value within the customer's region's policy; the policy
    is read only when the draft carries either."""
    if draft.weekly_hours is None and draft.dollar_value is None:
        return []
    return amount_problems(
        hours=draft.weekly_hours,
        dollar_value=draft.dollar_value,
        policy=policy or Policy.for_office(draft.customer.office),
    )


def same_day_problems(draft: ServiceDraft) -> list[Problem]:
    """A same-day service is recorded on the day it is given, and ends that day."""
    activity, start = draft.activity, draft.started_on
    if not activity.same_day:
        return []
    if draft.start_is_projected:
        return [
            (
                "start_is_projected",
                f"{_name(activity)} is a same-day service: record it on the day it is given.",
            )
        ]
    if draft.ended_on != start:
        return [
            (
                "ended_on",
                f"{_name(activity)} is a same-day service: it starts and ends on the same day "
                f"and cannot be left open. Set the end date to {fmt(start)}.",
            )
        ]
    return []


def completion_status_problems(draft: ServiceDraft) -> list[Problem]:
    """A service closes with a completion status (training only once completion is
    confirmed), and a completion status comes with the end date."""
    activity = draft.activity
    if draft.ended_on is not None and not draft.completion_status and not activity.same_day:
        what = (
            "Training services stay open until completion is confirmed, then close"
            if activity.is_training
            else "A service closes"
        )
        return [
            (
                "completion_status",
                f"{what} with a completion status: choose successful or unsuccessful.",
            )
        ]
    if draft.completion_status and draft.ended_on is None:
        return [
            (
                "ended_on",
                "Give the end date with the completion status, "
                "or clear the status to leave the service open.",
            )
        ]
    return []


def iep_prerequisite_problem(draft: ServiceDraft, records: list[ServiceRecord]) -> str | None:
    """An activity that requires an IEP (an ISS for Youth) follows one recorded by its start."""
    if not draft.activity.requires_iep or any(r.activity.provides == Provides.IEP for r in records):
        return None
    plan = "an ISS" if draft.customer.is_youth else "an IEP"
    return f"{_name(draft.activity)} requires {plan}: record {_iep_code(draft.customer)} first."


def assessment_prerequisite_problem(
    draft: ServiceDraft, records: list[ServiceRecord]
) -> str | None:
    """An activity that requires a completed assessment follows one completed by its start."""
    if not draft.activity.requires_assessment or completed_assessment_by(
        draft.customer, draft.started_on, records
    ):
        return None
    return (
        f"{_name(draft.activity)} requires a completed assessment: "
        "record and close the assessment first."
    )


def istep_prerequisite_problem(draft: ServiceDraft, records: list[ServiceRecord]) -> str | None:
    """An activity that requires a completed ISTEP (221) follows one closed by its start."""
    if not draft.activity.requires_istep or any(
        r.activity.provides == Provides.ISTEP
        and r.ended_on is not None
        and r.ended_on <= draft.started_on
        for r in records
    ):
        return None
    return (
        f"{_name(draft.activity)} requires a completed ISTEP: "
        "record and close the ISTEP (221) first."
    )


def active_enrolling_prerequisite_problem(
    draft: ServiceDraft, records: list[ServiceRecord]
) -> str | None:
    """A supporting activity needs an enrolling career or training service (not a supportive
    one) open on its start date."""
    start = draft.started_on
    if not draft.activity.requires_active_enrolling or any(
        r.activity.extends_exit_window
        and not r.activity.is_supportive
        and (r.ended_on is None or r.ended_on >= start)
        for r in records
    ):
        return None
    return (
        f"{_name(draft.activity)} must support an active career or training service: the "
        f"customer needs at least one open enrolling service on {fmt(start)}. "
        "Record that service first."
    )


def youth_order_problem(draft: ServiceDraft, records: list[ServiceRecord]) -> str | None:
    """Youth services follow the order of the matrix (468, 469, 470): the activity it must
    come after is recorded by its start."""
    activity = draft.activity
    if not activity.requires_prior_id or any(
        r.activity_id == activity.requires_prior_id for r in records
    ):
        return None
    prior = activity.requires_prior
    return (
        "Youth services follow the order 468, 469, 470: "
        f"record {prior.title} ({prior.code}) before {_name(activity)}."
    )


# The prerequisites of the matrix, each judged on the services recorded by the start date.
PREREQUISITES: tuple[Callable[[ServiceDraft, list[ServiceRecord]], str | None], ...] = (
    iep_prerequisite_problem,
    assessment_prerequisite_problem,
    istep_prerequisite_problem,
    active_enrolling_prerequisite_problem,
    youth_order_problem,
)


def _needs_history(activity: Activity) -> bool:
    return bool(
        activity.requires_iep
        or activity.requires_assessment
        or activity.requires_istep
        or activity.requires_active_enrolling
        or activity.requires_prior_id
    )


def prerequisite_problems(draft: ServiceDraft) -> list[Problem]:
    """Every prerequisite the activity's matrix row names, judged on the services actually
    started by the draft's start date (one query, and none when it names no prerequisite)."""
    if not _needs_history(draft.activity):
        return []
    records = list(
        ServiceRecord.objects.filter(
            customer=draft.customer, start_is_projected=False, started_on__lte=draft.started_on
        )
        .exclude(pk=draft.record_pk)
        .select_related("activity")
    )
    return [
        ("activity", message)
        for rule in PREREQUISITES
        if (message := rule(draft, records)) is not None
    ]


def follow_up_adult_dw_problems(draft: ServiceDraft) -> list[Problem]:
    """An activity the matrix bars in follow-up is refused to an Adult or Dislocated Worker
    customer in follow-up (a Youth customer may still receive it)."""
    customer = draft.customer
    if (
        draft.activity.not_in_follow_up_adult_dw
        and customer.status == Status.FOLLOW_UP
        and not customer.is_youth
    ):
        return [
            (
                "activity",
                "Adult and Dislocated Worker customers in follow-up cannot receive "
                f"{_name(draft.activity)}.",
            )
        ]
    return []


def service_problems(
    draft: ServiceDraft, *, today: datetime.date, policy: Policy | None = None
) -> list[Problem]:
    """Every reason the draft cannot be saved, as (field, message); empty when it can.

    The rules, in the order their refusals are shown. `policy` is the customer's region's;
    read when the draft carries hours or dollars.
    """
    return [
        *activity_retired_problems(draft),
        *program_match_problems(draft),
        *certification_date_problems(draft),
        *start_and_end_date_problems(draft, today=today),
        *service_date_problems(draft, today=today),
        *service_amount_problems(draft, policy=policy),
        *same_day_problems(draft),
        *completion_status_problems(draft),
        *prerequisite_problems(draft),
        *follow_up_adult_dw_problems(draft),
    ]


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
