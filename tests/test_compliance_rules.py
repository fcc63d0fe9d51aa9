"""Each compliance rule at its boundaries, through the engine (set-based SQL)."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casemgmt.models import Office, Policy
from casenotes.models import CaseNote
from casenotes.services import casenote_create
from compliance.engine import BATCH, ENGINE_LOCK_BUCKET, SOFT_EXIT_REASON, evaluate
from compliance.models import Alert, OfficeCount, OverdueCount, Rule, State
from compliance.selectors import TREND_WEEKS
from compliance.services import planned_gap_create, soft_exit_undo
from compliance.signals import evaluations_deferred
from compliance.tasks import evaluate_compliance
from customers.models import Customer, Program, Status
from plans.services import plan_review
from services.models import Activity, ServiceRecord
from services.services import NoteDraft, service_record_create
from tests.conftest import World, client_for
from tests.factories import certify, make_customer, make_plan
from tests.readback import submit

B = datetime.date(2026, 3, 2)  # a Monday well before today
CERTIFIED = datetime.date(2026, 1, 5)
NOTE = NoteDraft(
    subject="Service",
    body="Career planner met the customer.",
    contact_method="in_person",
    two_way=True,
)


def days(n: int) -> datetime.date:
    return B + datetime.timedelta(days=n)


def participant(world: World, *, youth: bool = False) -> Customer:
    customer = make_customer(
        office=world.office_a,
        planner=world.planner_a,
        programs=[Program.YOUTH] if youth else [Program.ADULT],
        date_of_birth=datetime.date(2008, 1, 1) if youth else datetime.date(1985, 1, 1),
    )
    certify(customer, CERTIFIED)
    Customer.objects.filter(pk=customer.pk).update(status=Status.PARTICIPANT)
    customer.refresh_from_db()
    return customer


def open_alert(customer: Customer, rule: str) -> Alert | None:
    return Alert.objects.filter(customer=customer, rule=rule, resolved_at__isnull=True).first()


def state_on(customer: Customer, rule: str, day: datetime.date) -> str | None:
    evaluate(as_of=day, customer_ids=[customer.pk])
    alert = open_alert(customer, rule)
    return alert.state if alert else None


def note(customer: Customer, world: World, day: datetime.date, *, two_way: bool = True) -> None:
    casenote_create(
        customer=customer,
        author=world.planner_a,
        contact_date=day,
        subject="Check-in",
        body="Career planner called the customer.",
        contact_method="phone",
        two_way=two_way,
    )


def service(
    customer: Customer, world: World, code: str, day: datetime.date, **kwargs
) -> ServiceRecord:
    activity = Activity.objects.get(code=code)
    if activity.same_day:
        kwargs.setdefault("ended_on", day)
        kwargs.setdefault("note", NOTE)
    return service_record_create(
        customer=customer, activity=activity, started_on=day, entered_by=world.planner_a, **kwargs
    )


# --- 30-day contact ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "state"), [(24, None), (25, "due_soon"), (30, "due_soon"), (31, "overdue")]
)
def test_contact_clock_boundaries(world, day, state):
    customer = participant(world)
    note(customer, world, B)
    assert state_on(customer, "contact_30", days(day)) == state


def test_an_attempt_does_not_reset_the_contact_clock_but_two_way_contact_does(world):
    customer = participant(world)
    note(customer, world, B)
    note(customer, world, days(20), two_way=False)
    assert state_on(customer, "contact_30", days(31)) == "overdue"
    note(customer, world, days(31))
    assert state_on(customer, "contact_30", days(31)) is None
    resolved = Alert.objects.get(customer=customer, rule="contact_30")
    assert resolved.resolution == "Two-way contact recorded" and resolved.resolved_on == days(31)


def test_the_contact_rule_concerns_active_participants_only(world):
    customer = participant(world)
    note(customer, world, B)
    Customer.objects.filter(pk=customer.pk).update(status=Status.APPLICANT)
    assert state_on(customer, "contact_30", days(40)) is None


# --- 90-day review and the open-goal rule ---------------------------------------------------


@pytest.mark.parametrize(
    ("day", "state"), [(79, None), (80, "due_soon"), (90, "due_soon"), (91, "overdue")]
)
def test_review_clock_boundaries(world, day, state):
    customer = participant(world)
    make_plan(customer, world.planner_a, day=B)
    Customer.objects.filter(pk=customer.pk).update(status=Status.PARTICIPANT)
    service(customer, world, "300", days(1))  # open training: no soft exit meanwhile
    assert state_on(customer, "review_90", days(day)) == state


def test_a_review_restarts_the_review_clock(world):
    customer = participant(world)
    plan = make_plan(customer, world.planner_a, day=B)
    Customer.objects.filter(pk=customer.pk).update(status=Status.PARTICIPANT)
    service(customer, world, "300", days(1))
    assert state_on(customer, "review_90", days(91)) == "overdue"
    plan_review(
        plan=plan,
        user=world.planner_a,
        reviewed_on=days(85),
        note_body="Reviewed.",
        contact_method="in_person",
        two_way=True,
    )
    assert state_on(customer, "review_90", days(91)) is None


def test_a_participant_without_an_open_goal_and_objective_is_flagged(world):
    customer = participant(world)
    assert state_on(customer, "plan_open_goal", days(0)) == "overdue"
    make_plan(customer, world.planner_a, day=B)
    Customer.objects.filter(pk=customer.pk).update(status=Status.PARTICIPANT)
    assert state_on(customer, "plan_open_goal", days(0)) is None


# --- 90-day soft exit ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "state"),
    [(59, None), (60, "due_soon"), (74, "due_soon"), (75, "overdue"), (89, "overdue")],
)
def test_soft_exit_warnings_at_60_and_75_days(world, day, state):
    customer = participant(world)
    service(customer, world, "202", B)
    assert state_on(customer, "soft_exit", days(day)) == state
    customer.refresh_from_db()
    assert customer.status == Status.PARTICIPANT


def test_day_90_soft_exits_with_the_last_service_day_as_exit_date(world):
    customer = participant(world)
    service(customer, world, "202", B)
    result = evaluate(as_of=days(90), customer_ids=[customer.pk])
    customer.refresh_from_db()
    assert result.exited == 1
    assert customer.status == Status.EXITED
    assert customer.exit_date == B  # retroactive, not the day the rule fired
    assert customer.exit_reason == SOFT_EXIT_REASON
    assert open_alert(customer, "contact_30") is None and open_alert(customer, "soft_exit") is None


def test_a_missed_day_is_caught_up_with_the_same_exit_date(world):
    customer = participant(world)
    service(customer, world, "202", B)
    evaluate(as_of=days(95), customer_ids=[customer.pk])
    customer.refresh_from_db()
    assert customer.status == Status.EXITED and customer.exit_date == B


def test_an_open_enrolling_service_blocks_the_exit(world):
    customer = participant(world)
    make_plan(customer, world.planner_a, day=B)
    Customer.objects.filter(pk=customer.pk).update(status=Status.PARTICIPANT)
    service(customer, world, "300", days(1))
    assert state_on(customer, "soft_exit", days(200)) is None
    customer.refresh_from_db()
    assert customer.status == Status.PARTICIPANT


def _supportive_after(customer: Customer, world: World) -> None:
    # A supportive service 30 days after the last enrolling one, as a legacy import may hold.
    ServiceRecord.objects.create(
        customer=customer,
        activity=Activity.objects.get(code="181"),
        started_on=days(30),
        ended_on=days(30),
        completion_status="successful",
        entered_by=world.planner_a,
        entered_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC),
    )


def test_a_supportive_service_keeps_a_youth_active_but_not_an_adult(world):
    adult = participant(world)
    service(adult, world, "202", B)
    _supportive_after(adult, world)
    youth = participant(world, youth=True)
    service(youth, world, "468", B)
    _supportive_after(youth, world)
    assert state_on(adult, "soft_exit", days(75)) == "overdue"
    assert state_on(youth, "soft_exit", days(75)) is None  # 45 days since the supportive service


def test_follow_up_services_never_keep_a_participant_active(world):
    customer = participant(world)
    service(customer, world, "202", B)
    service(customer, world, "600", days(30))
    assert state_on(customer, "soft_exit", days(75)) == "overdue"


def test_a_planned_gap_postpones_the_exit_until_its_end(world):
    customer = participant(world)
    service(customer, world, "202", B)
    planned_gap_create(
        customer=customer,
        reason="Waiting for the training start date",
        starts_on=days(50),
        ends_on=days(100),
        created_by=world.planner_a,
    )
    assert state_on(customer, "soft_exit", days(90)) is None
    customer.refresh_from_db()
    assert customer.status == Status.PARTICIPANT
    evaluate(as_of=days(101), customer_ids=[customer.pk])
    customer.refresh_from_db()
    assert customer.status == Status.EXITED and customer.exit_date == B


def test_a_supervisor_undoes_a_soft_exit_with_a_reason(world):
    customer = participant(world)
    service(customer, world, "202", B)
    evaluate(as_of=days(90), customer_ids=[customer.pk])
    soft_exit_undo(
        customer=customer,
        reason="Job search service on 05/20 was not entered",
        undone_by=world.supervisor_a,
    )
    customer.refresh_from_db()
    assert customer.status == Status.PARTICIPANT and customer.exit_date is None
    assert customer.planned_gaps.get().reason.startswith("Soft exit undone")


# --- Eligibility and open past end -------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "state"), [(24, None), (25, "due_soon"), (30, "due_soon"), (31, "overdue")]
)
def test_eligibility_clock_boundaries(world, day, state):
    customer = make_customer(office=world.office_a, planner=world.planner_a, application_date=B)
    assert state_on(customer, "eligibility_30", days(day)) == state


def test_eligibility_determined_resolves_the_alert(world):
    customer = make_customer(office=world.office_a, planner=world.planner_a, application_date=B)
    assert state_on(customer, "eligibility_30", days(31)) == "overdue"
    Customer.objects.filter(pk=customer.pk).update(eligibility_date=days(20))
    assert state_on(customer, "eligibility_30", days(32)) is None


@pytest.mark.parametrize(
    ("day", "state"), [(-1, None), (0, "due_soon"), (9, "due_soon"), (10, "overdue")]
)
def test_open_past_planned_end_boundaries(world, day, state):
    customer = participant(world)
    make_plan(customer, world.planner_a, day=B)
    Customer.objects.filter(pk=customer.pk).update(status=Status.PARTICIPANT)
    end = days(60)
    service(customer, world, "300", days(1), planned_end_on=end)
    assert state_on(customer, "open_past_end", end + datetime.timedelta(days=day)) == state


# --- 10-day entry ------------------------------------------------------------------------------


@pytest.mark.parametrize(("entered_after", "late"), [(10, False), (11, True)])
def test_late_entries_raise_late_alerts(world, entered_after, late):
    customer = participant(world)
    with time_machine.travel(
        datetime.datetime.combine(days(entered_after), datetime.time(12), datetime.UTC), tick=False
    ):
        record = service(customer, world, "202", B)
    evaluate(as_of=days(entered_after), customer_ids=[customer.pk])
    alerts = Alert.objects.filter(customer=customer, rule="entry_10", resolved_at__isnull=True)
    assert {(a.subject_type, a.subject_id) for a in alerts} == (
        {("service", record.pk), ("note", record.case_notes.get().pk)} if late else set()
    )
    assert all(a.state == "late" and a.responsible == world.planner_a for a in alerts)


# --- Policy per region -------------------------------------------------------------------------


def test_a_regions_policy_changes_the_thresholds(world):
    customer = participant(world)
    note(customer, world, B)
    Policy.objects.create(
        region=world.office_a.region, contact_due_soon_day=40, contact_overdue_day=46
    )
    assert state_on(customer, "contact_30", days(31)) is None
    assert state_on(customer, "contact_30", days(46)) == "overdue"


# --- Idempotence, concurrency, the daily task ----------------------------------------------


def test_running_twice_gives_the_same_alerts(world):
    customer = participant(world)
    note(customer, world, B)
    first = evaluate(as_of=days(40))
    snapshot = list(
        Alert.objects.order_by("pk").values_list(
            "rule", "customer", "state", "due_on", "resolved_at"
        )
    )
    second = evaluate(as_of=days(40))
    assert (
        first.opened > 0
        and second.opened == 0
        and second.kept == first.opened
        and second.resolved == 0
    )
    assert (
        list(
            Alert.objects.order_by("pk").values_list(
                "rule", "customer", "state", "due_on", "resolved_at"
            )
        )
        == snapshot
    )


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_give_the_same_alerts(world, reference_data):
    customer = participant(world)
    note(customer, world, B)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            evaluate(as_of=days(40))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    open_alerts = Alert.objects.filter(resolved_at__isnull=True)
    keys = list(open_alerts.values_list("rule", "customer_id", "subject_type", "subject_id"))
    assert len(keys) == len(set(keys)) > 0


def test_the_daily_task_evaluates_as_of_today(world):
    customer = participant(world)
    note(customer, world, B)
    with time_machine.travel(
        datetime.datetime.combine(days(31), datetime.time(12), datetime.UTC), tick=False
    ):
        counts = evaluate_compliance.delay().get()
    assert counts["opened"] >= 1
    assert open_alert(customer, "contact_30").state == "overdue"
    # The day that ended in each office is recorded for the supervisor's trend.
    assert counts["offices_recorded"] == Office.objects.count()
    # The day that ended, and the week ends before it that the roll-ups' trend reads.
    assert OverdueCount.objects.filter(office=world.office_a).count() == TREND_WEEKS
    # And each office's open alerts by rule, for the roll-ups of many offices.
    contact = OfficeCount.objects.get(office=world.office_a, rule="contact_30")
    assert contact.overdue >= 1


def test_recording_the_work_re_evaluates_the_customer_on_commit(
    world, django_capture_on_commit_callbacks
):
    customer = participant(world)
    note(customer, world, B)
    moment = datetime.datetime.combine(days(31), datetime.time(12), datetime.UTC)
    with time_machine.travel(moment, tick=False):
        evaluate(as_of=days(31))
        assert open_alert(customer, "contact_30").state == "overdue"
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            note(customer, world, days(31))
    assert len(callbacks) == 1
    assert open_alert(customer, "contact_30") is None


def test_a_transaction_that_saves_several_rows_evaluates_each_customer_once(
    world, django_capture_on_commit_callbacks
):
    customer, other = participant(world), participant(world)
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        service(customer, world, "202", B)  # the service and its case note
        note(customer, world, days(1))
        note(other, world, days(1))
    evaluations = [q for q in queries if "INSERT INTO compliance_alert" in q["sql"]]
    assert len(callbacks) >= 4 and len(evaluations) == 1
    customer.refresh_from_db()
    assert customer.status == Status.EXITED and customer.exit_date == B  # evaluated today
    assert open_alert(other, "contact_30").state == "overdue"


# --- Fresh right after the work: in the request, never behind the nightly run ------------------

NOTE_FORM = {
    "note_type": "general",
    "contact_method": "phone",
    "two_way": "yes",
    "subject": "Check-in",
    "body": "Career planner called the customer about the forklift class; the customer answered.",
}
AFTERNOON_OF_DAY_40 = datetime.datetime.combine(days(40), datetime.time(18), datetime.UTC)


@pytest.fixture
def tasks_sent_to_the_broker():
    """Tasks go to the broker as in production, instead of running in the test."""
    from casemgmt.celery import app

    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = True


@pytest.mark.django_db(transaction=True)
def test_the_page_after_saving_a_two_way_note_no_longer_shows_the_contact_alert(
    world, reference_data, tasks_sent_to_the_broker
):
    customer = participant(world)
    note(customer, world, B)
    with time_machine.travel(AFTERNOON_OF_DAY_40, tick=False):
        evaluate(as_of=days(40), customer_ids=[customer.pk])
        assert open_alert(customer, "contact_30").state == "overdue"
        response = submit(
            client_for(world.planner_a),
            reverse("casenotes:create", kwargs={"pk": customer.pk}),
            {**NOTE_FORM, "contact_date": days(40).isoformat()},
            follow=True,
        )
    assert response.status_code == 200
    assert response.redirect_chain and "Case note saved." in response.content.decode()
    assert open_alert(customer, "contact_30") is None
    assert "30-day contact: overdue" not in response.content.decode()
    resolved = Alert.objects.get(customer=customer, rule="contact_30")
    assert resolved.resolved_on == days(40) and resolved.resolution == "Two-way contact recorded"


def _hold_a_batch(bucket: int, holding: threading.Event, release: threading.Event) -> None:
    """A run's batch: holds the lock of a bucket of customers until released."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ENGINE_LOCK_BUCKET, bucket])
            holding.set()
            release.wait(timeout=60)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_customers_evaluation_does_not_wait_for_the_batch_of_other_customers(
    world, reference_data
):
    customer = participant(world)
    note(customer, world, B)
    holding, release = threading.Event(), threading.Event()
    results: list = []

    def after_a_save() -> None:
        try:
            results.append(evaluate(as_of=days(40), customer_ids=[customer.pk]))
        finally:
            connection.close()

    other_bucket = customer.pk // BATCH + 1
    runner = threading.Thread(target=_hold_a_batch, args=(other_bucket, holding, release))
    runner.start()
    try:
        assert holding.wait(timeout=10)
        evaluation = threading.Thread(target=after_a_save)
        evaluation.start()
        evaluation.join(timeout=20)
        finished_while_held = not evaluation.is_alive()
    finally:
        release.set()
        runner.join()
    evaluation.join()
    assert finished_while_held
    assert results[0].evaluated == 1
    assert open_alert(customer, "contact_30").state == "overdue"


@pytest.mark.django_db(transaction=True)
def test_a_customers_evaluation_waits_for_its_batch_and_then_reads_the_saved_data(
    world, reference_data
):
    """A batch of a run read the customer before the note was saved and wrote the
    contact alert; the save's evaluation waits for that batch, then resolves it."""
    customer = participant(world)
    note(customer, world, B)
    evaluate(as_of=days(40), customer_ids=[customer.pk])
    assert open_alert(customer, "contact_30").state == "overdue"
    holding, release = threading.Event(), threading.Event()
    finished = threading.Event()

    def after_a_save() -> None:
        try:
            evaluate(as_of=days(40), customer_ids=[customer.pk])
            finished.set()
        finally:
            connection.close()

    runner = threading.Thread(target=_hold_a_batch, args=(customer.pk // BATCH, holding, release))
    runner.start()
    try:
        assert holding.wait(timeout=10)
        with evaluations_deferred():  # evaluated below, in a thread of its own
            note(customer, world, days(39))  # committed while the batch holds the customer
        evaluation = threading.Thread(target=after_a_save)
        evaluation.start()
        waited = not finished.wait(timeout=1)
    finally:
        release.set()
        runner.join()
    evaluation.join(timeout=20)
    assert waited and finished.is_set()
    assert open_alert(customer, "contact_30") is None


REFUSE_ALERT_WRITES = """
CREATE FUNCTION test_refuse_alert_writes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'alerts are read-only in this test'; END $$;
CREATE TRIGGER test_refuse_alert_writes BEFORE INSERT OR UPDATE ON compliance_alert
FOR EACH STATEMENT EXECUTE FUNCTION test_refuse_alert_writes();
"""


@pytest.fixture
def unreachable_broker(tasks_sent_to_the_broker):
    app = tasks_sent_to_the_broker

    def forget_connections() -> None:
        # The broker connection pools were made for the broker of the settings.
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    forget_connections()
    yield
    app.conf.broker_url = saved
    forget_connections()


@pytest.mark.django_db(transaction=True)
def test_a_note_saves_when_its_evaluation_fails_and_the_broker_is_down(
    world, reference_data, unreachable_broker, caplog
):
    customer = participant(world)
    with connection.cursor() as cursor:
        cursor.execute(REFUSE_ALERT_WRITES)
    try:
        response = submit(
            client_for(world.planner_a),
            reverse("casenotes:create", kwargs={"pk": customer.pk}),
            {**NOTE_FORM, "contact_date": days(40).isoformat()},
            follow=True,
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER test_refuse_alert_writes ON compliance_alert; "
                "DROP FUNCTION test_refuse_alert_writes()"
            )
    assert response.status_code == 200 and "Case note saved." in response.content.decode()
    assert CaseNote.objects.filter(customer=customer, contact_date=days(40)).exists()
    failures = [r.getMessage() for r in caplog.records if r.name == "compliance.signals"]
    assert len(failures) == 2
    assert (
        f"customers [{customer.pk}] after a save failed (ProgrammingError, SQLSTATE P0001)"
        in failures[0]
    )
    assert "Could not queue" in failures[1] and "(OperationalError)" in failures[1]
    assert customer.first_name not in caplog.text and customer.last_name not in caplog.text


# --- The pages for gaps and undoing a soft exit -------------------------------------------------


def test_a_planner_plans_a_gap_from_the_customer_page(world):
    customer = participant(world)
    response = submit(
        client_for(world.planner_a),
        reverse("gaps:create", kwargs={"pk": customer.pk}),
        {
            "reason": "Waiting for the training start date",
            "starts_on": "2026-11-20",
            "ends_on": "2026-12-31",
        },
    )
    assert response.status_code == 302
    assert customer.planned_gaps.get().ends_on == datetime.date(2026, 12, 31)
    html = (
        client_for(world.planner_a)
        .get(reverse("customers:detail", kwargs={"pk": customer.pk}))
        .content.decode()
    )
    assert "Waiting for the training start date" in html


def test_a_supervisor_undoes_a_soft_exit_from_the_customer_page(world):
    customer = participant(world)
    service(customer, world, "202", B)
    evaluate(as_of=days(90), customer_ids=[customer.pk])
    page = (
        client_for(world.supervisor_a)
        .get(reverse("customers:detail", kwargs={"pk": customer.pk}))
        .content.decode()
    )
    assert "Undo the soft exit" in page
    response = client_for(world.supervisor_a).post(
        reverse("gaps:undo_exit", kwargs={"pk": customer.pk}),
        {"reason": "Service on 05/20 was not entered"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.status == Status.PARTICIPANT


def _row_versions() -> dict[int, str]:
    """Each alert row's version (PostgreSQL's xmin): it changes when the row is rewritten."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, xmin::text FROM compliance_alert")
        return dict(cursor.fetchall())


def test_an_alert_still_true_as_it_was_is_not_rewritten(world):
    customer = participant(world)
    note(customer, world, B)
    evaluate(as_of=days(40))
    fields = ("pk", "state", "due_on", "responsible")
    was = set(Alert.objects.filter(resolved_at__isnull=True).values_list(*fields))
    before = _row_versions()
    again = evaluate(as_of=days(41))
    assert again.opened == 0 and again.kept == len(was)
    now = set(Alert.objects.filter(resolved_at__isnull=True).values_list(*fields))
    unchanged = {row[0] for row in was & now}
    after = _row_versions()
    # Every alert that kept its state, due date and responsible kept its row version too.
    assert unchanged and {pk for pk in unchanged if after[pk] == before[pk]} == unchanged
    assert all(
        seen == days(40)
        for seen in Alert.objects.filter(pk__in=unchanged).values_list("last_seen_on", flat=True)
    )


def test_an_alert_that_changes_state_is_rewritten_on_the_day_it_changes(world):
    customer = participant(world)
    note(customer, world, B)
    evaluate(as_of=days(25))
    contact = open_alert(customer, Rule.CONTACT_30)
    assert contact.state == State.DUE_SOON
    before = _row_versions()[contact.pk]
    evaluate(as_of=days(31))
    contact.refresh_from_db()
    assert contact.state == State.OVERDUE and contact.last_seen_on == days(31)
    assert _row_versions()[contact.pk] != before
