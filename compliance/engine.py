"""Evaluates every compliance rule for every customer at once and keeps the alert table
true: opens alerts that became true, keeps those still true, resolves those no longer
true, and soft-exits customers on day 90.

Safe to run twice and twice at once: runs take a transaction-level advisory lock, and
a partial unique index allows one open alert per rule, customer and subject, written
with an upsert. The result depends only on the data and the date, so a missed day is
caught up by the next run.
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction

from compliance.models import DEFAULTS, Policy, Rule
from compliance.rules import ALL
from compliance.rules.soft_exit import LAST_DAY

ENGINE_LOCK = 727_001  # pg_advisory_xact_lock key of the compliance engine

SOFT_EXIT_REASON = "Soft exit: 90 days without an enrolling service"

RESOLUTIONS = {
    Rule.ENTRY_10: "No longer shown: entered late more than the visible window ago",
    Rule.OPEN_PAST_END: "Service closed or its planned end changed",
    Rule.CONTACT_30: "Two-way contact recorded",
    Rule.REVIEW_90: "Plan reviewed",
    Rule.PLAN_OPEN_GOAL: "Plan has an open goal with an open objective",
    Rule.SOFT_EXIT: "Enrolling service recorded or gap planned",
    Rule.ELIGIBILITY_30: "Eligibility determined",
}


@dataclass(frozen=True)
class EvaluationResult:
    as_of: datetime.date
    opened: int
    kept: int
    resolved: int
    exited: int


def _customers_in_scope() -> str:
    thresholds = ",\n       ".join(
        f"COALESCE(p.{name}, {value}) AS {name}" for name, value in DEFAULTS.items()
    )
    return f"""
cp AS (
    SELECT c.id, c.office_id, c.career_planner_id, c.status, c.programs, c.application_date,
           c.eligibility_date, c.certification_date, o.time_zone,
           {thresholds}
    FROM customers_customer c
    JOIN casemgmt_office o ON o.id = c.office_id
    LEFT JOIN compliance_policy p ON p.region_id = o.region_id
    WHERE %(all)s OR c.id = ANY(%(ids)s)
)"""


def current_alerts_sql() -> str:
    """The one query that says which alerts are true on the date."""
    union = "\nUNION ALL\n".join(f"({rule.SQL})" for rule in ALL)
    return (
        f"WITH {_customers_in_scope()}\nSELECT * FROM ({union}) "
        "AS x(rule, customer_id, subject_type, subject_id, state, due_on, responsible_id)"
    )


EXIT_CLOCK_SQL = f"""
CREATE TEMP TABLE exit_clock ON COMMIT DROP AS
WITH {_customers_in_scope()}
{LAST_DAY}
"""

SOFT_EXIT_SQL = """
UPDATE customers_customer c
SET status = 'exited', exit_date = e.last_day, exit_reason = %(reason)s, updated_at = now()
FROM exit_clock e
WHERE c.id = e.customer_id AND %(as_of)s - e.last_day >= e.exit_day
RETURNING c.id
"""

UPSERT_SQL = """
INSERT INTO compliance_alert (rule, customer_id, subject_type, subject_id, state, due_on,
                              responsible_id, office_id_at_open, opened_on, opened_at,
                              last_seen_on, resolution)
SELECT t.rule, t.customer_id, t.subject_type, t.subject_id, t.state, t.due_on,
       t.responsible_id, c.office_id, %(as_of)s, now(), %(as_of)s, ''
FROM current_alerts t JOIN customers_customer c ON c.id = t.customer_id
ON CONFLICT (rule, customer_id, subject_type, subject_id) WHERE resolved_at IS NULL
DO UPDATE SET state = EXCLUDED.state, due_on = EXCLUDED.due_on,
              responsible_id = EXCLUDED.responsible_id, last_seen_on = EXCLUDED.last_seen_on
RETURNING (xmax = 0) AS inserted
"""

RESOLVE_SQL = """
UPDATE compliance_alert a
SET resolved_at = now(), resolved_on = %(as_of)s,
    resolution = CASE WHEN c.status = 'exited' AND c.exit_reason = %(reason)s THEN 'Customer soft-exited'
                      WHEN c.status IN ('exited', 'closed') THEN 'Customer exited'
                      ELSE COALESCE((%(resolutions)s::jsonb) ->> a.rule, 'No longer true') END
FROM customers_customer c
WHERE c.id = a.customer_id
  AND a.resolved_at IS NULL
  AND (%(all)s OR a.customer_id = ANY(%(ids)s))
  AND NOT EXISTS (
      SELECT 1 FROM current_alerts t
      WHERE t.rule = a.rule AND t.customer_id = a.customer_id
        AND t.subject_type = a.subject_type AND t.subject_id = a.subject_id
  )
"""


def evaluate(*, as_of: datetime.date, customer_ids: list[int] | None = None) -> EvaluationResult:
    """Evaluate every rule for every customer (or the given customers) on `as_of`."""
    import json

    window = max(
        [DEFAULTS["late_visible_days"], *Policy.objects.values_list("late_visible_days", flat=True)]
    )
    params = {
        "as_of": as_of,
        # A lower bound for the index on entry times; a day more covers every time zone.
        "late_window_start": datetime.datetime.combine(
            as_of - datetime.timedelta(days=window + 1), datetime.time(), datetime.UTC
        ),
        "all": customer_ids is None,
        "ids": list(customer_ids or []),
        "reason": SOFT_EXIT_REASON,
        "resolutions": json.dumps({str(k): v for k, v in RESOLUTIONS.items()}),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ENGINE_LOCK])
        cursor.execute("DROP TABLE IF EXISTS exit_clock, current_alerts")
        cursor.execute(EXIT_CLOCK_SQL, params)
        cursor.execute(SOFT_EXIT_SQL, params)
        exited = cursor.rowcount
        cursor.execute(
            f"CREATE TEMP TABLE current_alerts ON COMMIT DROP AS {current_alerts_sql()}", params
        )
        cursor.execute("ANALYZE current_alerts")
        cursor.execute(UPSERT_SQL, params)
        flags = [row[0] for row in cursor.fetchall()]
        cursor.execute(RESOLVE_SQL, params)
        resolved = cursor.rowcount
    opened = sum(flags)
    return EvaluationResult(
        as_of=as_of, opened=opened, kept=len(flags) - opened, resolved=resolved, exited=exited
    )
