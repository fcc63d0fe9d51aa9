"""Every scoped read of supportive services. The customer comes from
`customers.selectors.customer_get_visible`, so everything here is already in the user's
offices; a record of another customer answers 404 like a missing one."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.shortcuts import get_object_or_404

from casemgmt.models import Policy
from customers.models import Customer
from supportive.models import BudgetReview, PurchaseOrder, Referral, SupportiveType
from supportive.rules import (
    budget_review_problem,
    program_year_bounds,
    program_year_label,
    program_year_of,
)
from supportive.services import caps_for, spent_this_year


@dataclass(frozen=True)
class CapLine:
    """One line of the caps: a type (or all types together) in one program year."""

    kind: str  # the supportive type; '' for all types together
    label: str
    cap: Decimal | None  # None: the region set no cap
    spent: Decimal

    @property
    def left(self) -> Decimal | None:
        return None if self.cap is None else max(self.cap - self.spent, Decimal(0))

    @property
    def over(self) -> bool:
        return self.cap is not None and self.spent > self.cap


@dataclass(frozen=True)
class CapsSummary:
    program_year: int
    lines: list[CapLine]  # each type, in the order of SupportiveType
    total: CapLine

    @property
    def year_label(self) -> str:
        return program_year_label(self.program_year)

    @property
    def bounds(self) -> tuple[datetime.date, datetime.date]:
        return program_year_bounds(self.program_year)


@dataclass(frozen=True)
class SupportiveSummary:
    on: datetime.date
    caps: CapsSummary
    budget: BudgetReview | None
    budget_age: int | None  # days since the latest review
    budget_warning: str | None  # why a purchase order would be refused for the budget review
    referrals: list[Referral]
    purchase_orders: list[PurchaseOrder]


def caps_summary(customer: Customer, program_year: int) -> CapsSummary:
    """The region's caps against what was issued or paid for the customer in the year:
    the same figures the purchase order's cap check reads (two queries)."""
    caps = caps_for(customer.office.region_id)
    spent = spent_this_year(customer, program_year)
    lines = [
        CapLine(
            kind=kind.value,
            label=kind.label,
            cap=caps[kind.value].amount if kind.value in caps else None,
            spent=spent.get(kind.value, Decimal(0)),
        )
        for kind in SupportiveType
    ]
    total = CapLine(
        kind="",
        label="All supportive services",
        cap=caps[""].amount if "" in caps else None,
        spent=sum(spent.values(), Decimal(0)),
    )
    return CapsSummary(program_year=program_year, lines=lines, total=total)


def supportive_summary(customer: Customer, on: datetime.date) -> SupportiveSummary:
    """The customer's supportive services as of the office's day `on`: the caps of its
    program year, the latest budget review, the referrals and the purchase orders. A
    fixed number of queries, however many rows."""
    budget = customer.budgets.select_related("created_by").first()
    policy = Policy.for_office(customer.office)
    return SupportiveSummary(
        on=on,
        caps=caps_summary(customer, program_year_of(on)),
        budget=budget,
        budget_age=(on - budget.reviewed_on).days if budget else None,
        budget_warning=budget_review_problem(
            reviewed_on=budget.reviewed_on if budget else None,
            on=on,
            max_days=policy.budget_review_max_days,
        ),
        referrals=list(customer.referrals.select_related("barrier")),
        purchase_orders=list(customer.purchase_orders.select_related("vendor")),
    )


def budget_review_get(*, customer: Customer, pk: int) -> BudgetReview:
    """A budget review of a customer already fetched through customer_get_visible."""
    return get_object_or_404(
        BudgetReview.objects.filter(customer=customer).select_related("created_by"), pk=pk
    )


def referral_get(*, customer: Customer, pk: int) -> Referral:
    """A referral of a customer already fetched through customer_get_visible."""
    return get_object_or_404(Referral.objects.filter(customer=customer), pk=pk)
