"""What a person types is what is saved, a save never silently overwrites someone
else's, and a create form records once (customers and plans)."""

import datetime
import importlib
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from casemgmt.forms import InputModelForm
from casemgmt.once import REPLAYED_MESSAGE, STALE_FORM
from casenotes.models import CaseNote
from customers.models import Customer, DocumentType, EligibilityDocument
from customers.services import customer_reassign
from plans.forms import PlanForm
from plans.models import Assessment, AssessmentType, Goal, Plan, PlanVersion, Step
from plans.services import (
    PlanAlreadyDeveloped,
    assessment_create,
    plan_create,
    plan_review,
    plan_version_mark_printed,
)
from services.models import Activity, ServiceRecord
from tests.conftest import World, client_for
from tests.factories import certify, make_plan, make_user
from tests.readback import assert_saved, form_page_fields

APPS = [
    "customers",
    "plans",
    "services",
    "casenotes",
    "compliance",
    "workshops",
    "supportive",
    "employment",
]
DEVELOPED = datetime.date(2026, 10, 5)


def open_form(client: Client, url: str) -> dict[str, str]:
    """Open an edit or create page; the hidden fields it carries (token or version)."""
    page = client.get(url)
    assert page.status_code == 200
    return form_page_fields(page.content.decode())


def messages_of(response) -> list[str]:  # noqa: ANN001
    return [str(m) for m in response.context["messages"]]


# --- The pattern: forms read input, services compare with the stored row ---------------------


def _subclasses(cls: type) -> list[type]:
    return [c for sub in cls.__subclasses__() for c in (sub, *_subclasses(sub))]


def test_every_model_form_of_the_apps_only_reads_its_input():
    for app in APPS:  # forms.py and views.py, or the forms_*/views_* of a split app
        package = importlib.import_module(app)
        for module in pkgutil.iter_modules(package.__path__):
            if module.name.startswith(("forms", "views")):
                importlib.import_module(f"{app}.{module.name}")
    model_forms = {
        f"{c.__module__}.{c.__qualname__}": c
        for c in _subclasses(forms.BaseModelForm)
        # The product's forms; Django's admin saves its own forms as Django does.
        if c.__module__.split(".")[0] in APPS and not c.__module__.endswith(".admin")
    }
    assert {
        "customers.forms.CustomerForm",
        "plans.forms.AssessmentForm",
        "plans.forms.PlanForm",
        "plans.forms.PlanDevelopForm",
        "plans.forms.GoalForm",
        "plans.forms.StepForm",
    } <= set(model_forms)
    assert [name for name, c in model_forms.items() if not issubclass(c, InputModelForm)] == []


def test_binding_the_plan_form_leaves_the_plan_as_it_was(world: World):
    plan = make_plan(world.customer_a, world.planner_a)
    form = PlanForm(
        {
            "employment_goal": "Welder",
            "career_path": "Apprentice, then journeyman",
            "strengths": "Steady hands",
            "lock_version": plan.lock_version,
        },
        instance=plan,
    )
    assert form.is_valid(), form.errors
    assert plan.employment_goal == "Forklift operator at a distribution center"
    assert (plan.career_path, plan.strengths) == ("", "")


# --- Concurrent edits: the second save is refused, then applied on purpose -------------------


def customer_data(customer: Customer, **changes: object) -> dict[str, object]:
    data = {
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "date_of_birth": customer.date_of_birth.isoformat(),
        "phone": customer.phone,
        "email": customer.email,
        "preferred_contact_method": customer.preferred_contact_method,
        "programs": customer.programs,
        "veteran_status": customer.veteran_status,
        "application_date": customer.application_date.isoformat(),
    }
    return {**data, **changes}


def changes_listed(response) -> list[tuple[str, str, str]]:  # noqa: ANN001
    return [(c.label, c.then, c.now) for c in response.context["conflict"].changes]


def as_shown(response) -> dict[str, list[str]]:  # noqa: ANN001
    """What a browser sends when Save is pressed again on the refused page: the form as
    it is shown there (this person's entries, the other person's other changes)."""
    data = response.context["form"].data
    return {name: data.getlist(name) for name in data}


def test_a_customer_edit_made_from_an_older_page_is_refused_until_saved_again(world: World):
    customer = world.customer_a
    url = reverse("customers:edit", kwargs={"pk": customer.pk})
    theirs, mine = client_for(world.supervisor_a), client_for(world.planner_a)
    their_page, my_page = open_form(theirs, url), open_form(mine, url)
    their_change = customer_data(
        customer, city="Springfield", phone="217-555-0111", programs=["adult", "dw"]
    )
    my_change = customer_data(customer, city="Peoria", email="ada@example.org")

    assert theirs.post(url, {**their_page, **their_change}).status_code == 302
    refused = mine.post(url, {**my_page, **my_change})

    assert refused.status_code == 409
    assert ("City", "(blank)", "Springfield") in changes_listed(refused)
    html = refused.content.decode()
    assert "Someone else saved this first" in html
    assert "Supervisor Tester changed this customer" in html
    assert 'value="Peoria"' in html and 'value="ada@example.org"' in html
    assert 'value="2175550111"' in html  # their change to a field left as it was
    assert_saved(
        Customer,
        customer.pk,
        city="Springfield",
        phone="2175550111",
        email=customer.email,
        programs=["adult", "dw"],
    )

    again = mine.post(url, as_shown(refused))
    assert again.status_code == 302
    assert_saved(
        Customer,
        customer.pk,
        city="Peoria",
        email="ada@example.org",
        phone="2175550111",
        programs=["adult", "dw"],
    )


def test_the_conflict_lists_barriers_the_other_person_changed(world: World):
    from customers.models import Barrier

    customer = world.customer_a
    url = reverse("customers:edit", kwargs={"pk": customer.pk})
    theirs, mine = client_for(world.supervisor_a), client_for(world.planner_a)
    their_page, my_page = open_form(theirs, url), open_form(mine, url)
    homeless = Barrier.objects.get(name="Homeless")
    theirs.post(url, {**their_page, **customer_data(customer, barriers=[homeless.pk])})

    refused = mine.post(url, {**my_page, **customer_data(customer, city="Peoria")})

    assert refused.status_code == 409
    assert ("Barriers to employment", "(none)", "Homeless") in changes_listed(refused)
    assert_saved(Customer, customer.pk, city="", barriers=[homeless])
    assert mine.post(url, as_shown(refused)).status_code == 302
    assert_saved(Customer, customer.pk, city="Peoria", barriers=[homeless])


def test_a_reassignment_refuses_a_customer_edit_opened_before_it(world: World):
    customer = world.customer_a
    url = reverse("customers:edit", kwargs={"pk": customer.pk})
    mine = client_for(world.planner_a)
    my_page = open_form(mine, url)
    planner_c = make_user("casey_c", "Career planner", offices=[world.office_a])
    customer_reassign(
        customer=customer,
        career_planner=planner_c,
        reassigned_by=world.supervisor_a,
        reason="Caseload balancing",
    )

    refused = mine.post(url, {**my_page, **customer_data(customer, city="Peoria")})

    assert refused.status_code == 409
    assert ("Career planner", str(world.planner_a), str(planner_c)) in changes_listed(refused)
    assert_saved(Customer, customer.pk, city="", career_planner=planner_c)


def plan_data(plan: Plan, **changes: object) -> dict[str, object]:
    data = {
        "employment_goal": plan.employment_goal,
        "career_path": plan.career_path,
        "assessment_summary": plan.assessment_summary,
        "strengths": plan.strengths,
        "justification": plan.justification,
        "supportive_services": plan.supportive_services,
    }
    return {**data, **changes}


def test_a_plan_edit_made_from_an_older_page_is_refused_until_saved_again(world: World):
    plan = make_plan(world.customer_a, world.planner_a)
    url = reverse("plans:edit", kwargs={"pk": world.customer_a.pk})
    theirs, mine = client_for(world.supervisor_a), client_for(world.planner_a)
    their_page, my_page = open_form(theirs, url), open_form(mine, url)
    their_change = plan_data(plan, employment_goal="Warehouse lead")
    my_change = plan_data(plan, strengths="Six years of retail stocking")

    assert theirs.post(url, {**their_page, **their_change}).status_code == 302
    refused = mine.post(url, {**my_page, **my_change})

    assert refused.status_code == 409
    assert (
        "Employment goal",
        "Forklift operator at a distribution center",
        "Warehouse lead",
    ) in changes_listed(refused)
    html = refused.content.decode()
    assert "Supervisor Tester changed this plan" in html
    assert "Six years of retail stocking" in html and 'value="Warehouse lead"' in html
    assert_saved(Plan, plan.pk, employment_goal="Warehouse lead", strengths="")

    again = mine.post(url, as_shown(refused))
    assert again.status_code == 302
    assert_saved(
        Plan, plan.pk, employment_goal="Warehouse lead", strengths="Six years of retail stocking"
    )


def test_a_review_refuses_a_plan_edit_opened_before_it(world: World):
    plan = make_plan(world.customer_a, world.planner_a)
    url = reverse("plans:edit", kwargs={"pk": world.customer_a.pk})
    mine = client_for(world.planner_a)
    my_page = open_form(mine, url)
    plan_review(
        plan=plan,
        user=world.supervisor_a,
        reviewed_on=datetime.date(2026, 11, 20),
        note_body="Supervisor and customer reviewed the plan.",
        contact_method="in_person",
        two_way=True,
    )

    refused = mine.post(url, {**my_page, **plan_data(plan, strengths="Punctual")})

    assert refused.status_code == 409
    assert ("Last reviewed on", "(blank)", "11/20/2026") in changes_listed(refused)
    assert_saved(Plan, plan.pk, strengths="", last_reviewed_on=datetime.date(2026, 11, 20))


def goal_data(goal: Goal, **changes: object) -> dict[str, object]:
    data = {
        "statement": goal.statement,
        "category": goal.category,
        "term": goal.term,
        "status": goal.status,
        "indicator": goal.indicator,
        "justification": goal.justification,
    }
    return {**data, **changes}


def test_a_goal_edit_made_from_an_older_page_is_refused_until_saved_again(world: World):
    plan = make_plan(world.customer_a, world.planner_a)
    goal = plan.goals.get()
    url = reverse("plans:goal_edit", kwargs={"pk": world.customer_a.pk, "goal_pk": goal.pk})
    theirs, mine = client_for(world.supervisor_a), client_for(world.planner_a)
    their_page, my_page = open_form(theirs, url), open_form(mine, url)
    my_change = goal_data(goal, statement="Earn a forklift operator certificate by March")

    assert theirs.post(url, {**their_page, **goal_data(goal, status="on_track")}).status_code == 302
    refused = mine.post(url, {**my_page, **my_change})

    assert refused.status_code == 409
    assert ("Status", "Not started", "On track") in changes_listed(refused)
    html = refused.content.decode()
    assert "Supervisor Tester changed this goal" in html
    assert 'value="Earn a forklift operator certificate by March"' in html
    assert_saved(Goal, goal.pk, statement="Earn a forklift certificate", status="on_track")

    again = mine.post(url, as_shown(refused))
    assert again.status_code == 302
    assert_saved(
        Goal, goal.pk, statement="Earn a forklift operator certificate by March", status="on_track"
    )


def step_data(step: Step, **changes: object) -> dict[str, object]:
    data = {
        "activity": step.activity_id,
        "description": step.description,
        "status": step.status,
        "start_on": step.start_on.isoformat(),
        "due_on": step.due_on.isoformat(),
        "hours": "" if step.hours is None else str(step.hours),
        "provider": step.provider,
        "dollar_value": "" if step.dollar_value is None else str(step.dollar_value),
    }
    return {**data, **changes}


def test_a_step_edit_made_from_an_older_page_is_refused_until_saved_again(world: World):
    plan = make_plan(world.customer_a, world.planner_a)
    step = Step.objects.get(goal__plan=plan)
    url = reverse("plans:step_edit", kwargs={"pk": world.customer_a.pk, "step_pk": step.pk})
    theirs, mine = client_for(world.supervisor_a), client_for(world.planner_a)
    their_page, my_page = open_form(theirs, url), open_form(mine, url)
    my_change = step_data(step, provider="Heartland Community College")

    assert (
        theirs.post(url, {**their_page, **step_data(step, due_on="2027-01-15")}).status_code == 302
    )
    refused = mine.post(url, {**my_page, **my_change})

    assert refused.status_code == 409
    assert ("Due date", "12/15/2026", "01/15/2027") in changes_listed(refused)
    html = refused.content.decode()
    assert "Supervisor Tester changed this step" in html
    assert 'value="Heartland Community College"' in html
    assert_saved(
        Step,
        step.pk,
        due_on=datetime.date(2027, 1, 15),
        provider="Lincoln Land Community College",
    )

    again = mine.post(url, as_shown(refused))
    assert again.status_code == 302
    assert_saved(
        Step, step.pk, due_on=datetime.date(2027, 1, 15), provider="Heartland Community College"
    )


def test_an_edit_posted_without_its_version_is_refused(world: World):
    plan = make_plan(world.customer_a, world.planner_a)
    url = reverse("plans:edit", kwargs={"pk": world.customer_a.pk})

    response = client_for(world.planner_a).post(url, plan_data(plan, strengths="Punctual"))

    assert response.status_code == 200
    assert "This form is out of date (it has no version)" in response.content.decode()
    assert_saved(Plan, plan.pk, strengths="")


# --- Two planners developing the same plan ---------------------------------------------------


def assessed(world: World) -> Customer:
    customer = certify(world.customer_a)
    assessment_create(
        customer=customer,
        assessment_type=AssessmentType.objects.get(name="TABE 11/12"),
        assessed_on=DEVELOPED,
        scores="Reading 9.2",
        summary="",
        entered_by=world.planner_a,
    )
    return customer


def develop_data(goal: str, note: str) -> dict[str, str]:
    return {"developed_on": DEVELOPED.isoformat(), "employment_goal": goal, "note_body": note}


def test_the_second_planner_developing_a_plan_sees_the_first_and_keeps_what_they_typed(
    world: World,
):
    customer = assessed(world)
    url = reverse("plans:develop", kwargs={"pk": customer.pk})
    theirs, mine = client_for(world.supervisor_a), client_for(world.planner_a)
    their_page, my_page = open_form(theirs, url), open_form(mine, url)
    their_plan = develop_data("Forklift operator", "Supervisor developed the plan in person.")
    my_plan = develop_data("Welder", "Career planner developed the plan by phone.")

    assert theirs.post(url, {**their_page, **their_plan}).status_code == 302
    refused = mine.post(url, {**my_page, **my_plan})

    assert refused.status_code == 409
    html = refused.content.decode()
    assert "This customer's plan was developed already" in html
    assert "Supervisor Tester developed the Individual Employment Plan (IEP)" in html
    assert "on 10/05/2026" in html
    assert "Its employment goal: <strong>Forklift operator</strong>" in html
    assert 'value="Welder"' in html and "Career planner developed the plan by phone." in html
    assert reverse("plans:edit", kwargs={"pk": customer.pk}) in html
    plan = Plan.objects.get(customer=customer)
    assert_saved(Plan, plan.pk, employment_goal="Forklift operator", created_by=world.supervisor_a)
    assert ServiceRecord.objects.filter(customer=customer, activity__code="205").count() == 1
    assert not CaseNote.objects.filter(body__contains="by phone").exists()


@pytest.mark.django_db(transaction=True)
def test_two_planners_developing_one_plan_at_once_keep_the_first(world, reference_data):
    customer = assessed(world)
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def develop(user, goal: str) -> None:  # noqa: ANN001
        try:
            start.wait()
            outcomes[user.username] = plan_create(
                customer=Customer.objects.get(pk=customer.pk),
                created_by=user,
                developed_on=DEVELOPED,
                fields={"employment_goal": goal},
                barriers=[],
                note_body=f"{user} developed the plan with the customer.",
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcomes[user.username] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=develop, args=(world.planner_a, "Welder")),
        threading.Thread(target=develop, args=(world.supervisor_a, "Forklift operator")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    kept = Plan.objects.get(customer=customer)
    refusals = [o for o in outcomes.values() if isinstance(o, BaseException)]
    assert len(refusals) == 1 and type(refusals[0]) is PlanAlreadyDeveloped, refusals
    assert refusals[0].plan.pk == kept.pk
    assert ServiceRecord.objects.filter(customer=customer, activity__code="205").count() == 1
    assert CaseNote.objects.filter(customer=customer, subject__contains="Development").count() == 1
    assert PlanVersion.objects.filter(plan=kept).count() == 1


# --- Create forms record once ---------------------------------------------------------------


@dataclass
class CreateForm:
    url: str
    data: Callable[[], dict[str, object]]  # fresh each call: an upload is read once
    recorded: Callable[[], object]  # what the form records, counted


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 scan", content_type="application/pdf")


def create_form(name: str, world: World) -> CreateForm:
    customer = world.customer_a
    if name == "registration":
        return CreateForm(
            reverse("customers:create"),
            lambda: {
                "first_name": "Rosa",
                "last_name": "Quintero",
                "date_of_birth": "1988-03-14",
                "preferred_contact_method": "phone",
                "programs": ["adult"],
                "veteran_status": "no",
                "application_date": "2026-10-01",
                "office": world.office_a.pk,
                "career_planner": world.planner_a.pk,
            },
            lambda: Customer.objects.count(),
        )
    if name == "document":
        return CreateForm(
            reverse("customers:documents", kwargs={"pk": customer.pk}),
            lambda: {"document_type": DocumentType.objects.first().pk, "file": pdf()},
            lambda: EligibilityDocument.objects.count(),
        )
    if name == "develop":
        assessed(world)
        return CreateForm(
            reverse("plans:develop", kwargs={"pk": customer.pk}),
            lambda: develop_data("Welder", "Career planner developed the plan in person."),
            lambda: (
                Plan.objects.count(),
                ServiceRecord.objects.count(),
                CaseNote.objects.count(),
            ),
        )
    if name == "assessment":
        certify(customer)
        return CreateForm(
            reverse("plans:assessments", kwargs={"pk": customer.pk}),
            lambda: {
                "assessment_type": AssessmentType.objects.get(name="CASAS GOALS").pk,
                "assessed_on": "2026-10-03",
                "scores": "Reading 235",
            },
            lambda: Assessment.objects.count(),
        )
    plan = make_plan(customer, world.planner_a)
    if name == "goal":
        return CreateForm(
            reverse("plans:goal_create", kwargs={"pk": customer.pk}),
            lambda: {
                "statement": "Get a bus pass",
                "category": "support",
                "term": "short",
                "status": "not_started",
            },
            lambda: Goal.objects.count(),
        )
    if name == "step":
        return CreateForm(
            reverse(
                "plans:step_create", kwargs={"pk": customer.pk, "goal_pk": plan.goals.get().pk}
            ),
            lambda: {
                "activity": Activity.objects.get(code="202").pk,
                "status": "planned",
                "start_on": "2026-11-02",
                "due_on": "2026-11-30",
            },
            lambda: Step.objects.count(),
        )
    if name == "review":
        return CreateForm(
            reverse("plans:review", kwargs={"pk": customer.pk}),
            lambda: {
                "reviewed_on": "2026-11-20",
                "contact_method": "in_person",
                "two_way": "yes",
                "note_body": "Career planner and customer reviewed progress on each goal.",
            },
            lambda: CaseNote.objects.count(),
        )
    assert name == "signed copy"
    plan_version_mark_printed(plan.versions.get())
    return CreateForm(
        reverse("plans:sign", kwargs={"pk": customer.pk, "number": 1}),
        lambda: {"signed_on": "2026-11-20", "file": pdf("signed.pdf")},
        lambda: PlanVersion.objects.filter(signed_on__isnull=False).count(),
    )


CREATE_FORMS = [
    "registration",
    "document",
    "develop",
    "goal",
    "step",
    "review",
    "assessment",
    "signed copy",
]


@pytest.mark.parametrize("name", CREATE_FORMS)
def test_a_create_form_submitted_twice_records_once(world: World, name: str):
    form = create_form(name, world)
    client = client_for(world.planner_a)
    page = open_form(client, form.url)
    assert page.get("submission_token"), "the page carries a one-time token"
    before = form.recorded()

    first = client.post(form.url, {**page, **form.data()})
    assert first.status_code == 302
    recorded = form.recorded()
    assert recorded != before

    again = client.post(form.url, {**page, **form.data()}, follow=True)

    assert form.recorded() == recorded
    assert again.redirect_chain[0] == (first["Location"], 302)
    assert REPLAYED_MESSAGE in messages_of(again)


@pytest.mark.parametrize("name", CREATE_FORMS)
def test_a_create_form_without_its_token_is_refused(world: World, name: str):
    form = create_form(name, world)
    before = form.recorded()

    response = client_for(world.planner_a).post(form.url, form.data())

    assert response.status_code == 200
    assert STALE_FORM in response.content.decode().replace("&#x27;", "'")
    assert form.recorded() == before
