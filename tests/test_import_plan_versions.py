"""plan_versions.csv: the versions a customer signed come along, without the scanned copy,
and the version waiting for a signature follows the plan after them."""

import datetime
import json
from pathlib import Path

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from bulkdata.legacy_import import VERSIONS
from plans.models import Plan, PlanVersion
from plans.services import goal_create, plan_snapshot
from services.models import ServiceRecord
from tests.conftest import World, client_for
from tests.test_import import case_file, imported_counts, run, run_failing, write
from tests.test_plan_pdf import flat_text

AS_OF = "2026-11-20"
# What was printed and signed, as the export writes it. The name is invented.
PRINTED = {
    "kind": "Individual Employment Plan (IEP)",
    "short_name": "IEP",
    "customer": {"name": "Marisol Fenwright", "number": "C0000001", "programs": ["Adult"]},
    "office": {"name": "Office A", "address": "1 Main St", "phone": ""},
    "developed_on": "2026-09-08",
    "employment_goal": "Certified nursing assistant",
    "barriers": ["No childcare"],
    "assessments": [{"type": "TABE 11/12", "assessed_on": "2026-09-05", "scores": "E"}],
    "goals": [
        {
            "statement": "Earn the CNA certificate",
            "status": "On track",
            "steps": [{"activity": "300 Occupational skills training", "supportive": False}],
        }
    ],
}


def version(number: int, signed_on: str = "", **extra: str) -> dict:
    row = {
        "customer_legacy_id": "C-1",
        "number": str(number),
        "signed_on": signed_on,
        "content": json.dumps(PRINTED) if signed_on else "",
        "created_by": "planner_a",
    }
    row.update(extra)
    return row


COLUMNS = [
    "customer_legacy_id",
    "number",
    "signed_on",
    "content",
    "needs_agreement",
    "printed_at",
    "created_by",
    "created_at",
    "signature_recorded_by",
]


def with_versions(directory: Path, rows: list[dict]) -> Path:
    case_file(directory)
    write(directory, VERSIONS, rows, COLUMNS)
    return directory


def marisols_plan() -> Plan:
    return Plan.objects.get(customer__legacy_id="C-1")


def test_signed_versions_come_without_their_copy_and_the_waiting_one_follows_after(
    world: World, tmp_path: Path
):
    rows = [
        version(3, needs_agreement="no", printed_at="2026-11-03T10:15:00-05:00"),
        version(2, "2026-10-01", signature_recorded_by="supervisor_a"),
        version(1, "09/10/2026", created_at="2026-09-08"),
    ]

    out = run(with_versions(tmp_path, rows), "--as-of", AS_OF)

    plan = marisols_plan()
    versions = {v.number: v for v in PlanVersion.objects.filter(plan=plan)}
    assert sorted(versions) == [1, 2, 3]
    first, second, waiting = versions[1], versions[2], versions[3]
    assert (first.signed_on, second.signed_on) == (
        datetime.date(2026, 9, 10),
        datetime.date(2026, 10, 1),
    )
    assert first.content == PRINTED and not first.signed_copy
    assert first.created_at.date() == datetime.date(2026, 9, 8)
    assert second.signed_uploaded_by == world.supervisor_a
    assert first.signed_uploaded_by == world.planner_a
    assert waiting.signed_on is None
    assert waiting.content == plan_snapshot(plan)  # it follows the plan, not the file
    assert waiting.printed_at == datetime.datetime(2026, 11, 3, 15, 15, tzinfo=datetime.UTC)
    assert plan.needs_agreement is False
    assert f"{VERSIONS}: 3 created, 0 already imported, 0 skipped" in out
    assert "Marisol" not in out


def test_when_the_newest_version_is_signed_nothing_waits(world: World, tmp_path: Path):
    run(with_versions(tmp_path, [version(1, "2026-09-10")]), "--as-of", AS_OF)

    plan = marisols_plan()
    [only] = PlanVersion.objects.filter(plan=plan)
    assert (only.number, only.signed_on) == (1, datetime.date(2026, 9, 10))
    assert plan.needs_agreement is False
    # The next change in the product starts version 2 and records the revision.
    revisions = ServiceRecord.objects.filter(customer=plan.customer, activity__code="205")
    before = revisions.count()
    goal_create(
        plan=plan,
        user=world.planner_a,
        fields={"statement": "Pass the state exam", "category": "education", "term": "short"},
    )
    assert sorted(plan.versions.values_list("number", "signed_on")) == [
        (1, datetime.date(2026, 9, 10)),
        (2, None),
    ]
    assert revisions.count() == before + 1


def test_the_waiting_version_needs_agreement_unless_told_otherwise(world: World, tmp_path: Path):
    run(with_versions(tmp_path, [version(1, "2026-09-10"), version(2)]), "--as-of", AS_OF)

    plan = marisols_plan()
    assert plan.needs_agreement is True
    assert sorted(plan.versions.values_list("number", flat=True)) == [1, 2]


def test_the_versions_are_imported_once(world: World, tmp_path: Path):
    with_versions(tmp_path, [version(1, "2026-09-10"), version(2, needs_agreement="no")])
    run(tmp_path, "--as-of", AS_OF)

    out = run(tmp_path, "--as-of", AS_OF)

    assert f"{VERSIONS}: 0 created, 2 already imported, 0 skipped" in out
    assert PlanVersion.objects.filter(plan=marisols_plan()).count() == 2


def test_an_imported_signed_version_never_changes(world: World, tmp_path: Path):
    run(with_versions(tmp_path, [version(1, "2026-09-10")]), "--as-of", AS_OF)

    signed = PlanVersion.objects.get(plan=marisols_plan(), number=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        PlanVersion.objects.filter(pk=signed.pk).update(content={})
    signed.refresh_from_db()
    assert signed.content == PRINTED


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [version(1, "2026-09-01")],
            "signed_on: The signature date is before the plan was developed (09/08/2026).",
        ),
        (
            [version(1, "2099-01-01")],
            "signed_on: The signature date cannot be in the future.",
        ),
        (
            [version(1, "2026-10-01"), version(2, "2026-09-20")],
            "signed_on: An earlier version was signed later (10/01/2026)",
        ),
        ([version(1, "2026-09-10", content="")], "content: required for a signed version"),
        (
            [version(1, "2026-09-10", content='["Marisol"]')],
            "content: the value is not a JSON object",
        ),
        (
            [version(1, "2026-09-10", content='{"goals": ["Marisol"]}')],
            "content: The plan as printed each of its 'goals' must be an object.",
        ),
        (
            [version(2, "2026-09-10"), version(1)],
            "number: The version waiting for a signature comes after every signed version "
            "(here after version 2).",
        ),
        ([version(0, "2026-09-10")], "number: '0' is not a whole number of 1 or more"),
        (
            [version(1, "2026-09-10"), version(1, "2026-09-12")],
            "the same customer and version number is given twice (first on line 2)",
        ),
        ([version(2), version(3)], "only one version waits for a signature"),
        (
            [version(1, "2026-09-10", needs_agreement="yes")],
            "needs_agreement: only for the version waiting for a signature",
        ),
        (
            [version(2, content=json.dumps(PRINTED))],
            "content: leave it empty on the version waiting for a signature",
        ),
    ],
    ids=[
        "before-the-plan",
        "future",
        "out-of-order",
        "no-content",
        "not-an-object",
        "goal-not-an-object",
        "waiting-below-signed",
        "number-zero",
        "number-twice",
        "two-waiting",
        "needs-agreement-on-signed",
        "content-on-waiting",
    ],
)
def test_a_bad_version_loads_nothing_and_names_the_rule(
    world: World, tmp_path: Path, rows: list[dict], expected: str
):
    with_versions(tmp_path, rows)

    out, _error = run_failing(tmp_path, "--as-of", AS_OF)

    assert f"{VERSIONS} line" in out and expected in out, out
    assert "Marisol" not in out
    assert imported_counts() == (0, 0, 0)
    assert not PlanVersion.objects.exists()


def test_the_plan_page_says_the_signed_copy_is_not_on_file(world: World, tmp_path: Path):
    run(with_versions(tmp_path, [version(1, "2026-09-10"), version(2)]), "--as-of", AS_OF)
    plan = marisols_plan()
    client = client_for(world.planner_a)

    page = client.get(reverse("plans:detail", kwargs={"pk": plan.customer_id}))

    text = page.content.decode()
    assert "Signed 09/10/2026" in text
    assert "signed copy not on file (brought from the previous system)" in text
    copy = reverse("plans:signed_copy", kwargs={"pk": plan.customer_id, "number": 1})
    assert copy not in text
    assert client.get(copy).status_code == 404
    printed = client.post(reverse("plans:print", kwargs={"pk": plan.customer_id, "number": 1}))
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(printed.content)
    # The paper the customer signed, as it was printed then: its goal and its date.
    text = flat_text(pdf)
    assert "Earn the CNA certificate" in text and "09/10/2026" in text
