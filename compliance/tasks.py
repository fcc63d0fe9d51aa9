from celery import shared_task


@shared_task
def evaluate_compliance() -> dict[str, int]:
    """The daily run: every rule for every customer, each on today in its office."""
    from compliance.engine import evaluate

    result = evaluate()
    return {
        "opened": result.opened,
        "kept": result.kept,
        "resolved": result.resolved,
        "exited": result.exited,
        "exits_undone": result.exits_undone,
        "exit_dates_moved": result.exit_dates_moved,
    }


@shared_task
def evaluate_customer(customer_id: int) -> None:
    """Re-evaluate one customer in the worker: queued when the evaluation in the request
    failed, or ran while a full run was under way. Waits for that full run to finish,
    so that this customer's fresh result is the last one written."""
    from compliance.engine import evaluate

    evaluate(customer_ids=[customer_id], wait_for_full_run=True)
