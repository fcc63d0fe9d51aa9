"""The printed customer copy of a plan version (plans.printing): what it says, that it
fetches nothing, and that a long plan keeps its signature block whole on the last page."""

import datetime
import http.server
import io
import re
import subprocess
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from benchmarks.management.commands.bench_plan_pdf import END_MARK, START_MARK, build_sample_plan
from customers.models import Barrier, Customer
from plans import printing
from plans.models import AssessmentType, GoalCategory, GoalTerm, Indicator, PlanVersion
from plans.services import (
    assessment_create,
    goal_create,
    plan_create,
    plan_version_mark_printed,
    plan_version_sign,
    step_save,
)
from services.models import Activity
from services.services import NoteDraft, service_record_create
from tests.conftest import World
from tests.factories import make_customer

CERTIFIED = datetime.date(2026, 10, 1)
DEVELOPED = datetime.date(2026, 10, 2)
OFFICE_NAME = "Lakeview American Job Center"
GOAL_1 = "Earn a forklift operator certificate"
GOAL_2 = "Get a full-time warehouse job"
NOTE = NoteDraft(
    subject="Comprehensive Assessment",
    body="Career planner gave the TABE and reviewed the results with the customer.",
    contact_method="in_person",
    two_way=True,
)


# --- Helpers ----------------------------------------------------------------------------


def pdftotext(
    pdf: Path, *, first: int | None = None, last: int | None = None, mode: str = "-layout"
) -> str:
    args = ["pdftotext", mode]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def flat_text(pdf: Path) -> str:
    """The text in reading order with all white space as single spaces, so that a title
    wrapped inside a narrow table cell can be found whole."""
    return " ".join(pdftotext(pdf, mode="-raw").split())


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])


def write_pdf(version: PlanVersion, path: Path) -> Path:
    path.write_bytes(printing.render_plan_pdf(version))
    return path


def current_version(customer: Customer) -> PlanVersion:
    return customer.plan.versions.order_by("-number").first()


@pytest.fixture
def customer(world: World) -> Customer:
    office = world.office_a
    office.name = OFFICE_NAME
    office.address = "400 Harbor Street, Lakeview, IL 62801"
    office.phone = "(217) 555-0110"
    office.save()
    return make_customer(
        office=office,
        planner=world.planner_a,
        first_name="Rosalind",
        last_name="Testwood",
        application_date=CERTIFIED,
        eligibility_date=CERTIFIED,
        certification_date=CERTIFIED,
    )


def assess(customer: Customer, world: World) -> None:
    """The completed assessment the IEP needs, as a planner records it: the closed
    assessment service (207) and the assessment with its scores."""
    service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="207"),
        started_on=DEVELOPED,
        ended_on=DEVELOPED,
        entered_by=world.planner_a,
        note=NOTE,
    )
    assessment_create(
        customer=customer,
        assessment_type=AssessmentType.objects.get(name="TABE 11/12"),
        assessed_on=DEVELOPED,
        scores="Reading E, Math M",
        summary="Reads at the 8th grade level.",
        entered_by=world.planner_a,
    )


def step(goal, world: World, code: str, start: datetime.date, **fields) -> None:
    barriers = fields.pop("barriers", [])
    step_save(
        goal=goal,
        user=world.planner_a,
        fields={
            "activity": Activity.objects.get(code=code),
            "start_on": start,
            "due_on": start + datetime.timedelta(days=28),
            **fields,
        },
        barriers=barriers,
    )


@pytest.fixture
def plan_version(customer: Customer, world: World) -> PlanVersion:
    """A plan built through the services: assessment, plan (records 205), two goals, steps."""
    assess(customer, world)
    transportation = Barrier.objects.get(name="Limited transportation")
    plan = plan_create(
        customer=customer,
        created_by=world.planner_a,
        developed_on=DEVELOPED,
        fields={
            "employment_goal": "Forklift operator in a distribution center",
            "career_path": "Warehouse associate, then forklift operator, then logistics lead",
            "assessment_summary": "TABE 11/12: reading at the 8th grade level.\n\nLikes hands-on work.",
            "strengths": "Reliable; six years of retail stocking.",
            "supportive_services": "Bus passes while in training.",
        },
        barriers=[transportation],
        note_body="Career planner developed the IEP with the customer.",
    )
    forklift = goal_create(
        plan=plan,
        user=world.planner_a,
        fields={
            "statement": GOAL_1,
            "category": GoalCategory.EDUCATION,
            "term": GoalTerm.SHORT,
            "indicator": Indicator.CREDENTIAL,
            "justification": "The TABE shows the reading level the course needs.",
        },
    )
    job = goal_create(
        plan=plan,
        user=world.planner_a,
        fields={"statement": GOAL_2, "category": GoalCategory.CAREER, "term": GoalTerm.LONG},
    )
    step(
        forklift,
        world,
        "300",
        datetime.date(2026, 10, 12),
        description="Forklift course with the certification exam",
        hours=Decimal("40.00"),
        provider="Lakeside Community College",
        dollar_value=Decimal("1250.00"),
    )
    step(
        forklift,
        world,
        "181",
        datetime.date(2026, 10, 12),
        description="Monthly bus pass",
        dollar_value=Decimal("75.00"),
    )
    step(
        job,
        world,
        "224",
        datetime.date(2026, 11, 2),
        description="Explore warehouse jobs",
        barriers=[transportation],
    )
    step(job, world, "211", datetime.date(2026, 11, 30), description="Weekly job search")
    return current_version(customer)


# --- What the copy says -----------------------------------------------------------------


def test_the_customer_copy_prints_the_plan(plan_version, tmp_path):
    pdf = write_pdf(plan_version, tmp_path / "plan.pdf")
    text = pdftotext(pdf)
    flat = flat_text(pdf)

    assert OFFICE_NAME in text
    assert "400 Harbor Street, Lakeview, IL 62801" in text
    assert "Individual Employment Plan (IEP)" in text
    assert f"Customer copy — version {plan_version.number}" in text
    assert "Rosalind Testwood" in text
    assert plan_version.customer.customer_number in text
    assert "Planner Tester" in text  # the career planner
    assert "10/02/2026" in text  # developed on, as MM/DD/YYYY
    for heading in [
        "Employment goal and desired career path",
        "Assessment summary",
        "Strengths",
        "Barriers",
        "Goals",
        "Supportive services planned",
    ]:
        assert heading in text
    assert "Limited transportation" in text
    assert GOAL_1 in text and GOAL_2 in text
    assert "Education/Training Plan" in text and "Credential attainment" in text
    # Step titles: whole in the layout text when they fit the column, else wrapped in it.
    assert "224 Career Exploration" in text
    for title in [
        "300 Occupational Skills Training (ITA)",
        "181 Support Service - Transportation Assistance",
        "211 Job Search Activities and Assistance (Staff Assisted)",
    ]:
        assert title in flat
    assert "$1,250.00" in text and "Lakeside Community College" in flat
    assert "Bus passes while in training." in text
    assert "I helped develop this plan and agree to it" in flat
    assert "Customer signature" in text
    assert "Career planner signature" in text
    assert "Page 1 of" in text
    assert "Signed copy on file" not in text


def test_goal_dates_come_from_the_steps(plan_version):
    content = printing.plan_document(plan_version.content)
    forklift, job = content["goals"]
    assert (forklift["start_on"], forklift["due_on"]) == ("10/12/2026", "11/09/2026")
    assert (job["start_on"], job["due_on"]) == ("11/02/2026", "12/28/2026")
    assert [s["activity"] for s in content["supportive_steps"]] == [
        "181 Support Service - Transportation Assistance"
    ]


def test_a_goal_without_steps_prints_without_dates(customer, world, tmp_path):
    assess(customer, world)
    plan = plan_create(
        customer=customer,
        created_by=world.planner_a,
        developed_on=DEVELOPED,
        fields={"employment_goal": "Office clerk"},
        barriers=[],
        note_body="Career planner developed the IEP with the customer.",
    )
    goal_create(
        plan=plan,
        user=world.planner_a,
        fields={"statement": "Finish the GED", "category": "education", "term": "short"},
    )
    text = pdftotext(write_pdf(current_version(customer), tmp_path / "plan.pdf"))
    assert "Finish the GED" in text
    assert "No steps planned for this goal yet." in text
    assert "No supportive services planned." in text


def test_a_signed_version_says_so_instead_of_blank_lines(plan_version, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    plan_version_mark_printed(plan_version)
    plan_version.refresh_from_db()
    signed = plan_version_sign(
        version=plan_version,
        upload=SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%scan\n", "application/pdf"),
        signed_on=datetime.date(2026, 10, 20),
        uploaded_by=world.planner_a,
        max_mb=10,
    )
    text = pdftotext(write_pdf(signed, tmp_path / "signed.pdf"))
    assert "Signed copy on file, dated 10/20/2026." in text
    assert "Customer signature" not in text


@pytest.mark.parametrize(
    ("value", "date", "money", "hours"),
    [
        ("2026-01-05", "01/05/2026", "", ""),
        (None, "", "", ""),
        ("1250.00", "1250.00", "$1,250.00", "1250"),
        ("7.50", "7.50", "$7.50", "7.5"),
    ],
)
def test_formatting(value, date, money, hours):
    assert printing.format_date(value) == date
    assert printing.format_money(value) == money
    assert printing.format_hours(value) == hours


# --- Nothing is fetched -----------------------------------------------------------------


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # reset by the fixture

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_server():
    """A local server that counts the requests it gets: a fetch would show up here."""
    _CountingHandler.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _CountingHandler.requests
    server.shutdown()
    server.server_close()


@pytest.fixture
def refusals(monkeypatch) -> list[str]:
    """The URLs the print fetcher was asked for (and refused)."""
    asked: list[str] = []
    real = printing.refuse_all_urls

    def recording(url: str) -> None:
        asked.append(url)
        real(url)

    monkeypatch.setattr(printing, "refuse_all_urls", recording)
    return asked


def test_the_fetcher_refuses_every_url():
    for url in [
        "http://example.com/",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
    ]:
        with pytest.raises(ValueError, match="fetch nothing"):
            printing.refuse_all_urls(url)
    with pytest.raises(ValueError):
        printing.RefusingURLFetcher().fetch("http://example.com/")


def test_markup_in_content_is_printed_as_text_and_never_fetched(
    customer, world, http_server, refusals, tmp_path
):
    base, requests = http_server
    assess(customer, world)
    plan = plan_create(
        customer=customer,
        created_by=world.planner_a,
        developed_on=DEVELOPED,
        fields={
            "employment_goal": "Forklift operator",
            "strengths": f'<link rel="stylesheet" href="{base}/style.css">',
        },
        barriers=[],
        note_body="Career planner developed the IEP with the customer.",
    )
    goal_create(
        plan=plan,
        user=world.planner_a,
        fields={
            "statement": "Earn a certificate",
            "category": "education",
            "term": "short",
            "justification": f'See <img src="{base}/x.png"> and <img src="http://example.com/x.png">',
        },
    )
    text = flat_text(write_pdf(current_version(customer), tmp_path / "plan.pdf"))
    assert f'<img src="{base}/x.png">' in text  # escaped: printed, not an element
    assert '<link rel="stylesheet"' in text
    assert requests == []
    assert refusals == []  # not even asked: the template made no element of it


def test_a_url_in_print_html_is_refused_not_fetched(http_server, refusals):
    base, requests = http_server
    html = (
        f'<html><head><link rel="stylesheet" href="{base}/style.css"></head>'
        f'<body><p>Logo</p><img src="{base}/logo.png">'
        f'<p style="background: url({base}/bg.png)">x</p></body></html>'
    )
    pdf = printing.html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert requests == []
    assert any(url.startswith(base) for url in refusals)


# --- A long plan ------------------------------------------------------------------------


def test_a_long_plan_keeps_both_signature_lines_on_its_last_page(customer, world, tmp_path):
    build_sample_plan(
        customer=customer, planner=world.planner_a, start=DEVELOPED, goals=8, steps_per_goal=4
    )
    pdf = write_pdf(current_version(customer), tmp_path / "long.pdf")
    pages = page_count(pdf)
    assert pages >= 3
    last = pdftotext(pdf, first=pages, last=pages)
    assert "Customer signature" in last
    assert "Career planner signature" in last
    assert f"Page {pages} of {pages}" in last
    # Side by side: both labels on one line of the page.
    assert any(
        "Customer signature" in ln and "Career planner signature" in ln for ln in last.splitlines()
    )
    assert "Page 1 of" in pdftotext(pdf, first=1, last=1)
    # The steps table repeats its header on the pages it continues on.
    assert "Planned service and description" in pdftotext(pdf, first=2, last=2)


# --- The benchmark command --------------------------------------------------------------


def test_the_benchmark_writes_its_section_and_leaves_no_data(db, tmp_path):
    docs = tmp_path / "performance.md"
    docs.write_text(f"# Performance\n\nIntro.\n\n{START_MARK}\nold figures\n{END_MARK}\n\nAfter.\n")
    customers = Customer.objects.count()
    out = io.StringIO()
    call_command("bench_plan_pdf", runs=2, docs=docs, stdout=out)
    assert "median" in out.getvalue()
    text = docs.read_text()
    assert "old figures" not in text
    assert text.startswith("# Performance\n\nIntro.") and text.rstrip().endswith("After.")
    section = text[text.index(START_MARK) : text.index(END_MARK)]
    assert "| Median |" in section and "| p95 |" in section and "| Pages | 3 |" in section
    assert "< 1000 ms for a three-page plan" in section
    assert Customer.objects.count() == customers
