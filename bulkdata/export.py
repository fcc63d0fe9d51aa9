"""Write customers and their case files in the import format (docs/import-format.md).

What a board needs to leave the product, and what `import_records` reads back: the
same files, the same columns. Records the product created without a legacy id get one
made from the customer's (the customer number when the customer has none), so that a
second export of the re-imported records gives the same files.

Two kinds of record are not written where they were stored, because the importer makes
them itself: the 205 (469) and note that developing a plan records go into `plans.csv`
(`note_body`), and the notes of plan reviews into `plan_reviews.csv`.

Workshop sessions are an office's calendar: those of the exported customers' offices
are written, and any other session they are booked into. Sessions entered in the
product get a legacy id made from the office code and their number,
`<office code>-W<n>`. Bookings and appointments are the exported customers' own; an
attended booking names the service its attendance recorded, which is in `services.csv`.

Supportive services: the customers' budget reviews, referrals and purchase orders. A
referral is known by its case note (in `case_notes.csv`), and a purchase order names its
referral by that note. A purchase order entered in the product gets a legacy id made
from the customer's, `<customer>-P<n>`; it keeps its number, and names the enrolling
service it supports and the supportive service issuing recorded (both in
`services.csv`). Vendors are reference data: the receiving installation keeps its own.

Employment: the customers' employer contacts, jobs, placements (each with its five
follow-ups: the day done and the case note), credentials, skill gains, periods of
participation and quarterly follow-ups, as stored. Jobs and placements entered in the
product get a legacy id made from the customer's, `<customer>-J<n>` and
`<customer>-PL<n>`; a period names its job at exit by it. Periods are known by their
customer and program entry, follow-ups by their period and quarter; the notes of exits
and follow-ups are in `case_notes.csv`, named by their legacy ids. Who entered an
outcome, when, and whether late are written: the 10-day entry rule reads them.
"""

import csv
import datetime
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import groupby
from pathlib import Path

from django.db.models import Prefetch, Q, QuerySet

from bulkdata.legacy_import import (
    APPOINTMENTS,
    ASSESSMENTS,
    BOOKINGS,
    BUDGETS,
    COLUMNS,
    CREDENTIALS,
    CUSTOMERS,
    EMPLOYER_CONTACTS,
    FILES,
    FOLLOW_UPS,
    GAPS,
    GOALS,
    JOBS,
    NOTES,
    PERIODS,
    PLACEMENTS,
    PLANS,
    PURCHASE_ORDERS,
    REFERRALS,
    REVIEWS,
    SERVICES,
    SESSIONS,
    SKILL_GAINS,
    STEPS,
    VERSIONS,
    placement_follow_up_column,
    review_subject,
)
from casenotes.models import CaseNote, NoteType
from compliance.models import PlannedGap
from customers.models import Customer
from customers.pii import ssn_decrypt
from employment.models import (
    Credential,
    EmployerContact,
    Employment,
    FollowUp,
    Period,
    Placement,
    PlacementFollowUp,
    SkillGain,
)
from plans.models import Assessment, Goal, Plan, PlanVersion, Step
from plans.services import PLAN_FIELDS
from services.models import ServiceRecord
from supportive.models import BudgetReview, PurchaseOrder, Referral
from workshops.models import Appointment, Booking, Session

PLAN_SERVICE_CODES = ("205", "469")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _names(items: Iterable[object]) -> str:
    return ";".join(sorted(str(item) for item in items))


def _user(user: object) -> str:
    return getattr(user, "username", "") if user is not None else ""


def customer_key(customer: Customer) -> str:
    return customer.legacy_id or customer.customer_number


def export_records(directory: Path, customers: QuerySet[Customer]) -> dict[str, int]:
    """Write the files of FILES for `customers` into `directory`; the rows written per file."""
    directory.mkdir(parents=True, exist_ok=True)
    customers = (
        customers.select_related("office", "career_planner", "created_by")
        .prefetch_related("barriers", "partner_programs")
        .order_by("customer_number")
    )
    keys = {c.pk: customer_key(c) for c in customers}
    plans = {
        p.customer_id: p
        for p in Plan.objects.filter(customer_id__in=keys)
        .select_related("created_by")
        .prefetch_related("barriers")
    }
    plan_services = _plan_services(plans.values())
    plan_notes = {
        n.service_id: n for n in CaseNote.objects.filter(service_id__in=plan_services.values())
    }
    reviews = _review_notes(plans.values())
    review_note_ids = {n.pk for n in reviews}

    rows: dict[str, Iterator[dict[str, object]]] = {
        CUSTOMERS: (_customer_row(c) for c in customers),
        ASSESSMENTS: (
            {
                "customer_legacy_id": keys[a.customer_id],
                "assessment_type": a.assessment_type.name,
                "assessed_on": a.assessed_on,
                "scores": a.scores,
                "summary": a.summary,
                "entered_by": _user(a.entered_by),
            }
            for a in Assessment.objects.filter(customer_id__in=keys)
            .select_related("assessment_type", "entered_by")
            .order_by("customer__customer_number", "assessed_on", "pk")
        ),
        SERVICES: (
            _service_row(s, keys)
            for s in ServiceRecord.objects.filter(customer_id__in=keys)
            .exclude(pk__in=plan_services.values())
            .select_related("activity", "entered_by")
            .order_by("customer__customer_number", "started_on", "pk")
        ),
        NOTES: (
            _note_row(n, keys)
            for n in _in_import_order(
                CaseNote.objects.filter(customer_id__in=keys)
                .exclude(service_id__in=plan_services.values())
                .exclude(pk__in=review_note_ids)
                .select_related("author", "service__activity")
                .order_by("customer__customer_number", "contact_date", "pk")
            )
        ),
        PLANS: (
            {
                "customer_legacy_id": keys[p.customer_id],
                "developed_on": p.developed_on,
                **{name: getattr(p, name) for name in PLAN_FIELDS},
                "barriers": _names(p.barriers.all()),
                "note_body": getattr(plan_notes.get(plan_services.get(p.pk, 0)), "body", ""),
                "created_by": _user(p.created_by),
                "entered_at": getattr(
                    plan_notes.get(plan_services.get(p.pk, 0)), "entered_at", None
                ),
            }
            for p in sorted(plans.values(), key=lambda p: keys[p.customer_id])
        ),
        REVIEWS: (
            {
                "customer_legacy_id": keys[n.customer_id],
                "reviewed_on": n.contact_date,
                "body": n.body,
                "contact_method": n.contact_method,
                "two_way": n.two_way,
                "reviewed_by": _user(n.author),
            }
            for n in reviews
        ),
        VERSIONS: (
            _version_row(v, keys)
            for v in PlanVersion.objects.filter(plan__in=plans.values())
            .select_related("plan", "created_by", "signed_uploaded_by")
            .order_by("customer__customer_number", "number")
        ),
        GAPS: (
            {
                "customer_legacy_id": keys[g.customer_id],
                "reason": g.reason,
                "starts_on": g.starts_on,
                "ends_on": g.ends_on,
                "created_by": _user(g.created_by),
            }
            for g in PlannedGap.objects.filter(customer_id__in=keys)
            .select_related("created_by")
            .order_by("customer__customer_number", "starts_on", "pk")
        ),
    }
    goals, steps = _goal_and_step_rows(plans, keys)
    rows[GOALS] = iter(goals)
    rows[STEPS] = iter(steps)
    rows.update(_workshop_rows(customers, keys))
    rows.update(_supportive_rows(keys))
    rows.update(_employment_rows(keys))

    written = {}
    for name in FILES:
        with (directory / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(COLUMNS[name]))
            writer.writeheader()
            count = 0
            for row in rows[name]:
                writer.writerow({k: _cell(v) for k, v in row.items()})
                count += 1
        written[name] = count
    return written


def _version_row(version: PlanVersion, keys: dict[int, str]) -> dict[str, object]:
    """A signed version as it was printed (its scanned copy stays behind); the version
    waiting for a signature only by number, since it follows the plan."""
    signed = version.is_signed
    return {
        "customer_legacy_id": keys[version.customer_id],
        "number": version.number,
        "signed_on": version.signed_on,
        "content": (
            json.dumps(version.content, sort_keys=True, ensure_ascii=False) if signed else ""
        ),
        "needs_agreement": "" if signed else version.plan.needs_agreement,
        "printed_at": version.printed_at,
        "created_by": _user(version.created_by),
        "created_at": version.created_at,
        "signature_recorded_by": _user(version.signed_uploaded_by) if signed else "",
    }


def _plan_services(plans: Iterable[Plan]) -> dict[int, int]:
    """Plan pk -> the service its development recorded: the first 205 (469) on that day."""
    by_day = {(p.customer_id, p.developed_on): p.pk for p in plans}
    found: dict[int, int] = {}
    for pk, customer_id, started_on in (
        ServiceRecord.objects.filter(
            customer_id__in={c for c, _ in by_day}, activity__code__in=PLAN_SERVICE_CODES
        )
        .order_by("pk")
        .values_list("pk", "customer_id", "started_on")
    ):
        plan = by_day.get((customer_id, started_on))
        if plan is not None:
            found.setdefault(plan, pk)
    return found


def _review_notes(plans: Iterable[Plan]) -> list[CaseNote]:
    """The notes `plan_review` wrote (see `review_notes`), for all the plans at once."""
    short_names = {p.customer_id: p.short_name for p in plans}
    candidates = (
        CaseNote.objects.filter(
            customer_id__in=short_names,
            service__isnull=True,
            note_type=NoteType.IEP,
            subject__in={review_subject(name) for name in short_names.values()},
        )
        .select_related("author")
        .order_by("customer__customer_number", "contact_date", "pk")
    )
    return [n for n in candidates if n.subject == review_subject(short_names[n.customer_id])]


def _customer_row(customer: Customer) -> dict[str, object]:
    return {
        "legacy_id": customer_key(customer),
        **{
            name: getattr(customer, name)
            for name in (
                "first_name",
                "middle_name",
                "last_name",
                "date_of_birth",
                "phone",
                "email",
                "street",
                "city",
                "state",
                "postal_code",
                "preferred_contact_method",
                "alternate_contact_name",
                "alternate_contact_phone",
                "alternate_contact_relationship",
                "veteran_status",
                "application_date",
                "eligibility_date",
                "eligibility_late_reason",
                "certification_date",
            )
        },
        "ssn": ssn_decrypt(customer.ssn_encrypted) if customer.ssn_encrypted else "",
        "ssn_last4": customer.ssn_last4,
        "programs": ";".join(customer.programs),
        "office": customer.office.code,
        "career_planner": _user(customer.career_planner),
        "created_by": _user(customer.created_by),
        "barriers": _names(customer.barriers.all()),
        "partner_programs": _names(customer.partner_programs.all()),
        # Already one person each in the product: the duplicate check must not refuse them.
        "not_duplicate": True,
        "status": customer.status,
        "exit_date": customer.exit_date,
        "exit_reason": customer.exit_reason,
    }


def _service_key(record: ServiceRecord, keys: dict[int, str]) -> str:
    return record.legacy_id or f"{keys[record.customer_id]}-S{record.pk}"


def _service_row(record: ServiceRecord, keys: dict[int, str]) -> dict[str, object]:
    return {
        "legacy_id": _service_key(record, keys),
        "customer_legacy_id": keys[record.customer_id],
        "activity": record.activity.code,
        "started_on": record.started_on,
        "start_is_projected": record.start_is_projected,
        "planned_end_on": record.planned_end_on,
        "ended_on": record.ended_on,
        "completion_status": record.completion_status,
        "provider": record.provider,
        "provider_name": record.provider_name,
        "weekly_hours": record.weekly_hours,
        "dollar_value": record.dollar_value,
        "notes": record.notes,
        "entered_by": _user(record.entered_by),
        "entered_at": record.entered_at,
    }


def _in_import_order(notes: Iterable[CaseNote]) -> Iterator[CaseNote]:
    """A customer's notes of one day in the order the import writes them again: first
    those saved with their same-day service (the first note of the service on its start
    date), then the others, each in the order they were entered. So a referral's note
    and the note of a purchase order issued the same day keep their order after a round
    trip."""
    saved_with: set[int] = set()

    def later(note: CaseNote) -> bool:
        service = note.service
        if (
            service is None
            or not service.activity.same_day
            or note.contact_date != service.started_on
            or service.pk in saved_with
        ):
            return True
        saved_with.add(service.pk)
        return False

    for _day, group in groupby(notes, key=lambda n: (n.customer_id, n.contact_date)):
        yield from sorted(group, key=later)


def _note_key(note: CaseNote, keys: dict[int, str]) -> str:
    return note.legacy_id or f"{keys[note.customer_id]}-N{note.pk}"


def _note_row(note: CaseNote, keys: dict[int, str]) -> dict[str, object]:
    return {
        "legacy_id": _note_key(note, keys),
        "customer_legacy_id": keys[note.customer_id],
        "service_legacy_id": _service_key(note.service, keys) if note.service else "",
        "contact_date": note.contact_date,
        "subject": note.subject,
        "body": note.body,
        "contact_method": note.contact_method,
        "two_way": note.two_way,
        "note_type": note.note_type,
        "author": _user(note.author),
        "entered_at": note.entered_at,
    }


def _goal_and_step_rows(
    plans: dict[int, Plan], keys: dict[int, str]
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Goals are numbered within their plan, in the order they were written, so the
    legacy ids stay the same after a round trip. Goals and steps keep no author of their
    own: the plan's author is written."""
    goals: list[dict[str, object]] = []
    steps: list[dict[str, object]] = []
    by_plan = Goal.objects.filter(plan_id__in=[p.pk for p in plans.values()]).prefetch_related(
        Prefetch(
            "steps",
            queryset=Step.objects.select_related("activity")
            .prefetch_related("barriers")
            .order_by("pk"),
        )
    )
    for plan in sorted(plans.values(), key=lambda p: keys[p.customer_id]):
        author = _user(plan.created_by)
        for number, goal in enumerate(
            sorted((g for g in by_plan if g.plan_id == plan.pk), key=lambda g: g.pk), start=1
        ):
            key = f"{keys[plan.customer_id]}-G{number}"
            goals.append(
                {
                    "legacy_id": key,
                    "customer_legacy_id": keys[plan.customer_id],
                    "statement": goal.statement,
                    "category": goal.category,
                    "term": goal.term,
                    "status": goal.status,
                    "indicator": goal.indicator,
                    "justification": goal.justification,
                    "created_by": author,
                }
            )
            steps += [
                {
                    "goal_legacy_id": key,
                    "activity": step.activity.code,
                    "description": step.description,
                    "status": step.status,
                    "start_on": step.start_on,
                    "due_on": step.due_on,
                    "hours": step.hours,
                    "provider": step.provider,
                    "dollar_value": step.dollar_value,
                    "barriers": _names(step.barriers.all()),
                    "entered_by": author,
                }
                for step in goal.steps.all()
            ]
    return goals, steps


def session_key(session: Session) -> str:
    return session.legacy_id or f"{session.office.code}-W{session.pk}"


def _workshop_rows(
    customers: QuerySet[Customer], keys: dict[int, str]
) -> dict[str, Iterator[dict[str, object]]]:
    """Sessions at the customers' offices or with one of them booked, in date order; the
    customers' bookings, session by session in the order they were made (the waiting list
    keeps its order); their appointments."""
    sessions = list(
        Session.objects.filter(
            Q(office__in=customers.values("office")) | Q(bookings__customer_id__in=keys)
        )
        .distinct()
        .select_related("workshop", "office", "facilitator", "created_by")
        .order_by("office__code", "on", "starts_at", "pk")
    )
    session_keys = {s.pk: session_key(s) for s in sessions}
    order = {s.pk: number for number, s in enumerate(sessions)}
    bookings = sorted(
        Booking.objects.filter(customer_id__in=keys).select_related("booked_by", "service"),
        key=lambda b: (order[b.session_id], b.booked_at, b.pk),
    )
    return {
        SESSIONS: (
            {
                "legacy_id": session_keys[s.pk],
                "workshop": s.workshop.title,
                "office": s.office.code,
                "on": s.on,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "room": s.room,
                "meeting_link": s.meeting_link,
                "facilitator": _user(s.facilitator),
                "capacity": s.capacity,
                "status": s.status,
                "cancel_reason": s.cancel_reason,
                "created_by": _user(s.created_by),
            }
            for s in sessions
        ),
        BOOKINGS: (
            {
                "session_legacy_id": session_keys[b.session_id],
                "customer_legacy_id": keys[b.customer_id],
                "status": b.status,
                "walk_in": b.walk_in,
                "attendance": b.attendance,
                "service_legacy_id": _service_key(b.service, keys) if b.service else "",
                "reason": b.reason,
                "booked_by": _user(b.booked_by),
            }
            for b in bookings
        ),
        APPOINTMENTS: (
            {
                "customer_legacy_id": keys[a.customer_id],
                "with": _user(a.with_user),
                "on": a.on,
                "starts_at": a.starts_at,
                "ends_at": a.ends_at,
                "purpose": a.purpose,
                "place": a.place,
                "meeting_link": a.meeting_link,
                "what_to_bring": a.what_to_bring,
                "status": a.status,
                "reason": a.reason,
                "booked_by": _user(a.booked_by),
            }
            for a in Appointment.objects.filter(customer_id__in=keys)
            .select_related("with_user", "booked_by")
            .order_by("customer__customer_number", "on", "starts_at", "pk")
        ),
    }


def po_key(po: PurchaseOrder, keys: dict[int, str]) -> str:
    return po.legacy_id or f"{keys[po.customer_id]}-P{po.pk}"


def _supportive_rows(keys: dict[int, str]) -> dict[str, Iterator[dict[str, object]]]:
    """The customers' budget reviews, referrals and purchase orders, customer by customer
    in the order they were entered. A referral and a purchase order's referral are known
    by the referral's case note."""
    referrals = (
        Referral.objects.filter(customer_id__in=keys)
        .select_related("barrier", "note", "created_by")
        .order_by("customer__customer_number", "referred_on", "pk")
    )
    orders = (
        PurchaseOrder.objects.filter(customer_id__in=keys)
        .select_related(
            "office",
            "vendor",
            "barrier",
            "supports",
            "service",
            "referral__note",
            "created_by",
            "approved_by",
            "issued_by",
            "voided_by",
        )
        .order_by("customer__customer_number", "pk")
    )
    return {
        BUDGETS: (
            {
                "customer_legacy_id": keys[b.customer_id],
                "reviewed_on": b.reviewed_on,
                **{name: getattr(b, name) for name in BudgetReview.INCOME + BudgetReview.EXPENSES},
                "notes": b.notes,
                "created_by": _user(b.created_by),
            }
            for b in BudgetReview.objects.filter(customer_id__in=keys)
            .select_related("created_by")
            .order_by("customer__customer_number", "reviewed_on", "pk")
        ),
        REFERRALS: (
            {
                "customer_legacy_id": keys[r.customer_id],
                "supportive_type": r.supportive_type,
                "barrier": r.barrier.name,
                "organisation": r.organisation,
                "referred_on": r.referred_on,
                "outcome": r.outcome,
                "note_legacy_id": _note_key(r.note, keys) if r.note else "",
                "created_by": _user(r.created_by),
            }
            for r in referrals
        ),
        PURCHASE_ORDERS: (_po_row(po, keys) for po in orders),
    }


def _po_row(po: PurchaseOrder, keys: dict[int, str]) -> dict[str, object]:
    return {
        "legacy_id": po_key(po, keys),
        "number": po.number,
        "customer_legacy_id": keys[po.customer_id],
        "office": po.office.code,
        "program_year": po.program_year,
        "status": po.status,
        "vendor": po.vendor.name,
        "supportive_type": po.supportive_type,
        "item": po.item,
        "quantity": po.quantity,
        "unit_price": po.unit_price,
        "amount": po.amount,
        "card_number": po.card_number,
        "barrier": po.barrier.name,
        "supports_service_legacy_id": _service_key(po.supports, keys),
        "funding_program": po.funding_program,
        "referral": (_note_key(po.referral.note, keys) if po.referral and po.referral.note else ""),
        "no_referral_reason": po.no_referral_reason,
        "justification": po.justification,
        "service_legacy_id": _service_key(po.service, keys) if po.service else "",
        "created_by": _user(po.created_by),
        "approved_by": _user(po.approved_by),
        "approved_at": po.approved_at,
        "issued_by": _user(po.issued_by),
        "issued_on": po.issued_on,
        "paid_on": po.paid_on,
        "invoice_number": po.invoice_number,
        "amount_paid": po.amount_paid,
        "void_reason": po.void_reason,
        "voided_by": _user(po.voided_by),
        "voided_at": po.voided_at,
    }


def job_key(job: Employment, keys: dict[int, str]) -> str:
    return job.legacy_id or f"{keys[job.customer_id]}-J{job.pk}"


def placement_key(placement: Placement, keys: dict[int, str]) -> str:
    return placement.legacy_id or f"{keys[placement.customer_id]}-PL{placement.pk}"


def _entry(record: object) -> dict[str, object]:
    """Who entered an outcome, when (with its offset), and whether it was late."""
    return {
        "entered_by": _user(record.entered_by),  # type: ignore[attr-defined]
        "entered_at": record.entered_at,  # type: ignore[attr-defined]
        "entered_late": record.entered_late,  # type: ignore[attr-defined]
    }


def _employment_rows(keys: dict[int, str]) -> dict[str, Iterator[dict[str, object]]]:
    """The customers' employer contacts, jobs, placements with their follow-ups,
    credentials, skill gains, periods and quarterly follow-ups, customer by customer in
    date order. One query a file (placements: two), however many there are."""
    mine = {"customer_id__in": keys}
    return {
        EMPLOYER_CONTACTS: (
            {
                "customer_legacy_id": keys[c.customer_id],
                "employer": c.employer,
                "contact_person": c.contact_person,
                "method": c.method,
                "contacted_on": c.contacted_on,
                "outcome": c.outcome,
                "service_legacy_id": _service_key(c.service, keys) if c.service else "",
                "notes": c.notes,
                **_entry(c),
            }
            for c in EmployerContact.objects.filter(**mine)
            .select_related("service", "entered_by")
            .order_by("customer__customer_number", "contacted_on", "pk")
        ),
        JOBS: (
            {
                "legacy_id": job_key(j, keys),
                "customer_legacy_id": keys[j.customer_id],
                "employer": j.employer,
                "job_title": j.job_title,
                "onet_code": j.onet_code,
                "started_on": j.started_on,
                "ended_on": j.ended_on,
                "hourly_wage": j.hourly_wage,
                "hours_per_week": j.hours_per_week,
                "training_related": j.training_related,
                "verification": j.verification,
                **_entry(j),
            }
            for j in Employment.objects.filter(**mine)
            .select_related("entered_by")
            .order_by("customer__customer_number", "started_on", "pk")
        ),
        PLACEMENTS: (
            _placement_row(p, keys)
            for p in Placement.objects.filter(**mine)
            .select_related("entered_by")
            .prefetch_related(
                Prefetch("follow_ups", queryset=PlacementFollowUp.objects.select_related("note"))
            )
            .order_by("customer__customer_number", "starts_on", "pk")
        ),
        CREDENTIALS: (
            {
                "customer_legacy_id": keys[c.customer_id],
                "credential_type": c.credential_type,
                "name": c.name,
                "attained_on": c.attained_on,
                "training_service_legacy_id": _service_key(c.training, keys) if c.training else "",
                **_entry(c),
            }
            for c in Credential.objects.filter(**mine)
            .select_related("training", "entered_by")
            .order_by("customer__customer_number", "attained_on", "pk")
        ),
        SKILL_GAINS: (
            {
                "customer_legacy_id": keys[g.customer_id],
                "kind": g.kind,
                "achieved_on": g.achieved_on,
                "description": g.description,
                **_entry(g),
            }
            for g in SkillGain.objects.filter(**mine)
            .select_related("entered_by")
            .order_by("customer__customer_number", "achieved_on", "pk")
        ),
        PERIODS: (
            {
                "customer_legacy_id": keys[p.customer_id],
                "entered_on": p.entered_on,
                "exited_on": p.exited_on,
                "exit_kind": p.exit_kind,
                "other_reason": p.other_reason,
                "employed_at_exit": p.employed_at_exit,
                "exit_job_legacy_id": job_key(p.exit_job, keys) if p.exit_job else "",
                "exit_note_legacy_id": _note_key(p.exit_note, keys) if p.exit_note else "",
                "exit_recorded_by": _user(p.exit_recorded_by),
                "exit_recorded_at": p.exit_recorded_at,
                "closed_on": p.closed_on,
                "close_reason": p.close_reason,
            }
            for p in Period.objects.filter(**mine)
            .select_related("exit_job", "exit_note", "exit_recorded_by")
            .order_by("customer__customer_number", "entered_on", "pk")
        ),
        FOLLOW_UPS: (
            {
                "customer_legacy_id": keys[f.customer_id],
                "period_entered_on": f.period.entered_on,
                "quarter": f.quarter,
                "due_on": f.due_on,
                "done_on": f.done_on,
                "employed": f.employed,
                "employer": f.employer,
                "hourly_wage": f.hourly_wage,
                "in_education": f.in_education,
                "supportive_need": f.supportive_need,
                "note_legacy_id": _note_key(f.note, keys) if f.note else "",
                "recorded_by": _user(f.recorded_by),
            }
            for f in FollowUp.objects.filter(**mine)
            .select_related("period", "note", "recorded_by")
            .order_by("customer__customer_number", "period__entered_on", "quarter", "pk")
        ),
    }


def _placement_row(placement: Placement, keys: dict[int, str]) -> dict[str, object]:
    """A placement with each follow-up's day done and case note, by its day."""
    row: dict[str, object] = {
        "legacy_id": placement_key(placement, keys),
        "customer_legacy_id": keys[placement.customer_id],
        "kind": placement.kind,
        "worksite": placement.worksite,
        "supervisor": placement.supervisor,
        "hourly_wage": placement.hourly_wage,
        "subsidized_wage": placement.subsidized_wage,
        "hours_per_week": placement.hours_per_week,
        "status": placement.status,
        "starts_on": placement.starts_on,
        "ends_on": placement.ends_on,
        "status_changed_on": placement.status_changed_on,
        **_entry(placement),
    }
    for follow_up in placement.follow_ups.all():
        row[placement_follow_up_column(follow_up.day, "done_on")] = follow_up.done_on
        row[placement_follow_up_column(follow_up.day, "note_legacy_id")] = (
            _note_key(follow_up.note, keys) if follow_up.note else ""
        )
    return row
