"""`make bench`: the compliance engine and the dashboards on an area-sized caseload.

Runs against its own database (CASEMGMT_DB_NAME=casemgmt_bench, set by the Makefile),
which it creates on the same server when missing, migrates and fills with
`demo.generated.generate`. A database that already holds the requested generation
(recorded in its table bench_meta) is reused as it is.

Measures, in a transaction rolled back at the end so the data stays as generated:
the full evaluation (`compliance.engine.evaluate`) twice, first on an empty alert table
and then in the steady state, against the floor (one plain SQL query reading the same
rows); then the planner and supervisor dashboards through the test client.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import time
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from psycopg import sql

from benchmarks.report import percentile, write_section
from casemgmt.clock import today
from demo import generated as demo_data

EVALUATION_TARGET_S = 60
RATIO_TARGET = 3
DASHBOARD_TARGET_MS = 300
# The floor: one plain query reading what the rules read, fetched to the last row.
FLOOR_SQL = """
SELECT c.id, c.status, c.office_id, c.career_planner_id, c.application_date,
       c.eligibility_date, c.exit_date,
       s.last_enrolling_end, s.open_enrolling, s.open_past_end, s.late_entries,
       n.last_two_way, n.last_contact, n.late_notes,
       p.developed_on, p.last_reviewed_on, g.open_goal_with_open_step
FROM customers_customer c
LEFT JOIN (
    SELECT r.customer_id,
           max(coalesce(r.ended_on, r.started_on))
               FILTER (WHERE a.extends_exit_window) AS last_enrolling_end,
           bool_or(r.ended_on IS NULL AND a.extends_exit_window) AS open_enrolling,
           count(*) FILTER (WHERE r.ended_on IS NULL AND r.planned_end_on < %(as_of)s)
               AS open_past_end,
           count(*) FILTER (WHERE r.entered_late) AS late_entries
    FROM services_servicerecord r
    JOIN services_activity a ON a.id = r.activity_id
    GROUP BY r.customer_id
) s ON s.customer_id = c.id
LEFT JOIN (
    SELECT customer_id,
           max(contact_date) FILTER (WHERE two_way) AS last_two_way,
           max(contact_date) AS last_contact,
           count(*) FILTER (WHERE entered_late) AS late_notes
    FROM casenotes_casenote
    GROUP BY customer_id
) n ON n.customer_id = c.id
LEFT JOIN plans_plan p ON p.customer_id = c.id
LEFT JOIN (
    SELECT g.plan_id,
           bool_or(g.status <> 'complete' AND st.status IN ('planned', 'in_progress'))
               AS open_goal_with_open_step
    FROM plans_goal g
    JOIN plans_step st ON st.goal_id = g.id
    GROUP BY g.plan_id
) g ON g.plan_id = p.id
"""
FLOOR_RUNS = 5
# How the generation time is summarised in the docs: label, bench_meta.tables keys.
GENERATION_PARTS = [
    ("customers", ["customers_customer"]),
    ("services", ["services_servicerecord"]),
    ("case notes", ["casenotes_casenote"]),
    (
        "plans with versions, goals and steps",
        ["plans_plan", "plans_planversion", "plans_goal", "plans_step"],
    ),
    ("indexes", ["indexes"]),
    ("ANALYZE and VACUUM", ["analyze", "vacuum"]),
]
COUNTED_TABLES = [
    ("customers", "customers_customer"),
    ("services", "services_servicerecord"),
    ("case notes", "casenotes_casenote"),
    ("plans", "plans_plan"),
    ("goals", "plans_goal"),
    ("steps", "plans_step"),
    ("staff", "casemgmt_user"),
]
# Tables the rolled-back runs leave dead rows in.
VACUUMED_BEFORE_RUNS = [
    "compliance_alert",
    "customers_customer",
    "customers_customerevent",
    "django_session",
]
DJANGO_ONLY_OPTIONS = {"isolation_level", "server_side_binding", "pool", "assume_role"}


class _Rollback(Exception):
    """Raised at the end of the measurements to roll the alerts and sessions back."""


class Command(BaseCommand):
    help = (
        "Generate an area-sized caseload in the benchmark database (CASEMGMT_DB_NAME), time "
        "the full compliance evaluation against a plain-SQL floor and the dashboards, and "
        "record the figures in docs/performance.md."
    )
    # The checks would connect before the benchmark database exists.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--services-per-customer", type=float, default=20)
        parser.add_argument("--notes-per-customer", type=float, default=30)
        parser.add_argument(
            "--runs", type=int, default=30, help="Timed requests per dashboard (default 30)."
        )
        parser.add_argument(
            "--reuse",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="Keep a database that already holds this generation (default); "
            "--no-reuse generates it again.",
        )
        parser.add_argument(
            "--docs",
            type=Path,
            default=Path(settings.BASE_DIR) / "docs" / "performance.md",
            help="The file whose bench:compliance section is rewritten.",
        )
        parser.add_argument(
            "--no-docs", action="store_true", help="Print the figures only; change no file."
        )

    def handle(self, *args: object, **options: object) -> None:
        customers, seed, runs = options["customers"], options["seed"], options["runs"]
        if customers < 1 or runs < 1:
            raise CommandError("--customers and --runs must be at least 1.")
        name = str(settings.DATABASES["default"]["NAME"])
        if "bench" not in name:
            raise CommandError(
                f"The database is {name!r}: the benchmark fills its own database. Run "
                "`make bench`, or set CASEMGMT_DB_NAME=casemgmt_bench."
            )
        wanted = {
            "customers": customers,
            "seed": seed,
            "services_per_customer": float(options["services_per_customer"]),
            "notes_per_customer": float(options["notes_per_customer"]),
        }
        load = os.getloadavg()[0]
        self.stdout.write(f"Load average at the start: {load:.1f} on {_cpus()} CPU(s).")
        meta = self._prepare(name, wanted, reuse=bool(options["reuse"]))
        as_of = meta["as_of"]
        counts = self._counts()
        self.stdout.write(
            "Data: " + ", ".join(f"{counts[label]:,} {label}" for label, _t in COUNTED_TABLES)
        )
        floor = self._floor(as_of)
        self.stdout.write(
            f"Floor (one plain SQL query over the same rows, best of {FLOOR_RUNS}): "
            f"{floor['seconds']:.2f} s for {floor['rows']:,} rows"
        )
        try:
            from compliance.engine import evaluate
        except ImportError as exc:
            raise CommandError(
                f"compliance.engine cannot be imported yet ({exc}). The data and the floor "
                "are ready; the evaluation and the dashboards need the engine."
            ) from exc

        with connection.cursor() as cursor:
            # Earlier runs rolled back: start from an empty alert table without dead rows.
            cursor.execute("TRUNCATE compliance_alert")
            cursor.execute("VACUUM (ANALYZE) " + ", ".join(VACUUMED_BEFORE_RUNS))
        figures: dict[str, object] = {}
        try:
            with transaction.atomic():
                figures["evaluations"] = self._evaluate(evaluate, as_of)
                figures["one_customer"] = self._one_customer(evaluate, as_of, runs)
                figures["dashboards"] = self._dashboards(runs)
                raise _Rollback
        except _Rollback:
            pass
        verdicts = self._verdicts(figures, floor)
        for line in verdicts["lines"]:
            self.stdout.write(line)
        if options["no_docs"]:
            return
        docs: Path = options["docs"]
        section = self._section(
            meta=meta,
            counts=counts,
            floor=floor,
            figures=figures,
            verdicts=verdicts,
            runs=runs,
            load=load,
        )
        write_section(docs, "compliance", section)
        self.stdout.write(self.style.SUCCESS(f"Wrote the figures to {docs}."))

    # --- The database -----------------------------------------------------------------

    def _admin_connection(self) -> psycopg.Connection:
        """A connection to the same server's `postgres` database, for CREATE/DROP DATABASE."""
        config = settings.DATABASES["default"]
        params = {
            "dbname": "postgres",
            "user": config.get("USER") or None,
            "password": config.get("PASSWORD") or None,
            "host": config.get("HOST") or None,
            "port": config.get("PORT") or None,
        }
        params.update(
            {k: v for k, v in (config.get("OPTIONS") or {}).items() if k not in DJANGO_ONLY_OPTIONS}
        )
        return psycopg.connect(
            **{k: v for k, v in params.items() if v is not None}, autocommit=True
        )

    def _database_exists(self, name: str) -> bool:
        with self._admin_connection() as admin:
            found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return found.fetchone() is not None

    def _recreate_database(self, name: str, *, drop: bool) -> None:
        connections.close_all()
        with self._admin_connection() as admin:
            if drop:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def _prepare(self, name: str, wanted: dict[str, object], *, reuse: bool) -> dict[str, object]:
        """Make sure the database holds the wanted generation; return its bench_meta row."""
        if not self._database_exists(name):
            self.stdout.write(f"Creating the database {name}.")
            self._recreate_database(name, drop=False)
        else:
            meta = self._meta()
            if reuse and meta and all(meta[k] == v for k, v in wanted.items()):
                self.stdout.write(
                    f"Reusing {name}: {meta['customers']:,} customers, seed {meta['seed']}, "
                    f"generated on {timezone.localtime(meta['generated_at']):%Y-%m-%d} as of {meta['as_of']} "
                    "(--no-reuse generates again)."
                )
                # New migrations since the generation: the code must find its schema.
                call_command("migrate", interactive=False, verbosity=0)
                return meta
            self.stdout.write(f"Dropping and creating the database {name} for a new generation.")
            self._recreate_database(name, drop=True)
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Migrated in {time.perf_counter() - started:.1f} s.")
        as_of = today()
        self.stdout.write(
            f"Generating {wanted['customers']:,} customers (seed {wanted['seed']}, as of {as_of}):"
        )
        started = time.perf_counter()
        report = demo_data.generate(
            customers=int(wanted["customers"]),
            seed=int(wanted["seed"]),
            services_per_customer=float(wanted["services_per_customer"]),
            notes_per_customer=float(wanted["notes_per_customer"]),
            as_of=as_of,
            log=self._progress,
        )
        generated = time.perf_counter() - started
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # Sets the visibility map and hint bits, as autovacuum would have long since.
            cursor.execute("VACUUM (ANALYZE) " + ", ".join(demo_data.TABLES))
        vacuumed = time.perf_counter() - started
        self._progress(f"  {'VACUUM (ANALYZE)':<32} {'':>10}       {vacuumed:7.1f} s")
        self.stdout.write(f"Generated in {generated + vacuumed:.1f} s.")
        with connection.cursor() as cursor:
            cursor.execute(
                """
                CREATE TABLE bench_meta (
                    customers integer NOT NULL, seed integer NOT NULL,
                    services_per_customer float8 NOT NULL, notes_per_customer float8 NOT NULL,
                    as_of date NOT NULL, generated_at timestamptz NOT NULL,
                    seconds float8 NOT NULL, tables jsonb NOT NULL)
                """
            )
            cursor.execute(
                "INSERT INTO bench_meta VALUES (%s, %s, %s, %s, %s, now(), %s, %s)",
                [
                    wanted["customers"],
                    wanted["seed"],
                    wanted["services_per_customer"],
                    wanted["notes_per_customer"],
                    as_of,
                    generated + vacuumed,
                    json.dumps(
                        {table: [rows, round(s, 2)] for table, (rows, s) in report.items()}
                        | {"vacuum": [0, round(vacuumed, 2)]}
                    ),
                ],
            )
        meta = self._meta()
        assert meta is not None
        return meta

    def _meta(self) -> dict[str, object] | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_meta') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return None
            cursor.execute(
                "SELECT customers, seed, services_per_customer, notes_per_customer, as_of, "
                "generated_at, seconds, tables FROM bench_meta"
            )
            row = cursor.fetchone()
            if row is None:
                return None
            names = [c.name for c in cursor.description]
        meta = dict(zip(names, row, strict=True))
        if isinstance(meta["tables"], str):
            meta["tables"] = json.loads(meta["tables"])
        return meta

    def _progress(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _counts(self) -> dict[str, int]:
        counts = {}
        with connection.cursor() as cursor:
            for label, table in COUNTED_TABLES:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
                counts[label] = cursor.fetchone()[0]
        return counts

    # --- The measurements -------------------------------------------------------------

    def _floor(self, as_of: datetime.date) -> dict[str, float]:
        timings, rows = [], 0
        with connection.cursor() as cursor:
            for _ in range(FLOOR_RUNS + 1):  # the first run warms the cache
                started = time.perf_counter()
                cursor.execute(FLOOR_SQL, {"as_of": as_of})
                rows = len(cursor.fetchall())
                timings.append(time.perf_counter() - started)
        return {"seconds": min(timings[1:]), "rows": rows}

    def _evaluate(self, evaluate, as_of: datetime.date) -> list[dict[str, object]]:  # noqa: ANN001
        results = []
        for label in ("first run (empty alert table)", "second run (steady state)"):
            started = time.perf_counter()
            result = evaluate(as_of=as_of)
            seconds = time.perf_counter() - started
            counts = {
                name: getattr(result, name, None)
                for name in ("opened", "kept", "resolved", "exited")
            }
            self.stdout.write(
                f"Evaluation, {label}: {seconds:.1f} s ("
                + ", ".join(f"{k} {v:,}" for k, v in counts.items() if v is not None)
                + ")"
            )
            results.append({"label": label, "seconds": seconds, **counts})
        return results

    def _one_customer(self, evaluate, as_of: datetime.date, runs: int) -> dict[str, float]:  # noqa: ANN001
        """What a save costs on top: one customer's evaluation, as a request runs it after
        its transaction commits (participants spread over the data, in a fixed order)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM customers_customer WHERE status = 'participant' "
                "ORDER BY md5(id::text) LIMIT %s",
                [runs + 1],
            )
            ids = [row[0] for row in cursor.fetchall()]
        timings = []
        for customer_id in ids:
            started = time.perf_counter()
            evaluate(as_of=as_of, customer_ids=[customer_id])
            timings.append((time.perf_counter() - started) * 1000)
        timings = timings[1:]  # the first one warms the plan cache
        figures = {"p50": percentile(timings, 0.5), "p95": percentile(timings, 0.95)}
        self.stdout.write(
            f"One customer's evaluation ({len(timings)} customers): "
            f"p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms"
        )
        return figures

    def _dashboards(self, runs: int) -> dict[str, object]:
        from casemgmt.models import User

        try:
            urls = {
                "planner": reverse("compliance:planner"),
                "supervisor": reverse("compliance:supervisor"),
            }
        except NoReverseMatch as exc:
            message = f"The dashboards are not there yet ({exc}); skipped."
            self.stdout.write(self.style.WARNING(message))
            return {"skipped": message}
        office = User.objects.get(username="bench_supervisor_1").offices.get()
        people = [
            ("planner", "bench_planner_1", "Career planner, typical caseload"),
            (
                "planner",
                f"bench_planner_{demo_data.PLANNERS_PER_OFFICE}",
                "Career planner, small caseload",
            ),
            ("supervisor", "bench_supervisor_1", f"Supervisor of {office.name}"),
        ]
        rows = []
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ALLOWED_HOSTS=hosts):
            for kind, username, label in people:
                user = User.objects.get(username=username)
                scope = (
                    user.caseload.exclude(status__in=["exited", "closed"]).count()
                    if kind == "planner"
                    else office.customers.exclude(status__in=["exited", "closed"]).count()
                )
                client = Client()
                client.force_login(user)
                url = urls[kind]
                response = client.get(url, secure=True)  # warm-up
                if response.status_code != 200:
                    raise CommandError(f"GET {url} as {username} answered {response.status_code}.")
                timings = []
                for _ in range(runs):
                    started = time.perf_counter()
                    client.get(url, secure=True)
                    timings.append((time.perf_counter() - started) * 1000)
                with CaptureQueriesContext(connection) as queries:
                    client.get(url, secure=True)
                row = {
                    "label": label,
                    "url": url,
                    "customers": scope,
                    "p50": statistics.median(timings),
                    "p95": percentile(timings, 0.95),
                    "queries": len(queries),
                }
                self.stdout.write(
                    f"{label} ({scope:,} open customers), GET {url}: p50 {row['p50']:.0f} ms, "
                    f"p95 {row['p95']:.0f} ms, {row['queries']} queries"
                )
                rows.append(row)
        return {"rows": rows}

    def _verdicts(self, figures: dict[str, object], floor: dict[str, float]) -> dict[str, object]:
        evaluations = figures["evaluations"]
        slowest = max(e["seconds"] for e in evaluations)
        ratio = slowest / floor["seconds"] if floor["seconds"] else float("inf")
        evaluation_met = slowest < EVALUATION_TARGET_S and ratio <= RATIO_TARGET
        lines = [
            f"Evaluation: slowest run {slowest:.1f} s, {ratio:.1f}x the floor "
            f"(targets < {EVALUATION_TARGET_S} s and within {RATIO_TARGET}x): "
            + ("met" if evaluation_met else "NOT met")
        ]
        dashboards = figures["dashboards"]
        dashboard_met: bool | None = None
        constant: bool | None = None
        if "rows" in dashboards:
            rows = dashboards["rows"]
            p95 = max(r["p95"] for r in rows)
            planners = [r for r in rows if r["label"].startswith("Career planner")]
            constant = len({r["queries"] for r in planners}) == 1
            dashboard_met = p95 < DASHBOARD_TARGET_MS and constant
            lines.append(
                f"Dashboards: slowest p95 {p95:.0f} ms (target < {DASHBOARD_TARGET_MS} ms), "
                "planner query count "
                + ("the same for both caseloads" if constant else "grows with the caseload")
                + ": "
                + ("met" if dashboard_met else "NOT met")
            )
        return {
            "lines": lines,
            "ratio": ratio,
            "evaluation_met": evaluation_met,
            "dashboard_met": dashboard_met,
            "constant": constant,
        }

    # --- The docs section ---------------------------------------------------------------

    def _section(
        self,
        *,
        meta: dict[str, object],
        counts: dict[str, int],
        floor: dict[str, float],
        figures: dict[str, object],
        verdicts: dict[str, object],
        runs: int,
        load: float,
    ) -> str:
        cpus = _cpus()
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg_version = cursor.fetchone()[0]
        options = [
            f"--customers {meta['customers']}" if meta["customers"] != 100_000 else "",
            f"--seed {meta['seed']}" if meta["seed"] != 42 else "",
            f"--runs {runs}" if runs != 30 else "",
        ]
        command = " ".join(
            ["CASEMGMT_DB_NAME=casemgmt_bench python manage.py bench_compliance"]
            + [option for option in options if option]
        )
        evaluations = figures["evaluations"]
        tables = meta["tables"]
        generation = ", ".join(
            f"{label} {sum(tables.get(t, [0, 0])[1] for t in names):.0f} s"
            for label, names in GENERATION_PARTS
        )
        lines = [
            "## Compliance evaluation and dashboards",
            "",
            "`compliance.engine.evaluate` over every customer of an invented workforce area, and the",
            "planner and supervisor dashboards, on data from `demo.generated.generate` (set-based",
            "SQL, repeatable from the seed) in a database of its own (`casemgmt_bench`). The evaluation",
            "runs twice: first on an empty alert table (it opens every alert), then again (the steady",
            "state). The floor is one plain SQL query that reads the same rows (customers, services",
            "with their activities, case notes, plans, goals and steps), grouped per customer and",
            f"fetched to the last row, best of {FLOOR_RUNS} warm runs; the ratio is the slower evaluation",
            "over the floor. Dashboards: one warm-up request, then the timed runs through the test",
            "client (p95 is the nearest rank), and the number of SQL queries of one request. Alerts,",
            "sessions and any other change are rolled back at the end.",
            "",
            "| | |",
            "|---|---|",
            f"| Date | {today():%Y-%m-%d} (data as of {meta['as_of']}) |",
            f"| Machine | {cpus} CPU(s) (nproc), {_memory()} RAM, PostgreSQL {pg_version}, "
            f"Python {platform.python_version()}; load average {load:.1f} at the start "
            "(other work on the machine slows every figure) |",
            f"| Command | `make bench` (`{command}`) |",
            f"| Data | {', '.join(f'{counts[label]:,} {label}' for label, _t in COUNTED_TABLES)} "
            f"(seed {meta['seed']}) |",
            f"| Generation | {meta['seconds']:.0f} s ({generation}) |",
        ]
        for evaluation in evaluations:
            counts_text = ", ".join(
                f"{k} {evaluation[k]:,}"
                for k in ("opened", "kept", "resolved", "exited")
                if evaluation.get(k) is not None
            )
            lines.append(
                f"| Evaluation, {evaluation['label']} | {evaluation['seconds']:.1f} s"
                + (f" ({counts_text})" if counts_text else "")
                + " |"
            )
        one = figures.get("one_customer")
        if one:
            lines.append(
                f"| One customer's evaluation, as after a save ({runs} participants) | "
                f"p50 {one['p50']:.0f} ms, p95 {one['p95']:.0f} ms |"
            )
        lines += [
            f"| Floor | {floor['seconds']:.2f} s ({floor['rows']:,} rows) |",
            f"| Ratio | {verdicts['ratio']:.1f}x |",
            f"| Target | a full evaluation under {EVALUATION_TARGET_S} s and within "
            f"{RATIO_TARGET}x of the floor: {'met' if verdicts['evaluation_met'] else 'NOT met'} |",
        ]
        dashboards = figures["dashboards"]
        if "rows" in dashboards:
            lines += [
                "",
                f"| Dashboard ({runs} runs) | Customers in scope | p50 | p95 | Queries |",
                "|---|---|---|---|---|",
            ]
            lines += [
                f"| {r['label']} (`{r['url']}`) | {r['customers']:,} | {r['p50']:.0f} ms | "
                f"{r['p95']:.0f} ms | {r['queries']} |"
                for r in dashboards["rows"]
            ]
            lines += [
                "",
                f"Target: under {DASHBOARD_TARGET_MS} ms at p95, with a query count that does not "
                "grow with the caseload: "
                + ("met" if verdicts["dashboard_met"] else "NOT met")
                + ".",
            ]
        else:
            lines += ["", f"Dashboards: {dashboards['skipped']}"]
        return "\n".join(lines)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 0


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    except OSError:  # pragma: no cover - not Linux
        pass
    return "unknown"
