"""The daily run costs what changed, and is the full evaluation's equal.

On generated data (demo.generated), time moves forward day by day for four months, with
the edits of a working day through the domain's services (two-way contacts, attempts,
enrolling services, closed services, planned gaps, plan reviews, late entries, new
customers, undone soft exits, a changed policy), each evaluated on commit as a save
is. Each day the daily run (`evaluate_due`) evaluates only the customers whose clock
has come; then a full evaluation, rolled back, must find nothing to change: the same
open alerts, states, due dates and responsible staff, the same customers exited.
"""

import datetime
import random

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from casemgmt.models import Policy
from casenotes.services import casenote_create
from compliance import engine
from compliance.engine import evaluate, evaluate_due, mark_dirty
from compliance.models import CustomerClock
from compliance.services import planned_gap_create, soft_exit_undo
from customers.models import Customer, Status
from demo import generated as demo_data
from plans.models import Plan
from plans.services import plan_review
from services.models import Activity, CompletionStatus, ServiceRecord
from services.services import NoteDraft, service_record_close, service_record_create

START = datetime.date(2026, 5, 4)
DAYS = 120
CUSTOMERS = 400


class _Undo(Exception):
    """Rolls the full evaluation back: it only checks the daily run's state."""


def state() -> tuple[set[tuple], set[tuple]]:
    """What an evaluation decides: the open alerts, and the customers' exits."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rule, customer_id, subject_type, subject_id, state, due_on, responsible_id "
            "FROM compliance_alert WHERE resolved_at IS NULL"
        )
        alerts = set(cursor.fetchall())
        cursor.execute("SELECT id, status, exit_date, exit_reason FROM customers_customer")
        customers = set(cursor.fetchall())
    return alerts, customers


def full_evaluation_changes(day: datetime.date) -> tuple[object, tuple[set, set]]:
    """Run the full evaluation on `day`, read what it leaves, and roll it back."""
    seen: list = []
    try:
        with transaction.atomic():
            result = evaluate(as_of=day)
            seen.append((result, state()))
            raise _Undo
    except _Undo:
        pass
    return seen[0]


class Workday:
    """The edits of one day, through the services, each committed and evaluated as a
    save is (the test's transaction stands for the database: on-commit callbacks run)."""

    def __init__(self, rng: random.Random, day: datetime.date, capture) -> None:  # noqa: ANN001
        self.rng, self.day, self.capture = rng, day, capture
        self.done: list[str] = []

    def save(self, what: str, action) -> None:  # noqa: ANN001
        try:
            with self.capture(execute=True), transaction.atomic():
                action()
        except ValidationError:
            return  # the rules refused this edit for this customer: a planner would too
        self.done.append(what)

    def customers(self, status: str, n: int) -> list[Customer]:
        ids = list(
            Customer.objects.filter(status=status, career_planner__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        chosen = self.rng.sample(ids, min(n, len(ids)))
        return list(
            Customer.objects.filter(pk__in=chosen).select_related("office", "career_planner")
        )

    def run(self, enrolling: list[Activity]) -> None:
        day, rng = self.day, self.rng
        for customer in self.customers(Status.PARTICIPANT, 6):
            planner = customer.career_planner
            choice = rng.choice(
                ["contact", "attempt", "service", "close", "gap", "review", "late_note"]
            )
            if choice in ("contact", "attempt", "late_note"):
                self.save(
                    choice,
                    lambda c=customer, p=planner, k=choice: casenote_create(
                        customer=c,
                        author=p,
                        contact_date=day - datetime.timedelta(days=15 if k == "late_note" else 0),
                        subject="Check-in",
                        body="Career planner called the customer about the job search.",
                        contact_method="phone",
                        two_way=k != "attempt",
                    ),
                )
            elif choice == "service":
                self.save(
                    choice,
                    lambda c=customer, p=planner: service_record_create(
                        customer=c,
                        activity=rng.choice(enrolling),
                        started_on=day,
                        ended_on=day,
                        completion_status=CompletionStatus.SUCCESSFUL,
                        entered_by=p,
                        note=NoteDraft(
                            subject="Service",
                            body="Career planner met the customer about the job search.",
                            contact_method="in_person",
                            two_way=True,
                        ),
                    ),
                )
            elif choice == "close":
                record = ServiceRecord.objects.filter(
                    customer=customer, ended_on__isnull=True, started_on__lte=day
                ).first()
                if record is not None:
                    self.save(
                        choice,
                        lambda r=record, p=planner: service_record_close(
                            record=r,
                            ended_on=day,
                            completion_status=CompletionStatus.SUCCESSFUL,
                            closed_by=p,
                        ),
                    )
            elif choice == "gap":
                self.save(
                    choice,
                    lambda c=customer, p=planner: planned_gap_create(
                        customer=c,
                        reason="Waiting for the training to start",
                        starts_on=day,
                        ends_on=day + datetime.timedelta(days=rng.randint(5, 40)),
                        created_by=p,
                    ),
                )
            else:  # a plan review
                plan = Plan.objects.filter(customer=customer).first()
                if plan is not None:
                    self.save(
                        choice,
                        lambda pl=plan, p=planner: plan_review(
                            plan=pl,
                            user=p,
                            reviewed_on=day,
                            note_body="Reviewed the plan's goals with the customer.",
                            contact_method="in_person",
                            two_way=True,
                        ),
                    )
        for customer in self.customers(Status.EXITED, 1):
            if customer.exit_reason.startswith("Soft exit") and customer.career_planner:
                self.save(
                    "undo_exit",
                    lambda c=customer: soft_exit_undo(
                        customer=c, reason="Came back to the office", undone_by=c.career_planner
                    ),
                )


@pytest.mark.django_db
def test_the_daily_run_equals_the_full_evaluation_over_four_months(
    django_capture_on_commit_callbacks,
):
    demo_data.generate(customers=CUSTOMERS, seed=16, as_of=START)
    enrolling = list(Activity.objects.filter(extends_exit_window=True, category="basic_career"))
    assert enrolling
    first = evaluate(as_of=START)
    assert first.evaluated == Customer.objects.count()
    assert CustomerClock.objects.count() == first.evaluated
    rng = random.Random(16)
    edits: list[str] = []
    evaluated: list[int] = []
    day = START
    while day < START + datetime.timedelta(days=DAYS):
        day += datetime.timedelta(days=rng.choice([1, 1, 1, 2, 3]))
        with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 15), tick=False):
            workday = Workday(rng, day, django_capture_on_commit_callbacks)
            workday.run(enrolling)
            edits += workday.done
            if day >= START + datetime.timedelta(days=DAYS // 2) and "policy" not in edits:
                # A region's policy changes: every clock of the region is marked dirty.
                policy = Policy.objects.get()
                policy.contact_due_soon_day -= 3
                with django_capture_on_commit_callbacks(execute=True):
                    policy.save()
                assert not CustomerClock.objects.filter(dirty=False).exists()
                edits.append("policy")
            daily = evaluate_due(as_of=day)
            evaluated.append(daily.evaluated)
            after_daily = state()
            full, after_full = full_evaluation_changes(day)
        assert after_full == after_daily, f"the full evaluation differs on {day}"
        assert (full.opened, full.resolved, full.exited, full.exits_undone) == (0, 0, 0, 0)
        assert full.exit_dates_moved == 0
    customers = Customer.objects.count()
    # Every kind of edit happened, and the days were normal days: most evaluated few.
    assert {"contact", "attempt", "service", "gap", "review", "late_note", "policy"} <= set(edits)
    assert sorted(evaluated)[len(evaluated) // 2] < customers / 5
    assert max(evaluated) == customers  # the day after the policy changed


@pytest.mark.django_db
def test_a_customer_marked_dirty_is_evaluated_by_the_next_daily_run():
    """An edit made in bulk, outside the evaluation on commit (an import that failed
    half-way, a fix in SQL), is caught up by the daily run once marked dirty."""
    demo_data.generate(customers=60, seed=3, as_of=START)
    evaluate(as_of=START)
    plan = Plan.objects.filter(customer__status=Status.PARTICIPANT).order_by("pk").first()
    customer = plan.customer
    assert not customer.alerts.filter(rule="review_90", state="overdue").exists()
    with connection.cursor() as cursor:  # a review moved back in SQL, behind the engine
        cursor.execute(
            "UPDATE plans_plan SET developed_on = %s, last_reviewed_on = %s WHERE id = %s",
            [START - datetime.timedelta(days=300), START - datetime.timedelta(days=200), plan.pk],
        )
    assert evaluate_due(as_of=START).evaluated == 0  # nobody's clock has come
    assert mark_dirty("SELECT %s::bigint", [customer.pk]) == 1
    assert CustomerClock.objects.get(customer=customer).dirty
    daily = evaluate_due(as_of=START)
    assert daily.evaluated == 1 and daily.opened >= 1
    assert customer.alerts.filter(rule="review_90", state="overdue", resolved_at=None).exists()
    assert not CustomerClock.objects.get(customer=customer).dirty


@pytest.mark.django_db(transaction=True)
def test_a_run_outside_a_transaction_commits_batch_by_batch_on_two_connections(
    reference_data, monkeypatch
):
    """The worker's run: batches of whole buckets, each committed on its own, shared by
    two connections; the result is the sum of the batches', and the same as a run on
    one connection, inside a transaction."""
    demo_data.generate(customers=40, seed=5, as_of=START)
    ids = sorted(Customer.objects.values_list("pk", flat=True))
    monkeypatch.setattr(engine, "BATCH", 10)
    batches = list(engine._batches(iter(ids)))
    assert len(batches) >= 3 and all(len(batch) >= 10 for _, batch in batches[:-1])
    assert not connection.in_atomic_block and engine.RUN_CONNECTIONS == 2
    result = evaluate(as_of=START)
    assert result.evaluated == len(ids) and result.opened > 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT xmin::text) FROM compliance_customerclock")
        assert cursor.fetchone()[0] == len(batches)  # one transaction per batch
    parallel = state()
    with transaction.atomic():
        evaluate(as_of=START)  # again, on this connection alone: nothing changes
        assert state() == parallel
    assert CustomerClock.objects.count() == len(ids)
