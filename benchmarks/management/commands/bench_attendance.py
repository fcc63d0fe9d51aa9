"""Time the submission of a 60-row attendance sheet.

    manage.py bench_attendance [--rows 60] [--runs 9] [--docs docs/performance.md] [--no-docs]

Builds an invented office with a facilitator and `--rows` certified customers with a
plan (201 needs an IEP), inside a transaction that is rolled back at the end. Each run
books them into a fresh session on its own day and posts the sheet ("everyone not
marked attended") through the attendance view as the facilitator, with what the
request runs on commit (the compliance evaluation of the changed customers): the
time a facilitator waits. Reports median and p95 and the queries of one submission,
and rewrites the section between `<!-- bench:attendance -->` markers.
"""

import datetime
import os
import platform
import statistics
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.management.commands.bench_plan_pdf import build_sample_plan
from benchmarks.report import percentile, write_section
from casemgmt import roles
from casemgmt.clock import today
from casemgmt.models import Office, Region, User
from customers.services import customer_create
from services.models import Activity
from workshops.models import Booking, Workshop
from workshops.services import session_create

TARGET_MS = 1000


class _Rollback(Exception):
    """Raised at the end of the benchmark to roll its data back."""


class Command(BaseCommand):
    help = "Time a 60-row attendance sheet's submission (built and rolled back)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=60, help="Customers on the sheet.")
        parser.add_argument("--runs", type=int, default=9, help="Timed submissions.")
        parser.add_argument(
            "--docs", type=Path, default=Path(settings.BASE_DIR) / "docs" / "performance.md"
        )
        parser.add_argument("--no-docs", action="store_true", help="Print only.")

    def handle(
        self, *args: object, rows: int, runs: int, docs: Path, no_docs: bool, **options: object
    ) -> None:
        if rows < 1 or runs < 1 or runs > 50:
            raise CommandError("--rows must be 1 or more and --runs between 1 and 50.")
        if not Group.objects.filter(name=roles.FACILITATOR).exists():
            raise CommandError("The role groups are missing: run `manage.py migrate` first.")
        timings: list[float] = []
        queries = 0
        try:
            with transaction.atomic():
                office, facilitator, customers = self._build(rows)
                workshop = Workshop.objects.create(
                    title=f"Bench Job Club {uuid.uuid4().hex[:6]}",
                    content="Job club: leads, introductions and the week's goals.",
                    activity=Activity.objects.get(code="201"),
                )
                client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip("."))
                client.force_login(facilitator)
                first_day = today(office.time_zone) - datetime.timedelta(days=runs + 1)
                for run in range(runs + 1):  # the first is a warm-up
                    [session] = session_create(
                        workshop=workshop,
                        office=office,
                        on=first_day + datetime.timedelta(days=run),
                        starts_at=datetime.time(10),
                        ends_at=datetime.time(11, 30),
                        facilitator=facilitator,
                        capacity=rows,
                        room="Room 1",
                        created_by=facilitator,
                    )
                    Booking.objects.bulk_create(
                        Booking(session=session, customer=c, booked_by=facilitator)
                        for c in customers
                    )
                    url = reverse("workshops:attendance", kwargs={"session_pk": session.pk})
                    data = {"submission_token": str(uuid.uuid4()), "action": "submit_all"}
                    with (
                        CaptureQueriesContext(connection) as captured,
                        TestCase.captureOnCommitCallbacks(execute=True),
                    ):
                        started = time.perf_counter()
                        response = client.post(url, data)
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status_code != 302:
                        raise CommandError(f"The sheet was refused ({response.status_code}).")
                    if run:
                        timings.append(elapsed)
                        queries = len(captured)
                raise _Rollback
        except _Rollback:
            pass
        median, p95 = statistics.median(timings), percentile(timings, 0.95)
        verdict = "met" if p95 < TARGET_MS else "NOT met"
        self.stdout.write(
            f"Attendance sheet of {rows} rows, {runs} run(s): median {median:.0f} ms, p95 "
            f"{p95:.0f} ms, {queries} queries (target p95 < {TARGET_MS} ms: {verdict})"
        )
        if not no_docs:
            write_section(
                docs, "attendance", self._section(rows, runs, median, p95, queries, verdict)
            )
            self.stdout.write(self.style.SUCCESS(f"Wrote the figures to {docs}."))

    def _build(self, rows: int) -> tuple[Office, User, list]:
        suffix = uuid.uuid4().hex[:6].upper()
        region = Region.objects.create(name=f"Bench Region {suffix}")
        office = Office.objects.create(
            region=region, code=f"W{suffix}", name=f"Bench Workshop Center {suffix}"
        )
        planner = User.objects.create_user(username=f"bench-planner-{suffix.lower()}")
        planner.groups.add(Group.objects.get(name=roles.CAREER_PLANNER))
        planner.offices.add(office)
        facilitator = User.objects.create_user(
            username=f"bench-facilitator-{suffix.lower()}", first_name="Frankie"
        )
        facilitator.groups.add(Group.objects.get(name=roles.FACILITATOR))
        facilitator.offices.add(office)
        start = today(office.time_zone) - datetime.timedelta(days=90)
        customers = []
        for n in range(rows):
            customer = customer_create(
                created_by=planner,
                office=office,
                career_planner=planner,
                fields={
                    "first_name": f"Bench{n}",
                    "last_name": "Attendee",
                    "date_of_birth": datetime.date(1985, 1, 1) + datetime.timedelta(days=n),
                    "programs": ["adult"],
                    "application_date": start,
                    "eligibility_date": start,
                    "certification_date": start,
                },
            )
            build_sample_plan(
                customer=customer, planner=planner, start=start, goals=1, steps_per_goal=1
            )
            customers.append(customer)
        return office, facilitator, customers

    def _section(
        self, rows: int, runs: int, median: float, p95: float, queries: int, verdict: str
    ) -> str:
        try:
            cpus = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            cpus = os.cpu_count() or 0
        return "\n".join(
            [
                "## Attendance sheet",
                "",
                f'The facilitator posts a sheet of {rows} customers ("everyone not marked '
                'attended") through the',
                "attendance view: each attendee's 201 and case note through the service rules, "
                "the bookings, and",
                "the compliance evaluation the request runs on commit for the changed customers. "
                "Built in a",
                "transaction that is rolled back; one warm-up submission, then the timed runs, "
                "each on its own session.",
                "",
                "| | |",
                "|---|---|",
                f"| Date | {today():%Y-%m-%d} |",
                f"| Machine | {cpus} CPU(s) (nproc), Python {platform.python_version()}, "
                f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000} |",
                "| Command | `python manage.py bench_attendance` |",
                f"| Runs | {runs} |",
                f"| Median | {median:.0f} ms |",
                f"| p95 | {p95:.0f} ms |",
                f"| Queries per submission | {queries} ({queries / rows:.1f} per row) |",
                f"| Target | p95 < {TARGET_MS} ms for {rows} rows: {verdict} |",
            ]
        )
