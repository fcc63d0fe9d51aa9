"""The federal participant record (PIRL, ETA-9172) of a calendar quarter, as CSV, and
the cross-field rules (R-*) a file must satisfy (/work/shared/PIRL.md, section 3).

One row per participant per period of participation **active in the quarter**: entered
on or before its last day and not exited before its first (still open, or exited in or
after it). Columns are the PIRL elements the product records, named in the header row
by their PIRL number; a blank is "not applicable, not known or not yet happened".

Element 100 is the customer number (C and seven digits), never an SSN. Records are
given to a period by date: a service, purchase order or skill gain belongs to the
latest period entered on or before its date (or the first, when it came earlier);
credentials as `employment.reports.credential_counts` says.

Training types (1303/1310/1315) come from the service matrix: 301 on-the-job training
is 01; 300 occupational skills training is 06, or 10 (youth occupational skills
training) for a customer in Youth and neither Adult nor Dislocated Worker; any other
training activity of the Youth program is 10. Another training activity has no code
here, and R-TRN reports the row until the map names it.
"""

import csv
import datetime
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

from django.db.models import Q, QuerySet

from casemgmt.clock import today
from casemgmt.spreadsheet import spreadsheet_cell
from customers.models import Customer, Program, VeteranStatus
from employment.models import Credential, FollowUp, Period, SkillGain, SkillGainKind
from employment.reports import credential_counts, periods_bring_up_to_date
from employment.rules import quarter_end, quarter_of
from services.models import ActivityProgram, Category, CompletionStatus, Provider, ServiceRecord
from supportive.models import POStatus, PurchaseOrder

OBS = "OBS"
COLUMNS: list[tuple[str, str]] = [
    (OBS, "OBS Number"),
    ("100", "Unique Individual Identifier (WIOA)"),
    ("101", "State Code of Residence (WIOA)"),
    ("103", "Zip Code of Residence"),
    ("200", "Date of Birth"),
    ("300", "Veteran Status"),
    ("900", "Date of Program Entry (WIOA)"),
    ("901", "Date of Program Exit (WIOA)"),
    ("903", "Adult (WIOA)"),
    ("904", "Dislocated Worker (WIOA)"),
    ("905", "Youth (WIOA)"),
    ("923", "Other Reasons for Exit (WIOA)"),
    ("1001", "Date of First Basic Career Service (Staff-Assisted)"),
    ("1003", "Most Recent Date Received Basic Career Services (Staff-Assisted)"),
    ("1004", "Date of Most Recent Career Service (WIOA)"),
    ("1200", "Date of First Individualized Career Service"),
    ("1201", "Most Recent Date Received Individualized Career Service"),
    ("1300", "Received Training (WIOA)"),
    ("1301", "Eligible Training Provider Name - Training Service #1"),
    ("1302", "Date Entered Training #1 (WIOA)"),
    ("1303", "Type of Training Service #1 (WIOA)"),
    ("1307", "Training Completed #1"),
    ("1308", "Date Completed, or Withdrew from, Training #1"),
    ("1309", "Date Entered Training #2 (WIOA)"),
    ("1310", "Type of Training Service #2 (WIOA)"),
    ("1312", "Training Completed #2"),
    ("1313", "Date Completed, or Withdrew from, Training #2"),
    ("1314", "Date Entered Training #3 (WIOA)"),
    ("1315", "Type of Training Service #3 (WIOA)"),
    ("1317", "Training Completed #3"),
    ("1318", "Date Completed, or Withdrew from, Training #3"),
    ("1409", "Date of Most Recent Supportive Service"),
    ("1412", "Date of Most Recent Follow-up Service"),
    ("1600", "Employed in 1st Quarter After Exit Quarter (WIOA)"),
    ("1602", "Employed in 2nd Quarter After Exit Quarter (WIOA)"),
    ("1604", "Employed in 3rd Quarter After Exit Quarter (WIOA)"),
    ("1606", "Employed in 4th Quarter After Exit Quarter (WIOA)"),
    ("1800", "Type of Recognized Credential (WIOA)"),
    ("1801", "Date Attained Recognized Credential (WIOA)"),
    ("1802", "Type of Recognized Credential #2 (WIOA)"),
    ("1803", "Date Attained Recognized Credential #2"),
    ("1804", "Type of Recognized Credential #3 (WIOA)"),
    ("1805", "Date Attained Recognized Credential #3"),
    ("1806", "Date of Most Recent Measurable Skill Gains: Educational Functioning Level"),
    ("1807", "Date of Most Recent Measurable Skill Gains: Postsecondary Transcript/Report Card"),
    ("1808", "Date of Most Recent Measurable Skill Gains: Secondary Transcript/Report Card"),
    ("1809", "Date of Most Recent Measurable Skill Gains: Training Milestone"),
    ("1810", "Date of Most Recent Measurable Skill Gains: Skills Progression"),
]
HEADER = [number for number, _name in COLUMNS]
DATE_COLUMNS = frozenset(
    [
        "200",
        "900",
        "901",
        "1001",
        "1003",
        "1004",
        "1200",
        "1201",
        "1302",
        "1308",
        "1309",
        "1313",
        "1314",
        "1318",
        "1409",
        "1412",
        "1801",
        "1803",
        "1805",
        "1806",
        "1807",
        "1808",
        "1809",
        "1810",
    ]
)
# Training #1-#3: date entered, type, completed, date completed or withdrew.
TRAINING_SLOTS = [
    ("1302", "1303", "1307", "1308"),
    ("1309", "1310", "1312", "1313"),
    ("1314", "1315", "1317", "1318"),
]
CREDENTIAL_SLOTS = [("1800", "1801"), ("1802", "1803"), ("1804", "1805")]
EMPLOYED_AFTER_EXIT = ["1600", "1602", "1604", "1606"]  # quarters 1-4 after the exit quarter
SKILL_GAIN_COLUMNS = {
    SkillGainKind.EFL: "1806",
    SkillGainKind.POSTSECONDARY: "1807",
    SkillGainKind.SECONDARY: "1808",
    SkillGainKind.MILESTONE: "1809",
    SkillGainKind.PROGRESSION: "1810",
}
# The elements PIRL.md's R-NOEXIT names that this file carries.
POST_EXIT_COLUMNS = EMPLOYED_AFTER_EXIT
PROGRAM_COLUMNS = {Program.ADULT: "903", Program.DISLOCATED_WORKER: "904", Program.YOUTH: "905"}
VETERAN_CODES = {
    VeteranStatus.VETERAN: "1",
    VeteranStatus.NOT_VETERAN: "0",
    VeteranStatus.ELIGIBLE_SPOUSE: "0",  # the spouse is not a veteran
    VeteranStatus.NOT_DISCLOSED: "",
}
TRAINING_TYPES = {"300": "06", "301": "01"}
OCCUPATIONAL_SKILLS, YOUTH_OCCUPATIONAL_SKILLS = "06", "10"
NO_NOT_YET_AVAILABLE = "9"
PROVIDER_LENGTH = 75

QUARTER = re.compile(r"([0-9]{4})[Qq]([1-4])")
QUARTER_FORMAT = "Give the quarter as YYYYQn, for example 2026Q2."


def quarter_bounds(text: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a calendar quarter written YYYYQn; ValueError otherwise."""
    match = QUARTER.fullmatch(text.strip())
    if not match or not 2000 <= int(match[1]) <= 2999:
        raise ValueError(QUARTER_FORMAT)
    year, quarter = int(match[1]), int(match[2])
    return datetime.date(year, 3 * quarter - 2, 1), quarter_end(year, quarter)


def quarter_name(day: datetime.date) -> str:
    year, quarter = quarter_of(day)
    return f"{year}Q{quarter}"


def _date(day: datetime.date | None) -> str:
    return f"{day:%Y%m%d}" if day else ""


def training_type(*, code: str, activity_program: str, programs: Iterable[str]) -> str:
    """PIRL 1303's code for a training activity of the service matrix ("" if unmapped)."""
    mapped = TRAINING_TYPES.get(code, "")
    youth_only = Program.YOUTH in programs and not {
        Program.ADULT,
        Program.DISLOCATED_WORKER,
    } & set(programs)
    if mapped == OCCUPATIONAL_SKILLS and youth_only:
        return YOUTH_OCCUPATIONAL_SKILLS
    if not mapped and activity_program == ActivityProgram.YOUTH:
        return YOUTH_OCCUPATIONAL_SKILLS
    return mapped


@dataclass
class _Span:
    """One period of a customer and what the export gives it."""

    period: Period
    next_entered_on: datetime.date | None = None

    def __post_init__(self) -> None:
        self.basic: list[datetime.date] = []
        self.individualized: list[datetime.date] = []
        self.trainings: list[tuple] = []
        self.follow_up_services: list[datetime.date] = []
        self.supportive: list[datetime.date] = []
        self.credentials: list[tuple[int, datetime.date]] = []
        self.skill_gains: dict[str, datetime.date] = {}
        self.follow_ups: dict[int, tuple[datetime.date | None, bool | None]] = {}


class _Periods:
    """A customer's periods in order of entry, to give each dated record its period."""

    def __init__(self) -> None:
        self.entries: dict[int, list[datetime.date]] = defaultdict(list)
        self.pks: dict[int, list[int]] = defaultdict(list)

    def add(self, customer_id: int, entered_on: datetime.date, pk: int) -> None:
        self.entries[customer_id].append(entered_on)
        self.pks[customer_id].append(pk)

    def of(self, customer_id: int, day: datetime.date) -> int:
        index = bisect_right(self.entries[customer_id], day) - 1
        return self.pks[customer_id][max(index, 0)]

    def next_entry(self, customer_id: int, pk: int) -> datetime.date | None:
        pks = self.pks[customer_id]
        index = pks.index(pk) + 1
        return self.entries[customer_id][index] if index < len(pks) else None


def pirl_rows(
    *,
    quarter_start: datetime.date,
    quarter_end: datetime.date,
    customers: QuerySet[Customer] | None = None,
    made_on: datetime.date | None = None,
) -> list[dict[str, str]]:
    """The rows of the quarter's file for these customers (every customer by default),
    in customer-number and entry order, numbered OBS 000000001 on. Employment in a
    quarter after exit is 9 (not yet available) until that quarter has ended by
    `made_on` (today) or while no follow-up recorded it.

    Periods are brought in step with the record first; then eight queries, however many
    rows."""
    customers = Customer.objects.all() if customers is None else customers
    made_on = made_on or today()
    periods_bring_up_to_date(customers)
    in_window = (
        Period.objects.filter(customer__in=customers, entered_on__lte=quarter_end)
        .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=quarter_start))
        .select_related("customer")
        .order_by("customer__customer_number", "entered_on", "pk")
    )
    spans = {p.pk: _Span(p) for p in in_window}
    if not spans:
        return []
    who = in_window.order_by().values("customer_id")
    order = _Periods()
    for customer_id, entered_on, pk in (
        Period.objects.filter(customer_id__in=who)
        .order_by("customer_id", "entered_on", "pk")
        .values_list("customer_id", "entered_on", "pk")
    ):
        order.add(customer_id, entered_on, pk)
    for span in spans.values():
        span.next_entered_on = order.next_entry(span.period.customer_id, span.period.pk)

    def span_of(customer_id: int, day: datetime.date) -> _Span | None:
        return spans.get(order.of(customer_id, day))

    _gather_services(who, span_of)
    for customer_id, issued_on in PurchaseOrder.objects.filter(
        customer_id__in=who, status__in=[POStatus.ISSUED, POStatus.PAID], issued_on__isnull=False
    ).values_list("customer_id", "issued_on"):
        if span := span_of(customer_id, issued_on):
            span.supportive.append(issued_on)
    for customer_id, kind, achieved_on in SkillGain.objects.filter(customer_id__in=who).values_list(
        "customer_id", "kind", "achieved_on"
    ):
        span = span_of(customer_id, achieved_on)
        exited = span.period.exited_on if span else None
        if span and span.period.entered_on <= achieved_on and (not exited or achieved_on <= exited):
            span.skill_gains[kind] = max(achieved_on, span.skill_gains.get(kind, achieved_on))
    credentials = Credential.objects.filter(customer_id__in=who).order_by("attained_on", "pk")
    for customer_id, credential_type, attained_on in credentials.values_list(
        "customer_id", "credential_type", "attained_on"
    ):
        for pk in order.pks[customer_id]:
            span = spans.get(pk)
            if span and credential_counts(
                attained_on=attained_on,
                entered_on=span.period.entered_on,
                exited_on=span.period.exited_on,
                next_entered_on=span.next_entered_on,
            ):
                span.credentials.append((credential_type, attained_on))
    for period_id, quarter, done_on, employed in FollowUp.objects.filter(
        period_id__in=list(spans)
    ).values_list("period_id", "quarter", "done_on", "employed"):
        spans[period_id].follow_ups[quarter] = (done_on, employed)
    return [_row(obs, span, made_on=made_on) for obs, span in enumerate(spans.values(), start=1)]


def _gather_services(who: QuerySet, span_of) -> None:  # noqa: ANN001 - a closure
    categories = [
        Category.BASIC_CAREER,
        Category.INDIVIDUALIZED_CAREER,
        Category.TRAINING,
        Category.FOLLOW_UP,
    ]
    records = (
        ServiceRecord.objects.filter(
            customer_id__in=who, start_is_projected=False, activity__category__in=categories
        )
        .order_by("started_on", "pk")
        .values_list(
            "customer_id",
            "activity__category",
            "activity__code",
            "activity__program",
            "started_on",
            "ended_on",
            "completion_status",
            "provider",
            "provider_name",
            "customer__office__name",
        )
    )
    for customer_id, category, *rest in records:
        started_on = rest[2]
        span = span_of(customer_id, started_on)
        if span is None:
            continue
        if category == Category.BASIC_CAREER:
            span.basic.append(started_on)
        elif category == Category.INDIVIDUALIZED_CAREER:
            span.individualized.append(started_on)
        elif category == Category.TRAINING:
            span.trainings.append(tuple(rest))
        elif category == Category.FOLLOW_UP:
            span.follow_up_services.append(started_on)


def _row(obs: int, span: _Span, *, made_on: datetime.date) -> dict[str, str]:
    period, customer = span.period, span.period.customer
    exited = period.exited_on
    row = dict.fromkeys(HEADER, "")
    row[OBS] = f"{obs:09d}"
    row["100"] = customer.customer_number
    state = customer.state.strip().upper()
    row["101"] = state if re.fullmatch(r"[A-Z]{2}", state) else ""
    zip_code = re.fullmatch(r"([0-9]{5})(-?[0-9]{4})?", customer.postal_code.strip())
    row["103"] = zip_code[1] if zip_code else ""
    row["200"] = _date(customer.date_of_birth)
    row["300"] = VETERAN_CODES.get(customer.veteran_status, "")
    row["900"] = _date(period.entered_on)
    row["901"] = _date(exited)
    for program, column in PROGRAM_COLUMNS.items():
        row[column] = "1" if program in customer.programs else "0"
    row["923"] = period.other_reason if exited else ""
    career = span.basic + span.individualized
    row["1001"] = _date(min(span.basic, default=None))
    row["1003"] = _date(max(span.basic, default=None))
    row["1004"] = _date(max(career, default=None))
    row["1200"] = _date(min(span.individualized, default=None))
    row["1201"] = _date(max(span.individualized, default=None))
    row["1300"] = "1" if span.trainings else "0"
    for slot, training in zip(TRAINING_SLOTS, span.trainings, strict=False):
        code, program, started_on, ended_on, status, provider, provider_name, office = training
        entered, kind, completed, finished = slot
        row[entered] = _date(started_on)
        row[kind] = training_type(code=code, activity_program=program, programs=customer.programs)
        row[completed] = {CompletionStatus.SUCCESSFUL: "1", CompletionStatus.UNSUCCESSFUL: "0"}.get(
            status, ""
        )
        row[finished] = _date(ended_on)
        if entered == "1302":
            name = provider_name if provider == Provider.OUTSIDE else office
            row["1301"] = name[:PROVIDER_LENGTH]
    row["1409"] = _date(max(span.supportive, default=None))
    if exited:
        after = [day for day in span.follow_up_services if day > exited]
        row["1412"] = _date(max(after, default=None))
        year, quarter = quarter_of(exited)
        for n, column in enumerate(EMPLOYED_AFTER_EXIT, start=1):
            done_on, employed = span.follow_ups.get(n, (None, None))
            if quarter_end(year, quarter + n) >= made_on or done_on is None or employed is None:
                row[column] = NO_NOT_YET_AVAILABLE
            else:
                row[column] = "1" if employed else "0"
    for (kind, attained), (credential_type, attained_on) in zip(
        CREDENTIAL_SLOTS, span.credentials, strict=False
    ):
        row[kind] = str(credential_type)
        row[attained] = _date(attained_on)
    for kind, column in SKILL_GAIN_COLUMNS.items():
        row[column] = _date(span.skill_gains.get(kind))
    return row


def write_pirl_csv(rows: list[dict[str, str]], file: TextIO) -> int:
    """Comma-separated, one header row of PIRL numbers; returns the number of rows. The
    one free-text element (1301) is written as a cell a spreadsheet will not run."""
    writer = csv.writer(file)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([spreadsheet_cell(row[c]) if c == "1301" else row[c] for c in HEADER])
    return len(rows)


# --- The cross-field rules ---------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    obs: str
    identifier: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"OBS {self.obs} ({self.identifier or 'no 100'}): {self.rule}: {self.message}"


SSN_LIKE = re.compile(r"[0-9]{9}|[0-9]{3}-[0-9]{2}-[0-9]{4}")
FUNDED = {"1", "2", "3"}
CREDENTIAL_TYPES = {str(n) for n in range(1, 8)}
MAX_AGE = 120


def _parse(value: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def pirl_problems(rows: list[dict[str, str]], made_on: datetime.date) -> list[Problem]:
    """Every breach of PIRL.md's cross-field rules (R-REQ, R-SSN, R-DUP, R-EXIT, R-DOB,
    R-NOEXIT, R-FUND, R-TRN, R-TRNDATE, R-CRED, R-ORDER, R-FUTURE), and R-DATE: a date
    element that is not a real date written YYYYMMDD. A problem names the row by its OBS
    number and element 100."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        found: list[tuple[str, str]] = []

        def get(column: str, row: dict[str, str] = row) -> str:
            return (row.get(column) or "").strip()

        dates: dict[str, datetime.date | None] = {}
        for column in DATE_COLUMNS:
            value = get(column)
            dates[column] = _parse(value) if re.fullmatch(r"[0-9]{8}", value) else None
            if value and dates[column] is None:
                found.append(("R-DATE", f"{column} is {value!r}, not a date as YYYYMMDD."))
        identifier, entry, exited = get("100"), dates["900"], dates["901"]

        if not identifier:
            found.append(("R-REQ", "100 (unique individual identifier) is blank."))
        if not get("900"):
            found.append(("R-REQ", "900 (date of program entry) is blank."))
        if SSN_LIKE.fullmatch(identifier):
            found.append(("R-SSN", "100 looks like a Social Security number."))
        key = (identifier, get("900"))
        if identifier and get("900"):
            if key in seen:
                found.append(
                    ("R-DUP", f"The same 100 and 900 as OBS {seen[key]}: one period twice.")
                )
            else:
                seen[key] = get(OBS)
        if entry and exited and exited < entry:
            found.append(("R-EXIT", "901 (exit) is before 900 (entry)."))
        born = dates["200"]
        if entry and born and (born >= entry or not 0 <= _age(born, entry) <= MAX_AGE):
            found.append(
                (
                    "R-DOB",
                    "200 (date of birth) is not before 900, or the age at entry is not 0-120.",
                )
            )
        if entry and not get("200"):
            found.append(("R-DOB", "200 (date of birth) is blank."))
        if not get("901"):
            if get("923") not in ("", "00"):
                found.append(("R-NOEXIT", "923 (other reason for exit) without an exit (901)."))
            filled = [c for c in POST_EXIT_COLUMNS if get(c)]
            if filled:
                found.append(("R-NOEXIT", f"{', '.join(filled)} filled without an exit (901)."))
        if not any(get(c) in FUNDED for c in PROGRAM_COLUMNS.values()):
            found.append(("R-FUND", "None of 903, 904, 905 is 1-3: no Title I program."))
        found += _training_problems(get, dates)
        for kind, attained in CREDENTIAL_SLOTS:
            if get(kind) in CREDENTIAL_TYPES and not get(attained):
                found.append(("R-CRED", f"{kind} (credential type) without its date {attained}."))
            if get(attained) and get(kind) not in CREDENTIAL_TYPES:
                found.append(
                    ("R-CRED", f"{attained} (date attained) without a type 1-7 in {kind}.")
                )
        for later, earlier in (("1004", "1001"), ("1201", "1200")):
            if dates[later] and dates[earlier] and dates[later] < dates[earlier]:
                found.append(("R-ORDER", f"{later} is before {earlier}."))
        future = sorted(c for c, d in dates.items() if d and d > made_on)
        if future:
            found.append(
                (
                    "R-FUTURE",
                    f"{', '.join(future)} after the day the file is made ({made_on:%Y%m%d}).",
                )
            )
        problems += [Problem(get(OBS), identifier, rule, message) for rule, message in found]
    return problems


def _training_problems(get, dates: dict[str, datetime.date | None]) -> list[tuple[str, str]]:  # noqa: ANN001
    found = []
    entered = [slot[0] for slot in TRAINING_SLOTS]
    if get("1300") == "1":
        if not get("1302"):
            found.append(("R-TRN", "1300 is 1 (received training) without 1302 (date entered)."))
        if get("1303") in ("", "00"):
            found.append(("R-TRN", "1300 is 1 without a training type in 1303."))
    elif get("1300") == "0":
        filled = [c for c in entered if get(c)]
        if filled:
            found.append(("R-TRN", f"1300 is 0 (no training) with {', '.join(filled)} filled."))
        if get("1303") not in ("", "00"):
            found.append(("R-TRN", "1300 is 0 (no training) with a training type in 1303."))
    else:
        found.append(("R-TRN", f"1300 (received training) is {get('1300')!r}, not 1 or 0."))
    for start, kind, _completed, finished in TRAINING_SLOTS:
        if get(start) and get("1300") == "1" and get(kind) in ("", "00") and start != "1302":
            found.append(
                ("R-TRN", f"{start} (training entered) without a training type in {kind}.")
            )
        if dates[start] and dates[finished] and dates[finished] < dates[start]:
            found.append(("R-TRNDATE", f"{finished} (completed or withdrew) is before {start}."))
        if dates[start] and dates["901"] and dates[start] > dates["901"]:
            found.append(("R-TRNDATE", f"{start} (training entered) is after the exit (901)."))
    return found
