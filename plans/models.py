import uuid
from pathlib import Path

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from customers.models import Barrier, Customer
from services.models import Activity


class AssessmentType(models.Model):
    """Administrator-maintained list: TABE 11/12, CASAS GOALS, WorkKeys and others."""

    name = models.CharField(max_length=120, unique=True)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class Assessment(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="assessments")
    assessment_type = models.ForeignKey(
        AssessmentType, on_delete=models.PROTECT, verbose_name="Assessment"
    )
    assessed_on = models.DateField("Date given")
    scores = models.CharField("Scores or levels", max_length=200, blank=True)
    summary = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = "assessment"

    def __str__(self) -> str:
        return f"{self.assessment_type} {self.assessed_on:%m/%d/%Y}"


class PlanKind(models.TextChoices):
    IEP = "iep", "Individual Employment Plan (IEP)"
    ISS = "iss", "Individual Service Strategy (ISS)"


@pghistory.track()
class Plan(models.Model):
    """The living IEP/ISS of a customer. Its printed, signed states are PlanVersions."""

    customer = models.OneToOneField(Customer, on_delete=models.PROTECT, related_name="plan")
    kind = models.CharField(max_length=3, choices=PlanKind.choices)
    assessment_summary = models.TextField(blank=True)
    employment_goal = models.CharField(max_length=200)
    career_path = models.CharField("Desired career path", max_length=200, blank=True)
    strengths = models.TextField(blank=True)
    barriers = models.ManyToManyField(Barrier, blank=True, related_name="+")
    justification = models.TextField("Justification for services", blank=True)
    supportive_services = models.TextField("Supportive services planned", blank=True)
    developed_on = models.DateField()
    last_reviewed_on = models.DateField(null=True, blank=True)
    needs_agreement = models.BooleanField(
        "Needs customer agreement",
        default=True,
        help_text="Set by a significant change; cleared when a newer version is signed.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    lock_version = models.PositiveIntegerField(
        default=1,
        db_default=1,
        editable=False,
        help_text="Raised by every change; an edit made from an older one is refused.",
    )

    class Meta:
        verbose_name = "plan"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.customer.customer_number}"

    @property
    def short_name(self) -> str:
        return "ISS" if self.kind == PlanKind.ISS else "IEP"

    @property
    def last_review_or_development(self):  # noqa: ANN201 - a date
        return self.last_reviewed_on or self.developed_on


class GoalCategory(models.TextChoices):
    SUPPORT = "support", "Support Services"
    CAREER = "career", "Career Plan"
    EDUCATION = "education", "Education/Training Plan"


class GoalTerm(models.TextChoices):
    SHORT = "short", "Short term"
    LONG = "long", "Long term"


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    OFF_TRACK = "off_track", "Off track"
    COMPLETE = "complete", "Complete"


class Indicator(models.TextChoices):
    EMPLOYMENT_Q2 = "employment_q2", "Employment 2nd quarter after exit"
    EMPLOYMENT_Q4 = "employment_q4", "Employment 4th quarter after exit"
    MEDIAN_EARNINGS = "median_earnings", "Median earnings"
    CREDENTIAL = "credential", "Credential attainment"
    SKILL_GAIN = "skill_gain", "Measurable skill gain"
    EDUCATION_OR_EMPLOYMENT = "education_employment", "Education or employment (youth)"


@pghistory.track()
class Goal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="goals")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    statement = models.CharField(max_length=144, help_text="144 characters at most.")
    category = models.CharField(max_length=12, choices=GoalCategory.choices)
    term = models.CharField(max_length=6, choices=GoalTerm.choices)
    status = models.CharField(
        max_length=12, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    indicator = models.CharField(
        "Performance indicator", max_length=24, choices=Indicator.choices, blank=True
    )
    justification = models.TextField("Justification (from the assessment)", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    lock_version = models.PositiveIntegerField(
        default=1,
        db_default=1,
        editable=False,
        help_text="Raised by every change; an edit made from an older one is refused.",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = "goal"

    def __str__(self) -> str:
        return self.statement

    @property
    def is_open(self) -> bool:
        return self.status != GoalStatus.COMPLETE


class StepStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    NOT_COMPLETED = "not_completed", "Not completed"


@pghistory.track()
class Step(models.Model):
    """An objective of a goal: a planned service from the matrix."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="steps")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, verbose_name="Planned service")
    description = models.CharField(max_length=200, blank=True)
    barriers = models.ManyToManyField(Barrier, blank=True, related_name="+")
    status = models.CharField(max_length=14, choices=StepStatus.choices, default=StepStatus.PLANNED)
    start_on = models.DateField("Start date")
    due_on = models.DateField("Due date")
    hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    provider = models.CharField(max_length=160, blank=True)
    dollar_value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    lock_version = models.PositiveIntegerField(
        default=1,
        db_default=1,
        editable=False,
        help_text="Raised by every change; an edit made from an older one is refused.",
    )

    class Meta:
        ordering = ["start_on", "pk"]
        verbose_name = "step"

    def __str__(self) -> str:
        return f"{self.activity.code} {self.activity.title}"

    @property
    def is_open(self) -> bool:
        return self.status in (StepStatus.PLANNED, StepStatus.IN_PROGRESS)


def _signed_copy_path(instance: "PlanVersion", filename: str) -> str:
    return f"signed-plans/{instance.plan.customer_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


@pghistory.track()
class PlanVersion(models.Model):
    """A numbered state of the plan as printed for the customer.

    `content` is the snapshot the customer copy prints. While unsigned it follows the
    plan; once signed, a database trigger refuses any change to the row.
    """

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    content_changed_at = models.DateTimeField(default=timezone.now)
    printed_at = models.DateTimeField(null=True, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    signed_copy = models.FileField(upload_to=_signed_copy_path, blank=True)
    signed_copy_type = models.CharField(max_length=100, blank=True)
    signed_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = "plan version"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_plan_version_number")
        ]
        triggers = [
            pgtrigger.Protect(
                name="signed_plan_version_is_immutable",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__signed_on__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"version {self.number}"

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None
