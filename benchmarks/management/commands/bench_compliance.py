"""`make bench` / `make bench-1m`: the compliance engine and the dashboards at the scale of
an area (100,000 customers) or a state (1,000,000).

Runs against its own database (CASEMGMT_DB_NAME, set by the Makefile: one per size),
which it creates on the same server when missing, migrates and fills with
`demo.generated.generate`. A database that already holds the requested generation
(recorded in its table bench_meta) is reused, first put back as generated (no alerts,
clocks or sessions; the engine's soft exits and the simulated days undone).

Everything is committed, as in production, and timed on a clock moved to the data's day:
the floor (one plain SQL pass over the rows the rules read); the full evaluation on an
empty alert table, then in the steady state; the pages on committed data with fresh
statistics; one customer's evaluation; a normal working day (`simulate_day`) and the
incremental run of the next morning (`evaluate_due`), checked against a full evaluation
of the same day, which must change nothing; case notes saved while a full evaluation
runs, timed until their alert is resolved. Each size writes its own section of
docs/performance.md.
"""

import argparse
import datetime
import json
import platform
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.utils import timezone
from psycopg import sql

from benchmarks import compliance as bench
from benchmarks.report import cpus, load_average, memory, percentile, size_label, write_section
from casemgmt.clock import today
from casemgmt.embedded_db import SERVER_SETTINGS
from demo import generated as demo_data

RATIO_TARGET = 1.5
PAGE_TARGET_MS = 100
INCREMENTAL_TARGET_S = 10
SAVE_TARGET_MS = 200
GENERATION_TARGET_S = 600  # at a million customers
STATE_CUSTOMERS = 1_000_000  # the scale the incremental and generation targets are set for
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
FLOOR_RUNS = 3  # after one that warms the cache
# How the generation time is summarised in the docs: label, bench_meta.tables keys.
GENERATION_PARTS = [
    ("customers", ["customers_customer"]),
    ("services", ["services_servicerecord"]),
    ("case notes", ["casenotes_casenote"]),
    ("plans with versions, goals and steps", ["plans_plan", "plans_planversion", "plans_goal", "plans_step"]),
    ("indexes", ["indexes"]),
    ("ANALYZE", ["analyze"]),
    ("VACUUM", ["vacuum"]),
]  # fmt: skip
COUNTED_TABLES = [
    ("customers", "customers_customer"),
    ("services", "services_servicerecord"),
    ("case notes", "casenotes_casenote"),
    ("plans", "plans_plan"),
    ("goals", "plans_goal"),
    ("steps", "plans_step"),
    ("staff", "casemgmt_user"),
    ("offices", "casemgmt_office"),
    ("regions", "casemgmt_region"),
]
# The settings the figures depend on, read from the server.
REPORTED_SETTINGS = [
    "shared_buffers",
    "effective_cache_size",
    "work_mem",
    "maintenance_work_mem",
    "max_parallel_workers_per_gather",
    "max_wal_size",
    "random_page_cost",
    "jit",
    "autovacuum",
]
# What the bench sets on each of its connections, from the settings recommended for a
# server of this scale: those a session may set.
SESSION_SETTINGS = ["work_mem", "effective_cache_size", "random_page_cost", "jit"]
# The changes the engine and the simulated day make, vacuumed before the timings.
CHANGED_TABLES = ["customers_customer", "services_servicerecord", "casenotes_casenote"]
DJANGO_ONLY_OPTIONS = {"isolation_level", "server_side_binding", "pool", "assume_role"}
# Bump when the generator's output changes, so that a reused database is generated again.
GENERATOR_VERSION = 2


@dataclass(frozen=True)
class Evaluation:
    label: str
    seconds: float
    counts: dict[str, int]

    def describe(self) -> str:
        return ", ".join(f"{name} {value:,}" for name, value in self.counts.items())


class Command(BaseCommand):
    help = (
        "Generate a caseload in the benchmark database (CASEMGMT_DB_NAME), time the compliance "
        "evaluations, the incremental daily run and the dashboards on committed data, and "
        "record the figures in docs/performance.md (a section per size)."
    )
    # The checks would connect before the benchmark database exists.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--services-per-customer", type=float, default=20)
        parser.add_argument("--notes-per-customer", type=float, default=30)
        parser.add_argument(
            "--runs", type=int, default=30, help="Timed requests per page (default 30)."
        )
        parser.add_argument(
            "--saves",
            type=int,
            default=10,
            help="Case notes saved while a full evaluation runs (default 10).",
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
            help="The file whose bench:compliance-<size> section is rewritten.",
        )
        parser.add_argument(
            "--no-docs", action="store_true", help="Print the figures only; change no file."
        )

    def handle(self, *args: object, **options: object) -> None:
        customers, runs, saves = options["customers"], options["runs"], options["saves"]
        if customers < 1 or runs < 1 or saves < 1:
            raise CommandError("--customers, --runs and --saves must be at least 1.")
        name = str(settings.DATABASES["default"]["NAME"])
        if "bench" not in name:
            raise CommandError(
                f"The database is {name!r}: the benchmark fills its own database. Run "
                "`make bench`, or set CASEMGMT_DB_NAME=casemgmt_bench."
            )
        wanted = {
            "customers": customers,
            "seed": options["seed"],
            "services_per_customer": float(options["services_per_customer"]),
            "notes_per_customer": float(options["notes_per_customer"]),
            "generator": GENERATOR_VERSION,
        }
        load_at_start = load_average()
        self._say(f"Load average at the start: {load_at_start} on {cpus()} CPU(s).")
        connection_created.connect(_session_settings, dispatch_uid="bench-session-settings")
        try:
            figures = self._measure(
                name, wanted, runs=runs, saves=saves, reuse=bool(options["reuse"])
            )
        finally:
            connection_created.disconnect(dispatch_uid="bench-session-settings")
        figures["load"] = (load_at_start, load_average())
        self._say(f"Load average at the end: {figures['load'][1]}.")
        verdicts = _verdicts(figures)
        for line in verdicts:
            self._say(line)
        if not options["no_docs"]:
            docs: Path = options["docs"]
            marker = f"compliance-{size_label(customers)}"
            write_section(docs, marker, _section(figures, verdicts, name=name, runs=runs))
            self.stdout.write(self.style.SUCCESS(f"Wrote the figures to {docs} ({marker})."))
        check = figures.get("check")
        if check and not check["passed"]:
            raise CommandError("The check failed: the incremental run left another state.")

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    # --- The measurements ---------------------------------------------------------

    def _measure(
        self, name: str, wanted: dict[str, object], *, runs: int, saves: int, reuse: bool
    ) -> dict[str, object]:
        meta = self._prepare(name, wanted, reuse=reuse)
        as_of: datetime.date = meta["as_of"]
        next_day = as_of + datetime.timedelta(days=1)
        self._say("Putting the database back as generated.")
        emptied = bench.reset(as_of=as_of)
        bench.vacuum_analyze(CHANGED_TABLES + emptied)
        figures: dict[str, object] = {
            "meta": meta,
            "counts": self._counts(),
            "server": self._server(),
        }
        self._say(
            "Data: "
            + ", ".join(f"{figures['counts'][label]:,} {label}" for label, _t in COUNTED_TABLES)
        )
        figures["floor"] = self._floor(as_of)
        from compliance import engine

        evaluate_due = getattr(engine, "evaluate_due", None)
        with _day(as_of):
            figures["evaluations"] = [
                self._evaluate("first run (empty alert table)", engine.evaluate, as_of),
                self._evaluate("second run (steady state)", engine.evaluate, as_of),
            ]
            bench.vacuum_analyze(["compliance_alert", "compliance_customerclock", *CHANGED_TABLES])
            figures["one_customer"] = self._one_customer(engine.evaluate, as_of, runs)
            figures["pages"] = bench.time_pages(runs, self._say)
        with _day(next_day):
            day = demo_data.simulate_day(day=next_day, seed=int(meta["seed"]))
            self._say(
                "A normal day: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in day.items())
            )
            figures["day"] = day
            if evaluate_due is None:
                self._say("compliance.engine.evaluate_due is not there yet: no incremental run.")
            else:
                figures["incremental"] = self._evaluate(
                    "incremental run of the next day", evaluate_due, next_day
                )
                bench.snapshot()
                full = self._evaluate("full run of the same day", engine.evaluate, next_day)
                differences = bench.differences_from_snapshot()
                changed = {k: full.counts.get(k, 0) for k in ("opened", "resolved", "exited")}
                figures["check"] = {
                    "full": full,
                    "differences": differences,
                    "passed": not any(changed.values()) and not any(differences.values()),
                }
                self._say(
                    f"Check: the full run changed {differences['alerts']:,} open alerts and "
                    f"{differences['customers']:,} customers after the incremental run: "
                    + ("passed" if figures["check"]["passed"] else "FAILED")
                )
            previous = figures["evaluations"][-1].seconds
            saved = bench.saves_during_full_run(
                evaluate=engine.evaluate, day=next_day, saves=saves, timeout=10 * previous + 30
            )
            figures["saves"] = saved
            if saved.milliseconds:
                self._say(
                    f"A note saved during a full run ({len(saved.milliseconds)} saves), until its "
                    f"alert is resolved: p50 {percentile(saved.milliseconds, 0.5):.0f} ms, "
                    f"p95 {percentile(saved.milliseconds, 0.95):.0f} ms; reopened by the full run "
                    f"{saved.reopened}, not resolved {saved.not_resolved}"
                )
        return figures

    def _evaluate(self, label: str, run: Callable[..., object], as_of: datetime.date) -> Evaluation:
        started = time.perf_counter()
        result = run(as_of=as_of)
        seconds = time.perf_counter() - started
        counts = {
            name: getattr(result, name)
            for name in ("evaluated", "opened", "kept", "resolved", "exited")
            if getattr(result, name, None) is not None
        }
        evaluation = Evaluation(label=label, seconds=seconds, counts=counts)
        self._say(f"Evaluation, {label}: {seconds:.1f} s ({evaluation.describe()})")
        return evaluation

    def _floor(self, as_of: datetime.date) -> dict[str, float]:
        timings, rows = [], 0
        with connection.cursor() as cursor:
            for _ in range(FLOOR_RUNS + 1):  # the first run warms the cache
                started = time.perf_counter()
                cursor.execute(FLOOR_SQL, {"as_of": as_of})
                rows = len(cursor.fetchall())
                timings.append(time.perf_counter() - started)
        floor = {"seconds": min(timings[1:]), "rows": rows}
        self._say(
            f"Floor (one plain SQL query over the same rows, best of {FLOOR_RUNS}): "
            f"{floor['seconds']:.2f} s for {rows:,} rows"
        )
        return floor

    def _one_customer(
        self, evaluate: Callable[..., object], as_of: datetime.date, runs: int
    ) -> dict[str, float]:
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
        self._say(
            f"One customer's evaluation ({len(timings)} customers): "
            f"p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms"
        )
        return figures

    def _counts(self) -> dict[str, int]:
        counts = {}
        with connection.cursor() as cursor:
            for label, table in COUNTED_TABLES:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
                counts[label] = cursor.fetchone()[0]
        return counts

    def _server(self) -> dict[str, str]:
        """The server's version and settings, as a connection without the bench's own has them."""
        with self._admin_connection() as admin:
            server = {"version": admin.execute("SHOW server_version").fetchone()[0]}
            for setting in REPORTED_SETTINGS:
                server[setting] = admin.execute("SELECT current_setting(%s)", [setting]).fetchone()[
                    0
                ]
        return server

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
            self._say(f"Creating the database {name}.")
            self._recreate_database(name, drop=False)
        else:
            meta = self._meta()
            if reuse and meta and all(meta.get(k) == v for k, v in wanted.items()):
                self._say(
                    f"Reusing {name}: {meta['customers']:,} customers, seed {meta['seed']}, "
                    f"generated on {timezone.localtime(meta['generated_at']):%Y-%m-%d} as of "
                    f"{meta['as_of']} (--no-reuse generates again)."
                )
                # New migrations since the generation: the code must find its schema.
                call_command("migrate", interactive=False, verbosity=0)
                return meta
            self._say(f"Dropping and creating the database {name} for a new generation.")
            self._recreate_database(name, drop=True)
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        self._say(f"Migrated in {time.perf_counter() - started:.1f} s.")
        as_of = today()
        self._say(
            f"Generating {wanted['customers']:,} customers (seed {wanted['seed']}, as of {as_of}):"
        )
        started = time.perf_counter()
        report = demo_data.generate(
            customers=int(wanted["customers"]),
            seed=int(wanted["seed"]),
            services_per_customer=float(wanted["services_per_customer"]),
            notes_per_customer=float(wanted["notes_per_customer"]),
            as_of=as_of,
            log=self._say,
        )
        generated = time.perf_counter() - started
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # Sets the visibility map and hint bits, as autovacuum would have long since
            # (generate has analyzed the tables).
            cursor.execute("VACUUM " + ", ".join(demo_data.TABLES))
        vacuumed = time.perf_counter() - started
        self._say(f"  {'VACUUM':<32} {'':>10}       {vacuumed:7.1f} s")
        self._say(f"Generated in {generated + vacuumed:.1f} s.")
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_meta (meta jsonb NOT NULL)")
            cursor.execute(
                "INSERT INTO bench_meta VALUES (%s)",
                [
                    json.dumps(
                        wanted
                        | {
                            "as_of": as_of.isoformat(),
                            "generated_at": timezone.now().isoformat(),
                            "seconds": round(generated + vacuumed, 1),
                            "tables": {t: [rows, round(s, 2)] for t, (rows, s) in report.items()}
                            | {"vacuum": [0, round(vacuumed, 2)]},
                            "load": load_average(),
                        }
                    )
                ],
            )
        meta = self._meta()
        assert meta is not None
        return meta

    def _meta(self) -> dict[str, object] | None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT to_regclass('bench_meta') IS NOT NULL AND EXISTS ("
                "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('bench_meta') "
                "AND attname = 'meta')"
            )
            if not cursor.fetchone()[0]:
                return None
            cursor.execute("SELECT meta FROM bench_meta")
            row = cursor.fetchone()
        if row is None:
            return None
        meta = row[0] if isinstance(row[0], dict) else json.loads(row[0])
        meta["as_of"] = datetime.date.fromisoformat(meta["as_of"])
        meta["generated_at"] = datetime.datetime.fromisoformat(meta["generated_at"])
        return meta


def _session_settings(sender: object, connection: object, **kwargs: object) -> None:
    """Give each of the bench's connections the recommended settings a session may set."""
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        for name in SESSION_SETTINGS:
            cursor.execute("SELECT set_config(%s, %s, false)", [name, SERVER_SETTINGS[name]])


class _day:
    """The clock at noon of `day` in the offices' zone (ticking), for every thread."""

    def __init__(self, day: datetime.date) -> None:
        noon = datetime.datetime.combine(
            day, datetime.time(12), tzinfo=zoneinfo.ZoneInfo(demo_data.TIME_ZONE)
        )
        self.traveller = time_machine.travel(noon, tick=True)

    def __enter__(self) -> None:
        self.traveller.start()

    def __exit__(self, *exc: object) -> None:
        self.traveller.stop()


# --- Verdicts and the docs section ------------------------------------------------------


def _verdicts(figures: dict[str, object]) -> list[str]:
    lines = []
    floor = figures["floor"]["seconds"]
    steady = figures["evaluations"][-1]
    ratio = steady.seconds / floor if floor else float("inf")
    figures["ratio"] = ratio
    lines.append(
        f"Full evaluation, steady state: {steady.seconds:.1f} s, {ratio:.1f}x the floor "
        f"(target {RATIO_TARGET}x): " + _met(ratio <= RATIO_TARGET)
    )
    state_scale = figures["meta"]["customers"] >= STATE_CUSTOMERS
    incremental = figures.get("incremental")
    if incremental:
        lines.append(
            f"Incremental run of a normal day: {incremental.seconds:.1f} s "
            f"(target < {INCREMENTAL_TARGET_S} s at a million customers)"
            + (f": {_met(incremental.seconds < INCREMENTAL_TARGET_S)}" if state_scale else "")
        )
    generation = figures["meta"]["seconds"]
    lines.append(
        f"Generation: {generation:.0f} s (target < {GENERATION_TARGET_S // 60} minutes at a "
        "million customers)"
        + (f": {_met(generation < GENERATION_TARGET_S)}" if state_scale else "")
    )
    check = figures.get("check")
    if check:
        lines.append(
            "Check (a full run after the incremental one changes nothing): "
            + ("passed" if check["passed"] else "FAILED")
        )
    pages = figures["pages"]
    slowest = max(pages, key=lambda p: p.p95)
    planners = {p.queries for p in pages if p.label.startswith("Career planner")}
    offices = {p.queries for p in pages if p.url.endswith("/supervisor/")}
    constant = len(planners) == 1 and len(offices) == 1
    lines.append(
        f"Pages: slowest p95 {slowest.p95:.0f} ms ({slowest.label}; target < {PAGE_TARGET_MS} ms); "
        "query counts "
        + ("the same at every scope" if constant else "grow with the scope")
        + ": "
        + _met(slowest.p95 < PAGE_TARGET_MS and constant)
    )
    saves = figures["saves"]
    if saves.milliseconds:
        p95 = percentile(saves.milliseconds, 0.95)
        lines.append(
            f"A note saved during a full run, until its alert is resolved: p95 {p95:.0f} ms "
            f"(target < {SAVE_TARGET_MS} ms): "
            + _met(p95 < SAVE_TARGET_MS and not saves.not_resolved and not saves.reopened)
        )
    return lines


def _met(condition: bool) -> str:
    return "met" if condition else "NOT met"


def _section(figures: dict[str, object], verdicts: list[str], *, name: str, runs: int) -> str:
    meta, counts, server = figures["meta"], figures["counts"], figures["server"]
    customers = int(meta["customers"])
    floor = figures["floor"]
    tables = meta["tables"]
    generation = ", ".join(
        f"{label} {sum(tables.get(t, [0, 0])[1] for t in names):.0f} s"
        for label, names in GENERATION_PARTS
    )
    make = (
        "make bench"
        if customers == 100_000
        else ("make bench-1m" if customers == 1_000_000 else "")
    )
    command = f"CASEMGMT_DB_NAME={name} python manage.py bench_compliance --customers {customers}"
    settings_text = ", ".join(f"{k} {server[k]}" for k in REPORTED_SETTINGS if k in server)
    session_text = ", ".join(f"{k} {SERVER_SETTINGS[k]}" for k in SESSION_SETTINGS)
    lines = [
        f"## Compliance at {customers:,} customers",
        "",
        "Data from `demo.generated.generate` (set-based SQL, repeatable from the seed; about",
        f"{demo_data.CASELOAD} open customers per career planner), in a database of its own put back",
        "as generated at the start. Everything is committed, on a clock moved to the data's day.",
        "The floor is one plain SQL query reading the rows the rules read, fetched to the last",
        f"row, best of {FLOOR_RUNS} warm runs. Pages, after the evaluation and a VACUUM ANALYZE: one",
        f"warm-up request, then {runs} timed through the test client ({bench.SLOW_PAGE_RUNS} when the",
        f"warm-up took over {bench.SLOW_PAGE_S:g} s; p95 is the nearest rank), and the queries of",
        "one more. A normal day (`simulate_day`): the next day, a share of",
        "the open customers get a note or start or finish a service and new applicants",
        "register; then the incremental run (`evaluate_due`), and the check: a full run of the",
        "same day, which must change nothing. Last, case notes saved through the case note",
        "service while a full evaluation runs in another connection, each timed until the",
        "alert it resolves reads resolved.",
        "",
        "| | |",
        "|---|---|",
        f"| Date | {timezone.localdate():%Y-%m-%d} (data as of {meta['as_of']}) |",
        f"| Machine | {cpus()} CPU(s) (nproc), {memory()} RAM, Python {platform.python_version()}; "
        f"load average (1 / 5 / 15 min) {figures['load'][0]} at the start, {figures['load'][1]} "
        "at the end (other work on the machine slows every figure) |",
        f"| PostgreSQL | {server['version']}; {settings_text} |",
        f"| Set by the bench on its connections | {session_text} |",
        f"| Command | {f'`{make}` (' if make else ''}`{command}`{')' if make else ''} |",
        f"| Data | {', '.join(f'{counts[label]:,} {label}' for label, _t in COUNTED_TABLES)} "
        f"(seed {meta['seed']}) |",
        f"| Generation | {meta['seconds']:.0f} s ({generation}); load average {meta.get('load', '?')} "
        "when it ended |",
        f"| Floor | {floor['seconds']:.2f} s ({floor['rows']:,} rows) |",
    ]
    for evaluation in figures["evaluations"]:
        ratio = evaluation.seconds / floor["seconds"] if floor["seconds"] else float("inf")
        lines.append(
            f"| Full evaluation, {evaluation.label} | {evaluation.seconds:.1f} s, {ratio:.1f}x the "
            f"floor ({evaluation.describe()}) |"
        )
    one = figures["one_customer"]
    lines.append(
        f"| One customer's evaluation, as after a save ({runs} participants) | "
        f"p50 {one['p50']:.0f} ms, p95 {one['p95']:.0f} ms |"
    )
    day = figures["day"]
    lines.append(
        "| A normal day | "
        + ", ".join(f"{value:,} {key.replace('_', ' ')}" for key, value in day.items())
        + " |"
    )
    incremental = figures.get("incremental")
    if incremental:
        lines.append(
            f"| Incremental run of the next day | {incremental.seconds:.1f} s "
            f"({incremental.describe()}) |"
        )
        check = figures["check"]
        lines.append(
            f"| Check: a full run of the same day after it | {check['full'].seconds:.1f} s "
            f"({check['full'].describe()}); open alerts changed {check['differences']['alerts']:,}, "
            f"customers changed {check['differences']['customers']:,}: "
            + ("passed" if check["passed"] else "FAILED")
            + " |"
        )
    else:
        lines.append("| Incremental run of the next day | not measured: no `evaluate_due` yet |")
    saves = figures["saves"]
    if saves.milliseconds:
        lines.append(
            f"| A note saved during a full run, until its alert is resolved "
            f"({len(saves.milliseconds)} saves; the run took {saves.full_run_seconds:.1f} s) | "
            f"p50 {percentile(saves.milliseconds, 0.5):.0f} ms, "
            f"p95 {percentile(saves.milliseconds, 0.95):.0f} ms; reopened by the full run "
            f"{saves.reopened}, not resolved within the deadline {saves.not_resolved} |"
        )
    else:
        lines.append(
            f"| A note saved during a full run | none measured: the run ended first "
            f"({saves.after_run} after it, {saves.not_resolved} not resolved) |"
        )
    lines += [
        "",
        "| Page | Open customers in scope | Runs | p50 | p95 | Queries | Size |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {p.label} (`{p.url}`) | {p.customers:,} | {p.runs} | {p.p50:.0f} ms | {p.p95:.0f} ms | "
        f"{p.queries} | {p.kilobytes:,.0f} KB |"
        for p in figures["pages"]
    ]
    targets = [
        f"a full evaluation within {RATIO_TARGET}x the floor",
        f"the incremental run under {INCREMENTAL_TARGET_S} s at a million customers",
        f"pages under {PAGE_TARGET_MS} ms at p95 with query counts that do not grow with the scope",
        f"a saved note's alert resolved within {SAVE_TARGET_MS} ms during a full run",
        f"generation under {GENERATION_TARGET_S // 60} minutes at a million customers",
    ]
    lines += ["", "Targets:", *[f"- {target};" for target in targets[:-1]], f"- {targets[-1]}."]
    lines += ["", "Verdicts:", *[f"- {line}" for line in verdicts]]
    return "\n".join(lines)
