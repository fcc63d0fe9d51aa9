"""The export in the import format: manage.py export_records DIR, and the round trip."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bulkdata.export import export_records, session_key
from bulkdata.legacy_import import (
    APPOINTMENTS,
    BOOKINGS,
    BUDGETS,
    CREDENTIALS,
    CUSTOMERS,
    FILES,
    FOLLOW_UPS,
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
)
from casemgmt.clock import today_for_office
from casenotes.models import CaseNote
from compliance.models import Alert
from customers.models import Customer
from employment.models import (
    Credential,
    EmployerContact,
    Employment,
    FollowUp,
    Period,
    Placement,
    SkillGain,
)
from employment.services import (
    credential_create,
    employer_contact_create,
    employment_create,
    exit_record,
    follow_up_record,
    placement_create,
    placement_follow_up_record,
    skill_gain_create,
)
from plans.models import Assessment, Goal, PlanVersion, Step
from plans.services import goal_create
from services.models import Activity, ServiceRecord
from services.services import NoteDraft, service_record_create
from supportive.models import BudgetReview, POSequence, PurchaseOrder, Referral, Vendor
from supportive.services import po_issue, po_pay
from tests.conftest import World
from tests.factories import certify, make_plan
from tests.supportive_factory import Ready, budget, draft, make_vendor, referral
from tests.test_import import case_file, run
from tests.test_plans import sign
from tests.workshop_factory import book, make_session, make_workshop
from workshops.models import Appointment, Attendance, Booking, Session
from workshops.services import (
    appointment_create,
    appointment_set_status,
    attendance_submit,
    session_cancel,
)

AS_OF = "2026-11-20"


class _Undo(Exception):
    """Raised to roll back what a block loaded."""


def export(directory: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("export_records", str(directory), *args, stdout=out)
    return out.getvalue()


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def key(customer: Customer) -> str:
    return customer.legacy_id or customer.customer_number


def service_key(record: ServiceRecord | None) -> str:
    if record is None:
        return ""
    return record.legacy_id or f"{key(record.customer)}-S{record.pk}"


def note_key(note: CaseNote | None) -> str:
    if note is None:
        return ""
    return note.legacy_id or f"{key(note.customer)}-N{note.pk}"


def po_key(po: PurchaseOrder) -> str:
    return po.legacy_id or f"{key(po.customer)}-P{po.pk}"


def job_key(job: Employment | None) -> str:
    if job is None:
        return ""
    return job.legacy_id or f"{key(job.customer)}-J{job.pk}"


def placement_key(placement: Placement) -> str:
    return placement.legacy_id or f"{key(placement.customer)}-PL{placement.pk}"


def user(someone: object) -> str:
    return getattr(someone, "username", "")


def moment(at: datetime.datetime | None) -> datetime.datetime | None:
    """A time as the files write it: to the second."""
    return at.replace(microsecond=0) if at else None


def entry(record: object) -> tuple[object, ...]:
    """Who entered an outcome, when and whether late: the 10-day entry rule reads them."""
    return (record.entered_by.username, moment(record.entered_at), record.entered_late)  # type: ignore[attr-defined]


def case_files() -> dict[str, object]:
    """What a board would compare after moving: customers, records and open alerts."""
    return {
        "customers": sorted(
            (key(c), c.first_name, c.status, tuple(c.programs), c.ssn_last4)
            for c in Customer.objects.all()
        ),
        "services": sorted(
            (key(s.customer), s.activity.code, s.started_on, s.ended_on, s.completion_status)
            for s in ServiceRecord.objects.select_related("customer", "activity")
        ),
        "notes": sorted(
            (key(n.customer), n.contact_date, n.subject, n.body, n.note_type)
            for n in CaseNote.objects.select_related("customer")
        ),
        "assessments": sorted(
            (key(a.customer), a.assessed_on, a.scores)
            for a in Assessment.objects.select_related("customer")
        ),
        "goals": sorted((key(g.customer), g.statement, g.status) for g in Goal.objects.all()),
        "steps": sorted(
            (s.goal.statement, s.activity.code, s.start_on, s.status) for s in Step.objects.all()
        ),
        # Signed versions as printed; the one waiting follows the plan, so only its number.
        "versions": sorted(
            (
                key(v.customer),
                v.number,
                v.signed_on,
                json.dumps(v.content, sort_keys=True) if v.signed_on else "",
                v.plan.needs_agreement,
            )
            for v in PlanVersion.objects.select_related("customer", "plan")
        ),
        "alerts": sorted(
            (key(a.customer), a.rule, a.state, a.due_on)
            for a in Alert.objects.filter(resolved_at__isnull=True).select_related("customer")
        ),
        "sessions": sorted(
            (
                session_key(s),
                s.workshop.title,
                s.office.code,
                s.on,
                s.starts_at,
                s.ends_at,
                s.room,
                s.meeting_link,
                s.facilitator.username,
                s.capacity,
                s.status,
                s.cancel_reason,
                s.created_by.username,
                s.is_submitted,
            )
            for s in Session.objects.select_related(
                "workshop", "office", "facilitator", "created_by"
            )
        ),
        # With the attendance and the very service it recorded.
        "bookings": sorted(
            (
                session_key(b.session),
                key(b.customer),
                b.status,
                b.walk_in,
                b.attendance,
                service_key(b.service),
                b.reason,
                b.booked_by.username,
                b.marked_by is not None,
            )
            for b in Booking.objects.select_related(
                "session__office", "customer", "service__customer", "booked_by", "marked_by"
            )
        ),
        "appointments": sorted(
            (
                key(a.customer),
                a.office.code,
                a.with_user.username,
                a.on,
                a.starts_at,
                a.ends_at,
                a.purpose,
                a.place,
                a.meeting_link,
                a.what_to_bring,
                a.status,
                a.reason,
                a.booked_by.username,
            )
            for a in Appointment.objects.select_related(
                "customer", "office", "with_user", "booked_by"
            )
        ),
        "budget_reviews": sorted(
            (
                key(b.customer),
                b.reviewed_on,
                *(getattr(b, name) for name in BudgetReview.INCOME + BudgetReview.EXPENSES),
                b.notes,
                b.created_by.username,
            )
            for b in BudgetReview.objects.select_related("customer", "created_by")
        ),
        # With the very case note the referral wrote.
        "referrals": sorted(
            (
                key(r.customer),
                r.supportive_type,
                r.barrier.name,
                r.organisation,
                r.referred_on,
                r.outcome,
                note_key(r.note),
                r.note.subject if r.note else "",
                r.created_by.username,
            )
            for r in Referral.objects.select_related(
                "customer", "barrier", "note__customer", "created_by"
            )
        ),
        # With the number, the money, the card and the very services it names.
        "purchase_orders": sorted(
            (
                po_key(p),
                key(p.customer),
                p.number or "",
                p.status,
                p.office.code,
                p.program_year,
                p.vendor.name,
                p.supportive_type,
                p.item,
                p.quantity,
                p.unit_price,
                p.amount,
                p.amount_paid,
                p.card_number or "",
                service_key(p.service),
                service_key(p.supports),
                note_key(p.referral.note) if p.referral else "",
                p.funding_program,
                p.justification,
                p.created_by.username,
                getattr(p.approved_by, "username", ""),
                getattr(p.issued_by, "username", ""),
                p.issued_on,
                p.paid_on,
                p.invoice_number,
                p.void_reason,
            )
            for p in PurchaseOrder.objects.select_related(
                "customer",
                "office",
                "vendor",
                "service__customer",
                "supports__customer",
                "referral__note__customer",
                "created_by",
                "approved_by",
                "issued_by",
            )
        ),
        **employment_files(),
    }


def employment_files() -> dict[str, object]:
    """The end of the path: outcomes with who entered them and when, placements with
    their five follow-ups, periods with their exits, and the quarterly follow-ups, each
    with the very job and case notes it names."""
    return {
        "employer_contacts": sorted(
            (
                key(c.customer),
                c.employer,
                c.contact_person,
                c.method,
                c.contacted_on,
                c.outcome,
                service_key(c.service),
                c.notes,
                *entry(c),
            )
            for c in EmployerContact.objects.select_related(
                "customer", "service__customer", "entered_by"
            )
        ),
        "jobs": sorted(
            (
                job_key(j),
                key(j.customer),
                j.employer,
                j.job_title,
                j.onet_code,
                j.started_on,
                j.ended_on,
                j.hourly_wage,
                j.hours_per_week,
                j.training_related,
                j.verification,
                *entry(j),
            )
            for j in Employment.objects.select_related("customer", "entered_by")
        ),
        "placements": sorted(
            (
                placement_key(p),
                key(p.customer),
                p.kind,
                p.worksite,
                p.supervisor,
                p.hourly_wage,
                p.subsidized_wage,
                p.hours_per_week,
                p.status,
                p.starts_on,
                p.ends_on,
                p.status_changed_on,
                *entry(p),
                tuple(
                    (f.day, f.due_on, f.done_on, note_key(f.note), user(f.recorded_by))
                    for f in sorted(p.follow_ups.all(), key=lambda f: f.day)
                ),
            )
            for p in Placement.objects.select_related("customer", "entered_by").prefetch_related(
                "follow_ups__note__customer", "follow_ups__recorded_by"
            )
        ),
        "credentials": sorted(
            (
                key(c.customer),
                c.credential_type,
                c.name,
                c.attained_on,
                service_key(c.training),
                *entry(c),
            )
            for c in Credential.objects.select_related(
                "customer", "training__customer", "entered_by"
            )
        ),
        "skill_gains": sorted(
            (key(g.customer), g.kind, g.achieved_on, g.description, *entry(g))
            for g in SkillGain.objects.select_related("customer", "entered_by")
        ),
        # With the very job held at exit and the exit note.
        "periods": sorted(
            (
                key(p.customer),
                p.entered_on,
                p.exited_on,
                p.exit_kind,
                p.other_reason,
                p.employed_at_exit,
                job_key(p.exit_job),
                note_key(p.exit_note),
                p.exit_note.subject if p.exit_note else "",
                user(p.exit_recorded_by),
                moment(p.exit_recorded_at),
                p.closed_on,
                p.close_reason,
            )
            for p in Period.objects.select_related(
                "customer", "exit_job__customer", "exit_note__customer", "exit_recorded_by"
            )
        ),
        "follow_ups": sorted(
            (
                key(f.customer),
                f.period.entered_on,
                f.quarter,
                f.due_on,
                f.done_on,
                f.employed,
                f.employer,
                f.hourly_wage,
                f.in_education,
                f.supportive_need,
                note_key(f.note),
                user(f.recorded_by),
            )
            for f in FollowUp.objects.select_related(
                "customer", "period", "note__customer", "recorded_by"
            )
        ),
    }


def workshop_history(world: World) -> None:
    """Entered in the product: today's session with its sheet in (Ada attended, Bea on
    the waiting list), a cancelled session, an appointment missed and one ahead. Ada
    needs her plan first (201 needs an IEP)."""
    day = today_for_office(world.office_a)
    held = make_session(world, on=day, capacity=1)
    book(held, world.customer_a, world)
    book(held, world.customer_b, world)  # the session is full: the waiting list
    attendance_submit(
        session=held, user=world.facilitator, marks={world.customer_a.pk: Attendance.ATTENDED}
    )
    cancelled = make_session(world, on=day + datetime.timedelta(days=14))
    book(cancelled, world.customer_a, world)
    session_cancel(
        session=cancelled, reason="Facilitator away", user=world.supervisor_a, expected_version=None
    )
    missed, _warning = appointment_create(
        customer=world.customer_a,
        with_user=world.planner_a,
        on=day - datetime.timedelta(days=3),
        starts_at=datetime.time(9),
        ends_at=datetime.time(9, 30),
        purpose="Review the training application",
        booked_by=world.planner_a,
        place="Desk 4",
    )
    appointment_set_status(
        appointment=missed,
        status="missed",
        reason="No answer at the door",
        user=world.planner_a,
        expected_version=None,
    )
    appointment_create(
        customer=world.customer_b,
        with_user=world.planner_b,
        on=day + datetime.timedelta(days=2),
        starts_at=datetime.time(14),
        ends_at=datetime.time(14, 45),
        purpose="Plan the job search",
        booked_by=world.planner_b,
        meeting_link="https://meet.example.org/abc",
        what_to_bring="Photo ID",
    )


def supportive_history(world: World) -> None:
    """Entered in the product: Ada's training supported with bus passes after a budget
    review and a referral that could not help: one issued with its card, one paid, one
    still a draft. Ada needs her plan first (300 needs an IEP)."""
    ada = world.customer_a
    training = service_record_create(
        customer=ada,
        activity=Activity.objects.get(code="300"),
        started_on=datetime.date(2026, 10, 12),
        entered_by=world.planner_a,
        provider="outside",
        provider_name="Lincoln Land Community College",
    )
    budget(ada, world)
    ready = Ready(ada, training, Vendor.objects.get(name="Metro Transit"), referral(ada, world))
    po_issue(
        po=draft(ready, world, card_number="SMTD-40210"),
        user=world.planner_a,
        expected_version=None,
    )
    paid = po_issue(
        po=draft(ready, world, quantity=2, unit_price="31.00"),
        user=world.planner_a,
        expected_version=None,
    )
    po_pay(
        po=paid,
        paid_on=today_for_office(world.office_a),
        invoice_number="INV-2291",
        amount_paid=paid.amount - 2,
        user=world.supervisor_a,
        expected_version=None,
    )
    draft(ready, world, item="Gas card", card_number="FUEL-0091")


def employment_history(world: World, training: ServiceRecord) -> None:
    """Entered in the product: Ada, in her training, contacts an employer, takes a part
    time job, starts an OJT whose 30-day follow-up is recorded, passes a milestone and
    earns a credential from the training; Bea, served in the spring, exits employed, her
    first quarterly follow-up recorded and the second overdue."""
    ada, bea = world.customer_a, world.customer_b
    employer_contact_create(
        customer=ada,
        user=world.planner_a,
        fields={
            "employer": "Riverside Warehouse",
            "contact_person": "Dana Whitlock",
            "method": "phone",
            "contacted_on": datetime.date(2026, 10, 15),
            "outcome": "hired",
            "service": training,
            "notes": "Weekend shifts fit the class schedule.",
        },
    )
    employment_create(
        customer=ada,
        user=world.planner_a,
        fields={
            "employer": "Riverside Warehouse",
            "job_title": "Warehouse associate",
            "onet_code": "53-7062.00",
            "started_on": datetime.date(2026, 10, 20),
            "hourly_wage": Decimal("16.50"),
            "hours_per_week": Decimal("16"),
            "verification": "pay_stub",
        },
    )
    placement = placement_create(
        customer=ada,
        user=world.planner_a,
        fields={
            "kind": "ojt",
            "worksite": "Capital Forklift",
            "supervisor": "Jordan Avery",
            "hourly_wage": Decimal("18.00"),
            "subsidized_wage": Decimal("9.00"),
            "hours_per_week": Decimal("32"),
            "status": "started",
            "starts_on": datetime.date(2026, 10, 6),
        },
    )
    placement_follow_up_record(
        follow_up=placement.follow_ups.get(day=30),
        done_on=datetime.date(2026, 11, 6),
        note_body="Supervisor reports steady progress on the reach truck.",
        two_way=True,
        user=world.planner_a,
    )
    skill_gain_create(
        customer=ada,
        user=world.planner_a,
        fields={
            "kind": "milestone",
            "achieved_on": datetime.date(2026, 11, 2),
            "description": "Passed the mid-term skills check.",
        },
    )
    credential_create(
        customer=ada,
        user=world.planner_a,
        fields={
            "credential_type": 6,
            "name": "Forklift operator",
            "attained_on": datetime.date(2026, 11, 13),
            "training": training,
        },
    )
    bea = certify(bea, datetime.date(2026, 2, 2))
    service_record_create(
        customer=bea,
        activity=Activity.objects.get(code="211"),
        started_on=datetime.date(2026, 3, 10),
        ended_on=datetime.date(2026, 3, 10),
        entered_by=world.planner_b,
        note=NoteDraft("Job search", "Reviewed job leads together.", "in_person", True),
    )
    job = employment_create(
        customer=bea,
        user=world.planner_b,
        fields={
            "employer": "Prairie Fabrication",
            "job_title": "Welder helper",
            "started_on": datetime.date(2026, 3, 2),
            "hourly_wage": Decimal("18.50"),
            "hours_per_week": Decimal("40"),
            "training_related": True,
            "verification": "employer",
        },
    )
    period = exit_record(
        customer=bea,
        user=world.planner_b,
        employed_at_exit=True,
        other_reason="",
        job=job,
        note_body="Employed full time; services complete. Quarterly follow-up by phone.",
    )
    follow_up_record(
        follow_up=period.follow_ups.get(quarter=1),
        user=world.planner_b,
        done_on=datetime.date(2026, 6, 24),
        employed=True,
        employer="Prairie Fabrication",
        hourly_wage=Decimal("19.00"),
        in_education=False,
        supportive_need="",
        note_body="Still at Prairie Fabrication, with a raise.",
    )


def test_it_writes_every_file_with_the_import_columns(world: World, tmp_path: Path):
    run(case_file(tmp_path / "legacy"), "--as-of", AS_OF)

    out = export(tmp_path / "out")

    assert f"{CUSTOMERS}: 4 rows" in out  # the two of the world, the two imported
    marisol = next(r for r in read(tmp_path / "out" / CUSTOMERS) if r["legacy_id"] == "C-1")
    assert marisol["ssn"] == "212554321" and marisol["office"] == "A"
    assert marisol["barriers"] == ""
    # The plan's own IEP and its review note are written with the plan, not as records.
    services = read(tmp_path / "out" / SERVICES)
    assert "205" not in {s["activity"] for s in services}
    [plan] = read(tmp_path / "out" / PLANS)
    assert plan["note_body"].startswith("Wrote the IEP together")
    assert [r["reviewed_on"] for r in read(tmp_path / "out" / REVIEWS)] == ["2026-11-02"]


def test_it_exports_only_the_offices_given(world: World, tmp_path: Path):
    run(case_file(tmp_path / "legacy"), "--as-of", AS_OF)

    export(tmp_path / "out", "--office", "B")

    # A customer entered in the product is known by the customer number.
    assert {r["legacy_id"] for r in read(tmp_path / "out" / CUSTOMERS)} == {
        world.customer_b.customer_number,
        "C-2",
    }
    assert {r["customer_legacy_id"] for r in read(tmp_path / "out" / SERVICES)} == {"C-2"}


def test_a_round_trip_gives_the_same_customers_records_and_alerts(world: World, tmp_path: Path):
    first, second = tmp_path / "first", tmp_path / "second"
    make_workshop()  # the catalog: the receiving installation keeps its own
    make_vendor()  # and its vendors
    with pytest.raises(_Undo), transaction.atomic():
        # A case file entered in the product (no legacy ids) and one imported.
        plan = make_plan(world.customer_a, world.planner_a)
        # Version 1 signed with its scanned copy, then changed: version 2 waits.
        sign(plan, world, day=datetime.date(2026, 10, 6))
        goal_create(
            plan=plan,
            user=world.planner_a,
            fields={"statement": "Pass the road test", "category": "career", "term": "short"},
        )
        workshop_history(world)
        supportive_history(world)
        employment_history(
            world, ServiceRecord.objects.get(customer=world.customer_a, activity__code="300")
        )
        run(case_file(tmp_path / "legacy"), "--as-of", AS_OF)
        call_command("evaluate_compliance", "--as-of", AS_OF, stdout=io.StringIO())
        export(first)
        before = case_files()
        raise _Undo
    # Into an empty database.
    Customer.objects.all().delete()

    out = run(first, "--as-of", AS_OF)

    assert "Imported." in out
    assert case_files() == before
    assert before["alerts"], "the round trip should carry some open alerts"
    # The plan entered in the product, whose records have no legacy ids, is carried too,
    # with the version its customer signed (but not the scanned copy).
    assert ("Earn a forklift certificate", "300") in {s[:2] for s in before["steps"]}
    ada = world.customer_a.customer_number
    assert [v[:3] for v in before["versions"] if v[0] == ada] == [
        (ada, 1, datetime.date(2026, 10, 6)),
        (ada, 2, None),
    ]
    assert not PlanVersion.objects.get(customer__legacy_id=ada, number=1).signed_copy
    # The workshop history entered in the product: the sheet in, the attended booking
    # linked to its 201, the waiting list, the cancelled session, the appointments.
    assert sorted((b[1], b[2], b[4], b[5] != "") for b in before["bookings"]) == [
        (ada, "booked", "attended", True),
        (ada, "cancelled", "", False),
        (world.customer_b.customer_number, "waiting", "", False),
    ]
    assert sorted(s[10] for s in before["sessions"]) == ["cancelled", "held"]
    assert sorted(a[10] for a in before["appointments"]) == ["missed", "scheduled"]
    # Supportive services entered in the product: the budget review, the referral with
    # its note, the purchase orders with their numbers, card, payment and services.
    assert [b[0] for b in before["budget_reviews"]] == [ada]
    [(_ada, *_rest, referral_note, subject, _by)] = before["referrals"]
    assert subject == "Supportive Service/Referral: Transportation"
    orders = {p[3]: p for p in before["purchase_orders"]}
    assert sorted(orders) == ["draft", "issued", "paid"]
    assert (orders["issued"][2], orders["issued"][13]) == ("A-PY26-00001", "SMTD-40210")
    assert (orders["paid"][2], orders["paid"][11], orders["paid"][12]) == (
        "A-PY26-00002",
        Decimal("62.00"),
        Decimal("60.00"),
    )
    assert orders["draft"][2] == "" and orders["draft"][14] == ""
    assert all(orders[s][14].startswith(f"{ada}-S") for s in ("issued", "paid"))
    assert {p[16] for p in orders.values()} == {referral_note}
    # The office's series goes on after the numbers imported.
    assert POSequence.objects.get(office__code="A", program_year=2026).last == 2
    # Employment entered in the product: the jobs, the OJT with its 30-day follow-up and
    # note, the credential from the training, Bea's exit with her job and exit note, and
    # her follow-ups, the second overdue.
    bea = world.customer_b.customer_number
    assert sorted(j[1] for j in before["jobs"]) == sorted([ada, bea])
    assert all(j[0].startswith(f"{j[1]}-J") for j in before["jobs"])
    assert len(before["employer_contacts"]) == 1 and len(before["skill_gains"]) == 1
    [placement] = before["placements"]
    day_30, *later = placement[-1]
    assert (day_30[0], day_30[2], day_30[4]) == (30, datetime.date(2026, 11, 6), "planner_a")
    assert day_30[3].startswith(f"{ada}-N") and all(f[2] is None for f in later)
    [credential] = before["credentials"]
    assert credential[4].startswith(f"{ada}-S")
    [period] = before["periods"]
    assert period[:3] == (bea, datetime.date(2026, 3, 10), datetime.date(2026, 3, 10))
    assert period[6].startswith(f"{bea}-J") and period[8] == "Exit"
    assert [(f[2], f[4] is not None) for f in before["follow_ups"]] == [
        (1, True),
        (2, False),
        (3, False),
        (4, False),
    ]
    assert (bea, "follow_up_due", "overdue", datetime.date(2026, 9, 30)) in before["alerts"]
    export(second)
    for name in FILES:
        assert read(first / name) == read(second / name), name


def test_the_workshop_files_link_sessions_bookings_and_services(world: World, tmp_path: Path):
    make_plan(world.customer_a, world.planner_a)
    workshop_history(world)

    export(tmp_path / "out", "--office", "A")

    sessions = read(tmp_path / "out" / SESSIONS)
    held = next(s for s in sessions if s["status"] == "held")
    assert re.fullmatch(r"A-W\d+", held["legacy_id"])
    assert (held["workshop"], held["starts_at"], held["ends_at"], held["facilitator"]) == (
        "Resume Writing",
        "10:00",
        "11:30",
        "facilitator",
    )
    # Only office A's customers: Ada's bookings, not Bea's place on the waiting list.
    bookings = read(tmp_path / "out" / BOOKINGS)
    attended = next(b for b in bookings if b["attendance"] == "attended")
    assert attended["session_legacy_id"] == held["legacy_id"]
    assert {b["customer_legacy_id"] for b in bookings} == {world.customer_a.customer_number}
    [service] = [s for s in read(tmp_path / "out" / SERVICES) if s["activity"] == "201"]
    assert attended["service_legacy_id"] == service["legacy_id"]
    [appointment] = read(tmp_path / "out" / APPOINTMENTS)
    assert (appointment["with"], appointment["status"], appointment["starts_at"]) == (
        "planner_a",
        "missed",
        "09:00",
    )


def test_the_supportive_files_link_referrals_notes_and_services(world: World, tmp_path: Path):
    make_plan(world.customer_a, world.planner_a)
    make_vendor()
    supportive_history(world)

    export(tmp_path / "out", "--office", "A")

    ada = world.customer_a.customer_number
    [review] = read(tmp_path / "out" / BUDGETS)
    assert (review["customer_legacy_id"], review["income_wages"], review["expense_food"]) == (
        ada,
        "900.00",
        "0.00",
    )
    [referral_row] = read(tmp_path / "out" / REFERRALS)
    # The referral's case note is in case_notes.csv, named, not written twice.
    [note] = [
        n
        for n in read(tmp_path / "out" / NOTES)
        if n["legacy_id"] == referral_row["note_legacy_id"]
    ]
    assert note["subject"] == "Supportive Service/Referral: Transportation"
    assert referral_row["outcome"] == "could_not_help"
    orders = {p["status"]: p for p in read(tmp_path / "out" / PURCHASE_ORDERS)}
    assert re.fullmatch(rf"{ada}-P\d+", orders["draft"]["legacy_id"])
    assert (orders["draft"]["number"], orders["draft"]["service_legacy_id"]) == ("", "")
    paid = orders["paid"]
    assert (paid["number"], paid["amount"], paid["amount_paid"], paid["invoice_number"]) == (
        "A-PY26-00002",
        "62.00",
        "60.00",
        "INV-2291",
    )
    assert orders["issued"]["card_number"] == "SMTD-40210"
    assert {p["referral"] for p in orders.values()} == {referral_row["note_legacy_id"]}
    services = {s["legacy_id"]: s for s in read(tmp_path / "out" / SERVICES)}
    assert services[paid["service_legacy_id"]]["activity"] == "181"
    assert services[paid["supports_service_legacy_id"]]["activity"] == "300"


def test_the_employment_files_link_jobs_notes_and_services(world: World, tmp_path: Path):
    make_plan(world.customer_a, world.planner_a)
    training = service_record_create(
        customer=world.customer_a,
        activity=Activity.objects.get(code="300"),
        started_on=datetime.date(2026, 10, 12),
        entered_by=world.planner_a,
        provider="outside",
        provider_name="Lincoln Land Community College",
    )
    employment_history(world, training)

    export(tmp_path / "out")

    ada, bea = world.customer_a.customer_number, world.customer_b.customer_number
    notes = {n["legacy_id"]: n for n in read(tmp_path / "out" / NOTES)}
    services = {s["legacy_id"]: s for s in read(tmp_path / "out" / SERVICES)}
    jobs = {j["customer_legacy_id"]: j for j in read(tmp_path / "out" / JOBS)}
    assert re.fullmatch(rf"{ada}-J\d+", jobs[ada]["legacy_id"])
    # Who entered it and when, with the offset, and whether late: entered today, it is.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", jobs[bea]["entered_at"])
    assert (jobs[bea]["entered_by"], jobs[bea]["entered_late"]) == ("planner_b", "yes")
    [placement] = read(tmp_path / "out" / PLACEMENTS)
    assert re.fullmatch(rf"{ada}-PL\d+", placement["legacy_id"])
    assert placement["follow_up_30_done_on"] == "2026-11-06"
    assert notes[placement["follow_up_30_note_legacy_id"]]["note_type"] == "follow_up"
    assert (placement["follow_up_60_done_on"], placement["follow_up_60_note_legacy_id"]) == ("", "")
    [credential] = read(tmp_path / "out" / CREDENTIALS)
    assert services[credential["training_service_legacy_id"]]["activity"] == "300"
    # Bea's exit names her job and its note; her follow-ups name their period by its entry.
    [period] = read(tmp_path / "out" / PERIODS)
    assert (period["customer_legacy_id"], period["entered_on"], period["exited_on"]) == (
        bea,
        "2026-03-10",
        "2026-03-10",
    )
    assert period["exit_job_legacy_id"] == jobs[bea]["legacy_id"]
    assert notes[period["exit_note_legacy_id"]]["subject"] == "Exit"
    assert (period["employed_at_exit"], period["other_reason"], period["exit_kind"]) == (
        "yes",
        "00",
        "recorded",
    )
    follow_ups = read(tmp_path / "out" / FOLLOW_UPS)
    assert [(f["period_entered_on"], f["quarter"], f["due_on"]) for f in follow_ups] == [
        ("2026-03-10", "1", "2026-06-30"),
        ("2026-03-10", "2", "2026-09-30"),
        ("2026-03-10", "3", "2026-12-31"),
        ("2026-03-10", "4", "2027-03-31"),
    ]
    first = follow_ups[0]
    assert (first["done_on"], first["employed"], first["hourly_wage"], first["recorded_by"]) == (
        "2026-06-24",
        "yes",
        "19.00",
        "planner_b",
    )
    assert notes[first["note_legacy_id"]]["subject"] == "Follow-Up/Quarter 1 after exit"
    assert follow_ups[1]["done_on"] == follow_ups[1]["note_legacy_id"] == ""


def test_an_unknown_customer_number_is_refused(world: World, tmp_path: Path):
    with pytest.raises(CommandError, match="C9999999"):
        export(tmp_path / "out", "--customer", "C9999999")


def test_it_exports_the_customers_given(world: World, tmp_path: Path):
    export(tmp_path / "out", "--customer", world.customer_a.customer_number)

    [row] = read(tmp_path / "out" / CUSTOMERS)
    assert row["legacy_id"] == world.customer_a.customer_number
    assert row["first_name"] == "Ada" and row["not_duplicate"] == "yes"


def test_the_number_of_queries_does_not_grow_with_the_case_files(world: World, tmp_path: Path):
    run(case_file(tmp_path / "legacy"), "--as-of", AS_OF)
    with CaptureQueriesContext(connection) as few:
        export_records(tmp_path / "few", Customer.objects.all())
    make_plan(world.customer_a, world.planner_a)
    make_plan(world.customer_b, world.planner_b)

    with CaptureQueriesContext(connection) as more:
        export_records(tmp_path / "more", Customer.objects.all())

    assert len(read(tmp_path / "more" / PLANS)) == 3
    assert len(more) == len(few)


def test_the_demo_organisation_round_trips(db, tmp_path: Path):
    """The demo organisation, exported in the import format and imported into a database
    holding only its offices and staff, gives the same customers, records and alerts."""
    from casemgmt.clock import today
    from demo.management.commands.seed_demo import DEMO_VENDORS, WORKSHOP_CATALOG
    from demo.management.commands.seed_demo import Command as SeedDemo

    on = today().isoformat()  # the demo is seeded relative to today
    first, second = tmp_path / "first", tmp_path / "second"
    with pytest.raises(_Undo), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        call_command("evaluate_compliance", "--as-of", on, stdout=io.StringIO())
        export(first)
        before = case_files()
        raise _Undo
    seed = SeedDemo()
    seed._staff(seed._offices())  # the organisation a board brings its records into
    for title, code, content in WORKSHOP_CATALOG:  # with its workshop catalog
        make_workshop(title, code, content=content)
    for name, address, phone, types in DEMO_VENDORS:  # and its vendors
        Vendor.objects.create(name=name, address=address, phone=phone, supportive_types=types)

    run(first, "--as-of", on)

    assert len(read(first / CUSTOMERS)) >= 150
    signed = [v for v in before["versions"] if v[2] is not None]
    assert signed and len(signed) < len(before["versions"]), "signed and waiting versions"
    # Held sessions with their sheets, the last one still to do, sessions ahead; the
    # attended linked to their services, a no-show each.
    assert {(s[10], s[13]) for s in before["sessions"]} == {("held", True), ("scheduled", False)}
    marks = {b[4] for b in before["bookings"]}
    assert {"attended", "no_show", ""} <= marks
    assert all((b[4] == "attended") == (b[5] != "") for b in before["bookings"])
    # Purchase orders paid, issued, awaiting approval and drafted; those issued numbered
    # and linked to their services, with the budget reviews and referrals behind them.
    statuses = {p[3] for p in before["purchase_orders"]}
    assert {"paid", "issued", "awaiting", "draft"} <= statuses
    assert all((p[3] in ("issued", "paid")) == (p[14] != "") for p in before["purchase_orders"])
    assert all((p[2] != "") == (p[14] != "") for p in before["purchase_orders"])
    assert before["budget_reviews"] and before["referrals"]
    # Jobs, placements started with their follow-ups, credentials and skill gains; the
    # exits with their periods (some closed, some with the job held at exit) and their
    # quarterly follow-ups, done and to do, with the follow-up alerts those raise.
    assert before["jobs"] and before["credentials"] and before["skill_gains"]
    assert {p[8] for p in before["placements"]} == {"started"}
    assert all(len(p[-1]) == 5 for p in before["placements"])
    assert any(p[2] is not None for p in before["periods"])
    assert any(p[11] is not None for p in before["periods"])
    assert any(p[6] for p in before["periods"])
    assert {f[4] is None for f in before["follow_ups"]} == {True, False}
    assert "follow_up_due" in {a[1] for a in before["alerts"]}
    assert case_files() == before
    export(second)
    for name in FILES:
        assert read(first / name) == read(second / name), name


def test_a_customers_status_and_exit_are_carried(world: World, tmp_path: Path):
    from casemgmt.models import User

    directory = tmp_path / "status"
    directory.mkdir()
    columns = [
        "legacy_id",
        "first_name",
        "last_name",
        "date_of_birth",
        "programs",
        "office",
        "created_by",
        "application_date",
        "status",
        "exit_date",
        "exit_reason",
    ]
    base = ["Rosa", "Testcase", "1980-02-02", "adult", world.office_a.code]
    with (directory / CUSTOMERS).open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerow(
            ["L-1", *base, "planner_a", "2026-01-05", "exited", "2026-06-30", "Moved away"]
        )
        writer.writerow(
            ["L-2", "Sam", *base[1:], "planner_a", "2026-01-05", "participant", "2026-06-30", ""]
        )
    assert User.objects.filter(username="planner_a").exists()

    out = run(directory, "--skip-invalid")

    customer = Customer.objects.get(legacy_id="L-1")
    assert (customer.status, customer.exit_date.isoformat(), customer.exit_reason) == (
        "exited",
        "2026-06-30",
        "Moved away",
    )
    assert "exit_date: only an exited, in follow-up or closed customer has an exit date" in out
    assert not Customer.objects.filter(legacy_id="L-2").exists()
