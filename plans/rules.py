"""Rules of the IEP/ISS (SPEC 4), each in one function."""

import datetime
from collections.abc import Iterable

REUSE_MONTHS = 6
GOAL_STATEMENT_MAX = 144


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
