"""Every scoped read of alerts: the dashboards, their drill-down and the export.

Alerts are reached through their customer, so `customer_list_visible` stays the one
answer to "what may this user see".
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.http import QueryDict
from django.utils import timezone

from casemgmt.access import offices_visible_to
from casemgmt.clock import today, today_by_zone
from casemgmt.models import Office, Policy, User
from casenotes.models import CaseNote
from compliance.models import Alert, OfficeCount, Rule, State
from compliance.rules import soft_exit
from compliance.summary import ACTIVE_STATUSES, COUNTED, overdue_at_end_of
from customers.models import Customer, Status
from customers.selectors import customer_list_visible
from employment.rules import FOLLOW_UP_DUE_SOON_DAYS
from workshops.selectors import FOLLOW_UP_DAYS, FollowUp, follow_ups

# The caseload the rates are taken of: everyone not yet exited or closed.
ON_TIME = "on_time"
UNASSIGNED = "none"
TREND_WEEKS = 12
SOFT_EXIT_RECENT_DAYS = 30
DAY = datetime.timedelta(days=1)

URGENCY = Case(
    When(state=State.OVERDUE, then=0),
    When(state=State.LATE, then=1),
    default=2,
    output_field=IntegerField(),
)


def today_for(user: User | AnonymousUser) -> datetime.date:
    """The day a dashboard's page is dated: today in the zone of the user's (first)
    office; the site's zone for a user without one. The dashboards themselves measure
    each customer on today in the customer's office when they are not given a day."""
    zone = offices_visible_to(user).order_by("pk").values_list("time_zone", flat=True).first()
    return today(zone)


def _days_in(offices: QuerySet[Office]) -> dict[str, datetime.date]:
    """Today in the zone of each of the offices (one query)."""
    return today_by_zone(offices.order_by().values_list("time_zone", flat=True).distinct())


def _office_ids(user: User | AnonymousUser, offices: QuerySet[Office]) -> list[int]:
    """The offices the user may see (`offices_visible_to`, the rule `customer_list_visible`
    applies) among those given, by id: one query of a few rows. The dashboards name them
    literally, so that PostgreSQL reads each office's customers through the indexes that
    start at the office; given the rule as a subquery, it re-ran it for every alert."""
    return list(
        offices.filter(pk__in=offices_visible_to(user)).order_by().values_list("pk", flat=True)
    )


def _open_alerts_in(office_ids: list[int]) -> QuerySet[Alert]:
    """Open alerts of the customers of offices already scoped by `_office_ids`."""
    return Alert.objects.filter(resolved_at__isnull=True, customer__office__in=office_ids)


def alert_list_visible(user: User | AnonymousUser) -> QuerySet[Alert]:
    """Open alerts of the customers the user may see."""
    return Alert.objects.filter(resolved_at__isnull=True, customer__in=customer_list_visible(user))


def alert_list_for_customer(customer: Customer) -> QuerySet[Alert]:
    """Open alerts of a customer already fetched through `customer_get_visible`."""
    return (
        Alert.objects.filter(customer=customer, resolved_at__isnull=True)
        .alias(urgency=URGENCY)
        .order_by("urgency", "due_on", "rule")
    )


def _policies(region_ids: set[int]) -> dict[int, Policy]:
    """The policy of each region, the defaults where a region has none (one query)."""
    found = {p.region_id: p for p in Policy.objects.filter(region_id__in=region_ids)}
    return {region: found.get(region) or Policy(region_id=region) for region in region_ids}


def alerts_with_stages(alerts: list[Alert]) -> list[Alert]:
    """Give each soft-exit alert its `stage` ("day 75: call, exits on 07/12/2026"), named
    by its region's policy, which the pages show instead of a state: nothing is overdue
    before the exit. The alerts come with their customer's office; one query, or none."""
    exits = [alert for alert in alerts if alert.rule == Rule.SOFT_EXIT]
    policies = _policies({alert.customer.office.region_id for alert in exits}) if exits else {}
    for alert in exits:
        policy = policies[alert.customer.office.region_id]
        alert.stage = soft_exit.soft_exit_stage(alert, policy)  # type: ignore[attr-defined]
    return alerts


def offices_supervised_by(user: User) -> QuerySet[Office]:
    """The offices a supervisor's dashboard covers: those supervised (administrators: all)."""
    offices = offices_visible_to(user)
    if user.has_perm("casemgmt.view_all_offices"):
        return offices
    return offices.filter(supervisors=user)


# --- Career planner -----------------------------------------------------------------


CARD_ROWS = 10  # rows of each card beside the planner's list; the card links to them all
DUE_THIS_WEEK = "week"


@dataclass(frozen=True)
class PlannerFilters:
    """What the planner's list is cut to: a rule, a state, or what falls due this week."""

    rule: str = ""
    state: str = ""
    due: str = ""  # DUE_THIS_WEEK or ""

    @classmethod
    def from_query(cls, query: "QueryDict") -> "PlannerFilters":
        """The filters of a page's query string; a value that is not a choice is ignored."""
        rule, state, due = (query.get(name, "") for name in ("rule", "state", "due"))
        return cls(
            rule=rule if rule in Rule.values else "",
            state=state if state in State.values else "",
            due=due if due == DUE_THIS_WEEK else "",
        )

    @property
    def query(self) -> str:
        return urlencode({k: v for k, v in vars(self).items() if v})

    @property
    def label(self) -> str:
        """The list in words: "Open alerts: 30-day contact, overdue"."""
        parts = [
            Rule(self.rule).label if self.rule else "",
            State(self.state).label.lower() if self.state else "",
            "due in the next 7 days" if self.due else "",
        ]
        where = ", ".join(p for p in parts if p)
        return f"Open alerts: {where}" if where else "Open alerts, most urgent first"

    @property
    def caption(self) -> str:
        """The list's table, named as the user's own: "My open alerts, most urgent first"."""
        return f"My {self.label[0].lower()}{self.label[1:]}"

    def __bool__(self) -> bool:
        return bool(self.rule or self.state or self.due)


@dataclass
class AlertCard:
    """The first rows of one of the planner's cards, and how many there are."""

    rows: list[Alert]
    total: int
    filters: PlannerFilters

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass
class PlannerPage:
    page: Page  # one page of the open alerts, most urgent first (cut to `filters`)
    filters: PlannerFilters
    open: int  # every open alert the planner is responsible for
    counts: dict[str, int]  # those by state
    due_this_week: AlertCard
    no_contact: AlertCard
    reviews_due: AlertCard
    follow_ups_due: AlertCard
    missed: list[FollowUp]
    active_caseload: int


def planner_alerts_page(
    user: User,
    *,
    number: str | int | None = None,
    filters: PlannerFilters | None = None,
    per_page: int = 25,
    on: datetime.date | None = None,
) -> PlannerPage:
    """The planner's page: one page of the open alerts the user is responsible for, most
    urgent first, and the first rows of each card beside it ("this week" is the seven
    days from today in each customer's office, or from `on`).

    Every query reads the user's open alerts through the index on the responsible staff
    member and fetches only the rows shown: the counts (one query), the page (two), the
    cards (one each) and their soft exits' policies (one), however long the lists.
    """
    filters = filters or PlannerFilters()
    offices = list(offices_visible_to(user).order_by().values_list("pk", "time_zone"))
    office_ids = [pk for pk, _ in offices]
    mine = _open_alerts_in(office_ids).filter(responsible=user)
    if on:
        this_week = Q(due_on__range=(on, on + datetime.timedelta(days=7)))
    else:
        this_week = Q(pk__in=[])
        for zone, day in today_by_zone({zone for _, zone in offices}).items():
            this_week |= Q(
                customer__office__time_zone=zone,
                due_on__range=(day, day + datetime.timedelta(days=7)),
            )
    cards = {
        "due_this_week": (this_week, PlannerFilters(due=DUE_THIS_WEEK), ("due_on",)),
        "no_contact": (
            Q(rule=Rule.CONTACT_30, state=State.OVERDUE),
            PlannerFilters(rule=Rule.CONTACT_30, state=State.OVERDUE),
            ("urgency", "due_on"),
        ),
        "reviews_due": (Q(rule=Rule.REVIEW_90), PlannerFilters(rule=Rule.REVIEW_90), ("due_on",)),
        "follow_ups_due": (
            Q(rule=Rule.FOLLOW_UP_DUE),
            PlannerFilters(rule=Rule.FOLLOW_UP_DUE),
            ("due_on",),
        ),
    }
    counts = mine.aggregate(
        open=Count("pk"),
        **{state.value: Count("pk", filter=Q(state=state)) for state in State},
        **{name: Count("pk", filter=where) for name, (where, _f, _o) in cards.items()},
    )
    listed = mine.alias(urgency=URGENCY).select_related("customer", "customer__office")
    where = Q()
    if filters.rule:
        where &= Q(rule=filters.rule)
    if filters.state:
        where &= Q(state=filters.state)
    if filters.due:
        where &= this_week
    page = Paginator(
        listed.filter(where).order_by(
            "urgency", "due_on", "customer__last_name", "customer__first_name", "pk"
        ),
        per_page,
    ).get_page(number)
    card_rows = {
        name: list(
            listed.filter(card_where).order_by(
                *order, "customer__last_name", "customer__first_name", "pk"
            )[:CARD_ROWS]
        )
        for name, (card_where, _f, order) in cards.items()
    }
    alerts_with_stages([*page.object_list, *(a for rows in card_rows.values() for a in rows)])
    mine_customers = Customer.objects.filter(office__in=office_ids, career_planner=user)
    return PlannerPage(
        page=page,
        filters=filters,
        open=counts["open"],
        counts={state.value: counts[state.value] for state in State},
        **{
            name: AlertCard(rows=card_rows[name], total=counts[name], filters=card_filters)
            for name, (_w, card_filters, _o) in cards.items()
        },
        missed=follow_ups(mine_customers, on=on or today()),
        active_caseload=mine_customers.filter(status__in=ACTIVE_STATUSES).count(),
    )


def alert_counts_for(user: User) -> dict[str, int]:
    """How many open alerts the user is responsible for, by state (for the home page)."""
    return (
        alert_list_visible(user)
        .filter(responsible=user)
        .aggregate(**{state.value: Count("pk", filter=Q(state=state)) for state in State})
    )


# --- Supervisor ---------------------------------------------------------------------


@dataclass
class RuleCounts:
    rule: str
    label: str
    due_soon: int = 0
    overdue: int = 0
    late: int = 0
    active_with_alert: int = 0
    active_overdue: int = 0
    active: int = 0

    @property
    def on_time(self) -> int:
        return max(self.active - self.active_with_alert, 0)

    @property
    def overdue_rate(self) -> int | None:
        """Percent of the active caseload with this rule overdue (None without a caseload)."""
        if not self.active:
            return None
        return round(100 * self.active_overdue / self.active)


@dataclass
class Caseload:
    """The counts of one office, or of one career planner within an office."""

    office: Office
    is_total: bool = False
    planner_id: int | None = None
    planner_name: str = ""
    active: int = 0
    rules: dict[str, RuleCounts] = field(init=False)

    def __post_init__(self) -> None:
        self.rules = {rule.value: RuleCounts(rule.value, rule.label) for rule in Rule}

    @property
    def query(self) -> str:
        """The drill-down's filters that select this caseload."""
        if self.is_total:
            return urlencode({"office": self.office.pk})
        planner = str(self.planner_id) if self.planner_id else UNASSIGNED
        return urlencode({"office": self.office.pk, "planner": planner})

    @property
    def rule_rows(self) -> list[RuleCounts]:
        return list(self.rules.values())

    @property
    def overdue(self) -> int:
        return sum(c.overdue for c in self.rules.values())

    @property
    def due_soon(self) -> int:
        return sum(c.due_soon for c in self.rules.values())

    @property
    def late(self) -> int:
        return sum(c.late for c in self.rules.values())


@dataclass
class OfficeSummary:
    total: Caseload
    planners: list[Caseload]


def _planner_name(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or username or "Unassigned"


def supervisor_summary(
    user: User, offices: QuerySet[Office], *, by_planner: bool = True
) -> list[OfficeSummary]:
    """Per office and per career planner (or per office only, for a region's roll-up:
    `by_planner=False`), open alerts of each rule by state, and the active caseload the
    on-time counts and rates are taken of.

    Three queries: the offices, the caseloads, the alerts; none grows with the rows.
    """
    office_list = list(offices.filter(pk__in=offices_visible_to(user)).order_by("name"))
    customers = Customer.objects.filter(office__in=office_list)
    totals = {office.pk: Caseload(office=office, is_total=True) for office in office_list}
    planners: dict[tuple[int, int | None], Caseload] = {}

    def caseload(office_id: int, planner_id: int | None, names: tuple) -> Caseload:
        key = (office_id, planner_id)
        if key not in planners:
            planners[key] = Caseload(
                office=totals[office_id].office,
                planner_id=planner_id,
                planner_name=_planner_name(*names) if planner_id else "Unassigned",
            )
        return planners[key]

    planner_fields = (
        ("career_planner__first_name", "career_planner__last_name", "career_planner__username")
        if by_planner
        else ()
    )
    planner_key = ("career_planner",) if by_planner else ()
    active_rows = (
        customers.filter(status__in=ACTIVE_STATUSES)
        .values("office", *planner_key, *planner_fields)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in active_rows:
        if by_planner:
            names = tuple(row[f] for f in planner_fields)
            caseload(row["office"], row["career_planner"], names).active = row["n"]
        totals[row["office"]].active += row["n"]

    active = Q(customer__status__in=ACTIVE_STATUSES)
    alert_rows = (
        _open_alerts_in([office.pk for office in office_list])
        .values(
            "customer__office",
            *(f"customer__{f}" for f in planner_key),
            "rule",
            *(f"customer__{f}" for f in planner_fields),
        )
        .annotate(
            due_soon=Count("pk", filter=Q(state=State.DUE_SOON)),
            overdue=Count("pk", filter=Q(state=State.OVERDUE)),
            late=Count("pk", filter=Q(state=State.LATE)),
            active_with_alert=Count("customer", distinct=True, filter=active),
            active_overdue=Count("customer", distinct=True, filter=active & Q(state=State.OVERDUE)),
        )
        .order_by()
    )
    for row in alert_rows:
        if row["rule"] not in Rule.values:
            continue
        targets = [totals[row["customer__office"]].rules[row["rule"]]]
        if by_planner:
            names = tuple(row[f"customer__{f}"] for f in planner_fields)
            planner = caseload(row["customer__office"], row["customer__career_planner"], names)
            targets.append(planner.rules[row["rule"]])
        for counts in targets:
            for name in COUNTED:
                setattr(counts, name, getattr(counts, name) + row[name])

    for each in [*totals.values(), *planners.values()]:
        for counts in each.rules.values():
            counts.active = each.active
    summaries = []
    for office in office_list:
        rows = sorted(
            (c for (office_id, _), c in planners.items() if office_id == office.pk),
            key=lambda c: (c.planner_id is None, c.planner_name.split()[-1:], c.planner_name),
        )
        summaries.append(OfficeSummary(total=totals[office.pk], planners=rows))
    return summaries


def office_roll_up(
    user: User, offices: QuerySet[Office]
) -> tuple[list[OfficeSummary], datetime.date | None]:
    """A roll-up of many offices (a region's director, an administrator): one summary per
    office, without its career planners, read from the counts the nightly run recorded
    (`compliance.summary.record_office_counts`), and the earliest day they were counted
    on. An office the nightly run has not counted yet is counted now. Two queries, and
    the live count of the offices not yet recorded; never every open alert of the scope.
    """
    office_list = list(offices.filter(pk__in=offices_visible_to(user)).order_by("name"))
    totals = {office.pk: Caseload(office=office, is_total=True) for office in office_list}
    counted_on: datetime.date | None = None
    recorded: set[int] = set()
    for row in OfficeCount.objects.filter(office__in=office_list):
        if row.rule not in Rule.values:
            continue
        total = totals[row.office_id]
        total.active = row.active
        counts = total.rules[row.rule]
        for name in COUNTED:
            setattr(counts, name, getattr(row, name))
        counts.active = row.active
        counted_on = row.day if counted_on is None else min(counted_on, row.day)
        recorded.add(row.office_id)
    missing = [pk for pk in totals if pk not in recorded]
    live = {}
    if missing:
        for summary in supervisor_summary(
            user, Office.objects.filter(pk__in=missing), by_planner=False
        ):
            live[summary.total.office.pk] = summary.total
    return [
        OfficeSummary(total=live.get(office.pk, totals[office.pk]), planners=[])
        for office in office_list
    ], counted_on


@dataclass(frozen=True)
class TrendPoint:
    week_end: datetime.date
    overdue: int


TREND_SQL = f"""
    WITH office AS (
        SELECT o.id,
               (%(now)s::timestamptz AT TIME ZONE o.time_zone)::date AS today,
               COALESCE(%(on)s::date, (%(now)s::timestamptz AT TIME ZONE o.time_zone)::date)
                   AS last_day
        FROM casemgmt_office o
        WHERE o.id IN (OFFICES_IN_SCOPE)
    ),
    week_end AS (
        SELECT office.id AS office_id, office.today, office.last_day, week.n,
               office.last_day - 7 * (%(weeks)s - 1 - week.n) AS day, recorded.overdue
        FROM office
        CROSS JOIN generate_series(0, %(weeks)s - 1) AS week(n)
        LEFT JOIN compliance_overduecount recorded
          ON recorded.office_id = office.id
         AND recorded.day = office.last_day - 7 * (%(weeks)s - 1 - week.n)
    ),
    -- A past week's end no run recorded: counted once from the office's alerts, and kept.
    ended AS (
        SELECT w.office_id, w.n, w.day, counted.overdue
        FROM week_end w
        CROSS JOIN LATERAL (
            SELECT COUNT(*) AS overdue
            FROM customers_customer c
            JOIN compliance_alert a ON a.customer_id = c.id
            WHERE c.office_id = w.office_id AND {overdue_at_end_of("w.day")}
        ) AS counted
        WHERE w.overdue IS NULL AND w.day < w.today
    ),
    kept AS (
        INSERT INTO compliance_overduecount (office_id, day, overdue, recorded_at)
        SELECT office_id, day, overdue, %(now)s FROM ended
        ON CONFLICT (office_id, day) DO NOTHING
    ),
    -- Today (the week that has not ended): the office's open alerts, and any resolved
    -- after today's date.
    current AS (
        SELECT w.office_id, w.n, open_now.overdue + resolved_since.overdue AS overdue
        FROM week_end w
        CROSS JOIN LATERAL (
            SELECT COUNT(*) AS overdue
            FROM customers_customer c
            JOIN compliance_alert a ON a.customer_id = c.id AND a.resolved_at IS NULL
            WHERE c.office_id = w.office_id AND {overdue_at_end_of("w.day")}
        ) AS open_now
        CROSS JOIN LATERAL (
            SELECT COUNT(*) AS overdue
            FROM compliance_alert a
            JOIN customers_customer c ON c.id = a.customer_id
            WHERE a.state = '{State.OVERDUE.value}' AND a.resolved_on > w.day
              AND c.office_id = w.office_id AND {overdue_at_end_of("w.day")}
        ) AS resolved_since
        WHERE w.day >= w.today
    )
    SELECT w.n, SUM(COALESCE(current.overdue, w.overdue, ended.overdue, 0)), MAX(w.last_day)
    FROM week_end w
    LEFT JOIN ended ON ended.office_id = w.office_id AND ended.n = w.n
    LEFT JOIN current ON current.office_id = w.office_id AND current.n = w.n
    GROUP BY w.n
    ORDER BY w.n
"""  # noqa: S608 - constants of the code only; every value is a parameter


def overdue_trend(
    user: User,
    offices: QuerySet[Office],
    *,
    on: datetime.date | None = None,
    weeks: int = TREND_WEEKS,
) -> list[TrendPoint]:
    """Open overdue alerts at the end of each of the last `weeks` weeks (the last ends
    today in each customer's office, or on `on`; the points are dated by the latest
    office's day), as `compliance.summary.overdue_at_end_of` counts them.

    One query, driven by the offices: a week that has ended is read from the counts
    recorded per office and day (`OverdueCount`; one missing is counted from the office's
    alerts once, and recorded), the current week from the office's open alerts.
    """
    scope = offices.filter(pk__in=offices_visible_to(user)).order_by().values("pk")
    # The offices (a few rows) are named inside the one query: the ORM's SQL, quoted.
    scope_sql = connection.ops.compose_sql(*scope.query.sql_with_params()).replace("%", "%%")
    rows = _trend_rows(scope_sql, on=on, weeks=weeks)
    counts = {n: int(overdue) for n, overdue, _last in rows}
    last = max((row[2] for row in rows), default=None) or on or today()
    return [
        TrendPoint(
            week_end=last - datetime.timedelta(weeks=weeks - 1 - n), overdue=counts.get(n, 0)
        )
        for n in range(weeks)
    ]


def _trend_rows(scope_sql: str, *, on: datetime.date | None, weeks: int) -> list[tuple]:
    params = {"now": timezone.now(), "on": on, "weeks": weeks}
    with connection.cursor() as cursor:
        cursor.execute(TREND_SQL.replace("OFFICES_IN_SCOPE", scope_sql), params)
        return cursor.fetchall()


def fill_trend_weeks(*, on: datetime.date, weeks: int = TREND_WEEKS) -> None:
    """Count and keep every office's week ends up to `on` (the day that has ended) that no
    run recorded, as the trend would on a page: the nightly task does it, so that no
    roll-up of many offices pays for them (after an upgrade, every office's weeks)."""
    _trend_rows("SELECT id FROM casemgmt_office", on=on, weeks=weeks)


# --- Drill-down and export ----------------------------------------------------------


@dataclass(frozen=True)
class AlertFilters:
    office: Office | None = None
    planner: str = ""  # a user id, UNASSIGNED, or "" for every planner
    rule: str = ""
    state: str = ""  # an alert State, ON_TIME, or ""


def _customer_filter(filters: AlertFilters, prefix: str = "") -> Q:
    query = Q()
    if filters.office is not None:
        query &= Q(**{f"{prefix}office": filters.office})
    if filters.planner == UNASSIGNED:
        query &= Q(**{f"{prefix}career_planner__isnull": True})
    elif filters.planner:
        query &= Q(**{f"{prefix}career_planner_id": int(filters.planner)})
    return query


def alert_drilldown(
    user: User, offices: QuerySet[Office], filters: AlertFilters
) -> QuerySet[Alert]:
    """The open alerts behind a number on the supervisor's dashboard."""
    alerts = (
        _open_alerts_in(_office_ids(user, offices))
        .filter(_customer_filter(filters, "customer__"))
        .select_related("customer", "customer__office", "customer__career_planner", "responsible")
        .alias(urgency=URGENCY)
    )
    if filters.rule:
        alerts = alerts.filter(rule=filters.rule)
    if filters.state and filters.state != ON_TIME:
        alerts = alerts.filter(state=filters.state)
    return alerts.order_by(
        "urgency", "due_on", "customer__last_name", "customer__first_name", "rule", "pk"
    )


def customers_on_time(
    user: User, offices: QuerySet[Office], filters: AlertFilters
) -> QuerySet[Customer]:
    """Active customers with no open alert of the rule: the "on time" behind a number."""
    open_alerts = Alert.objects.filter(resolved_at__isnull=True, customer=OuterRef("pk"))
    if filters.rule:
        open_alerts = open_alerts.filter(rule=filters.rule)
    return (
        Customer.objects.filter(office__in=_office_ids(user, offices), status__in=ACTIVE_STATUSES)
        .filter(_customer_filter(filters))
        .exclude(Exists(open_alerts))
        .select_related("office", "career_planner")
        .order_by("last_name", "first_name", "pk")
    )


def planners_in_scope(user: User, offices: QuerySet[Office]) -> QuerySet[User]:
    """Career planners with customers in the offices: the drill-down's planner choices.
    Read from the offices' customers (the index on office and status), never from every
    planner's caseload."""
    return User.objects.filter(
        pk__in=Customer.objects.filter(
            office__in=_office_ids(user, offices), career_planner__isnull=False
        ).values("career_planner")
    ).order_by("last_name", "first_name", "pk")


# --- Tracker ------------------------------------------------------------------------

CALL, REENGAGE = soft_exit.CALL, soft_exit.REENGAGE
MISSED, FOLLOW_UPS, SOFT_EXITED = "missed", "follow_ups", "soft_exited"


@dataclass(eq=False)
class TrackerEntry:
    """One customer on one of the tracker's lists: the stage of their soft exit, the
    missed appointment, or the follow-ups due that put them there."""

    group: "TrackerGroup"
    position: int  # 0 for the group's first
    customer: Customer
    last_contact: datetime.date | None
    stage: soft_exit.Stage | None = None
    missed: FollowUp | None = None
    follow_ups: list[Alert] = field(default_factory=list)

    @property
    def urgent(self) -> bool:
        if self.stage is not None:
            return self.stage.step.key == CALL
        return any(a.state == State.OVERDUE for a in self.follow_ups)


@dataclass(eq=False)
class TrackerGroup:
    key: str
    title: str
    about: str
    entries: list[TrackerEntry] = field(default_factory=list)
    first_page: int = 1  # the page of the list its first entry is on

    def add(
        self,
        customer: Customer,
        last_contact: datetime.date | None,
        *,
        stage: soft_exit.Stage | None = None,
        missed: FollowUp | None = None,
        follow_ups: list[Alert] | None = None,
    ) -> None:
        self.entries.append(
            TrackerEntry(
                self, len(self.entries), customer, last_contact, stage, missed, follow_ups or []
            )
        )


@dataclass
class TrackerDashboard:
    """The tracker's lists, one after another, most urgent first: day 75 (call), day 60
    (re-engage), missed appointments, follow-ups due, and the recent soft exits. Each
    list is in its own order of urgency; the page cuts the whole into pages."""

    groups: list[TrackerGroup]

    def group(self, key: str) -> TrackerGroup:
        return next(g for g in self.groups if g.key == key)

    @property
    def entries(self) -> list[TrackerEntry]:
        return [entry for group in self.groups for entry in group.entries]

    def paginate(self, number: str | int | None, per_page: int) -> Page:
        """The page asked for (the first, or the last, when it does not exist), each group
        told the page it starts on."""
        offset = 0
        for group in self.groups:
            group.first_page = offset // per_page + 1
            offset += len(group.entries)
        return Paginator(self.entries, per_page).get_page(number)

    def place_of(self, customer_pk: int, per_page: int) -> tuple[int, str] | None:
        """The page and the list of the customer's first entry; None when not listed."""
        for index, entry in enumerate(self.entries):
            if entry.customer.pk == customer_pk:
                return index // per_page + 1, entry.group.key
        return None


def _last_two_way(customer_ref: str) -> Subquery:
    """The last two-way contact as the notes say now: a corrected note counts as its
    correction says (corrections are rare; the anti-join reads the index on them)."""
    return Subquery(
        CaseNote.objects.filter(
            customer=OuterRef(customer_ref), two_way=True, corrected_by__isnull=True
        )
        .values("customer")
        .annotate(last=Max("contact_date"))
        .values("last")[:1]
    )


def _local_date(timestamp: str, zone: str) -> Cast:
    """The calendar date of a timestamp in the zone a field names."""
    return Cast(
        Func(F(zone), F(timestamp), function="timezone", output_field=DateTimeField()),
        DateField(),
    )


def tracker_dashboard(user: User, *, on: datetime.date | None = None) -> TrackerDashboard:
    """The 60/75/90-day re-engagement lists of the offices the user works in, the missed
    appointments nobody followed up, and the customers with a follow-up due (after exit,
    or in a placement). Six queries, however long the lists.

    The soft-exit lists are named by their stage in the words of the region's policy
    (`soft_exit.soft_exit_stage`), the headings by the policy of the user's first office,
    and ordered by the day of the exit, the closest first.

    The exit date of a soft exit is retroactive (the last day of the last enrolling
    service), so "soft-exited in the last 30 days" is told by the day the exit happened:
    the day its soft-exit alert was resolved or, without one, the record's last change,
    in the office's zone; the 30 days end today in the office, or on `on`.
    """
    offices = list(
        offices_visible_to(user).order_by("pk").values_list("pk", "time_zone", "region_id")
    )
    office_ids = [pk for pk, _, _ in offices]
    alerts = list(
        _open_alerts_in(office_ids)
        .filter(
            rule__in=[Rule.SOFT_EXIT, Rule.FOLLOW_UP_DUE],
            state__in=[State.DUE_SOON, State.OVERDUE],
        )
        .select_related("customer", "customer__office", "customer__career_planner")
        .annotate(last_contact=_last_two_way("customer"))
        .order_by("due_on", "customer__last_name", "customer__first_name", "pk")
    )
    regions = {region for _, _, region in offices} | {a.customer.office.region_id for a in alerts}
    policies = _policies(regions)
    heading_policy = policies[offices[0][2]] if offices else Policy()
    call_step, reengage_step = soft_exit.soft_exit_steps(heading_policy)

    exit_resolved_on = Subquery(
        Alert.objects.filter(
            customer=OuterRef("pk"), rule=Rule.SOFT_EXIT, resolved_on__isnull=False
        )
        .values("customer")
        .annotate(last=Max("resolved_on"))
        .values("last")[:1]
    )
    recent = datetime.timedelta(days=SOFT_EXIT_RECENT_DAYS)
    if on:
        since = Q(soft_exited_on__gte=on - recent)
        earliest = on - recent
    else:
        days = today_by_zone({zone for _, zone, _ in offices})
        since = Q(pk__in=[])
        for zone, day in days.items():
            since |= Q(office__time_zone=zone, soft_exited_on__gte=day - recent)
        earliest = min(days.values(), default=today()) - recent
    # Only a customer exited or changed since the window opened, or whose soft-exit alert
    # was resolved in it, can be on the list: the exact test above runs for those alone,
    # not for every soft exit the offices ever had. (The window opens on `earliest` in
    # the earliest zone, which is after midnight UTC of the day before.)
    opened = datetime.datetime.combine(earliest - DAY, datetime.time.min, tzinfo=datetime.UTC)
    resolved_in_window = Alert.objects.filter(
        customer=OuterRef("pk"), rule=Rule.SOFT_EXIT, resolved_on__gte=earliest
    )
    soft_exited = (
        Customer.objects.filter(
            office__in=office_ids, status=Status.EXITED, exit_reason__startswith="Soft exit"
        )
        .filter(Q(updated_at__gte=opened) | Exists(resolved_in_window))
        .annotate(
            soft_exited_on=Coalesce(
                exit_resolved_on, _local_date("updated_at", "office__time_zone")
            ),
            last_contact=_last_two_way("pk"),
        )
        .filter(since)
        .select_related("office", "career_planner")
        .order_by("-soft_exited_on", "last_name", "first_name", "pk")
    )

    exit_day, recent_days = heading_policy.exit_day, SOFT_EXIT_RECENT_DAYS
    groups = {  # the most urgent first
        CALL: TrackerGroup(
            CALL,
            call_step.name,
            f"{call_step.day} days without an enrolling service: call before the soft exit "
            f"on day {exit_day}. The closest to the exit first.",
        ),
        REENGAGE: TrackerGroup(
            REENGAGE,
            reengage_step.name,
            f"{reengage_step.day} days without an enrolling service: reach out the way they "
            "prefer. The closest to the exit first.",
        ),
        MISSED: TrackerGroup(
            MISSED,
            "missed appointments and workshops",
            f"No-shows and missed appointments of the last {FOLLOW_UP_DAYS} days, the latest "
            "first. Logging a contact or an attempt takes the customer off this list.",
        ),
        FOLLOW_UPS: TrackerGroup(
            FOLLOW_UPS,
            "follow-ups due",
            "Quarterly follow-ups in the year after exit and placement follow-ups, from "
            f"{FOLLOW_UP_DUE_SOON_DAYS} days before they are due, the soonest first. Reach the "
            "customer; the career planner records the follow-up.",
        ),
        SOFT_EXITED: TrackerGroup(
            SOFT_EXITED,
            f"day {exit_day}: soft-exited in the last {recent_days} days",
            f"Exited for {exit_day} days without an enrolling service, the latest first. If "
            "they come back, a supervisor can undo the soft exit.",
        ),
    }
    follow_ups_due: dict[int, list[Alert]] = {}
    for alert in alerts:
        if alert.rule == Rule.FOLLOW_UP_DUE:
            follow_ups_due.setdefault(alert.customer_id, []).append(alert)
            continue
        stage = soft_exit.soft_exit_stage(alert, policies[alert.customer.office.region_id])
        assert stage is not None
        groups[stage.step.key].add(alert.customer, alert.last_contact, stage=stage)
    # One entry per customer (one contact reaches them about every follow-up due), in
    # the order of each customer's soonest.
    for due in follow_ups_due.values():
        groups[FOLLOW_UPS].add(due[0].customer, due[0].last_contact, follow_ups=due)
    for item in follow_ups(Customer.objects.filter(office__in=office_ids), on=on or today()):
        groups[MISSED].add(item.customer, None, missed=item)
    for customer in soft_exited:
        groups[SOFT_EXITED].add(customer, customer.last_contact)
    return TrackerDashboard(groups=list(groups.values()))
