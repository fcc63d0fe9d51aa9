"""Evaluates every compliance rule for every customer at once and keeps the alert table
true: opens alerts that became true, keeps those still true, resolves those no longer
true, soft-exits customers on day 90 and undoes the soft exits the data no longer
supports.

Each customer is evaluated on its own day: today in the time zone of the customer's
office (SPEC 9), or the date asked for (`--as-of`, tests). The result depends only on
the data and that day, so a missed day is caught up by the next run, and running twice
changes nothing: a partial unique index allows one open alert per rule, customer and
subject, written with an upsert.

The daily run costs what changed. Each rule also says, per customer, the next day on
which its state would change if the data stayed as it is (see compliance.rules); the
evaluation keeps the earliest in the customer's clock (`CustomerClock`). The daily run
(`evaluate_due`) evaluates only the customers whose day has come in their office, whose
clock is missing (new customers) or who are marked dirty (their records changed and the
evaluation the save runs failed, or a policy they depend on changed). A full evaluation
(`evaluate`, `evaluate_compliance --all`) evaluates everyone and is the proof: after any
sequence of days and edits, it finds nothing to change after the daily run.

Locks. A run (full or daily) commits in batches: the customers whose ids fall in one
range of BATCH ids (a bucket) are evaluated together in one transaction that holds that
bucket's advisory lock. An evaluation of a few customers (on commit of a save, inside
the request) takes the lock of each of their buckets in shared mode, then a lock per
customer, so it waits at most for the batch of its own customers, never for the whole
run, and two evaluations of one customer serialise. As a batch reads the data once it
holds its lock, and a save's evaluation runs after the batch that held its bucket, the
last result written is always computed from the saved data. Two runs serialise on a
session lock.
"""

import datetime
import json
import os
import queue
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from casemgmt.clock import today, today_by_zone
from casemgmt.models import POLICY_DEFAULTS as DEFAULTS
from casemgmt.models import Office, Policy
from compliance.models import Rule
from compliance.rules import ALL
from compliance.rules.soft_exit import LAST_DAY

ENGINE_LOCK = 727_001  # pg_advisory_lock key of a run: one full or daily run at a time
ENGINE_LOCK_CUSTOMER = 727_002  # first key of the per-customer lock; the customer is the second
ENGINE_LOCK_BUCKET = 727_003  # first key of a bucket's lock; the bucket is the second
# Customers per transaction of a run, and the width of a bucket of ids: a save waits at
# most for the batch of its bucket (about 1 ms per 10 customers at a million).
BATCH = 1_000
# A daily run's transaction takes at most this many buckets' locks.
BUCKETS_PER_BATCH = 50
# Connections a run evaluates its batches on at once (see _run): PostgreSQL's cores.
RUN_CONNECTIONS = int(os.environ.get("CASEMGMT_EVALUATION_CONNECTIONS", "2"))
# Beyond this many customers an evaluation is a bulk one (the legacy import, the demo
# data): it runs in batches like a full run, as a lock per customer would fill
# PostgreSQL's lock table.
BULK_CUSTOMERS = 200

SOFT_EXIT_REASON = "Soft exit: 90 days without an enrolling service"
SOFT_EXITED = "Soft-exited by evaluation: no enrolling service since the exit date"

RESOLUTIONS = {
    Rule.ENTRY_10: "No longer shown: entered late more than the visible window ago",
    Rule.OPEN_PAST_END: "Service closed or its planned end changed",
    Rule.CONTACT_30: "Two-way contact recorded",
    Rule.REVIEW_90: "Plan reviewed",
    Rule.PLAN_OPEN_GOAL: "Plan has an open goal with an open objective",
    Rule.SOFT_EXIT: "Enrolling service recorded or gap planned",
    Rule.ELIGIBILITY_30: "Eligibility determined",
    Rule.FOLLOW_UP_DUE: "Follow-up recorded, or no longer due",
}


@dataclass(frozen=True)
class EvaluationResult:
    as_of: datetime.date | None  # None: each customer on today in its office
    opened: int
    kept: int
    resolved: int
    exited: int
    exits_undone: int = 0
    exit_dates_moved: int = 0
    evaluated: int = 0  # customers evaluated

    def __add__(self, other: "EvaluationResult") -> "EvaluationResult":
        return EvaluationResult(
            as_of=self.as_of,
            opened=self.opened + other.opened,
            kept=self.kept + other.kept,
            resolved=self.resolved + other.resolved,
            exited=self.exited + other.exited,
            exits_undone=self.exits_undone + other.exits_undone,
            exit_dates_moved=self.exit_dates_moved + other.exit_dates_moved,
            evaluated=self.evaluated + other.evaluated,
        )


def customers_in_scope() -> str:
    """The customers of the batch, each with its own evaluation day (`as_of`: today in
    its office's zone, from the map of zones to days) and its region's thresholds: the
    temporary table `cp` every statement of the batch reads. A batch is small enough for
    indexes, so the temporary table (scanned without parallel workers) costs nothing, and
    it saves reading the customers, offices and policies again in each statement."""
    thresholds = ",\n           ".join(
        f"COALESCE(p.{name}, {value}) AS {name}" for name, value in DEFAULTS.items()
    )
    return f"""
CREATE TEMP TABLE cp ON COMMIT DROP AS
    SELECT c.id, c.office_id, c.career_planner_id, c.status, c.exit_reason, c.exit_date,
           c.programs, c.application_date, c.eligibility_date, c.certification_date,
           o.time_zone, d.as_of::date AS as_of,
           {thresholds}
    FROM customers_customer c
    JOIN casemgmt_office o ON o.id = c.office_id
    JOIN jsonb_each_text(%(days)s::jsonb) AS d(time_zone, as_of) ON d.time_zone = o.time_zone
    LEFT JOIN compliance_policy p ON p.region_id = o.region_id
    WHERE c.id = ANY(%(ids)s)
"""


# What the engine changed of a customer in `cp` (a soft exit, an undone one, a moved exit
# date), read again so that the rules see it.
REFRESH_CP_SQL = """
UPDATE cp SET status = c.status, exit_reason = c.exit_reason, exit_date = c.exit_date
FROM customers_customer c
WHERE c.id = cp.id AND c.id = ANY(%(changed)s)
"""


def current_alerts_sql() -> str:
    """The one query that says which alerts are true, each on its customer's day."""
    union = "\nUNION ALL\n".join(f"({rule.SQL})" for rule in ALL)
    return (
        f"SELECT * FROM ({union}) "
        "AS x(rule, customer_id, subject_type, subject_id, state, due_on, responsible_id, "
        "next_on)"
    )


EXIT_CLOCK_SQL = f"CREATE TEMP TABLE exit_clock ON COMMIT DROP AS {LAST_DAY}"

# The engine's changes to customers are written to the update log under a context of
# their own, with the engine's reason. They usually run inside a request's pghistory
# context (on commit of the planner's save), and entering pghistory.context there
# would merge the engine's reason into the request's context, replacing a reason the
# user gave (a reopened service's) on every event of the request. So each statement
# sets the variables that pghistory's triggers read, for itself.
HISTORY_CONTEXT = """
WITH history_context AS MATERIALIZED (
    SELECT set_config('pghistory.context_id', %(context_id)s, true),
           set_config('pghistory.context_metadata', %(context_metadata)s, true)
)"""

SOFT_EXIT_SQL = f"""{HISTORY_CONTEXT}
UPDATE customers_customer c
SET status = 'exited', exit_date = e.last_day, exit_reason = %(reason)s, updated_at = now(),
    lock_version = c.lock_version + 1
FROM history_context, exit_clock e
WHERE c.id = e.customer_id AND c.status = 'participant'
  AND e.as_of - e.last_day >= e.exit_day
RETURNING c.id
"""

# The customers soft-exited by the engine whose exit the data no longer supports as it
# stands, or whose last enrolling service moved.
EXIT_CORRECTIONS_SQL = """
SELECT cp.id, e.customer_id IS NOT NULL AND e.as_of - e.last_day >= e.exit_day,
       e.last_day, e.open_service, cp.as_of, cp.exit_day, gap.ends_on
FROM cp
LEFT JOIN exit_clock e ON e.customer_id = cp.id AND e.last_day IS NOT NULL
LEFT JOIN LATERAL (
    SELECT max(g.ends_on) AS ends_on
    FROM compliance_plannedgap g
    WHERE g.customer_id = cp.id AND g.starts_on <= cp.as_of AND g.ends_on >= cp.as_of
) gap ON true
WHERE cp.status = 'exited' AND cp.exit_reason = %(reason)s
  AND (e.customer_id IS NULL OR e.as_of - e.last_day < e.exit_day
       OR e.last_day IS DISTINCT FROM cp.exit_date)
"""

UNDO_EXIT_SQL = f"""{HISTORY_CONTEXT}
UPDATE customers_customer c
SET status = 'participant', exit_date = NULL, exit_reason = '', updated_at = now(),
    lock_version = c.lock_version + 1
FROM history_context
WHERE c.id = ANY(%(ids)s) AND c.status = 'exited' AND c.exit_reason = %(reason)s
RETURNING c.id
"""

MOVE_EXIT_DATE_SQL = f"""{HISTORY_CONTEXT}
UPDATE customers_customer c
SET exit_date = %(exit_date)s, updated_at = now(), lock_version = c.lock_version + 1
FROM history_context
WHERE c.id = ANY(%(ids)s) AND c.status = 'exited' AND c.exit_reason = %(reason)s
RETURNING c.id
"""

UPSERT_SQL = """
INSERT INTO compliance_alert (rule, customer_id, subject_type, subject_id, state, due_on,
                              responsible_id, office_id_at_open, opened_on, opened_at,
                              last_seen_on, resolution)
SELECT t.rule, t.customer_id, t.subject_type, t.subject_id, t.state, t.due_on,
       t.responsible_id, cp.office_id, cp.as_of, now(), cp.as_of, ''
FROM current_alerts t JOIN cp ON cp.id = t.customer_id
WHERE t.state IS NOT NULL
ON CONFLICT (rule, customer_id, subject_type, subject_id) WHERE resolved_at IS NULL
DO UPDATE SET state = EXCLUDED.state, due_on = EXCLUDED.due_on,
              responsible_id = EXCLUDED.responsible_id, last_seen_on = EXCLUDED.last_seen_on
-- An alert still true as it was is not rewritten: no dead row per open alert per night.
-- `last_seen_on` is so the day the alert was opened or last changed.
WHERE (compliance_alert.state, compliance_alert.due_on, compliance_alert.responsible_id)
      IS DISTINCT FROM (EXCLUDED.state, EXCLUDED.due_on, EXCLUDED.responsible_id)
RETURNING (xmax = 0) AS inserted
"""

# The alerts the upsert writes or keeps: those of customers in scope.
CURRENT_IN_SCOPE_SQL = (
    "SELECT count(*) FROM current_alerts t JOIN cp ON cp.id = t.customer_id "
    "WHERE t.state IS NOT NULL"
)

RESOLVE_SQL = """
UPDATE compliance_alert a
SET resolved_at = now(), resolved_on = cp.as_of,
    resolution = CASE WHEN a.rule = 'follow_up_due'
                           THEN COALESCE((%(resolutions)s::jsonb) ->> a.rule, 'No longer true')
                      WHEN cp.status = 'exited' AND cp.exit_reason = %(reason)s THEN 'Customer soft-exited'
                      WHEN cp.status IN ('exited', 'closed') THEN 'Customer exited'
                      ELSE COALESCE((%(resolutions)s::jsonb) ->> a.rule, 'No longer true') END
FROM cp
WHERE a.customer_id = cp.id
  AND a.resolved_at IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM current_alerts t
      WHERE t.state IS NOT NULL AND t.rule = a.rule AND t.customer_id = a.customer_id
        AND t.subject_type = a.subject_type AND t.subject_id = a.subject_id
  )
"""


# Each customer's clock: the earliest day on which a rule's state changes. In the order
# of the customers, as the marking of dirty clocks locks them (no deadlock). A clock
# that did not change is not rewritten.
CLOCK_SQL = """
INSERT INTO compliance_customerclock AS k (customer_id, next_change_on, dirty, evaluated_on)
SELECT cp.id, n.next_on, false, cp.as_of
FROM cp
LEFT JOIN (
    SELECT t.customer_id, min(t.next_on) AS next_on FROM current_alerts t GROUP BY t.customer_id
) n ON n.customer_id = cp.id
ORDER BY cp.id
ON CONFLICT (customer_id) DO UPDATE
SET next_change_on = EXCLUDED.next_change_on, dirty = false, evaluated_on = EXCLUDED.evaluated_on
WHERE (k.next_change_on, k.dirty) IS DISTINCT FROM (EXCLUDED.next_change_on, false)
"""

# The customers the daily run evaluates: no clock yet, marked dirty, or their day come.
DUE_SQL = """
SELECT c.id
FROM customers_customer c
JOIN casemgmt_office o ON o.id = c.office_id
JOIN jsonb_each_text(%(days)s::jsonb) AS d(time_zone, as_of) ON d.time_zone = o.time_zone
LEFT JOIN compliance_customerclock k ON k.customer_id = c.id
WHERE k.customer_id IS NULL OR k.dirty OR k.next_change_on <= d.as_of::date
ORDER BY c.id
"""

MARK_DIRTY_SQL = """
WITH marked AS (
    SELECT customer_id FROM compliance_customerclock
    WHERE customer_id IN ({customers}) AND NOT dirty
    ORDER BY customer_id
    FOR UPDATE
)
UPDATE compliance_customerclock k SET dirty = true FROM marked
WHERE k.customer_id = marked.customer_id
"""


def mark_dirty(customers_sql: str, params: Iterable[object] = ()) -> int:
    """Mark the clocks of the customers a query selects dirty, so that the next daily
    run evaluates them: their records changed (in bulk, outside the evaluation on
    commit), or a policy, office or activity they depend on did. Locks the clocks in
    the order a batch writes them."""
    with connection.cursor() as cursor:
        cursor.execute(MARK_DIRTY_SQL.format(customers=customers_sql), list(params))
        return cursor.rowcount


def evaluate(
    *,
    as_of: datetime.date | None = None,
    customer_ids: Iterable[int] | None = None,
) -> EvaluationResult:
    """Evaluate every rule for every customer (or the given customers), each on today in
    its office's time zone, or everyone on `as_of` when it is given.

    A few customers (a save's) are evaluated in one transaction that waits at most for
    the batch of a run that holds their bucket; more are evaluated in batches, each
    committed on its own, under the run's session lock.
    """
    ids = None if customer_ids is None else sorted(set(customer_ids))
    if ids is not None and len(ids) <= BULK_CUSTOMERS:
        if not ids:
            return EvaluationResult(as_of=as_of, opened=0, kept=0, resolved=0, exited=0)
        with transaction.atomic(), connection.cursor() as cursor:
            buckets = sorted({customer_id // BATCH for customer_id in ids})
            for bucket in buckets:  # in order, as a batch takes them: no deadlock
                cursor.execute(
                    "SELECT pg_advisory_xact_lock_shared(%s, %s)", [ENGINE_LOCK_BUCKET, bucket]
                )
            for customer_id in ids:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)",
                    [ENGINE_LOCK_CUSTOMER, customer_id % 2**31],
                )
            return _evaluate_batch(cursor, _run_params(cursor, as_of), ids, as_of)
    if ids is None:
        return _run(as_of, lambda cursor, params: _all_customers(cursor))
    return _run(as_of, lambda cursor, params: iter(ids))


def evaluate_due(*, as_of: datetime.date | None = None) -> EvaluationResult:
    """The daily run: evaluate the customers whose clock has come (the next day on which a
    rule's state changes, in their office), who have no clock yet, or are marked dirty."""

    def due(cursor: CursorWrapper, params: dict[str, object]) -> Iterator[int]:
        cursor.execute(DUE_SQL, params)
        return iter([row[0] for row in cursor.fetchall()])

    return _run(as_of, due)


def _run(
    as_of: datetime.date | None,
    customers: Callable[[CursorWrapper, dict[str, object]], Iterator[int]],
) -> EvaluationResult:
    """A run over many customers, in batches of about BATCH customers, each committed
    on its own while holding the locks of its buckets; then fresh statistics.

    Outside a transaction (the worker, the command), RUN_CONNECTIONS connections take
    the batches in turn, so that PostgreSQL evaluates on as many cores; inside one (an
    import's, a test's), the batches run on its connection, one after another."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [ENGINE_LOCK])
        try:
            params = _run_params(cursor, as_of)
            batches = _batches(customers(cursor, params))
            if connection.in_atomic_block or RUN_CONNECTIONS < 2:
                result = EvaluationResult(as_of=as_of, opened=0, kept=0, resolved=0, exited=0)
                for buckets, ids in batches:
                    result += _commit_batch(cursor, params, buckets, ids, as_of)
            else:
                result = _in_parallel(params, batches, as_of)
            # Fresh statistics for the dashboards after a bulk write.
            cursor.execute("ANALYZE compliance_alert, compliance_customerclock")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ENGINE_LOCK])
    return result


def _commit_batch(
    cursor: CursorWrapper,
    params: dict[str, object],
    buckets: list[int],
    ids: list[int],
    as_of: datetime.date | None,
) -> EvaluationResult:
    with transaction.atomic():
        for bucket in buckets:  # in order: no deadlock with another batch or a save's
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ENGINE_LOCK_BUCKET, bucket])
        return _evaluate_batch(cursor, params, ids, as_of)


def _in_parallel(
    params: dict[str, object],
    batches: Iterator[tuple[list[int], list[int]]],
    as_of: datetime.date | None,
) -> EvaluationResult:
    """Evaluate the batches on RUN_CONNECTIONS connections of their own (one per thread);
    the first error stops the run after the batches under way and is raised."""
    work: queue.Queue[tuple[list[int], list[int]] | None] = queue.Queue(RUN_CONNECTIONS * 2)
    results: list[EvaluationResult] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with connection.cursor() as cursor:
                while (item := work.get()) is not None:
                    if not errors:
                        try:
                            results.append(_commit_batch(cursor, params, *item, as_of))
                        except BaseException as exc:  # noqa: BLE001 - raised by the run
                            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(RUN_CONNECTIONS)]
    for thread in threads:
        thread.start()
    try:
        for item in batches:
            if errors:
                break
            work.put(item)
    finally:
        for _ in threads:
            work.put(None)
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]
    total = EvaluationResult(as_of=as_of, opened=0, kept=0, resolved=0, exited=0)
    for result in results:
        total += result
    return total


def _all_customers(cursor: CursorWrapper) -> Iterator[int]:
    """Every customer's id, in order, read a range at a time."""
    last = 0
    while True:
        cursor.execute(
            "SELECT id FROM customers_customer WHERE id > %s ORDER BY id LIMIT %s",
            [last, BATCH * 10],
        )
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return
        yield from ids
        last = ids[-1]


def _batches(ids: Iterator[int]) -> Iterator[tuple[list[int], list[int]]]:
    """Group ids (in order) into batches of whole buckets: about BATCH customers and at
    most BUCKETS_PER_BATCH buckets each."""
    buckets: list[int] = []
    batch: list[int] = []
    for customer_id in ids:
        bucket = customer_id // BATCH
        if not buckets or buckets[-1] != bucket:
            if len(batch) >= BATCH or len(buckets) >= BUCKETS_PER_BATCH:
                yield buckets, batch
                buckets, batch = [], []
            buckets.append(bucket)
        batch.append(customer_id)
    if batch:
        yield buckets, batch


def _run_params(cursor: CursorWrapper, as_of: datetime.date | None) -> dict[str, object]:
    """What every batch of a run shares: each office zone's day, the window of entries
    the late-entry rule reads, the texts."""
    zones = list(Office.objects.order_by().values_list("time_zone", flat=True).distinct())
    days = dict.fromkeys(zones, as_of) if as_of else today_by_zone(zones)
    earliest = min(days.values(), default=as_of or today())
    window = max(
        [
            DEFAULTS["late_visible_days"],
            *Policy.objects.values_list("late_visible_days", flat=True),
        ]
    )
    return {
        "days": json.dumps({zone: day.isoformat() for zone, day in days.items()}),
        # A lower bound for the index on entry times; a day more covers every time zone.
        "late_window_start": datetime.datetime.combine(
            earliest - datetime.timedelta(days=window + 1), datetime.time(), datetime.UTC
        ),
        "reason": SOFT_EXIT_REASON,
        "resolutions": json.dumps({str(k): v for k, v in RESOLUTIONS.items()}),
    }


def _evaluate_batch(
    cursor: CursorWrapper,
    run_params: dict[str, object],
    ids: list[int],
    as_of: datetime.date | None,
) -> EvaluationResult:
    """Evaluate the customers `ids`, in the caller's transaction, holding their locks."""
    params = {**run_params, "ids": ids}
    # A batch reads a thousand customers' rows through the indexes that start from the
    # customer; with the default cost of a random read (4, for spinning disks) the planner
    # prefers to scan a whole table for them, forty times slower on a cached database.
    cursor.execute("SET LOCAL random_page_cost = 1.1")
    cursor.execute("DROP TABLE IF EXISTS pg_temp.cp, pg_temp.exit_clock, pg_temp.current_alerts")
    cursor.execute(customers_in_scope(), params)
    cursor.execute("ANALYZE pg_temp.cp")
    cursor.execute(EXIT_CLOCK_SQL, params)
    with _engine_history(cursor):
        cursor.execute(SOFT_EXIT_SQL, {**params, **_history(SOFT_EXITED)})
        exited = [row[0] for row in cursor.fetchall()]
        cursor.execute(REFRESH_CP_SQL, {"changed": exited})
        cursor.execute(EXIT_CORRECTIONS_SQL, params)
        undone, moved = _correct_soft_exits(cursor, cursor.fetchall())
        cursor.execute(REFRESH_CP_SQL, {"changed": undone + moved})
    cursor.execute(
        f"CREATE TEMP TABLE current_alerts ON COMMIT DROP AS {current_alerts_sql()}", params
    )
    cursor.execute("ANALYZE pg_temp.current_alerts")
    cursor.execute(CURRENT_IN_SCOPE_SQL, params)
    current = cursor.fetchone()[0]
    cursor.execute(UPSERT_SQL, params)
    opened = sum(1 for (inserted,) in cursor.fetchall() if inserted)
    cursor.execute(RESOLVE_SQL, params)
    resolved = cursor.rowcount
    cursor.execute(CLOCK_SQL, params)
    return EvaluationResult(
        as_of=as_of,
        opened=opened,
        kept=current - opened,
        resolved=resolved,
        exited=len(exited),
        exits_undone=len(undone),
        exit_dates_moved=len(moved),
        evaluated=len(ids),
    )


def exit_correction(
    *,
    supported: bool,
    last_day: datetime.date | None,
    open_service: bool | None,
    as_of: datetime.date,
    exit_day: int,
    gap_ends_on: datetime.date | None,
) -> tuple[datetime.date | None, str]:
    """What evaluation does to a soft exit the data no longer supports as it stands: the
    new exit date (None: the exit is undone, the customer is a participant again) and
    the reason, in words, for the update log.

    A soft exit holds while the last day of the last enrolling service is `exit_day` or
    more days before the customer's day; its exit date is that last day, so it follows
    the data when a service is entered late.
    """
    if supported:
        assert last_day is not None
        return last_day, (
            f"Exit date moved by evaluation to {last_day:%m/%d/%Y}: "
            "the last day of the last enrolling service on record"
        )
    undone = "Soft exit undone by evaluation: "
    if gap_ends_on is not None:
        return None, undone + f"a planned gap in service runs until {gap_ends_on:%m/%d/%Y}"
    if last_day is None:
        return None, undone + "no enrolling service is on record"
    if open_service:
        return None, undone + "an enrolling service is open"
    return None, undone + (
        f"an enrolling service dated {last_day:%m/%d/%Y} was recorded, "
        f"{(as_of - last_day).days} days before {as_of:%m/%d/%Y} (the exit comes on day "
        f"{exit_day})"
    )


def _correct_soft_exits(cursor: CursorWrapper, rows: list[tuple]) -> tuple[list[int], list[int]]:
    """Undo the soft exits the data no longer supports and move the exit dates that
    changed; one statement per reason, so that each change is logged with its own."""
    groups: dict[tuple[datetime.date | None, str], list[int]] = defaultdict(list)
    for customer_id, supported, last_day, open_service, as_of, exit_day, gap_ends_on in rows:
        key = exit_correction(
            supported=supported,
            last_day=last_day,
            open_service=open_service,
            as_of=as_of,
            exit_day=exit_day,
            gap_ends_on=gap_ends_on,
        )
        groups[key].append(customer_id)
    undone: list[int] = []
    moved: list[int] = []
    for (exit_date, reason), ids in sorted(groups.items(), key=lambda g: g[0][1]):
        params = {"ids": ids, "reason": SOFT_EXIT_REASON, **_history(reason)}
        if exit_date is None:
            cursor.execute(UNDO_EXIT_SQL, params)
            undone += [row[0] for row in cursor.fetchall()]
        else:
            cursor.execute(MOVE_EXIT_DATE_SQL, {**params, "exit_date": exit_date})
            moved += [row[0] for row in cursor.fetchall()]
    return undone, moved


def _history(reason: str) -> dict[str, str]:
    return {
        "context_id": str(uuid.uuid4()),
        "context_metadata": json.dumps({"reason": reason}),
    }


@contextmanager
def _engine_history(cursor: CursorWrapper) -> Iterator[None]:
    """Give back the history context the transaction had before the engine's writes,
    so that the caller's later changes are not logged under the engine's reason."""
    cursor.execute(
        "SELECT current_setting('pghistory.context_id', true), "
        "current_setting('pghistory.context_metadata', true)"
    )
    before = cursor.fetchone()
    yield  # on an error the transaction rolls back, and the settings with it
    cursor.execute(
        "SELECT set_config('pghistory.context_id', %s, true), "
        "set_config('pghistory.context_metadata', %s, true)",
        [before[0] or "", before[1] or ""],
    )
