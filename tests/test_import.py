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

from bulkdata.legacy_import import (
    ASSESSMENTS,
    COLUMNS,
    CUSTOMERS,
    GAPS,
    GOALS,
    NOTES,
    PLANS,
    REVIEWS,
    SERVICES,
    STEPS,
)
from casemgmt.clock import today_for_office
from casenotes.models import CaseNote
from compliance.models import Alert, PlannedGap, Rule, State
from customers.models import Customer, Status
from customers.pii import ssn_decrypt
from plans.models import GoalStatus, Plan, Step
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


# --- The compliance rules after the import -----------------------------------------


def test_the_rules_are_evaluated_as_of_the_given_date(world: World, tmp_path: Path):
    run(write_all(tmp_path), "--as-of", "2026-09-25")

    alert = Alert.objects.get(customer__legacy_id="C-1", rule=Rule.PLAN_OPEN_GOAL)
    # Certified on 2026-09-03: 22 days later the plan is still being developed.
    assert alert.state == State.DUE_SOON
    assert alert.last_seen_on == datetime.date(2026, 9, 25)


def test_without_as_of_the_rules_are_evaluated_today(world: World, tmp_path: Path):
    run(write_all(tmp_path))

    alert = Alert.objects.get(customer__legacy_id="C-1", rule=Rule.PLAN_OPEN_GOAL)
    assert alert.state == State.OVERDUE
    assert alert.last_seen_on == today_for_office(world.office_a)


def test_as_of_must_be_a_date(world: World, tmp_path: Path):
    _out, error = run_failing(write_all(tmp_path), "--as-of", "09/25/2026")

    assert "--as-of" in error
    assert imported_counts() == (0, 0, 0)


# --- Barriers and partner programs -------------------------------------------------


def test_barriers_and_partner_programs_are_linked_by_name(world: World, tmp_path: Path):
    marisol = {
        **MARISOL,
        "barriers": "no childcare; Limited transportation",
        "partner_programs": "TANF",
    }
    write_all(tmp_path, customers=[marisol, DOV])

    run(tmp_path)

    customer = Customer.objects.get(legacy_id="C-1")
    assert sorted(b.name for b in customer.barriers.all()) == [
        "Limited transportation",
        "No childcare",
    ]
    assert [p.name for p in customer.partner_programs.all()] == ["TANF"]


def test_an_unknown_barrier_refuses_the_row_without_repeating_it(world: World, tmp_path: Path):
    marisol = {**MARISOL, "barriers": "No childcare;Recently evicted"}
    write_all(tmp_path, customers=[marisol, DOV])

    out, _error = run_failing(tmp_path)

    assert imported_counts() == (0, 0, 0)
    assert "customers.csv line 2 (legacy id C-1): barriers: item(s) 2 of the list" in out
    assert "evicted" not in out


# --- The rest of the case file -----------------------------------------------------


def case_file(directory: Path) -> Path:
    """Marisol's IEP comes from plans.csv (not services.csv), with a goal, steps and a review."""
    directory.mkdir(parents=True, exist_ok=True)
    services = [s for s in clean_services() if s["legacy_id"] != "S-2"]
    notes = [n for n in clean_notes() if n["legacy_id"] != "N-2"]
    write_all(directory, services=services, notes=notes)
    write(
        directory,
        ASSESSMENTS,
        [
            {
                "customer_legacy_id": "C-1",
                "assessment_type": "tabe 11/12",
                "assessed_on": "2026-09-05",
                "scores": "Reading E, Math M",
                "entered_by": "planner_a",
            }
        ],
    )
    write(
        directory,
        PLANS,
        [
            {
                "customer_legacy_id": "C-1",
                "developed_on": "2026-09-08",
                "employment_goal": "Certified nursing assistant",
                "barriers": "No childcare",
                "note_body": "Wrote the IEP together: CNA certificate, then long-term care.",
                "created_by": "planner_a",
            }
        ],
    )
    write(
        directory,
        GOALS,
        [
            {
                "legacy_id": "G-1",
                "customer_legacy_id": "C-1",
                "statement": "Earn the CNA certificate",
                "category": "education",
                "term": "short",
                "status": "on_track",
                "indicator": "credential",
                "created_by": "planner_a",
            },
            {
                "legacy_id": "G-2",
                "customer_legacy_id": "C-1",
                "statement": "Finish a resume",
                "category": "career",
                "term": "short",
                "status": "complete",
                "created_by": "planner_a",
            },
        ],
    )
    write(
        directory,
        STEPS,
        [
            {
                "goal_legacy_id": "G-1",
                "activity": "300",
                "status": "in_progress",
                "start_on": "2026-09-15",
                "due_on": "2027-03-15",
                "hours": "20",
                "entered_by": "planner_a",
            },
            {
                "goal_legacy_id": "G-2",
                "activity": "201",
                "status": "complete",
                "start_on": "2026-09-10",
                "due_on": "2026-09-10",
                "entered_by": "planner_a",
            },
        ],
    )
    write(
        directory,
        REVIEWS,
        [
            {
                "customer_legacy_id": "C-1",
                "reviewed_on": "2026-11-02",
                "body": "Reviewed the plan: attendance is good, on track for the exam.",
                "contact_method": "in_person",
                "two_way": "yes",
                "reviewed_by": "planner_a",
            }
        ],
    )
    write(
        directory,
        GAPS,
        [
            {
                "customer_legacy_id": "C-2",
                "reason": "Waiting for the training to start",
                "starts_on": "2026-11-01",
                "ends_on": "2027-01-15",
                "created_by": "planner_b",
            }
        ],
    )
    return directory


def test_the_whole_case_file_is_imported(world: World, tmp_path: Path):
    out = run(case_file(tmp_path), "--as-of", "2026-11-20")

    marisol = Customer.objects.get(legacy_id="C-1")
    assessment = marisol.assessments.get()
    assert (assessment.assessment_type.name, assessment.assessed_on) == (
        "TABE 11/12",
        datetime.date(2026, 9, 5),
    )
    plan = Plan.objects.get(customer=marisol)
    assert plan.developed_on == datetime.date(2026, 9, 8)
    assert [b.name for b in plan.barriers.all()] == ["No childcare"]
    assert plan.last_reviewed_on == datetime.date(2026, 11, 2)
    # The plan records its IEP, which the workshop of 2026-09-10 needed.
    assert ServiceRecord.objects.filter(customer=marisol, activity__code="205").count() == 1
    assert ServiceRecord.objects.filter(legacy_id="S-3").exists()
    goals = {g.statement: g for g in plan.goals.all()}
    assert goals["Finish a resume"].status == GoalStatus.COMPLETE
    assert goals["Earn the CNA certificate"].steps.get().activity.code == "300"
    assert PlannedGap.objects.get(customer__legacy_id="C-2").ends_on == datetime.date(2027, 1, 15)
    # With a plan, an open goal and a recent review, no false plan alerts.
    assert not Alert.objects.filter(
        customer=marisol, rule__in=[Rule.PLAN_OPEN_GOAL, Rule.REVIEW_90], resolved_at__isnull=True
    ).exists()
    for name in (ASSESSMENTS, PLANS, REVIEWS, GAPS):
        assert f"{name}: 1 created, 0 already imported, 0 skipped" in out
    assert f"{GOALS}: 2 created" in out and f"{STEPS}: 2 created" in out
    assert "CNA" not in out and "childcare" not in out


def test_the_case_file_is_imported_once(world: World, tmp_path: Path):
    case_file(tmp_path)
    run(tmp_path)

    out = run(tmp_path)

    for name in (ASSESSMENTS, PLANS, REVIEWS, GAPS):
        assert f"{name}: 0 created, 1 already imported, 0 skipped" in out
    assert f"{GOALS}: 0 created, 2 already imported" in out
    assert f"{STEPS}: 0 created, 2 already imported" in out
    assert Plan.objects.count() == 1 and Step.objects.count() == 2


def test_a_refused_plan_refuses_its_goals_and_steps(world: World, tmp_path: Path):
    case_file(tmp_path)
    plan = {
        "customer_legacy_id": "C-1",
        "developed_on": "2026-09-08",
        "employment_goal": "Certified nursing assistant",
        "barriers": "Not a barrier",
        "note_body": "Wrote the IEP.",
        "created_by": "planner_a",
    }
    write(tmp_path, PLANS, [plan])

    out = run(tmp_path, "--skip-invalid")

    assert f"{PLANS} line 2: barriers: item(s) 1 of the list" in out
    assert (
        f"{GOALS} line 2 (legacy id G-1): the plan of customer legacy id C-1 was not imported"
        in out
    )
    assert f"{STEPS} line 2: goal legacy id G-1 was not imported" in out
    assert not Plan.objects.exists() and not Step.objects.exists()
    assert Customer.objects.filter(legacy_id="C-1").exists()


def test_a_refused_step_loads_nothing_and_names_the_rule(world: World, tmp_path: Path):
    case_file(tmp_path)
    step = {
        "goal_legacy_id": "G-1",
        "activity": "300",
        "start_on": "2026-09-15",
        "due_on": "2026-09-01",
        "description": "Clinical hours at Oakhollow Manor",
        "entered_by": "planner_a",
    }
    write(tmp_path, STEPS, [step])

    out, _error = run_failing(tmp_path)

    assert f"{STEPS} line 2: due_on:" in out
    assert "Oakhollow" not in out
    assert imported_counts() == (0, 0, 0) and not Plan.objects.exists()


def test_a_planned_gap_is_refused_by_its_rule_without_repeating_the_reason(
    world: World, tmp_path: Path
):
    case_file(tmp_path)
    gap = {
        "customer_legacy_id": "C-2",
        "reason": "Surgery at Oakhollow clinic",
        "starts_on": "2026-11-01",
        "ends_on": "2026-10-01",
        "created_by": "planner_b",
    }
    write(tmp_path, GAPS, [gap])

    out = run(tmp_path, "--skip-invalid")

    assert f"{GAPS} line 2: ends_on: The gap ends before it starts." in out
    assert "Oakhollow" not in out and "Surgery" not in out
    assert not PlannedGap.objects.exists()
    assert Plan.objects.count() == 1  # the other files are loaded


def test_the_same_goal_twice_is_refused(world: World, tmp_path: Path):
    case_file(tmp_path)
    goal = {
        "legacy_id": "G-3",
        "customer_legacy_id": "C-1",
        "statement": "Earn the CNA certificate",
        "category": "education",
        "term": "long",
        "created_by": "planner_a",
    }
    goals = read_rows(tmp_path / GOALS) + [goal]
    write(tmp_path, GOALS, goals)

    out, _error = run_failing(tmp_path)

    assert (
        f"{GOALS} line 4 (legacy id G-3): the same customer and goal statement is given twice"
        in out
    )


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
