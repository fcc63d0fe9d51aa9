"""Reports over sessions: the facilitator's sessions and attendance sheets (SPEC 10), and
the supervisor's attendance and no-show rates with the sessions and bookings behind every
number, and the same table as CSV.

Every read starts from `workshops.selectors.sessions_visible`, so a report never counts a
session of an office the user may not see. Each report is a fixed number of queries,
however many sessions and bookings it covers.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from casemgmt.clock import today
from casemgmt.entry import entry_deadline_days
from casemgmt.models import Office, User
from casemgmt.spreadsheet import Writable, write_spreadsheet
from workshops.models import Attendance, Booking, BookingStatus, Session, SessionStatus, Workshop
from workshops.rules import sheet_overdue
from workshops.selectors import sessions_visible, with_seats

# --- Attendance and no-show rates ---------------------------------------------------


@dataclass(frozen=True)
class RatesFilters:
    start: datetime.date
    end: datetime.date
    office: Office | None = None
    workshop: Workshop | None = None


# What a number of the table counts, among the seated bookings (walk-ins included) of
# the sessions held: a drill-down shows the bookings behind it.
MEASURES: dict[str, tuple[str, Q]] = {
    "booked": ("Booked", Q()),
    "attended": ("Attended", Q(attendance=Attendance.ATTENDED)),
    "no_show": ("No-show", Q(attendance=Attendance.NO_SHOW)),
    "excused": ("Excused", Q(attendance=Attendance.EXCUSED)),
}


def _counts() -> dict[str, Count]:
    seated = Q(bookings__status=BookingStatus.BOOKED)
    return {
        "sessions": Count("pk", distinct=True),
        "booked": Count("bookings", filter=seated),
        "attended": Count("bookings", filter=seated & Q(bookings__attendance=Attendance.ATTENDED)),
        "no_show": Count("bookings", filter=seated & Q(bookings__attendance=Attendance.NO_SHOW)),
        "excused": Count("bookings", filter=seated & Q(bookings__attendance=Attendance.EXCUSED)),
    }


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class RateRow:
    """The counts of one workshop, office, session or of everything, and the rates of
    those marked: attended / marked and no-show / marked, in percent."""

    key: int | None
    name: str
    sessions: int = 0
    booked: int = 0
    attended: int = 0
    no_show: int = 0
    excused: int = 0

    @classmethod
    def of(cls, key: int | None, name: str, counts: object) -> "RateRow":
        get = counts.get if isinstance(counts, dict) else lambda n: getattr(counts, n, 0)
        return cls(
            key,
            name,
            **{n: get(n) or 0 for n in ("sessions", "booked", "attended", "no_show", "excused")},
        )

    @property
    def marked(self) -> int:
        return self.attended + self.no_show + self.excused

    @property
    def attendance_rate(self) -> float | None:
        return _rate(self.attended, self.marked)

    @property
    def no_show_rate(self) -> float | None:
        return _rate(self.no_show, self.marked)


@dataclass(frozen=True)
class Rates:
    filters: RatesFilters
    by_workshop: list[RateRow]
    by_office: list[RateRow]
    total: RateRow


def sessions_held(user: User | AnonymousUser, filters: RatesFilters) -> QuerySet[Session]:
    """Sessions of the user's scope held (their sheet in) from `start` to `end`, both
    days included."""
    sessions = sessions_visible(user).filter(
        status=SessionStatus.HELD, on__gte=filters.start, on__lte=filters.end
    )
    if filters.office is not None:
        sessions = sessions.filter(office=filters.office)
    if filters.workshop is not None:
        sessions = sessions.filter(workshop=filters.workshop)
    return sessions


def attendance_rates(user: User | AnonymousUser, filters: RatesFilters) -> Rates:
    """Sessions held, seats booked, attended, no-show and excused, per workshop and per
    office, with their rates: three queries."""
    held = sessions_held(user, filters)
    by_workshop = [
        RateRow.of(row["workshop"], row["workshop__title"], row)
        for row in held.values("workshop", "workshop__title")
        .annotate(**_counts())
        .order_by("workshop__title", "workshop")
    ]
    by_office = [
        RateRow.of(row["office"], row["office__name"], row)
        for row in held.values("office", "office__name")
        .annotate(**_counts())
        .order_by("office__name", "office")
    ]
    total = RateRow.of(None, "All sessions", held.aggregate(**_counts()))
    return Rates(filters, by_workshop, by_office, total)


def rates_sessions(user: User | AnonymousUser, filters: RatesFilters) -> QuerySet[Session]:
    """The sessions behind a row of the table, each with its own counts."""
    return (
        sessions_held(user, filters)
        .annotate(**{k: v for k, v in _counts().items() if k != "sessions"})
        .select_related("workshop", "office", "facilitator")
        .order_by("-on", "-starts_at", "-pk")
    )


def rates_bookings(
    user: User | AnonymousUser,
    filters: RatesFilters,
    *,
    session: Session | None = None,
    measure: str = "booked",
) -> QuerySet[Booking]:
    """The bookings behind a number: the seated customers of the sessions held, or those
    marked attended, no-show or excused."""
    held = sessions_held(user, filters)
    if session is not None:
        held = held.filter(pk=session.pk)
    return (
        Booking.objects.filter(session__in=held, status=BookingStatus.BOOKED)
        .filter(MEASURES[measure][1])
        .select_related("customer", "session__workshop", "session__office")
        .order_by("-session__on", "session__pk", "customer__last_name", "customer__first_name")
    )


CSV_HEADER = [
    "Breakdown",
    "Name",
    "From",
    "To",
    "Sessions held",
    "Booked",
    "Attended",
    "No-show",
    "Excused",
    "Attendance rate (%)",
    "No-show rate (%)",
]


def write_rates_csv(rates: Rates, file: Writable) -> int:
    """The rates table as CSV (`casemgmt.spreadsheet`): a row per workshop, per office,
    and the total; returns the number of rows under the header."""
    lines = [
        *(("Workshop", row) for row in rates.by_workshop),
        *(("Office", row) for row in rates.by_office),
        ("Total", rates.total),
    ]
    start, end = rates.filters.start, rates.filters.end
    return write_spreadsheet(
        file,
        CSV_HEADER,
        (
            [
                breakdown,
                row.name,
                start,
                end,
                row.sessions,
                row.booked,
                row.attended,
                row.no_show,
                row.excused,
                row.attendance_rate,
                row.no_show_rate,
            ]
            for breakdown, row in lines
        ),
    )


# --- The facilitator's sessions -----------------------------------------------------

RECENT_DAYS = 14
UPCOMING_DAYS = 28


@dataclass(frozen=True)
class SessionLine:
    """A session on the facilitator's page, with the state of its attendance sheet:
    entered, cancelled, not_entered, overdue (past the entry deadline) or scheduled."""

    session: Session
    state: str
    label: str
    enter_by: datetime.date

    @property
    def sheet_due(self) -> bool:
        return self.state in ("not_entered", "overdue")


def _line(session: Session, day: datetime.date, deadline_days: int) -> SessionLine:
    enter_by = session.on + datetime.timedelta(days=deadline_days)
    if session.status == SessionStatus.CANCELLED:
        return SessionLine(session, "cancelled", "Cancelled", enter_by)
    if session.is_submitted:
        return SessionLine(session, "entered", "Attendance entered", enter_by)
    if session.on > day:
        return SessionLine(session, "scheduled", "Scheduled", enter_by)
    if sheet_overdue(session_on=session.on, today=day, deadline_days=deadline_days):
        return SessionLine(session, "overdue", "Overdue", enter_by)
    return SessionLine(session, "not_entered", "Attendance not entered", enter_by)


def facilitator_summary(user: User | AnonymousUser) -> dict[str, object]:
    """The sessions the user runs: today's, the last 14 days' (and any older sheet still
    not entered), and the next four weeks', each with its seats and sheet state.

    Keys: on (the user's day), today, recent (newest first), upcoming (lists of
    SessionLine), sheets_due and sheets_overdue (counts). A fixed number of queries: the
    sessions in one, the user's office and each region's entry deadline.
    """
    zone = (
        user.offices.values_list("time_zone", flat=True).order_by("pk").first()
        if user.is_authenticated
        else None
    )
    on = today(zone)
    # A day of margin each side: each session is placed by its own office's day below.
    low = on - datetime.timedelta(days=RECENT_DAYS + 1)
    high = on + datetime.timedelta(days=UPCOMING_DAYS + 1)
    sessions = (
        with_seats(
            sessions_visible(user).filter(
                Q(on__gte=low, on__lte=high) | Q(on__lt=low, status=SessionStatus.SCHEDULED),
                facilitator=user.pk,
            )
        )
        .select_related("workshop", "office")
        .order_by("on", "starts_at", "pk")
    )
    days: dict[str, datetime.date] = {}
    deadlines: dict[int, int] = {}
    todays, recent, upcoming = [], [], []
    for session in sessions:
        office = session.office
        day = days.setdefault(office.time_zone, today(office.time_zone))
        if office.region_id not in deadlines:
            deadlines[office.region_id] = entry_deadline_days(office)
        line = _line(session, day, deadlines[office.region_id])
        if session.on == day:
            todays.append(line)
        elif session.on < day and ((day - session.on).days <= RECENT_DAYS or line.sheet_due):
            recent.append(line)
        elif session.on > day and (session.on - day).days <= UPCOMING_DAYS:
            upcoming.append(line)
    recent.reverse()
    due = [line for line in [*todays, *recent] if line.sheet_due]
    return {
        "on": on,
        "today": todays,
        "recent": recent,
        "upcoming": upcoming,
        "sheets_due": len(due),
        "sheets_overdue": sum(1 for line in due if line.state == "overdue"),
    }
