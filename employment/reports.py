"""Reports over the end of the path (SPEC 8 and 10): the supervisor's outcomes of a
program year (exits, employment at exit, credentials) with the customers behind every
number and the same table as CSV, and the data-completeness list of the participants
whose reportable elements (PIRL) are missing or contradictory.

Every read starts from `customers.selectors.customer_list_visible`, so nothing of an
office the user may not see is counted. Periods of participation are derived from the
customer's record (`period_sync`); `periods_bring_up_to_date` syncs, before a report
reads them, only the customers whose periods lag behind their record (one query to find
them). After that each report is a fixed number of queries, however many rows it covers.
"""

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse

from casemgmt.access import offices_visible_to
from casemgmt.clock import program_year_bounds, program_year_label, today_by_zone
from casemgmt.models import Office, User
from casemgmt.spreadsheet import Writable, write_spreadsheet
from customers.models import Customer, Program, Status
from customers.rules import years_after
from customers.selectors import customer_list_visible
from employment.models import Credential, FollowUp, OtherExitReason, Period
from employment.services import period_sync
from services.models import Category, ServiceRecord

EXITED = (Status.EXITED, Status.FOLLOW_UP, Status.CLOSED)
# 923 codes that take an exit out of the performance measures ("" and 00 do not).
EXCLUDING_REASONS = [c for c in OtherExitReason.values if c != OtherExitReason.NONE]

# --- Periods in step with the record ------------------------------------------------------


def periods_out_of_step(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """The customers among these whose periods `period_sync` would change: an exit the
    record holds that no period shows yet, or an enrolling service after the last
    period's exit (or ever, with no period) that opened no period yet. One query."""
    open_period = Period.objects.filter(customer=OuterRef("pk"), exited_on__isnull=True)
    last_exit = (
        Period.objects.filter(customer=OuterRef("pk"), exited_on__isnull=False)
        .order_by("-exited_on")
        .values("exited_on")[:1]
    )
    enrolling = ServiceRecord.objects.filter(
        customer=OuterRef("pk"), activity__extends_exit_window=True, start_is_projected=False
    )
    exit_not_shown = Q(status__in=EXITED, exit_date__isnull=False) & Exists(
        open_period.filter(entered_on__lte=OuterRef("exit_date"))
    )
    entry_not_shown = ~Exists(open_period) & (
        (Q(last_exit__isnull=True) & Exists(enrolling))
        | Q(Exists(enrolling.filter(started_on__gt=OuterRef("last_exit"))))
    )
    return (
        customers.exclude(status=Status.APPLICANT)
        .annotate(last_exit=Subquery(last_exit))
        .filter(exit_not_shown | entry_not_shown)
    )


def periods_bring_up_to_date(customers: QuerySet[Customer]) -> int:
    """Sync the periods of the customers whose periods lag behind their record (the
    daily job syncs exited customers; a new participant's first period is made here),
    so that a report or an export reads them whole. Returns how many were synced."""
    stale = list(periods_out_of_step(customers).order_by("pk").values_list("pk", flat=True))
    for pk in stale:
        period_sync(Customer(pk=pk))
    return len(stale)


# --- Which credentials a period reports ---------------------------------------------------


def credential_counts(
    *,
    attained_on: datetime.date,
    entered_on: datetime.date,
    exited_on: datetime.date | None,
    next_entered_on: datetime.date | None,
) -> bool:
    """A credential counts for a period of participation when it was attained during the
    period or within a year after its exit (WIOA's credential measure), and before the
    customer's next period began (then it is that period's)."""
    if attained_on < entered_on:
        return False
    if exited_on is not None and attained_on > years_after(exited_on, 1):
        return False
    return next_entered_on is None or attained_on < next_entered_on


def _year_after(expression: str) -> Func:
    # PostgreSQL's date + 1 year makes 29 February the 28th, as years_after does.
    return Func(
        F(expression),
        template="(%(expressions)s + interval '1 year')::date",
        output_field=DateField(),
    )


def _credentials_counting() -> QuerySet[Credential]:
    """`credential_counts` in SQL, for a Period in the outer query."""
    later_period = Period.objects.filter(
        customer=OuterRef(OuterRef("customer")),
        entered_on__gt=OuterRef(OuterRef("entered_on")),
        entered_on__lte=OuterRef("attained_on"),
    )
    return (
        Credential.objects.filter(customer=OuterRef("customer"))
        .filter(attained_on__gte=OuterRef("entered_on"))
        .filter(Q(attained_on__lte=OuterRef("year_after_exit")))
        .filter(~Exists(later_period))
    )


# --- Outcomes of a program year -----------------------------------------------------------


@dataclass(frozen=True)
class OutcomeFilters:
    year: int
    office: Office | None = None

    @property
    def label(self) -> str:
        return program_year_label(self.year)

    @property
    def bounds(self) -> tuple[datetime.date, datetime.date]:
        return program_year_bounds(self.year)


@dataclass(frozen=True)
class Measure:
    label: str
    q: Q


# What each number counts, among the periods that exited in the program year. The
# measures' denominators leave out the exits a 923 reason excludes.
COUNTED = Q(excluded=False)
MEASURES: dict[str, Measure] = {
    "exits": Measure("Exits", Q()),
    "excluded": Measure("Excluded from the measures (other reason for exit)", Q(excluded=True)),
    "counted": Measure("Exits counted in the measures", COUNTED),
    "employed": Measure("Employed at exit", COUNTED & Q(employed_at_exit=True)),
    "unknown": Measure(
        "Employment at exit not recorded", COUNTED & Q(employed_at_exit__isnull=True)
    ),
    "trained": Measure("Exiters who received training", COUNTED & Q(trained=True)),
    "credentialed": Measure(
        "Exiters with training who attained a credential",
        COUNTED & Q(trained=True, credentialed=True),
    ),
}


def exits_in_year(user: User | AnonymousUser, filters: OutcomeFilters) -> QuerySet[Period]:
    """The periods of the user's customers that exited in the program year, each with
    `excluded` (a 923 reason), `trained` (a training service begun during the period) and
    `credentialed` (a credential that counts for it, `credential_counts`)."""
    customers = customer_list_visible(user)
    if filters.office is not None:
        customers = customers.filter(office=filters.office)
    start, end = filters.bounds
    training = ServiceRecord.objects.filter(
        customer=OuterRef("customer"),
        activity__category=Category.TRAINING,
        start_is_projected=False,
        started_on__gte=OuterRef("entered_on"),
        started_on__lte=OuterRef("exited_on"),
    )
    return (
        Period.objects.filter(customer__in=customers, exited_on__gte=start, exited_on__lte=end)
        .annotate(
            excluded=ExpressionWrapper(
                Q(other_reason__in=EXCLUDING_REASONS), output_field=BooleanField()
            ),
            trained=Exists(training),
            year_after_exit=_year_after("exited_on"),
        )
        .annotate(credentialed=Exists(_credentials_counting()))
    )


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class OutcomeRow:
    """The numbers of one office and program, one office, or everything."""

    office: Office | None
    program: str  # a Program value, or "" for every program
    counts: Counter = field(default_factory=Counter)

    @property
    def program_label(self) -> str:
        return Program(self.program).label if self.program else "All programs"

    @property
    def exits(self) -> int:
        return self.counts["exits"]

    @property
    def excluded(self) -> int:
        return self.counts["excluded"]

    @property
    def counted(self) -> int:
        return self.counts["counted"]

    @property
    def employed(self) -> int:
        return self.counts["employed"]

    @property
    def unknown(self) -> int:
        return self.counts["unknown"]

    @property
    def trained(self) -> int:
        return self.counts["trained"]

    @property
    def credentialed(self) -> int:
        return self.counts["credentialed"]

    @property
    def employment_rate(self) -> float | None:
        return _rate(self.counts["employed"], self.counts["counted"])

    @property
    def credential_rate(self) -> float | None:
        return _rate(self.counts["credentialed"], self.counts["trained"])

    def add(self, flags: dict[str, bool]) -> None:
        for name, on in flags.items():
            self.counts[name] += on


@dataclass(frozen=True)
class OfficeOutcomes:
    office: Office
    by_program: list[OutcomeRow]
    total: OutcomeRow


@dataclass(frozen=True)
class Outcomes:
    filters: OutcomeFilters
    offices: list[OfficeOutcomes]
    by_program: list[OutcomeRow]
    total: OutcomeRow


def _flags(*, excluded: bool, employed: bool | None, trained: bool, credentialed: bool) -> dict:
    counted = not excluded
    return {
        "exits": True,
        "excluded": excluded,
        "counted": counted,
        "employed": counted and employed is True,
        "unknown": counted and employed is None,
        "trained": counted and trained,
        "credentialed": counted and trained and credentialed,
    }


def outcomes(user: User | AnonymousUser, filters: OutcomeFilters) -> Outcomes:
    """Exits, employment at exit and credentials per office and program (a customer
    co-enrolled in two programs counts in each, and once in the office's total). Two
    queries once the periods are in step: the offices and the year's exits."""
    customers = customer_list_visible(user)
    offices = offices_visible_to(user).order_by("name", "pk")
    if filters.office is not None:
        customers = customers.filter(office=filters.office)
        offices = offices.filter(pk=filters.office.pk)
    periods_bring_up_to_date(customers)
    office_list = list(offices)
    rows: dict[tuple[int | None, str], OutcomeRow] = {}
    by_id = {office.pk: office for office in office_list}

    def row(office_id: int | None, program: str) -> OutcomeRow:
        key = (office_id, program)
        if key not in rows:
            rows[key] = OutcomeRow(by_id.get(office_id) if office_id else None, program)
        return rows[key]

    for office_id, programs, employed, excluded, trained, credentialed in exits_in_year(
        user, filters
    ).values_list(
        "customer__office_id",
        "customer__programs",
        "employed_at_exit",
        "excluded",
        "trained",
        "credentialed",
    ):
        flags = _flags(
            excluded=excluded, employed=employed, trained=trained, credentialed=credentialed
        )
        row(office_id, "").add(flags)
        row(None, "").add(flags)
        for program in programs:
            row(office_id, program).add(flags)
            row(None, program).add(flags)
    return Outcomes(
        filters=filters,
        offices=[
            OfficeOutcomes(
                office=office,
                by_program=[rows[k] for p in Program.values if (k := (office.pk, p)) in rows],
                total=row(office.pk, ""),
            )
            for office in office_list
        ],
        by_program=[rows[k] for p in Program.values if (k := (None, p)) in rows],
        total=row(None, ""),
    )


def outcome_periods(
    user: User | AnonymousUser, filters: OutcomeFilters, *, measure: str, program: str = ""
) -> QuerySet[Period]:
    """The exits behind a number of the table, with their customers."""
    periods = exits_in_year(user, filters).filter(MEASURES[measure].q)
    if program:
        periods = periods.filter(customer__programs__contains=[program])
    return periods.select_related("customer__office", "customer__career_planner").order_by(
        "-exited_on", "customer__last_name", "customer__first_name", "pk"
    )


CSV_HEADER = [
    "Program year",
    "Office",
    "Program",
    "Exits",
    "Excluded",
    "Counted",
    "Employed at exit",
    "Employment not recorded",
    "Employment rate (%)",
    "Exiters with training",
    "Credential attained",
    "Credential rate (%)",
]


def write_outcomes_csv(result: Outcomes, file: Writable) -> int:
    """The outcomes table as CSV (`casemgmt.spreadsheet`): a row per office and program,
    each office's total and the total of every office; returns the number of rows under
    the header."""
    lines = [
        *(
            (office.office.name, row)
            for office in result.offices
            for row in [*office.by_program, office.total]
        ),
        *(("All offices", row) for row in [*result.by_program, result.total]),
    ]
    return write_spreadsheet(
        file,
        CSV_HEADER,
        (
            [
                result.filters.label,
                office_name,
                row.program_label,
                row.exits,
                row.excluded,
                row.counted,
                row.employed,
                row.unknown,
                row.employment_rate,
                row.trained,
                row.credentialed,
                row.credential_rate,
            ]
            for office_name, row in lines
        ),
    )


# --- Data completeness ----------------------------------------------------------------------


@dataclass(frozen=True)
class CompletenessFilters:
    scope: str = "mine"  # "mine" (the user's caseload) or "office" (every visible office)
    office: Office | None = None
    gap: str = ""


@dataclass(frozen=True)
class Gap:
    """A reportable element missing or contradictory; `link` says where it is fixed."""

    label: str
    fix: str
    q: Q
    link: Callable[[Customer], str]


def _service_page(customer: Customer) -> str:
    return reverse(
        "services:detail", kwargs={"pk": customer.pk, "service_pk": customer.training_gap_pk}
    )


def _exit_details_page(customer: Customer) -> str:
    return reverse(
        "employment:exit_details", kwargs={"pk": customer.pk, "period_pk": customer.exit_gap_pk}
    )


def _follow_up_page(customer: Customer) -> str:
    return reverse(
        "employment:follow_up",
        kwargs={"pk": customer.pk, "follow_up_pk": customer.follow_up_gap_pk},
    )


VALID_STATE = r"^[A-Za-z]{2}$"
VALID_ZIP = r"^[0-9]{5}(-[0-9]{4})?$"

GAPS: dict[str, Gap] = {
    "entry": Gap(
        "No program entry date (PIRL 900): no enrolling service is recorded",
        "Record the first service",
        Q(entry_on__isnull=True),
        lambda c: reverse("services:create", args=[c.pk]),
    ),
    "exit_status": Gap(
        "An exit without employment status at exit nor an excluding reason (PIRL 923)",
        "Record employment at exit",
        Q(exit_gap_pk__isnull=False),
        _exit_details_page,
    ),
    "training": Gap(
        "A training service with no end, or an end after the exit (PIRL 1308)",
        "Close or correct the training",
        Q(training_gap_pk__isnull=False, status__in=EXITED),
        _service_page,
    ),
    "credential": Gap(
        "A credential dated before program entry: no period reports it (PIRL 1800)",
        "Check the credential's date",
        Q(credential_gap_pk__isnull=False),
        lambda c: reverse("employment:customer", args=[c.pk]),
    ),
    "follow_up": Gap(
        "A quarterly follow-up after exit is overdue (PIRL 1600-1606)",
        "Record the follow-up",
        Q(follow_up_gap_pk__isnull=False),
        _follow_up_page,
    ),
    "address": Gap(
        "No state or ZIP code of residence (PIRL 101, 103)",
        "Complete the address",
        ~Q(state__regex=VALID_STATE) | ~Q(postal_code__regex=VALID_ZIP),
        lambda c: reverse("customers:edit", args=[c.pk]),
    ),
}


def _first_pk(records: QuerySet) -> Subquery:
    return Subquery(records.order_by("pk").values("pk")[:1])


def _flag(key: str) -> str:
    return f"gap_{key}"


ANY_GAP = Q(pk__in=[])
for _key in GAPS:
    ANY_GAP |= Q(**{_flag(_key): True})


def participants_checked(
    user: User | AnonymousUser, filters: CompletenessFilters
) -> QuerySet[Customer]:
    """The participants of the user's scope (participating, exited or in follow-up), each
    with a `gap_<key>` flag per gap of GAPS and the first record behind it. The user's
    own caseload comes first."""
    customers = customer_list_visible(user).filter(
        status__in=[Status.PARTICIPANT, Status.EXITED, Status.FOLLOW_UP]
    )
    if filters.scope == "mine":
        customers = customers.filter(career_planner=user.pk)
    if filters.office is not None:
        customers = customers.filter(office=filters.office)
    periods_bring_up_to_date(customers)
    zones = offices_visible_to(user).order_by().values_list("time_zone", flat=True).distinct()
    enrolling = ServiceRecord.objects.filter(
        customer=OuterRef("pk"), activity__extends_exit_window=True, start_is_projected=False
    )
    trainings = ServiceRecord.objects.filter(
        customer=OuterRef("pk"), activity__category=Category.TRAINING, start_is_projected=False
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=OuterRef("exit_date")))
    customers = customers.annotate(
        entry_on=Subquery(enrolling.order_by("started_on").values("started_on")[:1]),
        # A follow-up is overdue the day after it is due, in the customer's office.
        office_today=Case(
            *(When(office__time_zone=z, then=Value(d)) for z, d in today_by_zone(zones).items()),
            output_field=DateField(),
        ),
    ).annotate(
        exit_gap_pk=_first_pk(
            Period.objects.filter(
                customer=OuterRef("pk"),
                exited_on__isnull=False,
                employed_at_exit__isnull=True,
                other_reason__in=["", OtherExitReason.NONE],
            )
        ),
        training_gap_pk=_first_pk(trainings),
        credential_gap_pk=_first_pk(
            Credential.objects.filter(customer=OuterRef("pk"), attained_on__lt=OuterRef("entry_on"))
        ),
        follow_up_gap_pk=_first_pk(
            FollowUp.objects.filter(
                customer=OuterRef("pk"), done_on__isnull=True, due_on__lt=OuterRef("office_today")
            )
        ),
    )
    return customers.annotate(
        **{
            _flag(key): ExpressionWrapper(gap.q, output_field=BooleanField())
            for key, gap in GAPS.items()
        },
        mine=Case(When(career_planner=user.pk, then=Value(0)), default=Value(1)),
    ).order_by("mine", "last_name", "first_name", "pk")


def completeness_counts(customers: QuerySet[Customer]) -> dict[str, int]:
    """How many participants have each gap, and any ("any") of them, of how many
    ("participants"). One query."""
    return customers.order_by().aggregate(
        participants=Count("pk"),
        any=Count("pk", filter=ANY_GAP),
        **{key: Count("pk", filter=Q(**{_flag(key): True})) for key in GAPS},
    )


def with_gaps(customers: QuerySet[Customer], gap: str = "") -> QuerySet[Customer]:
    """Those of `participants_checked` with a gap (the one named, or any)."""
    return customers.filter(Q(**{_flag(gap): True}) if gap else ANY_GAP).select_related(
        "office", "career_planner"
    )


@dataclass(frozen=True)
class CustomerGap:
    key: str
    label: str
    fix: str
    url: str


def gaps_of(customer: Customer) -> list[CustomerGap]:
    """The gaps of a customer of `participants_checked`, each with where it is fixed,
    read from the row's flags (no query)."""
    return [
        CustomerGap(key, gap.label, gap.fix, gap.link(customer))
        for key, gap in GAPS.items()
        if getattr(customer, _flag(key))
    ]
