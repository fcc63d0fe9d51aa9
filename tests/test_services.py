import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from casemgmt.entry import entered_late
from casemgmt.models import Policy
from casenotes.models import CaseNote
from customers.models import Customer, Program, Status
from customers.selectors import customer_history
from plans.models import AssessmentType
from plans.registrations import assessment_recorded_by
from plans.services import assessment_create
from services.models import Activity, CompletionStatus, ServiceRecord
from services.rules import ASSESSMENT_SOURCES, ServiceDraft, service_problems
from services.selectors import service_list_for
from services.services import (
    NoteDraft,
    service_record_close,
    service_record_correct,
    service_record_create,
    service_record_reopen,
)
from tests.conftest import World, client_for
from tests.factories import make_customer, make_user
from tests.readback import assert_saved, form_page_fields, submit

CERTIFIED = datetime.date(2026, 10, 1)
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOTE = NoteDraft(
    subject="Service Strategy",
    body="Career planner met the customer.",
    contact_method="in_person",
    two_way=True,
)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=CHICAGO)


@pytest.fixture
def adult(world: World) -> Customer:
    return make_customer(
        office=world.office_a,
        planner=world.planner_a,
        application_date=CERTIFIED,
        eligibility_date=CERTIFIED,
        certification_date=CERTIFIED,
    )


@pytest.fixture
def youth(world: World) -> Customer:
    return make_customer(
        office=world.office_a,
        planner=world.planner_a,
        programs=[Program.YOUTH],
        date_of_birth=datetime.date(2008, 2, 2),
        application_date=CERTIFIED,
        eligibility_date=CERTIFIED,
        certification_date=CERTIFIED,
    )


def act(code: str) -> Activity:
    return Activity.objects.get(code=code)


def record(
    customer: Customer, code: str, day: datetime.date, world: World, **kwargs
) -> ServiceRecord:
    activity = act(code)
    if activity.same_day:
        kwargs.setdefault("ended_on", day)
        kwargs.setdefault("note", NOTE)
    return service_record_create(
        customer=customer, activity=activity, started_on=day, entered_by=world.planner_a, **kwargs
    )


def problems(customer: Customer, code: str, day: datetime.date, **kwargs) -> list[str]:
    activity = act(code)
    if activity.same_day and "ended_on" not in kwargs and not kwargs.get("start_is_projected"):
        kwargs["ended_on"] = day
    draft = ServiceDraft(customer=customer, activity=activity, started_on=day, **kwargs)
    return [
        message for _field, message in service_problems(draft, today=datetime.date(2026, 11, 22))
    ]


# --- The matrix -------------------------------------------------------------------


def test_the_matrix_ships_every_code_the_spec_names(db):
    codes = set(Activity.objects.values_list("code", flat=True))
    named = {
        "180",
        "181",
        "182",
        "201",
        "202",
        "205",
        "210",
        "211",
        "226",
        "231",
        "232",
        "235",
        "239",
        "240",
        "300",
        "301",
        "207",
        "221",
        "224",
        "468",
        "469",
        "470",
    }
    assert named <= codes
    assert Activity.objects.filter(category="follow_up").exists()
    off_matrix = set(Activity.objects.filter(in_seed_matrix=False).values_list("code", flat=True))
    assert {"207", "221", "224", "468", "469", "470"} <= off_matrix
    assert act("205").same_day and act("205").extends_exit_window and act("205").requires_assessment
    assert not act("181").extends_exit_window and act("181").requires_active_enrolling
    assert act("301").requires_istep and not act("300").same_day
    assert act("470").requires_prior == act("469") and act("469").requires_prior == act("468")


# --- Certification ------------------------------------------------------------------


def test_a_service_on_the_certification_date_is_accepted(adult):
    assert problems(adult, "202", CERTIFIED) == []


def test_a_service_the_day_before_certification_is_refused(adult):
    [message] = problems(adult, "202", CERTIFIED - datetime.timedelta(days=1))
    assert "on or after the certification date (10/01/2026)" in message
    assert "case note" in message


def test_a_service_for_an_uncertified_customer_is_refused(world):
    customer = make_customer(office=world.office_a, planner=world.planner_a)
    [message] = problems(customer, "202", CERTIFIED)
    assert "before the customer is certified" in message


# --- Same-day services ----------------------------------------------------------------


def test_a_same_day_service_left_open_is_refused(adult):
    [message] = problems(adult, "202", CERTIFIED, ended_on=None)
    assert "same-day service" in message and "cannot be left open" in message


def test_a_same_day_service_ending_the_next_day_is_refused(adult):
    [message] = problems(adult, "202", CERTIFIED, ended_on=CERTIFIED + datetime.timedelta(days=1))
    assert "starts and ends on the same day" in message


def test_a_same_day_service_cannot_be_projected(adult):
    assert any(
        "record it on the day it is given" in m
        for m in problems(adult, "202", datetime.date(2026, 12, 1), start_is_projected=True)
    )


# --- Training ----------------------------------------------------------------------


def test_training_stays_open_and_closes_with_a_completion_status(adult, world):
    record(adult, "207", CERTIFIED, world)
    record(adult, "205", CERTIFIED, world)
    assert problems(adult, "300", CERTIFIED) == []
    [message] = problems(adult, "300", CERTIFIED, ended_on=datetime.date(2026, 11, 1))
    assert "Training services stay open until completion is confirmed" in message
    assert (
        problems(
            adult,
            "300",
            CERTIFIED,
            ended_on=datetime.date(2026, 11, 1),
            completion_status="successful",
        )
        == []
    )
    [message] = problems(adult, "300", CERTIFIED, completion_status="successful")
    assert "Give the end date with the completion status" in message


# --- Prerequisites --------------------------------------------------------------------


def test_a_workshop_without_an_iep_is_refused_naming_the_rule(adult):
    assert problems(adult, "201", CERTIFIED) == [
        "Group Workforce Research/Workshops/Job Clubs (201) requires an IEP: record Development of an IEP (205) first."
    ]


def test_a_workshop_after_the_iep_is_accepted_but_not_before_it(adult, world):
    record(adult, "207", CERTIFIED, world)
    record(adult, "205", CERTIFIED + datetime.timedelta(days=1), world)
    assert problems(adult, "201", CERTIFIED + datetime.timedelta(days=1)) == []
    assert problems(adult, "201", CERTIFIED) != []


def test_an_iep_needs_a_completed_assessment(adult, world):
    [message] = problems(adult, "205", CERTIFIED)
    assert "requires a completed assessment" in message
    record(adult, "207", CERTIFIED, world)
    assert problems(adult, "205", CERTIFIED) == []


@time_machine.travel(at(datetime.date(2026, 11, 22)), tick=False)
def test_an_assessment_on_the_plans_list_counts_as_a_completed_assessment(adult, world):
    assert assessment_recorded_by in ASSESSMENT_SOURCES  # filled by PlansConfig.ready()
    assessment_create(
        customer=adult,
        assessment_type=AssessmentType.objects.get(name="CASAS GOALS"),
        assessed_on=CERTIFIED + datetime.timedelta(days=1),
        scores="",
        summary="",
        entered_by=world.planner_a,
    )
    [message] = problems(adult, "205", CERTIFIED)  # given after this start: not yet
    assert "requires a completed assessment" in message
    assert problems(adult, "205", CERTIFIED + datetime.timedelta(days=1)) == []


def test_ojt_needs_a_completed_istep(adult, world):
    record(adult, "207", CERTIFIED, world)
    record(adult, "205", CERTIFIED, world)
    assert any("requires a completed ISTEP" in m for m in problems(adult, "301", CERTIFIED))
    record(adult, "221", CERTIFIED, world)
    assert problems(adult, "301", CERTIFIED) == []


def test_a_supportive_service_needs_an_active_enrolling_service(adult, world):
    day = datetime.date(2026, 10, 5)
    [message] = problems(adult, "181", day)
    assert "at least one open enrolling service on 10/05/2026" in message
    record(
        adult, "202", day - datetime.timedelta(days=1), world
    )  # ended the day before: not active
    assert problems(adult, "181", day) != []
    record(adult, "202", day, world)  # same day: active on that day
    assert problems(adult, "181", day) == []


def test_an_open_training_keeps_supportive_services_allowed(adult, world):
    record(adult, "207", CERTIFIED, world)
    record(adult, "205", CERTIFIED, world)
    record(adult, "300", CERTIFIED, world)
    assert problems(adult, "181", datetime.date(2026, 11, 20)) == []


def test_an_adult_in_follow_up_gets_no_supportive_service_but_a_youth_does(adult, youth, world):
    day = datetime.date(2026, 10, 5)
    record(adult, "202", day, world)
    Customer.objects.filter(pk__in=[adult.pk, youth.pk]).update(status=Status.FOLLOW_UP)
    adult.refresh_from_db()
    youth.refresh_from_db()
    assert any("in follow-up cannot receive" in m for m in problems(adult, "181", day))
    record(youth, "468", day, world)
    assert problems(youth, "181", day) == []


def test_youth_services_follow_the_order_468_469_470(youth, world):
    day = CERTIFIED
    assert any("follow the order 468, 469, 470" in m for m in problems(youth, "469", day))
    assert any("before Youth Career Planning (470)" in m for m in problems(youth, "470", day))
    record(youth, "468", day, world)
    assert problems(youth, "469", day) == []
    record(youth, "469", day, world)
    assert problems(youth, "470", day) == []


def test_a_youth_service_for_an_adult_is_refused(adult):
    assert any("is a Youth service" in m for m in problems(adult, "468", CERTIFIED))


def test_an_actual_start_in_the_future_is_refused_but_a_projected_one_is_not(adult, world):
    record(adult, "207", CERTIFIED, world)
    record(adult, "205", CERTIFIED, world)
    future = datetime.date(2026, 12, 1)
    assert any("cannot be in the future" in m for m in problems(adult, "300", future))
    assert problems(adult, "300", future, start_is_projected=True) == []


# --- Service and note together -----------------------------------------------------------


def test_a_same_day_service_without_its_note_saves_nothing(adult, world):
    with pytest.raises(ValidationError, match="write its case note in the same form"):
        service_record_create(
            customer=adult,
            activity=act("202"),
            started_on=CERTIFIED,
            ended_on=CERTIFIED,
            entered_by=world.planner_a,
        )
    assert not ServiceRecord.objects.filter(customer=adult).exists()


def test_a_refused_service_does_not_keep_its_note(adult, world):
    with pytest.raises(ValidationError):
        record(adult, "201", CERTIFIED, world)
    assert not ServiceRecord.objects.filter(customer=adult).exists()
    assert not CaseNote.objects.filter(customer=adult).exists()


def test_a_refused_note_does_not_keep_its_service(adult, world):
    empty = NoteDraft(subject="", body="  ", contact_method="phone", two_way=True)
    with pytest.raises(ValidationError):
        record(adult, "202", CERTIFIED, world, note=empty)
    assert not ServiceRecord.objects.filter(customer=adult).exists()


def test_a_same_day_service_and_its_note_are_saved_together(adult, world):
    service = record(adult, "202", CERTIFIED, world)
    note = CaseNote.objects.get(customer=adult)
    assert (
        note.service == service
        and note.contact_date == CERTIFIED
        and note.author == world.planner_a
    )


def test_the_form_saves_a_same_day_service_with_its_note(adult, world):
    response = submit(
        client_for(world.planner_a),
        reverse("services:create", kwargs={"pk": adult.pk}),
        {
            "activity": act("211").pk,
            "started_on": "2026-11-20",
            "provider": "office",
            "note_type": "general",
            "note_body": "Career planner helped the customer revise a resume for warehouse openings.",
            "note_contact_method": "in_person",
            "note_two_way": "yes",
        },
    )
    assert response.status_code == 302
    service = ServiceRecord.objects.get(customer=adult)
    assert service.ended_on == datetime.date(2026, 11, 20)
    assert service.case_notes.get().subject.startswith("Service Strategy/Job Search")


def test_the_form_shows_the_rule_and_keeps_the_entry(adult, world):
    response = submit(
        client_for(world.planner_a),
        reverse("services:create", kwargs={"pk": adult.pk}),
        {
            "activity": act("201").pk,
            "started_on": "2026-11-20",
            "provider": "office",
            "note_type": "general",
            "note_body": "Customer attended the resume workshop.",
            "note_contact_method": "in_person",
            "note_two_way": "yes",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "requires an IEP: record Development of an IEP (205) first" in html
    assert "Customer attended the resume workshop." in html


# --- Participation, late entry, closing, reopening ---------------------------------------------


def test_the_first_enrolling_service_makes_a_participant(adult, world):
    assert adult.status == Status.APPLICANT
    record(adult, "202", CERTIFIED, world)
    adult.refresh_from_db()
    assert adult.status == Status.PARTICIPANT


def test_a_non_enrolling_service_leaves_an_applicant(adult, world):
    record(adult, "207", CERTIFIED, world)
    record(adult, "205", CERTIFIED, world)
    Customer.objects.filter(pk=adult.pk).update(status=Status.APPLICANT)
    adult.refresh_from_db()
    record(adult, "226", CERTIFIED, world)
    adult.refresh_from_db()
    assert adult.status == Status.APPLICANT


def test_entered_late_boundary():
    day = datetime.date(2026, 11, 1)
    on = day + datetime.timedelta(days=10)
    assert not entered_late(event_date=day, entered_on=on, deadline_days=10)
    assert entered_late(
        event_date=day, entered_on=on + datetime.timedelta(days=1), deadline_days=10
    )


@pytest.mark.parametrize(("days_later", "late"), [(10, False), (11, True)])
def test_a_service_entered_days_after_its_date_is_marked(adult, world, days_later, late):
    day = datetime.date(2026, 11, 2)
    with time_machine.travel(at(day + datetime.timedelta(days=days_later)), tick=False):
        service = record(adult, "202", day, world)
        check = client_for(world.planner_a).get(
            reverse("services:entry_check", kwargs={"pk": adult.pk}),
            {"started_on": day.isoformat()},
        )
    assert service.entered_late is late
    assert ("marked late" in check.content.decode()) is late
    assert CaseNote.objects.get(service=service).entered_late is late


def test_closing_records_status_and_late_close(adult, world):
    record(adult, "207", CERTIFIED, world)
    record(adult, "205", CERTIFIED, world)
    training = record(adult, "300", CERTIFIED, world)
    with time_machine.travel(at(datetime.date(2026, 11, 12)), tick=False):
        service_record_close(
            record=training,
            ended_on=datetime.date(2026, 11, 1),
            completion_status="successful",
            closed_by=world.planner_a,
        )
    training.refresh_from_db()
    assert training.ended_on == datetime.date(2026, 11, 1)
    assert training.completion_status == CompletionStatus.SUCCESSFUL
    assert training.closed_late  # 11 days after the end date


def test_a_supervisor_reopens_with_a_reason(adult, world):
    record(adult, "207", CERTIFIED, world)
    record(adult, "205", CERTIFIED, world)
    training = record(
        adult,
        "300",
        CERTIFIED,
        world,
        ended_on=datetime.date(2026, 11, 1),
        completion_status="unsuccessful",
    )
    response = client_for(world.supervisor_a).post(
        reverse("services:reopen", kwargs={"pk": adult.pk, "service_pk": training.pk}),
        {"reason": "Closed by mistake"},
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.is_open and training.reopen_reason == "Closed by mistake"
    log = customer_history(adult)
    reopened = next(e for e in log if e.reason == "Closed by mistake")
    assert reopened.action.startswith("Service changed: 300 Occupational Skills Training")
    assert ("End date", "11/01/2026", "(blank)") in reopened.changes
    assert "Case note added: Service Strategy" in [e.action for e in log]
    assert reopened.sentence == (
        "S. Tester changed the service 300 Occupational Skills Training (ITA): the end date"
        " from 11/01/2026 to blank, the completion status from Unsuccessful to blank, the closed"
        " by from Planner Tester to blank and the reopen reason to \u201cClosed by mistake\u201d."
    )


def test_a_same_day_service_cannot_be_reopened(adult, world):
    service = record(adult, "202", CERTIFIED, world)
    with pytest.raises(ValidationError, match="cannot be left open"):
        service_record_reopen(record=service, reason="x", reopened_by=world.supervisor_a)


def test_services_list_open_first_then_by_date(adult, world):
    record(adult, "207", CERTIFIED, world)
    record(adult, "205", CERTIFIED, world)
    training = record(adult, "300", CERTIFIED, world)
    later = record(adult, "202", datetime.date(2026, 11, 3), world)
    listed = list(service_list_for(adult))
    assert listed[0] == training
    assert listed[1] == later


def test_the_services_tab_query_count_does_not_grow(adult, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.planner_a)
    url = reverse("services:list", kwargs={"pk": adult.pk})
    record(adult, "202", CERTIFIED, world)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in range(2, 12):
        record(adult, "202", CERTIFIED + datetime.timedelta(days=day), world)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_the_timeline_shows_services_and_notes(adult, world):
    record(adult, "202", CERTIFIED, world)
    html = (
        client_for(world.planner_a)
        .get(reverse("services:timeline", kwargs={"pk": adult.pk}))
        .content.decode()
    )
    assert "202 Career Planning" in html and "Career planner met the customer." in html


# --- The late flag follows the region's policy --------------------------------------------


@pytest.mark.parametrize(("days_later", "late"), [(5, False), (6, True)])
def test_the_late_flag_uses_the_regions_entry_deadline(adult, world, days_later, late):
    Policy.objects.create(region=world.office_a.region, entry_deadline_days=5)
    day = datetime.date(2026, 11, 2)
    with time_machine.travel(at(day + datetime.timedelta(days=days_later)), tick=False):
        service = record(adult, "202", day, world)
    assert_saved(ServiceRecord, service.pk, entered_late=late)
    assert CaseNote.objects.get(service=service).entered_late is late


def test_the_late_flag_counts_days_in_the_offices_time_zone(world):
    # 23:30 in Los Angeles is already the next day in UTC and in Chicago.
    world.office_a.time_zone = "America/Los_Angeles"
    world.office_a.save()
    customer = make_customer(
        office=world.office_a,
        planner=world.planner_a,
        application_date=CERTIFIED,
        eligibility_date=CERTIFIED,
        certification_date=CERTIFIED,
    )
    day = datetime.date(2026, 11, 2)
    evening = datetime.datetime(
        2026, 11, 12, 23, 30, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles")
    )
    with time_machine.travel(evening, tick=False):
        on_time = record(customer, "202", day, world)
    with time_machine.travel(evening + datetime.timedelta(hours=1), tick=False):
        late = record(customer, "202", day, world)
    assert_saved(ServiceRecord, on_time.pk, entered_late=False)
    assert_saved(ServiceRecord, late.pk, entered_late=True)


# --- Create once ---------------------------------------------------------------------------


def _same_day_form(adult: Customer) -> dict[str, object]:
    return {
        "activity": act("211").pk,
        "started_on": "2026-11-20",
        "provider": "office",
        "weekly_hours": "2.50",
        "dollar_value": "0.00",
        "notes": "At the front desk.",
        "note_type": "general",
        "note_subject": "Service Strategy/Job Search",
        "note_body": "Career planner helped the customer revise a resume for warehouse openings.",
        "note_contact_method": "in_person",
        "note_two_way": "yes",
    }


@time_machine.travel(at(datetime.date(2026, 11, 25)), tick=False)
def test_the_service_form_saves_exactly_what_was_entered(adult, world):
    response = submit(
        client_for(world.planner_a),
        reverse("services:create", kwargs={"pk": adult.pk}),
        _same_day_form(adult),
    )
    assert response.status_code == 302
    service = ServiceRecord.objects.get(customer=adult)
    assert_saved(
        ServiceRecord,
        service.pk,
        activity=act("211"),
        started_on=datetime.date(2026, 11, 20),
        ended_on=datetime.date(2026, 11, 20),
        completion_status="successful",
        provider="office",
        weekly_hours=__import__("decimal").Decimal("2.50"),
        dollar_value=__import__("decimal").Decimal("0.00"),
        notes="At the front desk.",
        entered_by=world.planner_a,
        entered_late=False,
        barriers=[],
    )
    assert_saved(
        CaseNote,
        service.case_notes.get().pk,
        subject="Service Strategy/Job Search",
        body="Career planner helped the customer revise a resume for warehouse openings.",
        contact_method="in_person",
        two_way=True,
        contact_date=datetime.date(2026, 11, 20),
    )


@time_machine.travel(at(datetime.date(2026, 11, 25)), tick=False)
def test_a_second_submission_of_the_service_form_records_nothing(adult, world):
    client = client_for(world.planner_a)
    url = reverse("services:create", kwargs={"pk": adult.pk})
    data = {**form_page_fields(client.get(url).content.decode()), **_same_day_form(adult)}
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    assert ServiceRecord.objects.filter(customer=adult).count() == 1
    assert CaseNote.objects.filter(customer=adult).count() == 1
    assert second.redirect_chain[0][0] == first["Location"] or "submitted already" in (
        second.content.decode()
    )
    assert "submitted already" in second.content.decode()


def test_two_submissions_at_once_record_one_service(reference_data, adult, world):
    """The token's primary key makes the second wait for the first, then find it."""
    import threading

    from django.db import connection

    from casemgmt.once import submit_once

    token = __import__("uuid").uuid4()
    barrier = threading.Barrier(2)
    outcomes = []

    def post() -> None:
        barrier.wait()
        try:
            outcomes.append(
                submit_once(
                    user=world.planner_a,
                    token=token,
                    record=lambda: record(adult, "202", CERTIFIED, world),
                    location=lambda r: f"/services/{r.pk}/",
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.replayed for o in outcomes) == [False, True]
    assert outcomes[0].location == outcomes[1].location
    assert ServiceRecord.objects.filter(customer=adult).count() == 1


# --- Correcting a service --------------------------------------------------------------------


def _training(adult: Customer, world: World) -> ServiceRecord:
    record(adult, "207", CERTIFIED, world)
    record(adult, "205", CERTIFIED, world)
    return record(adult, "300", CERTIFIED, world, planned_end_on=datetime.date(2027, 1, 30))


def _correction_form(training: ServiceRecord, **overrides: object) -> dict[str, object]:
    return {
        "reason": "Wrong start date typed",
        "activity": training.activity_id,
        "started_on": "2026-10-05",
        "planned_end_on": "2027-02-15",
        "provider": "outside",
        "provider_name": "Lincoln Land Community College",
        "weekly_hours": "20",
        "dollar_value": "3200.00",
        "notes": "Evening cohort.",
        **overrides,
    }


def test_the_author_corrects_a_service_and_the_original_stays_in_the_log(adult, world):
    training = _training(adult, world)
    url = reverse("services:correct", kwargs={"pk": adult.pk, "service_pk": training.pk})
    response = submit(client_for(world.planner_a), url, _correction_form(training))
    assert response.status_code == 302
    from decimal import Decimal

    assert_saved(
        ServiceRecord,
        training.pk,
        started_on=datetime.date(2026, 10, 5),
        planned_end_on=datetime.date(2027, 2, 15),
        provider="outside",
        provider_name="Lincoln Land Community College",
        weekly_hours=Decimal("20"),
        dollar_value=Decimal("3200.00"),
        notes="Evening cohort.",
        lock_version=2,
    )
    log = customer_history(adult)
    corrected = next(e for e in log if e.reason == "Corrected: Wrong start date typed")
    assert ("Start date", "10/01/2026", "10/05/2026") in corrected.changes


def test_a_correction_runs_the_service_rules_again(adult, world):
    training = _training(adult, world)
    with pytest.raises(ValidationError, match="on or after the certification date"):
        service_record_correct(
            record=training,
            corrected_by=world.planner_a,
            reason="x",
            fields={"started_on": CERTIFIED - datetime.timedelta(days=1)},
            barriers=[],
        )
    assert_saved(ServiceRecord, training.pk, started_on=CERTIFIED, lock_version=1)


def test_a_correction_needs_a_reason(adult, world):
    training = _training(adult, world)
    with pytest.raises(ValidationError, match="reason"):
        service_record_correct(
            record=training,
            corrected_by=world.planner_a,
            reason="  ",
            fields={"weekly_hours": 5},
            barriers=[],
        )


def test_a_correction_never_washes_away_the_late_flag(adult, world):
    record(adult, "207", CERTIFIED, world)
    with time_machine.travel(at(datetime.date(2026, 10, 20)), tick=False):
        late = record(adult, "202", datetime.date(2026, 10, 2), world)
        assert late.entered_late
        service_record_correct(
            record=late,
            corrected_by=world.planner_a,
            reason="It was on the 15th",
            fields={
                "started_on": datetime.date(2026, 10, 15),
                "ended_on": datetime.date(2026, 10, 15),
            },
            barriers=[],
        )
    assert_saved(ServiceRecord, late.pk, started_on=datetime.date(2026, 10, 15), entered_late=True)


@pytest.mark.parametrize(("days_after_entry", "allowed"), [(30, True), (31, False)])
def test_the_author_corrects_within_the_policy_window(adult, world, days_after_entry, allowed):
    entered = datetime.date(2026, 10, 2)
    with time_machine.travel(at(entered), tick=False):
        training = _training(adult, world)
    with time_machine.travel(at(entered + datetime.timedelta(days=days_after_entry)), tick=False):
        url = reverse("services:correct", kwargs={"pk": adult.pk, "service_pk": training.pk})
        client = client_for(world.planner_a)
        page = client.get(url, follow=True)
        supervisor = client_for(world.supervisor_a).get(url)
    assert ("Correct 300" in page.content.decode()) is allowed
    if not allowed:
        assert page.redirect_chain[-1][0].endswith(f"/services/{training.pk}/")
        assert "Ask a supervisor to correct it" in page.content.decode()
    assert supervisor.status_code == 200


def test_another_planner_of_the_office_cannot_correct_someone_elses_service(adult, world):
    other = make_user("planner_a2", "Career planner", offices=[world.office_a])
    training = _training(adult, world)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="Only the staff member who entered"):
        service_record_correct(
            record=training, corrected_by=other, reason="x", fields={"weekly_hours": 1}, barriers=[]
        )


def test_a_stale_correction_is_refused_and_shows_the_other_change(adult, world):
    training = _training(adult, world)
    url = reverse("services:correct", kwargs={"pk": adult.pk, "service_pk": training.pk})
    planner, supervisor = client_for(world.planner_a), client_for(world.supervisor_a)
    planner_page = form_page_fields(planner.get(url).content.decode())
    supervisor_page = form_page_fields(supervisor.get(url).content.decode())
    first = supervisor.post(
        url, {**supervisor_page, **_correction_form(training, weekly_hours="12")}
    )
    assert first.status_code == 302
    second = planner.post(url, {**planner_page, **_correction_form(training, weekly_hours="30")})
    html = second.content.decode()
    assert second.status_code == 409
    assert "Someone else saved this first" in html and "Weekly hours" in html
    assert 'value="30"' in html  # what this person typed is kept
    from decimal import Decimal

    assert_saved(ServiceRecord, training.pk, weekly_hours=Decimal("12"), lock_version=2)
    again = planner.post(
        url, {**form_page_fields(html), **_correction_form(training, weekly_hours="30")}
    )
    assert again.status_code == 302
    assert_saved(ServiceRecord, training.pk, weekly_hours=Decimal("30"), lock_version=3)


def test_an_open_service_is_not_closed_by_a_correction(adult, world):
    training = _training(adult, world)
    with pytest.raises(ValidationError, match="close it with Close"):
        service_record_correct(
            record=training,
            corrected_by=world.planner_a,
            reason="x",
            fields={"ended_on": datetime.date(2026, 11, 1), "completion_status": "successful"},
            barriers=[],
        )
