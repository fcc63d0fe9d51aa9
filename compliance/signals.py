"""A change to a customer's record, services, notes or plan re-evaluates that customer
through a task queued when the transaction commits, so dashboards show the work just
done. Evaluations are idempotent, so a request that changes several rows may queue a
few; a rolled-back transaction queues none."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import post_save

from casenotes.models import CaseNote
from compliance.models import PlannedGap
from customers.models import Customer
from plans.models import Goal, Plan, Step
from services.models import ServiceRecord

_deferred = threading.local()


@contextmanager
def evaluations_deferred() -> Iterator[set[int]]:
    """For bulk writers (demo data, the legacy import): collect the changed customers
    instead of queueing a task per row; the caller evaluates them once at the end."""
    _deferred.customers = set()
    try:
        yield _deferred.customers
    finally:
        del _deferred.customers


def queue_customer_evaluation(customer_id: int) -> None:
    from compliance.tasks import evaluate_customer

    collected = getattr(_deferred, "customers", None)
    if collected is not None:
        collected.add(customer_id)
        return
    transaction.on_commit(lambda: evaluate_customer.delay(customer_id))


def _on_save(sender: type, instance: object, **kwargs: object) -> None:
    customer_id = instance.pk if isinstance(instance, Customer) else instance.customer_id  # type: ignore[attr-defined]
    queue_customer_evaluation(customer_id)


for model in (Customer, ServiceRecord, CaseNote, Plan, Goal, Step, PlannedGap):
    post_save.connect(_on_save, sender=model, dispatch_uid=f"compliance-evaluate-{model.__name__}")
