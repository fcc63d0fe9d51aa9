import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from customers.models import Customer


class Rule(models.TextChoices):
    ENTRY_10 = "entry_10", "10-day entry"
    OPEN_PAST_END = "open_past_end", "Open past planned end"
    CONTACT_30 = "contact_30", "30-day contact"
    REVIEW_90 = "review_90", "90-day plan review"
    PLAN_OPEN_GOAL = "plan_open_goal", "Plan with an open goal and objective"
    SOFT_EXIT = "soft_exit", "90-day soft exit"
    ELIGIBILITY_30 = "eligibility_30", "Eligibility in 30 days"
    FOLLOW_UP_DUE = "follow_up_due", "Follow-up due"


class State(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    LATE = "late", "Late"


class Alert(models.Model):
    """A rule that is true for a customer (and a record, for per-record rules).

    At most one open alert per rule, customer and subject (a partial unique index).
    """

    rule = models.CharField(max_length=20, choices=Rule.choices)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="alerts")
    # The record a per-record alert is about: "service", "close", "note", "credential",
    # "skill_gain", "job", "placement", "follow_up", "placement_fu"; "" for the customer.
    subject_type = models.CharField(max_length=12, blank=True)
    subject_id = models.BigIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices)
    due_on = models.DateField()
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
    )
    office_id_at_open = models.BigIntegerField(null=True, editable=False)
    opened_on = models.DateField()
    opened_at = models.DateTimeField(auto_now_add=True)
    last_seen_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "customer", "subject_type", "subject_id"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_alert_per_rule_customer_subject",
            )
        ]
        indexes = [
            models.Index(
                fields=["responsible", "state"],
                condition=Q(resolved_at__isnull=True),
                name="open_alert_by_staff",
            ),
            models.Index(
                fields=["customer"],
                condition=Q(resolved_at__isnull=True),
                name="open_alert_by_customer",
            ),
            models.Index(fields=["opened_on", "resolved_on"], name="alert_trend"),
            # The trend's point of today counts the overdue alerts resolved since.
            models.Index(
                fields=["resolved_on"],
                condition=Q(resolved_on__isnull=False, state="overdue"),
                name="alert_overdue_resolved_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} ({self.get_state_display()}) for {self.customer_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


@pghistory.track()
class PlannedGap(models.Model):
    """A planned gap in service (waiting for a training start, a medical leave):
    the soft exit waits until its end date."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="planned_gaps")
    reason = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ends_on"]
        verbose_name = "planned gap in service"

    def __str__(self) -> str:
        return f"{self.reason} until {self.ends_on:%m/%d/%Y}"


class CustomerClock(models.Model):
    """When a customer's alerts can next change without a change to the data: the first
    day after the last evaluation on which a rule's state moves (a contact falls due, a
    soft exit reaches day 60), computed by the rules themselves (see compliance.engine).

    The daily run evaluates only the customers whose day has come, who are marked dirty
    (their records changed and may not have been evaluated since), or who have no clock
    yet (new customers, or a policy change that reset the clocks of its region).
    """

    customer = models.OneToOneField(
        Customer, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    # None: no rule's state changes with the passing of days alone.
    next_change_on = models.DateField(null=True)
    dirty = models.BooleanField(default=False)
    evaluated_on = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["next_change_on"], name="clock_next_change"),
            models.Index(fields=["customer"], condition=Q(dirty=True), name="clock_dirty"),
        ]

    def __str__(self) -> str:
        return f"Customer {self.customer_id}: next change on {self.next_change_on}"


class OverdueCount(models.Model):
    """How many alerts of an office's customers were open and overdue at the end of a
    day, as the supervisor's trend counts them (compliance.summary). Written for the day
    that has just ended by the nightly run, and for a trend's past week ends the first
    time a trend asks for one missing, so that a trend reads twelve rows per office
    instead of every alert the office ever opened."""

    # The unique constraint's index (office, day) serves every read.
    office = models.ForeignKey(
        "casemgmt.Office", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()
    overdue = models.PositiveIntegerField()
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "day"], name="one_overdue_count_per_day")
        ]

    def __str__(self) -> str:
        return f"Office {self.office_id} on {self.day}: {self.overdue} overdue"


class OfficeCount(models.Model):
    """An office's open alerts of one rule by state, and its active customers, as the
    nightly run left them (compliance.summary.record_office_counts): what a roll-up of
    many offices (a region's director, an administrator) reads, one row per office and
    rule, instead of counting every open alert of every office at each request."""

    office = models.ForeignKey(
        "casemgmt.Office", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()  # the office's day when the nightly run counted
    rule = models.CharField(max_length=20, choices=Rule.choices)
    active = models.PositiveIntegerField()  # the office's active customers
    due_soon = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()
    late = models.PositiveIntegerField()
    active_with_alert = models.PositiveIntegerField()
    active_overdue = models.PositiveIntegerField()
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Its index (office, day, rule) serves the roll-up's read of the latest day.
            models.UniqueConstraint(
                fields=["office", "day", "rule"], name="one_office_count_per_day_and_rule"
            )
        ]

    def __str__(self) -> str:
        return f"Office {self.office_id} on {self.day}, {self.rule}: {self.overdue} overdue"
