"""Writes that bring a board's supportive services in as they stand, for the legacy
import (`bulkdata.legacy_import`) only.

The forms go forward one step at a time: a referral writes its case note, a purchase
order is drafted, sent for approval above the region's limit, issued once the budget
review, the community referral and the caps allow it (recording the supportive service
and taking the office's next number), then paid or voided. History has already gone
through those gates: a purchase order paid last year under the caps of last year, a
legacy number from the old system. These functions write such a state directly, once,
and each says what it sets that no form would.

They still refuse what contradicts itself (`refuse`, field by field, as the services
do; the rules are `supportive.rules.po_history_problems`): an amount that is not the
quantity times the unit price, a payment above the amount or without its date, an
issued purchase order without its number or its service, a voided one without a reason,
a number or a card number used twice, a service or a referral of another customer.
Budget reviews need no function here: `supportive.services.budget_review_create` writes
them as they were, on any past date.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from casemgmt.clock import today
from casemgmt.errors import refuse
from casemgmt.models import Office, User
from casenotes.models import CaseNote
from customers.models import Barrier, Customer
from services.models import ServiceRecord
from supportive.models import (
    ACTIVITY_CODES,
    POSequence,
    PurchaseOrder,
    Referral,
    SupportiveType,
    Vendor,
)
from supportive.rules import po_history_problems, po_number_parts


@transaction.atomic
def referral_restore(
    *,
    customer: Customer,
    supportive_type: str,
    barrier: Barrier,
    organisation: str,
    referred_on: datetime.date,
    outcome: str,
    note: CaseNote,
    created_by: User,
) -> Referral:
    """A referral as the old system left it, on any past date.

    Set directly: the case note, linked rather than written (it comes with the
    customer's case notes; the form writes one), and the outcome as it stands (the form
    records a later outcome as an addendum to that note).
    """
    problems = []
    if not organisation.strip():
        problems.append(("organisation", "Name the community organisation."))
    if referred_on > today(customer.office.time_zone):
        problems.append(("referred_on", "The referral date cannot be in the future."))
    if note.customer_id != customer.pk:
        problems.append(("note", "The case note belongs to another customer."))
    elif Referral.objects.filter(note=note).exists():
        problems.append(("note", "The case note is linked to another referral already."))
    refuse(problems)
    return Referral.objects.create(
        customer=customer,
        supportive_type=supportive_type,
        barrier=barrier,
        organisation=organisation.strip(),
        referred_on=referred_on,
        outcome=outcome,
        note=note,
        created_by=created_by,
    )


def _link_problems(
    *,
    customer: Customer,
    supportive_type: str,
    supports: ServiceRecord,
    service: ServiceRecord | None,
    referral: Referral | None,
) -> list[tuple[str, str]]:
    """The records a purchase order names are its customer's and fit it: the enrolling
    service it supports, the type's supportive service issuing recorded (linked to no
    other purchase order), a referral for the same need."""
    problems = []
    if supports.customer_id != customer.pk:
        problems.append(("supports", "The service it supports belongs to another customer."))
    elif not supports.activity.extends_exit_window:
        problems.append(
            (
                "supports",
                f"A supportive service supports an enrolling service; {supports.activity.code} "
                "is not one.",
            )
        )
    if service is not None:
        code = ACTIVITY_CODES[SupportiveType(supportive_type)]
        if service.customer_id != customer.pk:
            problems.append(("service", "The service belongs to another customer."))
        elif service.activity.code != code:
            problems.append(
                (
                    "service",
                    f"Issuing {SupportiveType(supportive_type).label.lower()} records a {code}; "
                    f"this service is a {service.activity.code}.",
                )
            )
        elif PurchaseOrder.objects.filter(service=service).exists():
            problems.append(("service", "The service is linked to another purchase order already."))
    if referral is not None and (
        referral.customer_id != customer.pk or referral.supportive_type != supportive_type
    ):
        problems.append(
            ("referral", "The referral is of another customer or for another need than this one.")
        )
    return problems


@transaction.atomic
def po_restore(
    *,
    legacy_id: str,
    customer: Customer,
    office: Office,
    program_year: int,
    status: str,
    number: str,
    vendor: Vendor,
    supportive_type: str,
    item: str,
    quantity: int,
    unit_price: Decimal,
    amount: Decimal,
    barrier: Barrier,
    supports: ServiceRecord,
    funding_program: str,
    justification: str,
    created_by: User,
    card_number: str = "",
    referral: Referral | None = None,
    no_referral_reason: str = "",
    service: ServiceRecord | None = None,
    approved_by: User | None = None,
    approved_at: datetime.datetime | None = None,
    issued_by: User | None = None,
    issued_on: datetime.date | None = None,
    paid_on: datetime.date | None = None,
    invoice_number: str = "",
    amount_paid: Decimal | None = None,
    void_reason: str = "",
    voided_by: User | None = None,
    voided_at: datetime.datetime | None = None,
) -> PurchaseOrder:
    """A purchase order as the old system left it, in any status, known again by its
    legacy id.

    Set directly: the status, the number as the old system wrote it (in the office's
    series or not; it takes no number from the series, see `po_sequences_raise`), the
    program year, the office, and who approved, issued, paid or voided it and when. No
    gate is passed again: not the vendor's types or whether it is active, the budget
    review, the community referral, the caps, the approval limit, nor whether the
    service supported is still open. The service issuing recorded is linked, not
    recorded again (it comes with the customer's services, with its justification
    note); the moment of issue is not known (`issued_at` stays empty), only its date.
    """
    card_number = card_number.strip()
    now = timezone.now()
    problems = po_history_problems(
        status=status,
        number=number,
        quantity=quantity,
        unit_price=unit_price,
        amount=amount,
        has_service=service is not None,
        issued_on=issued_on,
        issued_by=issued_by is not None,
        paid_on=paid_on,
        amount_paid=amount_paid,
        invoice_number=invoice_number,
        approved_by=approved_by is not None,
        approved_at=approved_at is not None,
        void_reason=void_reason,
        voided_by=voided_by is not None or voided_at is not None,
        today=today(office.time_zone),
    )
    if not item.strip():
        problems.append(("item", "Say what was bought."))
    if not justification.strip():
        problems.append(("justification", "Say what was provided and why."))
    for name, moment in (("approved_at", approved_at), ("voided_at", voided_at)):
        if moment is not None and moment > now:
            problems.append((name, "It cannot be in the future."))
    if number and PurchaseOrder.objects.filter(number=number).exists():
        problems.append(
            ("number", "Another purchase order has this number already: a number is used once.")
        )
    if card_number and PurchaseOrder.objects.filter(card_number=card_number).exists():
        problems.append(
            ("card_number", "That card number was issued already: a card is never issued twice.")
        )
    problems += _link_problems(
        customer=customer,
        supportive_type=supportive_type,
        supports=supports,
        service=service,
        referral=referral,
    )
    refuse(problems)
    return PurchaseOrder.objects.create(
        legacy_id=legacy_id,
        customer=customer,
        office=office,
        number=number or None,
        program_year=program_year,
        status=status,
        vendor=vendor,
        supportive_type=supportive_type,
        item=item.strip(),
        quantity=quantity,
        unit_price=unit_price,
        amount=amount,
        card_number=card_number or None,
        barrier=barrier,
        supports=supports,
        funding_program=funding_program,
        referral=referral,
        no_referral_reason=no_referral_reason.strip(),
        justification=justification.strip(),
        service=service,
        created_by=created_by,
        approved_by=approved_by,
        approved_at=approved_at,
        issued_by=issued_by,
        issued_on=issued_on,
        paid_on=paid_on,
        invoice_number=invoice_number.strip(),
        amount_paid=amount_paid,
        void_reason=void_reason.strip(),
        voided_by=voided_by,
        voided_at=voided_at,
    )


@transaction.atomic
def po_sequences_raise(orders: Iterable[PurchaseOrder]) -> dict[tuple[str, int], int]:
    """Set directly: the last number of an office's series for a program year, raised to
    the highest number of that series among `orders` (never lowered), so that the next
    purchase order issued there takes the number after it and never one imported. A
    number is of a series when it is written exactly as the series writes it
    (OFFICE-PYyy-nnnnn, `po_number_parts`), whichever office's purchase order carries
    it; a number in another format (a legacy one) is in no series. Returns the series
    raised, by office code and program year, with their last number."""
    highest: dict[tuple[str, int], int] = {}
    for po in orders:
        parts = po_number_parts(po.number or "", program_year=po.program_year)
        if parts is not None:
            code, year, sequence = parts
            highest[(code, year)] = max(highest.get((code, year), 0), sequence)
    offices = {o.code: o for o in Office.objects.filter(code__in={code for code, _ in highest})}
    raised = {}
    # One order of locks for everyone: office code, then year.
    for (code, year), last in sorted(highest.items()):
        office = offices.get(code)
        if office is None:
            continue  # the format of an office this installation does not have
        series, _created = POSequence.objects.select_for_update().get_or_create(
            office=office, program_year=year
        )
        if series.last < last:
            series.last = last
            series.save(update_fields=["last"])
            raised[(code, year)] = last
    return raised
