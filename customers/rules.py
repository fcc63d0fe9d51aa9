"""Rules of the customer record, each in one function that returns the refusal.

The date bounds here are the floor every app builds on: `date_bound_problem` words a
date out of its bounds the same way for customers, services, plans and gaps.
"""

import datetime
import re

ELIGIBILITY_WINDOW_DAYS = 30
# A career planner's sensible bounds: nobody alive was born before 1900, and no
# application, determination, service or plan of these programs predates 2000.
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
EARLIEST_RECORD_DATE = datetime.date(2000, 1, 1)


def fmt(day: datetime.date) -> str:
    return f"{day:%m/%d/%Y}"


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def date_bound_problem(
    label: str,
    day: datetime.date | None,
    *,
    earliest: datetime.date | None = None,
    latest: datetime.date | None = None,
    earliest_is: str = "",
    latest_is: str = "",
) -> str | None:
    """A date before `earliest` or after `latest` (both allowed), named with its bound.

    `earliest_is` and `latest_is` say what the bound is, as "today".
    """
    if day is None:
        return None
    if earliest is not None and day < earliest:
        why = f" ({earliest_is})" if earliest_is else ""
        return f"{label} cannot be before {fmt(earliest)}{why}."
    if latest is not None and day > latest:
        why = f" ({latest_is})" if latest_is else ""
        return f"{label} cannot be after {fmt(latest)}{why}."
    return None


def customer_date_problems(
    *,
    date_of_birth: datetime.date | None,
    application_date: datetime.date | None,
    eligibility_date: datetime.date | None,
    certification_date: datetime.date | None,
    today: datetime.date,
) -> list[tuple[str, str]]:
    """Birth dates from 1900 to today; application, eligibility and certification dates
    from 2000 to today (the office's day). Returns (field, message) pairs."""
    problems = []
    problem = date_bound_problem(
        "The date of birth",
        date_of_birth,
        earliest=EARLIEST_BIRTH_DATE,
        latest=today,
        latest_is="today",
    )
    if problem:
        problems.append(("date_of_birth", problem))
    for name, label, day in (
        ("application_date", "The application date", application_date),
        ("eligibility_date", "The eligibility determination date", eligibility_date),
        ("certification_date", "The certification date", certification_date),
    ):
        problem = date_bound_problem(
            label, day, earliest=EARLIEST_RECORD_DATE, latest=today, latest_is="today"
        )
        if problem:
            problems.append((name, problem))
    return problems


def eligibility_date_problem(
    *,
    application_date: datetime.date | None,
    eligibility_date: datetime.date | None,
    late_reason: str,
) -> str | None:
    """Eligibility is determined within 30 days of the application (SPEC 2).

    Day 30 is on time; day 31 and later need a recorded reason.
    """
    if application_date is None or eligibility_date is None:
        return None
    days = (eligibility_date - application_date).days
    if days < 0:
        return (
            "The eligibility determination date is before the application date. Check both dates."
        )
    if days > ELIGIBILITY_WINDOW_DAYS and not late_reason.strip():
        return (
            f"Eligibility must be determined within {ELIGIBILITY_WINDOW_DAYS} days of the "
            f"application; this one took {days} days. Record the reason for the delay to save it."
        )
    return None


def certification_date_problem(
    *,
    application_date: datetime.date | None,
    eligibility_date: datetime.date | None,
    certification_date: datetime.date | None,
) -> str | None:
    """A customer is certified once eligible: not before the eligibility determination."""
    if certification_date is None:
        return None
    if eligibility_date is None:
        return "Record the eligibility determination date before the certification date."
    if certification_date < eligibility_date:
        return (
            "The certification date is before the eligibility determination date. "
            "Certify on or after the day eligibility was determined."
        )
    return None


# Digits with the separators people type, after an optional +1. ASCII digits only: a
# keycap emoji or a full-width digit is not a phone number.
_PHONE = re.compile(r"(?:\+1)?[0-9 ().\-]*")
PHONE_CHARACTERS = "digits, spaces, dashes, dots, parentheses and a leading +1"


def phone_digits(value: str) -> str:
    """A US phone number as its ten digits (a leading 1 dropped); ValueError otherwise.

    Anything but digits, spaces, dashes, dots, parentheses and a leading +1 is refused,
    never dropped: a number with an emoji in it is not silently blanked.
    """
    value = (value or "").strip()
    if not _PHONE.fullmatch(value):
        raise ValueError(f"holds characters other than {PHONE_CHARACTERS}")
    digits = re.sub(r"[^0-9]", "", value)
    if digits.startswith("1") and len(digits) == 11:
        digits = digits[1:]
    if digits and len(digits) != 10:
        raise ValueError("is not ten digits")
    return digits


def duplicate_check_problem(*, checks_in_window: int, limit: int) -> str | None:
    """The hourly limit on duplicate checks: check number `limit` is allowed, the next is not."""
    if checks_in_window >= limit:
        return (
            f"You have checked {checks_in_window} registrations for existing records in the "
            f"last hour, the most the region's policy allows ({limit}). Nothing was saved; "
            "try again later, or ask a supervisor if you are registering a group."
        )
    return None
