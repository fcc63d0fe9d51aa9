"""Every write of supportive services: budget reviews, referrals, and each state change
of a purchase order (SPEC 6). Issuing records the supportive service and its
justification note in the same transaction as the number: all of it or none.

Concurrency: issuing locks the customer's row first (so two purchase orders of one
customer are checked against the cap one after the other), then the office's series
row for the program year (so two issued at once get consecutive numbers).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from casemgmt.clock import today
from casemgmt.conflicts import bump, lock_for_edit
from casemgmt.errors import refuse
from casemgmt.models import Policy, User
from casenotes.models import CaseNote, ContactMethod, NoteType
from casenotes.services import casenote_add_addendum, casenote_create
from customers.models import Barrier, Customer
from services.models import Activity, CompletionStatus, ServiceRecord
from services.services import NoteDraft, service_record_correct, service_record_create
from supportive.models import (
    ACTIVITY_CODES,
    BudgetReview,
    FundingProgram,
    POSequence,
    POStatus,
    PurchaseOrder,
    Referral,
    ReferralOutcome,
    SupportiveCap,
    SupportiveType,
    Vendor,
)
from supportive.rules import (
    budget_review_problem,
    cap_problems,
    needs_approval,
    payment_problems,
    po_amount,
    po_number,
    program_year_label,
    program_year_of,
    referral_problem,
)

COUNTED = (POStatus.ISSUED, POStatus.PAID)


# --- Budget review and referral ----------------------------------------------------


@transaction.atomic
def budget_review_create(
    *,
    customer: Customer,
    reviewed_on: datetime.date,
    amounts: dict[str, Decimal],
    notes: str,
    created_by: User,
) -> BudgetReview:
    problems = []
    if reviewed_on > today(customer.office.time_zone):
        problems.append(("reviewed_on", "The review date cannot be in the future."))
    for name in BudgetReview.INCOME + BudgetReview.EXPENSES:
        value = amounts.get(name) or Decimal(0)
        if value < 0:
            problems.append((name, "Give the monthly amount as $0.00 or more."))
    refuse(problems)
    return BudgetReview.objects.create(
        customer=customer,
        reviewed_on=reviewed_on,
        notes=notes.strip(),
        created_by=created_by,
        **{
            name: amounts.get(name) or Decimal(0)
            for name in BudgetReview.INCOME + BudgetReview.EXPENSES
        },
    )


@transaction.atomic
def referral_create(
    *,
    customer: Customer,
    supportive_type: str,
    barrier: Barrier,
    organisation: str,
    referred_on: datetime.date,
    outcome: str,
    created_by: User,
) -> Referral:
    """Refer the customer to a community organisation for a need; the case note of the
    same date names the organisation and the service."""
    label = SupportiveType(supportive_type).label
    if not organisation.strip():
        refuse([("organisation", "Name the community organisation.")])
    note = casenote_create(
        customer=customer,
        author=created_by,
        contact_date=referred_on,
        subject=f"Supportive Service/Referral: {label}"[:200],
        body=(
            f"Referred the customer to {organisation.strip()} for {label.lower()} "
            f"(barrier: {barrier.name}). Outcome: {ReferralOutcome(outcome).label.lower()}."
        ),
        contact_method=ContactMethod.IN_PERSON,
        two_way=True,
        note_type=NoteType.SUPPORTIVE,
    )
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


@transaction.atomic
def referral_set_outcome(
    *, referral: Referral, outcome: str, user: User, expected_version: int | None
) -> Referral:
    referral = lock_for_edit(Referral, referral.pk, expected_version=expected_version)
    if outcome not in ReferralOutcome.values:
        refuse([("outcome", "Choose helped, could not help or pending.")])
    referral.outcome = outcome
    bump(referral)
    referral.save(update_fields=["outcome", "lock_version"])
    if referral.note_id:
        casenote_add_addendum(
            original=referral.note,
            author=user,
            body=f"{referral.organisation}: {ReferralOutcome(outcome).label.lower()}.",
        )
    referral.refresh_from_db()
    return referral


# --- What a purchase order must meet -------------------------------------------------


def spent_this_year(
    customer: Customer, program_year: int, *, exclude: int | None = None
) -> dict[str, Decimal]:
    """The issued and paid purchase orders of the customer in the program year, by type."""
    rows = (
        PurchaseOrder.objects.filter(
            customer=customer, program_year=program_year, status__in=COUNTED
        )
        .exclude(pk=exclude)
        .values("supportive_type")
        .annotate(total=Sum("amount"))
    )
    return {row["supportive_type"]: row["total"] for row in rows}


def caps_for(region_id: int) -> dict[str, SupportiveCap]:
    """The region's caps by type ('' for the total)."""
    return {cap.supportive_type: cap for cap in SupportiveCap.objects.filter(region_id=region_id)}


def _gate_problems(po: PurchaseOrder, *, on: datetime.date) -> list[tuple[str, str]]:
    """Everything a purchase order must meet to be issued (and checked on the draft)."""
    customer = po.customer
    policy = Policy.for_office(customer.office)
    problems = []
    budget = customer.budgets.order_by("-reviewed_on").values_list("reviewed_on", flat=True).first()
    problem = budget_review_problem(
        reviewed_on=budget, on=on, max_days=policy.budget_review_max_days
    )
    if problem:
        problems.append(("__all__", problem))
    caps = caps_for(customer.office.region_id)
    type_cap = caps.get(po.supportive_type)
    problem = referral_problem(
        referral_outcome=po.referral.outcome if po.referral_id else None,
        no_referral_reason=po.no_referral_reason,
        waived=bool(type_cap and type_cap.referral_waived),
    )
    if problem:
        problems.append(("referral", problem))
    spent = spent_this_year(customer, po.program_year, exclude=po.pk)
    total_cap = caps.get("")
    for message in cap_problems(
        amount=po.amount,
        type_label=SupportiveType(po.supportive_type).label,
        spent_of_type=spent.get(po.supportive_type, Decimal(0)),
        type_cap=type_cap.amount if type_cap else None,
        spent_in_total=sum(spent.values(), Decimal(0)),
        total_cap=total_cap.amount if total_cap else None,
        year_label=program_year_label(po.program_year),
    ):
        problems.append(("unit_price", message))
    return problems


def _draft_problems(
    *,
    customer: Customer,
    vendor: Vendor,
    supportive_type: str,
    quantity: int,
    unit_price: Decimal,
    supports: ServiceRecord,
    referral: Referral | None,
    funding_program: str,
    card_number: str,
) -> list[tuple[str, str]]:
    problems = []
    if not vendor.active:
        problems.append(("vendor", "This vendor is no longer active; choose another."))
    elif supportive_type not in vendor.supportive_types:
        problems.append(
            (
                "vendor",
                f"{vendor.name} does not supply {SupportiveType(supportive_type).label.lower()}.",
            )
        )
    if quantity < 1:
        problems.append(("quantity", "The quantity is 1 or more."))
    if unit_price <= 0:
        problems.append(("unit_price", "The unit price is more than $0.00."))
    elif (
        quantity >= 1
        and po_amount(quantity, unit_price) > Policy.for_office(customer.office).dollar_value_max
    ):
        problems.append(
            ("unit_price", "The amount is above the largest a service may cost; check the figures.")
        )
    if (
        supports.customer_id != customer.pk
        or not supports.is_open
        or not supports.activity.extends_exit_window
    ):
        problems.append(
            (
                "supports",
                "Choose an open enrolling service of this customer: a supportive service supports one.",
            )
        )
    if referral is not None and (
        referral.customer_id != customer.pk or referral.supportive_type != supportive_type
    ):
        problems.append(("referral", "Choose a referral of this customer for the same need."))
    if funding_program not in FundingProgram.values:
        problems.append(("funding_program", "Choose the funding program."))
    elif funding_program not in customer.programs:
        problems.append(("funding_program", "The customer is not enrolled in that program."))
    if card_number and PurchaseOrder.objects.filter(card_number=card_number).exists():
        problems.append(
            ("card_number", "That card number was issued already: a card is never issued twice.")
        )
    return problems


# --- Purchase orders -------------------------------------------------------------------


@transaction.atomic
def po_create(
    *,
    customer: Customer,
    vendor: Vendor,
    supportive_type: str,
    item: str,
    quantity: int,
    unit_price: Decimal,
    barrier: Barrier,
    supports: ServiceRecord,
    funding_program: str,
    justification: str,
    created_by: User,
    referral: Referral | None = None,
    no_referral_reason: str = "",
    card_number: str = "",
) -> PurchaseOrder:
    """Draft a purchase order. Its number comes when it is issued."""
    customer = Customer.objects.select_related("office").get(pk=customer.pk)
    card_number = card_number.strip()
    problems = _draft_problems(
        customer=customer,
        vendor=vendor,
        supportive_type=supportive_type,
        quantity=quantity,
        unit_price=unit_price,
        supports=supports,
        referral=referral,
        funding_program=funding_program,
        card_number=card_number,
    )
    if not item.strip():
        problems.append(("item", "Say what is bought."))
    if not justification.strip():
        problems.append(
            ("justification", "Say what is provided and why: it becomes the case note.")
        )
    refuse(problems)
    return PurchaseOrder.objects.create(
        customer=customer,
        office=customer.office,
        program_year=program_year_of(today(customer.office.time_zone)),
        vendor=vendor,
        supportive_type=supportive_type,
        item=item.strip(),
        quantity=quantity,
        unit_price=unit_price,
        amount=po_amount(quantity, unit_price),
        card_number=card_number or None,
        barrier=barrier,
        supports=supports,
        funding_program=funding_program,
        referral=referral,
        no_referral_reason=no_referral_reason.strip(),
        justification=justification.strip(),
        created_by=created_by,
    )


def _lock(po: PurchaseOrder, expected_version: int | None) -> PurchaseOrder:
    # The customer first, as issuing does: the cap is checked one purchase order at a time.
    Customer.objects.select_for_update().filter(pk=po.customer_id).first()
    return lock_for_edit(PurchaseOrder, po.pk, expected_version=expected_version)


def _save(po: PurchaseOrder, *names: str) -> PurchaseOrder:
    bump(po)
    po.save(update_fields=[*names, "lock_version"])
    po.refresh_from_db()
    return po


def po_needs_approval(po: PurchaseOrder) -> bool:
    return needs_approval(amount=po.amount, limit=Policy.for_office(po.office).po_approval_limit)


@transaction.atomic
def po_request_approval(
    *, po: PurchaseOrder, user: User, expected_version: int | None
) -> PurchaseOrder:
    """Send a draft above the approval limit to the office's supervisors."""
    po = _lock(po, expected_version)
    if po.status != POStatus.DRAFT:
        refuse(
            [("__all__", f"This purchase order is {po.get_status_display().lower()}, not a draft.")]
        )
    if not po_needs_approval(po):
        refuse([("__all__", "This amount needs no approval: issue it.")])
    refuse(_gate_problems(po, on=today(po.office.time_zone)))
    po.status = POStatus.AWAITING
    return _save(po, "status")


@transaction.atomic
def po_approve(*, po: PurchaseOrder, approver: User, expected_version: int | None) -> PurchaseOrder:
    """A supervisor of the office approves; nobody approves a purchase order they drafted."""
    po = _lock(po, expected_version)
    if po.status != POStatus.AWAITING:
        refuse(
            [
                (
                    "__all__",
                    f"This purchase order is {po.get_status_display().lower()}: only one awaiting approval is approved.",
                )
            ]
        )
    if po.created_by_id == approver.pk:
        raise PermissionDenied(
            "Nobody approves a purchase order they drafted: another supervisor of the office approves it."
        )
    if not approver.supervised_offices.filter(pk=po.office_id).exists() and not approver.has_perm(
        "casemgmt.view_all_offices"
    ):
        raise PermissionDenied("Only a supervisor of this office approves its purchase orders.")
    po.status = POStatus.APPROVED
    po.approved_by = approver
    po.approved_at = timezone.now()
    return _save(po, "status", "approved_by", "approved_at")


def justification_note(po: PurchaseOrder) -> NoteDraft:
    """The case note issuing writes: the barrier, the organisations tried, what is provided."""
    tried = (
        f"Referred to {po.referral.organisation} on {po.referral.referred_on:%m/%d/%Y}, who could not help."
        if po.referral_id
        else f"No community organisation was tried: {po.no_referral_reason}"
        if po.no_referral_reason
        else "The region waives the community referral for this type."
    )
    return NoteDraft(
        subject=f"Supportive Service/{SupportiveType(po.supportive_type).label}"[:200],
        body=(
            f"Barrier: {po.barrier.name}. {tried} Provided: {po.item} x {po.quantity} from "
            f"{po.vendor.name}, ${po.amount:,.2f}. {po.justification}"
        ),
        contact_method=ContactMethod.IN_PERSON,
        two_way=True,
        note_type=NoteType.SUPPORTIVE,
    )


@transaction.atomic
def po_issue(*, po: PurchaseOrder, user: User, expected_version: int | None) -> PurchaseOrder:
    """Issue: check every gate again under the customer's lock, record the supportive
    service with its justification note (the service rules apply), then take the next
    number of the office's series. A refusal anywhere leaves no number used."""
    po = _lock(po, expected_version)
    if po.status == POStatus.AWAITING:
        refuse([("__all__", "This purchase order awaits a supervisor's approval.")])
    if po.status not in (POStatus.DRAFT, POStatus.APPROVED):
        refuse([("__all__", f"This purchase order is {po.get_status_display().lower()}.")])
    if po.status == POStatus.DRAFT and po_needs_approval(po):
        refuse(
            [("__all__", "Above the approval limit: send it for a supervisor's approval first.")]
        )
    on = today(po.office.time_zone)
    refuse(_gate_problems(po, on=on))
    record = service_record_create(
        customer=po.customer,
        activity=Activity.objects.get(code=ACTIVITY_CODES[SupportiveType(po.supportive_type)]),
        started_on=on,
        ended_on=on,
        completion_status=CompletionStatus.SUCCESSFUL,
        dollar_value=po.amount,
        provider="outside",
        provider_name=po.vendor.name,
        barriers=[po.barrier],
        entered_by=user,
        note=justification_note(po),
    )
    sequence, _created = POSequence.objects.select_for_update().get_or_create(
        office=po.office, program_year=po.program_year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    po.number = po_number(
        office_code=po.office.code, program_year=po.program_year, sequence=sequence.last
    )
    po.status = POStatus.ISSUED
    po.service = record
    po.issued_by = user
    po.issued_on = on
    po.issued_at = timezone.now()
    return _save(po, "number", "status", "service", "issued_by", "issued_on", "issued_at")


@transaction.atomic
def po_pay(
    *,
    po: PurchaseOrder,
    paid_on: datetime.date,
    invoice_number: str,
    amount_paid: Decimal,
    user: User,
    expected_version: int | None,
) -> PurchaseOrder:
    po = _lock(po, expected_version)
    if po.status != POStatus.ISSUED:
        refuse(
            [
                (
                    "__all__",
                    f"Only an issued purchase order is paid; this one is {po.get_status_display().lower()}.",
                )
            ]
        )
    problems = payment_problems(
        amount_paid=amount_paid,
        amount=po.amount,
        paid_on=paid_on,
        issued_on=po.issued_on,
        today=today(po.office.time_zone),
    )
    if not invoice_number.strip():
        problems.append(("invoice_number", "Give the vendor's invoice number."))
    refuse(problems)
    po.status = POStatus.PAID
    po.paid_on = paid_on
    po.invoice_number = invoice_number.strip()
    po.amount_paid = amount_paid
    return _save(po, "status", "paid_on", "invoice_number", "amount_paid")


@transaction.atomic
def po_void(
    *, po: PurchaseOrder, reason: str, user: User, expected_version: int | None
) -> PurchaseOrder:
    """Void before payment, with a reason. The number stays used; an issued purchase
    order's service is corrected (unsuccessful, $0.00) and its note gets an addendum."""
    po = _lock(po, expected_version)
    if po.status in (POStatus.PAID, POStatus.VOIDED):
        refuse(
            [("__all__", f"A {po.get_status_display().lower()} purchase order cannot be voided.")]
        )
    if not reason.strip():
        refuse([("reason", "Say why the purchase order is voided; it is kept in the update log.")])
    if po.service_id is not None:
        record = po.service
        service_record_correct(
            record=record,
            corrected_by=user,
            reason=f"Purchase order {po.number} voided: {reason.strip()}",
            fields={"completion_status": CompletionStatus.UNSUCCESSFUL, "dollar_value": Decimal(0)},
            barriers=record.barriers.all(),
        )
        note = (
            CaseNote.objects.filter(service=record, addendum_to__isnull=True).order_by("pk").first()
        )
        if note is not None:
            casenote_add_addendum(
                original=note,
                author=user,
                body=f"Purchase order {po.number} was voided: {reason.strip()} Nothing was provided under it.",
            )
    po.status = POStatus.VOIDED
    po.void_reason = reason.strip()
    po.voided_by = user
    po.voided_at = timezone.now()
    return _save(po, "status", "void_reason", "voided_by", "voided_at")


def po_refusal(exc: ValidationError) -> list[str]:
    """A refusal's messages, for a page that shows them together."""
    if hasattr(exc, "error_dict"):
        return [m for messages in exc.message_dict.values() for m in messages]
    return list(exc.messages)
