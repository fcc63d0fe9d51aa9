"""Load a legacy system's case files from CSV: customers with their barriers and partner
programs, assessments, services, case notes, plans with goals and steps, plan reviews,
planned gaps, the workshop sessions, bookings (with attendance) and appointments, the
supportive services (budget reviews, referrals and purchase orders), and the end of the
path: employer contacts, jobs, placements with their follow-ups, credentials, skill
gains, periods of participation and the quarterly follow-ups after an exit.

The format is described in docs/import-format.md. Every row goes through the same
service functions as the forms (`customer_create`, `service_record_create`,
`casenote_create`, `plan_create`, `step_save`, `planned_gap_create`, ...), so the rules
of the matrix, of eligibility and of plans apply unchanged. Workshop history is written
as it stands through `workshops.history_import`, which keeps the rules of what is
possible (an end after the start, a facilitator of the office, attendance recorded as a
service) but not those of scheduling forward. Likewise referrals and purchase orders
through `supportive.history_import`: no cap, approval or referral gate is passed again,
but what contradicts itself is refused (an amount that is not the quantity times the
unit price, a number or card number twice, an issued purchase order without its
service); after them, each office's series of numbers is raised past the numbers
imported in its format. And employment through `employment.history_import`: outcomes
keep who entered them, when and whether late (the 10-day entry rule reads them), a
placement is not held to today's minimum wage, periods keep their entry, exit and
closing as the old system had them; what contradicts itself is refused (an exit before
the entry, a follow-up outside quarters 1-4 or not due when the rule says, a subsidised
part above the wage, a job, training or note of another customer).

All or nothing by default: one bad row and nothing is loaded. With `skip_invalid`
the good rows are loaded, each in its own savepoint, and the bad ones are listed.
Rows whose legacy id (or, for the kinds the product keeps no legacy id for, whose
natural key) is already in the database are skipped as already imported, so the same
files can be imported again safely.

Problems name the file, the line and the legacy id, never a person's details: the
values of personal columns are not repeated in any message.
"""

import contextlib
import csv
import datetime
import json
import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from casemgmt.models import Office, User
from casenotes.models import CaseNote, NoteType
from casenotes.models import ContactMethod as NoteContactMethod
from casenotes.services import casenote_create
from compliance.engine import evaluate
from compliance.models import PlannedGap
from compliance.services import planned_gap_create
from compliance.signals import evaluations_deferred
from customers.models import (
    Barrier,
    ContactMethod,
    Customer,
    PartnerProgram,
    Program,
    Status,
    VeteranStatus,
)
from customers.pii import InvalidSSN, ssn_normalize
from customers.rules import phone_digits
from customers.selectors import customer_find_duplicates
from customers.services import customer_create, customer_status_carry
from employment.history_import import (
    credential_restore,
    employer_contact_restore,
    follow_up_restore,
    follow_ups_schedule,
    job_restore,
    period_restore,
    placement_restore,
    skill_gain_restore,
)
from employment.models import (
    ContactMethod as EmployerContactMethod,
)
from employment.models import (
    ContactOutcome,
    Credential,
    CredentialType,
    EmployerContact,
    Employment,
    ExitKind,
    FollowUp,
    OtherExitReason,
    Period,
    Placement,
    PlacementKind,
    PlacementStatus,
    SkillGain,
    SkillGainKind,
    Verification,
)
from employment.rules import PLACEMENT_FOLLOW_UP_DAYS
from plans.models import (
    Assessment,
    AssessmentType,
    Goal,
    GoalCategory,
    GoalStatus,
    GoalTerm,
    Indicator,
    Plan,
    Step,
    StepStatus,
)
from plans.services import (
    PLAN_FIELDS,
    assessment_create,
    goal_create,
    goal_update,
    plan_create,
    plan_review,
    plan_version_restore_signed,
    plan_version_settle,
    step_save,
)
from services.models import Activity, CompletionStatus, Provider, Provides, ServiceRecord
from services.services import NoteDraft, service_record_create
from supportive.history_import import po_restore, po_sequences_raise, referral_restore
from supportive.models import (
    BudgetReview,
    FundingProgram,
    POStatus,
    PurchaseOrder,
    Referral,
    ReferralOutcome,
    SupportiveType,
    Vendor,
)
from supportive.services import budget_review_create
from workshops.history_import import appointment_restore, booking_restore, session_restore
from workshops.models import (
    Appointment,
    AppointmentStatus,
    Attendance,
    Booking,
    BookingStatus,
    Session,
    SessionStatus,
    Workshop,
)

CUSTOMERS = "customers.csv"
SERVICES = "services.csv"
NOTES = "case_notes.csv"
ASSESSMENTS = "assessments.csv"
PLANS = "plans.csv"
GOALS = "goals.csv"
STEPS = "steps.csv"
REVIEWS = "plan_reviews.csv"
GAPS = "planned_gaps.csv"
VERSIONS = "plan_versions.csv"
SESSIONS = "workshop_sessions.csv"
BOOKINGS = "workshop_bookings.csv"
APPOINTMENTS = "appointments.csv"
BUDGETS = "budget_reviews.csv"
REFERRALS = "referrals.csv"
PURCHASE_ORDERS = "purchase_orders.csv"
EMPLOYER_CONTACTS = "employer_contacts.csv"
JOBS = "jobs.csv"
PLACEMENTS = "placements.csv"
CREDENTIALS = "credentials.csv"
SKILL_GAINS = "skill_gains.csv"
PERIODS = "periods.csv"
FOLLOW_UPS = "follow_ups.csv"
FILES = (
    CUSTOMERS,
    ASSESSMENTS,
    SERVICES,
    NOTES,
    PLANS,
    GOALS,
    STEPS,
    REVIEWS,
    VERSIONS,
    GAPS,
    SESSIONS,
    BOOKINGS,
    APPOINTMENTS,
    BUDGETS,
    REFERRALS,
    PURCHASE_ORDERS,
    EMPLOYER_CONTACTS,
    JOBS,
    PLACEMENTS,
    CREDENTIALS,
    SKILL_GAINS,
    PERIODS,
    FOLLOW_UPS,
)

# Who entered an outcome, when, and whether late: the 10-day entry rule reads them.
ENTRY_COLUMNS = {"entered_by": True, "entered_at": False, "entered_late": False}


def placement_follow_up_column(day: int, part: str) -> str:
    """A placement's follow-up of `day` in placements.csv: `done_on` or `note_legacy_id`."""
    return f"follow_up_{day}_{part}"


# Column name -> required. Kept in step with docs/import-format.md (a test checks).
COLUMNS: dict[str, dict[str, bool]] = {
    CUSTOMERS: {
        "legacy_id": True,
        "first_name": True,
        "middle_name": False,
        "last_name": True,
        "date_of_birth": True,
        "ssn": False,
        "ssn_last4": False,
        "phone": False,
        "email": False,
        "street": False,
        "city": False,
        "state": False,
        "postal_code": False,
        "preferred_contact_method": False,
        "alternate_contact_name": False,
        "alternate_contact_phone": False,
        "alternate_contact_relationship": False,
        "programs": True,
        "veteran_status": False,
        "office": True,
        "career_planner": False,
        "created_by": True,
        "application_date": True,
        "eligibility_date": False,
        "eligibility_late_reason": False,
        "certification_date": False,
        "barriers": False,
        "partner_programs": False,
        "not_duplicate": False,
        "status": False,
        "exit_date": False,
        "exit_reason": False,
    },
    SERVICES: {
        "legacy_id": True,
        "customer_legacy_id": True,
        "activity": True,
        "started_on": True,
        "start_is_projected": False,
        "planned_end_on": False,
        "ended_on": False,
        "completion_status": False,
        "provider": False,
        "provider_name": False,
        "weekly_hours": False,
        "dollar_value": False,
        "notes": False,
        "entered_by": True,
        "entered_at": False,
    },
    NOTES: {
        "legacy_id": True,
        "customer_legacy_id": True,
        "service_legacy_id": False,
        "contact_date": True,
        "subject": True,
        "body": True,
        "contact_method": True,
        "two_way": True,
        "note_type": False,
        "author": True,
        "entered_at": False,
    },
    ASSESSMENTS: {
        "customer_legacy_id": True,
        "assessment_type": True,
        "assessed_on": True,
        "scores": False,
        "summary": False,
        "entered_by": True,
    },
    PLANS: {
        "customer_legacy_id": True,
        "developed_on": True,
        "employment_goal": True,
        "career_path": False,
        "assessment_summary": False,
        "strengths": False,
        "justification": False,
        "supportive_services": False,
        "barriers": False,
        "note_body": True,
        "created_by": True,
        "entered_at": False,
    },
    GOALS: {
        "legacy_id": True,
        "customer_legacy_id": True,
        "statement": True,
        "category": True,
        "term": True,
        "status": False,
        "indicator": False,
        "justification": False,
        "created_by": True,
    },
    STEPS: {
        "goal_legacy_id": True,
        "activity": True,
        "description": False,
        "status": False,
        "start_on": True,
        "due_on": True,
        "hours": False,
        "provider": False,
        "dollar_value": False,
        "barriers": False,
        "entered_by": True,
    },
    REVIEWS: {
        "customer_legacy_id": True,
        "reviewed_on": True,
        "body": True,
        "contact_method": True,
        "two_way": True,
        "reviewed_by": True,
    },
    VERSIONS: {
        "customer_legacy_id": True,
        "number": True,
        "signed_on": False,
        "content": False,
        "needs_agreement": False,
        "printed_at": False,
        "created_by": True,
        "created_at": False,
        "signature_recorded_by": False,
    },
    GAPS: {
        "customer_legacy_id": True,
        "reason": True,
        "starts_on": True,
        "ends_on": True,
        "created_by": True,
    },
    SESSIONS: {
        "legacy_id": True,
        "workshop": True,
        "office": True,
        "on": True,
        "starts_at": True,
        "ends_at": True,
        "room": False,
        "meeting_link": False,
        "facilitator": True,
        "capacity": True,
        "status": False,
        "cancel_reason": False,
        "created_by": True,
    },
    BOOKINGS: {
        "session_legacy_id": True,
        "customer_legacy_id": True,
        "status": False,
        "walk_in": False,
        "attendance": False,
        "service_legacy_id": False,
        "reason": False,
        "booked_by": True,
    },
    APPOINTMENTS: {
        "customer_legacy_id": True,
        "with": True,
        "on": True,
        "starts_at": True,
        "ends_at": True,
        "purpose": True,
        "place": False,
        "meeting_link": False,
        "what_to_bring": False,
        "status": False,
        "reason": False,
        "booked_by": True,
    },
    BUDGETS: {
        "customer_legacy_id": True,
        "reviewed_on": True,
        **dict.fromkeys(BudgetReview.INCOME + BudgetReview.EXPENSES, False),
        "notes": False,
        "created_by": True,
    },
    REFERRALS: {
        "customer_legacy_id": True,
        "supportive_type": True,
        "barrier": True,
        "organisation": True,
        "referred_on": True,
        "outcome": False,
        "note_legacy_id": True,
        "created_by": True,
    },
    PURCHASE_ORDERS: {
        "legacy_id": True,
        "number": False,
        "customer_legacy_id": True,
        "office": False,
        "program_year": True,
        "status": True,
        "vendor": True,
        "supportive_type": True,
        "item": True,
        "quantity": False,
        "unit_price": True,
        "amount": True,
        "card_number": False,
        "barrier": True,
        "supports_service_legacy_id": True,
        "funding_program": True,
        "referral": False,
        "no_referral_reason": False,
        "justification": True,
        "service_legacy_id": False,
        "created_by": True,
        "approved_by": False,
        "approved_at": False,
        "issued_by": False,
        "issued_on": False,
        "paid_on": False,
        "invoice_number": False,
        "amount_paid": False,
        "void_reason": False,
        "voided_by": False,
        "voided_at": False,
    },
    EMPLOYER_CONTACTS: {
        "customer_legacy_id": True,
        "employer": True,
        "contact_person": False,
        "method": True,
        "contacted_on": True,
        "outcome": True,
        "service_legacy_id": False,
        "notes": False,
        **ENTRY_COLUMNS,
    },
    JOBS: {
        "legacy_id": True,
        "customer_legacy_id": True,
        "employer": True,
        "job_title": True,
        "onet_code": False,
        "started_on": True,
        "ended_on": False,
        "hourly_wage": True,
        "hours_per_week": True,
        "training_related": False,
        "verification": True,
        **ENTRY_COLUMNS,
    },
    PLACEMENTS: {
        "legacy_id": True,
        "customer_legacy_id": True,
        "kind": True,
        "worksite": True,
        "supervisor": True,
        "hourly_wage": True,
        "subsidized_wage": True,
        "hours_per_week": True,
        "status": False,
        "starts_on": True,
        "ends_on": False,
        "status_changed_on": False,
        **{
            placement_follow_up_column(day, part): False
            for day in PLACEMENT_FOLLOW_UP_DAYS
            for part in ("done_on", "note_legacy_id")
        },
        **ENTRY_COLUMNS,
    },
    CREDENTIALS: {
        "customer_legacy_id": True,
        "credential_type": True,
        "name": True,
        "attained_on": True,
        "training_service_legacy_id": False,
        **ENTRY_COLUMNS,
    },
    SKILL_GAINS: {
        "customer_legacy_id": True,
        "kind": True,
        "achieved_on": True,
        "description": False,
        **ENTRY_COLUMNS,
    },
    PERIODS: {
        "customer_legacy_id": True,
        "entered_on": True,
        "exited_on": False,
        "exit_kind": False,
        "other_reason": False,
        "employed_at_exit": False,
        "exit_job_legacy_id": False,
        "exit_note_legacy_id": False,
        "exit_recorded_by": False,
        "exit_recorded_at": False,
        "closed_on": False,
        "close_reason": False,
    },
    FOLLOW_UPS: {
        "customer_legacy_id": True,
        "period_entered_on": True,
        "quarter": True,
        "due_on": True,
        "done_on": False,
        "employed": False,
        "employer": False,
        "hourly_wage": False,
        "in_education": False,
        "supportive_need": False,
        "note_legacy_id": False,
        "recorded_by": False,
    },
}

# Columns whose values are about a person: never repeated in a message.
PERSONAL = {
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "ssn",
    "ssn_last4",
    "phone",
    "email",
    "street",
    "city",
    "state",
    "postal_code",
    "alternate_contact_name",
    "alternate_contact_phone",
    "alternate_contact_relationship",
    "eligibility_late_reason",
    "barriers",
    "partner_programs",
    "notes",
    "subject",
    "body",
    "scores",
    "summary",
    "employment_goal",
    "career_path",
    "assessment_summary",
    "strengths",
    "justification",
    "supportive_services",
    "note_body",
    "statement",
    "description",
    "reason",
    "content",
    "purpose",
    "what_to_bring",
    # A customer's budget, what was bought for them and where they were referred.
    *BudgetReview.INCOME,
    *BudgetReview.EXPENSES,
    "barrier",
    "organisation",
    "item",
    "card_number",
    "no_referral_reason",
    "void_reason",
    # Where a customer works or was placed, for what pay, what they attained, why they
    # left the measures (PIRL 923: health, death, ...) and what they needed after.
    "employer",
    "contact_person",
    "job_title",
    "worksite",
    "supervisor",
    "hourly_wage",
    "subsidized_wage",
    "name",
    "other_reason",
    "close_reason",
    "supportive_need",
}

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")
DATE_HINT = "use YYYY-MM-DD or MM/DD/YYYY"
TIME_FORMAT = "%H:%M"
TIME_HINT = "use HH:MM, 24-hour, for example 09:30 or 14:00"
IMPORT_REASON = "Imported from legacy records"

# Within one customer and one start and end date, record what other services need first.
_PROVIDES_RANK = {Provides.ASSESSMENT: 0, Provides.IEP: 1, Provides.ISTEP: 2}


# --- The report --------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    file: str
    line: int
    legacy_id: str
    reason: str
    dependent: bool = False

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line else self.file
        if self.legacy_id:
            where += f" (legacy id {self.legacy_id})"
        return f"{where}: {self.reason}"


@dataclass
class FileCounts:
    present: bool = False
    created: int = 0
    already_imported: int = 0
    skipped: int = 0


@dataclass
class ImportReport:
    skip_invalid: bool
    counts: dict[str, FileCounts] = field(default_factory=lambda: {f: FileCounts() for f in FILES})
    problems: list[RowProblem] = field(default_factory=list)
    # A problem with a whole file (unreadable, columns missing): nothing is loaded.
    file_problems: list[RowProblem] = field(default_factory=list)
    loaded: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not self.file_problems

    def lines(self) -> list[str]:
        """The report as text: problems first, then the counts per file. No personal data."""
        out: list[str] = []
        if self.file_problems:
            out.append("File problems:")
            out += [f"  {p}" for p in self.file_problems]
        if self.problems:
            heading = "Skipped rows:" if self.loaded else "Problems:"
            out.append(heading)
            out += [f"  {p}" for p in self.problems]
        if self.file_problems:
            out.append("Nothing was imported.")
            return out
        out.append("Summary:")
        verb = "created" if self.loaded else "valid, not loaded"
        bad = "skipped" if self.loaded else "with problems"
        for name, counts in self.counts.items():
            if not counts.present:
                out.append(f"  {name}: no file")
                continue
            out.append(
                f"  {name}: {counts.created} {verb}, {counts.already_imported} already imported, "
                f"{counts.skipped} {bad}"
            )
        if not self.loaded:
            out.append("Nothing was imported.")
        return out


# --- Reading -----------------------------------------------------------------------


class _RowError(Exception):
    def __init__(self, *messages: str, dependent: bool = False) -> None:
        super().__init__(*messages)
        self.messages = list(messages)
        self.dependent = dependent


@dataclass
class _Row:
    file: str
    line: int
    values: dict[str, str]
    problems: list[tuple[str, bool]] = field(default_factory=list)
    state: str = "pending"  # pending, created, existing, bad
    data: dict[str, object] = field(default_factory=dict)

    @property
    def legacy_id(self) -> str:
        return self.values.get("legacy_id", "")

    @property
    def where(self) -> str:
        return f"{self.file} line {self.line}"

    def fail(self, *messages: str, dependent: bool = False) -> None:
        self.problems += [(m, dependent) for m in messages]
        self.state = "bad"


def _read(path: Path, name: str, report: ImportReport) -> list[_Row] | None:
    """The file's rows, or None after a file problem. Line 1 is the header."""
    columns = COLUMNS[name]
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records = list(csv.reader(handle))
    except UnicodeDecodeError:
        report.file_problems.append(
            RowProblem(name, 1, "", "the file is not UTF-8 text; save it as CSV UTF-8")
        )
        return None
    except csv.Error as exc:
        report.file_problems.append(RowProblem(name, 1, "", f"the file is not valid CSV: {exc}"))
        return None
    if not records:
        report.file_problems.append(RowProblem(name, 1, "", "the file is empty; give a header"))
        return None
    header = [h.strip().lower() for h in records[0]]
    problems = []
    missing = [c for c, required in columns.items() if required and c not in header]
    if missing:
        problems.append(f"missing required column(s): {', '.join(missing)}")
    unknown = [h for h in header if h not in columns]
    if unknown:
        problems.append(
            f"unknown column(s): {', '.join(repr(h) for h in unknown)} (see docs/import-format.md)"
        )
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        problems.append(f"column(s) given twice: {', '.join(repeated)}")
    if problems:
        report.file_problems += [RowProblem(name, 1, "", p) for p in problems]
        return None
    rows = []
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        values = {h: (record[i].strip() if i < len(record) else "") for i, h in enumerate(header)}
        row = _Row(name, line, values)
        if len(record) != len(header):
            row.fail(f"the row has {len(record)} values; the header has {len(header)}")
        rows.append(row)
    return rows


def _parse_date(raw: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


class _Cells:
    """Typed values of one row; each refusal is recorded on the row."""

    def __init__(self, row: _Row) -> None:
        self.row = row

    def _bad(self, name: str, what: str, hint: str = "") -> None:
        """Refuse a value; the value itself is repeated only if it is not personal."""
        if name in PERSONAL:
            message = f"{name}: the value {what}"
        else:
            message = f"{name}: {self.row.values.get(name, '')!r} {what}"
        if hint:
            message += f" ({hint})"
        if name in PERSONAL:
            message += "; the value is not shown because it is personal"
        self.row.fail(message)

    def raw(self, name: str) -> str:
        value = self.row.values.get(name, "")
        if not value and COLUMNS[self.row.file].get(name):
            self.row.fail(f"{name}: required")
        return value

    def text(self, name: str, model: type[models.Model] | None = None) -> str:
        value = self.raw(name)
        if value and model is not None:
            try:
                model._meta.get_field(name).run_validators(value)
            except ValidationError as exc:
                self.row.fail(*(f"{name}: {m}" for m in exc.messages))
        return value

    def date(self, name: str) -> datetime.date | None:
        value = self.raw(name)
        if not value:
            return None
        day = _parse_date(value)
        if day is None:
            self._bad(name, "is not a date", DATE_HINT)
        return day

    def time(self, name: str) -> datetime.time | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value, TIME_FORMAT).time()
        except ValueError:
            self._bad(name, "is not a time", TIME_HINT)
            return None

    def yes_no(self, name: str, default: bool | None = None) -> bool | None:
        value = self.raw(name).lower()
        if not value:
            return default
        if value in ("yes", "no"):
            return value == "yes"
        self._bad(name, "is not yes or no")
        return default

    def choice(self, name: str, choices: Iterable[str], default: str = "") -> str:
        value = self.raw(name).lower()
        if not value:
            return default
        allowed = [str(c) for c in choices if c]
        if value not in allowed:
            self._bad(name, f"is not one of {', '.join(allowed)}")
            return default
        return value

    def decimal(self, name: str, model: type[models.Model]) -> Decimal | None:
        value = self.raw(name)
        if not value:
            return None
        field = model._meta.get_field(name)
        try:
            return field.clean(value, None)
        except ValidationError:
            places = {1: "one decimal", 2: "two decimals"}.get(
                field.decimal_places,  # type: ignore[attr-defined]
                f"{field.decimal_places} decimals",  # type: ignore[attr-defined]
            )
            self._bad(name, f"is not a number with up to {places}")
            return None

    def number(self, name: str) -> int | None:
        value = self.raw(name)
        if not value:
            return None
        if not value.isdigit() or int(value) < 1 or len(value) > 9:
            self._bad(name, "is not a whole number of 1 or more")
            return None
        return int(value)

    def count(self, name: str) -> int | None:
        """A whole number of 0 or more; its range is the rule's to judge."""
        value = self.raw(name)
        if not value:
            return None
        if not value.isdigit() or len(value) > 9:
            self._bad(name, "is not a whole number")
            return None
        return int(value)

    def json_object(self, name: str) -> dict | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            self._bad(name, "is not a JSON object", "as the export writes it")
            return None
        return parsed

    def entered_at(
        self, name: str = "entered_at"
    ) -> tuple[datetime.datetime | datetime.date, bool] | None:
        """The moment as given: an aware datetime, or a naive one or a day (office zone)."""
        value = self.raw(name)
        if not value:
            return None
        day = _parse_date(value)
        if day is not None:
            return day, False
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            self._bad(
                name,
                "is not a date or a date and time",
                "use YYYY-MM-DD, MM/DD/YYYY or YYYY-MM-DDTHH:MM",
            )
            return None
        return moment, moment.tzinfo is not None


_T = TypeVar("_T")
_R = TypeVar("_R", bound=models.Model)


class _Lookup:
    """Offices, staff and activities by the keys the files use, each looked up once."""

    def __init__(self) -> None:
        self._offices: dict[str, Office | None] = {}
        self._users: dict[str, User | None] = {}
        self._activities: dict[str, Activity | None] = {}
        self._workshops: dict[str, Workshop] | None = None
        self._lists: dict[type[models.Model], dict[str, models.Model]] = {}

    @staticmethod
    def _get(cache: dict[str, _T | None], key: str, load: Callable[[], _T | None]) -> _T | None:
        if key not in cache:
            cache[key] = load()
        return cache[key]

    def office(self, row: _Row, name: str) -> Office | None:
        code = row.values.get(name, "")
        if not code:
            return None
        office = self._get(self._offices, code, lambda: Office.objects.filter(code=code).first())
        if office is None:
            row.fail(f"{name}: no office has the code {code!r}")
        return office

    def user(self, row: _Row, name: str) -> User | None:
        username = row.values.get(name, "")
        if not username:
            return None
        user = self._get(
            self._users, username, lambda: User.objects.filter(username=username).first()
        )
        if user is None:
            row.fail(f"{name}: no staff member has the username {username!r}")
        return user

    def activity(self, row: _Row, name: str) -> Activity | None:
        code = row.values.get(name, "")
        if not code:
            return None
        activity = self._get(
            self._activities,
            code,
            lambda: Activity.objects.select_related("requires_prior").filter(code=code).first(),
        )
        if activity is None:
            row.fail(f"{name}: no activity of the service matrix has the code {code!r}")
        return activity

    def workshop(self, row: _Row, name: str) -> Workshop | None:
        """A catalog entry by its title (case does not matter), retired ones included."""
        title = row.values.get(name, "")
        if not title:
            return None
        if self._workshops is None:
            self._workshops = {
                w.title.lower(): w for w in Workshop.objects.select_related("activity")
            }
        workshop = self._workshops.get(title.lower())
        if workshop is None:
            row.fail(
                f"{name}: {title!r} is not in the workshop catalog; an administrator adds it "
                "first (administration pages, Workshops), then the sessions are imported"
            )
        return workshop

    def names(self, row: _Row, name: str, model: type[_R]) -> list[_R]:
        """A semicolon list of names from an administration list, retired entries included.

        Which barriers or partner programs a person has is personal: a name that is not
        on the list is reported by its position, not repeated.
        """
        known = self._list(model)
        wanted = [part.strip() for part in row.values.get(name, "").split(";") if part.strip()]
        unknown = [str(i) for i, part in enumerate(wanted, start=1) if part.lower() not in known]
        if unknown:
            row.fail(
                f"{name}: item(s) {', '.join(unknown)} of the list are not in the "
                f"{model._meta.verbose_name} list of the administration pages; the value is "
                "not shown because it is personal"
            )
        return [known[p.lower()] for p in dict.fromkeys(wanted) if p.lower() in known]  # type: ignore[misc]

    def _list(self, model: type[models.Model]) -> dict[str, models.Model]:
        if model not in self._lists:
            self._lists[model] = {
                item.name.lower(): item  # type: ignore[attr-defined]
                for item in model._default_manager.all()
            }
        return self._lists[model]

    def name(self, row: _Row, name: str, model: type[_R], *, personal: bool = False) -> _R | None:
        """One entry of an administration list by its name, retired entries included. Which
        entry a person has (a barrier) is personal: then a name not on the list is not
        repeated."""
        value = row.values.get(name, "")
        if not value:
            return None
        item = self._list(model).get(value.lower())
        if item is None:
            shown = "the value" if personal else repr(value)
            message = (
                f"{name}: {shown} is not in the {model._meta.verbose_name} list of the "
                "administration pages"
            )
            if personal:
                message += "; the value is not shown because it is personal"
            row.fail(message)
        return item  # type: ignore[return-value]

    def vendor(self, row: _Row, name: str) -> Vendor | None:
        """A vendor by its name (case does not matter), inactive ones included."""
        value = row.values.get(name, "")
        if not value:
            return None
        vendor = self._list(Vendor).get(value.lower())
        if vendor is None:
            row.fail(
                f"{name}: {value!r} is not in the vendor list; vendors are kept by an "
                "administrator, who adds it first (administration pages, Vendors), then the "
                "purchase orders are imported"
            )
        return vendor  # type: ignore[return-value]


def _phone(cells: _Cells, name: str) -> str:
    """Ten digits, as the customer form keeps them."""
    try:
        return phone_digits(cells.raw(name))
    except ValueError:
        cells._bad(name, "is not ten digits with the area code")
        return ""


EXITED_STATUSES = (Status.EXITED, Status.FOLLOW_UP, Status.CLOSED)


def _parse_customer(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    _legacy_id(cells)
    fields: dict[str, object] = {
        name: cells.text(name, Customer)
        for name in (
            "first_name",
            "middle_name",
            "last_name",
            "email",
            "street",
            "city",
            "postal_code",
            "alternate_contact_name",
            "alternate_contact_relationship",
            "eligibility_late_reason",
        )
    }
    fields["state"] = cells.text("state", Customer).upper()
    fields["phone"] = _phone(cells, "phone")
    fields["alternate_contact_phone"] = _phone(cells, "alternate_contact_phone")
    for name in ("date_of_birth", "application_date", "eligibility_date", "certification_date"):
        fields[name] = cells.date(name)
    fields["preferred_contact_method"] = cells.choice(
        "preferred_contact_method", ContactMethod.values, ContactMethod.PHONE
    )
    fields["veteran_status"] = cells.choice(
        "veteran_status", VeteranStatus.values, VeteranStatus.NOT_VETERAN
    )
    programs = [p.strip().lower() for p in cells.raw("programs").split(";") if p.strip()]
    unknown = [p for p in programs if p not in Program.values]
    if unknown:
        row.fail(
            f"programs: unknown program(s) {', '.join(repr(p) for p in unknown)} "
            f"(give a semicolon list of {';'.join(Program.values)})"
        )
    elif row.values.get("programs") and not programs:
        row.fail("programs: required")
    fields["programs"] = list(dict.fromkeys(programs))

    ssn = cells.raw("ssn")
    last4 = re.sub(r"\D", "", cells.raw("ssn_last4"))
    if ssn:
        try:
            normalized = ssn_normalize(ssn)
        except InvalidSSN as exc:
            row.fail(f"ssn: {exc}")
        else:
            if last4 and last4 != normalized[-4:]:
                row.fail("ssn_last4: does not match the last four digits of ssn")
    if last4 and len(last4) != 4:
        cells._bad("ssn_last4", "is not four digits")
    fields["ssn_last4"] = last4

    row.data.update(
        fields=fields,
        ssn=ssn,
        office=lookup.office(row, "office"),
        career_planner=lookup.user(row, "career_planner"),
        created_by=lookup.user(row, "created_by"),
        not_duplicate=cells.yes_no("not_duplicate", False),
        barriers=lookup.names(row, "barriers", Barrier),
        partner_programs=lookup.names(row, "partner_programs", PartnerProgram),
        status=cells.choice("status", Status.values, ""),
        exit_date=cells.date("exit_date"),
        exit_reason=cells.text("exit_reason", Customer),
    )
    if row.data["exit_date"] is not None and row.data["status"] not in EXITED_STATUSES:
        row.fail("exit_date: only an exited, in follow-up or closed customer has an exit date")
    cells.raw("office")
    cells.raw("created_by")


def _parse_service(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    _legacy_id(cells)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        activity=lookup.activity(row, "activity"),
        started_on=cells.date("started_on"),
        start_is_projected=cells.yes_no("start_is_projected", False),
        planned_end_on=cells.date("planned_end_on"),
        ended_on=cells.date("ended_on"),
        completion_status=cells.choice("completion_status", CompletionStatus.values),
        provider=cells.choice("provider", Provider.values, Provider.OFFICE),
        provider_name=cells.text("provider_name", ServiceRecord),
        weekly_hours=cells.decimal("weekly_hours", ServiceRecord),
        dollar_value=cells.decimal("dollar_value", ServiceRecord),
        notes=cells.text("notes", ServiceRecord),
        entered_by=lookup.user(row, "entered_by"),
        entered_at=cells.entered_at(),
    )
    cells.raw("activity")
    cells.raw("entered_by")


def _parse_note(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    _legacy_id(cells)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        service_legacy_id=cells.raw("service_legacy_id"),
        contact_date=cells.date("contact_date"),
        # Empty subject and body are left to the case-note rule, which names them.
        subject=cells.text("subject", CaseNote) if row.values.get("subject") else "",
        body=row.values.get("body", ""),
        contact_method=cells.choice("contact_method", NoteContactMethod.values),
        two_way=cells.yes_no("two_way"),
        note_type=cells.choice("note_type", NoteType.values, NoteType.GENERAL),
        author=lookup.user(row, "author"),
        entered_at=cells.entered_at(),
    )
    cells.raw("author")


def _parse_assessment(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        assessment_type=lookup.name(row, "assessment_type", AssessmentType),
        assessed_on=cells.date("assessed_on"),
        scores=cells.text("scores", Assessment),
        summary=cells.raw("summary"),
        entered_by=lookup.user(row, "entered_by"),
    )
    cells.raw("assessment_type")
    cells.raw("entered_by")
    row.data["key"] = (
        row.data["customer_legacy_id"],
        row.values.get("assessment_type", "").lower(),
        row.data["assessed_on"],
    )


def _parse_plan(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        developed_on=cells.date("developed_on"),
        fields={name: cells.text(name, Plan) for name in PLAN_FIELDS},
        barriers=lookup.names(row, "barriers", Barrier),
        note_body=cells.raw("note_body"),
        created_by=lookup.user(row, "created_by"),
        entered_at=cells.entered_at(),
    )
    cells.raw("created_by")
    row.data["key"] = (row.data["customer_legacy_id"],)


def _parse_goal(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    _legacy_id(cells)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        fields={
            "statement": cells.text("statement", Goal),
            "category": cells.choice("category", GoalCategory.values),
            "term": cells.choice("term", GoalTerm.values),
            "status": cells.choice("status", GoalStatus.values, GoalStatus.NOT_STARTED),
            "indicator": cells.choice("indicator", Indicator.values),
            "justification": cells.raw("justification"),
        },
        created_by=lookup.user(row, "created_by"),
    )
    cells.raw("created_by")
    row.data["key"] = (row.data["customer_legacy_id"], row.values.get("statement", ""))


def _parse_step(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    start_on = cells.date("start_on")
    row.data.update(
        goal_legacy_id=cells.raw("goal_legacy_id"),
        fields={
            "activity": lookup.activity(row, "activity"),
            "description": cells.text("description", Step),
            "status": cells.choice("status", StepStatus.values, StepStatus.PLANNED),
            "start_on": start_on,
            "due_on": cells.date("due_on"),
            "hours": cells.decimal("hours", Step),
            "provider": cells.text("provider", Step),
            "dollar_value": cells.decimal("dollar_value", Step),
        },
        barriers=lookup.names(row, "barriers", Barrier),
        entered_by=lookup.user(row, "entered_by"),
    )
    cells.raw("activity")
    cells.raw("entered_by")
    row.data["key"] = (row.data["goal_legacy_id"], row.values.get("activity", ""), start_on)


def _parse_review(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        reviewed_on=cells.date("reviewed_on"),
        body=cells.raw("body"),
        contact_method=cells.choice("contact_method", NoteContactMethod.values),
        two_way=cells.yes_no("two_way"),
        reviewed_by=lookup.user(row, "reviewed_by"),
    )
    cells.raw("reviewed_by")
    row.data["key"] = (row.data["customer_legacy_id"], row.data["reviewed_on"])


def _parse_version(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    signed_on = cells.date("signed_on")
    number = cells.number("number")
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        number=number,
        signed_on=signed_on,
        content=cells.json_object("content"),
        needs_agreement=cells.yes_no("needs_agreement"),
        printed_at=cells.entered_at("printed_at"),
        created_at=cells.entered_at("created_at"),
        created_by=lookup.user(row, "created_by"),
        recorded_by=(
            lookup.user(row, "signature_recorded_by")
            if row.values.get("signature_recorded_by")
            else None
        ),
    )
    cells.raw("created_by")
    if row.values.get("signed_on"):
        if not row.values.get("content"):
            row.fail("content: required for a signed version (the plan as it was printed)")
        if row.values.get("needs_agreement"):
            row.fail(
                "needs_agreement: only for the version waiting for a signature; "
                "leave it empty on a signed version"
            )
    else:
        if row.values.get("content"):
            row.fail(
                "content: leave it empty on the version waiting for a signature; "
                "it follows the plan"
            )
        if row.values.get("signature_recorded_by"):
            row.fail("signature_recorded_by: only for a signed version")
    row.data["key"] = (row.data["customer_legacy_id"], number)


def _parse_gap(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        reason=cells.text("reason", PlannedGap),
        starts_on=cells.date("starts_on"),
        ends_on=cells.date("ends_on"),
        created_by=lookup.user(row, "created_by"),
    )
    cells.raw("created_by")
    row.data["key"] = (row.data["customer_legacy_id"], row.data["starts_on"], row.data["ends_on"])


def _parse_session(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    _legacy_id(cells)
    row.data.update(
        workshop=lookup.workshop(row, "workshop"),
        office=lookup.office(row, "office"),
        on=cells.date("on"),
        starts_at=cells.time("starts_at"),
        ends_at=cells.time("ends_at"),
        room=cells.text("room", Session),
        meeting_link=cells.text("meeting_link", Session),
        facilitator=lookup.user(row, "facilitator"),
        capacity=cells.count("capacity"),
        status=cells.choice("status", SessionStatus.values, SessionStatus.SCHEDULED),
        cancel_reason=cells.text("cancel_reason", Session),
        created_by=lookup.user(row, "created_by"),
    )
    for name in ("workshop", "office", "facilitator", "created_by"):
        cells.raw(name)


def _parse_booking(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    row.data.update(
        session_legacy_id=cells.raw("session_legacy_id"),
        customer_legacy_id=cells.raw("customer_legacy_id"),
        status=cells.choice("status", BookingStatus.values, BookingStatus.BOOKED),
        walk_in=cells.yes_no("walk_in", False),
        attendance=cells.choice("attendance", Attendance.values),
        service_legacy_id=cells.raw("service_legacy_id"),
        reason=cells.text("reason", Booking),
        booked_by=lookup.user(row, "booked_by"),
    )
    cells.raw("booked_by")
    row.data["key"] = (row.data["session_legacy_id"], row.data["customer_legacy_id"])


def _parse_appointment(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        with_user=lookup.user(row, "with"),
        on=cells.date("on"),
        starts_at=cells.time("starts_at"),
        ends_at=cells.time("ends_at"),
        purpose=cells.text("purpose", Appointment),
        place=cells.text("place", Appointment),
        meeting_link=cells.text("meeting_link", Appointment),
        what_to_bring=cells.text("what_to_bring", Appointment),
        status=cells.choice("status", AppointmentStatus.values, AppointmentStatus.SCHEDULED),
        reason=cells.text("reason", Appointment),
        booked_by=lookup.user(row, "booked_by"),
    )
    cells.raw("with")
    cells.raw("booked_by")
    row.data["key"] = (
        row.data["customer_legacy_id"],
        row.values.get("with", ""),
        row.data["on"],
        row.data["starts_at"],
        row.data["status"],
    )


def _parse_budget_review(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        reviewed_on=cells.date("reviewed_on"),
        amounts={
            name: cells.decimal(name, BudgetReview)
            for name in BudgetReview.INCOME + BudgetReview.EXPENSES
        },
        notes=cells.text("notes", BudgetReview),
        created_by=lookup.user(row, "created_by"),
    )
    cells.raw("created_by")
    row.data["key"] = (row.data["customer_legacy_id"], row.data["reviewed_on"])


def _parse_referral(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        supportive_type=cells.choice("supportive_type", SupportiveType.values),
        barrier=lookup.name(row, "barrier", Barrier, personal=True),
        organisation=cells.text("organisation", Referral),
        referred_on=cells.date("referred_on"),
        outcome=cells.choice("outcome", ReferralOutcome.values, ReferralOutcome.PENDING),
        note_legacy_id=cells.raw("note_legacy_id"),
        created_by=lookup.user(row, "created_by"),
    )
    cells.raw("barrier")
    cells.raw("created_by")
    row.data["key"] = (row.data["note_legacy_id"],)


PROGRAM_YEARS = range(1990, 2100)


def _parse_purchase_order(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    _legacy_id(cells)
    program_year = cells.count("program_year")
    if program_year is not None and program_year not in PROGRAM_YEARS:
        cells._bad(
            "program_year",
            "is not a program year",
            "the year it starts on 1 July, for example 2026 for PY26",
        )
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        number=cells.text("number", PurchaseOrder),
        office=lookup.office(row, "office"),
        program_year=program_year,
        status=cells.choice("status", POStatus.values),
        vendor=lookup.vendor(row, "vendor"),
        supportive_type=cells.choice("supportive_type", SupportiveType.values),
        item=cells.text("item", PurchaseOrder),
        quantity=cells.number("quantity") or 1,
        unit_price=cells.decimal("unit_price", PurchaseOrder),
        amount=cells.decimal("amount", PurchaseOrder),
        card_number=cells.text("card_number", PurchaseOrder),
        barrier=lookup.name(row, "barrier", Barrier, personal=True),
        supports_service_legacy_id=cells.raw("supports_service_legacy_id"),
        funding_program=cells.choice("funding_program", FundingProgram.values),
        referral=cells.raw("referral"),
        no_referral_reason=cells.text("no_referral_reason", PurchaseOrder),
        justification=cells.raw("justification"),
        service_legacy_id=cells.raw("service_legacy_id"),
        created_by=lookup.user(row, "created_by"),
        approved_by=lookup.user(row, "approved_by"),
        approved_at=cells.entered_at("approved_at"),
        issued_by=lookup.user(row, "issued_by"),
        issued_on=cells.date("issued_on"),
        paid_on=cells.date("paid_on"),
        invoice_number=cells.text("invoice_number", PurchaseOrder),
        amount_paid=cells.decimal("amount_paid", PurchaseOrder),
        void_reason=cells.text("void_reason", PurchaseOrder),
        voided_by=lookup.user(row, "voided_by"),
        voided_at=cells.entered_at("voided_at"),
    )
    for name in ("vendor", "barrier", "created_by"):
        cells.raw(name)


def _parse_entry(cells: _Cells, lookup: _Lookup) -> None:
    """Who entered an outcome, when, and whether late (empty: as the entry rule finds it)."""
    cells.row.data.update(
        entered_by=lookup.user(cells.row, "entered_by"),
        entered_at=cells.entered_at(),
        entered_late=cells.yes_no("entered_late"),
    )
    cells.raw("entered_by")


def _parse_employer_contact(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        employer=cells.text("employer", EmployerContact),
        contact_person=cells.text("contact_person", EmployerContact),
        method=cells.choice("method", EmployerContactMethod.values),
        contacted_on=cells.date("contacted_on"),
        outcome=cells.choice("outcome", ContactOutcome.values),
        service_legacy_id=cells.raw("service_legacy_id"),
        notes=cells.raw("notes"),
    )
    _parse_entry(cells, lookup)
    row.data["key"] = (
        row.data["customer_legacy_id"],
        row.values.get("employer", "").lower(),
        row.data["contacted_on"],
        row.data["method"],
    )


def _parse_job(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    _legacy_id(cells)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        employer=cells.text("employer", Employment),
        job_title=cells.text("job_title", Employment),
        onet_code=cells.text("onet_code", Employment),
        started_on=cells.date("started_on"),
        ended_on=cells.date("ended_on"),
        hourly_wage=cells.decimal("hourly_wage", Employment),
        hours_per_week=cells.decimal("hours_per_week", Employment),
        training_related=cells.yes_no("training_related", False),
        verification=cells.choice("verification", Verification.values),
    )
    _parse_entry(cells, lookup)


def _parse_placement(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    _legacy_id(cells)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        kind=cells.choice("kind", PlacementKind.values),
        worksite=cells.text("worksite", Placement),
        supervisor=cells.text("supervisor", Placement),
        hourly_wage=cells.decimal("hourly_wage", Placement),
        subsidized_wage=cells.decimal("subsidized_wage", Placement),
        hours_per_week=cells.decimal("hours_per_week", Placement),
        status=cells.choice("status", PlacementStatus.values, PlacementStatus.PLANNED),
        starts_on=cells.date("starts_on"),
        ends_on=cells.date("ends_on"),
        status_changed_on=cells.date("status_changed_on"),
        # Day -> the day it was done and the legacy id of its case note.
        follow_ups={
            day: (
                cells.date(placement_follow_up_column(day, "done_on")),
                cells.raw(placement_follow_up_column(day, "note_legacy_id")),
            )
            for day in PLACEMENT_FOLLOW_UP_DAYS
        },
    )
    _parse_entry(cells, lookup)


def _parse_credential(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    credential_type = cells.count("credential_type")
    if credential_type is not None and credential_type not in CredentialType.values:
        cells._bad(
            "credential_type",
            "is not a PIRL 1800 credential code",
            "; ".join(f"{c.value} {c.label}" for c in CredentialType),
        )
        credential_type = None
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        credential_type=credential_type,
        name=cells.text("name", Credential),
        attained_on=cells.date("attained_on"),
        training_service_legacy_id=cells.raw("training_service_legacy_id"),
    )
    _parse_entry(cells, lookup)
    row.data["key"] = (
        row.data["customer_legacy_id"],
        credential_type,
        row.values.get("name", "").lower(),
        row.data["attained_on"],
    )


def _parse_skill_gain(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        kind=cells.choice("kind", SkillGainKind.values),
        achieved_on=cells.date("achieved_on"),
        description=cells.text("description", SkillGain),
    )
    _parse_entry(cells, lookup)
    row.data["key"] = (
        row.data["customer_legacy_id"],
        row.data["kind"],
        row.data["achieved_on"],
    )


def _parse_period(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        entered_on=cells.date("entered_on"),
        exited_on=cells.date("exited_on"),
        exit_kind=cells.choice("exit_kind", ExitKind.values),
        other_reason=cells.choice("other_reason", OtherExitReason.values),
        employed_at_exit=cells.yes_no("employed_at_exit"),
        exit_job_legacy_id=cells.raw("exit_job_legacy_id"),
        exit_note_legacy_id=cells.raw("exit_note_legacy_id"),
        exit_recorded_by=lookup.user(row, "exit_recorded_by"),
        exit_recorded_at=cells.entered_at("exit_recorded_at"),
        closed_on=cells.date("closed_on"),
        close_reason=cells.text("close_reason", Period),
    )
    row.data["key"] = (row.data["customer_legacy_id"], row.data["entered_on"])


def _parse_follow_up(row: _Row, lookup: _Lookup) -> None:
    cells = _Cells(row)
    row.data.update(
        customer_legacy_id=cells.raw("customer_legacy_id"),
        period_entered_on=cells.date("period_entered_on"),
        quarter=cells.count("quarter"),
        due_on=cells.date("due_on"),
        done_on=cells.date("done_on"),
        employed=cells.yes_no("employed"),
        employer=cells.text("employer", FollowUp),
        hourly_wage=cells.decimal("hourly_wage", FollowUp),
        in_education=cells.yes_no("in_education"),
        supportive_need=cells.text("supportive_need", FollowUp),
        note_legacy_id=cells.raw("note_legacy_id"),
        recorded_by=lookup.user(row, "recorded_by"),
    )
    row.data["key"] = (
        row.data["customer_legacy_id"],
        row.data["period_entered_on"],
        row.data["quarter"],
    )


def _dedupe_values(rows: list[_Row], name: str, what: str) -> None:
    """A value that is used once (a purchase order's number, a card number): the same
    value on a later row is refused, without repeating it."""
    first: dict[str, _Row] = {}
    for row in rows:
        value = row.values.get(name, "")
        if row.state != "pending" or not value:
            continue
        earlier = first.setdefault(value, row)
        if earlier is not row:
            row.fail(f"{name}: the same {what} is given twice (first on line {earlier.line})")


def _dedupe_keys(rows: list[_Row], what: str) -> None:
    """Rows without a legacy id are known by a natural key; the same key twice is refused."""
    first: dict[object, _Row] = {}
    for row in rows:
        key = row.data.get("key")
        if row.state != "pending" or key is None:
            continue
        earlier = first.setdefault(key, row)
        if earlier is not row:
            row.fail(f"the same {what} is given twice (first on line {earlier.line})")


def _legacy_id(cells: _Cells) -> None:
    value = cells.raw("legacy_id")
    if len(value) > 64:
        cells.row.fail("legacy_id: longer than 64 characters")


def _dedupe(rows: list[_Row]) -> dict[str, _Row]:
    """The first row of each legacy id; later rows with the same id are refused."""
    first: dict[str, _Row] = {}
    for row in rows:
        if not row.legacy_id:
            continue
        earlier = first.setdefault(row.legacy_id, row)
        if earlier is not row:
            row.fail(f"legacy id {row.legacy_id} is given twice (first on line {earlier.line})")
    return first


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            (name, message) for name, messages in exc.message_dict.items() for message in messages
        ]
    return [("__all__", m) for m in exc.messages]


def _describe(name: str, message: str) -> str:
    return message if name in ("__all__", "") else f"{name}: {message}"


@contextlib.contextmanager
def _columns(names: dict[str, str]) -> Iterator[None]:
    """Refusals of a service function named by the file's columns, not the model's fields."""
    try:
        yield
    except ValidationError as exc:
        raise _RowError(*(_describe(names.get(n, n), m) for n, m in _messages(exc))) from None


def _moment(
    given: tuple[datetime.datetime | datetime.date, bool] | None, office: Office
) -> datetime.datetime | None:
    """When the record was entered: a day means noon in the office's time zone."""
    if given is None:
        return None
    value, aware = given
    if aware:
        return value  # type: ignore[return-value]
    zone = zoneinfo.ZoneInfo(office.time_zone)
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(12))
    return value.replace(tzinfo=zone)


# --- Loading -----------------------------------------------------------------------


class _Import:
    def __init__(self, rows: dict[str, list[_Row]]) -> None:
        self.rows = rows
        self.customer_rows = _dedupe(rows[CUSTOMERS])
        self.service_rows = _dedupe(rows[SERVICES])
        self.note_rows = _dedupe(rows[NOTES])
        self.goal_rows = _dedupe(rows[GOALS])
        self.session_rows = _dedupe(rows[SESSIONS])
        self.po_rows = _dedupe(rows[PURCHASE_ORDERS])
        self.job_rows = _dedupe(rows[JOBS])
        self.placement_rows = _dedupe(rows[PLACEMENTS])
        self.jobs: dict[str, Employment] = {}
        # Periods by customer legacy id and program entry; those this import wrote.
        self.periods: dict[tuple[str, datetime.date], Period] = {}
        self.new_periods: list[Period] = []
        self.referrals: dict[str, Referral] = {}
        self.orders: list[PurchaseOrder] = []
        self.sessions: dict[str, Session] = {}
        self.goals: dict[str, Goal] = {}
        self.completing: list[tuple[_Row, Goal]] = []
        self.new_plans: set[int] = set()
        self.customers: dict[str, Customer] = {}
        self.services: dict[str, ServiceRecord] = {}
        self.consumed_notes: set[int] = set()
        self.notes_by_service: dict[str, list[_Row]] = {}
        self.failed_services: dict[str, list[_Row]] = {}  # by customer legacy id

        # Rows loaded by an earlier import are skipped before they are judged.
        for customer in Customer.objects.select_related("office").filter(
            legacy_id__in=list(self.customer_rows)
        ):
            self.customer_rows[customer.legacy_id].state = "existing"
            self.customers[customer.legacy_id] = customer
        for session in Session.objects.filter(legacy_id__in=list(self.session_rows)):
            self.session_rows[session.legacy_id].state = "existing"  # type: ignore[index]
            self.sessions[session.legacy_id] = session  # type: ignore[index]
        for model, first in (
            (ServiceRecord, self.service_rows),
            (CaseNote, self.note_rows),
            (PurchaseOrder, self.po_rows),
            (Employment, self.job_rows),
            (Placement, self.placement_rows),
        ):
            for legacy_id in model.objects.filter(legacy_id__in=list(first)).values_list(
                "legacy_id", flat=True
            ):
                first[legacy_id].state = "existing"

        lookup = _Lookup()
        for name, parse in PARSERS.items():
            for row in rows[name]:
                if row.state == "pending":
                    parse(row, lookup)
        for name, what in KEYED.items():
            _dedupe_keys(rows[name], what)
        _dedupe_values(rows[PURCHASE_ORDERS], "number", "purchase order number")
        _dedupe_values(rows[PURCHASE_ORDERS], "card_number", "card number")
        # Referrals are known by their case note; purchase orders name them by it.
        self.referral_rows: dict[str, _Row] = {}
        for row in rows[REFERRALS]:
            self.referral_rows.setdefault(row.values.get("note_legacy_id", ""), row)
        # Periods are known by customer and program entry; follow-ups name them so.
        self.period_rows: dict[object, _Row] = {}
        for row in rows[PERIODS]:
            if row.data.get("key") is not None:
                self.period_rows.setdefault(row.data["key"], row)
        # Candidates for the note of a same-day service: first rows of their legacy id,
        # bad ones included so that the service is reported as depending on them.
        for row in rows[NOTES]:
            key = row.values.get("service_legacy_id", "")
            if key and row.state != "existing" and self.note_rows.get(row.legacy_id) is row:
                self.notes_by_service.setdefault(key, []).append(row)

    # Resolving references.

    def customer(self, legacy_id: str) -> Customer:
        if legacy_id in self.customers:
            return self.customers[legacy_id]
        source = self.customer_rows.get(legacy_id)
        if source is not None and source.state == "bad":
            raise _RowError(
                f"customer legacy id {legacy_id} was not imported (see {source.where})",
                dependent=True,
            )
        customer = Customer.objects.select_related("office").filter(legacy_id=legacy_id).first()
        if customer is None:
            raise _RowError(
                f"customer_legacy_id: no customer has the legacy id {legacy_id!r} "
                f"(not in {CUSTOMERS} and not imported before)"
            )
        self.customers[legacy_id] = customer
        return customer

    def service(self, legacy_id: str, column: str = "service_legacy_id") -> ServiceRecord:
        if legacy_id in self.services:
            return self.services[legacy_id]
        source = self.service_rows.get(legacy_id)
        if source is not None and source.state == "bad":
            raise _RowError(
                f"service legacy id {legacy_id} was not imported (see {source.where})",
                dependent=True,
            )
        record = (
            ServiceRecord.objects.select_related("activity").filter(legacy_id=legacy_id).first()
        )
        if record is None:
            raise _RowError(
                f"{column}: no service has the legacy id {legacy_id!r} "
                f"(not in {SERVICES} and not imported before)"
            )
        self.services[legacy_id] = record
        return record

    def note(self, legacy_id: str, column: str = "note_legacy_id") -> CaseNote:
        source = self.note_rows.get(legacy_id)
        if source is not None and source.state == "bad":
            raise _RowError(
                f"case note legacy id {legacy_id} was not imported (see {source.where})",
                dependent=True,
            )
        note = CaseNote.objects.filter(legacy_id=legacy_id).first()
        if note is None:
            raise _RowError(
                f"{column}: no case note has the legacy id {legacy_id!r} "
                f"(not in {NOTES} and not imported before)"
            )
        return note

    def referral(self, note_legacy_id: str) -> Referral:
        """A referral by its case note's legacy id, from referrals.csv or imported before."""
        if note_legacy_id in self.referrals:
            return self.referrals[note_legacy_id]
        source = self.referral_rows.get(note_legacy_id)
        if source is not None and source.state == "bad":
            raise _RowError(
                f"the referral of case note {note_legacy_id} was not imported (see {source.where})",
                dependent=True,
            )
        referral = Referral.objects.filter(note__legacy_id=note_legacy_id).first()
        if referral is None:
            raise _RowError(
                f"referral: no referral has the case note {note_legacy_id!r} (give the "
                f"note_legacy_id of a referral in {REFERRALS} or imported before)"
            )
        self.referrals[note_legacy_id] = referral
        return referral

    def job(self, legacy_id: str, column: str = "exit_job_legacy_id") -> Employment:
        if legacy_id in self.jobs:
            return self.jobs[legacy_id]
        source = self.job_rows.get(legacy_id)
        if source is not None and source.state == "bad":
            raise _RowError(
                f"job legacy id {legacy_id} was not imported (see {source.where})",
                dependent=True,
            )
        job = Employment.objects.filter(legacy_id=legacy_id).first()
        if job is None:
            raise _RowError(
                f"{column}: no job has the legacy id {legacy_id!r} "
                f"(not in {JOBS} and not imported before)"
            )
        self.jobs[legacy_id] = job
        return job

    def period(self, customer_legacy_id: str, entered_on: datetime.date) -> Period:
        """A period by its customer and program entry, from periods.csv or imported before."""
        key = (customer_legacy_id, entered_on)
        if key in self.periods:
            return self.periods[key]
        source = self.period_rows.get(key)
        if source is not None and source.state == "bad":
            raise _RowError(
                f"the period of customer legacy id {customer_legacy_id} entered on "
                f"{entered_on:%Y-%m-%d} was not imported (see {source.where})",
                dependent=True,
            )
        customer = self.customer(customer_legacy_id)
        period = (
            Period.objects.select_related("customer__office")
            .filter(customer=customer, entered_on=entered_on)
            .first()
        )
        if period is None:
            raise _RowError(
                f"period_entered_on: customer legacy id {customer_legacy_id} has no period "
                f"of participation entered on {entered_on:%Y-%m-%d} (not in {PERIODS} and not "
                "imported before)"
            )
        self.periods[key] = period
        return period

    @staticmethod
    def attempt(row: _Row, load: Callable[[], object]) -> None:
        """Run one row in a savepoint; a refusal undoes only that row."""
        if row.state != "pending":
            return
        try:
            with transaction.atomic():
                load()
        except _RowError as exc:
            row.fail(*exc.messages, dependent=exc.dependent)
        except PermissionDenied as exc:
            row.fail(str(exc))
        except ValidationError as exc:
            row.fail(*(_describe(n, m) for n, m in _messages(exc)))
        else:
            if row.state == "pending":
                row.state = "created"

    # Customers.

    def load_customers(self) -> None:
        for row in self.rows[CUSTOMERS]:
            self.attempt(row, lambda row=row: self._customer(row))

    def _customer(self, row: _Row) -> None:
        data = row.data
        fields: dict[str, object] = data["fields"]  # type: ignore[assignment]
        office: Office = data["office"]  # type: ignore[assignment]
        created_by: User = data["created_by"]  # type: ignore[assignment]
        duplicates = customer_find_duplicates(
            first_name=str(fields["first_name"]),
            last_name=str(fields["last_name"]),
            date_of_birth=fields["date_of_birth"],  # type: ignore[arg-type]
            ssn=str(data["ssn"]),
        )
        numbers = sorted(duplicates.values_list("customer_number", flat=True)[:5])
        if numbers and not data["not_duplicate"]:
            raise _RowError(
                f"possibly the same person as customer {', '.join(numbers)} (same name and date "
                "of birth, or same SSN); if this is a different person, set not_duplicate to yes"
            )
        try:
            customer = customer_create(
                created_by=created_by,
                office=office,
                career_planner=data["career_planner"],  # type: ignore[arg-type]
                fields=fields,
                ssn=str(data["ssn"]),
                barriers=data["barriers"],  # type: ignore[arg-type]
                partner_programs=data["partner_programs"],  # type: ignore[arg-type]
                legacy_id=row.legacy_id,
            )
        except PermissionDenied:
            raise _RowError(
                f"created_by: {created_by.username!r} cannot register customers in office "
                f"{office.code}: they do not work there, or their account is inactive"
            ) from None
        self.customers[row.legacy_id] = customer

    def load_statuses(self) -> None:
        """The status each customer had in the system they come from, once every record
        is in: a participant, an exit or a follow-up is not always told by the services."""
        for row in self.rows[CUSTOMERS]:
            if row.state == "created" and row.data.get("status"):
                try:
                    with transaction.atomic():
                        self._status(row)
                except ValidationError as exc:
                    row.fail(*(_describe(n, m) for n, m in _messages(exc)))

    def _status(self, row: _Row) -> None:
        customer_status_carry(
            customer=self.customers[row.legacy_id],
            status=str(row.data["status"]),
            exit_date=row.data["exit_date"],  # type: ignore[arg-type]
            exit_reason=str(row.data["exit_reason"]),
        )

    # Services.

    def load_services(self) -> None:
        """Services and plans together: a plan records the IEP (ISS) that later services need."""
        for row in sorted([*self.rows[SERVICES], *self.rows[PLANS]], key=self._service_order):
            if row.file == PLANS:
                self.attempt(row, lambda row=row: self._plan(row))
            else:
                self.attempt(row, lambda row=row: self._service(row))
            if row.state == "bad":
                key = str(row.data.get("customer_legacy_id", ""))
                self.failed_services.setdefault(key, []).append(row)

    @staticmethod
    def _service_order(row: _Row) -> tuple[object, ...]:
        """Customer, start date, end date (open last); on one day what others need first."""
        data = row.data
        if row.file == PLANS:
            day = data.get("developed_on") or datetime.date.max
            customer = str(data.get("customer_legacy_id", ""))
            return (customer, day, day, _PROVIDES_RANK[Provides.IEP], row.line)
        activity: Activity | None = data.get("activity")  # type: ignore[assignment]
        rank = _PROVIDES_RANK.get(activity.provides, 3) if activity else 3
        if activity and rank == 3 and not activity.extends_exit_window:
            rank = 4  # supportive and tracking rows lean on an enrolling service
        return (
            str(data.get("customer_legacy_id", "")),
            data.get("started_on") or datetime.date.max,
            data.get("ended_on") or datetime.date.max,
            rank,
            row.line,
        )

    def _same_day_note(self, row: _Row) -> _Row | None:
        """The case_notes.csv row that is written with a same-day service."""
        for note in self.notes_by_service.get(row.legacy_id, []):
            if note.data.get("contact_date") == row.data["started_on"]:
                return note
        return None

    def _service(self, row: _Row) -> None:
        data = row.data
        customer_legacy_id = str(data["customer_legacy_id"])
        customer = self.customer(customer_legacy_id)
        activity: Activity = data["activity"]  # type: ignore[assignment]
        entered_by: User = data["entered_by"]  # type: ignore[assignment]
        entered_at = _moment(data["entered_at"], customer.office)  # type: ignore[arg-type]
        if entered_at is not None and entered_at > timezone.now():
            raise _RowError(f"entered_at: {row.values['entered_at']!r} is in the future")
        note_row = self._same_day_note(row) if activity.same_day else None
        draft = None
        if note_row is not None:
            draft = self._note_draft(note_row, customer_legacy_id, entered_by)
            if draft is None:
                raise _RowError(
                    f"its case note was not imported (see {note_row.where})", dependent=True
                )
        try:
            record = service_record_create(
                customer=customer,
                activity=activity,
                started_on=data["started_on"],  # type: ignore[arg-type]
                start_is_projected=bool(data["start_is_projected"]),
                planned_end_on=data["planned_end_on"],  # type: ignore[arg-type]
                ended_on=data["ended_on"],  # type: ignore[arg-type]
                completion_status=str(data["completion_status"]),
                provider=str(data["provider"]),
                provider_name=str(data["provider_name"]),
                weekly_hours=data["weekly_hours"],  # type: ignore[arg-type]
                dollar_value=data["dollar_value"],  # type: ignore[arg-type]
                notes=str(data["notes"]),
                entered_by=entered_by,
                entered_at=entered_at,
                legacy_id=row.legacy_id,
                note=draft,
            )
        except ValidationError as exc:
            messages = []
            for name, message in _messages(exc):
                if name == "note":
                    messages.append(
                        f"note: {activity.title} ({activity.code}) is a same-day service: its case "
                        f"note must be in {NOTES} with service_legacy_id {row.legacy_id} and "
                        f"contact_date {data['started_on']:%Y-%m-%d}"
                    )
                elif name.startswith("note_") and note_row is not None:
                    note_row.fail(_describe(name.removeprefix("note_"), message))
                else:
                    messages.append(_describe(name, message))
            if note_row is not None and note_row.state == "bad":
                messages.append(f"its case note was refused (see {note_row.where})")
            earlier = self.failed_services.get(customer_legacy_id, [])
            if earlier and any(name == "activity" for name, _ in _messages(exc)):
                lines = ", ".join(str(r.line) for r in earlier[:5])
                messages.append(
                    f"earlier services of this customer were not imported ({SERVICES} "
                    f"line(s) {lines}); this service may need them"
                )
            raise _RowError(*messages) from None
        if note_row is not None:
            self.consumed_notes.add(id(note_row))
            note_row.state = "created"
        self.services[row.legacy_id] = record

    @staticmethod
    def _note_draft(note: _Row, customer_legacy_id: str, entered_by: User) -> NoteDraft | None:
        if note.state == "bad":
            return None
        data = note.data
        if data["customer_legacy_id"] != customer_legacy_id:
            note.fail("service: The service documented belongs to another customer.")
            return None
        author: User = data["author"]  # type: ignore[assignment]
        if author != entered_by:
            note.fail(
                f"author: {author.username!r} is not the service's entered_by "
                f"{entered_by.username!r}; a same-day service and its case note are entered "
                "together, by one person"
            )
            return None
        return NoteDraft(
            subject=str(data["subject"]),
            body=str(data["body"]),
            contact_method=str(data["contact_method"]),
            two_way=bool(data["two_way"]),
            note_type=str(data["note_type"]),
            legacy_id=note.legacy_id,
        )

    # Case notes.

    def load_notes(self) -> None:
        for row in self.rows[NOTES]:
            if id(row) not in self.consumed_notes:
                self.attempt(row, lambda row=row: self._note(row))

    def _note(self, row: _Row) -> None:
        data = row.data
        customer = self.customer(str(data["customer_legacy_id"]))
        service = (
            self.service(str(data["service_legacy_id"])) if data["service_legacy_id"] else None
        )
        entered_at = _moment(data["entered_at"], customer.office)  # type: ignore[arg-type]
        if entered_at is not None and entered_at > timezone.now():
            raise _RowError(f"entered_at: {row.values['entered_at']!r} is in the future")
        casenote_create(
            customer=customer,
            author=data["author"],  # type: ignore[arg-type]
            contact_date=data["contact_date"],  # type: ignore[arg-type]
            subject=str(data["subject"]),
            body=str(data["body"]),
            contact_method=str(data["contact_method"]),
            two_way=bool(data["two_way"]),
            note_type=str(data["note_type"]),
            service=service,
            entered_at=entered_at,
            legacy_id=row.legacy_id,
        )

    # Assessments, plans and their parts, reviews and planned gaps: no legacy id is
    # stored for them, so a row whose natural key is on file counts as already imported.

    def load_assessments(self) -> None:
        for row in self.rows[ASSESSMENTS]:
            self.attempt(row, lambda row=row: self._assessment(row))

    def _assessment(self, row: _Row) -> None:
        data = row.data
        customer = self.customer(str(data["customer_legacy_id"]))
        if Assessment.objects.filter(
            customer=customer,
            assessment_type=data["assessment_type"],
            assessed_on=data["assessed_on"],
        ).exists():
            row.state = "existing"
            return
        assessment_create(
            customer=customer,
            assessment_type=data["assessment_type"],  # type: ignore[arg-type]
            assessed_on=data["assessed_on"],  # type: ignore[arg-type]
            scores=str(data["scores"]),
            summary=str(data["summary"]),
            entered_by=data["entered_by"],  # type: ignore[arg-type]
        )

    def _plan(self, row: _Row) -> None:
        data = row.data
        customer = self.customer(str(data["customer_legacy_id"]))
        if Plan.objects.filter(customer=customer).exists():
            row.state = "existing"
            return
        plan = plan_create(
            customer=customer,
            created_by=data["created_by"],  # type: ignore[arg-type]
            developed_on=data["developed_on"],  # type: ignore[arg-type]
            fields=data["fields"],  # type: ignore[arg-type]
            barriers=data["barriers"],  # type: ignore[arg-type]
            note_body=str(data["note_body"]),
            entered_at=_moment(data["entered_at"], customer.office),  # type: ignore[arg-type]
        )
        self.new_plans.add(plan.pk)

    def plan(self, customer_legacy_id: str) -> Plan:
        customer = self.customer(customer_legacy_id)
        plan = Plan.objects.filter(customer=customer).first()
        if plan is not None:
            return plan
        for source in self.rows[PLANS]:
            if (
                source.data.get("customer_legacy_id") == customer_legacy_id
                and source.state == "bad"
            ):
                raise _RowError(
                    f"the plan of customer legacy id {customer_legacy_id} was not imported "
                    f"(see {source.where})",
                    dependent=True,
                )
        raise _RowError(
            f"customer_legacy_id: customer legacy id {customer_legacy_id} has no plan "
            f"(not in {PLANS} and not imported before)"
        )

    def load_goals(self) -> None:
        for row in self.rows[GOALS]:
            self.attempt(row, lambda row=row: self._goal(row))

    def _goal(self, row: _Row) -> None:
        data = row.data
        plan = self.plan(str(data["customer_legacy_id"]))
        fields: dict[str, str] = dict(data["fields"])  # type: ignore[call-overload]
        existing = Goal.objects.filter(plan=plan, statement=fields["statement"]).first()
        if existing is not None:
            row.state = "existing"
            self.goals[row.legacy_id] = existing
            return
        # A new goal cannot start complete: it is completed once its steps are in.
        complete = fields["status"] == GoalStatus.COMPLETE
        if complete:
            fields["status"] = GoalStatus.ON_TRACK
        goal = goal_create(plan=plan, user=data["created_by"], fields=fields)  # type: ignore[arg-type]
        self.goals[row.legacy_id] = goal
        if complete:
            self.completing.append((row, goal))

    def goal(self, legacy_id: str) -> Goal:
        if legacy_id in self.goals:
            return self.goals[legacy_id]
        source = self.goal_rows.get(legacy_id)
        if source is not None:
            raise _RowError(
                f"goal legacy id {legacy_id} was not imported (see {source.where})",
                dependent=True,
            )
        raise _RowError(
            f"goal_legacy_id: no goal has the legacy id {legacy_id!r} in {GOALS} "
            "(steps are imported with their goals)"
        )

    def load_steps(self) -> None:
        for row in self.rows[STEPS]:
            self.attempt(row, lambda row=row: self._step(row))
        for row, goal in self.completing:
            if row.state != "created":
                continue
            try:
                user: User = row.data["created_by"]  # type: ignore[assignment]
                with transaction.atomic():
                    goal_update(goal=goal, user=user, fields={"status": GoalStatus.COMPLETE})
            except ValidationError as exc:
                row.fail(*(_describe(n, m) for n, m in _messages(exc)))

    def _step(self, row: _Row) -> None:
        data = row.data
        goal = self.goal(str(data["goal_legacy_id"]))
        fields: dict[str, object] = data["fields"]  # type: ignore[assignment]
        if Step.objects.filter(
            goal=goal, activity=fields["activity"], start_on=fields["start_on"]
        ).exists():
            row.state = "existing"
            return
        step_save(
            goal=goal,
            user=data["entered_by"],  # type: ignore[arg-type]
            fields=fields,
            barriers=data["barriers"],  # type: ignore[arg-type]
        )

    def load_reviews(self) -> None:
        for row in self.rows[REVIEWS]:
            self.attempt(row, lambda row=row: self._review(row))

    def _review(self, row: _Row) -> None:
        data = row.data
        plan = self.plan(str(data["customer_legacy_id"]))
        if review_notes(plan).filter(contact_date=data["reviewed_on"]).exists():
            row.state = "existing"
            return
        plan_review(
            plan=plan,
            user=data["reviewed_by"],  # type: ignore[arg-type]
            reviewed_on=data["reviewed_on"],  # type: ignore[arg-type]
            note_body=str(data["body"]),
            contact_method=str(data["contact_method"]),
            two_way=bool(data["two_way"]),
        )

    # Signed versions, then the one waiting for a signature: the import's own version 1
    # (which follows the plan) moves past the signed ones, or goes if none waits.

    def load_versions(self) -> None:
        rows = [r for r in self.rows[VERSIONS] if r.state == "pending"]
        signed = sorted(
            (r for r in rows if r.data["signed_on"] is not None),
            key=lambda r: (str(r.data["customer_legacy_id"]), r.data["number"]),
        )
        for row in signed:
            self.attempt(row, lambda row=row: self._signed_version(row))
        waiting: dict[str, _Row] = {}
        for row in self.rows[VERSIONS]:
            if not row.values.get("signed_on") and row.state != "existing":
                earlier = waiting.setdefault(row.values.get("customer_legacy_id", ""), row)
                if earlier is not row and row.state == "pending":
                    row.fail(
                        "only one version waits for a signature "
                        f"(the first is on line {earlier.line})"
                    )
        for row in waiting.values():
            self.attempt(row, lambda row=row: self._waiting_version(row))
        # Where every version given is signed, nothing waits: the newest signed one is
        # the plan's own.
        settled: set[str] = set()
        for row in signed:
            legacy_id = str(row.data["customer_legacy_id"])
            if row.state == "created" and legacy_id not in waiting and legacy_id not in settled:
                settled.add(legacy_id)
                plan_version_settle(plan=self.plan(legacy_id), waiting_number=None)

    def _signed_version(self, row: _Row) -> None:
        data = row.data
        plan = self.plan(str(data["customer_legacy_id"]))
        if plan.versions.filter(number=data["number"], signed_on__isnull=False).exists():
            row.state = "existing"
            return
        created_by: User = data["created_by"]  # type: ignore[assignment]
        plan_version_restore_signed(
            plan=plan,
            number=data["number"],  # type: ignore[arg-type]
            content=data["content"],  # type: ignore[arg-type]
            signed_on=data["signed_on"],  # type: ignore[arg-type]
            created_by=created_by,
            recorded_by=data["recorded_by"] or created_by,  # type: ignore[arg-type]
            created_at=_moment(data["created_at"], plan.customer.office),  # type: ignore[arg-type]
            printed_at=_moment(data["printed_at"], plan.customer.office),  # type: ignore[arg-type]
        )

    def _waiting_version(self, row: _Row) -> None:
        data = row.data
        plan = self.plan(str(data["customer_legacy_id"]))
        if (
            plan.pk not in self.new_plans
            and plan.versions.filter(number=data["number"], signed_on__isnull=True).exists()
        ):
            row.state = "existing"
            return
        needs_agreement = data["needs_agreement"]
        plan_version_settle(
            plan=plan,
            waiting_number=data["number"],  # type: ignore[arg-type]
            needs_agreement=True if needs_agreement is None else bool(needs_agreement),
            printed_at=_moment(data["printed_at"], plan.customer.office),  # type: ignore[arg-type]
            created_at=_moment(data["created_at"], plan.customer.office),  # type: ignore[arg-type]
        )

    def load_gaps(self) -> None:
        for row in self.rows[GAPS]:
            self.attempt(row, lambda row=row: self._gap(row))

    def _gap(self, row: _Row) -> None:
        data = row.data
        customer = self.customer(str(data["customer_legacy_id"]))
        if PlannedGap.objects.filter(
            customer=customer, starts_on=data["starts_on"], ends_on=data["ends_on"]
        ).exists():
            row.state = "existing"
            return
        planned_gap_create(
            customer=customer,
            reason=str(data["reason"]),
            starts_on=data["starts_on"],  # type: ignore[arg-type]
            ends_on=data["ends_on"],  # type: ignore[arg-type]
            created_by=data["created_by"],  # type: ignore[arg-type]
        )

    # Workshop sessions, their bookings with the attendance, and appointments: history
    # as it stands (`workshops.history_import`). Sessions keep their legacy id; bookings
    # and appointments are known again by a natural key.

    def load_sessions(self) -> None:
        for row in self.rows[SESSIONS]:
            self.attempt(row, lambda row=row: self._session(row))

    def _session(self, row: _Row) -> None:
        data = row.data
        self.sessions[row.legacy_id] = session_restore(
            legacy_id=row.legacy_id,
            workshop=data["workshop"],  # type: ignore[arg-type]
            office=data["office"],  # type: ignore[arg-type]
            on=data["on"],  # type: ignore[arg-type]
            starts_at=data["starts_at"],  # type: ignore[arg-type]
            ends_at=data["ends_at"],  # type: ignore[arg-type]
            facilitator=data["facilitator"],  # type: ignore[arg-type]
            capacity=data["capacity"],  # type: ignore[arg-type]
            status=str(data["status"]),
            created_by=data["created_by"],  # type: ignore[arg-type]
            room=str(data["room"]),
            meeting_link=str(data["meeting_link"]),
            cancel_reason=str(data["cancel_reason"]),
        )

    def session(self, legacy_id: str) -> Session:
        if legacy_id in self.sessions:
            return self.sessions[legacy_id]
        source = self.session_rows.get(legacy_id)
        if source is not None and source.state == "bad":
            raise _RowError(
                f"session legacy id {legacy_id} was not imported (see {source.where})",
                dependent=True,
            )
        session = Session.objects.filter(legacy_id=legacy_id).first()
        if session is None:
            raise _RowError(
                f"session_legacy_id: no session has the legacy id {legacy_id!r} "
                f"(not in {SESSIONS} and not imported before)"
            )
        self.sessions[legacy_id] = session
        return session

    def load_bookings(self) -> None:
        for row in self.rows[BOOKINGS]:
            self.attempt(row, lambda row=row: self._booking(row))

    def _booking(self, row: _Row) -> None:
        data = row.data
        session = self.session(str(data["session_legacy_id"]))
        customer = self.customer(str(data["customer_legacy_id"]))
        if Booking.objects.filter(session=session, customer=customer).exists():
            row.state = "existing"
            return
        service_legacy_id = str(data["service_legacy_id"])
        service = self.service(service_legacy_id) if service_legacy_id else None
        with _columns({"service": "service_legacy_id"}):
            booking_restore(
                session=session,
                customer=customer,
                status=str(data["status"]),
                booked_by=data["booked_by"],  # type: ignore[arg-type]
                walk_in=bool(data["walk_in"]),
                attendance=str(data["attendance"]),
                service=service,
                reason=str(data["reason"]),
            )

    def load_appointments(self) -> None:
        for row in self.rows[APPOINTMENTS]:
            self.attempt(row, lambda row=row: self._appointment(row))

    def _appointment(self, row: _Row) -> None:
        data = row.data
        customer = self.customer(str(data["customer_legacy_id"]))
        if Appointment.objects.filter(
            customer=customer,
            with_user=data["with_user"],
            on=data["on"],
            starts_at=data["starts_at"],
            status=data["status"],
        ).exists():
            row.state = "existing"
            return
        with _columns({"with_user": "with"}):
            appointment_restore(
                customer=customer,
                with_user=data["with_user"],  # type: ignore[arg-type]
                on=data["on"],  # type: ignore[arg-type]
                starts_at=data["starts_at"],  # type: ignore[arg-type]
                ends_at=data["ends_at"],  # type: ignore[arg-type]
                purpose=str(data["purpose"]),
                status=str(data["status"]),
                booked_by=data["booked_by"],  # type: ignore[arg-type]
                place=str(data["place"]),
                meeting_link=str(data["meeting_link"]),
                what_to_bring=str(data["what_to_bring"]),
                reason=str(data["reason"]),
            )

    # Supportive services: budget reviews through the form's service, referrals and
    # purchase orders as they stand (`supportive.history_import`). Budget reviews and
    # referrals are known again by a natural key, purchase orders by their legacy id.

    def load_budget_reviews(self) -> None:
        for row in self.rows[BUDGETS]:
            self.attempt(row, lambda row=row: self._budget_review(row))

    def _budget_review(self, row: _Row) -> None:
        data = row.data
        customer = self.customer(str(data["customer_legacy_id"]))
        if BudgetReview.objects.filter(customer=customer, reviewed_on=data["reviewed_on"]).exists():
            row.state = "existing"
            return
        budget_review_create(
            customer=customer,
            reviewed_on=data["reviewed_on"],  # type: ignore[arg-type]
            amounts=data["amounts"],  # type: ignore[arg-type]
            notes=str(data["notes"]),
            created_by=data["created_by"],  # type: ignore[arg-type]
        )

    def load_referrals(self) -> None:
        for row in self.rows[REFERRALS]:
            self.attempt(row, lambda row=row: self._referral(row))

    def _referral(self, row: _Row) -> None:
        data = row.data
        key = str(data["note_legacy_id"])
        existing = Referral.objects.filter(note__legacy_id=key).first()
        if existing is not None:
            row.state = "existing"
            self.referrals[key] = existing
            return
        customer = self.customer(str(data["customer_legacy_id"]))
        with _columns({"note": "note_legacy_id"}):
            self.referrals[key] = referral_restore(
                customer=customer,
                supportive_type=str(data["supportive_type"]),
                barrier=data["barrier"],  # type: ignore[arg-type]
                organisation=str(data["organisation"]),
                referred_on=data["referred_on"],  # type: ignore[arg-type]
                outcome=str(data["outcome"]),
                note=self.note(key),
                created_by=data["created_by"],  # type: ignore[arg-type]
            )

    def load_purchase_orders(self) -> None:
        """In file order; then each office's series is raised past the numbers imported."""
        for row in self.rows[PURCHASE_ORDERS]:
            self.attempt(row, lambda row=row: self._purchase_order(row))
        po_sequences_raise(self.orders)

    def _purchase_order(self, row: _Row) -> None:
        data = row.data
        customer = self.customer(str(data["customer_legacy_id"]))
        supports = self.service(
            str(data["supports_service_legacy_id"]), column="supports_service_legacy_id"
        )
        service_legacy_id = str(data["service_legacy_id"])
        service = self.service(service_legacy_id) if service_legacy_id else None
        referral_key = str(data["referral"])
        referral = self.referral(referral_key) if referral_key else None
        office: Office = data["office"] or customer.office  # type: ignore[assignment]
        with _columns({"supports": "supports_service_legacy_id", "service": "service_legacy_id"}):
            po = po_restore(
                legacy_id=row.legacy_id,
                customer=customer,
                office=office,
                program_year=data["program_year"],  # type: ignore[arg-type]
                status=str(data["status"]),
                number=str(data["number"]),
                vendor=data["vendor"],  # type: ignore[arg-type]
                supportive_type=str(data["supportive_type"]),
                item=str(data["item"]),
                quantity=data["quantity"],  # type: ignore[arg-type]
                unit_price=data["unit_price"],  # type: ignore[arg-type]
                amount=data["amount"],  # type: ignore[arg-type]
                card_number=str(data["card_number"]),
                barrier=data["barrier"],  # type: ignore[arg-type]
                supports=supports,
                funding_program=str(data["funding_program"]),
                referral=referral,
                no_referral_reason=str(data["no_referral_reason"]),
                justification=str(data["justification"]),
                service=service,
                created_by=data["created_by"],  # type: ignore[arg-type]
                approved_by=data["approved_by"],  # type: ignore[arg-type]
                approved_at=_moment(data["approved_at"], office),  # type: ignore[arg-type]
                issued_by=data["issued_by"],  # type: ignore[arg-type]
                issued_on=data["issued_on"],  # type: ignore[arg-type]
                paid_on=data["paid_on"],  # type: ignore[arg-type]
                invoice_number=str(data["invoice_number"]),
                amount_paid=data["amount_paid"],  # type: ignore[arg-type]
                void_reason=str(data["void_reason"]),
                voided_by=data["voided_by"],  # type: ignore[arg-type]
                voided_at=_moment(data["voided_at"], office),  # type: ignore[arg-type]
            )
        self.orders.append(po)

    # Employment: employer contacts, jobs, placements with their follow-ups, credentials,
    # skill gains, periods and their quarterly follow-ups, as they stand
    # (`employment.history_import`). Jobs and placements keep their legacy id; the others
    # are known again by a natural key.

    @staticmethod
    def _entry(data: dict[str, object], customer: Customer) -> dict[str, object]:
        return {
            "entered_by": data["entered_by"],
            "entered_at": _moment(data["entered_at"], customer.office),  # type: ignore[arg-type]
            "entered_late": data["entered_late"],
        }

    def load_employer_contacts(self) -> None:
        for row in self.rows[EMPLOYER_CONTACTS]:
            self.attempt(row, lambda row=row: self._employer_contact(row))

    def _employer_contact(self, row: _Row) -> None:
        data = row.data
        customer = self.customer(str(data["customer_legacy_id"]))
        if EmployerContact.objects.filter(
            customer=customer,
            employer__iexact=data["employer"],
            contacted_on=data["contacted_on"],
            method=data["method"],
        ).exists():
            row.state = "existing"
            return
        service_legacy_id = str(data["service_legacy_id"])
        service = self.service(service_legacy_id) if service_legacy_id else None
        with _columns({"service": "service_legacy_id"}):
            employer_contact_restore(
                customer=customer,
                employer=str(data["employer"]),
                contact_person=str(data["contact_person"]),
                method=str(data["method"]),
                contacted_on=data["contacted_on"],  # type: ignore[arg-type]
                outcome=str(data["outcome"]),
                service=service,
                notes=str(data["notes"]),
                **self._entry(data, customer),  # type: ignore[arg-type]
            )

    def load_jobs(self) -> None:
        for row in self.rows[JOBS]:
            self.attempt(row, lambda row=row: self._job(row))

    def _job(self, row: _Row) -> None:
        data = row.data
        customer = self.customer(str(data["customer_legacy_id"]))
        self.jobs[row.legacy_id] = job_restore(
            legacy_id=row.legacy_id,
            customer=customer,
            employer=str(data["employer"]),
            job_title=str(data["job_title"]),
            onet_code=str(data["onet_code"]),
            started_on=data["started_on"],  # type: ignore[arg-type]
            ended_on=data["ended_on"],  # type: ignore[arg-type]
            hourly_wage=data["hourly_wage"],  # type: ignore[arg-type]
            hours_per_week=data["hours_per_week"],  # type: ignore[arg-type]
            training_related=bool(data["training_related"]),
            verification=str(data["verification"]),
            **self._entry(data, customer),  # type: ignore[arg-type]
        )

    def load_placements(self) -> None:
        for row in self.rows[PLACEMENTS]:
            self.attempt(row, lambda row=row: self._placement(row))

    def _placement(self, row: _Row) -> None:
        data = row.data
        customer = self.customer(str(data["customer_legacy_id"]))
        given: dict[int, tuple[datetime.date | None, str]] = data["follow_ups"]  # type: ignore[assignment]
        follow_ups = {}
        for day, (done_on, note_key) in given.items():
            column = placement_follow_up_column(day, "note_legacy_id")
            note = self.note(note_key, column=column) if note_key else None
            if done_on is not None or note is not None:
                follow_ups[day] = (done_on, note)
        columns = {
            f"follow_up_{day}_note": placement_follow_up_column(day, "note_legacy_id")
            for day in PLACEMENT_FOLLOW_UP_DAYS
        }
        with _columns(columns):
            placement_restore(
                legacy_id=row.legacy_id,
                customer=customer,
                kind=str(data["kind"]),
                worksite=str(data["worksite"]),
                supervisor=str(data["supervisor"]),
                hourly_wage=data["hourly_wage"],  # type: ignore[arg-type]
                subsidized_wage=data["subsidized_wage"],  # type: ignore[arg-type]
                hours_per_week=data["hours_per_week"],  # type: ignore[arg-type]
                status=str(data["status"]),
                starts_on=data["starts_on"],  # type: ignore[arg-type]
                ends_on=data["ends_on"],  # type: ignore[arg-type]
                status_changed_on=data["status_changed_on"],  # type: ignore[arg-type]
                follow_ups=follow_ups,
                **self._entry(data, customer),  # type: ignore[arg-type]
            )

    def load_credentials(self) -> None:
        for row in self.rows[CREDENTIALS]:
            self.attempt(row, lambda row=row: self._credential(row))

    def _credential(self, row: _Row) -> None:
        data = row.data
        customer = self.customer(str(data["customer_legacy_id"]))
        if Credential.objects.filter(
            customer=customer,
            credential_type=data["credential_type"],
            name__iexact=data["name"],
            attained_on=data["attained_on"],
        ).exists():
            row.state = "existing"
            return
        training_key = str(data["training_service_legacy_id"])
        training = (
            self.service(training_key, column="training_service_legacy_id")
            if training_key
            else None
        )
        with _columns({"training": "training_service_legacy_id"}):
            credential_restore(
                customer=customer,
                credential_type=data["credential_type"],  # type: ignore[arg-type]
                name=str(data["name"]),
                attained_on=data["attained_on"],  # type: ignore[arg-type]
                training=training,
                **self._entry(data, customer),  # type: ignore[arg-type]
            )

    def load_skill_gains(self) -> None:
        for row in self.rows[SKILL_GAINS]:
            self.attempt(row, lambda row=row: self._skill_gain(row))

    def _skill_gain(self, row: _Row) -> None:
        data = row.data
        customer = self.customer(str(data["customer_legacy_id"]))
        if SkillGain.objects.filter(
            customer=customer, kind=data["kind"], achieved_on=data["achieved_on"]
        ).exists():
            row.state = "existing"
            return
        skill_gain_restore(
            customer=customer,
            kind=str(data["kind"]),
            achieved_on=data["achieved_on"],  # type: ignore[arg-type]
            description=str(data["description"]),
            **self._entry(data, customer),  # type: ignore[arg-type]
        )

    def load_periods(self) -> None:
        for row in self.rows[PERIODS]:
            self.attempt(row, lambda row=row: self._period(row))

    def _period(self, row: _Row) -> None:
        data = row.data
        legacy_id = str(data["customer_legacy_id"])
        customer = self.customer(legacy_id)
        key = (legacy_id, data["entered_on"])
        existing = Period.objects.filter(customer=customer, entered_on=data["entered_on"]).first()
        if existing is not None:
            row.state = "existing"
            self.periods[key] = existing  # type: ignore[index]
            return
        job_key, note_key = str(data["exit_job_legacy_id"]), str(data["exit_note_legacy_id"])
        with _columns({"exit_job": "exit_job_legacy_id", "exit_note": "exit_note_legacy_id"}):
            period = period_restore(
                customer=customer,
                entered_on=data["entered_on"],  # type: ignore[arg-type]
                exited_on=data["exited_on"],  # type: ignore[arg-type]
                exit_kind=str(data["exit_kind"]),
                other_reason=str(data["other_reason"]),
                employed_at_exit=data["employed_at_exit"],  # type: ignore[arg-type]
                exit_job=self.job(job_key) if job_key else None,
                exit_note=self.note(note_key, column="exit_note_legacy_id") if note_key else None,
                exit_recorded_by=data["exit_recorded_by"],  # type: ignore[arg-type]
                exit_recorded_at=_moment(data["exit_recorded_at"], customer.office),  # type: ignore[arg-type]
                closed_on=data["closed_on"],  # type: ignore[arg-type]
                close_reason=str(data["close_reason"]),
            )
        self.periods[key] = period  # type: ignore[index]
        self.new_periods.append(period)

    def load_follow_ups(self) -> None:
        """In file order; then each exited period this import touched gets the quarterly
        follow-ups the file leaves out (`follow_ups_schedule`). A row whose quarter is
        on file already counts as already imported, unless that follow-up is not done
        and the row says it was: then the row records it (a quarter scheduled by an
        earlier import or by the product, or left by a row refused before)."""
        touched: dict[int, Period] = {p.pk: p for p in self.new_periods}
        for row in self.rows[FOLLOW_UPS]:
            self.attempt(row, lambda row=row: self._follow_up(row, touched))
        for period in touched.values():
            follow_ups_schedule(period)

    def _follow_up(self, row: _Row, touched: dict[int, Period]) -> None:
        data = row.data
        period = self.period(str(data["customer_legacy_id"]), data["period_entered_on"])  # type: ignore[arg-type]
        scheduled = FollowUp.objects.filter(period=period, quarter=data["quarter"]).first()
        if scheduled is not None and (scheduled.done_on is not None or data["done_on"] is None):
            row.state = "existing"
            return
        note_key = str(data["note_legacy_id"])
        with _columns({"note": "note_legacy_id", "period": "period_entered_on"}):
            follow_up_restore(
                period=period,
                quarter=data["quarter"],  # type: ignore[arg-type]
                due_on=data["due_on"],  # type: ignore[arg-type]
                done_on=data["done_on"],  # type: ignore[arg-type]
                employed=data["employed"],  # type: ignore[arg-type]
                employer=str(data["employer"]),
                hourly_wage=data["hourly_wage"],  # type: ignore[arg-type]
                in_education=data["in_education"],  # type: ignore[arg-type]
                supportive_need=str(data["supportive_need"]),
                note=self.note(note_key) if note_key else None,
                recorded_by=data["recorded_by"],  # type: ignore[arg-type]
                scheduled=scheduled,
            )
        touched[period.pk] = period


def review_subject(short_name: str) -> str:
    """The subject of the note `plan_review` writes: how a review is known again, here
    and in the export (with no service and the IEP note type)."""
    return f"Service Strategy/{short_name} Review"


def review_notes(plan: Plan) -> models.QuerySet[CaseNote]:
    return CaseNote.objects.filter(
        customer_id=plan.customer_id,
        service__isnull=True,
        note_type=NoteType.IEP,
        subject=review_subject(plan.short_name),
    )


PARSERS: dict[str, Callable[[_Row, _Lookup], None]] = {
    CUSTOMERS: _parse_customer,
    SERVICES: _parse_service,
    NOTES: _parse_note,
    ASSESSMENTS: _parse_assessment,
    PLANS: _parse_plan,
    GOALS: _parse_goal,
    STEPS: _parse_step,
    REVIEWS: _parse_review,
    VERSIONS: _parse_version,
    GAPS: _parse_gap,
    SESSIONS: _parse_session,
    BOOKINGS: _parse_booking,
    APPOINTMENTS: _parse_appointment,
    BUDGETS: _parse_budget_review,
    REFERRALS: _parse_referral,
    PURCHASE_ORDERS: _parse_purchase_order,
    EMPLOYER_CONTACTS: _parse_employer_contact,
    JOBS: _parse_job,
    PLACEMENTS: _parse_placement,
    CREDENTIALS: _parse_credential,
    SKILL_GAINS: _parse_skill_gain,
    PERIODS: _parse_period,
    FOLLOW_UPS: _parse_follow_up,
}
# What the natural key of a file without legacy ids names, for the report.
KEYED = {
    ASSESSMENTS: "customer, assessment type and date",
    PLANS: "customer (a customer has one plan)",
    GOALS: "customer and goal statement",
    STEPS: "goal, activity and start date",
    REVIEWS: "customer and review date",
    VERSIONS: "customer and version number",
    GAPS: "customer, start and end date",
    BOOKINGS: "session and customer (a customer has one booking per session)",
    APPOINTMENTS: "customer, staff member, date, start time and status",
    BUDGETS: "customer and review date (one budget review a day)",
    REFERRALS: "note_legacy_id (a referral is known by its case note)",
    EMPLOYER_CONTACTS: "customer, employer, contact date and method",
    CREDENTIALS: "customer, credential type, name and date attained",
    SKILL_GAINS: "customer, kind and date achieved",
    PERIODS: "customer and program entry (a period of participation)",
    FOLLOW_UPS: "customer, period and quarter",
}


def import_records(
    directory: Path, *, skip_invalid: bool, as_of: datetime.date | None = None
) -> ImportReport:
    """Import the CSV files in `directory`; see docs/import-format.md.

    Without `skip_invalid`, any bad row means nothing is loaded (`report.loaded` is
    False). With it, the good rows are loaded and the bad ones reported as skipped.
    The compliance rules are then evaluated for the imported customers as of `as_of`
    (default: today in each office's time zone).
    """
    report = ImportReport(skip_invalid=skip_invalid)
    rows: dict[str, list[_Row]] = {}
    for name in FILES:
        path = directory / name
        if path.is_file():
            report.counts[name].present = True
            rows[name] = _read(path, name, report) or []
        else:
            rows[name] = []
    if not any(c.present for c in report.counts.values()):
        report.file_problems.append(
            RowProblem(directory.name or str(directory), 0, "", f"none of {', '.join(FILES)} found")
        )
    if report.file_problems:
        return report

    with (
        transaction.atomic(),
        pghistory.context(reason=IMPORT_REASON),
        evaluations_deferred() as changed,
    ):
        run = _Import(rows)
        run.load_customers()
        run.load_assessments()
        run.load_services()
        run.load_notes()
        run.load_goals()
        run.load_steps()
        run.load_reviews()
        run.load_versions()
        run.load_gaps()
        run.load_sessions()
        run.load_bookings()
        run.load_appointments()
        run.load_budget_reviews()
        run.load_referrals()
        run.load_purchase_orders()
        run.load_employer_contacts()
        run.load_jobs()
        run.load_placements()
        run.load_credentials()
        run.load_skill_gains()
        run.load_periods()
        run.load_follow_ups()
        run.load_statuses()
        for name in FILES:
            for row in rows[name]:
                counts = report.counts[name]
                if row.state == "bad":
                    counts.skipped += 1
                    report.problems += [
                        RowProblem(name, row.line, row.legacy_id, message, dependent)
                        for message, dependent in row.problems
                    ]
                elif row.state == "existing":
                    counts.already_imported += 1
                else:
                    counts.created += 1
        report.loaded = skip_invalid or not report.problems
        if not report.loaded:
            transaction.set_rollback(True)
    if report.loaded and changed:
        # One evaluation of the imported customers, not a task per row.
        evaluate(as_of=as_of, customer_ids=sorted(changed))
    return report
