"""Veteran referrals (SPEC 1 and 2): a veteran or eligible spouse with a significant
barrier to employment is referred to the office's veteran representative, who accepts
the referral (as the customer's career planner or beside them) and records the veteran
service with its case note.

A referral changes only through `veterans.services`; every change is in the update log.
"""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from casemgmt.models import Office
from customers.models import Customer


class SignificantBarrier(models.TextChoices):
    """The significant barriers to employment of the Jobs for Veterans State Grants
    (VPL 03-14 and its changes, VPL 04-14; see `veterans.rules`)."""

    DISABLED = "disabled", "Special disabled or disabled veteran"
    HOMELESS = "homeless", "Homeless"
    SEPARATED_UNEMPLOYED = (
        "separated_unemployed",
        "Recently separated, unemployed 27 weeks or more",
    )
    OFFENDER = "offender", "Justice-involved, released within 12 months"
    NO_DIPLOMA = "no_diploma", "No high school diploma or equivalent"
    LOW_INCOME = "low_income", "Low income"
    AGED_18_TO_24 = "aged_18_24", "Veteran aged 18 to 24"


def sbe_labels(codes: list[str]) -> list[str]:
    return [SignificantBarrier(c).label for c in codes if c in SignificantBarrier.values]


class ReferralStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    ACCEPTED = "accepted", "Accepted"
    SERVED = "served", "Served"
    CLOSED = "closed", "Closed without service"


OPEN_STATUSES = (ReferralStatus.WAITING, ReferralStatus.ACCEPTED)


class Assignment(models.TextChoices):
    ASSIGNED = "assigned", "Assigned career planner"
    CO_ASSIGNED = "co_assigned", "Co-assigned beside the career planner"


@pghistory.track()
class VeteranReferral(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="veteran_referrals"
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    reasons = ArrayField(
        models.CharField(max_length=24, choices=SignificantBarrier.choices),
        verbose_name="Significant barriers at referral",
        default=list,
        blank=True,
    )
    issue = models.TextField("Veteran-specific issue or question", blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Empty when the referral was made automatically.",
    )
    referred_at = models.DateTimeField("time of the referral", default=timezone.now)
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.WAITING
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="veteran_referrals_accepted",
        null=True,
        blank=True,
        verbose_name="Veteran representative",
    )
    accepted_at = models.DateTimeField("time of acceptance", null=True, blank=True)
    assignment = models.CharField(max_length=12, choices=Assignment.choices, blank=True)
    service = models.ForeignKey(
        "services.ServiceRecord",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="Veteran service",
    )
    outcome_note = models.TextField("Outcome", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(
        default=1,
        db_default=1,
        editable=False,
        help_text="Raised by every change; an edit made from an older one is refused.",
    )

    class Meta:
        verbose_name = "veteran referral"
        ordering = ["referred_at", "pk"]
        permissions = [
            (
                "take_referral",
                "Takes veteran referrals of their offices: accepts them and records the "
                "veteran service",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(status__in=["waiting", "accepted"]),
                name="one_open_veteran_referral",
            )
        ]
        indexes = [
            models.Index(fields=["office", "status", "referred_at"], name="vetref_queue"),
            models.Index(fields=["accepted_by", "status"], name="vetref_accepted"),
        ]

    def __str__(self) -> str:
        return f"veteran referral of {timezone.localtime(self.referred_at):%m/%d/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def reason_labels(self) -> list[str]:
        return sbe_labels(self.reasons)

    @property
    def is_automatic(self) -> bool:
        return self.referred_by_id is None
