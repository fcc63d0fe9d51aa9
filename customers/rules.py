"""Rules of the customer record, each in one function that returns the refusal."""

import datetime
import re

ELIGIBILITY_WINDOW_DAYS = 30


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


def phone_digits(value: str) -> str:
    """A US phone number as its ten digits (a leading 1 dropped); ValueError otherwise."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("1") and len(digits) == 11:
        digits = digits[1:]
    if digits and len(digits) != 10:
        raise ValueError("not ten digits")
    return digits
