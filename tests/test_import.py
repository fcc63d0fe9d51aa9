"""The legacy import: manage.py import_records DIR [--skip-invalid].

The CSV files are written into tmp_path by each test; every name in them is invented.
"""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bulkdata.legacy_import import COLUMNS, CUSTOMERS, NOTES, SERVICES
from casenotes.models import CaseNote
from customers.models import Customer, Status
from customers.pii import ssn_decrypt
from services.models import ServiceRecord
from tests.conftest import World

DOCS = Path(__file__).resolve().parent.parent / "docs" / "import-format.md"

# Invented people. Their details must never appear in the command's output.
MARISOL = {
    "legacy_id": "C-1",
    "first_name": "Marisol",
    "last_name": "Fenwright",
    "date_of_birth": "1987-04-23",
    "ssn": "212-55-4321",
    "phone": "(217) 555-0142",
    "email": "marisol.fenwright@example.org",
    "programs": "adult",
    "office": "A",
    "career_planner": "planner_a",
    "created_by": "planner_a",
    "application_date": "2026-09-01",
    "eligibility_date": "2026-09-03",
    "certification_date": "09/03/2026",
}
DOV = {
    "legacy_id": "C-2",
    "first_name": "Dov",
    "last_name": "Quillfeather",
    "date_of_birth": "03/11/1979",
    "phone": "2175550187",
    "email": "dov.q@example.org",
    "programs": "dw;adult",
    "veteran_status": "veteran",
    "office": "B",
    "career_planner": "planner_b",
    "created_by": "planner_b",
    "application_date": "2026-09-02",
    "eligibility_date": "2026-09-09",
    "certification_date": "2026-09-10",
}
PII = [
    "Marisol",
    "Fenwright",
    "1987-04-23",
    "212-55-4321",
    "4321",
    "0142",
    "marisol.fenwright@example.org",
    "Dov",
    "Quillfeather",
    "03/11/1979",
    "0187",
    "dov.q@example.org",
    "Tamsin",
    "Oakhollow",
    "13/45/1990",
]


def service(legacy_id: str, customer: str, activity: str, started: str, **extra: str) -> dict:
    return {
        "legacy_id": legacy_id,
        "customer_legacy_id": customer,
        "activity": activity,
        "started_on": started,
        "entered_by": extra.pop("entered_by", "planner_a"),
        **extra,
    }


def note(legacy_id: str, customer: str, contact: str, service_id: str = "", **extra: str) -> dict:
    return {
        "legacy_id": legacy_id,
        "customer_legacy_id": customer,
        "service_legacy_id": service_id,
        "contact_date": contact,
        "subject": extra.pop("subject", "Service Strategy/Met with the customer"),
        "body": extra.pop("body", "Met in the office to review the plan and next steps."),
        "contact_method": extra.pop("contact_method", "in_person"),
        "two_way": extra.pop("two_way", "yes"),
        "author": extra.pop("author", "planner_a"),
        **extra,
    }


def clean_services() -> list[dict]:
    # Out of date order on purpose: the importer sorts by customer, start and end date.
    return [
        service("S-3", "C-1", "201", "2026-09-10", ended_on="2026-09-10"),
        service("S-2", "C-1", "205", "2026-09-08", ended_on="09/08/2026"),
        service("S-1", "C-1", "207", "2026-09-05", ended_on="2026-09-05"),
        service(
            "S-4",
            "C-1",
            "300",
            "2026-09-15",
            provider="outside",
            provider_name="Lakeview Technical College",
            weekly_hours="20",
            dollar_value="3500.00",
            entered_at="2026-09-16",
        ),
        service(
            "S-5",
            "C-2",
            "202",
            "2026-09-20",
            ended_on="2026-09-20",
            entered_by="planner_b",
            entered_at="2026-09-21T09:30",
        ),
    ]


def clean_notes() -> list[dict]:
    return [
        note("N-1", "C-1", "2026-09-05", "S-1", note_type="assessment"),
        note("N-2", "C-1", "2026-09-08", "S-2", note_type="iep"),
        note("N-3", "C-1", "2026-09-10", "S-3"),
        note("N-4", "C-1", "2026-09-15", "S-4", note_type="training_begin"),
        note("N-5", "C-2", "2026-09-20", "S-5", author="planner_b"),
        note("N-6", "C-2", "2026-09-22", contact_method="phone", two_way="no", author="planner_b"),
    ]


def write(directory: Path, name: str, rows: list[dict], columns: list[str] | None = None) -> None:
    columns = columns or list(dict.fromkeys(key for row in rows for key in row))
    with (directory / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def write_all(
    directory: Path,
    customers: list[dict] | None = None,
    services: list[dict] | None = None,
    notes: list[dict] | None = None,
) -> Path:
    """Write the three files; an empty list leaves that file out."""
    for name, rows in (
        (CUSTOMERS, customers if customers is not None else [MARISOL, DOV]),
        (SERVICES, services if services is not None else clean_services()),
        (NOTES, notes if notes is not None else clean_notes()),
    ):
        if rows:
            write(directory, name, rows)
    return directory


def run(directory: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_records", str(directory), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_failing(directory: Path, *args: str) -> tuple[str, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_records", str(directory), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue(), str(caught.value)


def imported_counts() -> tuple[int, int, int]:
    return (
        Customer.objects.filter(legacy_id__isnull=False).count(),
        ServiceRecord.objects.filter(legacy_id__isnull=False).count(),
        CaseNote.objects.filter(legacy_id__isnull=False).count(),
    )


def assert_no_pii(text: str) -> None:
    for value in PII:
        assert value not in text, f"{value!r} appears in the output"


# --- A clean import ----------------------------------------------------------------


def test_clean_import_creates_customers_services_and_notes(world: World, tmp_path: Path):
    out = run(write_all(tmp_path))

    assert imported_counts() == (2, 5, 6)
    marisol = Customer.objects.get(legacy_id="C-1")
    assert marisol.office == world.office_a and marisol.career_planner == world.planner_a
    assert marisol.created_by == world.planner_a
    assert marisol.programs == ["adult"]
    assert marisol.certification_date == datetime.date(2026, 9, 3)
    assert marisol.phone == "2175550142"
    assert ssn_decrypt(marisol.ssn_encrypted) == "212554321"
    assert marisol.ssn_last4 == "4321"
    assert marisol.status == Status.PARTICIPANT  # made so by the first enrolling service
    dov = Customer.objects.get(legacy_id="C-2")
    assert dov.date_of_birth == datetime.date(1979, 3, 11)
    assert dov.programs == ["dw", "adult"]

    # A same-day service is saved with its note, and that note only once.
    workshop = ServiceRecord.objects.get(legacy_id="S-3")
    assert workshop.activity.code == "201"
    assert workshop.ended_on == workshop.started_on
    assert workshop.completion_status == "successful"
    [workshop_note] = workshop.case_notes.all()
    assert workshop_note.legacy_id == "N-3"
    assert workshop_note.author == world.planner_a
    assert CaseNote.objects.filter(subject__startswith="Service Strategy").count() == 6
    assert ServiceRecord.objects.get(legacy_id="S-1").case_notes.get().note_type == "assessment"

    # A training service stays open; its note is an ordinary note linked to it.
    training = ServiceRecord.objects.get(legacy_id="S-4")
    assert training.is_open and training.provider_name == "Lakeview Technical College"
    assert training.case_notes.get().legacy_id == "N-4"
    # A date for entered_at means noon in the office's time zone.
    assert training.entered_at == datetime.datetime(
        2026, 9, 16, 17, 0, tzinfo=datetime.UTC
    )  # noon in Chicago (CDT)
    assert not training.entered_late
    unlinked = CaseNote.objects.get(legacy_id="N-6")
    assert unlinked.service is None and unlinked.two_way is False
    assert unlinked.author == world.planner_b

    assert "customers.csv: 2 created, 0 already imported, 0 skipped" in out
    assert "services.csv: 5 created, 0 already imported, 0 skipped" in out
    assert "case_notes.csv: 6 created, 0 already imported, 0 skipped" in out
    assert_no_pii(out)


def test_importing_twice_creates_nothing_twice(world: World, tmp_path: Path):
    write_all(tmp_path)
    run(tmp_path)
    before = imported_counts()

    out = run(tmp_path)

    assert imported_counts() == before == (2, 5, 6)
    assert "customers.csv: 0 created, 2 already imported, 0 skipped" in out
    assert "services.csv: 0 created, 5 already imported, 0 skipped" in out
    assert "case_notes.csv: 0 created, 6 already imported, 0 skipped" in out


def test_a_later_file_may_refer_to_customers_imported_before(world: World, tmp_path: Path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    write(first, CUSTOMERS, [MARISOL])
    run(first)
    write(second, SERVICES, [service("S-9", "C-1", "207", "2026-09-05", ended_on="2026-09-05")])
    write(second, NOTES, [note("N-9", "C-1", "2026-09-05", "S-9")])

    out = run(second)

    assert ServiceRecord.objects.get(legacy_id="S-9").customer.legacy_id == "C-1"
    assert "customers.csv: no file" in out


def test_a_spreadsheet_export_is_read(world: World, tmp_path: Path):
    # Excel's "CSV UTF-8": a byte-order mark, CRLF line ends, a blank line, any header case.
    text = (
        "Legacy_ID,First_Name,Last_Name,Date_Of_Birth,Programs,Office,Created_By,Application_Date\r\n"
        "C-1,Marisol,Fenwright,4/23/1987,Adult,A,planner_a,9/1/2026\r\n"
        ",,,,,,,\r\n"
    )
    (tmp_path / CUSTOMERS).write_text(text, encoding="utf-8-sig", newline="")

    run(tmp_path)

    marisol = Customer.objects.get(legacy_id="C-1")
    assert marisol.date_of_birth == datetime.date(1987, 4, 23)
    assert marisol.programs == ["adult"] and marisol.career_planner is None


def test_the_folder_must_exist(world: World, tmp_path: Path):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_records", str(tmp_path / "missing"), stdout=io.StringIO())


def test_the_registering_user_must_work_in_the_office(world: World, tmp_path: Path):
    write(tmp_path, CUSTOMERS, [{**MARISOL, "created_by": "planner_b", "career_planner": ""}])

    out, _error = run_failing(tmp_path)

    assert (
        "customers.csv line 2 (legacy id C-1): created_by: 'planner_b' cannot register "
        "customers in office A" in out
    )


# --- All or nothing ----------------------------------------------------------------


def test_a_service_before_certification_loads_nothing(world: World, tmp_path: Path):
    services = clean_services()
    services[4]["started_on"] = services[4]["ended_on"] = "2026-09-08"  # Dov certified 09/10
    notes = clean_notes()
    notes[4]["contact_date"] = "2026-09-08"
    write_all(tmp_path, services=services, notes=notes)

    out, error = run_failing(tmp_path)

    assert imported_counts() == (0, 0, 0)
    assert (
        "services.csv line 6 (legacy id S-5): started_on: Services start on or after the "
        "certification date (09/10/2026)" in out
    )
    assert "Nothing was imported" in out and "Nothing was imported" in error
    assert "--skip-invalid" in error
    assert_no_pii(out + error)


def test_a_workshop_without_an_iep_names_the_rule(world: World, tmp_path: Path):
    write_all(
        tmp_path,
        customers=[MARISOL],
        services=[service("S-3", "C-1", "201", "2026-09-10", ended_on="2026-09-10")],
        notes=[note("N-3", "C-1", "2026-09-10", "S-3")],
    )

    out, _error = run_failing(tmp_path)

    assert imported_counts() == (0, 0, 0)
    assert (
        "services.csv line 2 (legacy id S-3): activity: Group Workforce Research/Workshops/Job "
        "Clubs (201) requires an IEP: record Development of an IEP (205) first." in out
    )
    # Its note is reported as depending on it.
    assert (
        "case_notes.csv line 2 (legacy id N-3): service legacy id S-3 was not imported "
        "(see services.csv line 2)" in out
    )


def test_a_same_day_service_without_its_note_is_refused(world: World, tmp_path: Path):
    notes = [n for n in clean_notes() if n["legacy_id"] != "N-5"]
    write_all(tmp_path, notes=notes)

    out, _error = run_failing(tmp_path)

    assert imported_counts() == (0, 0, 0)
    assert (
        "services.csv line 6 (legacy id S-5): note: Career Planning (Case Management) (202) is a "
        "same-day service: its case note must be in case_notes.csv with service_legacy_id S-5 "
        "and contact_date 2026-09-20" in out
    )


def test_parse_errors_name_file_line_and_reason_without_personal_values(
    world: World, tmp_path: Path
):
    tamsin = {
        **MARISOL,
        "legacy_id": "C-3",
        "first_name": "Tamsin",
        "last_name": "Oakhollow",
        "date_of_birth": "13/45/1990",
        "ssn": "",
        "phone": "555-01",
        "email": "",
        "office": "Z",
        "career_planner": "nobody_here",
        "application_date": "2026-13-01",
        "programs": "adult;seniors",
    }
    services = [
        service("S-1", "C-1", "999", "2026-09-05", ended_on="2026-09-05"),
        service("S-2", "C-404", "207", "2026-09-05", ended_on="2026-09-05", entered_by="ghost"),
    ]
    write_all(tmp_path, customers=[MARISOL, tamsin], services=services[:2], notes=[])

    out, _error = run_failing(tmp_path)

    problems = [
        "customers.csv line 3 (legacy id C-3): date_of_birth: the value is not a date "
        "(use YYYY-MM-DD or MM/DD/YYYY); the value is not shown because it is personal",
        "customers.csv line 3 (legacy id C-3): phone: the value is not ten digits",
        "customers.csv line 3 (legacy id C-3): application_date: '2026-13-01' is not a date "
        "(use YYYY-MM-DD or MM/DD/YYYY)",
        "customers.csv line 3 (legacy id C-3): programs: unknown program(s) 'seniors' "
        "(give a semicolon list of adult;dw;youth)",
        "customers.csv line 3 (legacy id C-3): office: no office has the code 'Z'",
        "customers.csv line 3 (legacy id C-3): career_planner: no staff member has the "
        "username 'nobody_here'",
        "services.csv line 2 (legacy id S-1): activity: no activity of the service matrix has "
        "the code '999'",
        "services.csv line 3 (legacy id S-2): entered_by: no staff member has the username 'ghost'",
    ]
    for problem in problems:
        assert problem in out
    assert imported_counts() == (0, 0, 0)
    assert_no_pii(out)


def test_unknown_customer_legacy_id_is_reported(world: World, tmp_path: Path):
    write(tmp_path, SERVICES, [service("S-1", "C-404", "207", "2026-09-05", ended_on="2026-09-05")])

    out, _error = run_failing(tmp_path)

    assert (
        "services.csv line 2 (legacy id S-1): customer_legacy_id: no customer has the legacy id "
        "'C-404' (not in customers.csv and not imported before)" in out
    )


def test_a_missing_column_is_a_file_problem(world: World, tmp_path: Path):
    customer = {k: v for k, v in MARISOL.items() if k != "created_by"}
    write(tmp_path, CUSTOMERS, [{**customer, "shoe_size": "9"}])

    out, error = run_failing(tmp_path)

    assert "customers.csv line 1: missing required column(s): created_by" in out
    assert "customers.csv line 1: unknown column(s): 'shoe_size'" in out
    assert "file problems" in error
    assert imported_counts() == (0, 0, 0)


def test_a_repeated_legacy_id_is_refused(world: World, tmp_path: Path):
    write(tmp_path, CUSTOMERS, [MARISOL, {**DOV, "legacy_id": "C-1"}])

    out, _error = run_failing(tmp_path)

    assert (
        "customers.csv line 3 (legacy id C-1): legacy id C-1 is given twice (first on line 2)"
        in out
    )


def test_a_possible_duplicate_person_needs_confirmation(world: World, tmp_path: Path):
    again = {**MARISOL, "legacy_id": "C-7", "ssn": ""}
    write(tmp_path, CUSTOMERS, [MARISOL, again])

    out, _error = run_failing(tmp_path)
    number = re.search(r"possibly the same person as customer (C\d{7})", out)
    assert number and "customers.csv line 3 (legacy id C-7)" in out
    assert "set not_duplicate to yes" in out

    write(tmp_path, CUSTOMERS, [MARISOL, {**again, "not_duplicate": "yes"}])
    run(tmp_path)
    assert imported_counts() == (2, 0, 0)


def test_a_same_day_note_is_written_by_whoever_entered_the_service(world: World, tmp_path: Path):
    notes = clean_notes()
    notes[0]["author"] = "supervisor_a"
    write_all(tmp_path, notes=notes)

    out, _error = run_failing(tmp_path)

    assert (
        "case_notes.csv line 2 (legacy id N-1): author: 'supervisor_a' is not the service's "
        "entered_by 'planner_a'" in out
    )
    assert (
        "services.csv line 4 (legacy id S-1): its case note was not imported "
        "(see case_notes.csv line 2)" in out
    )
    # The IEP that needed the assessment fails by the rule, with a pointer to the cause.
    assert (
        "services.csv line 3 (legacy id S-2): earlier services of this customer were not "
        "imported (services.csv line(s) 4); this service may need them" in out
    )


def test_a_note_refused_by_the_note_rule_is_reported_on_its_own_line(world: World, tmp_path: Path):
    notes = clean_notes()
    notes[4]["body"] = "   "
    write_all(tmp_path, notes=notes)

    out, _error = run_failing(tmp_path)

    assert (
        "case_notes.csv line 6 (legacy id N-5): body: Write the note: who, what, where, when, "
        "why and how." in out
    )
    assert (
        "services.csv line 6 (legacy id S-5): its case note was refused (see case_notes.csv line 6)"
        in out
    )


def test_an_entry_in_the_future_is_refused(world: World, tmp_path: Path):
    services = clean_services()
    services[4]["entered_at"] = "2999-01-01T10:00"
    write_all(tmp_path, services=services)

    out, _error = run_failing(tmp_path)

    assert (
        "services.csv line 6 (legacy id S-5): entered_at: '2999-01-01T10:00' is in the future"
        in out
    )


# --- --skip-invalid ----------------------------------------------------------------


def test_skip_invalid_loads_the_good_rows_and_lists_the_skipped(world: World, tmp_path: Path):
    dov = {**DOV, "certification_date": "2026-09-05"}  # before eligibility (09/09)
    write_all(tmp_path, customers=[MARISOL, dov])

    out = run(tmp_path, "--skip-invalid")

    assert imported_counts() == (1, 4, 4)
    assert not Customer.objects.filter(legacy_id="C-2").exists()
    assert "Skipped rows:" in out
    assert (
        "customers.csv line 3 (legacy id C-2): certification_date: The certification date is "
        "before the eligibility determination date." in out
    )
    # Rows depending on the bad customer are reported as such.
    assert (
        "services.csv line 6 (legacy id S-5): customer legacy id C-2 was not imported "
        "(see customers.csv line 3)" in out
    )
    assert (
        "case_notes.csv line 7 (legacy id N-6): customer legacy id C-2 was not imported "
        "(see customers.csv line 3)" in out
    )
    assert "customers.csv: 1 created, 0 already imported, 1 skipped" in out
    assert "services.csv: 4 created, 0 already imported, 1 skipped" in out
    assert "case_notes.csv: 4 created, 0 already imported, 2 skipped" in out
    assert_no_pii(out)

    # Once corrected, the rest loads and the rows loaded before are not loaded again.
    write_all(tmp_path)
    out = run(tmp_path)
    assert imported_counts() == (2, 5, 6)
    assert "customers.csv: 1 created, 1 already imported, 0 skipped" in out
    assert "case_notes.csv: 2 created, 4 already imported, 0 skipped" in out


def test_without_skip_invalid_the_same_files_load_nothing(world: World, tmp_path: Path):
    dov = {**DOV, "certification_date": "2026-09-05"}
    write_all(tmp_path, customers=[MARISOL, dov])

    out, _error = run_failing(tmp_path)

    assert imported_counts() == (0, 0, 0)
    assert "customers.csv: 1 valid, not loaded, 0 already imported, 1 with problems" in out


# --- The documentation -------------------------------------------------------------


def test_every_column_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    for name, columns in COLUMNS.items():
        section = text.split(f"## {name}", 1)[1].split("\n## ", 1)[0]
        documented = re.findall(r"^\| `(\w+)` \| (yes|no) \|", section, flags=re.MULTILINE)
        assert documented == [
            (column, "yes" if required else "no") for column, required in columns.items()
        ], name
