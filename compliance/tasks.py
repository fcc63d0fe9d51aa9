from celery import shared_task


@shared_task
def evaluate_compliance() -> dict[str, int]:
    """The daily run: every rule for the customers whose clock has come, who are new or
    whose records changed unevaluated, each on today in its office; then the overdue
    counts of the day that ended, for the supervisor's trend."""
    from compliance.engine import evaluate_due
    from compliance.summary import record_overdue_counts

    result = evaluate_due()
    # The day that ended in each office, for the supervisor's weekly trend.
    offices = record_overdue_counts()
    return {
        "offices_recorded": offices,
        "evaluated": result.evaluated,
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
    failed."""
    from compliance.engine import evaluate

    evaluate(customer_ids=[customer_id])
