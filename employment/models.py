"""What the customer's path ends in (SPEC 2 and 8): employer contacts, jobs, worksite
placements and on-the-job training with their follow-ups, credentials and measurable
skill gains, the periods of participation with their recorded exits, and the quarterly
follow-ups of the year after exit. The federal participant record (PIRL) is built from
these (bulkdata.pirl).

Outcomes are entries like any other: entered more than the region's entry deadline
after they happened, they are flagged late (`casemgmt.entry`).
"""

import pghistory
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from customers.models import Customer

MONEY = {"max_digits": 8, "decimal_places": 2}
LOCK_HELP = "Raised by every change; an edit made from an older one is refused."
ONET = RegexValidator(
    r"^\d{2}-\d{4}(\.\d{2})?$", "Give the O*NET-SOC code as 00-0000.00, for example 53-7051.00."
)


class Entry(models.Model):
    """Who entered a record, when, and whether that was past the entry deadline."""

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField()
    entered_late = models.BooleanField(default=False)

    class Meta:
        abstract = True


class ContactOutcome(models.TextChoices):
    REFERRED = "referred", "Customer referred to the opening"
    INTERVIEW = "interview", "Interview arranged"
    HIRED = "hired", "Hired"
    NO_OPENING = "no_opening", "No opening now"
    DEVELOPING = "developing", "Job development continues"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person"
    VIRTUAL = "virtual", "Virtual"


@pghistory.track()
class EmployerContact(Entry):
    """A contact with an employer for a job referral or job development, tied to the
    service it was part of and that service's note (SPEC 8)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="employer_contacts"
    )
    service = models.ForeignKey(
        "services.ServiceRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    employer = models.CharField(max_length=160)
    contact_person = models.CharField(max_length=120, blank=True)
    method = models.CharField("How", max_length=10, choices=ContactMethod.choices)
    contacted_on = models.DateField("When")
    outcome = models.CharField(max_length=12, choices=ContactOutcome.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-contacted_on", "-pk"]

    def __str__(self) -> str:
        return f"contact with {self.employer}"


class Verification(models.TextChoices):
    PAY_STUB = "pay_stub", "Pay stub"
    EMPLOYER = "employer", "Employer confirmed"
    OFFER_LETTER = "offer_letter", "Offer letter"
    CUSTOMER = "customer", "Customer's statement"
    WAGE_RECORDS = "wage_records", "UI wage records"


@pghistory.track()
class Employment(Entry):
    """A job the customer holds, during participation or after exit."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="jobs")
    # The job's id in the system it was imported from (bulkdata.legacy_import).
    legacy_id = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    employer = models.CharField(max_length=160)
    job_title = models.CharField(max_length=120)
    onet_code = models.CharField(
        "Occupation (O*NET-SOC)", max_length=10, validators=[ONET], blank=True
    )
    started_on = models.DateField("Start date")
    ended_on = models.DateField("End date", null=True, blank=True)
    hourly_wage = models.DecimalField(**MONEY)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    training_related = models.BooleanField("Related to the training", default=False)
    verification = models.CharField(
        "How it was verified", max_length=14, choices=Verification.choices
    )
    lock_version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text=LOCK_HELP
    )

    FULL_TIME_HOURS = 35

    class Meta:
        ordering = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.job_title} at {self.employer}"

    @property
    def full_time(self) -> bool:
        return self.hours_per_week >= self.FULL_TIME_HOURS


class PlacementKind(models.TextChoices):
    WORKSITE = "worksite", "Worksite placement (work experience)"
    OJT = "ojt", "On-the-job training"


class PlacementStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    STARTED = "started", "Started"
    ON_HOLD = "on_hold", "On hold"
    TERMINATED = "terminated", "Terminated"


@pghistory.track()
class Placement(Entry):
    """A worksite placement or on-the-job training, with its subsidised wage."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="placements")
    # The placement's id in the system it was imported from (bulkdata.legacy_import).
    legacy_id = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=PlacementKind.choices)
    worksite = models.CharField(max_length=160)
    supervisor = models.CharField("Worksite supervisor", max_length=120)
    hourly_wage = models.DecimalField(**MONEY)
    subsidized_wage = models.DecimalField(
        "Subsidised part of the hourly wage", help_text="What the program pays per hour.", **MONEY
    )
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    status = models.CharField(
        max_length=10, choices=PlacementStatus.choices, default=PlacementStatus.PLANNED
    )
    starts_on = models.DateField("Start date")
    ends_on = models.DateField("Planned end date", null=True, blank=True)
    status_changed_on = models.DateField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text=LOCK_HELP
    )

    class Meta:
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.worksite}"

    @property
    def unsubsidized_wage(self):  # noqa: ANN201 - Decimal
        return self.hourly_wage - self.subsidized_wage

    @property
    def full_time(self) -> bool:
        return self.hours_per_week >= Employment.FULL_TIME_HOURS


@pghistory.track()
class PlacementFollowUp(models.Model):
    """A placement's follow-up, due 30, 60, 90, 180 and 270 days after it starts."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="follow_ups")
    day = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    note = models.OneToOneField(
        "casenotes.CaseNote", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "day"], name="one_follow_up_per_placement_day"
            )
        ]

    def __str__(self) -> str:
        return f"day {self.day} follow-up"


class CredentialType(models.IntegerChoices):
    """PIRL 1800's codes."""

    SECONDARY = 1, "Secondary school diploma or equivalency"
    ASSOCIATE = 2, "AA or AS diploma or degree"
    BACHELOR = 3, "BA or BS diploma or degree"
    LICENSURE = 4, "Occupational licensure"
    CERTIFICATE = 5, "Occupational certificate"
    CERTIFICATION = 6, "Occupational certification"
    OTHER = 7, "Other recognized diploma, degree or certificate"


@pghistory.track()
class Credential(Entry):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credentials")
    credential_type = models.PositiveSmallIntegerField(choices=CredentialType.choices)
    name = models.CharField(
        "Credential", max_length=160, help_text="For example: Certified Nursing Assistant."
    )
    attained_on = models.DateField("Date attained")
    training = models.ForeignKey(
        "services.ServiceRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The training that led to it.",
    )

    class Meta:
        ordering = ["-attained_on", "-pk"]

    def __str__(self) -> str:
        return self.name


class SkillGainKind(models.TextChoices):
    """The five kinds of measurable skill gain, PIRL 1806-1810."""

    EFL = "efl", "Educational functioning level (pre/post test)"
    POSTSECONDARY = "postsecondary", "Postsecondary transcript or report card"
    SECONDARY = "secondary", "Secondary transcript or report card"
    MILESTONE = "milestone", "Training milestone"
    PROGRESSION = "progression", "Skills progression"


@pghistory.track()
class SkillGain(Entry):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="skill_gains")
    kind = models.CharField(max_length=14, choices=SkillGainKind.choices)
    achieved_on = models.DateField("Date achieved")
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-achieved_on", "-pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ExitKind(models.TextChoices):
    RECORDED = "recorded", "Recorded by the career planner"
    SOFT = "soft", "Soft exit (90 days without an enrolling service)"


class OtherExitReason(models.TextChoices):
    """PIRL 923's codes: each excludes the person from the performance measures."""

    NONE = "00", "None of these"
    INSTITUTIONALIZED = "01", "Institutionalized"
    HEALTH = "02", "Health or medical"
    DECEASED = "03", "Deceased"
    RESERVE = "04", "Reserve forces called to active duty"
    FOSTER = "05", "Foster care (youth)"
    INELIGIBLE = "06", "Ineligible"


@pghistory.track()
class Period(models.Model):
    """A period of participation: program entry (the first enrolling service) to exit.
    A new enrolling service after an exit starts a new period; the earlier stays whole."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="periods")
    entered_on = models.DateField("Program entry")
    exited_on = models.DateField("Exit date", null=True, blank=True)
    exit_kind = models.CharField(max_length=10, choices=ExitKind.choices, blank=True)
    other_reason = models.CharField(
        "Other reason for exit", max_length=2, choices=OtherExitReason.choices, blank=True
    )
    employed_at_exit = models.BooleanField(null=True, blank=True)
    exit_job = models.ForeignKey(
        Employment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exit_note = models.OneToOneField(
        "casenotes.CaseNote", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exit_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exit_recorded_at = models.DateTimeField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=200, blank=True)
    lock_version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text=LOCK_HELP
    )

    class Meta:
        ordering = ["-entered_on", "-pk"]
        permissions = [
            ("record_exit", "Can record a customer's exit"),
            ("view_outcomes", "Can see the offices' exits, employment and credentials"),
            ("export_pirl", "Can download the federal participant record"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(exited_on__isnull=True),
                name="one_open_period_per_customer",
            ),
            models.CheckConstraint(
                condition=models.Q(exited_on__isnull=True)
                | models.Q(exited_on__gte=models.F("entered_on")),
                name="period_exit_not_before_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"period from {self.entered_on:%m/%d/%Y}"


@pghistory.track()
class FollowUp(models.Model):
    """A quarterly follow-up in the year after exit (quarters 1-4 after the exit quarter)."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="follow_ups")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="follow_ups")
    quarter = models.PositiveSmallIntegerField(help_text="1-4: the quarter after the exit quarter.")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    employed = models.BooleanField(null=True, blank=True)
    employer = models.CharField(max_length=160, blank=True)
    hourly_wage = models.DecimalField(null=True, blank=True, **MONEY)
    in_education = models.BooleanField("Enrolled in education or training", null=True, blank=True)
    supportive_need = models.CharField(max_length=200, blank=True)
    note = models.OneToOneField(
        "casenotes.CaseNote", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["period", "quarter"], name="one_follow_up_per_quarter")
        ]

    def __str__(self) -> str:
        return f"quarter {self.quarter} follow-up"
