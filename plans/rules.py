"""Rules of the IEP/ISS (SPEC 4), each in one function."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from casemgmt.models import Policy
from customers.rules import EARLIEST_RECORD_DATE, date_bound_problem, years_after
from services.rules import amount_problems

REUSE_MONTHS = 6
GOAL_STATEMENT_MAX = 144
# A plan looks ahead: a step may be planned to start or fall due up to five years out.
STEP_MAX_YEARS_AHEAD = 5


def months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    # The same day of the month, or the month's last day when it is shorter.
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def assessment_reusable(*, assessed_on: datetime.date, on: datetime.date) -> bool:
    """A formal assessment less than 6 months old may be reused for a new plan.

    Given on 05/23 it is reusable on 11/22; given on 05/22 it is not (6 months old).
    """
    return assessed_on > months_before(on, REUSE_MONTHS)


def goal_completion_problem(step_statuses: Iterable[tuple[str, str]]) -> str | None:
    """A goal is complete only when its steps are. Takes (step name, status) pairs."""
    from plans.models import StepStatus

    unfinished = [name for name, status in step_statuses if status != StepStatus.COMPLETE]
    if unfinished:
        return (
            "A goal can be marked complete only when all its steps are complete. "
            f"Not complete: {', '.join(unfinished)}."
        )
    return None


def step_dates_problem(
    *, start_on: datetime.date | None, due_on: datetime.date | None
) -> str | None:
    if start_on and due_on and due_on < start_on:
        return "The due date is before the start date."
    return None


def step_problems(
    *,
    start_on: datetime.date | None,
    due_on: datetime.date | None,
    hours: Decimal | None,
    dollar_value: Decimal | None,
    today: datetime.date,
    policy: Policy,
) -> list[tuple[str, str]]:
    """A step starts and falls due between 2000 and five years from today, not due before
    it starts; its weekly hours and dollar value are those a service may have."""
    problems = []
    latest = years_after(today, STEP_MAX_YEARS_AHEAD)
    for name, label, day in (
        ("start_on", "The start date", start_on),
        ("due_on", "The due date", due_on),
    ):
        problem = date_bound_problem(
            label,
            day,
            earliest=EARLIEST_RECORD_DATE,
            latest=latest,
            latest_is="five years from today",
        )
        if problem:
            problems.append((name, problem))
    if not problems:
        problem = step_dates_problem(start_on=start_on, due_on=due_on)
        if problem:
            problems.append(("due_on", problem))
    problems += amount_problems(
        hours=hours,
        dollar_value=dollar_value,
        policy=policy,
        hours_field="hours",
        hours_label="Hours",
    )
    return problems


def plan_date_problem(
    label: str, day: datetime.date | None, *, today: datetime.date | None
) -> str | None:
    """A plan's dates of record (developed, reviewed, assessed, signed): not before 2000,
    and, when the office's day is known, not after it."""
    return date_bound_problem(
        label, day, earliest=EARLIEST_RECORD_DATE, latest=today, latest_is="today"
    )
