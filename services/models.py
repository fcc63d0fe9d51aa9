import pghistory
from django.conf import settings
from django.db import models

from customers.models import Barrier, Customer


class Category(models.TextChoices):
    BASIC_CAREER = "basic_career", "Basic Career (Staff Assisted)"
    INDIVIDUALIZED_CAREER = "individualized_career", "Individualized Career"
    TRAINING = "training", "Training"
    SUPPORTIVE = "supportive", "Supportive"
    FOLLOW_UP = "follow_up", "Follow-Up"
    YOUTH_ELEMENT = "youth_element", "Youth program element"
    TRACKING = "tracking", "Non-enrolling tracking"


class ActivityProgram(models.TextChoices):
    ADULT_DW = "adult_dw", "Adult / Dislocated Worker"
    YOUTH = "youth", "Youth"
    ALL = "all", "Adult, Dislocated Worker and Youth"


class Provides(models.TextChoices):
    NOTHING = "", "—"
    IEP = "iep", "An IEP/ISS"
    ASSESSMENT = "assessment", "A completed assessment"
    ISTEP = "istep", "A completed ISTEP"


@pghistory.track()
class Activity(models.Model):
    """A row of the service matrix (SPEC 3), maintained by administrators.

    Prerequisites are data: each `requires_*` flag names a rule that
    `services.rules.service_problems` applies to every activity that sets it.
    """

    code = models.CharField(max_length=8, unique=True)
    title = models.CharField(max_length=160)
    category = models.CharField(max_length=24, choices=Category.choices)
    program = models.CharField(max_length=10, choices=ActivityProgram.choices)
    extends_exit_window = models.BooleanField(
        "Extends the 90-day exit window (enrolling)", default=False
    )
    same_day = models.BooleanField("Same-day service", default=False)
    definition = models.TextField(blank=True)
    performance_measures = models.CharField(max_length=200, blank=True)
    provides = models.CharField(
        "Recording it provides", max_length=12, choices=Provides.choices, blank=True
    )
    requires_iep = models.BooleanField("Requires an IEP/ISS (205 or 469)", default=False)
    requires_assessment = models.BooleanField("Requires a completed assessment", default=False)
    requires_istep = models.BooleanField("Requires a completed ISTEP (221)", default=False)
    requires_active_enrolling = models.BooleanField(
        "Requires an active enrolling service", default=False
    )
    not_in_follow_up_adult_dw = models.BooleanField(
        "Not allowed in follow-up for Adult/DW", default=False
    )
    requires_prior = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Must come after (required order)",
    )
    in_seed_matrix = models.BooleanField(
        "Row of the published service matrix",
        default=True,
        help_text="Off for codes the source documents name without a matrix row.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_training(self) -> bool:
        return self.category == Category.TRAINING

    @property
    def is_supportive(self) -> bool:
        return self.category == Category.SUPPORTIVE


class CompletionStatus(models.TextChoices):
    SUCCESSFUL = "successful", "Successful"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


class Provider(models.TextChoices):
    OFFICE = "office", "This office"
    OUTSIDE = "outside", "Outside provider"


@pghistory.track()
class ServiceRecord(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="services")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="records")
    started_on = models.DateField("Start date")
    start_is_projected = models.BooleanField("Projected start (planned)", default=False)
    planned_end_on = models.DateField("Planned end date", null=True, blank=True)
    ended_on = models.DateField("End date", null=True, blank=True)
    completion_status = models.CharField(
        max_length=12, choices=CompletionStatus.choices, blank=True
    )
    barriers = models.ManyToManyField(Barrier, blank=True, related_name="+")
    provider = models.CharField(max_length=8, choices=Provider.choices, default=Provider.OFFICE)
    provider_name = models.CharField("Outside provider's name", max_length=160, blank=True)
    weekly_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    dollar_value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    notes = models.TextField(blank=True)
    goal = models.ForeignKey(
        "plans.Goal", on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField()
    entered_late = models.BooleanField(default=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_late = models.BooleanField(default=False)
    reopen_reason = models.TextField(blank=True)
    legacy_id = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    lock_version = models.PositiveIntegerField(
        default=1,
        db_default=1,
        editable=False,
        help_text="Raised by every change; an edit made from an older one is refused.",
    )

    class Meta:
        verbose_name = "service"
        indexes = [
            models.Index(fields=["customer", "started_on"]),
            models.Index(fields=["customer", "ended_on"]),
            # The 10-day entry rule reads each customer's recent entries and closes only.
            models.Index(fields=["customer", "entered_at"]),
            models.Index(fields=["customer", "closed_at"]),
        ]
        permissions = [
            ("reopen_servicerecord", "Reopens a closed service with a reason"),
            ("correct_any_servicerecord", "Corrects any service, at any time, with a reason"),
        ]

    def __str__(self) -> str:
        return f"{self.activity.code} from {self.started_on:%m/%d/%Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None
