"""Every URL x persona x method, with the status each must answer.

A URL that is not in MATRIX fails `test_every_url_is_in_the_matrix`. Another office's
customer answers 404, as if it did not exist; a missing permission answers 403; an
anonymous visitor is sent to sign in (302).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from casemgmt.clock import today_for_office
from customers.models import DocumentType
from customers.services import document_upload
from employment.models import FollowUp
from employment.services import employment_create, exit_record, placement_create
from plans.services import plan_version_mark_printed, plan_version_sign
from services.models import Activity, ServiceRecord
from services.services import NoteDraft, service_record_create
from supportive.services import po_issue, po_request_approval
from tests.conftest import World, client_for
from tests.factories import certify, make_plan
from tests.supportive_factory import budget, draft, ready_for_po, referral
from tests.test_veterans import veterans_url
from tests.workshop_factory import workshop_world
from workshops.models import Appointment
from workshops.services import attendance_submit

PERSONAS = [
    "anonymous",
    "planner_a",
    "planner_b",
    "supervisor_a",
    "facilitator",
    "tracker_a",
    "vetrep_a",
    "admin",
]

# Shorthands: (GET, POST) per persona, in PERSONAS order.
LOGIN = 302


def row(
    anonymous: tuple[int, int],
    planner_a: tuple[int, int],
    planner_b: tuple[int, int],
    supervisor_a: tuple[int, int],
    facilitator: tuple[int, int],
    admin: tuple[int, int],
    *,
    tracker: tuple[int, int],
    vetrep: tuple[int, int] | None = None,
) -> dict[str, tuple[int, int]]:
    """A URL's answers per persona. The veteran representative of office A works as a
    career planner there, so answers as planner_a unless said otherwise."""
    return {
        "anonymous": anonymous,
        "planner_a": planner_a,
        "planner_b": planner_b,
        "supervisor_a": supervisor_a,
        "facilitator": facilitator,
        "tracker_a": tracker,
        "vetrep_a": vetrep if vetrep is not None else planner_a,
        "admin": admin,
    }


# The tracker of office A sees office A's contact card and re-engagement lists and logs
# contacts (SPEC 1); not case notes, plans, services, documents or the update log.
NO_TRACKER = (403, 403)
NO_TRACKER_READ = (403, 405)
# A page about office A's customer, readable by those who may see the whole case file.
CUSTOMER_READ = row(
    (LOGIN, LOGIN),
    (200, 405),
    (404, 405),
    (200, 405),
    (403, 405),
    (200, 405),
    tracker=NO_TRACKER_READ,
)
# A form about office A's customer; an empty POST re-renders the form with its errors.
CUSTOMER_WRITE = row(
    (LOGIN, LOGIN),
    (200, 200),
    (404, 404),
    (200, 200),
    (403, 403),
    (200, 200),
    tracker=NO_TRACKER,
)
# The supervisor's dashboards: supervisors and administrators only.
SUPERVISOR_READ = row(
    (LOGIN, LOGIN),
    (403, 405),
    (403, 405),
    (200, 405),
    (403, 405),
    (200, 405),
    tracker=NO_TRACKER_READ,
    vetrep=(403, 405),
)
# A supervisor's action: supervisors and administrators only.
SUPERVISOR_WRITE = row(
    (LOGIN, LOGIN),
    (403, 403),
    (403, 403),
    (200, 200),
    (403, 403),
    (200, 200),
    tracker=NO_TRACKER,
    vetrep=(403, 403),
)
ANY_STAFF = row(
    (LOGIN, LOGIN),
    (200, 405),
    (200, 405),
    (200, 405),
    (200, 405),
    (200, 405),
    tracker=(200, 405),
)

# The attendance sheet and its amendment: the session's facilitator, the office's
# supervisors and administrators (a planner schedules, but does not enter attendance).
ATTENDANCE = row(
    (LOGIN, LOGIN),
    (403, 403),
    (403, 403),
    (200, 200),
    (200, 200),
    (200, 200),
    tracker=NO_TRACKER,
)

# Purchase-order actions: POST only, each posted with the version the PO's page showed.
PO_ACTION = row(
    (LOGIN, LOGIN),
    (405, 200),
    (405, 404),
    (405, 200),
    (405, 403),
    (405, 200),
    tracker=(405, 403),
)
# A supervisor's action on a PO: the permission is checked before the customer is read.
PO_SUPERVISOR_ACTION = row(
    (LOGIN, LOGIN),
    (405, 403),
    (405, 403),
    (405, 200),
    (405, 403),
    (405, 200),
    tracker=(405, 403),
    vetrep=(405, 403),
)

# Veteran referrals: veteran representatives and the office's supervisors read; only a
# veteran representative of the referral's office takes it (an administrator reads every
# office, takes none).
VETERAN_READ = row(
    (LOGIN, LOGIN),
    (403, 405),
    (403, 405),
    (200, 405),
    (403, 405),
    (200, 405),
    tracker=(403, 405),
    vetrep=(200, 405),
)
VETERAN_TAKE = row(
    (LOGIN, LOGIN),
    (403, 403),
    (403, 403),
    (403, 403),
    (403, 403),
    (403, 403),
    tracker=(403, 403),
    vetrep=(200, 200),
)

MATRIX: dict[str, dict[str, tuple[int, int]]] = {
    "employment:customer": CUSTOMER_READ,
    "employment:periods": CUSTOMER_READ,
    "employment:exit": CUSTOMER_WRITE,
    "employment:exit_details": CUSTOMER_WRITE,
    "employment:period_close": CUSTOMER_WRITE,
    "employment:follow_up": CUSTOMER_WRITE,
    "employment:completeness": row(
        (LOGIN, LOGIN),
        (200, 405),
        (200, 405),
        (200, 405),
        (403, 405),
        (200, 405),
        tracker=NO_TRACKER_READ,
    ),
    "employment:outcomes": SUPERVISOR_READ,
    "employment:outcomes_list": SUPERVISOR_READ,
    "employment:outcomes_export": SUPERVISOR_READ,
    "bulkdata:pirl": SUPERVISOR_READ,
    "bulkdata:pirl_export": SUPERVISOR_READ,
    "employment:entry_check": CUSTOMER_READ,
    "employment:contact_create": CUSTOMER_WRITE,
    "employment:job_create": CUSTOMER_WRITE,
    "employment:job_edit": CUSTOMER_WRITE,
    "employment:placement_create": CUSTOMER_WRITE,
    "employment:placement_status": CUSTOMER_WRITE,
    "employment:placement_follow_up": CUSTOMER_WRITE,
    "employment:credential_create": CUSTOMER_WRITE,
    "employment:skill_gain_create": CUSTOMER_WRITE,
    "supportive:customer": CUSTOMER_READ,
    "supportive:budget_create": CUSTOMER_WRITE,
    "supportive:budget_detail": CUSTOMER_READ,
    "supportive:referral_create": CUSTOMER_WRITE,
    "supportive:referral_outcome": CUSTOMER_WRITE,
    "supportive:po_create": CUSTOMER_WRITE,
    "supportive:po_detail": CUSTOMER_READ,
    "supportive:po_pdf": CUSTOMER_READ,
    "supportive:po_receipt": CUSTOMER_READ,
    "supportive:po_request_approval": PO_ACTION,
    "supportive:po_issue": PO_ACTION,
    "supportive:po_approve": PO_SUPERVISOR_ACTION,
    "supportive:po_pay": PO_SUPERVISOR_ACTION,
    "supportive:po_void": PO_SUPERVISOR_ACTION,
    "supportive:money": SUPERVISOR_READ,
    "supportive:money_list": SUPERVISOR_READ,
    "supportive:money_export": SUPERVISOR_READ,
    "workshops:attendance": ATTENDANCE,
    "workshops:attendance_amend": ATTENDANCE,
    "workshops:sessions": row(
        (LOGIN, LOGIN),
        (200, 405),
        (200, 405),
        (200, 405),
        (200, 405),
        (200, 405),
        tracker=NO_TRACKER_READ,
    ),
    "workshops:session_create": SUPERVISOR_WRITE,
    "workshops:facilitator": row(
        (LOGIN, LOGIN),
        (403, 405),
        (403, 405),
        (200, 405),
        (200, 405),
        (200, 405),
        tracker=NO_TRACKER_READ,
    ),
    "workshops:session_detail": row(
        (LOGIN, LOGIN),
        (200, 405),
        (404, 405),
        (200, 405),
        (200, 405),
        (200, 405),
        tracker=NO_TRACKER_READ,
    ),
    "workshops:session_cancel": SUPERVISOR_WRITE,
    "workshops:booking_create": CUSTOMER_WRITE,
    "workshops:booking_cancel": CUSTOMER_WRITE,
    "workshops:booking_move": CUSTOMER_WRITE,
    "workshops:customer_sessions": CUSTOMER_WRITE,
    "workshops:rates": SUPERVISOR_READ,
    "workshops:rates_sessions": SUPERVISOR_READ,
    "workshops:rates_bookings": SUPERVISOR_READ,
    "workshops:rates_export": SUPERVISOR_READ,
    "workshops:appointment_create": CUSTOMER_WRITE,
    "workshops:appointment_reschedule": CUSTOMER_WRITE,
    "workshops:appointment_cancel": CUSTOMER_WRITE,
    "workshops:appointment_outcome": CUSTOMER_WRITE,
    "workshops:appointment_card": CUSTOMER_READ,
    "workshops:appointment_ics": CUSTOMER_READ,
    "home": ANY_STAFF,
    "veterans:queue": VETERAN_READ,
    "veterans:referral": VETERAN_READ,
    "veterans:accept": VETERAN_TAKE,
    "veterans:serve": VETERAN_TAKE,
    "veterans:close": VETERAN_TAKE,
    "veterans:refer": CUSTOMER_WRITE,
    # Working as another of one's own roles; a role one does not hold changes nothing.
    "switch_role": row(
        (LOGIN, LOGIN),
        (405, 302),
        (405, 302),
        (405, 302),
        (405, 302),
        (405, 302),
        tracker=(405, 302),
    ),
    "healthz": row(
        (200, 405),
        (200, 405),
        (200, 405),
        (200, 405),
        (200, 405),
        (200, 405),
        tracker=(200, 405),
    ),
    "login": row(
        (200, 200),
        (302, 302),
        (302, 302),
        (302, 302),
        (302, 302),
        (302, 302),
        tracker=(302, 302),
    ),
    "logout": row(
        (LOGIN, 302),
        (405, 302),
        (405, 302),
        (405, 302),
        (405, 302),
        (405, 302),
        tracker=(405, 302),
    ),
    # A search is posted (it never travels in a URL); the post answers with the results.
    "customers:list": row(
        (LOGIN, LOGIN),
        (200, 200),
        (200, 200),
        (200, 200),
        (403, 403),
        (200, 200),
        tracker=(200, 200),
    ),
    "customers:create": row(
        (LOGIN, LOGIN),
        (200, 200),
        (200, 200),
        (200, 200),
        (403, 403),
        (200, 200),
        tracker=NO_TRACKER,
    ),
    # The tracker sees the contact card only.
    "customers:detail": row(
        (LOGIN, LOGIN),
        (200, 405),
        (404, 405),
        (200, 405),
        (403, 405),
        (200, 405),
        tracker=(200, 405),
    ),
    "customers:edit": CUSTOMER_WRITE,
    "customers:reassign": SUPERVISOR_WRITE,
    "customers:documents": CUSTOMER_WRITE,
    "customers:document": CUSTOMER_READ,
    "customers:history": CUSTOMER_READ,
    "services:list": CUSTOMER_READ,
    "services:create": CUSTOMER_WRITE,
    "services:entry_check": CUSTOMER_READ,
    "services:detail": CUSTOMER_READ,
    "services:close": CUSTOMER_WRITE,
    # The author corrects within the policy window; supervisors and administrators always;
    # another planner of the office is sent back to the service with the reason.
    "services:correct": row(
        (LOGIN, LOGIN),
        (200, 200),
        (404, 404),
        (200, 200),
        (403, 403),
        (200, 200),
        tracker=NO_TRACKER,
        vetrep=(302, 302),
    ),
    "services:reopen": SUPERVISOR_WRITE,
    "casenotes:list": CUSTOMER_WRITE,  # searching posts the words
    # The tracker writes contact notes and attempts, without reading the others.
    "casenotes:create": row(
        (LOGIN, LOGIN),
        (200, 200),
        (404, 404),
        (200, 200),
        (403, 403),
        (200, 200),
        tracker=(200, 200),
    ),
    "casenotes:check": row(
        (LOGIN, LOGIN),
        (405, 200),
        (405, 404),
        (405, 200),
        (405, 403),
        (405, 200),
        tracker=(405, 200),
    ),
    "casenotes:addendum": CUSTOMER_WRITE,
    "services:timeline": CUSTOMER_READ,
    "plans:detail": CUSTOMER_READ,
    "plans:develop": CUSTOMER_WRITE,
    "plans:edit": CUSTOMER_WRITE,
    "plans:review": CUSTOMER_WRITE,
    "plans:goal_create": CUSTOMER_WRITE,
    "plans:goal_edit": CUSTOMER_WRITE,
    "plans:step_create": CUSTOMER_WRITE,
    "plans:step_edit": CUSTOMER_WRITE,
    # Printing records the print, so it is a POST; a GET changes nothing and answers 405.
    "plans:print": row(
        (LOGIN, LOGIN),
        (405, 200),
        (405, 404),
        (405, 200),
        (405, 403),
        (405, 200),
        tracker=(405, 403),
    ),
    "plans:sign": CUSTOMER_WRITE,
    "plans:signed_copy": CUSTOMER_READ,
    "plans:assessments": CUSTOMER_WRITE,
    "compliance:planner": row(
        (LOGIN, LOGIN),
        (200, 405),
        (200, 405),
        (200, 405),
        (403, 405),
        (200, 405),
        tracker=(200, 405),
    ),
    "compliance:supervisor": SUPERVISOR_READ,
    "compliance:drilldown": SUPERVISOR_READ,
    "compliance:export": SUPERVISOR_READ,
    "compliance:tracker": row(
        (LOGIN, LOGIN),
        (200, 405),
        (200, 405),
        (200, 405),
        (403, 405),
        (200, 405),
        tracker=(200, 405),
    ),
    # A quick contact entry about office A's customer; an empty POST is refused with a
    # message and sent back to the list.
    "compliance:log_contact": row(
        (LOGIN, LOGIN),
        (405, 302),
        (405, 404),
        (405, 302),
        (405, 403),
        (405, 302),
        tracker=(405, 302),
    ),
    "gaps:create": CUSTOMER_WRITE,
    "gaps:undo_exit": SUPERVISOR_WRITE,
    # Two-step sign-in: each person's own. The personas have no app set up, so every
    # page but set-up sends them there (302); an empty POST re-renders with its error.
    "twofactor:setup": row(
        (LOGIN, LOGIN),
        (200, 200),
        (200, 200),
        (200, 200),
        (200, 200),
        (200, 200),
        tracker=(200, 200),
    ),
    "twofactor:verify": row(
        (LOGIN, LOGIN),
        (302, 302),
        (302, 302),
        (302, 302),
        (302, 302),
        (302, 302),
        tracker=(302, 302),
    ),
    "twofactor:recovery_codes": row(
        (LOGIN, LOGIN),
        (302, 405),
        (302, 405),
        (302, 405),
        (302, 405),
        (302, 405),
        tracker=(302, 405),
    ),
    "twofactor:manage": row(
        (LOGIN, LOGIN),
        (302, 405),
        (302, 405),
        (302, 405),
        (302, 405),
        (302, 405),
        tracker=(302, 405),
    ),
    "twofactor:regenerate": row(
        (LOGIN, LOGIN),
        (405, 302),
        (405, 302),
        (405, 302),
        (405, 302),
        (405, 302),
        tracker=(405, 302),
    ),
    "twofactor:remove": row(
        (LOGIN, LOGIN),
        (405, 302),
        (405, 302),
        (405, 302),
        (405, 302),
        (405, 302),
        tracker=(405, 302),
    ),
    # The audit trail: administrators and supervisors (their offices' customers only).
    # Filters are posted, so an empty POST shows the page; the CSV is POST only.
    "audit:list": row(
        (LOGIN, LOGIN),
        (403, 403),
        (403, 403),
        (200, 200),
        (403, 403),
        (200, 200),
        tracker=(403, 403),
        vetrep=(403, 403),
    ),
    "audit:export": row(
        (LOGIN, LOGIN),
        (405, 403),
        (405, 403),
        (405, 200),
        (405, 403),
        (405, 200),
        tracker=(405, 403),
        vetrep=(405, 403),
    ),
    "admin:index": row(
        (302, 302),
        (302, 302),
        (302, 302),
        (302, 302),
        (302, 302),
        (200, 200),
        tracker=(302, 302),
    ),
}

# Django's admin builds its own URLs per model; all sit behind the admin index's rule,
# which the matrix checks through admin:index.
EXEMPT_NAMESPACES = {"admin"}


def _named_urls(patterns: list, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace in EXEMPT_NAMESPACES:
                continue
            names |= _named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_is_in_the_matrix():
    found = _named_urls(get_resolver().url_patterns) | {"admin:index"}
    assert found - set(MATRIX) == set(), "Add these URLs to the permission matrix"
    assert set(MATRIX) - found == set(), "The matrix names URLs that no longer exist"


def _service_with_note(world: World) -> ServiceRecord:
    customer = world.customer_a
    customer.certification_date = customer.application_date
    customer.save()
    return service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="202"),
        started_on=customer.application_date,
        ended_on=customer.application_date,
        entered_by=world.planner_a,
        note=NoteDraft(
            subject="Career planning",
            body="Met in person.",
            contact_method="in_person",
            two_way=True,
        ),
    )


EXIT_URLS = {
    "employment:exit",
    "employment:exit_details",
    "employment:period_close",
    "employment:follow_up",
}
EMPLOYMENT_RECORD_URLS = {
    "employment:job_edit",
    "employment:placement_status",
    "employment:placement_follow_up",
}
# Which kwargs a workshops URL takes, tried in turn.
WORKSHOP_KWARGS = [
    ("session_pk", "booking_pk"),
    ("pk", "appointment_pk"),
    ("pk", "booking_pk"),
    ("pk", "session_pk"),
    ("session_pk",),
    ("booking_pk",),
    ("appointment_pk",),
    ("pk",),
    (),
]


def _workshop_url(name: str, world: World) -> str:
    """Office A's session today with customer A booked (and marked attended, for the
    amendment), and customer A's appointment tomorrow."""
    ww = workshop_world(world)
    booking = ww.booking
    if name == "workshops:attendance_amend":
        attendance_submit(
            session=ww.session, user=world.facilitator, marks={world.customer_a.pk: "attended"}
        )
    if name == "workshops:appointment_outcome":  # kept or missed: on the day or after
        Appointment.objects.filter(pk=ww.appointment.pk).update(on=today_for_office(world.office_a))
    values = {
        "pk": world.customer_a.pk,
        "session_pk": ww.session.pk,
        "booking_pk": booking.pk,
        "appointment_pk": ww.appointment.pk,
    }
    for names in WORKSHOP_KWARGS:
        try:
            return reverse(name, kwargs={n: values[n] for n in names})
        except NoReverseMatch:
            continue
    raise AssertionError(f"{name}: give its kwargs in WORKSHOP_KWARGS")


def _supportive_url(name: str, world: World) -> str:
    """Customer A ready for a purchase order, and the record each URL opens."""
    customer = world.customer_a
    if name == "supportive:budget_detail":
        return reverse(name, kwargs={"pk": customer.pk, "budget_pk": budget(customer, world).pk})
    if name == "supportive:referral_outcome":
        saved = referral(customer, world, outcome="pending")
        return reverse(name, kwargs={"pk": customer.pk, "referral_pk": saved.pk})
    if not name.startswith("supportive:po_") or name == "supportive:po_create":
        if name == "supportive:po_create":
            ready_for_po(world)
        try:
            return reverse(name, kwargs={"pk": customer.pk})
        except NoReverseMatch:
            return reverse(name)
    ready = ready_for_po(world)
    if name in ("supportive:po_request_approval", "supportive:po_approve"):
        po = draft(ready, world, unit_price="900.00")
        if name == "supportive:po_approve":
            po = po_request_approval(po=po, user=world.planner_a, expected_version=None)
    elif name in ("supportive:po_pay", "supportive:po_void", "supportive:po_receipt"):
        po = po_issue(
            po=draft(ready, world, card_number="BP-0001"),
            user=world.planner_a,
            expected_version=None,
        )
    else:  # po_detail, po_issue, po_pdf
        po = draft(ready, world)
    return reverse(name, kwargs={"pk": customer.pk, "po_pk": po.pk})


def _exit_url(name: str, world: World) -> str:
    """Customer A a participant with a closed 211 and, past the exit page, exited."""
    customer = world.customer_a
    if customer.certification_date is None:
        customer = certify(customer, customer.application_date)
    service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="211"),
        started_on=customer.certification_date,
        ended_on=customer.certification_date,
        entered_by=world.planner_a,
        note=NoteDraft("Job search", "Career planner reviewed job leads.", "in_person", True),
    )
    if name == "employment:exit":
        return reverse(name, kwargs={"pk": customer.pk})
    period = exit_record(
        customer=customer,
        user=world.planner_a,
        employed_at_exit=False,
        other_reason="",
        job=None,
        note_body="Services complete.",
    )
    if name == "employment:follow_up":
        follow_up = FollowUp.objects.get(period=period, quarter=1)
        return reverse(name, kwargs={"pk": customer.pk, "follow_up_pk": follow_up.pk})
    return reverse(name, kwargs={"pk": customer.pk, "period_pk": period.pk})


def _employment_url(name: str, world: World) -> str:
    """Customer A with the job or placement (and its day-30 follow-up) a URL opens."""
    customer = world.customer_a
    kwargs = {"pk": customer.pk}
    if name == "employment:job_edit":
        kwargs["job_pk"] = employment_create(
            customer=customer,
            user=world.planner_a,
            fields={
                "employer": "Prairie Logistics",
                "job_title": "Forklift operator",
                "started_on": datetime.date(2026, 11, 2),
                "hourly_wage": Decimal("18.50"),
                "hours_per_week": Decimal("40"),
                "verification": "pay_stub",
            },
        ).pk
    elif name in ("employment:placement_status", "employment:placement_follow_up"):
        placement = placement_create(
            customer=customer,
            user=world.planner_a,
            fields={
                "kind": "ojt",
                "worksite": "Prairie Fabrication",
                "supervisor": "Dana Lopez",
                "hourly_wage": Decimal("16.00"),
                "subsidized_wage": Decimal("8.00"),
                "hours_per_week": Decimal("40"),
                "starts_on": datetime.date(2026, 11, 2),
            },
        )
        kwargs["placement_pk"] = placement.pk
        if name == "employment:placement_follow_up":
            kwargs["follow_up_pk"] = placement.follow_ups.get(day=30).pk
    return reverse(name, kwargs=kwargs)


def _url(name: str, world: World) -> str:
    customer = world.customer_a
    if name.startswith("veterans:"):
        return veterans_url(name, world)
    if name in EMPLOYMENT_RECORD_URLS:
        return _employment_url(name, world)
    if name in EXIT_URLS:
        return _exit_url(name, world)
    if name.startswith("workshops:"):
        return _workshop_url(name, world)
    if name.startswith("supportive:"):
        return _supportive_url(name, world)
    if name in ("services:detail", "services:close", "services:reopen", "services:correct"):
        record = _service_with_note(world)
        return reverse(name, kwargs={"pk": customer.pk, "service_pk": record.pk})
    if name == "casenotes:addendum":
        note = _service_with_note(world).case_notes.get()
        return reverse(name, kwargs={"pk": customer.pk, "note_pk": note.pk})
    if name == "customers:document":
        document = document_upload(
            customer=customer,
            document_type=DocumentType.objects.first(),
            upload=SimpleUploadedFile("id.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
            uploaded_by=world.planner_a,
            max_mb=5,
        )
        return reverse(name, kwargs={"pk": customer.pk, "document_pk": document.pk})
    if name.startswith("plans:") and name not in ("plans:develop", "plans:assessments"):
        plan = make_plan(customer, world.planner_a)
        goal = plan.goals.get()
        kwargs: dict[str, int] = {"pk": customer.pk}
        if name == "plans:goal_edit" or name == "plans:step_create":
            kwargs["goal_pk"] = goal.pk
        if name == "plans:step_edit":
            kwargs["step_pk"] = goal.steps.get().pk
        if name in ("plans:print", "plans:sign", "plans:signed_copy"):
            kwargs["number"] = 1
        if name == "plans:signed_copy":
            plan_version_mark_printed(plan.versions.get(number=1))
            plan_version_sign(
                version=plan.versions.get(number=1),
                upload=SimpleUploadedFile("s.pdf", b"%PDF-1.4 s", content_type="application/pdf"),
                signed_on=customer.certification_date,
                uploaded_by=world.planner_a,
                max_mb=5,
            )
        return reverse(name, kwargs=kwargs)
    try:
        return reverse(name, kwargs={"pk": customer.pk})
    except Exception:
        return reverse(name)


CASES = [
    (name, persona, method) for name in MATRIX for persona in PERSONAS for method in ("GET", "POST")
]


@pytest.mark.parametrize(("name", "persona", "method"), CASES)
def test_permission_matrix(world: World, name: str, persona: str, method: str, settings):
    settings.AXES_ENABLED = False
    user = None if persona == "anonymous" else getattr(world, persona)
    client = client_for(user)
    url = _url(name, world)
    response = client.get(url) if method == "GET" else client.post(url, {})
    expected = MATRIX[name][persona][0 if method == "GET" else 1]
    assert response.status_code == expected, f"{method} {name} as {persona}"
    if expected == LOGIN and persona == "anonymous" and name not in ("logout",):
        assert response["Location"].startswith(
            reverse("login") if name != "admin:index" else "/admin/login/"
        )
