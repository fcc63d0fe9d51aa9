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


# What a printed plan's snapshot holds (plans.services.plan_snapshot): the parts that
# are lists of records, and what each record holds that is itself a list or a record.
_CONTENT_LISTS = ("goals", "assessments", "barriers")
_CONTENT_RECORDS = ("customer", "office")


def plan_content_problem(content: object) -> str | None:
    """A version's content must print: a JSON object shaped like the snapshot the
    product makes, its goals and assessments records, each goal's steps records."""
    if not isinstance(content, dict):
        return "is not a JSON object (the plan as it was printed: goals, steps, ...)"
    for name in _CONTENT_LISTS:
        if not isinstance(content.get(name) or [], list):
            return f"its {name!r} is not a list"
    for name in _CONTENT_RECORDS:
        if not isinstance(content.get(name) or {}, dict):
            return f"its {name!r} is not an object"
    for part in ("goals", "assessments"):
        if not all(isinstance(item, dict) for item in content.get(part) or []):
            return f"each of its {part!r} must be an object"
    for goal in content.get("goals") or []:
        steps = goal.get("steps") or []
        if not isinstance(steps, list) or not all(isinstance(s, dict) for s in steps):
            return "each goal's 'steps' must be a list of objects"
    return None


def signed_version_problems(
    *,
    signed_on: datetime.date,
    developed_on: datetime.date,
    on: datetime.date,
    earlier_signed: datetime.date | None,
    later_signed: datetime.date | None,
) -> list[tuple[str, str]]:
    """A version signed elsewhere (the import) is signed on or after the plan was
    developed, not in the future, and in the order of the versions: no earlier than
    the version before it, no later than the version after it."""
    problems = []
    if signed_on > on:
        problems.append(("signed_on", "The signature date cannot be in the future."))
    if signed_on < developed_on:
        problems.append(
            (
                "signed_on",
                f"The signature date is before the plan was developed ({developed_on:%m/%d/%Y}).",
            )
        )
    if earlier_signed is not None and signed_on < earlier_signed:
        problems.append(
            (
                "signed_on",
                f"An earlier version was signed later ({earlier_signed:%m/%d/%Y}); "
                "versions are signed in order.",
            )
        )
    if later_signed is not None and signed_on > later_signed:
        problems.append(
            (
                "signed_on",
                f"A later version was signed earlier ({later_signed:%m/%d/%Y}); "
                "versions are signed in order.",
            )
        )
    return problems
