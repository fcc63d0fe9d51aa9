import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.urls import reverse

from casenotes.models import CaseNote, NoteType
from customers.models import Barrier, Program
from plans.models import (
    Assessment,
    AssessmentType,
    Goal,
    GoalStatus,
    Plan,
    PlanVersion,
    Step,
    StepStatus,
)
from plans.rules import assessment_reusable
from plans.selectors import goals_with_progress
from plans.services import (
    assessment_create,
    goal_create,
    goal_update,
    plan_create,
    plan_meets_open_goal_rule,
    plan_review,
    plan_update,
    plan_version_mark_printed,
    plan_version_sign,
    step_save,
)
from services.models import Activity, ServiceRecord
from services.rules import ServiceDraft, service_problems
from tests.conftest import World, client_for
from tests.factories import certify, make_customer, make_plan
from tests.readback import assert_saved, submit

SIGNED_PDF = b"%PDF-1.4 signed copy"


def signed_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("signed.pdf", SIGNED_PDF, content_type="application/pdf")


def sign(plan, world: World, day=datetime.date(2026, 11, 20)) -> PlanVersion:
    version = plan.versions.order_by("-number").first()
    plan_version_mark_printed(version)
    version.refresh_from_db()
    return plan_version_sign(
        version=version,
        upload=signed_upload(),
        signed_on=day,
        uploaded_by=world.planner_a,
        max_mb=5,
    )


@pytest.fixture
def plan(world: World):
    return make_plan(world.customer_a, world.planner_a)


# --- Assessments --------------------------------------------------------------------------


def test_an_assessment_under_6_months_old_is_reusable_and_at_6_months_is_not():
    today = datetime.date(2026, 11, 22)
    assert assessment_reusable(assessed_on=datetime.date(2026, 5, 23), on=today)
    assert not assessment_reusable(assessed_on=datetime.date(2026, 5, 22), on=today)
    assert not assessment_reusable(assessed_on=datetime.date(2026, 5, 21), on=today)


def test_six_months_before_the_31st_falls_on_a_shorter_months_end():
    assert assessment_reusable(assessed_on=datetime.date(2026, 3, 1), on=datetime.date(2026, 8, 31))
    assert not assessment_reusable(
        assessed_on=datetime.date(2026, 2, 28), on=datetime.date(2026, 8, 31)
    )


def test_a_recorded_assessment_satisfies_the_completed_assessment_prerequisite(world: World):
    customer = certify(world.customer_a)
    draft = ServiceDraft(
        customer=customer,
        activity=Activity.objects.get(code="205"),
        started_on=datetime.date(2026, 10, 5),
        ended_on=datetime.date(2026, 10, 5),
    )
    assert any(
        "completed assessment" in m
        for _f, m in service_problems(draft, today=datetime.date(2026, 11, 22))
    )
    assessment_create(
        customer=customer,
        assessment_type=AssessmentType.objects.get(name="CASAS GOALS"),
        assessed_on=datetime.date(2026, 10, 5),
        scores="",
        summary="",
        entered_by=world.planner_a,
    )
    assert service_problems(draft, today=datetime.date(2026, 11, 22)) == []


def test_the_plan_tab_marks_old_assessments_not_reusable(world: World):
    certify(world.customer_a)
    assessment_create(
        customer=world.customer_a,
        assessment_type=AssessmentType.objects.get(name="WorkKeys"),
        assessed_on=datetime.date(2025, 1, 10),
        scores="Level 4",
        summary="",
        entered_by=world.planner_a,
    )
    html = (
        client_for(world.planner_a)
        .get(reverse("plans:detail", kwargs={"pk": world.customer_a.pk}))
        .content.decode()
    )
    assert "Over 6 months old: not reusable" in html


# --- Developing the plan ----------------------------------------------------------------------


def test_developing_the_plan_records_205_with_its_note(plan, world):
    service = ServiceRecord.objects.get(customer=world.customer_a, activity__code="205")
    assert service.started_on == service.ended_on == datetime.date(2026, 10, 5)
    assert service.case_notes.get().note_type == NoteType.IEP
    assert plan.kind == "iep" and plan.needs_agreement
    assert [v.number for v in plan.versions.all()] == [1]


def test_a_youth_plan_is_an_iss_recording_469(world: World):
    youth = make_customer(
        office=world.office_a,
        planner=world.planner_a,
        programs=[Program.YOUTH],
        date_of_birth=datetime.date(2008, 1, 1),
    )
    certify(youth)
    from services.services import NoteDraft, service_record_create

    service_record_create(
        customer=youth,
        activity=Activity.objects.get(code="468"),
        started_on=datetime.date(2026, 10, 2),
        ended_on=datetime.date(2026, 10, 2),
        entered_by=world.planner_a,
        note=NoteDraft(
            subject="Assessment", body="Assessed.", contact_method="in_person", two_way=True
        ),
    )
    plan = plan_create(
        customer=youth,
        created_by=world.planner_a,
        developed_on=datetime.date(2026, 10, 5),
        fields={"employment_goal": "Apprenticeship"},
        barriers=[],
        note_body="Developed the ISS.",
    )
    assert plan.kind == "iss" and plan.short_name == "ISS"
    assert ServiceRecord.objects.filter(customer=youth, activity__code="469").count() == 1


def test_a_plan_without_an_assessment_is_refused_by_the_service_rules(world: World):
    certify(world.customer_a)
    with pytest.raises(ValidationError, match="requires a completed assessment"):
        plan_create(
            customer=world.customer_a,
            created_by=world.planner_a,
            developed_on=datetime.date(2026, 10, 5),
            fields={"employment_goal": "Welder"},
            barriers=[],
            note_body="Developed.",
        )
    assert not hasattr(world.customer_a, "plan") or world.customer_a.plan is None


# --- Goals and steps ---------------------------------------------------------------------------


def test_a_goal_statement_of_144_characters_is_accepted_and_145_refused(plan, world):
    goal_create(
        plan=plan,
        user=world.planner_a,
        fields={"statement": "x" * 144, "category": "career", "term": "long"},
    )
    with pytest.raises(ValidationError, match="at most 144 characters"):
        goal_create(
            plan=plan,
            user=world.planner_a,
            fields={"statement": "x" * 145, "category": "career", "term": "long"},
        )


def test_a_goals_dates_come_from_its_steps(plan, world):
    goal = plan.goals.get()
    step_save(
        goal=goal,
        user=world.planner_a,
        barriers=[],
        fields={
            "activity": Activity.objects.get(code="202"),
            "start_on": datetime.date(2026, 10, 20),
            "due_on": datetime.date(2027, 1, 31),
        },
    )
    derived = goals_with_progress(plan).get(pk=goal.pk)
    assert derived.start_on == datetime.date(2026, 10, 20)
    assert derived.due_on == datetime.date(2027, 1, 31)
    assert (derived.steps_total, derived.steps_complete) == (2, 0)


def test_a_goal_is_complete_only_when_its_steps_are(plan, world):
    goal = plan.goals.get()
    with pytest.raises(ValidationError, match="only when all its steps are complete"):
        goal_update(goal=goal, user=world.planner_a, fields={"status": GoalStatus.COMPLETE})
    step = goal.steps.get()
    step_save(
        goal=goal,
        user=world.planner_a,
        step=step,
        barriers=[],
        fields={"status": StepStatus.COMPLETE},
    )
    goal_update(goal=goal, user=world.planner_a, fields={"status": GoalStatus.COMPLETE})
    assert Goal.objects.get(pk=goal.pk).status == GoalStatus.COMPLETE


def test_a_due_date_before_the_start_is_refused(plan, world):
    with pytest.raises(ValidationError, match="due date is before the start"):
        step_save(
            goal=plan.goals.get(),
            user=world.planner_a,
            barriers=[],
            fields={
                "activity": Activity.objects.get(code="202"),
                "start_on": datetime.date(2026, 11, 2),
                "due_on": datetime.date(2026, 11, 1),
            },
        )


def test_the_open_goal_with_open_objective_rule(plan, world):
    assert plan_meets_open_goal_rule(plan)
    goal = plan.goals.get()
    step_save(
        goal=goal,
        user=world.planner_a,
        step=goal.steps.get(),
        barriers=[],
        fields={"status": StepStatus.COMPLETE},
    )
    assert not plan_meets_open_goal_rule(plan)


def test_a_service_can_be_linked_to_a_goal(plan, world):
    goal = plan.goals.get()
    response = submit(
        client_for(world.planner_a),
        reverse("services:create", kwargs={"pk": world.customer_a.pk}),
        {
            "activity": Activity.objects.get(code="300").pk,
            "started_on": "2026-11-01",
            "provider": "outside",
            "provider_name": "Lincoln Land Community College",
            "goal": goal.pk,
            "note_type": "general",
            "note_contact_method": "in_person",
            "note_two_way": "yes",
        },
    )
    assert response.status_code == 302
    assert ServiceRecord.objects.get(customer=world.customer_a, activity__code="300").goal == goal


# --- Versions, signatures, immutability ---------------------------------------------------------


def test_signing_attaches_the_copy_and_clears_the_agreement_flag(plan, world):
    version = sign(plan, world)
    plan.refresh_from_db()
    assert version.is_signed and version.signed_on == datetime.date(2026, 11, 20)
    assert version.signed_copy.read() == SIGNED_PDF
    assert not plan.needs_agreement


def test_a_signed_version_never_changes_an_edit_starts_the_next(plan, world):
    v1 = sign(plan, world)
    frozen = dict(v1.content)
    episodes = ServiceRecord.objects.filter(customer=world.customer_a, activity__code="205").count()
    step_save(
        goal=plan.goals.get(),
        user=world.planner_a,
        barriers=[],
        fields={
            "activity": Activity.objects.get(code="202"),
            "start_on": datetime.date(2026, 11, 3),
            "due_on": datetime.date(2026, 11, 30),
        },
    )
    assert [v.number for v in plan.versions.all()] == [2, 1]
    v1.refresh_from_db()
    assert v1.content == frozen
    v2 = plan.versions.get(number=2)
    assert len(v2.content["goals"][0]["steps"]) == 2 and not v2.is_signed
    assert (
        ServiceRecord.objects.filter(customer=world.customer_a, activity__code="205").count()
        == episodes + 1
    )


def test_the_database_refuses_to_change_a_signed_version(plan, world):
    v1 = sign(plan, world)
    with pytest.raises((InternalError, IntegrityError, ProgrammingError)), transaction.atomic():
        PlanVersion.objects.filter(pk=v1.pk).update(content={"forged": True})
    with (
        pytest.raises((InternalError, IntegrityError, ProgrammingError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM plans_planversion WHERE id = %s", [v1.pk])


def test_a_signed_version_cannot_be_signed_again(plan, world):
    v1 = sign(plan, world)
    with pytest.raises(ValidationError, match="signed already"):
        plan_version_sign(
            version=v1,
            upload=signed_upload(),
            signed_on=datetime.date(2026, 11, 21),
            uploaded_by=world.planner_a,
            max_mb=5,
        )


@pytest.mark.parametrize(
    ("change", "significant"),
    [
        ("new_goal", True),
        ("off_track", True),
        ("employment_goal", True),
        ("supportive_services", True),
        ("strengths", False),
        ("on_track", False),
    ],
)
def test_significant_changes_need_the_customers_agreement_again(plan, world, change, significant):
    sign(plan, world)
    goal = plan.goals.get()
    if change == "new_goal":
        goal_create(
            plan=plan,
            user=world.planner_a,
            fields={"statement": "Find childcare", "category": "support", "term": "short"},
        )
    elif change in ("off_track", "on_track"):
        goal_update(goal=goal, user=world.planner_a, fields={"status": change})
    else:
        plan_update(
            plan=plan,
            user=world.planner_a,
            barriers=[],
            fields={"employment_goal": plan.employment_goal, change: "Changed with the customer"},
        )
    plan.refresh_from_db()
    assert plan.needs_agreement is significant
    assert plan.versions.count() == 2


def test_the_review_records_the_date_and_an_iep_review_note(plan, world):
    plan_review(
        plan=plan,
        user=world.planner_a,
        reviewed_on=datetime.date(2026, 11, 20),
        note_body="Reviewed progress on the forklift goal.",
        contact_method="in_person",
        two_way=True,
    )
    plan.refresh_from_db()
    assert plan.last_reviewed_on == datetime.date(2026, 11, 20)
    note = CaseNote.objects.get(customer=world.customer_a, subject="Service Strategy/IEP Review")
    assert note.two_way and note.note_type == NoteType.IEP


def test_plan_changes_are_in_the_update_log(plan, world):
    from customers.selectors import customer_history

    actions = [e.action for e in customer_history(world.customer_a)]
    assert any(a.startswith("Goal added") for a in actions)
    assert any(a.startswith("Step added") for a in actions)
    assert any(a.startswith("Plan added") for a in actions)
    assert any(a.startswith("Plan version added") for a in actions)


# --- Upload and download through the pages --------------------------------------------------------


def test_the_signed_copy_uploads_and_downloads_within_the_office(plan, world):
    client = client_for(world.planner_a)
    printed = client.post(reverse("plans:print", kwargs={"pk": world.customer_a.pk, "number": 1}))
    assert printed["Content-Type"] == "application/pdf"
    url = reverse("plans:sign", kwargs={"pk": world.customer_a.pk, "number": 1})
    response = submit(client, url, {"signed_on": "2026-11-20", "file": signed_upload()})
    assert response.status_code == 302
    download = reverse("plans:signed_copy", kwargs={"pk": world.customer_a.pk, "number": 1})
    assert b"".join(client.get(download).streaming_content) == SIGNED_PDF
    assert client_for(world.supervisor_a).get(download).status_code == 200
    assert client_for(world.planner_b).get(download).status_code == 404


def test_a_copy_printed_before_a_change_cannot_be_signed(plan, world):
    version = plan.versions.get()
    plan_version_mark_printed(version)
    goal_create(
        plan=plan,
        user=world.planner_a,
        fields={"statement": "Get a bus pass", "category": "support", "term": "short"},
    )
    version.refresh_from_db()
    with pytest.raises(ValidationError, match="changed after it was last printed"):
        plan_version_sign(
            version=version,
            upload=signed_upload(),
            signed_on=datetime.date(2026, 11, 20),
            uploaded_by=world.planner_a,
            max_mb=5,
        )


def test_saving_a_goal_unchanged_after_signing_starts_no_version(plan, world):
    sign(plan, world)
    goal = plan.goals.get()
    goal_update(
        goal=goal, user=world.planner_a, fields={"statement": goal.statement, "status": goal.status}
    )
    assert plan.versions.count() == 1


def test_a_bad_upload_is_refused_with_the_form_kept(plan, world):
    plan_version_mark_printed(plan.versions.get())
    url = reverse("plans:sign", kwargs={"pk": world.customer_a.pk, "number": 1})
    fake = SimpleUploadedFile("signed.pdf", b"not a pdf", content_type="application/pdf")
    response = submit(client_for(world.planner_a), url, {"signed_on": "2026-11-20", "file": fake})
    assert response.status_code == 200
    assert "does not look like a PDF" in response.content.decode()
    assert not plan.versions.get(number=1).is_signed


def test_the_plan_tab_query_count_does_not_grow_with_goals(plan, world):
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.planner_a)
    url = reverse("plans:detail", kwargs={"pk": world.customer_a.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(4):
        goal = goal_create(
            plan=plan,
            user=world.planner_a,
            fields={"statement": f"Goal {n}", "category": "career", "term": "short"},
        )
        step_save(
            goal=goal,
            user=world.planner_a,
            barriers=[],
            fields={
                "activity": Activity.objects.get(code="202"),
                "start_on": datetime.date(2026, 11, 3),
                "due_on": datetime.date(2026, 11, 30),
            },
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)


# --- Read back what the plan's forms saved ------------------------------------------------------


def plan_page(world: World, name: str, **kwargs: object) -> str:
    return reverse(f"plans:{name}", kwargs={"pk": world.customer_a.pk, **kwargs})


def test_developing_the_plan_saves_what_was_entered(world: World):
    certify(world.customer_a)
    assessment_create(
        customer=world.customer_a,
        assessment_type=AssessmentType.objects.get(name="TABE 11/12"),
        assessed_on=datetime.date(2026, 10, 5),
        scores="",
        summary="",
        entered_by=world.planner_a,
    )
    barrier = Barrier.objects.get(name="Limited transportation")
    response = submit(
        client_for(world.planner_a),
        plan_page(world, "develop"),
        {
            "developed_on": "2026-10-05",
            "employment_goal": "Forklift operator",
            "career_path": "Warehouse associate, then forklift operator",
            "assessment_summary": "Reads at the 9th grade level.",
            "strengths": "Reliable",
            "barriers": [barrier.pk],
            "justification": "Needs a credential for the job.",
            "supportive_services": "Bus passes",
            "note_body": "Career planner and customer developed the IEP in person.",
        },
    )
    assert response.status_code == 302
    plan = world.customer_a.plan
    assert_saved(
        Plan,
        plan.pk,
        kind="iep",
        developed_on=datetime.date(2026, 10, 5),
        employment_goal="Forklift operator",
        career_path="Warehouse associate, then forklift operator",
        assessment_summary="Reads at the 9th grade level.",
        strengths="Reliable",
        barriers=[barrier],
        justification="Needs a credential for the job.",
        supportive_services="Bus passes",
        created_by=world.planner_a,
        needs_agreement=True,
    )
    service = ServiceRecord.objects.get(customer=world.customer_a, activity__code="205")
    assert_saved(
        CaseNote,
        service.case_notes.get().pk,
        body="Career planner and customer developed the IEP in person.",
        contact_date=datetime.date(2026, 10, 5),
        author=world.planner_a,
    )


def test_changing_the_plan_saves_what_was_typed(plan, world):
    barrier = Barrier.objects.get(name="No childcare")
    response = submit(
        client_for(world.planner_a),
        plan_page(world, "edit"),
        {
            "employment_goal": "Warehouse lead",
            "career_path": "Forklift operator, then lead",
            "assessment_summary": "TABE: math at the 7th grade level.",
            "strengths": "Six years of retail stocking",
            "barriers": [barrier.pk],
            "justification": "The lead role asks for the certificate.",
            "supportive_services": "Childcare during classes",
        },
    )
    assert response.status_code == 302
    assert_saved(
        Plan,
        plan.pk,
        employment_goal="Warehouse lead",
        career_path="Forklift operator, then lead",
        assessment_summary="TABE: math at the 7th grade level.",
        strengths="Six years of retail stocking",
        barriers=[barrier],
        justification="The lead role asks for the certificate.",
        supportive_services="Childcare during classes",
        lock_version=plan.lock_version + 1,
    )
    content = plan.versions.get().content
    assert content["employment_goal"] == "Warehouse lead"


def test_adding_a_goal_saves_what_was_entered(plan, world):
    response = submit(
        client_for(world.planner_a),
        plan_page(world, "goal_create"),
        {
            "statement": "Find reliable childcare",
            "category": "support",
            "term": "short",
            "status": "on_track",
            "indicator": "employment_q2",
            "justification": "No childcare is a barrier in the assessment.",
        },
    )
    goal = plan.goals.get(statement="Find reliable childcare")
    assert response["Location"] == plan_page(world, "detail") + f"#goal-{goal.pk}"
    assert_saved(
        Goal,
        goal.pk,
        plan=plan,
        customer=world.customer_a,
        category="support",
        term="short",
        status="on_track",
        indicator="employment_q2",
        justification="No childcare is a barrier in the assessment.",
    )


def test_changing_a_goal_saves_what_was_typed(plan, world):
    goal = plan.goals.get()
    response = submit(
        client_for(world.planner_a),
        plan_page(world, "goal_edit", goal_pk=goal.pk),
        {
            "statement": "Earn the forklift certificate by March",
            "category": "career",
            "term": "long",
            "status": "off_track",
            "indicator": "credential",
            "justification": "The certificate is the credential employers ask for.",
        },
    )
    assert response.status_code == 302
    assert_saved(
        Goal,
        goal.pk,
        statement="Earn the forklift certificate by March",
        category="career",
        term="long",
        status="off_track",
        indicator="credential",
        justification="The certificate is the credential employers ask for.",
        lock_version=goal.lock_version + 1,
    )


def test_adding_a_step_saves_what_was_entered(plan, world):
    goal = plan.goals.get()
    barrier = Barrier.objects.get(name="Limited transportation")
    response = submit(
        client_for(world.planner_a),
        plan_page(world, "step_create", goal_pk=goal.pk),
        {
            "activity": Activity.objects.get(code="181").pk,
            "description": "Monthly bus pass",
            "status": "planned",
            "start_on": "2026-11-01",
            "due_on": "2026-11-30",
            "hours": "0.5",
            "provider": "City transit",
            "dollar_value": "75.00",
            "barriers": [barrier.pk],
        },
    )
    step = goal.steps.get(activity__code="181")
    assert response["Location"] == plan_page(world, "detail") + f"#step-{step.pk}"
    assert_saved(
        Step,
        step.pk,
        customer=world.customer_a,
        description="Monthly bus pass",
        status="planned",
        start_on=datetime.date(2026, 11, 1),
        due_on=datetime.date(2026, 11, 30),
        hours=Decimal("0.50"),
        provider="City transit",
        dollar_value=Decimal("75.00"),
        barriers=[barrier],
    )


def test_changing_a_step_saves_what_was_typed(plan, world):
    step = Step.objects.get(goal__plan=plan)
    barrier = Barrier.objects.get(name="No childcare")
    response = submit(
        client_for(world.planner_a),
        plan_page(world, "step_edit", step_pk=step.pk),
        {
            "activity": Activity.objects.get(code="300").pk,
            "description": "Forklift course with the certification exam",
            "status": "in_progress",
            "start_on": "2026-11-02",
            "due_on": "2026-12-18",
            "hours": "40",
            "provider": "Heartland Community College",
            "dollar_value": "1250.00",
            "barriers": [barrier.pk],
        },
    )
    assert response.status_code == 302
    assert_saved(
        Step,
        step.pk,
        activity=Activity.objects.get(code="300"),
        description="Forklift course with the certification exam",
        status="in_progress",
        start_on=datetime.date(2026, 11, 2),
        due_on=datetime.date(2026, 12, 18),
        hours=Decimal("40.00"),
        provider="Heartland Community College",
        dollar_value=Decimal("1250.00"),
        barriers=[barrier],
        lock_version=step.lock_version + 1,
    )


def test_the_review_saves_its_date_and_note(plan, world):
    response = submit(
        client_for(world.planner_a),
        plan_page(world, "review"),
        {
            "reviewed_on": "2026-11-20",
            "contact_method": "phone",
            "two_way": "no",
            "note_body": "Career planner left a voicemail to review the plan.",
        },
    )
    assert response.status_code == 302
    assert_saved(Plan, plan.pk, last_reviewed_on=datetime.date(2026, 11, 20))
    note = CaseNote.objects.get(customer=world.customer_a, subject="Service Strategy/IEP Review")
    assert_saved(
        CaseNote,
        note.pk,
        contact_date=datetime.date(2026, 11, 20),
        contact_method="phone",
        two_way=False,
        body="Career planner left a voicemail to review the plan.",
        note_type=NoteType.IEP,
        author=world.planner_a,
    )


def test_the_assessment_form_saves_what_was_entered(world: World):
    certify(world.customer_a)
    casas = AssessmentType.objects.get(name="CASAS GOALS")
    response = submit(
        client_for(world.planner_a),
        plan_page(world, "assessments"),
        {
            "assessment_type": casas.pk,
            "assessed_on": "2026-10-03",
            "scores": "Reading 235, Math 221",
            "summary": "Basic skills deficient in math.",
        },
    )
    assert response.status_code == 302
    assert_saved(
        Assessment,
        world.customer_a.assessments.get().pk,
        assessment_type=casas,
        assessed_on=datetime.date(2026, 10, 3),
        scores="Reading 235, Math 221",
        summary="Basic skills deficient in math.",
        entered_by=world.planner_a,
    )


def test_the_signed_copy_form_saves_the_signature(plan, world):
    version = plan.versions.get()
    plan_version_mark_printed(version)
    response = submit(
        client_for(world.planner_a),
        plan_page(world, "sign", number=1),
        {"signed_on": "2026-11-19", "file": signed_upload()},
    )
    assert response.status_code == 302
    saved = assert_saved(
        PlanVersion,
        version.pk,
        signed_on=datetime.date(2026, 11, 19),
        signed_copy_type="application/pdf",
        signed_uploaded_by=world.planner_a,
    )
    assert saved.signed_copy.read() == SIGNED_PDF
    assert_saved(Plan, plan.pk, needs_agreement=False)


# --- A change of training needs the customer's agreement again (SPEC 4) ---------------------------


def training_plan(plan, world: World):
    """The plan with a training step (300) and a career step (224), signed: no agreement due."""
    step_save(
        goal=plan.goals.get(),
        user=world.planner_a,
        barriers=[],
        fields={
            "activity": Activity.objects.get(code="224"),
            "start_on": datetime.date(2026, 10, 20),
            "due_on": datetime.date(2026, 10, 30),
        },
    )
    sign(plan, world)
    plan.refresh_from_db()
    assert not plan.needs_agreement
    return {s.activity.code: s for s in Step.objects.filter(goal__plan=plan)}


@pytest.mark.parametrize(
    ("code", "change", "significant"),
    [
        ("224", {"description": "Explore warehouse jobs"}, False),
        ("224", {"status": StepStatus.IN_PROGRESS}, False),
        ("300", {"description": "Forklift course"}, False),
        ("300", {"activity": "301"}, True),
        ("300", {"activity": "224"}, True),
        ("224", {"activity": "300"}, True),
        ("224", {"activity": "202"}, False),
    ],
)
def test_a_change_of_training_needs_the_customers_agreement_again(
    plan, world, code, change, significant
):
    steps = training_plan(plan, world)
    if "activity" in change:
        change = {"activity": Activity.objects.get(code=change["activity"])}
    step_save(
        goal=plan.goals.get(), user=world.planner_a, barriers=[], step=steps[code], fields=change
    )
    assert_saved(Plan, plan.pk, needs_agreement=significant)


@pytest.mark.parametrize(("code", "significant"), [("301", True), ("202", False)])
def test_a_new_training_step_needs_the_customers_agreement_again(plan, world, code, significant):
    training_plan(plan, world)
    step_save(
        goal=plan.goals.get(),
        user=world.planner_a,
        barriers=[],
        fields={
            "activity": Activity.objects.get(code=code),
            "start_on": datetime.date(2026, 12, 1),
            "due_on": datetime.date(2027, 2, 1),
        },
    )
    assert_saved(Plan, plan.pk, needs_agreement=significant)


# --- Hostile input: a clear message, nothing written ------------------------------------------


def step_form(**overrides: object) -> dict[str, object]:
    return {
        "activity": Activity.objects.get(code="202").pk,
        "status": "planned",
        "start_on": "2026-11-02",
        "due_on": "2026-11-30",
        "provider": "Office",
        **overrides,
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hours", "-1", "Hours cannot be negative."),
        ("dollar_value", "-0.01", "The dollar value cannot be negative."),
        ("dollar_value", "12345678901", "no more than 10 digits"),
        ("hours", "NaN", "Enter a number."),
        ("start_on", "2026-02-30", "Enter a valid date."),
        ("due_on", "2026-11-30\x00", "Enter a valid date."),
        ("description", "Bus\x00pass", "Null characters are not allowed."),
        ("description", "x" * 201, "at most 200 characters"),
        ("activity", "\x00", "Null characters are not allowed."),
        ("activity", "99999999999999999999", "Select a valid choice."),
    ],
)
def test_the_step_form_refuses_hostile_input_with_a_message(plan, world, field, value, message):
    steps = Step.objects.count()
    response = submit(
        client_for(world.planner_a),
        plan_page(world, "step_create", goal_pk=plan.goals.get().pk),
        step_form(**{field: value}),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Step.objects.count() == steps


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("strengths", "x" * 10_001, "at most 10000 characters"),
        ("justification", "Needs\x00a credential", "Null characters are not allowed."),
        ("employment_goal", "x" * 201, "at most 200 characters"),
    ],
)
def test_the_plan_form_refuses_hostile_input_with_a_message(plan, world, field, value, message):
    response = submit(
        client_for(world.planner_a),
        plan_page(world, "edit"),
        {"employment_goal": plan.employment_goal, "career_path": "Lead", field: value},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert_saved(Plan, plan.pk, career_path="", lock_version=plan.lock_version)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("review", {"reviewed_on": "2026-11-31", "note_body": "Reviewed."}, "Enter a valid date."),
        ("review", {"reviewed_on": "2026-11-20", "note_body": "x" * 10_001}, "at most 10000"),
        ("goal_create", {"statement": "x" * 145}, "at most 144 characters"),
        ("goal_create", {"justification": "x" * 10_001}, "at most 10000 characters"),
        ("assessments", {"summary": "x" * 10_001}, "at most 10000 characters"),
        ("assessments", {"scores": "9\x00"}, "Null characters are not allowed."),
    ],
)
def test_the_plan_create_forms_refuse_hostile_input_with_a_message(
    plan, world, name, data, message
):
    defaults = {
        "review": {"contact_method": "in_person", "two_way": "yes"},
        "goal_create": {"statement": "Goal", "category": "career", "term": "short"},
        "assessments": {
            "assessment_type": AssessmentType.objects.first().pk,
            "assessed_on": "2026-10-03",
        },
    }[name]
    counts = (CaseNote.objects.count(), Goal.objects.count(), Assessment.objects.count())
    response = submit(client_for(world.planner_a), plan_page(world, name), {**defaults, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (CaseNote.objects.count(), Goal.objects.count(), Assessment.objects.count()) == counts
