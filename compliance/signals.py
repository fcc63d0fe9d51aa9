"""A change to a customer's record, services, notes, plan or planned gaps re-evaluates
that customer when the transaction commits, in the same request, so the page the
planner lands on after saving already shows the work just done (SPEC 9).

The customers changed in one transaction are evaluated together, once: every save
registers the same on-commit callback, and the first to run evaluates every customer
collected so far while the others find nothing left. A rolled-back transaction runs no
callback; its customers wait in the set and are evaluated with the next commit's, which
is harmless, as evaluations are idempotent.

The evaluation never makes a save fail: the data is committed by then. When it fails,
the customer's clock is marked dirty and the customer is queued for the worker; when the
broker cannot be reached either, that is logged and the daily run catches the customer
up, as it evaluates every dirty customer. (An evaluation that runs while a run is under
way waits for the batch of its customers: see compliance.engine.)

A change to what the rules read besides the customers' records (a region's policy, an
office's time zone, an activity of the matrix) marks the clocks of the customers it
concerns dirty, once it commits, so that the daily run evaluates them again.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import post_save

from casemgmt.models import Office, Policy
from casenotes.models import CaseNote
from compliance.engine import evaluate, mark_dirty
from compliance.models import PlannedGap
from compliance.tasks import evaluate_customer
from customers.models import Customer
from employment.models import Credential, Employment, FollowUp, Period, Placement, SkillGain
from plans.models import Goal, Plan, Step
from services.models import Activity, ServiceRecord

logger = logging.getLogger(__name__)

_local = threading.local()


@contextmanager
def evaluations_deferred() -> Iterator[set[int]]:
    """For bulk writers (demo data, the legacy import): collect the changed customers
    instead of evaluating them on commit; the caller evaluates them once at the end."""
    _local.deferred = set()
    try:
        yield _local.deferred
    finally:
        del _local.deferred


def queue_customer_evaluation(customer_id: int) -> None:
    collected = getattr(_local, "deferred", None)
    if collected is not None:
        collected.add(customer_id)
        return
    if not hasattr(_local, "pending"):
        _local.pending = set()
    _local.pending.add(customer_id)
    transaction.on_commit(evaluate_pending)


def evaluate_pending() -> None:
    """Evaluate the customers changed by the transaction just committed. Never raises."""
    customer_ids = sorted(getattr(_local, "pending", ()))
    _local.pending = set()
    if not customer_ids:
        return
    try:
        result = evaluate(customer_ids=customer_ids)
    except Exception as exc:  # noqa: BLE001 - the save is committed; it must not fail now
        # The exception's text may quote a row of the customer; its kind is enough here.
        logger.error(
            "Compliance evaluation of customers %s after a save failed (%s); queueing it.",
            customer_ids,
            _kind(exc),
        )
        _mark_dirty(customer_ids)
        _queue(customer_ids)
        return
    logger.debug("Evaluated %d customers after a save: %s", result.evaluated, result)


def _mark_dirty(customer_ids: list[int]) -> None:
    try:
        with transaction.atomic():
            mark_dirty("SELECT unnest(%s::bigint[])", [customer_ids])
    except Exception as exc:  # noqa: BLE001 - the save is committed; it must not fail now
        logger.error(
            "Could not mark customers %s for the daily evaluation (%s).", customer_ids, _kind(exc)
        )


def _queue(customer_ids: list[int]) -> None:
    app = evaluate_customer.app
    try:
        # One attempt, no retries: the planner is waiting, and the nightly run is the
        # safety net. (The pooled connection would retry for seconds.)
        with app.connection_for_write(transport_options={"max_retries": 0}) as broker:
            for customer_id in customer_ids:
                evaluate_customer.apply_async((customer_id,), connection=broker, retry=False)
    except Exception as exc:  # noqa: BLE001 - an unreachable broker must not fail the save
        logger.error(
            "Could not queue the compliance evaluation of customers %s (%s); the nightly "
            "evaluation will catch them up.",
            customer_ids,
            _kind(exc),
        )


def _kind(exc: BaseException) -> str:
    code = getattr(exc.__cause__, "sqlstate", None) or getattr(exc, "sqlstate", None)
    return type(exc).__name__ + (f", SQLSTATE {code}" if code else "")


def _on_save(sender: type, instance: object, **kwargs: object) -> None:
    customer_id = instance.pk if isinstance(instance, Customer) else instance.customer_id  # type: ignore[attr-defined]
    queue_customer_evaluation(customer_id)


# Outcomes and follow-ups: a late credential is an entry_10 alert, a follow-up recorded
# resolves its follow_up_due alert (a placement's follow-up writes a case note).
for model in (
    Customer,
    ServiceRecord,
    CaseNote,
    Plan,
    Goal,
    Step,
    PlannedGap,
    Employment,
    Credential,
    SkillGain,
    Placement,
    Period,
    FollowUp,
):
    post_save.connect(_on_save, sender=model, dispatch_uid=f"compliance-evaluate-{model.__name__}")


# What the rules read besides the customers' records: the clocks of the customers
# concerned are marked dirty once the change commits.
def _policy_saved(sender: type, instance: Policy, **kwargs: object) -> None:
    region_id = instance.region_id
    transaction.on_commit(
        lambda: mark_dirty(
            "SELECT c.id FROM customers_customer c JOIN casemgmt_office o ON o.id = c.office_id "
            "WHERE o.region_id = %s",
            [region_id],
        )
    )


def _office_saved(sender: type, instance: Office, created: bool = False, **kwargs: object) -> None:
    if created:
        return
    office_id = instance.pk
    transaction.on_commit(
        lambda: mark_dirty("SELECT id FROM customers_customer WHERE office_id = %s", [office_id])
    )


def _activity_saved(
    sender: type, instance: Activity, created: bool = False, **kwargs: object
) -> None:
    if created:
        return
    activity_id = instance.pk
    transaction.on_commit(
        lambda: mark_dirty(
            "SELECT customer_id FROM services_servicerecord WHERE activity_id = %s", [activity_id]
        )
    )


post_save.connect(_policy_saved, sender=Policy, dispatch_uid="compliance-clock-policy")
post_save.connect(_office_saved, sender=Office, dispatch_uid="compliance-clock-office")
post_save.connect(_activity_saved, sender=Activity, dispatch_uid="compliance-clock-activity")
