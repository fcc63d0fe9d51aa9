"""Supportive services paid by purchase order (SPEC 6): the customer's budget review,
the community referral tried first, vendors, the caps, and the purchase orders with
their numbering, approval, issue, payment and void.

A purchase order changes only through `supportive.services`; nothing is deleted, and
every change is in the update log (pghistory).
"""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from casemgmt.models import Office, Region
from customers.models import Barrier, Customer

LOCK_HELP = "Raised by every change; an edit made from an older one is refused."
MONEY = {"max_digits": 10, "decimal_places": 2}


class SupportiveType(models.TextChoices):
    """The seven kinds of supportive service (seed 003), each with its matrix code."""

    CHILDCARE = "childcare", "Child/dependent care"
    TRANSPORTATION = "transportation", "Transportation"
    MEDICAL = "medical", "Medical"
    TOOLS = "tools", "Tools/equipment"
    UNIFORMS = "uniforms", "Uniforms"
    LEGAL = "legal", "Legal aid"
    OTHER = "other", "Other"


# The service each type records when its purchase order is issued.
ACTIVITY_CODES = {
    SupportiveType.CHILDCARE: "180",
    SupportiveType.TRANSPORTATION: "181",
    SupportiveType.MEDICAL: "182",
    SupportiveType.TOOLS: "183",
    SupportiveType.UNIFORMS: "184",
    SupportiveType.LEGAL: "185",
    SupportiveType.OTHER: "189",
}


class FundingProgram(models.TextChoices):
    ADULT = "adult", "WIOA Adult"
    DW = "dw", "Dislocated Worker"
    YOUTH = "youth", "Youth"


@pghistory.track()
class BudgetReview(models.Model):
    """The customer's monthly budget, reviewed before anything is paid for them."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="budgets")
    reviewed_on = models.DateField("Date of the review")
    income_wages = models.DecimalField("Wages", default=0, **MONEY)
    income_unemployment = models.DecimalField("Unemployment insurance", default=0, **MONEY)
    income_benefits = models.DecimalField("Public assistance (SNAP, TANF, SSI)", default=0, **MONEY)
    income_support = models.DecimalField("Child support, alimony", default=0, **MONEY)
    income_other = models.DecimalField("Other income", default=0, **MONEY)
    expense_housing = models.DecimalField("Rent or mortgage", default=0, **MONEY)
    expense_utilities = models.DecimalField("Utilities and phone", default=0, **MONEY)
    expense_food = models.DecimalField("Food", default=0, **MONEY)
    expense_transportation = models.DecimalField("Transportation", default=0, **MONEY)
    expense_childcare = models.DecimalField("Child care", default=0, **MONEY)
    expense_medical = models.DecimalField("Medical and insurance", default=0, **MONEY)
    expense_debt = models.DecimalField("Debt payments", default=0, **MONEY)
    expense_other = models.DecimalField("Other expenses", default=0, **MONEY)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    INCOME = [
        "income_wages",
        "income_unemployment",
        "income_benefits",
        "income_support",
        "income_other",
    ]
    EXPENSES = [
        "expense_housing",
        "expense_utilities",
        "expense_food",
        "expense_transportation",
        "expense_childcare",
        "expense_medical",
        "expense_debt",
        "expense_other",
    ]

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"budget review {self.reviewed_on:%m/%d/%Y}"

    @property
    def income(self):  # noqa: ANN201 - Decimal
        return sum(getattr(self, name) for name in self.INCOME)

    @property
    def expenses(self):  # noqa: ANN201 - Decimal
        return sum(getattr(self, name) for name in self.EXPENSES)

    @property
    def shortfall(self):  # noqa: ANN201 - Decimal
        """What the month lacks (0 when income covers the expenses)."""
        return max(self.expenses - self.income, 0)


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    HELPED = "helped", "Helped"
    COULD_NOT_HELP = "could_not_help", "Could not help"


@pghistory.track()
class Referral(models.Model):
    """A referral to a community organisation for a need, tried before paying for it."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="referrals")
    supportive_type = models.CharField(max_length=16, choices=SupportiveType.choices)
    barrier = models.ForeignKey(Barrier, on_delete=models.PROTECT, related_name="+")
    organisation = models.CharField("Community organisation", max_length=160)
    referred_on = models.DateField("Date of the referral")
    outcome = models.CharField(
        max_length=16, choices=ReferralOutcome.choices, default=ReferralOutcome.PENDING
    )
    note = models.OneToOneField(
        "casenotes.CaseNote", on_delete=models.PROTECT, related_name="+", null=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lock_version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text=LOCK_HELP
    )

    class Meta:
        ordering = ["-referred_on", "-pk"]

    def __str__(self) -> str:
        return f"referral to {self.organisation}"


@pghistory.track()
class Vendor(models.Model):
    """A vendor purchase orders are written to, kept by administrators."""

    name = models.CharField(max_length=160, unique=True)
    address = models.CharField(max_length=255)
    phone = models.CharField(max_length=32, blank=True)
    supportive_types = ArrayField(
        models.CharField(max_length=16, choices=SupportiveType.choices),
        help_text="What the vendor supplies.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class SupportiveCap(models.Model):
    """The most one customer may receive in a program year, per type or in total (an
    empty type), kept by administrators per region."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="supportive_caps")
    supportive_type = models.CharField(
        max_length=16,
        choices=SupportiveType.choices,
        blank=True,
        help_text="Empty: the cap on all supportive services together.",
    )
    amount = models.DecimalField(**MONEY)
    referral_waived = models.BooleanField(
        "No community referral needed",
        default=False,
        help_text="For a type no community organisation offers in this region.",
    )

    class Meta:
        ordering = ["region", "supportive_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "supportive_type"], name="one_cap_per_region_and_type"
            )
        ]

    def __str__(self) -> str:
        return f"cap {self.get_supportive_type_display() or 'total'}"


class POStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING = "awaiting", "Awaiting approval"
    APPROVED = "approved", "Approved"
    ISSUED = "issued", "Issued"
    PAID = "paid", "Paid"
    VOIDED = "voided", "Voided"


class POSequence(models.Model):
    """The last number issued in an office's series for a program year; locked and
    raised in the transaction that issues, so numbers are unbroken and never reused."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    program_year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "program_year"], name="one_series_per_year")
        ]

    def __str__(self) -> str:
        return f"series {self.program_year} of office {self.office_id}: {self.last}"


@pghistory.track()
class PurchaseOrder(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="purchase_orders")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=32, null=True, blank=True, unique=True)
    program_year = models.PositiveSmallIntegerField(
        help_text="The year the program year starts (1 July): 2026 for PY26."
    )
    status = models.CharField(max_length=10, choices=POStatus.choices, default=POStatus.DRAFT)
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="purchase_orders")
    supportive_type = models.CharField(max_length=16, choices=SupportiveType.choices)
    item = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(**MONEY)
    amount = models.DecimalField(**MONEY)
    card_number = models.CharField(
        "Card number",
        max_length=40,
        null=True,
        blank=True,
        unique=True,
        help_text="For a gas card or bus pass: a card number is never issued twice.",
    )
    barrier = models.ForeignKey(Barrier, on_delete=models.PROTECT, related_name="+")
    supports = models.ForeignKey(
        "services.ServiceRecord",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Enrolling service it supports",
    )
    funding_program = models.CharField(max_length=8, choices=FundingProgram.choices)
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    no_referral_reason = models.CharField(
        "Why no community organisation was tried", max_length=300, blank=True
    )
    justification = models.TextField(
        help_text="What is provided and why: it goes into the justification case note."
    )
    service = models.OneToOneField(
        "services.ServiceRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="purchase_order",
        help_text="The supportive service issuing recorded.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    issued_on = models.DateField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    invoice_number = models.CharField(max_length=60, blank=True)
    amount_paid = models.DecimalField(null=True, blank=True, **MONEY)
    void_reason = models.CharField(max_length=300, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text=LOCK_HELP
    )
    # The id in the system it was imported from (bulkdata.legacy_import): a draft has no
    # number, and is known again by this.
    legacy_id = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "purchase order"
        permissions = [
            ("issue_purchaseorder", "Can issue a purchase order"),
            ("approve_purchaseorder", "Can approve a purchase order over the limit"),
            ("void_purchaseorder", "Can void a purchase order"),
            ("pay_purchaseorder", "Can record a purchase order's payment"),
            ("view_supportive_money", "Can see the office's obligations and payments"),
        ]
        indexes = [
            models.Index(fields=["customer", "program_year"], name="po_customer_year"),
            models.Index(fields=["office", "program_year", "status"], name="po_office_year"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="po_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(amount_paid__isnull=True)
                | models.Q(amount_paid__lte=models.F("amount")),
                name="po_paid_not_above_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"draft purchase order {self.pk}"

    @property
    def counts_against_cap(self) -> bool:
        return self.status in (POStatus.ISSUED, POStatus.PAID)
