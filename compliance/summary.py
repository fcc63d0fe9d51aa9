"""Counts kept for the dashboards, so that a page reads a few rows of its offices instead
of counting every alert they ever opened.

The supervisor's trend (`compliance.selectors.overdue_trend`) shows, for each of the last
weeks, how many alerts of an office's customers were open and overdue at the week's end.
A day that has ended does not change, so its count is recorded once: by the nightly run
for the day just ended, and by the trend itself for a past week's end no run recorded.
"""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from compliance.models import Rule, State
from customers.models import Status


def overdue_at_end_of(day: str) -> str:
    """SQL: alert `a` was open and overdue at the end of `day` (an SQL date expression).

    Opened by then, not resolved yet, in the overdue state and past its due date by then.
    Alerts keep no history of their states, so the due date tells when one turned overdue;
    a soft exit turns overdue (the day-75 call) before its due date, the exit day."""
    return f"""
        a.state = '{State.OVERDUE.value}' AND a.opened_on <= {day}
        AND (a.resolved_on IS NULL OR a.resolved_on > {day})
        AND (a.due_on <= {day} OR a.rule = '{Rule.SOFT_EXIT.value}')
    """


RECORD_SQL = f"""
    WITH office_day AS (
        SELECT o.id AS office_id,
               COALESCE(%(on)s::date, (%(now)s::timestamptz AT TIME ZONE o.time_zone)::date - 1)
                   AS day
        FROM casemgmt_office o
    ),
    counted AS (
        SELECT c.office_id, COUNT(*) AS overdue
        FROM compliance_alert a
        JOIN customers_customer c ON c.id = a.customer_id
        JOIN office_day d ON d.office_id = c.office_id
        WHERE a.state = '{State.OVERDUE.value}'
          AND (a.resolved_at IS NULL OR a.resolved_on >= %(earliest)s::date)
          AND {overdue_at_end_of("d.day")}
        GROUP BY c.office_id
    )
    INSERT INTO compliance_overduecount (office_id, day, overdue, recorded_at)
    SELECT d.office_id, d.day, COALESCE(counted.overdue, 0), %(now)s
    FROM office_day d LEFT JOIN counted ON counted.office_id = d.office_id
    ON CONFLICT (office_id, day)
        DO UPDATE SET overdue = EXCLUDED.overdue, recorded_at = EXCLUDED.recorded_at
"""  # noqa: S608 - constants of the code only; every value is a parameter


def record_overdue_counts(*, on: datetime.date | None = None) -> int:
    """Record, for every office, how many alerts of its customers were open and overdue
    at the end of `on`, or of the office's yesterday (the last day that has ended there),
    and return how many offices were recorded. Set-based (one statement over the open
    alerts and those resolved since the day) and safe to run twice: a day recorded again
    is counted again."""
    now = timezone.now()
    # Every office's day is on or after the earliest zone's yesterday.
    earliest = on or (now - datetime.timedelta(days=2)).date()
    with connection.cursor() as cursor:
        cursor.execute(RECORD_SQL, {"on": on, "now": now, "earliest": earliest})
        return cursor.rowcount


# The customers the dashboards count as active: applicants, participants and those in
# follow-up (compliance.selectors reads the same list).
ACTIVE_STATUSES = [Status.APPLICANT, Status.PARTICIPANT, Status.FOLLOW_UP]
ACTIVE = "(" + ", ".join(f"'{status.value}'" for status in ACTIVE_STATUSES) + ")"
# The counts of open alerts kept for each office and rule, as the dashboards show them.
COUNTED = ("due_soon", "overdue", "late", "active_with_alert", "active_overdue")

OFFICE_COUNTS_SQL = f"""
    WITH office_day AS (
        SELECT o.id AS office_id,
               COALESCE(%(on)s::date, (%(now)s::timestamptz AT TIME ZONE o.time_zone)::date)
                   AS day
        FROM casemgmt_office o
    ),
    active AS (
        SELECT c.office_id, COUNT(*) AS n
        FROM customers_customer c
        WHERE c.status IN {ACTIVE}
        GROUP BY c.office_id
    ),
    counted AS (
        SELECT c.office_id, a.rule,
               COUNT(*) FILTER (WHERE a.state = '{State.DUE_SOON.value}') AS due_soon,
               COUNT(*) FILTER (WHERE a.state = '{State.OVERDUE.value}') AS overdue,
               COUNT(*) FILTER (WHERE a.state = '{State.LATE.value}') AS late,
               COUNT(DISTINCT a.customer_id) FILTER (WHERE c.status IN {ACTIVE})
                   AS active_with_alert,
               COUNT(DISTINCT a.customer_id)
                   FILTER (WHERE c.status IN {ACTIVE} AND a.state = '{State.OVERDUE.value}')
                   AS active_overdue
        FROM compliance_alert a
        JOIN customers_customer c ON c.id = a.customer_id
        WHERE a.resolved_at IS NULL
        GROUP BY c.office_id, a.rule
    )
    INSERT INTO compliance_officecount (office_id, day, rule, active, due_soon, overdue, late,
                                        active_with_alert, active_overdue, recorded_at)
    SELECT d.office_id, d.day, r.rule, COALESCE(active.n, 0), COALESCE(k.due_soon, 0),
           COALESCE(k.overdue, 0), COALESCE(k.late, 0), COALESCE(k.active_with_alert, 0),
           COALESCE(k.active_overdue, 0), %(now)s
    FROM office_day d
    CROSS JOIN unnest(%(rules)s::text[]) AS r(rule)
    LEFT JOIN active ON active.office_id = d.office_id
    LEFT JOIN counted k ON k.office_id = d.office_id AND k.rule = r.rule
    ON CONFLICT (office_id, day, rule) DO UPDATE
    SET active = EXCLUDED.active, due_soon = EXCLUDED.due_soon, overdue = EXCLUDED.overdue,
        late = EXCLUDED.late, active_with_alert = EXCLUDED.active_with_alert,
        active_overdue = EXCLUDED.active_overdue, recorded_at = EXCLUDED.recorded_at
"""  # noqa: S608 - constants of the code only; every value is a parameter


def record_office_counts(*, on: datetime.date | None = None) -> int:
    """Record every office's open alerts by rule and state, and its active customers, as
    they stand after the nightly run, dated the office's day (or `on`); return how many
    rows were written. One set-based statement over the open alerts; safe to run twice."""
    params = {"on": on, "now": timezone.now(), "rules": list(Rule.values)}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(OFFICE_COUNTS_SQL, params)
        written = cursor.rowcount
        # Only each office's latest day is read: the older ones go.
        cursor.execute(
            "DELETE FROM compliance_officecount k USING compliance_officecount newer "
            "WHERE newer.office_id = k.office_id AND newer.rule = k.rule AND newer.day > k.day"
        )
    return written
