"""Supportive services for tests: a vendor, the region's caps, and customer A ready for
a purchase order (a plan, an open training to support, a budget review, a referral
the organisation could not help with)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from casemgmt.clock import today_for_office
from customers.models import Barrier, Customer
from services.models import Activity, ServiceRecord
from services.services import service_record_create
from supportive.models import (
    BudgetReview,
    PurchaseOrder,
    Referral,
    ReferralOutcome,
    SupportiveCap,
    Vendor,
)
from supportive.services import budget_review_create, po_create, referral_create
from tests.conftest import World
from tests.factories import make_plan


def make_vendor(
    name: str = "Metro Transit", types: tuple[str, ...] = ("transportation",)
) -> Vendor:
    vendor, _created = Vendor.objects.get_or_create(
        name=name,
        defaults={
            "address": "100 Main Street, Springfield, IL 62701",
            "phone": "(217) 555-0100",
            "supportive_types": list(types),
        },
    )
    return vendor


def set_caps(world: World, *, total: str = "1500.00", **by_type: str) -> None:
    region = world.office_a.region
    SupportiveCap.objects.update_or_create(
        region=region, supportive_type="", defaults={"amount": Decimal(total)}
    )
    for supportive_type, amount in by_type.items():
        SupportiveCap.objects.update_or_create(
            region=region, supportive_type=supportive_type, defaults={"amount": Decimal(amount)}
        )


def open_training(customer: Customer, world: World) -> ServiceRecord:
    """A plan (its 205) and an open occupational skills training (300) to support."""
    make_plan(customer, world.planner_a)
    customer.refresh_from_db()
    return service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="300"),
        started_on=datetime.date(2026, 10, 12),
        entered_by=world.planner_a,
        provider="outside",
        provider_name="Lincoln Land Community College",
    )


def budget(customer: Customer, world: World, on: datetime.date | None = None) -> BudgetReview:
    return budget_review_create(
        customer=customer,
        reviewed_on=on or today_for_office(customer.office),
        amounts={
            "income_wages": Decimal("900.00"),
            "expense_housing": Decimal("850.00"),
            "expense_transportation": Decimal("120.00"),
        },
        notes="",
        created_by=world.planner_a,
    )


def referral(
    customer: Customer,
    world: World,
    supportive_type: str = "transportation",
    outcome: str = ReferralOutcome.COULD_NOT_HELP,
) -> Referral:
    return referral_create(
        customer=customer,
        supportive_type=supportive_type,
        barrier=Barrier.objects.order_by("pk").first(),
        organisation="Sangamon County Community Action",
        referred_on=today_for_office(customer.office),
        outcome=outcome,
        created_by=world.planner_a,
    )


@dataclass
class Ready:
    customer: Customer
    supports: ServiceRecord
    vendor: Vendor
    referral: Referral


def ready_for_po(world: World, customer: Customer | None = None) -> Ready:
    customer = customer or world.customer_a
    supports = open_training(customer, world)
    budget(customer, world)
    return Ready(customer, supports, make_vendor(), referral(customer, world))


def draft(
    ready: Ready,
    world: World,
    *,
    unit_price: str = "75.00",
    quantity: int = 1,
    card_number: str = "",
    **fields,
) -> PurchaseOrder:
    return po_create(
        customer=ready.customer,
        vendor=ready.vendor,
        supportive_type=fields.pop("supportive_type", "transportation"),
        item=fields.pop("item", "Monthly bus pass"),
        quantity=quantity,
        unit_price=Decimal(unit_price),
        barrier=Barrier.objects.order_by("pk").first(),
        supports=ready.supports,
        funding_program=fields.pop("funding_program", "adult"),
        justification=fields.pop("justification", "Bus pass to reach the training every day."),
        created_by=fields.pop("created_by", world.planner_a),
        referral=fields.pop("referral", ready.referral),
        card_number=card_number,
        **fields,
    )
