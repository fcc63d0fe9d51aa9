"""The hostile-input sweep: every form in the product, every field, hostile values.

Each form is first shown to a supervisor of office A (who holds every planner
permission and the supervisor's own), filled with valid values, and checked to save;
then each field in turn gets an impossible date, a NUL byte, text far over any limit,
a negative number or a choice that does not exist. Every such post must answer with a
clear message (never a 500) and write nothing at all: no row, no update-log event.
A new form page is added to FORMS; a POST URL missing here fails the suite.
"""

import datetime
from collections.abc import Callable

import pghistory.models
import pytest
import time_machine
from django.urls import resolve, reverse

from casemgmt.models import SubmissionToken
from casenotes.models import CaseNote
from compliance.models import PlannedGap
from customers.models import Barrier, Customer, EligibilityDocument
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
from services.models import Activity, ServiceRecord
from supportive.models import BudgetReview, PurchaseOrder, Referral, Vendor
from tests.conftest import World, client_for
from tests.factories import certify, make_customer
from tests.hostile import FormField, as_post, form_fields
from tests.test_permissions import MATRIX, _url
from tests.workshop_factory import make_session, make_workshop
from veterans.models import VeteranReferral
from workshops.models import Appointment, Booking, Session, Workshop

NOW = datetime.datetime(2026, 11, 25, 15, 0, tzinfo=datetime.UTC)
WRITTEN = [
    Customer,
    VeteranReferral,
    ServiceRecord,
    CaseNote,
    Plan,
    Goal,
    Step,
    PlanVersion,
    Assessment,
    EligibilityDocument,
    PlannedGap,
    SubmissionToken,
    Session,
    Booking,
    Appointment,
    BudgetReview,
    Referral,
    PurchaseOrder,
    EmployerContact,
    Employment,
    Placement,
    PlacementFollowUp,
    Credential,
    SkillGain,
    Period,
    FollowUp,
]

TEXT = {"a NUL byte": "Ann\x00e", "oversized text": "x" * 100_001}
PAYLOADS: dict[str, dict[str, str]] = {
    "text": TEXT,
    "textarea": TEXT,
    "search": TEXT,
    "email": {"a NUL byte": "a\x00@example.org", "oversized text": "x" * 100_001 + "@example.org"},
    "tel": TEXT,
    "password": TEXT,
    "date": {
        "an impossible date": "2026-02-30",
        "a NUL byte": "2026-11-\x0002",
        "year 1": "0001-01-01",
        "year 9999": "9999-12-31",
    },
    "number": {"a negative number": "-5", "a NUL byte": "1\x00", "an absurd number": "99999999"},
    "select": {"a choice that does not exist": "999999999", "a NUL byte": "\x00"},
    "radio": {"a choice that does not exist": "999999999"},
    "checkbox": {"a choice that does not exist": "999999999"},
    "hidden": {"a NUL byte": "\x00", "a negative number": "-1"},
}


def _activity(code: str) -> str:
    return str(Activity.objects.get(code=code).pk)


# Valid values per form, over what the page shows; each must save (see the sanity test).
VALID: dict[str, Callable[[World], dict[str, object]]] = {
    "veterans:refer": lambda w: {"issue": "Asks how the GI Bill pays for a welding course."},
    "casenotes:create": lambda w: {
        "contact_date": "2026-11-20",
        "contact_method": "phone",
        "two_way": "yes",
        "subject": "Check-in",
        "body": "Career planner called the customer about a forklift class.",
    },
    "casenotes:addendum": lambda w: {"body": "The call was about the evening class."},
    "services:create": lambda w: {
        "activity": _activity("211"),
        "started_on": "2026-11-20",
        "weekly_hours": "2",
        "dollar_value": "0",
        "note_body": "Career planner helped the customer revise a resume.",
        "note_contact_method": "in_person",
        "note_two_way": "yes",
    },
    "services:correct": lambda w: {"reason": "Wrong hours typed", "weekly_hours": "3"},
    "services:close": lambda w: {"ended_on": "2026-11-20", "completion_status": "successful"},
    "services:reopen": lambda w: {"reason": "Closed by mistake"},
    "gaps:undo_exit": lambda w: {"reason": "The service on 11/02 was not entered"},
    "customers:create": lambda w: {
        "first_name": "Rosa",
        "last_name": "Testcase",
        "date_of_birth": "1988-04-02",
        "phone": "217-555-0199",
        "programs": ["adult"],
        "application_date": "2026-11-20",
        "office": str(w.office_a.pk),
        "career_planner": str(w.planner_a.pk),
    },
    "customers:edit": lambda w: {"city": "Decatur"},
    "customers:reassign": lambda w: {
        "career_planner": str(w.supervisor_a.pk),
        "reason": "Caseload balance",
    },
    "plans:develop": lambda w: {
        "developed_on": "2026-11-20",
        "employment_goal": "Warehouse lead",
        "note_body": "Career planner and customer developed the plan in person.",
    },
    "plans:edit": lambda w: {"employment_goal": "Warehouse supervisor"},
    "plans:review": lambda w: {
        "reviewed_on": "2026-11-20",
        "contact_method": "in_person",
        "two_way": "yes",
        "note_body": "Reviewed progress on each goal with the customer.",
    },
    "plans:goal_create": lambda w: {
        "statement": "Find full-time work",
        "category": "career",
        "term": "long",
        "status": "not_started",
    },
    "plans:goal_edit": lambda w: {"statement": "Earn a forklift certificate this winter"},
    "plans:step_create": lambda w: {
        "activity": _activity("211"),
        "status": "planned",
        "start_on": "2026-11-20",
        "due_on": "2026-12-20",
    },
    "plans:step_edit": lambda w: {"description": "Evening class"},
    "plans:assessments": lambda w: {
        "assessment_type": str(
            __import__("plans.models", fromlist=["AssessmentType"])
            .AssessmentType.objects.first()
            .pk
        ),
        "assessed_on": "2026-11-20",
        "scores": "Reading 9",
    },
    "gaps:create": lambda w: {
        "reason": "Waiting for the training start date",
        "starts_on": "2026-11-25",
        "ends_on": "2026-12-20",
    },
    "workshops:attendance": lambda w: {"action": "submit_all"},
    "employment:exit": lambda w: {
        "employed_at_exit": "no",
        "note_body": "Employment status: not employed, looking for work\nServices complete.",
    },
    "employment:exit_details": lambda w: {"employed_at_exit": "no"},
    "employment:period_close": lambda w: {"reason": "Moved out of state"},
    "employment:follow_up": lambda w: {
        "done_on": "2026-11-20",
        "employed": "yes",
        "employer": "Prairie Fabrication",
        "hourly_wage": "18.50",
        "in_education": "no",
        "note_body": "Contact made: phone call\nEmployment status: employed\nHelp needed: none",
    },
    "employment:contact_create": lambda w: {
        "employer": "Prairie Logistics",
        "method": "phone",
        "contacted_on": "2026-11-20",
        "outcome": "referred",
    },
    "employment:job_create": lambda w: {
        "employer": "Prairie Logistics",
        "job_title": "Forklift operator",
        "onet_code": "53-7051.00",
        "started_on": "2026-11-16",
        "hourly_wage": "18.50",
        "hours_per_week": "40",
        "verification": "pay_stub",
    },
    "employment:job_edit": lambda w: {"hours_per_week": "30"},
    "employment:placement_create": lambda w: {
        "kind": "ojt",
        "worksite": "Prairie Fabrication",
        "supervisor": "Dana Lopez",
        "hourly_wage": "16.00",
        "subsidized_wage": "8.00",
        "hours_per_week": "40",
        "starts_on": "2026-12-01",
    },
    "employment:placement_status": lambda w: {"status": "started", "on": "2026-11-20"},
    "employment:placement_follow_up": lambda w: {
        "done_on": "2026-11-24",
        "two_way": "yes",
        "note_body": "Spoke with the worksite supervisor: attendance is good.",
    },
    "employment:credential_create": lambda w: {
        "credential_type": "5",
        "name": "Certified Forklift Operator",
        "attained_on": "2026-11-20",
    },
    "employment:skill_gain_create": lambda w: {
        "kind": "efl",
        "achieved_on": "2026-11-20",
        "description": "TABE reading 4 to 5",
    },
    "supportive:budget_create": lambda w: {
        "reviewed_on": "2026-11-20",
        "income_wages": "1250.00",
        "expense_housing": "950.00",
        "notes": "Rent is due on the 1st.",
    },
    "supportive:referral_create": lambda w: {
        "supportive_type": "transportation",
        "barrier": str(Barrier.objects.filter(active=True).first().pk),
        "organisation": "Sangamon County Community Action",
        "referred_on": "2026-11-20",
        "outcome": "pending",
    },
    "supportive:referral_outcome": lambda w: {"outcome": "could_not_help"},
    "supportive:po_create": lambda w: {
        "supportive_type": "transportation",
        "vendor": str(Vendor.objects.get(name="Metro Transit").pk),
        "item": "Monthly bus pass",
        "quantity": "1",
        "unit_price": "75.00",
        "barrier": str(Barrier.objects.order_by("pk").first().pk),
        "supports": str(ServiceRecord.objects.get(customer=w.customer_a, activity__code="300").pk),
        "funding_program": "adult",
        "referral": str(Referral.objects.get(customer=w.customer_a).pk),
        "justification": "Bus pass to reach the training every day.",
    },
    "supportive:po_request_approval": lambda w: {},
    "supportive:po_approve": lambda w: {},
    "supportive:po_issue": lambda w: {},
    "supportive:po_pay": lambda w: {
        "paid_on": "2026-11-25",
        "invoice_number": "INV-5521",
        "amount_paid": "75.00",
    },
    "supportive:po_void": lambda w: {"reason": "The customer found a ride"},
    "workshops:session_create": lambda w: {
        "workshop": str(Workshop.objects.get(title="Resume Writing").pk),
        "office": str(w.office_a.pk),
        "on": "2026-12-02",
        "starts_at": "10:00",
        "room": "Room 2",
        "facilitator": str(w.facilitator.pk),
        "weeks": "2",
    },
    "workshops:session_cancel": lambda w: {"reason": "The facilitator is ill"},
    "workshops:booking_create": lambda w: {
        "customer": Customer.objects.get(first_name="Walker").customer_number
    },
    "workshops:booking_cancel": lambda w: {"reason": "Started a new job"},
    "workshops:booking_move": lambda w: {
        "to": str(Session.objects.get(workshop__title="Job Club").pk),
        "reason": "Has a job interview that day",
    },
    "workshops:customer_sessions": lambda w: {},  # the row's form carries the session
    "workshops:appointment_create": lambda w: {
        "with_user": str(w.planner_a.pk),
        "on": "2026-12-01",
        "starts_at": "09:00",
        "ends_at": "09:30",
        "purpose": "Review the training application",
        "place": "Desk 4",
        "what_to_bring": "Photo ID",
    },
    "workshops:appointment_reschedule": lambda w: {
        "on": "2026-11-30",
        "starts_at": "10:00",
        "ends_at": "10:30",
        "reason": "The customer has a job interview",
    },
    "workshops:appointment_cancel": lambda w: {"reason": "The customer asked to cancel"},
    "workshops:appointment_outcome": lambda w: {"status": "kept"},
    "workshops:attendance_amend": lambda w: {
        "attendance": "no_show",
        "reason": "Signed in but left before the session started.",
    },
    "compliance:log_contact": lambda w: {
        "two_way": "no",
        "contact_method": "phone",
        "note": "Left a voicemail.",
    },
}

PO_ACTIONS = {
    "supportive:po_request_approval",
    "supportive:po_approve",
    "supportive:po_issue",
    "supportive:po_pay",
    "supportive:po_void",
}
# Search forms save nothing; they must still never fail on hostile text.
SEARCH_ONLY = {"customers:list", "casenotes:list", "audit:list", "audit:export"}
# Forms whose valid post needs a file upload, which this sweep does not build; their
# other fields are still swept, and their uploads have tests of their own.
UPLOADS = {"customers:documents", "plans:sign"}
# POST URLs that are not a form a person fills: sign-in is Django's (and axes'), the
# note guide check is a read-only helper, logout and the plan's print button have no
# fields. Django's admin forms are Django's own and sit outside this sweep. The role
# switch is a row of buttons in the menu of every page, writing nothing but the session:
# tests/test_homes.py sends it hostile values.
NOT_FORMS = {"login", "logout", "casenotes:check", "plans:print", "switch_role"}
# The two-step sign-in forms take one code each, and each needs a state this sweep does
# not build (an app set up, a session verified by it): tests/test_two_factor.py sends
# them the same hostile input (test_hostile_codes_are_refused_with_a_message_and_write_nothing).
SWEPT_ELSEWHERE = {
    "twofactor:setup",
    "twofactor:verify",
    "twofactor:regenerate",
    "twofactor:remove",
}
POSTED = [
    name
    for name, rows in MATRIX.items()
    if rows["supervisor_a"][1] not in (405, 403, 404)
    and name not in NOT_FORMS | SWEPT_ELSEWHERE
    and not name.startswith("admin:")
]
FORMS = sorted(set(POSTED) - {"compliance:log_contact"}) + ["compliance:log_contact"]


def _snapshot() -> tuple[int, ...]:
    return (
        *(model._default_manager.count() for model in WRITTEN),
        pghistory.models.Events.objects.count(),
    )


def _page_and_action(name: str, world: World) -> tuple[str, str, str]:
    """The page that shows the form, the form's own action, and where the post goes (a
    button may post the same form elsewhere, as the audit trail's CSV export)."""
    if name in ("services:close", "services:reopen"):
        training = _training(world, closed=name == "services:reopen")
        url = reverse(name, kwargs={"pk": world.customer_a.pk, "service_pk": training.pk})
        return url, url, url
    url = _url(name, world)
    if name in PO_ACTIONS:  # the action forms are on the purchase order's page
        return reverse("supportive:po_detail", kwargs=resolve(url).kwargs), url, url
    if name == "compliance:log_contact":
        return reverse("compliance:tracker"), url, url
    if name == "audit:export":
        return reverse("audit:list"), reverse("audit:list"), url
    return url, url, url


def _training(world: World, *, closed: bool) -> ServiceRecord:
    from services.services import NoteDraft, service_record_create

    customer = world.customer_a
    note = NoteDraft("Service Strategy", "Career planner met the customer.", "in_person", True)
    day = customer.certification_date
    for code in ("207", "205"):
        service_record_create(
            customer=customer,
            activity=Activity.objects.get(code=code),
            started_on=day,
            ended_on=day,
            entered_by=world.planner_a,
            note=note,
        )
    return service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="300"),
        started_on=day,
        ended_on=day if closed else None,
        completion_status="unsuccessful" if closed else "",
        entered_by=world.planner_a,
    )


def _messages(response) -> list[str]:  # noqa: ANN001
    import re

    html = response.content.decode()
    found = re.findall(
        r'class="[^"]*(?:invalid-feedback|alert-danger|alert-warning)[^"]*"[^>]*>(.*?)</(?:div|span|p)>',
        html,
        re.DOTALL,
    )
    return [re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in found]


def _shows_a_message(client, response) -> bool:  # noqa: ANN001
    if response.status_code == 302:
        response = client.get(response["Location"])
    html = response.content.decode()
    return any(
        mark in html for mark in ("is-invalid", "alert-danger", "invalid-feedback", "alert-warning")
    )


def _hostile_cases(fields: dict[str, FormField]) -> list[tuple[str, str, str]]:
    cases = []
    for item in fields.values():
        if item.kind == "checkbox" and item.options == ["on"]:
            continue  # a single yes/no box: any value a browser can send means yes
        for what, value in PAYLOADS.get(item.kind, {}).items():
            cases.append((item.name, what, value))
    return cases


def _prepare(name: str, world: World) -> None:
    customer = certify(world.customer_a)
    if name in (
        "workshops:booking_create",
        "workshops:booking_move",
        "workshops:customer_sessions",
    ):
        # A free customer and a second session (of its own workshop: titles are unique).
        make_customer(office=world.office_a, planner=world.planner_a, first_name="Walker")
        make_session(world, workshop=make_workshop("Job Club"), on=datetime.date(2026, 12, 2))
    if name == "plans:develop":
        from plans.models import AssessmentType
        from plans.services import assessment_create

        assessment_create(
            customer=customer,
            assessment_type=AssessmentType.objects.first(),
            assessed_on=customer.certification_date,
            scores="Reading 9",
            summary="",
            entered_by=world.planner_a,
        )
    if name == "gaps:undo_exit":
        from compliance.engine import SOFT_EXIT_REASON

        Customer.objects.filter(pk=customer.pk).update(
            status="exited", exit_date=datetime.date(2026, 10, 1), exit_reason=SOFT_EXIT_REASON
        )
    if name == "compliance:log_contact":
        # The tracker lists customers 60 days without an enrolling service: make A one.
        from compliance.engine import evaluate
        from services.services import NoteDraft, service_record_create

        Customer.objects.filter(pk=customer.pk).update(
            application_date=datetime.date(2026, 9, 1),
            eligibility_date=datetime.date(2026, 9, 1),
            certification_date=datetime.date(2026, 9, 1),
        )
        customer.refresh_from_db()
        service_record_create(
            customer=customer,
            activity=Activity.objects.get(code="211"),
            started_on=customer.application_date,
            ended_on=customer.application_date,
            entered_by=world.planner_a,
            note=NoteDraft("Check-in", "Career planner met the customer.", "in_person", True),
        )
        evaluate(as_of=NOW.date())


def test_every_form_is_swept_from_a_valid_entry():
    assert set(FORMS) - set(VALID) - SEARCH_ONLY - UPLOADS == set()


@pytest.mark.parametrize("name", sorted(VALID))
@time_machine.travel(NOW, tick=False)
def test_the_valid_form_saves_so_the_sweep_means_something(world, name, settings):
    settings.AXES_ENABLED = False
    client = client_for(world.supervisor_a)
    _prepare(name, world)
    page, form_action, action = _page_and_action(name, world)
    fields = form_fields(client.get(page).content.decode(), form_action)
    assert fields, f"no form found on {page}"
    before = _snapshot()
    response = client.post(action, {**as_post(fields), **VALID[name](world)})
    assert response.status_code == 302, (response.status_code, _messages(response))
    assert _snapshot() != before


@pytest.mark.parametrize("name", FORMS)
@time_machine.travel(NOW, tick=False)
def test_hostile_input_is_refused_with_a_message_and_writes_nothing(world, name, settings):
    settings.AXES_ENABLED = False
    client = client_for(world.supervisor_a)
    _prepare(name, world)
    page, form_action, action = _page_and_action(name, world)
    fields = form_fields(client.get(page).content.decode(), form_action)
    assert fields, f"no form found on {page}"
    valid = {**as_post(fields), **(VALID[name](world) if name in VALID else {})}
    failures = []
    for field_name, what, value in _hostile_cases(fields):
        before = _snapshot()
        response = client.post(action, {**valid, field_name: value})
        if response.status_code >= 500:
            failures.append(f"{field_name} with {what}: answered {response.status_code}")
            continue
        if _snapshot() != before:
            failures.append(f"{field_name} with {what}: something was written")
        elif name not in SEARCH_ONLY and not _shows_a_message(client, response):
            failures.append(f"{field_name} with {what}: no message says what is wrong")
    assert not failures, f"{name}: " + "; ".join(failures)
