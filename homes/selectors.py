"""What each role's home shows, drawn from the domains below. Every list is cut to what
the page shows and counted apart, so a home costs the same however much waits."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from casemgmt.clock import today
from casemgmt.models import Office, User
from compliance.models import State
from compliance.selectors import ACTIVE_STATUSES, planner_alerts_page
from customers.models import Customer, Status
from customers.selectors import customer_list_visible
from employment.models import ExitKind, Period
from supportive.models import POStatus, PurchaseOrder

SHOWN = 10  # rows of each list on a home; the full list is a link away
SOFT_EXIT_REVIEW_DAYS = 90  # a soft exit waits for its exit details this long on the queue


@dataclass
class Cut:
    """The first rows of a list, and how many there are in all."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _cut(queryset: QuerySet) -> Cut:
    rows = list(queryset[:SHOWN])
    total = len(rows) if len(rows) < SHOWN else queryset.count()
    return Cut(rows=rows, total=total)


# --- Career planner (and veteran representative) ----------------------------------------


@dataclass
class PlannerHome:
    urgent: Cut  # open alerts, most urgent first
    counts: dict[str, int]  # open alerts by state
    missed: list  # no-shows and missed appointments nobody followed up
    caseload: dict[str, int]  # my customers by status
    recent: list[Customer]


def planner_home(user: User) -> PlannerHome:
    # The first page of the planner's open alerts, most urgent first, with their counts:
    # read through the index on the responsible staff member, only the rows shown.
    dashboard = planner_alerts_page(user, per_page=SHOWN)
    counts = {state.value: dashboard.counts.get(state.value, 0) for state in State}
    mine = customer_list_visible(user).filter(career_planner=user)
    caseload = mine.aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in Status}
    )
    recent = list(
        mine.filter(status__in=ACTIVE_STATUSES)
        .select_related("office")
        .order_by("-updated_at")[:SHOWN]
    )
    return PlannerHome(
        urgent=Cut(rows=list(dashboard.page.object_list), total=dashboard.open),
        counts=counts,
        missed=dashboard.missed[:SHOWN],
        caseload=caseload,
        recent=recent,
    )


# --- Supervisor ---------------------------------------------------------------------------


@dataclass
class SupervisorQueue:
    approvals: Cut  # purchase orders awaiting approval, oldest first
    soft_exits: Cut  # soft exits whose employment at exit nobody has recorded

    @property
    def total(self) -> int:
        return self.approvals.total + self.soft_exits.total


def approvals_waiting(offices: QuerySet[Office]) -> QuerySet[PurchaseOrder]:
    return (
        PurchaseOrder.objects.filter(office__in=offices, status=POStatus.AWAITING)
        .select_related("customer", "vendor", "created_by", "office")
        .order_by("created_at", "pk")
    )


def soft_exits_to_review(
    offices: QuerySet[Office], *, on: datetime.date | None = None
) -> QuerySet[Period]:
    """Soft exits of the last SOFT_EXIT_REVIEW_DAYS whose employment at exit is not yet
    recorded: the planner asks it after the engine exited the customer (SPEC 8)."""
    since = (on or today()) - datetime.timedelta(days=SOFT_EXIT_REVIEW_DAYS)
    return (
        Period.objects.filter(
            customer__office__in=offices,
            exit_kind=ExitKind.SOFT,
            employed_at_exit__isnull=True,
            exited_on__gte=since,
        )
        .select_related("customer", "customer__career_planner", "customer__office")
        .order_by("exited_on", "pk")
    )


def supervisor_queue(offices: QuerySet[Office]) -> SupervisorQueue:
    return SupervisorQueue(
        approvals=_cut(approvals_waiting(offices)),
        soft_exits=_cut(soft_exits_to_review(offices)),
    )
