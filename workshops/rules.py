"""Rules of workshops, sessions and appointments (SPEC 7), each in one function."""

import datetime

from customers.rules import date_bound_problem

CAPACITY_MAX = 500
SERIES_MAX_WEEKS = 26
# A session or appointment is scheduled at most this far ahead, and recorded at most
# this far back (a session held but never put in the calendar).
SCHEDULE_DAYS_AHEAD = 366
SCHEDULE_DAYS_BACK = 60


def schedule_problems(
    *,
    on: datetime.date | None,
    starts_at: datetime.time | None,
    ends_at: datetime.time | None,
    today: datetime.date,
) -> list[tuple[str, str]]:
    """A session or appointment has a date within 60 days back and a year ahead, and
    ends after it starts."""
    problems = []
    problem = date_bound_problem(
        "The date",
        on,
        earliest=today - datetime.timedelta(days=SCHEDULE_DAYS_BACK),
        latest=today + datetime.timedelta(days=SCHEDULE_DAYS_AHEAD),
        earliest_is=f"{SCHEDULE_DAYS_BACK} days ago",
        latest_is="a year from today",
    )
    if problem:
        problems.append(("on", problem))
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        problems.append(("ends_at", "The end time must be after the start time."))
    return problems


def capacity_problem(capacity: int | None) -> str | None:
    if capacity is not None and not 1 <= capacity <= CAPACITY_MAX:
        return f"Capacity is between 1 and {CAPACITY_MAX} seats."
    return None


def series_problem(weeks: int | None) -> str | None:
    if weeks is not None and not 1 <= weeks <= SERIES_MAX_WEEKS:
        return f"A weekly series has 1 to {SERIES_MAX_WEEKS} sessions."
    return None


def has_room(*, capacity: int, booked: int) -> bool:
    """A booking takes a seat while booked seats are fewer than the capacity; after that
    the customer goes on the waiting list."""
    return booked < capacity


def sheet_overdue(*, session_on: datetime.date, today: datetime.date, deadline_days: int) -> bool:
    """An attendance sheet not submitted more than the entry deadline after the session
    is overdue (its records will be marked late, like any late entry)."""
    return (today - session_on).days > deadline_days


def overlaps(
    a_start: datetime.time, a_end: datetime.time, b_start: datetime.time, b_end: datetime.time
) -> bool:
    """Two times on the same day overlap when each starts before the other ends."""
    return a_start < b_end and b_start < a_end


def end_time_problem(starts_at: datetime.time | None, ends_at: datetime.time | None) -> str | None:
    """A session or appointment ends after it starts (the time rule of `schedule_problems`
    on its own, for history, which keeps any date)."""
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        return "The end time must be after the start time."
    return None


def not_happened_problem(
    on: datetime.date | None, *, today: datetime.date, what: str
) -> str | None:
    """Attendance, a kept or a missed appointment are recorded on the day or after: a
    date still ahead cannot carry them."""
    if on is not None and on > today:
        return f"This {what} has not happened yet ({on:%m/%d/%Y} is after today)."
    return None
