from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Region(models.Model):
    """A local workforce area; policy settings are kept per region."""

    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """An American Job Center; every customer belongs to exactly one."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="offices")
    name = models.CharField(max_length=120, unique=True)
    code = models.CharField(max_length=12, unique=True)
    time_zone = models.CharField(max_length=64, default="America/Chicago")
    address = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["name"]
        permissions = [("view_all_offices", "Sees the customers of every office")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff member. Roles are groups (see casemgmt.roles); offices are memberships."""

    offices = models.ManyToManyField(Office, related_name="staff", blank=True)
    supervised_offices = models.ManyToManyField(Office, related_name="supervisors", blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def _between(low: int | Decimal, high: int | Decimal) -> list:
    """A policy setting's bounds. casemgmt.rules_policy reads them to word its refusals."""
    return [MinValueValidator(low), MaxValueValidator(high)]


A_YEAR = 365


class Policy(models.Model):
    """The rules' thresholds (SPEC 9) and other limits, per region; defaults are the seeds'.

    It sits at the bottom of the stack because every domain reads it: the 10-day entry
    rule flags late services and notes when they are saved, the compliance engine
    measures every clock with it. The table keeps its first name, `compliance_policy`.
    """

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="policy")
    entry_deadline_days = models.PositiveSmallIntegerField(
        default=10,
        validators=_between(0, A_YEAR),
        help_text="A service, case note or outcome entered later than this many days after "
        "the day it records is marked late.",
    )
    late_visible_days = models.PositiveSmallIntegerField(
        default=30,
        validators=_between(1, A_YEAR),
        help_text="How long a late entry stays on the dashboards.",
    )
    open_past_end_overdue_days = models.PositiveSmallIntegerField(
        default=10,
        validators=_between(0, A_YEAR),
        help_text="An open service is due soon on its planned end date, and overdue this "
        "many days after it.",
    )
    contact_due_soon_day = models.PositiveSmallIntegerField(
        default=25,
        validators=_between(1, A_YEAR),
        help_text="Days since the last two-way contact.",
    )
    contact_overdue_day = models.PositiveSmallIntegerField(
        default=31,
        validators=_between(1, A_YEAR),
        help_text="Days since the last two-way contact.",
    )
    review_due_soon_day = models.PositiveSmallIntegerField(
        default=80,
        validators=_between(1, A_YEAR),
        help_text="Days since the plan was developed or last reviewed.",
    )
    review_overdue_day = models.PositiveSmallIntegerField(
        default=91,
        validators=_between(1, A_YEAR),
        help_text="Days since the plan was developed or last reviewed.",
    )
    exit_reengage_day = models.PositiveSmallIntegerField(
        "Soft exit: tracker re-engages on day",
        default=60,
        validators=_between(1, A_YEAR),
        help_text="Days since the last enrolling service ended.",
    )
    exit_call_day = models.PositiveSmallIntegerField(
        "Soft exit: tracker calls on day",
        default=75,
        validators=_between(1, A_YEAR),
        help_text="Days since the last enrolling service ended.",
    )
    exit_day = models.PositiveSmallIntegerField(
        "Soft exit on day",
        default=90,
        validators=_between(1, A_YEAR),
        help_text="Days since the last enrolling service ended; the exit date is that last day.",
    )
    eligibility_due_soon_day = models.PositiveSmallIntegerField(
        default=25,
        validators=_between(1, A_YEAR),
        help_text="Days from the application to the eligibility determination.",
    )
    eligibility_overdue_day = models.PositiveSmallIntegerField(
        default=31,
        validators=_between(1, A_YEAR),
        help_text="Days from the application to the eligibility determination.",
    )
    service_correction_days = models.PositiveSmallIntegerField(
        "Days a service's author may correct it",
        default=30,
        validators=_between(0, A_YEAR),
        help_text="After this many days from entry, only a supervisor corrects a service.",
    )
    duplicate_checks_per_hour = models.PositiveSmallIntegerField(
        "Duplicate checks per staff member per hour",
        default=20,
        validators=_between(1, 1000),
        help_text="Registrations that look for an existing record; more are refused until the hour passes.",
    )
    planned_gap_max_days = models.PositiveSmallIntegerField(
        "Longest planned gap in service, in days",
        default=180,
        validators=_between(1, A_YEAR),
        help_text="A planned gap postpones the soft exit until it ends.",
    )
    weekly_hours_max = models.PositiveSmallIntegerField(
        "Most weekly hours a service may give",
        default=80,
        validators=_between(1, 168),  # the hours of a week
    )
    dollar_value_max = models.PositiveIntegerField(
        "Largest dollar value of one service or step",
        default=50_000,
        db_default=50_000,
        # A service's dollar value has ten digits, two of them cents.
        validators=_between(1, 99_999_999),
    )
    attendance_counts_as_contact = models.BooleanField(
        "Workshop attendance counts as two-way contact",
        default=False,
        db_default=False,
        help_text="Off: contact for the 30-day rule means the career planner.",
    )
    budget_review_max_days = models.PositiveSmallIntegerField(
        "A purchase order needs a budget review at most this many days old",
        default=180,
        db_default=180,
        validators=_between(1, A_YEAR),
    )
    po_approval_limit = models.DecimalField(
        "Purchase orders above this amount need a supervisor's approval",
        max_digits=10,
        decimal_places=2,
        default=500,
        db_default=500,
        validators=_between(Decimal(0), Decimal("99999999.99")),
        help_text="0 sends every purchase order for approval.",
    )
    minimum_wage = models.DecimalField(
        "Minimum hourly wage",
        max_digits=6,
        decimal_places=2,
        default=Decimal("7.25"),
        db_default=Decimal("7.25"),
        validators=_between(Decimal("0.01"), Decimal("100.00")),
        help_text="The federal minimum, or the state's or locality's where it is higher.",
    )
    two_factor_for_every_role = models.BooleanField(
        "Every role signs in with a second factor",
        default=False,
        db_default=False,
        help_text="Administrators and supervisors always do in production.",
    )

    class Meta:
        db_table = "compliance_policy"
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return f"Policy of {self.region}"

    @classmethod
    def for_region(cls, region_id: int) -> "Policy":
        """The region's policy, or the defaults when it has none."""
        return cls.objects.filter(region_id=region_id).first() or cls(region_id=region_id)

    @classmethod
    def for_office(cls, office: "Office") -> "Policy":
        """The policy of the office's region, read once per office instance: a bulk path
        (an attendance sheet) that shares one office object reads it once, not per row."""
        cached = getattr(office, "_region_policy", None)
        if cached is None or cached.region_id != office.region_id:
            cached = cls.for_region(office.region_id)
            office._region_policy = cached  # type: ignore[attr-defined]
        return cached


POLICY_DEFAULTS = {
    f.name: f.default
    for f in Policy._meta.concrete_fields
    if isinstance(f, models.PositiveSmallIntegerField)
}


class SubmissionToken(models.Model):
    """A create form's one-time token, claimed in the transaction that records the form.

    A second submission of the same token (a double click, a browser retry, Back and
    submit again) finds the claim and is sent to what the first one recorded.
    """

    token = models.UUIDField()
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    location = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="one_submission_per_token")
        ]

    def __str__(self) -> str:
        return f"submission {self.token}"
