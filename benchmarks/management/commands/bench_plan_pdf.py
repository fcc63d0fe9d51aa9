"""Time the printed customer copy of a three-page plan.

    manage.py bench_plan_pdf [--runs 15] [--docs docs/performance.md] [--no-docs]

Builds an invented office, planner and customer with a plan through the plan services,
inside a transaction that is rolled back at the end: nothing is left in the database.
Renders once to warm up, then `--runs` times, and reports the median and p95 in ms and
the page count (from `pdfinfo`). The figures replace the section between
`<!-- bench:plan-pdf -->` and `<!-- /bench:plan-pdf -->` in docs/performance.md.
Works on the embedded database (CASEMGMT_DEV=1) and on DATABASE_URL alike.
"""

import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

import weasyprint
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from benchmarks.report import markers, percentile, write_section
from casemgmt import roles
from casemgmt.clock import today
from casemgmt.models import Office, Region, User
from customers.models import Barrier, Customer
from customers.services import customer_create
from plans.models import AssessmentType, GoalCategory, GoalTerm, Indicator, Plan, PlanVersion
from plans.printing import render_plan_pdf
from plans.services import assessment_create, goal_create, plan_create, step_save
from services.models import Activity
from services.services import NoteDraft, service_record_create

START_MARK, END_MARK = markers("plan-pdf")
TARGET_MS = 1000
BENCH_GOALS = 3
BENCH_STEPS_PER_GOAL = 4

GOALS = [
    ("Earn a forklift operator certificate", GoalCategory.EDUCATION, GoalTerm.SHORT),
    (
        "Get a full-time warehouse job paying at least $19 an hour",
        GoalCategory.CAREER,
        GoalTerm.LONG,
    ),
    ("Arrange reliable transportation to training and work", GoalCategory.SUPPORT, GoalTerm.SHORT),
    ("Raise reading and math to the 9th grade level", GoalCategory.EDUCATION, GoalTerm.SHORT),
    ("Complete a resume and practice interviews", GoalCategory.CAREER, GoalTerm.SHORT),
    ("Earn a commercial driver's license (class A)", GoalCategory.EDUCATION, GoalTerm.LONG),
    ("Arrange child care for the training schedule", GoalCategory.SUPPORT, GoalTerm.SHORT),
    ("Move into a logistics lead position within two years", GoalCategory.CAREER, GoalTerm.LONG),
]
STEPS = [
    ("224", "Explore warehouse and logistics jobs, required credentials and wages", "", None),
    ("211", "Weekly job search sessions with applications to at least five employers", "", None),
    (
        "300",
        "Forklift operator course, 40 hours, with the certification exam",
        "Lakeside Community College",
        "1250.00",
    ),
    ("181", "Monthly bus pass while in training", "Metro Transit", "75.00"),
    ("202", "Check-in every two weeks to review progress on the plan", "", None),
    ("201", "Interviewing workshop and mock interviews", "", None),
    ("180", "Child care during evening classes", "Sunrise Child Care", "480.00"),
]


def build_sample_plan(
    *,
    customer: Customer,
    planner: User,
    start: datetime.date,
    goals: int = BENCH_GOALS,
    steps_per_goal: int = BENCH_STEPS_PER_GOAL,
) -> Plan:
    """A plan like a real one, made through the services: a closed assessment service
    (207) and an assessment, the plan (which records 205), then goals and their steps.
    `customer` must be certified on or before `start`; `start` must not be in the future."""
    service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="207"),
        started_on=start,
        ended_on=start,
        entered_by=planner,
        note=NoteDraft(
            subject="Comprehensive Assessment",
            body="Career planner gave the TABE and reviewed the results with the customer.",
            contact_method="in_person",
            two_way=True,
        ),
    )
    assessment_create(
        customer=customer,
        assessment_type=AssessmentType.objects.get(name="TABE 11/12"),
        assessed_on=start,
        scores="Reading E (8.2), Math M (7.4)",
        summary="Reads at about the 8th grade level; math about the 7th.",
        entered_by=planner,
    )
    barriers = list(Barrier.objects.order_by("pk")[:3])
    plan = plan_create(
        customer=customer,
        created_by=planner,
        developed_on=start,
        fields={
            "employment_goal": "Forklift operator in a distribution center",
            "career_path": "Warehouse associate, forklift operator, then logistics lead",
            "assessment_summary": (
                "TABE 11/12: reading at the 8th grade level, math at the 7th. Interest "
                "inventory points to hands-on, organised work. Six years of retail stocking."
            ),
            "strengths": "Reliable attendance; experience with inventory; works well in teams.",
            "justification": "Needs a recognised credential to move out of seasonal work.",
            "supportive_services": "Bus passes while in training; child care for evening classes.",
        },
        barriers=barriers,
        note_body="Career planner developed the IEP with the customer after the assessment.",
    )
    indicators = [Indicator.CREDENTIAL, Indicator.EMPLOYMENT_Q2, "", Indicator.SKILL_GAIN]
    activities = {a.code: a for a in Activity.objects.filter(code__in={s[0] for s in STEPS})}
    n = 0
    for g in range(goals):
        statement, category, term = GOALS[g % len(GOALS)]
        goal = goal_create(
            plan=plan,
            user=planner,
            fields={
                "statement": statement,
                "category": category,
                "term": term,
                "indicator": indicators[g % len(indicators)],
                "justification": "The assessment shows this is the next step toward the employment goal.",
            },
        )
        for _ in range(steps_per_goal):
            code, description, provider, value = STEPS[n % len(STEPS)]
            step_start = start + datetime.timedelta(days=7 * n)
            step_save(
                goal=goal,
                user=planner,
                fields={
                    "activity": activities[code],
                    "description": description,
                    "start_on": step_start,
                    "due_on": step_start + datetime.timedelta(days=30),
                    "hours": Decimal("10.00") if code in {"300", "201"} else None,
                    "provider": provider,
                    "dollar_value": Decimal(value) if value else None,
                },
                barriers=barriers[: (n % 3)],
            )
            n += 1
    return plan


def _unused_office_name(name: str) -> str:
    """The name, or the name with a number when an office of that name exists already."""
    candidate, n = name, 1
    while Office.objects.filter(name=candidate).exists():
        n += 1
        candidate = f"{name} {n}"
    return candidate


class _Rollback(Exception):
    """Raised at the end of the benchmark to roll its data back."""


def pdf_page_count(pdf: bytes) -> int:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        raise CommandError("pdfinfo is missing: install poppler-utils (make deps-test).")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        result = subprocess.run(  # noqa: S603 - a fixed program on our own temporary file
            [pdfinfo, file.name], capture_output=True, text=True, check=True
        )
    match = re.search(r"^Pages:\s+(\d+)", result.stdout, re.MULTILINE)
    if not match:
        raise CommandError(f"pdfinfo gave no page count:\n{result.stdout}")
    return int(match[1])


class Command(BaseCommand):
    help = (
        "Time the PDF customer copy of a three-page plan (built and rolled back), "
        "and record median and p95 in docs/performance.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=15, help="Timed renders (default 15).")
        parser.add_argument(
            "--docs",
            type=Path,
            default=Path(settings.BASE_DIR) / "docs" / "performance.md",
            help="The file whose bench:plan-pdf section is rewritten.",
        )
        parser.add_argument(
            "--no-docs", action="store_true", help="Print the figures only; change no file."
        )

    def handle(
        self, *args: object, runs: int, docs: Path, no_docs: bool, **options: object
    ) -> None:
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        if not Group.objects.filter(name=roles.CAREER_PLANNER).exists():
            raise CommandError("The role groups are missing: run `manage.py migrate` first.")
        timings: list[float] = []
        pages = 0
        try:
            with transaction.atomic():
                version = self._build()
                render_plan_pdf(version)  # warm-up: imports, fonts, template loading
                pdf = b""
                for _ in range(runs):
                    started = time.perf_counter()
                    pdf = render_plan_pdf(version)
                    timings.append((time.perf_counter() - started) * 1000)
                pages = pdf_page_count(pdf)
                raise _Rollback
        except _Rollback:
            pass

        median, p95 = statistics.median(timings), percentile(timings, 0.95)
        verdict = "met" if p95 < TARGET_MS else "NOT met"
        self.stdout.write(
            f"Plan PDF, {pages} page(s), {runs} run(s): median {median:.0f} ms, "
            f"p95 {p95:.0f} ms (target < {TARGET_MS} ms for a three-page plan: {verdict})"
        )
        if pages != 3:
            self.stdout.write(
                self.style.WARNING(
                    f"The sample plan printed on {pages} pages, not 3: adjust BENCH_GOALS."
                )
            )
        if no_docs:
            return
        section = self._section(runs=runs, median=median, p95=p95, pages=pages, verdict=verdict)
        write_section(docs, "plan-pdf", section)
        self.stdout.write(self.style.SUCCESS(f"Wrote the figures to {docs}."))

    def _build(self) -> PlanVersion:
        suffix = uuid.uuid4().hex[:6].upper()
        region = Region.objects.create(name=f"Bench Region {suffix}")
        office = Office.objects.create(
            region=region,
            code=f"B{suffix}",
            name=_unused_office_name("Riverbend American Job Center"),
            address="1200 Example Avenue, Suite 4, Riverbend, IL 62700",
            phone="(217) 555-0142",
        )
        planner = User.objects.create_user(
            username=f"bench-planner-{suffix.lower()}",
            first_name="Morgan",
            last_name="Benchley",
        )
        planner.set_unusable_password()
        planner.save()
        planner.groups.add(Group.objects.get(name=roles.CAREER_PLANNER))
        planner.offices.add(office)
        start = today(office.time_zone) - datetime.timedelta(days=30)
        customer = customer_create(
            created_by=planner,
            office=office,
            career_planner=planner,
            fields={
                "first_name": "Jordan",
                "last_name": "Examplewood",
                "date_of_birth": datetime.date(1988, 4, 12),
                "programs": ["adult"],
                "application_date": start,
                "eligibility_date": start,
                "certification_date": start,
                "phone": "2175550199",
                "email": "jordan.examplewood@example.org",
            },
        )
        plan = build_sample_plan(customer=customer, planner=planner, start=start)
        return plan.versions.order_by("-number").first()

    def _section(self, *, runs: int, median: float, p95: float, pages: int, verdict: str) -> str:
        try:
            cpus = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            cpus = os.cpu_count() or 0
        command = "python manage.py bench_plan_pdf" + (f" --runs {runs}" if runs != 15 else "")
        return "\n".join(
            [
                "## Plan PDF (customer copy)",
                "",
                f"`plans.printing.render_plan_pdf` (template and WeasyPrint) on a plan of "
                f"{BENCH_GOALS} goals with",
                f"{BENCH_STEPS_PER_GOAL} steps each, built through the plan services in a "
                "transaction that is rolled back.",
                "One warm-up render, then the timed runs; p95 is the nearest rank (with fewer than 20",
                "runs, the slowest). Reproduce with `make bench` (embedded database) or with",
                "`DATABASE_URL=... python manage.py bench_plan_pdf`.",
                "",
                "| | |",
                "|---|---|",
                f"| Date | {today():%Y-%m-%d} |",
                f"| Machine | {cpus} CPU(s) (nproc), Python {platform.python_version()}, "
                f"WeasyPrint {weasyprint.__version__} |",
                f"| Command | `{command}` |",
                f"| Runs | {runs} |",
                f"| Median | {median:.0f} ms |",
                f"| p95 | {p95:.0f} ms |",
                f"| Pages | {pages} |",
                f"| Target | < {TARGET_MS} ms for a three-page plan: {verdict} |",
            ]
        )
