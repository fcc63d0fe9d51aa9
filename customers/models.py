import datetime
import uuid
from pathlib import Path

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from casemgmt.models import Office


class Program(models.TextChoices):
    ADULT = "adult", "WIOA Adult"
    DISLOCATED_WORKER = "dw", "Dislocated Worker"
    YOUTH = "youth", "Youth"


class Status(models.TextChoices):
    APPLICANT = "applicant", "Applicant"
    PARTICIPANT = "participant", "Participant"
    EXITED = "exited", "Exited"
    FOLLOW_UP = "follow_up", "In follow-up"
    CLOSED = "closed", "Closed"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    MAIL = "mail", "Mail"
    IN_PERSON = "in_person", "In person"


class VeteranStatus(models.TextChoices):
    NOT_VETERAN = "no", "Not a veteran"
    VETERAN = "veteran", "Veteran"
    ELIGIBLE_SPOUSE = "spouse", "Eligible spouse of a veteran"
    NOT_DISCLOSED = "undisclosed", "Did not disclose"


class ReferenceItem(models.Model):
    """An administrator-maintained list entry; retired entries stay for old records."""

    name = models.CharField(max_length=120, unique=True)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Barrier(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        pass


class PartnerProgram(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        pass


class DocumentType(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        pass


@pghistory.track(exclude=["ssn_encrypted", "ssn_hash", "updated_at"])
class Customer(models.Model):
    customer_number = models.CharField(max_length=12, unique=True, editable=False)
    first_name = models.CharField(max_length=80)
    middle_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()

    phone = models.CharField(max_length=15, blank=True, help_text="Ten digits with the area code")
    email = models.EmailField(blank=True)
    street = models.CharField("Street address", max_length=200, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField("ZIP code", max_length=10, blank=True)
    preferred_contact_method = models.CharField(
        max_length=12, choices=ContactMethod.choices, default=ContactMethod.PHONE
    )
    alternate_contact_name = models.CharField(max_length=120, blank=True)
    alternate_contact_phone = models.CharField(max_length=15, blank=True)
    alternate_contact_relationship = models.CharField(max_length=60, blank=True)

    programs = ArrayField(models.CharField(max_length=12, choices=Program.choices), default=list)
    partner_programs = models.ManyToManyField(
        PartnerProgram, through="CustomerPartnerProgram", blank=True
    )
    veteran_status = models.CharField(
        max_length=12, choices=VeteranStatus.choices, default=VeteranStatus.NOT_VETERAN
    )
    barriers = models.ManyToManyField(Barrier, through="CustomerBarrier", blank=True)

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="customers")
    career_planner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="caseload",
        null=True,
        blank=True,
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.APPLICANT)

    application_date = models.DateField()
    eligibility_date = models.DateField("Eligibility determination date", null=True, blank=True)
    eligibility_late_reason = models.TextField(
        "Reason eligibility took more than 30 days", blank=True
    )
    certification_date = models.DateField(null=True, blank=True)
    exit_date = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=120, blank=True)

    ssn_last4 = models.CharField("Last 4 of SSN", max_length=4, blank=True)
    ssn_encrypted = models.TextField(blank=True, editable=False)
    ssn_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    legacy_id = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    lock_version = models.PositiveIntegerField(
        default=1,
        db_default=1,
        editable=False,
        help_text="Raised by every change; an edit made from an older one is refused.",
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        permissions = [
            ("reassign_customer", "Reassigns a customer to another career planner"),
            (
                "view_case_file",
                "Reads the whole case file: birth date, SSN digits, eligibility, barriers, "
                "services, notes, plan and update log (a tracker reads the contact card only)",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "status"]),
            models.Index(fields=["career_planner", "status"]),
            models.Index(fields=["last_name", "first_name", "date_of_birth"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["ssn_last4"]),
            models.Index(fields=["phone"]),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.customer_number})"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in [self.first_name, self.middle_name, self.last_name] if p)

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def has_priority_of_service(self) -> bool:
        """Veterans and eligible spouses are served first (Jobs for Veterans Act)."""
        return self.veteran_status in (VeteranStatus.VETERAN, VeteranStatus.ELIGIBLE_SPOUSE)

    @property
    def is_youth(self) -> bool:
        return Program.YOUTH in self.programs

    @property
    def program_labels(self) -> list[str]:
        return [Program(p).label for p in self.programs]

    @property
    def has_full_ssn(self) -> bool:
        return bool(self.ssn_encrypted)

    def age_on(self, day: datetime.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class CustomerBarrier(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    barrier = models.ForeignKey(Barrier, on_delete=models.PROTECT)

    class Meta:
        verbose_name = "barrier"
        constraints = [
            models.UniqueConstraint(fields=["customer", "barrier"], name="unique_customer_barrier")
        ]

    def __str__(self) -> str:
        return f"{self.barrier_id} for customer {self.customer_id}"


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class CustomerPartnerProgram(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    partner_program = models.ForeignKey(PartnerProgram, on_delete=models.PROTECT)

    class Meta:
        verbose_name = "partner program"
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "partner_program"], name="unique_customer_partner_program"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner_program_id} for customer {self.customer_id}"


def _document_path(instance: "EligibilityDocument", filename: str) -> str:
    # A random name: an uploaded file name often carries the customer's name.
    return f"documents/{instance.customer_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class EligibilityDocument(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="documents")
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT)
    file = models.FileField(upload_to=_document_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "eligibility document"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.document_type} ({self.uploaded_at:%m/%d/%Y})"


class DuplicateCheck(models.Model):
    """One look for an existing record while registering a person: counted per staff
    member for the policy's hourly limit (the check must not become an oracle)."""

    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["checked_by", "checked_at"])]

    def __str__(self) -> str:
        return f"duplicate check by {self.checked_by_id} at {self.checked_at:%m/%d/%Y %H:%M}"


@pghistory.track(pghistory.InsertEvent())
class DuplicateMatch(models.Model):
    """A registration's duplicate check matched a customer of an office the staff member
    does not work in. Kept in the update log, where supervisors of both offices see it."""

    duplicate_check = models.ForeignKey(
        DuplicateCheck, on_delete=models.PROTECT, related_name="matches"
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Checked by",
    )
    checking_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name="Registering office"
    )
    matched_on = models.CharField("Matched on", max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "duplicate check match in another office"

    def __str__(self) -> str:
        return f"duplicate match of {self.customer_id} from office {self.checking_office_id}"
