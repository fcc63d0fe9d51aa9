"""Rules of employment, exit and follow-up (SPEC 2, 8 and 9), each in one function."""

import datetime
from decimal import Decimal

PLACEMENT_FOLLOW_UP_DAYS = (30, 60, 90, 180, 270)
FOLLOW_UP_QUARTERS = 4
# A follow-up (quarterly or a placement's) is due soon this many days before its day
# and overdue the day after it.
FOLLOW_UP_DUE_SOON_DAYS = 7


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """The calendar quarter a day falls in: (year, 1-4)."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> datetime.date:
    """The last day of a calendar quarter; quarters past 4 roll into later years."""
    year += (quarter - 1) // 4
    quarter = (quarter - 1) % 4 + 1
    month = quarter * 3
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def follow_up_due_dates(exited_on: datetime.date) -> list[datetime.date]:
    """A follow-up is due by the end of each of the four quarters after the exit quarter."""
    year, quarter = quarter_of(exited_on)
    return [quarter_end(year, quarter + n) for n in range(1, FOLLOW_UP_QUARTERS + 1)]


def follow_up_year_ends(exited_on: datetime.date) -> datetime.date:
    """The customer's follow-up ends, and the file closes, 12 months after the exit quarter."""
    return follow_up_due_dates(exited_on)[-1]


def follow_up_starts(exited_on: datetime.date) -> datetime.date:
    """Follow-up starts with the first quarter after the exit quarter."""
    year, quarter = quarter_of(exited_on)
    return quarter_end(year, quarter) + datetime.timedelta(days=1)


def placement_follow_up_dates(starts_on: datetime.date) -> list[tuple[int, datetime.date]]:
    return [(day, starts_on + datetime.timedelta(days=day)) for day in PLACEMENT_FOLLOW_UP_DAYS]


def follow_up_state(*, due_on: datetime.date, on: datetime.date) -> str | None:
    """'due_soon' from 7 days before the due day, 'overdue' from the day after it."""
    if on > due_on:
        return "overdue"
    if on >= due_on - datetime.timedelta(days=FOLLOW_UP_DUE_SOON_DAYS):
        return "due_soon"
    return None


def minimum_wage_problem(*, hourly_wage: Decimal, minimum: Decimal) -> str | None:
    """A placement pays at least the minimum wage that applies (federal, or the region's
    higher state or local minimum)."""
    if hourly_wage < minimum:
        return (
            f"${hourly_wage:,.2f} an hour is below the minimum wage that applies here "
            f"(${minimum:,.2f}); a placement pays at least that."
        )
    return None


def subsidy_problem(*, hourly_wage: Decimal, subsidized_wage: Decimal) -> str | None:
    if subsidized_wage < 0:
        return "The subsidised part is $0.00 or more."
    if subsidized_wage > hourly_wage:
        return "The subsidised part cannot be more than the hourly wage."
    return None


def exit_problems(
    *,
    open_services: list[str],
    open_steps: list[str],
    last_enrolling_end: datetime.date | None,
    employed_at_exit: bool | None,
    other_reason: str,
) -> list[tuple[str, str]]:
    """A recorded exit: services complete (none open, none planned), with the employment
    status at exit or an excluding reason."""
    problems = []
    if open_services:
        problems.append(
            (
                "__all__",
                "Close every service before the exit; still open: "
                + ", ".join(open_services)
                + ".",
            )
        )
    if open_steps:
        problems.append(
            (
                "__all__",
                "Complete or end the plan's open steps first: " + ", ".join(open_steps) + ".",
            )
        )
    if last_enrolling_end is None:
        problems.append(("__all__", "The customer has no closed enrolling service to exit from."))
    if employed_at_exit is None and other_reason in ("", "00"):
        problems.append(
            (
                "employed_at_exit",
                "Say whether the customer is employed at exit, or give the reason that excludes "
                "them from the measures.",
            )
        )
    return problems
