"""Rules of supportive services by purchase order (SPEC 6), each in one function. The
program year is `casemgmt.clock`'s (re-exported here for the app's callers)."""

import datetime
import re
from decimal import Decimal

from casemgmt.clock import program_year_bounds as program_year_bounds
from casemgmt.clock import program_year_label as program_year_label
from casemgmt.clock import program_year_of as program_year_of

CENT = Decimal("0.01")


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


# --- History as another system left it (the legacy import) ---------------------------

_SERIES_NUMBER = re.compile(r"(?P<office>.+)-PY(?P<yy>\d{2})-(?P<sequence>\d{5,})")


def po_number_parts(number: str, *, program_year: int) -> tuple[str, int, int] | None:
    """The office code, program year and sequence of a number written exactly as
    `po_number` writes it (SPR-PY26-00017), or None for a number in another format (a
    legacy one). The year is the one ending in the number's two digits nearest to
    `program_year`: SPR-PY25-00003 of a purchase order of program year 2026 is 2025's."""
    match = _SERIES_NUMBER.fullmatch(number)
    if match is None:
        return None
    yy, sequence = int(match["yy"]), int(match["sequence"])
    year = program_year - (program_year - yy) % 100
    if program_year - year > 50:
        year += 100
    office = match["office"]
    if (
        sequence < 1
        or po_number(office_code=office, program_year=year, sequence=sequence) != number
    ):
        return None
    return office, year, sequence


# How a message names a purchase order of each status.
_AS_STATED = {
    "draft": "a draft",
    "awaiting": "awaiting approval",
    "approved": "approved, not issued",
    "issued": "issued",
    "paid": "paid",
    "voided": "voided",
}


def po_history_problems(
    *,
    status: str,
    number: str,
    quantity: int,
    unit_price: Decimal,
    amount: Decimal,
    has_service: bool,
    issued_on: datetime.date | None,
    issued_by: bool,
    paid_on: datetime.date | None,
    amount_paid: Decimal | None,
    invoice_number: str,
    approved_by: bool,
    approved_at: bool,
    void_reason: str,
    voided_by: bool,
    today: datetime.date,
) -> list[tuple[str, str]]:
    """What a purchase order as another system left it cannot have been, whatever gates
    it went through then (caps, approval and referral are not judged again): the amount
    is the quantity times the unit price; a number, an issue date and the service
    issuing recorded come together, on an issued or paid purchase order (or a voided one
    that was issued) and on no other; a paid one has its payment date and amount, not
    above the amount nor before the issue; an approved one names its approver; a voided
    one says why. A boolean argument says whether that value is given."""
    problems: list[tuple[str, str]] = []
    stated = _AS_STATED.get(status, status)
    if quantity < 1:
        problems.append(("quantity", "The quantity is 1 or more."))
    if unit_price <= 0:
        problems.append(("unit_price", "The unit price is more than $0.00."))
    elif quantity >= 1 and amount != po_amount(quantity, unit_price):
        problems.append(
            (
                "amount",
                f"The amount is the quantity times the unit price: {quantity} x "
                f"${unit_price:,.2f} = ${po_amount(quantity, unit_price):,.2f}, "
                f"not ${amount:,.2f}.",
            )
        )

    if status in ("issued", "paid") or (
        status == "voided" and (number or has_service or issued_on or issued_by)
    ):
        what = {
            "issued": "An issued purchase order",
            "paid": "A paid purchase order",
        }.get(status, "A voided purchase order that was issued")
        if not number:
            problems.append(("number", f"{what} has the number it was issued with."))
        if not has_service:
            problems.append(
                (
                    "service",
                    f"{what} links the supportive service issuing recorded, with its "
                    "justification note.",
                )
            )
        if issued_on is None:
            problems.append(("issued_on", f"{what} has the date it was issued."))
        elif issued_on > today:
            problems.append(("issued_on", "The issue date cannot be in the future."))
    else:
        if number:
            problems.append(
                ("number", f"A purchase order is numbered when it is issued; this one is {stated}.")
            )
        if has_service:
            problems.append(
                (
                    "service",
                    "Only an issued purchase order has the service issuing recorded; this one "
                    f"is {stated}.",
                )
            )
        if issued_on is not None or issued_by:
            problems.append(
                (
                    "issued_on",
                    f"Only an issued purchase order has an issue date and issuer; this one is {stated}.",
                )
            )

    if status == "paid":
        if paid_on is None:
            problems.append(("paid_on", "A paid purchase order has its payment date."))
        if amount_paid is None:
            problems.append(("amount_paid", "A paid purchase order has the amount paid."))
        if paid_on is not None and amount_paid is not None and issued_on is not None:
            problems += payment_problems(
                amount_paid=amount_paid,
                amount=amount,
                paid_on=paid_on,
                issued_on=issued_on,
                today=today,
            )
    elif paid_on is not None or amount_paid is not None or invoice_number.strip():
        problems.append(
            ("paid_on", f"Only a paid purchase order has a payment; this one is {stated}.")
        )

    if status == "approved" and not approved_by:
        problems.append(
            ("approved_by", "An approved purchase order names the supervisor who approved it.")
        )
    if status in ("draft", "awaiting") and (approved_by or approved_at):
        problems.append(("approved_by", f"This purchase order is {stated}: not approved yet."))
    elif approved_at and not approved_by:
        problems.append(("approved_at", "An approval time needs who approved (approved_by)."))

    if status == "voided":
        if not void_reason.strip():
            problems.append(
                (
                    "void_reason",
                    "Say why the purchase order was voided; it is kept in the update log.",
                )
            )
    else:
        if void_reason.strip():
            problems.append(
                (
                    "void_reason",
                    f"Only a voided purchase order has a void reason; this one is {stated}.",
                )
            )
        if voided_by:
            problems.append(
                (
                    "voided_by",
                    f"Only a voided purchase order was voided by someone; this one is {stated}.",
                )
            )
    return problems
