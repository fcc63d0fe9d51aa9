"""Rules of supportive services by purchase order (SPEC 6), each in one function."""

import datetime
from decimal import Decimal

PROGRAM_YEAR_STARTS = (7, 1)  # 1 July
CENT = Decimal("0.01")


def program_year_of(day: datetime.date) -> int:
    """The program year a day falls in, named by the year it starts: 1 July 2026 to
    30 June 2027 is program year 2026 (PY26)."""
    return day.year if (day.month, day.day) >= PROGRAM_YEAR_STARTS else day.year - 1


def program_year_label(year: int) -> str:
    return f"PY{year % 100:02d}"


def program_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 7, 1), datetime.date(year + 1, 6, 30)


def po_number(*, office_code: str, program_year: int, sequence: int) -> str:
    """An office's purchase order number in its series for the year: SPR-PY26-00017."""
    return f"{office_code}-{program_year_label(program_year)}-{sequence:05d}"


def po_amount(quantity: int, unit_price: Decimal) -> Decimal:
    return (Decimal(quantity) * unit_price).quantize(CENT)


def budget_review_problem(
    *, reviewed_on: datetime.date | None, on: datetime.date, max_days: int
) -> str | None:
    """A purchase order needs a budget review at most `max_days` old (day 180 is still
    recent enough with the default; day 181 is not)."""
    if reviewed_on is None:
        return "Record the customer's budget review first: nothing is paid without one."
    age = (on - reviewed_on).days
    if age > max_days:
        return (
            f"The last budget review ({reviewed_on:%m/%d/%Y}) is {age} days old; the region "
            f"accepts one at most {max_days} days old. Review the budget with the customer again."
        )
    return None


def referral_problem(
    *,
    referral_outcome: str | None,
    no_referral_reason: str,
    waived: bool,
) -> str | None:
    """Community referral first: a referral for this need that the organisation could
    not help with, or a reason why no organisation offers it, unless the region waives
    the referral for this type."""
    if waived or no_referral_reason.strip():
        return None
    if referral_outcome is None:
        return (
            "Refer the customer to a community organisation for this need first, or say why "
            "no organisation offers it."
        )
    if referral_outcome != "could_not_help":
        return (
            "The referral for this need is not marked 'could not help': a purchase order pays "
            "only for what no community organisation could provide."
        )
    return None


def cap_problems(
    *,
    amount: Decimal,
    type_label: str,
    spent_of_type: Decimal,
    type_cap: Decimal | None,
    spent_in_total: Decimal,
    total_cap: Decimal | None,
    year_label: str,
) -> list[str]:
    """The customer's supportive services of one program year stay within the region's
    cap for the type and the cap on all types, to the cent."""
    problems = []
    if type_cap is not None and spent_of_type + amount > type_cap:
        problems.append(
            f"{type_label} for this customer in {year_label} would come to "
            f"${spent_of_type + amount:,.2f}, over the cap of ${type_cap:,.2f} "
            f"(${max(type_cap - spent_of_type, 0):,.2f} left)."
        )
    if total_cap is not None and spent_in_total + amount > total_cap:
        problems.append(
            f"Supportive services for this customer in {year_label} would come to "
            f"${spent_in_total + amount:,.2f}, over the cap of ${total_cap:,.2f} on all types "
            f"(${max(total_cap - spent_in_total, 0):,.2f} left)."
        )
    return problems


def needs_approval(*, amount: Decimal, limit: Decimal) -> bool:
    """Above the region's limit a supervisor approves first; at the limit, nobody."""
    return amount > limit


def payment_problems(
    *,
    amount_paid: Decimal,
    amount: Decimal,
    paid_on: datetime.date,
    issued_on: datetime.date,
    today: datetime.date,
) -> list[tuple[str, str]]:
    problems = []
    if amount_paid <= 0:
        problems.append(("amount_paid", "The amount paid is more than $0.00."))
    elif amount_paid > amount:
        problems.append(
            ("amount_paid", f"The amount paid cannot be above the amount issued (${amount:,.2f}).")
        )
    if paid_on < issued_on:
        problems.append(("paid_on", f"Paid before it was issued ({issued_on:%m/%d/%Y})?"))
    if paid_on > today:
        problems.append(("paid_on", "The payment date cannot be in the future."))
    return problems
