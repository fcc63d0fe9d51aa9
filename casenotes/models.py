import pghistory
import pgtrigger
from django.conf import settings
from django.db import models

from customers.models import Customer


class ContactMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIRTUAL = "virtual", "Virtual"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    OTHER = "other", "Other"


class NoteType(models.TextChoices):
    GENERAL = "general", "General"
    INITIAL = "initial", "Initial / introduction"
    ASSESSMENT = "assessment", "Assessment"
    IEP = "iep", "IEP/ISS development or review"
    TRAINING_BEGIN = "training_begin", "Training begin"
    TRAINING_END = "training_end", "Training end"
    SUPPORTIVE = "supportive", "Supportive service justification"
    JOB_DEVELOPMENT = "job_development", "Job development"
    VETERAN = "veteran", "Veteran service"
    EXIT = "exit", "Exit"
    FOLLOW_UP = "follow_up", "Follow-up"
    ADDENDUM = "addendum", "Addendum (correction)"


class Acronym(models.Model):
    """Acronyms case notes should spell out; maintained by administrators."""

    text = models.CharField(max_length=20, unique=True)
    meaning = models.CharField(max_length=160)

    class Meta:
        ordering = ["text"]

    def __str__(self) -> str:
        return f"{self.text} ({self.meaning})"


@pghistory.track()
class CaseNote(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="case_notes")
    contact_date = models.DateField()
    entered_at = models.DateTimeField()
    entered_late = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note_type = models.CharField(max_length=20, choices=NoteType.choices, default=NoteType.GENERAL)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    contact_method = models.CharField(max_length=12, choices=ContactMethod.choices)
    two_way = models.BooleanField(
        "Two-way communication",
        help_text="The customer answered. A voicemail, letter or unanswered email is an attempt.",
    )
    service = models.ForeignKey(
        # A string reference: services sits above case notes and records each service's note.
        "services.ServiceRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_notes",
    )
    addendum_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="addenda"
    )
    # A correction of the contact date or the two-way flag is an addendum that carries
    # the corrected values and supersedes the note it corrects (the original, or an
    # earlier correction). The clocks read only notes that nothing supersedes.
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name="Corrects the contact recorded by",
    )
    legacy_id = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = "case note"
        ordering = ["-contact_date", "-entered_at"]
        indexes = [
            models.Index(fields=["customer", "contact_date"]),
            models.Index(fields=["customer", "two_way", "contact_date"]),
            # The 10-day entry rule reads each customer's recent entries only.
            models.Index(fields=["customer", "entered_at"]),
        ]
        triggers = [
            pgtrigger.Protect(
                name="case_note_is_immutable", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_date:%m/%d/%Y} {self.subject}"

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None
