"""The office's money for supervisors (SPEC 6 and 10): the purchase orders awaiting
approval, and a program year's obligations (issued, not yet paid) and payments by
funding program, supportive type and month, with the purchase orders behind every
number and the same rows as CSV.

A purchase order counts in its own program year (`PurchaseOrder.program_year`, the year
of its number and of the caps); inside it, an obligation falls in the month it was
issued and a payment in the month it was paid. Drafts, purchase orders awaiting approval
or approved but not issued, and voided ones are neither obligations nor payments.

Every read starts from the offices the user may see (`casemgmt.access.offices_visible_to`),
and each is a fixed number of queries however many purchase orders it covers.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Count, DateField, F, QuerySet, Sum, When
from django.db.models.functions import TruncMonth

from casemgmt.access import offices_visible_to
from casemgmt.clock import today
from casemgmt.models import Office, User
from casemgmt.spreadsheet import Writable, money, write_spreadsheet
from supportive.models import FundingProgram, POStatus, PurchaseOrder, SupportiveType
from supportive.rules import program_year_bounds, program_year_label

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Measure:
    """What a number of the report adds up: the purchase orders of one status, the field
    summed, and the date that places each in a month (none for those awaiting)."""

    label: str
    status: str
    value: str
    month_field: str | None


MEASURES: dict[str, Measure] = {
    "obligations": Measure(
        "Obligations (issued, not yet paid)", POStatus.ISSUED, "amount", "issued_on"
    ),
    "payments": Measure("Payments", POStatus.PAID, "amount_paid", "paid_on"),
    "awaiting": Measure("Awaiting approval", POStatus.AWAITING, "amount", None),
}


@dataclass(frozen=True)
class MoneyFilters:
    """Which purchase orders: a program year (None: every year), an office of the
    user's scope (None: all of them), a measure ('' : every status), a funding program,
    a supportive type, and a month (its first day) of the measure's date."""

    program_year: int | None
    office: Office | None = None
    measure: str = ""
    funding_program: str = ""
    supportive_type: str = ""
    month: datetime.date | None = None

    def describe(self) -> str:
        """The filters in words, for a heading: "Payments: PY26, Office A, Tools/equipment"."""
        parts = [
            program_year_label(self.program_year)
            if self.program_year is not None
            else "every program year",
            str(self.office) if self.office is not None else "",
            FundingProgram(self.funding_program).label if self.funding_program else "",
            SupportiveType(self.supportive_type).label if self.supportive_type else "",
            f"{self.month:%B %Y}" if self.month else "",
        ]
        what = MEASURES[self.measure].label if self.measure else "Purchase orders"
        return f"{what}: {', '.join(p for p in parts if p)}"


def purchase_orders_visible(user: User | AnonymousUser) -> QuerySet[PurchaseOrder]:
    """Purchase orders of the offices the user may see."""
    return PurchaseOrder.objects.filter(office__in=offices_visible_to(user))


def _next_month(first: datetime.date) -> datetime.date:
    return datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def money_orders(user: User | AnonymousUser, filters: MoneyFilters) -> QuerySet[PurchaseOrder]:
    """The purchase orders behind a number of the report (unordered)."""
    orders = purchase_orders_visible(user)
    if filters.program_year is not None:
        orders = orders.filter(program_year=filters.program_year)
    if filters.office is not None:
        orders = orders.filter(office=filters.office)
    if filters.funding_program:
        orders = orders.filter(funding_program=filters.funding_program)
    if filters.supportive_type:
        orders = orders.filter(supportive_type=filters.supportive_type)
    if filters.measure:
        orders = orders.filter(status=MEASURES[filters.measure].status)
    if filters.month is not None:
        month_field = MEASURES[filters.measure].month_field if filters.measure else None
        if month_field is None:
            raise ValueError("A month places only obligations and payments.")
        orders = orders.filter(
            **{
                f"{month_field}__gte": filters.month,
                f"{month_field}__lt": _next_month(filters.month),
            }
        )
    return orders


# --- The report ----------------------------------------------------------------------


@dataclass
class MoneyLine:
    """Obligations and payments of one program, type, month, or of everything: the
    dollars and how many purchase orders make them."""

    key: str
    label: str
    obligations: Decimal = ZERO
    obligated: int = 0
    payments: Decimal = ZERO
    paid: int = 0

    def add(self, status: str, total: Decimal, count: int) -> None:
        if status == POStatus.ISSUED:
            self.obligations += total
            self.obligated += count
        else:
            self.payments += total
            self.paid += count


@dataclass
class Money:
    filters: MoneyFilters
    by_program: list[MoneyLine]
    by_type: list[MoneyLine]
    by_month: list[MoneyLine]
    total: MoneyLine = field(default_factory=lambda: MoneyLine("", "Total"))


def _month_line(first: datetime.date) -> MoneyLine:
    return MoneyLine(f"{first:%Y-%m}", f"{first:%B %Y}")


def money_summary(user: User | AnonymousUser, filters: MoneyFilters) -> Money:
    """A program year's obligations and payments by funding program, by supportive type
    and by month, with the total: one grouped query. Every program, type and month of
    the year has its line, at $0.00 when nothing falls in it; a payment made after the
    year ended (of a purchase order of the year) adds its month after June."""
    if filters.program_year is None:
        raise ValueError("The report covers one program year.")
    scope = MoneyFilters(program_year=filters.program_year, office=filters.office)
    paid = POStatus.PAID
    rows = (
        money_orders(user, scope)
        .filter(status__in=(POStatus.ISSUED, paid))
        .annotate(
            month=TruncMonth(
                Case(
                    When(status=paid, then=F("paid_on")),
                    default=F("issued_on"),
                    output_field=DateField(),
                )
            )
        )
        .values("status", "funding_program", "supportive_type", "month")
        .annotate(
            total=Sum(Case(When(status=paid, then=F("amount_paid")), default=F("amount"))),
            count=Count("pk"),
        )
        .order_by()
    )
    programs = {p.value: MoneyLine(p.value, p.label) for p in FundingProgram}
    types = {t.value: MoneyLine(t.value, t.label) for t in SupportiveType}
    start, _end = program_year_bounds(filters.program_year)
    months: dict[datetime.date, MoneyLine] = {}
    first = start
    for _ in range(12):
        months[first] = _month_line(first)
        first = _next_month(first)
    money = Money(filters, [], [], [])
    for row in rows:
        status, total, count = row["status"], row["total"] or ZERO, row["count"]
        programs[row["funding_program"]].add(status, total, count)
        types[row["supportive_type"]].add(status, total, count)
        # An issued purchase order has its issue date, a paid one its payment date.
        month = row["month"]
        if month not in months:
            months[month] = _month_line(month)
        months[month].add(status, total, count)
        money.total.add(status, total, count)
    money.by_program = list(programs.values())
    money.by_type = list(types.values())
    money.by_month = [months[m] for m in sorted(months)]
    return money


@dataclass(frozen=True)
class Waiting:
    """A purchase order awaiting approval and the days since it was drafted, counted in
    its office's calendar."""

    po: PurchaseOrder
    drafted_on: datetime.date
    days: int

    @property
    def year_label(self) -> str:
        return program_year_label(self.po.program_year)


def awaiting_approval(
    user: User | AnonymousUser, *, office: Office | None, limit: int
) -> tuple[int, list[Waiting]]:
    """How many purchase orders await approval in the user's offices (or the one
    office), of every program year, and the oldest `limit` of them, oldest first: two
    queries."""
    orders = money_orders(user, MoneyFilters(program_year=None, office=office, measure="awaiting"))
    count = orders.count()
    days: dict[str, datetime.date] = {}
    waiting = []
    for po in orders.select_related("customer", "office", "created_by").order_by(
        "created_at", "pk"
    )[:limit]:
        zone = po.office.time_zone
        on = days.setdefault(zone, today(zone))
        drafted_on = today(zone, at=po.created_at)
        waiting.append(Waiting(po, drafted_on, (on - drafted_on).days))
    return count, waiting


# --- The purchase orders behind a number ----------------------------------------------

# Oldest first, by the date that placed them in the number.
ORDERING: dict[str, tuple[str, ...]] = {
    "": ("created_at", "pk"),
    "awaiting": ("created_at", "pk"),
    "obligations": ("issued_on", "number", "pk"),
    "payments": ("paid_on", "number", "pk"),
}


def money_list(user: User | AnonymousUser, filters: MoneyFilters) -> QuerySet[PurchaseOrder]:
    """The purchase orders behind a number, with what a row shows."""
    return (
        money_orders(user, filters)
        .select_related("customer", "vendor", "office", "created_by")
        .order_by(*ORDERING[filters.measure])
    )


@dataclass(frozen=True)
class ListTotals:
    count: int
    amount: Decimal
    amount_paid: Decimal

    def of(self, measure: str) -> Decimal:
        """The list's total in the report's terms: what was paid for payments, what
        was ordered otherwise."""
        return self.amount_paid if measure == "payments" else self.amount


def money_list_totals(user: User | AnonymousUser, filters: MoneyFilters) -> ListTotals:
    totals = money_orders(user, filters).aggregate(
        count=Count("pk"), amount=Sum("amount"), amount_paid=Sum("amount_paid")
    )
    return ListTotals(totals["count"], totals["amount"] or ZERO, totals["amount_paid"] or ZERO)


CSV_HEADER = [
    "PO number",
    "Office",
    "Program year",
    "Status",
    "Customer number",
    "Funding program",
    "Supportive service",
    "Vendor",
    "Item",
    "Quantity",
    "Amount ($)",
    "Amount paid ($)",
    "Drafted on",
    "Issued on",
    "Paid on",
]


def write_money_csv(orders: QuerySet[PurchaseOrder], file: Writable) -> int:
    """The purchase orders given (already scoped, filtered and ordered by the caller) as
    CSV (`casemgmt.spreadsheet`); returns how many. One query, streamed, whatever the
    number. A customer appears by customer number only: an export leaves the system."""
    statuses = dict(POStatus.choices)
    programs = dict(FundingProgram.choices)
    types = dict(SupportiveType.choices)
    rows = orders.values_list(
        "number",
        "office__name",
        "program_year",
        "status",
        "customer__customer_number",
        "funding_program",
        "supportive_type",
        "vendor__name",
        "item",
        "quantity",
        "amount",
        "amount_paid",
        "created_at",
        "office__time_zone",
        "issued_on",
        "paid_on",
    )
    return write_spreadsheet(
        file,
        CSV_HEADER,
        (
            [
                number,
                office,
                program_year_label(year),
                statuses.get(status, status),
                customer_number,
                programs.get(program, program),
                types.get(supportive_type, supportive_type),
                vendor,
                item,
                quantity,
                money(amount),
                money(amount_paid),
                today(zone, at=created_at),
                issued_on,
                paid_on,
            ]
            for (
                number,
                office,
                year,
                status,
                customer_number,
                program,
                supportive_type,
                vendor,
                item,
                quantity,
                amount,
                amount_paid,
                created_at,
                zone,
                issued_on,
                paid_on,
            ) in rows.iterator(chunk_size=2000)
        ),
    )
