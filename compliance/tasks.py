from celery import shared_task

from casemgmt.clock import today


@shared_task
def evaluate_compliance() -> dict[str, int]:
    """The daily run: every rule for every customer, as of today."""
    from compliance.engine import evaluate

    result = evaluate(as_of=today())
    return {
        "opened": result.opened,
        "kept": result.kept,
        "resolved": result.resolved,
        "exited": result.exited,
    }


@shared_task
def evaluate_customer(customer_id: int) -> None:
    """Re-evaluate one customer after a change to their services, notes or plan."""
    from compliance.engine import evaluate

    evaluate(as_of=today(), customer_ids=[customer_id])
