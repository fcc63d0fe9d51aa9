"""Every field has the bounds a career planner expects, each tested at its edge.

A bound is allowed on its last day and refused the day after (a cent over, for money);
the refusal names the field and the bound, and the form keeps what else was entered.
"Today" is the office's day: the evening tests run when it is already tomorrow in UTC.
"""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django import forms
from django.urls import reverse

from casemgmt.models import Policy
from compliance.models import PlannedGap
from compliance.services import planned_gap_create
from customers.forms import CustomerForm
from customers.models import Customer
from customers.rules import phone_digits
from plans.forms import AssessmentForm, GoalForm, PlanForm, StepForm
from plans.models import Assessment, Goal, Step
from services.forms import ServiceCorrectForm, ServiceRecordForm
from services.models import Activity, ServiceRecord
from services.rules import ServiceDraft, service_problems
from services.services import NoteDraft, service_record_create
from tests.conftest import World, client_for
from tests.factories import certify, make_plan
from tests.readback import assert_saved, submit

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
TODAY = datetime.date(2026, 11, 25)
MORNING = datetime.datetime(2026, 11, 25, 9, tzinfo=CHICAGO)
# 9 p.m. in the office, already 11/26 in UTC: "today" must still be 11/25.
EVENING = datetime.datetime(2026, 11, 25, 21, tzinfo=CHICAGO)
CERTIFIED = datetime.date(2026, 10, 1)
DAY = datetime.timedelta(days=1)
NOTE = NoteDraft("Service Strategy", "Career planner met the customer.", "in_person", True)


def _html(response) -> str:  # noqa: ANN001
    return response.content.decode()


def _refused(response, message: str) -> None:  # noqa: ANN001
    assert response.status_code == 200, response.status_code
    assert message in _html(response), message


# --- Customers: birth and program dates --------------------------------------------------


def _registration(world: World, **overrides: object) -> dict[str, object]:
    return {
        "first_name": "Rosa",
        "last_name": "Quintero",
        "date_of_birth": "1988-03-14",
        "phone": "(217) 555-0199",
        "preferred_contact_method": "phone",
        "programs": ["adult"],
        "veteran_status": "no",
        "application_date": "2026-10-01",
        "office": world.office_a.pk,
        "career_planner": world.planner_a.pk,
        **overrides,
    }


def _register(world: World, **overrides: object):  # noqa: ANN202
    return submit(
        client_for(world.planner_a), reverse("customers:create"), _registration(world, **overrides)
    )


@pytest.mark.parametrize(
    ("field", "allowed", "refused", "message"),
    [
        (
            "date_of_birth",
            "1900-01-01",
            "1899-12-31",
            "The date of birth cannot be before 01/01/1900.",
        ),
        (
            "date_of_birth",
            "2026-11-25",
            "2026-11-26",
            "The date of birth cannot be after 11/25/2026 (today).",
        ),
        (
            "application_date",
            "2000-01-01",
            "1999-12-31",
            "The application date cannot be before 01/01/2000.",
        ),
        (
            "application_date",
            "2026-11-25",
            "2026-11-26",
            "The application date cannot be after 11/25/2026 (today).",
        ),
    ],
)
@time_machine.travel(EVENING, tick=False)
def test_it_bounds_the_registration_dates_by_the_offices_day(
    world, field, allowed, refused, message
):
    response = _register(world, **{field: refused})
    _refused(response, message)
    assert not Customer.objects.filter(last_name="Quintero").exists()
    # Everything else entered is still on the page.
    assert 'value="Rosa"' in _html(response) and 'value="(217) 555-0199"' in _html(response)

    assert _register(world, **{field: allowed}).status_code == 302
    saved = Customer.objects.get(last_name="Quintero")
    assert_saved(Customer, saved.pk, **{field: datetime.date.fromisoformat(allowed)})


@time_machine.travel(EVENING, tick=False)
def test_it_refuses_a_certification_after_the_offices_today(world):
    customer = world.customer_a
    url = reverse("customers:edit", kwargs={"pk": customer.pk})
    data = {
        **_registration(world, first_name="Ada", last_name=customer.last_name),
        "eligibility_date": "2026-10-02",
    }
    del data["office"], data["career_planner"]
    _refused(
        submit(client_for(world.planner_a), url, {**data, "certification_date": "2026-11-26"}),
        "The certification date cannot be after 11/25/2026 (today).",
    )
    assert_saved(Customer, customer.pk, certification_date=None, lock_version=1)
    response = submit(
        client_for(world.planner_a), url, {**data, "certification_date": "2026-11-25"}
    )
    assert response.status_code == 302
    assert_saved(Customer, customer.pk, certification_date=TODAY)


# --- Phone numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["+1 (312) 555-0143", "312.555.0143", "1-312-555-0143", " 312 555 0143 "]
)
def test_it_keeps_the_ten_digits_of_a_phone_number_as_people_type_it(typed):
    assert phone_digits(typed) == "3125550143"


@pytest.mark.parametrize(
    "typed",
    [
        "312-555-0143 \N{TELEPHONE RECEIVER}",
        "\N{TELEPHONE RECEIVER}",
        "3\ufe0f\u20e312-555-0143",  # a keycap emoji
        "\uff13\uff11\uff12-555-0143",  # full-width digits
        "312-555-0143 x12",
        "+44 20 7946 0958",
        "312-555-0143+1",
    ],
)
def test_it_refuses_a_phone_number_with_anything_else_in_it(typed):
    with pytest.raises(ValueError, match="holds characters other than digits"):
        phone_digits(typed)


def test_it_refuses_an_emoji_phone_number_instead_of_blanking_it(world):
    response = _register(world, phone="\N{SMILING FACE WITH SMILING EYES}")
    _refused(
        response,
        "The phone number holds characters other than digits, spaces, dashes, dots, "
        "parentheses and a leading +1",
    )
    assert not Customer.objects.filter(last_name="Quintero").exists()
    assert 'value="Rosa"' in _html(response)


def test_it_saves_a_phone_number_typed_with_plus_one_and_parentheses(world):
    response = _register(world, phone="+1 (312) 555-0143", alternate_contact_phone="217.555.0101")
    assert response.status_code == 302
    assert_saved(
        Customer,
        Customer.objects.get(last_name="Quintero").pk,
        phone="3125550143",
        alternate_contact_phone="2175550101",
    )


# --- Text lengths -----------------------------------------------------------------------------


def test_a_goal_statement_of_144_characters_saves_and_145_is_refused_not_cut(world):
    plan = make_plan(world.customer_a, world.planner_a)
    url = reverse("plans:goal_create", kwargs={"pk": world.customer_a.pk})
    client = client_for(world.planner_a)
    goal = {"category": "career", "term": "long", "status": "not_started"}
    page = _html(client.get(url))
    assert 'maxlength="144"' not in page  # a browser would cut a pasted goal silently
    response = submit(client, url, {**goal, "statement": "g" * 145})
    _refused(response, "Statement holds at most 144 characters; this has 145.")
    assert "g" * 145 in _html(response)
    assert plan.goals.count() == 1

    assert submit(client, url, {**goal, "statement": "g" * 144}).status_code == 302
    assert_saved(Goal, plan.goals.get(statement="g" * 144).pk, statement="g" * 144)


def _model_forms(world: World) -> list:  # noqa: ANN401
    """Each model form of these apps, as a function of its posted data."""
    customer = world.customer_a
    plan = make_plan(customer, world.planner_a)
    goal = plan.goals.get()
    training = _training(customer, world, started_on=datetime.date(2026, 10, 6))
    return [
        lambda data: CustomerForm(data, user=world.planner_a),
        lambda data: CustomerForm(data, user=world.planner_a, instance=customer),
        lambda data: ServiceRecordForm(data, customer=customer),
        lambda data: ServiceCorrectForm(data, customer=customer, instance=training),
        lambda data: PlanForm(data, instance=plan),
        lambda data: GoalForm(data, instance=goal),
        lambda data: GoalForm(data),
        lambda data: StepForm(data, instance=goal.steps.get()),
        lambda data: StepForm(data),
        lambda data: AssessmentForm(data),
    ]


PHONES = {"phone", "alternate_contact_phone"}  # typed longer, kept as ten digits


def test_every_text_field_with_a_column_length_refuses_longer_input_naming_its_limit(world):
    checked = []
    for make in _model_forms(world):
        form = make(None)
        model = form._meta.model
        for name, field in form.fields.items():
            column = next((f for f in model._meta.fields if f.name == name), None)
            limit = getattr(column, "max_length", None)
            if not isinstance(field, forms.CharField) or not limit or name in PHONES:
                continue
            assert field.max_length == limit, (model.__name__, name)
            assert "maxlength" not in field.widget.attrs, (model.__name__, name)
            errors = make({name: "x" * (limit + 1)}).errors.get(name, [])
            message = f"{field.label} holds at most {limit} characters; this has {limit + 1}."
            assert message in errors, (model.__name__, name, errors)
            checked.append(f"{model.__name__}.{name}")
    # The check reached the fields the issue names, not an empty list.
    assert {"Goal.statement", "Customer.first_name", "Step.description"} <= set(checked)


@pytest.mark.parametrize(("typed", "refused"), [("3" * 25, False), ("3" * 26, True)])
def test_a_phone_number_is_typed_in_at_most_25_characters(world, typed, refused):
    form = CustomerForm(user=world.planner_a, data={"phone": typed})
    errors = form.errors.get("phone", [])
    assert ("Phone holds at most 25 characters; this has 26." in errors) is refused


# --- Services: how far ahead, and how much ----------------------------------------------------


@pytest.fixture
def adult(world: World) -> Customer:
    return certify(world.customer_a, CERTIFIED)


def _training(customer: Customer, world: World, **kwargs: object) -> ServiceRecord:
    """A training service (not same-day, so it can be projected), after its IEP."""
    certify(customer, CERTIFIED)
    for code in ("207", "205"):
        if not ServiceRecord.objects.filter(customer=customer, activity__code=code).exists():
            service_record_create(
                customer=customer,
                activity=Activity.objects.get(code=code),
                started_on=CERTIFIED,
                ended_on=CERTIFIED,
                entered_by=world.planner_a,
                note=NOTE,
            )
    kwargs.setdefault("started_on", CERTIFIED)
    return service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="300"),
        entered_by=world.planner_a,
        **kwargs,
    )


@time_machine.travel(EVENING, tick=False)
def test_a_projected_start_may_be_a_year_ahead_and_not_a_day_more(adult, world):
    last = datetime.date(2027, 11, 25)
    with pytest.raises(Exception, match=r"cannot be after 11/25/2027 \(one year from today\)"):
        _training(adult, world, started_on=last + DAY, start_is_projected=True)
    record = _training(adult, world, started_on=last, start_is_projected=True)
    assert_saved(ServiceRecord, record.pk, started_on=last, start_is_projected=True)


@time_machine.travel(EVENING, tick=False)
def test_a_planned_end_may_be_five_years_ahead_and_not_a_day_more(adult, world):
    last = datetime.date(2031, 11, 25)
    with pytest.raises(
        Exception, match=r"planned end date cannot be after 11/25/2031 \(five years from today\)"
    ):
        _training(adult, world, planned_end_on=last + DAY)
    record = _training(adult, world, planned_end_on=last)
    assert_saved(ServiceRecord, record.pk, planned_end_on=last)


@time_machine.travel(MORNING, tick=False)
def test_a_planned_end_in_9999_is_refused_on_the_form_with_the_rest_kept(adult, world):
    _training(adult, world)
    url = reverse("services:create", kwargs={"pk": adult.pk})
    response = submit(
        client_for(world.planner_a),
        url,
        {
            "activity": Activity.objects.get(code="301").pk,
            "started_on": "2026-11-20",
            "planned_end_on": "9999-12-31",
            "provider": "outside",
            "provider_name": "Lincoln Land Community College",
            "note_type": "general",
            "note_contact_method": "in_person",
            "note_two_way": "yes",
        },
    )
    _refused(response, "The planned end date cannot be after 11/25/2031 (five years from today).")
    assert "Lincoln Land Community College" in _html(response)
    assert not ServiceRecord.objects.filter(activity__code="301").exists()


def _same_day_form(**overrides: object) -> dict[str, object]:
    return {
        "activity": Activity.objects.get(code="211").pk,
        "started_on": "2026-11-20",
        "provider": "office",
        "notes": "At the front desk.",
        "note_type": "general",
        "note_body": "Career planner helped the customer revise a resume.",
        "note_contact_method": "in_person",
        "note_two_way": "yes",
        **overrides,
    }


@pytest.mark.parametrize(
    ("field", "allowed", "refused", "message"),
    [
        (
            "weekly_hours",
            "80.00",
            "80.01",
            "Weekly hours cannot be more than 80, the most the region&#x27;s policy allows",
        ),
        ("weekly_hours", "0", "-0.01", "Weekly hours cannot be negative."),
        (
            "dollar_value",
            "50000.00",
            "50000.01",
            "The dollar value cannot be more than $50,000, the most the region&#x27;s policy",
        ),
        ("dollar_value", "0.00", "-0.01", "The dollar value cannot be negative."),
    ],
)
@time_machine.travel(MORNING, tick=False)
def test_a_services_hours_and_dollars_stay_within_the_policy(
    adult, world, field, allowed, refused, message
):
    client = client_for(world.planner_a)
    url = reverse("services:create", kwargs={"pk": adult.pk})
    response = submit(client, url, _same_day_form(**{field: refused}))
    _refused(response, message)
    assert "At the front desk." in _html(response)
    assert not ServiceRecord.objects.filter(customer=adult).exists()

    assert submit(client, url, _same_day_form(**{field: allowed})).status_code == 302
    record = ServiceRecord.objects.get(customer=adult)
    assert_saved(ServiceRecord, record.pk, **{field: Decimal(allowed)})


@time_machine.travel(MORNING, tick=False)
def test_the_regions_policy_sets_the_hours_and_dollar_caps(adult, world):
    Policy.objects.update_or_create(
        region_id=world.office_a.region_id,
        defaults={"weekly_hours_max": 40, "dollar_value_max": 1000},
    )
    url = reverse("services:create", kwargs={"pk": adult.pk})
    response = submit(
        client_for(world.planner_a),
        url,
        _same_day_form(weekly_hours="40.01", dollar_value="1000.01"),
    )
    _refused(response, "Weekly hours cannot be more than 40")
    assert "The dollar value cannot be more than $1,000" in _html(response)
    assert not ServiceRecord.objects.filter(customer=adult).exists()


@time_machine.travel(MORNING, tick=False)
def test_a_correction_is_held_to_the_same_caps(adult, world):
    training = _training(adult, world)
    url = reverse("services:correct", kwargs={"pk": adult.pk, "service_pk": training.pk})
    correction = {
        "reason": "Hours typed wrong",
        "activity": training.activity_id,
        "started_on": CERTIFIED.isoformat(),
        "provider": "office",
    }
    _refused(
        submit(client_for(world.planner_a), url, {**correction, "weekly_hours": "80.01"}),
        "Weekly hours cannot be more than 80",
    )
    assert_saved(ServiceRecord, training.pk, weekly_hours=None, lock_version=1)


@time_machine.travel(MORNING, tick=False)
def test_the_service_rules_refuse_a_cent_over_the_cap_for_every_path(adult, world):
    draft = ServiceDraft(
        customer=adult,
        activity=Activity.objects.get(code="202"),
        started_on=TODAY,
        ended_on=TODAY,
        completion_status="successful",
        weekly_hours=Decimal("80.00"),
        dollar_value=Decimal("50000.00"),
    )
    assert service_problems(draft, today=TODAY) == []
    over = ServiceDraft(**{**draft.__dict__, "dollar_value": Decimal("50000.01")})
    assert [field for field, _ in service_problems(over, today=TODAY)] == ["dollar_value"]


def test_the_entry_check_answers_an_impossible_date_with_no_warning(adult, world):
    response = client_for(world.planner_a).get(
        reverse("services:entry_check", kwargs={"pk": adult.pk}), {"started_on": "2026-02-30"}
    )
    assert response.status_code == 200
    assert "marked late" not in _html(response)


# --- Plan steps and the plan's dates ------------------------------------------------------------


@pytest.fixture
def plan(world: World):
    return make_plan(world.customer_a, world.planner_a)


def _step(plan, **overrides: object) -> dict[str, object]:  # noqa: ANN001
    return {
        "activity": Activity.objects.get(code="202").pk,
        "status": "planned",
        "start_on": "2026-12-01",
        "due_on": "2027-01-15",
        "provider": "Office",
        **overrides,
    }


@pytest.mark.parametrize(
    ("field", "allowed", "refused", "message"),
    [
        ("start_on", "2000-01-01", "1999-12-31", "The start date cannot be before 01/01/2000."),
        (
            "due_on",
            "2031-11-25",
            "2031-11-26",
            "The due date cannot be after 11/25/2031 (five years from today).",
        ),
        ("hours", "80", "80.01", "Hours cannot be more than 80, the most the region"),
        ("hours", "0", "-1", "Hours cannot be negative."),
        (
            "dollar_value",
            "50000.00",
            "50000.01",
            "The dollar value cannot be more than $50,000",
        ),
    ],
)
@time_machine.travel(EVENING, tick=False)
def test_a_new_step_stays_within_its_bounds(plan, world, field, allowed, refused, message):
    goal = plan.goals.get()
    url = reverse("plans:step_create", kwargs={"pk": world.customer_a.pk, "goal_pk": goal.pk})
    client = client_for(world.planner_a)
    response = submit(client, url, _step(plan, description="Evening class", **{field: refused}))
    _refused(response, message)
    assert 'value="Evening class"' in _html(response)
    assert goal.steps.count() == 1

    response = submit(client, url, _step(plan, description="Evening class", **{field: allowed}))
    assert response.status_code == 302
    step = goal.steps.get(description="Evening class")
    value = Decimal(allowed) if field in ("hours", "dollar_value") else allowed
    if field in ("start_on", "due_on"):
        value = datetime.date.fromisoformat(allowed)
    assert_saved(Step, step.pk, **{field: value})


@time_machine.travel(EVENING, tick=False)
def test_a_changed_step_is_held_to_its_regions_policy(plan, world):
    Policy.objects.update_or_create(
        region_id=world.office_a.region_id, defaults={"weekly_hours_max": 20}
    )
    step = plan.goals.get().steps.get()
    url = reverse("plans:step_edit", kwargs={"pk": world.customer_a.pk, "step_pk": step.pk})
    data = _step(plan, activity=step.activity_id, start_on="2026-12-01", due_on="2027-01-15")
    _refused(
        submit(client_for(world.planner_a), url, {**data, "hours": "20.01"}),
        "Hours cannot be more than 20",
    )
    assert_saved(Step, step.pk, hours=step.hours, lock_version=step.lock_version)


@pytest.mark.parametrize(
    ("form_page", "data", "message"),
    [
        (
            "assessments",
            {"assessed_on": "1999-12-31", "scores": "Reading 9"},
            "The date the assessment was given cannot be before 01/01/2000.",
        ),
        (
            "review",
            {"reviewed_on": "0001-01-01", "note_body": "Reviewed each goal."},
            "The review date cannot be before 01/01/2000.",
        ),
        (
            "sign",
            {"signed_on": "0001-01-01"},
            "The signature date cannot be before 01/01/2000.",
        ),
    ],
)
@time_machine.travel(MORNING, tick=False)
def test_the_plans_dates_of_record_are_not_before_2000(plan, world, form_page, data, message):
    # (Not named `page`: that is pytest-playwright's browser fixture.)
    from plans.models import AssessmentType

    kwargs = {"number": 1} if form_page == "sign" else {}
    if form_page == "assessments":
        data = {**data, "assessment_type": AssessmentType.objects.first().pk}
    assessments = Assessment.objects.count()
    response = submit(
        client_for(world.planner_a),
        reverse(f"plans:{form_page}", kwargs={"pk": world.customer_a.pk, **kwargs}),
        data,
    )
    _refused(response, message)
    assert Assessment.objects.count() == assessments
    assert_saved(type(plan), plan.pk, last_reviewed_on=None)


def test_an_assessment_given_on_the_first_day_of_2000_is_recorded(world):
    from plans.models import AssessmentType

    certify(world.customer_a)
    response = submit(
        client_for(world.planner_a),
        reverse("plans:assessments", kwargs={"pk": world.customer_a.pk}),
        {"assessment_type": AssessmentType.objects.first().pk, "assessed_on": "2000-01-01"},
    )
    assert response.status_code == 302
    assert_saved(
        Assessment,
        Assessment.objects.get(customer=world.customer_a).pk,
        assessed_on=datetime.date(2000, 1, 1),
    )


# --- Planned gaps ---------------------------------------------------------------------------------


def _gap(world: World, starts_on: str, ends_on: str):  # noqa: ANN202
    return submit(
        client_for(world.planner_a),
        reverse("gaps:create", kwargs={"pk": world.customer_a.pk}),
        {
            "reason": "Waiting for the training start date",
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )


@pytest.mark.parametrize(
    ("starts_on", "allowed", "refused", "message"),
    [
        (
            "2026-12-01",
            "2027-05-30",  # 180 days after the start
            "2027-05-31",
            "A planned gap lasts at most 180 days, the region&#x27;s policy: this one ends 181 "
            "days after it starts. End it by 05/30/2027.",
        ),
        (
            "2026-12-01",
            "2027-05-30",
            "9999-12-31",
            "A planned gap lasts at most 180 days",
        ),
    ],
)
@time_machine.travel(EVENING, tick=False)
def test_a_planned_gap_lasts_at_most_the_policys_days(
    adult, world, starts_on, allowed, refused, message
):
    response = _gap(world, starts_on, refused)
    _refused(response, message)
    assert "Waiting for the training start date" in _html(response)
    assert not PlannedGap.objects.exists()
    assert _gap(world, starts_on, allowed).status_code == 302
    assert_saved(
        PlannedGap,
        PlannedGap.objects.get().pk,
        starts_on=datetime.date.fromisoformat(starts_on),
        ends_on=datetime.date.fromisoformat(allowed),
    )


@pytest.mark.parametrize(
    ("allowed", "refused", "message"),
    [
        (
            "2026-10-01",
            "2026-09-30",
            "The start of the gap cannot be before 10/01/2026 (the certification date).",
        ),
        (
            "2027-11-25",
            "2027-11-26",
            "The start of the gap cannot be after 11/25/2027 (one year from today).",
        ),
    ],
)
@time_machine.travel(EVENING, tick=False)
def test_a_planned_gap_starts_between_certification_and_a_year_ahead(
    adult, world, allowed, refused, message
):
    end = lambda start: (datetime.date.fromisoformat(start) + 30 * DAY).isoformat()  # noqa: E731
    _refused(_gap(world, refused, end(refused)), message)
    assert not PlannedGap.objects.exists()
    assert _gap(world, allowed, end(allowed)).status_code == 302
    assert_saved(
        PlannedGap, PlannedGap.objects.get().pk, starts_on=datetime.date.fromisoformat(allowed)
    )


@time_machine.travel(EVENING, tick=False)
def test_the_gap_service_refuses_a_gap_to_9999_on_every_path(adult, world):
    Policy.objects.update_or_create(
        region_id=world.office_a.region_id, defaults={"planned_gap_max_days": 30}
    )
    with pytest.raises(Exception, match="at most 30 days"):
        planned_gap_create(
            customer=adult,
            reason="Imported",
            starts_on=TODAY,
            ends_on=datetime.date(9999, 12, 31),
            created_by=world.planner_a,
        )
    gap = planned_gap_create(
        customer=adult,
        reason="Imported",
        starts_on=TODAY,
        ends_on=TODAY + 30 * DAY,
        created_by=world.planner_a,
    )
    assert_saved(PlannedGap, gap.pk, ends_on=datetime.date(2026, 12, 25))
