import datetime

from celery import shared_task


@shared_task
def evaluate_compliance() -> dict[str, int]:
    """The daily run: every rule for the customers whose clock has come, who are new or
    whose records changed unevaluated, each on today in its office; then the overdue
    counts of the day that ended, for the supervisor's trend."""
    from casemgmt.clock import today
    from compliance.engine import evaluate_due
    from compliance.selectors import fill_trend_weeks
    from compliance.summary import record_office_counts, record_overdue_counts

    result = evaluate_due()
    # The day that ended in each office, for the supervisor's weekly trend, and the open
    # alerts of each office as they stand now, for the roll-ups of many offices.
    offices = record_overdue_counts()
    record_office_counts()
    # The week ends the roll-ups' trend reads (yesterday's weeks), where none was kept.
    fill_trend_weeks(on=today() - datetime.timedelta(days=1))
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
