"""The measurements of `manage.py bench_compliance`, on committed data in the benchmark's
own database: resetting it to the generated state, the pages through the test client,
the equivalence check of the incremental run, and a case note saved while a full
evaluation runs in another connection."""

# The SQL below is assembled from this module's constants only.
# ruff: noqa: S608

import datetime
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from benchmarks.report import percentile
from casemgmt.models import User
from casenotes.services import casenote_create
from compliance.engine import SOFT_EXIT_REASON
from compliance.models import Alert, PlannedGap, Rule, State
from customers.models import Customer
from demo import generated as demo_data

# What an open alert is, and what the evaluation changes on a customer: the check compares both.
ALERT_COLUMNS = "rule, customer_id, subject_type, subject_id, state, due_on, responsible_id"
CUSTOMER_COLUMNS = "id, status, exit_date, exit_reason"


def reset(*, as_of: datetime.date) -> list[str]:
    """Put the database back as generated: no alerts, clocks, summaries or sessions;
    the engine's soft exits undone; the simulated days' edits taken back. Returns the
    tables it emptied. The compliance tables are all emptied but the planned gaps (data
    the generator does not write); the policies live in casemgmt's Policy."""
    emptied = [
        model._meta.db_table
        for model in apps.get_app_config("compliance").get_models()
        if model is not PlannedGap
    ] + ["django_session"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(emptied)}")
        cursor.execute(
            """
            UPDATE customers_customer
            SET status = 'participant', exit_date = NULL, exit_reason = ''
            WHERE status = 'exited' AND exit_reason = %s
            """,
            [SOFT_EXIT_REASON],
        )
    demo_data.undo_days(as_of=as_of)
    return emptied


def vacuum_analyze(tables: list[str]) -> None:
    """Fresh statistics and visibility maps, as autovacuum would have them by the morning."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")


# --- Pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    label: str
    url_name: str
    username: str
    scope_sql: str  # the open customers the page covers, counted for the report
    query: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name) + (f"?{self.query}" if self.query else "")


_OPEN = "c.status NOT IN ('exited', 'closed')"
_PLANNER_SCOPE = (
    f"SELECT count(*) FROM customers_customer c WHERE c.career_planner_id = %(user)s AND {_OPEN}"
)
_OFFICES_SCOPE = f"""
    SELECT count(*) FROM customers_customer c
    WHERE {_OPEN} AND c.office_id IN (
        SELECT office_id FROM casemgmt_user_supervised_offices WHERE user_id = %(user)s)
"""
_STAFF_OFFICE_SCOPE = f"""
    SELECT count(*) FROM customers_customer c
    WHERE {_OPEN} AND c.office_id IN (
        SELECT office_id FROM casemgmt_user_offices WHERE user_id = %(user)s)
"""
_ALL_SCOPE = f"SELECT count(*) FROM customers_customer c WHERE {_OPEN}"

PAGES = [
    Page("Career planner, typical caseload", "compliance:planner", "bench_planner_1", _PLANNER_SCOPE),
    Page("Career planner, new hire's caseload", "compliance:planner", "bench_newhire_1", _PLANNER_SCOPE),
    Page("Supervisor of one office", "compliance:supervisor", "bench_supervisor_1", _OFFICES_SCOPE),
    Page("Region's director (its offices)", "compliance:supervisor", "bench_director_1", _OFFICES_SCOPE),
    Page("Administrator (every office)", "compliance:supervisor", "bench_administrator", _ALL_SCOPE),
    Page(
        "Supervisor's overdue alerts (drill-down)",
        "compliance:drilldown",
        "bench_supervisor_1",
        _OFFICES_SCOPE,
        query="state=overdue",
    ),
    Page("Supervisor's CSV of open alerts", "compliance:export", "bench_supervisor_1", _OFFICES_SCOPE),
    Page("Tracker of one office", "compliance:tracker", "bench_tracker_1", _STAFF_OFFICE_SCOPE),
]  # fmt: skip


@dataclass(frozen=True)
class PageTiming:
    label: str
    url: str
    customers: int
    p50: float
    p95: float
    queries: int
    kilobytes: float
    runs: int


# A page slower than this (its warm-up) is timed SLOW_PAGE_RUNS times, not `runs`: at a
# million customers the state's roll-up would otherwise take the bench a quarter of an hour.
SLOW_PAGE_S = 1.0
SLOW_PAGE_RUNS = 5


def time_pages(runs: int, log: Callable[[str], None]) -> list[PageTiming]:
    """Each page: one warm-up request, `runs` timed ones (fewer for a slow page), and the
    queries of one more."""
    timings = []
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(ALLOWED_HOSTS=hosts):
        for page in PAGES:
            user = User.objects.get(username=page.username)
            with connection.cursor() as cursor:
                cursor.execute(page.scope_sql, {"user": user.pk})
                customers = cursor.fetchone()[0]
            client = Client()
            client.force_login(user)
            url = page.url
            started = time.perf_counter()
            response = client.get(url, secure=True)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} as {page.username} answered {response.status_code}.")
            slow = time.perf_counter() - started > SLOW_PAGE_S
            elapsed = []
            for _ in range(min(runs, SLOW_PAGE_RUNS) if slow else runs):
                started = time.perf_counter()
                client.get(url, secure=True)
                elapsed.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, secure=True)
            timing = PageTiming(
                label=page.label,
                url=url,
                customers=customers,
                p50=percentile(elapsed, 0.5),
                p95=percentile(elapsed, 0.95),
                queries=len(queries),
                kilobytes=len(response.content) / 1024,
                runs=len(elapsed),
            )
            log(
                f"{timing.label} ({customers:,} open customers), GET {url}: p50 {timing.p50:.0f} ms, "
                f"p95 {timing.p95:.0f} ms, {timing.queries} queries, {timing.kilobytes:,.0f} KB"
            )
            timings.append(timing)
    return timings


# --- The check: the incremental run left what a full evaluation would --------------


def snapshot() -> None:
    """Keep the open alerts and the customers' exits as they are now (this connection)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.check_alerts, pg_temp.check_customers")
        cursor.execute(
            f"CREATE TEMP TABLE check_alerts AS SELECT {ALERT_COLUMNS} FROM compliance_alert "
            "WHERE resolved_at IS NULL"
        )
        cursor.execute(
            f"CREATE TEMP TABLE check_customers AS SELECT {CUSTOMER_COLUMNS} FROM customers_customer"
        )


def differences_from_snapshot() -> dict[str, int]:
    """Rows in the snapshot and not now, or now and not in the snapshot, per table."""
    now = {
        "alerts": f"SELECT {ALERT_COLUMNS} FROM compliance_alert WHERE resolved_at IS NULL",
        "customers": f"SELECT {CUSTOMER_COLUMNS} FROM customers_customer",
    }
    kept = {"alerts": "check_alerts", "customers": "check_customers"}
    found = {}
    with connection.cursor() as cursor:
        for name, current in now.items():
            cursor.execute(
                f"SELECT (SELECT count(*) FROM (SELECT * FROM {kept[name]} EXCEPT ALL {current}) a)"
                f" + (SELECT count(*) FROM ({current} EXCEPT ALL SELECT * FROM {kept[name]}) b)"
            )
            found[name] = cursor.fetchone()[0]
        cursor.execute("DROP TABLE pg_temp.check_alerts, pg_temp.check_customers")
    return found


# --- A case note saved while a full evaluation runs --------------------------------


@dataclass
class SaveTimings:
    milliseconds: list[float] = field(default_factory=list)  # saved during the full run
    after_run: int = 0  # saves that ended after the full run had finished (not counted)
    not_resolved: int = 0  # the alert still open at the deadline
    reopened: int = 0  # resolved by the save, open again once the full run had finished
    full_run_seconds: float = 0.0


def saves_during_full_run(
    *, evaluate: Callable[..., object], day: datetime.date, saves: int, timeout: float
) -> SaveTimings:
    """Start a full evaluation of `day` in a thread (its own connection); meanwhile save a
    two-way case note for customers with an open overdue 30-day contact alert, through
    the case note service, so that the commit evaluates the customer as a request does,
    and time each save until its alert reads resolved (from this connection)."""
    alerts = list(
        Alert.objects.filter(
            rule=Rule.CONTACT_30,
            state=State.OVERDUE,
            resolved_at__isnull=True,
            customer__status="participant",
        )
        .select_related("customer__career_planner")
        .order_by("customer_id")[: saves * 7 : 7]  # spread over the offices
    )
    timings = SaveTimings()
    started = threading.Event()
    finished = threading.Event()
    errors: list[BaseException] = []

    def full_run() -> None:
        try:
            started.set()
            begun = time.perf_counter()
            evaluate(as_of=day)
            timings.full_run_seconds = time.perf_counter() - begun
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)
        finally:
            finished.set()
            connection.close()

    thread = threading.Thread(target=full_run, name="bench-full-evaluation")
    thread.start()
    started.wait()
    time.sleep(0.5)  # into the run: past its first statements
    saved = []
    for alert in alerts:
        customer: Customer = alert.customer
        begun = time.perf_counter()
        with transaction.atomic():
            casenote_create(
                customer=customer,
                author=customer.career_planner,
                contact_date=day,
                subject="Check-in on the job search",
                body="Customer called back and discussed applications sent this week.",
                contact_method="phone",
                two_way=True,
            )
        deadline = begun + timeout
        resolved = False
        while time.perf_counter() < deadline:
            if Alert.objects.filter(pk=alert.pk, resolved_at__isnull=False).exists():
                resolved = True
                break
            time.sleep(0.002)
        elapsed = (time.perf_counter() - begun) * 1000
        if not resolved:
            timings.not_resolved += 1
        elif finished.is_set():
            timings.after_run += 1
        else:
            timings.milliseconds.append(elapsed)
            saved.append(alert)
        if finished.is_set():
            break
    thread.join()
    if errors:
        raise errors[0]
    timings.reopened = Alert.objects.filter(
        rule=Rule.CONTACT_30,
        customer_id__in=[a.customer_id for a in saved],
        resolved_at__isnull=True,
    ).count()
    return timings
