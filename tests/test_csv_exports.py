"""Every CSV download of the product, read back as a spreadsheet reads it (Python's csv
module, after the UTF-8 byte-order mark): headers and cells in words, names and labels
instead of internal codes, a file name with no personal data, and a cell that starts
like a formula shown as text. The legacy export and the federal record (PIRL) are
machine formats with documented codes, tested in their own modules."""

import ast
import codecs
import csv
import datetime
import io
import re
from pathlib import Path

import pghistory
import pytest
from django.http import HttpResponse
from django.urls import reverse

from casemgmt.models import Office, User
from casemgmt.spreadsheet import spreadsheet_cell, spreadsheet_response
from compliance.models import Alert, Rule, State
from customers.services import customer_update
from tests.conftest import World, client_for

# The data of each report's own tests, reused: the same customers, sessions and orders.
from tests.test_attendance_rates import RANGE, held, on_now  # noqa: F401
from tests.test_outcomes_report import clock, year  # noqa: F401
from tests.test_supportive_money import Orders, money, now  # noqa: F401
from workshops.models import Workshop

ROOT = Path(__file__).resolve().parent.parent
# Machine formats, whose codes and column names are documented for other systems.
MACHINE_FORMATS = {"bulkdata/export.py", "bulkdata/pirl.py"}


def read_back(response: HttpResponse) -> tuple[list[dict[str, str]], str]:
    """The download as rows by header, and as text, after checking what makes it open in
    a spreadsheet."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="[A-Za-z0-9][A-Za-z0-9.-]*\.csv"', response["Content-Disposition"]
    )
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(codecs.BOM_UTF8)
    text = body.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    # Headers are words, not column names of the database.
    assert all(re.fullmatch(r"[A-Z][A-Za-z0-9 ()%$/-]*", name) for name in header), header
    return list(csv.DictReader(io.StringIO(text))), text


def cells(rows: list[dict[str, str]]) -> set[str]:
    return {value for row in rows for value in row.values()}


# --- One writer for every download -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+1 217 555 0100", "'+1 217 555 0100"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Plain text", "Plain text"),
        ("José Núñez", "José Núñez"),
        (-5, "-5"),  # a number is not a formula
        (None, ""),
        (True, "Yes"),
        (datetime.date(2026, 11, 16), "2026-11-16"),
        (datetime.datetime(2026, 11, 16, 9, 5), "2026-11-16 09:05"),
    ],
)
def test_a_cell_reads_as_it_is_meant_and_never_runs(value: object, cell: str):
    assert spreadsheet_cell(value) == cell


def test_a_download_name_with_a_persons_name_is_refused():
    with pytest.raises(ValueError, match="words, dates"):
        spreadsheet_response("Rosa Quintero.csv")


def test_every_csv_of_the_product_is_written_by_the_one_writer():
    """Only casemgmt/spreadsheet.py (and the machine formats) makes a csv writer: a new
    download written another way would skip the byte-order mark and the formula guard."""
    writers = []
    apps = [d for d in ROOT.iterdir() if (d / "__init__.py").exists() and d.name != "tests"]
    for path in (path for app in apps for path in app.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
                and node.attr in ("writer", "DictWriter")
            ):
                writers.append(relative)
    assert set(writers) - MACHINE_FORMATS == {"casemgmt/spreadsheet.py"}


# --- Each download ---------------------------------------------------------------------


def test_the_alert_export_names_office_planner_rule_and_state(world: World):
    Office.objects.filter(pk=world.office_a.pk).update(name="=Office A")
    Alert.objects.create(
        rule=Rule.CONTACT_30,
        customer=world.customer_a,
        state=State.OVERDUE,
        due_on=datetime.date(2026, 11, 1),
        responsible=world.planner_a,
        office_id_at_open=world.office_a.pk,
        opened_on=datetime.date(2026, 10, 25),
        last_seen_on=datetime.date(2026, 10, 25),
    )

    response = client_for(world.supervisor_a).get(reverse("compliance:export"))

    [row], body = read_back(response)
    assert row == {
        "Customer number": world.customer_a.customer_number,
        "Office": "'=Office A",
        "Career planner": "Planner Tester",
        "Rule": "30-day contact",
        "Record": "",
        "State": "Overdue",
        "Due on": "2026-11-01",
        "Opened on": "2026-10-25",
        "Responsible": "Planner Tester",
    }
    for code in ("contact_30", "overdue", "planner_a"):
        assert code not in body, code
    assert world.customer_a.first_name not in body
    assert world.customer_a.customer_number not in response["Content-Disposition"]


def test_the_attendance_rates_name_workshops_and_offices(world: World, held, on_now):  # noqa: F811
    Workshop.objects.filter(pk=held.interviewing.pk).update(title="@Interviewing")

    rows, _ = read_back(
        client_for(world.supervisor_a).get(reverse("workshops:rates_export"), RANGE)
    )

    assert [(r["Breakdown"], r["Name"]) for r in rows] == [
        ("Workshop", "'@Interviewing"),
        ("Workshop", "Resume Writing"),
        ("Office", "Office A"),
        ("Total", "All sessions"),
    ]
    assert rows[-1]["From"] == "2026-11-02" and rows[-1]["Attendance rate (%)"] == "66.7"
    assert not {"workshop", "office", "all"} & cells(rows)


@pytest.mark.usefixtures("now")
def test_the_purchase_orders_name_office_status_program_and_service(
    world: World,
    money: Orders,  # noqa: F811
):
    response = client_for(world.supervisor_a).get(
        reverse("supportive:money_export"), {"year": "2026", "status": "obligations"}
    )

    rows, body = read_back(response)
    first = next(r for r in rows if r["PO number"] == money.bus_nov.number)
    assert {k: first[k] for k in ("Office", "Status", "Funding program", "Supportive service")} == {
        "Office": "Office A",
        "Status": "Issued",
        "Funding program": "WIOA Adult",
        "Supportive service": "Transportation",
    }
    assert (first["Amount ($)"], first["Drafted on"]) == ("75.00", "2026-11-16")
    injected = next(r for r in rows if r["PO number"] == money.bus_dec.number)
    assert injected["Item"] == '\'=HYPERLINK("http://evil.example")'
    assert not {"A", "issued", "adult", "dw", "transportation", "tools"} & cells(rows)
    assert world.customer_a.last_name not in body


def test_the_outcomes_name_offices_and_programs(world: World, year):  # noqa: F811
    Office.objects.filter(pk=world.office_a.pk).update(name="+Office A")

    rows, _ = read_back(
        client_for(world.supervisor_a).get(reverse("employment:outcomes_export"), {"year": 2026})
    )

    assert [(r["Office"], r["Program"]) for r in rows] == [
        ("'+Office A", "WIOA Adult"),
        ("'+Office A", "Dislocated Worker"),
        ("'+Office A", "All programs"),
        ("All offices", "WIOA Adult"),
        ("All offices", "Dislocated Worker"),
        ("All offices", "All programs"),
    ]
    assert {r["Program year"] for r in rows} == {"PY26"}
    assert not {"adult", "dw", "A"} & cells(rows)


def test_the_audit_trail_says_what_happened_in_sentences(world: World):
    User.objects.filter(pk=world.planner_a.pk).update(first_name="=cmd")
    world.planner_a.refresh_from_db()
    with pghistory.context(user=world.planner_a.pk):
        customer_update(
            customer=world.customer_a,
            updated_by=world.planner_a,
            fields={"city": "Decatur", "phone": "3125550143", "preferred_contact_method": "email"},
        )

    response = client_for(world.supervisor_a).post(
        reverse("audit:export"), {"customer_number": world.customer_a.customer_number}
    )

    rows, body = read_back(response)
    [changed] = [r for r in rows if r["Action"] == "Changed"]
    assert changed["Who"] == "'=cmd Tester"
    assert changed["What happened"] == (
        "'=. Tester changed the phone number, the city to \u201cDecatur\u201d and the"
        " preferred contact method from Phone call to Email."
    )
    assert changed["Kind of record"] == "Customer" and changed["Record"] == ""
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", changed["When (America/Chicago)"])
    assert "3125550143" not in body and "555-0143" not in body and "Ada" not in body
    assert "preferred_contact_method" not in body and "email" not in body.replace("Email", "")
