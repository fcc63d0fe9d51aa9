"""The printed purchase order and the receipt for a card (SPEC 6), rendered by WeasyPrint
through `plans.printing.html_to_pdf`, which fetches nothing.

A purchase order goes to the vendor: it names the customer by name and customer number
only. Their contact details, birth date, barrier and the justification stay in the case
file (TEGL 39-11: least access).
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.template.loader import render_to_string

from casemgmt.clock import today
from casemgmt.models import Policy
from plans.printing import format_date, format_money, html_to_pdf, line
from supportive.models import POStatus, PurchaseOrder
from supportive.rules import program_year_label

PO_TEMPLATE = "print/purchase_order.html"
RECEIPT_TEMPLATE = "print/card_receipt.html"
VALID = (POStatus.ISSUED, POStatus.PAID)
NOT_VALID = "NOT VALID FOR PURCHASE"


@dataclass(frozen=True)
class PODocument:
    """What the printed purchase order says, every value as it prints."""

    office_name: str
    office_address: str
    office_phone: str
    number: str
    banner: str  # empty on a valid purchase order
    status: str
    program_year: str
    vendor_name: str
    vendor_address: str
    vendor_phone: str
    supportive_type: str
    item: str
    quantity: int
    unit_price: str
    amount: str
    card_number: str
    funding_program: str
    customer_name: str
    customer_number: str
    drafted_by: str
    approval: str
    approved_by: str
    approved_on: str
    issued_by: str
    issued_on: str
    printed_on: str


def _local(moment: datetime.datetime | None, time_zone: str) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
    return f"{local:%m/%d/%Y %I:%M %p} {local.tzname()}"


def _approval(po: PurchaseOrder) -> str:
    """The approval line in words: who approved and when, or why nobody had to."""
    zone = po.office.time_zone
    if po.approved_by_id:
        return f"Approved by {po.approved_by} on {_local(po.approved_at, zone)}"
    limit = Policy.for_office(po.office).po_approval_limit
    if po.amount <= limit:
        return f"Not required: the amount is within the approval limit of {format_money(limit)}"
    if po.status == POStatus.AWAITING:
        return "Awaiting a supervisor's approval"
    return f"Required above {format_money(limit)}: not approved"


def po_document(po: PurchaseOrder) -> PODocument:
    office = po.office
    valid = po.status in VALID
    if po.status == POStatus.VOIDED:
        banner = f"VOIDED — {NOT_VALID}"
    elif not valid:
        banner = f"DRAFT — {NOT_VALID}"
    else:
        banner = ""
    customer = po.customer
    return PODocument(
        office_name=office.name,
        office_address=line(office.address),
        office_phone=office.phone,
        number=po.number or "DRAFT",
        banner=banner,
        status=po.get_status_display(),
        program_year=program_year_label(po.program_year),
        vendor_name=line(po.vendor.name),
        vendor_address=line(po.vendor.address),
        vendor_phone=po.vendor.phone,
        supportive_type=po.get_supportive_type_display(),
        item=line(po.item),
        quantity=po.quantity,
        unit_price=format_money(po.unit_price),
        amount=format_money(po.amount),
        card_number=po.card_number or "",
        funding_program=po.get_funding_program_display(),
        customer_name=line(customer.full_name),
        customer_number=customer.customer_number,
        drafted_by=str(po.created_by),
        approval=_approval(po),
        approved_by=str(po.approved_by) if po.approved_by_id else "",
        approved_on=_local(po.approved_at, office.time_zone),
        issued_by=str(po.issued_by) if po.issued_by_id and valid else "",
        issued_on=format_date(po.issued_on) if valid else "",
        printed_on=format_date(today(office.time_zone)),
    )


def render_po_html(po: PurchaseOrder) -> str:
    return render_to_string(PO_TEMPLATE, {"doc": po_document(po)})


def render_po_pdf(po: PurchaseOrder) -> bytes:
    return html_to_pdf(render_po_html(po))


def render_receipt_pdf(po: PurchaseOrder) -> bytes:
    """The receipt the customer signs for a gas card or bus pass."""
    return html_to_pdf(render_to_string(RECEIPT_TEMPLATE, {"doc": po_document(po)}))


def filename(po: PurchaseOrder, kind: str = "purchase-order") -> str:
    """Named by the number (an office code, the year and digits), or the draft's id."""
    name = po.number or f"draft-{po.pk}"
    safe = "".join(c if c.isalnum() or c == "-" else "-" for c in name)
    return f"{kind}-{safe}.pdf"
