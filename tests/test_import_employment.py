"""employer_contacts.csv, jobs.csv, placements.csv, credentials.csv, skill_gains.csv,
periods.csv and follow_ups.csv: the end of the path comes in as it stands (who entered
an outcome and when, a placement's follow-ups done, periods with their exits and the
quarterly follow-ups after them); what contradicts itself is refused.

Every name is invented. The case file is Marisol's and Dov's from tests/test_import.py
(Marisol's open training is services.csv S-4, a 300 since 2026-09-15; Dov's note N-6 and
service S-5 are another customer's), with Oriel, served from September 2025 and exited
on 2026-03-12 (job search S-30 and S-31), now in follow-up.
"""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from bulkdata.legacy_import import (
    COLUMNS,
    CREDENTIALS,
    CUSTOMERS,
    EMPLOYER_CONTACTS,
    FOLLOW_UPS,
    JOBS,
    NOTES,
    PERIODS,
    PLACEMENTS,
    SERVICES,
    SKILL_GAINS,
)
from casenotes.models import CaseNote
from compliance.models import Alert, Rule, State
from customers.models import Customer, Status
from employment.models import (
    Credential,
    EmployerContact,
    Employment,
    FollowUp,
    Period,
    Placement,
    SkillGain,
)
from employment.services import period_sync, statuses_follow_the_calendar
from services.models import ServiceRecord
from tests.conftest import World
from tests.test_import import (
    DOV,
    MARISOL,
    assert_no_pii,
    case_file,
    imported_counts,
    note,
    read_rows,
    run,
    run_failing,
    service,
    write,
)

AS_OF = "2026-11-20"
NOW = datetime.datetime(2026, 11, 20, 17, tzinfo=datetime.UTC)  # 11:00 in Chicago
CDT = datetime.timezone(datetime.timedelta(hours=-5))  # Chicago until 1 November
CST = datetime.timezone(datetime.timedelta(hours=-6))
D = datetime.date
pytestmark = pytest.mark.usefixtures("frozen")

ORIEL = {
    "legacy_id": "C-3",
    "first_name": "Oriel",
    "last_name": "Brightwater",
    "date_of_birth": "1991-06-14",
    "programs": "adult",
    "office": "A",
    "career_planner": "planner_a",
    "created_by": "planner_a",
    "application_date": "2025-09-02",
    "eligibility_date": "2025-09-04",
    "certification_date": "2025-09-04",
    "status": "follow_up",
    "exit_date": "2026-03-12",
    "exit_reason": "Recorded exit: services complete",
}
# Private details that must never be repeated in a report: where people work or were
# placed, who supervises them, what they earn and attained, why they left the measures.
PRIVATE = (
    "Oriel",
    "Brightwater",
    "Prairie",
    "Lakeview Care",
    "Jordan Avery",
    "Dana Whitlock",
    "Welder",
    "18.50",
    "17.00",
    "19.25",
    "Nursing",
    "Moved to Peoria",
    "rent help",
)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _rows(*rows: dict) -> list[dict]:
    return [dict(r) for r in rows]


def clean_contacts() -> list[dict]:
    return _rows(
        {
            "customer_legacy_id": "C-1",
            "employer": "Lakeview Care Center",
            "contact_person": "Dana Whitlock",
            "method": "phone",
            "contacted_on": "2026-10-28",
            "outcome": "interview",
            "service_legacy_id": "S-4",
            "notes": "Asked about evening shifts.",
            "entered_by": "planner_a",
            "entered_at": "2026-10-28",
        }
    )


def clean_jobs() -> list[dict]:
    return _rows(
        {
            "legacy_id": "J-1",
            "customer_legacy_id": "C-3",
            "employer": "Prairie Fabrication",
            "job_title": "Welder helper",
            "onet_code": "51-4121.00",
            "started_on": "2026-03-02",
            "hourly_wage": "18.50",
            "hours_per_week": "40",
            "training_related": "yes",
            "verification": "employer",
            "entered_by": "planner_a",
            "entered_at": "2026-03-04T09:15",
        }
    )


def clean_placements() -> list[dict]:
    return _rows(
        {
            "legacy_id": "PL-1",
            "customer_legacy_id": "C-1",
            "kind": "ojt",
            "worksite": "Lakeview Care Center",
            "supervisor": "Jordan Avery",
            "hourly_wage": "17.00",
            "subsidized_wage": "8.50",
            "hours_per_week": "32",
            "status": "started",
            "starts_on": "2026-10-05",
            "status_changed_on": "2026-10-05",
            "follow_up_30_done_on": "2026-11-05",
            "follow_up_30_note_legacy_id": "N-20",
            "entered_by": "planner_a",
            "entered_at": "2026-10-25",  # 20 days after the start: late
        }
    )


def clean_credentials() -> list[dict]:
    return _rows(
        {
            "customer_legacy_id": "C-1",
            "credential_type": "5",
            "name": "Certified Nursing Assistant",
            "attained_on": "2026-11-10",
            "training_service_legacy_id": "S-4",
            "entered_by": "planner_a",
            "entered_at": "2026-11-12",
            "entered_late": "no",
        }
    )


def clean_skill_gains() -> list[dict]:
    return _rows(
        {
            "customer_legacy_id": "C-1",
            "kind": "milestone",
            "achieved_on": "2026-10-30",
            "description": "Passed the mid-term skills check.",
            "entered_by": "planner_a",
        }
    )


def clean_periods() -> list[dict]:
    return _rows(
        {"customer_legacy_id": "C-1", "entered_on": "2026-09-05"},
        {
            "customer_legacy_id": "C-3",
            "entered_on": "2025-09-15",
            "exited_on": "2026-03-12",
            "exit_kind": "recorded",
            "other_reason": "00",
            "employed_at_exit": "yes",
            "exit_job_legacy_id": "J-1",
            "exit_note_legacy_id": "N-32",
            "exit_recorded_by": "planner_a",
            "exit_recorded_at": "2026-03-13T10:00",
        },
    )


def follow_up(quarter: str, due: str, **extra: str) -> dict:
    return {
        "customer_legacy_id": "C-3",
        "period_entered_on": "2025-09-15",
        "quarter": quarter,
        "due_on": due,
        **extra,
    }


def clean_follow_ups() -> list[dict]:
    """The first quarter done, the second overdue, the third not yet due; the fourth is
    left out (the import schedules it)."""
    return [
        follow_up(
            "1",
            "2026-06-30",
            done_on="2026-06-22",
            employed="yes",
            employer="Prairie Fabrication",
            hourly_wage="19.25",
            in_education="no",
            note_legacy_id="N-33",
        ),
        follow_up("2", "2026-09-30"),
        follow_up("3", "12/31/2026"),
    ]


FILES = {
    EMPLOYER_CONTACTS: clean_contacts,
    JOBS: clean_jobs,
    PLACEMENTS: clean_placements,
    CREDENTIALS: clean_credentials,
    SKILL_GAINS: clean_skill_gains,
    PERIODS: clean_periods,
    FOLLOW_UPS: clean_follow_ups,
}


def employment_files(directory: Path, **given: list[dict]) -> Path:
    """The case file with Oriel, her services and notes (her exit note N-32 and her
    first follow-up's N-33) and Marisol's placement follow-up note N-20; then the
    employment files, each as given (by its name without .csv) or clean; an empty list
    leaves the file out."""
    case_file(directory)
    write(directory, CUSTOMERS, [MARISOL, DOV, ORIEL])
    services = read_rows(directory / SERVICES) + [
        service("S-30", "C-3", "211", "2025-09-15", ended_on="2025-09-15", entered_at="2025-09-15"),
        service("S-31", "C-3", "211", "2026-03-12", ended_on="2026-03-12", entered_at="2026-03-12"),
    ]
    write(directory, SERVICES, services)
    notes = read_rows(directory / NOTES) + [
        note("N-30", "C-3", "2025-09-15", "S-30"),
        note("N-31", "C-3", "2026-03-12", "S-31"),
        note(
            "N-32",
            "C-3",
            "2026-03-13",
            subject="Exit",
            body="Employed full time at the exit; services complete.",
            two_way="no",
            note_type="exit",
        ),
        note(
            "N-33",
            "C-3",
            "2026-06-22",
            subject="Follow-Up/Quarter 1 after exit",
            body="Still employed, with a raise.",
            contact_method="phone",
            note_type="follow_up",
        ),
        note(
            "N-20",
            "C-1",
            "2026-11-05",
            subject="Follow-Up/On-the-job training day 30",
            body="The supervisor reports steady progress.",
            contact_method="phone",
            note_type="follow_up",
        ),
    ]
    write(directory, NOTES, notes)
    for name, clean in FILES.items():
        rows = given.get(name.removesuffix(".csv"))
        rows = clean() if rows is None else rows
        if rows:
            write(directory, name, rows, list(COLUMNS[name]))
    return directory


def employment_counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            EmployerContact,
            Employment,
            Placement,
            Credential,
            SkillGain,
            Period,
            FollowUp,
        )
    )


# --- A clean import ----------------------------------------------------------------


def test_employment_is_imported_as_it_stands(world: World, tmp_path: Path):
    out = run(employment_files(tmp_path), "--as-of", AS_OF)

    contact = EmployerContact.objects.get()
    assert (contact.customer.legacy_id, contact.employer, contact.method, contact.outcome) == (
        "C-1",
        "Lakeview Care Center",
        "phone",
        "interview",
    )
    assert contact.service == ServiceRecord.objects.get(legacy_id="S-4")
    # Entered on its day (noon in Chicago), so not late.
    assert contact.entered_at == datetime.datetime(2026, 10, 28, 12, tzinfo=CDT)
    assert (contact.entered_by, contact.entered_late) == (world.planner_a, False)

    job = Employment.objects.get(legacy_id="J-1")
    assert (job.customer.legacy_id, job.job_title, job.onet_code, job.started_on) == (
        "C-3",
        "Welder helper",
        "51-4121.00",
        D(2026, 3, 2),
    )
    assert (job.hourly_wage, job.hours_per_week, job.full_time, job.training_related) == (
        Decimal("18.50"),
        Decimal("40.0"),
        True,
        True,
    )
    assert job.entered_at == datetime.datetime(2026, 3, 4, 9, 15, tzinfo=CST)
    assert job.entered_late is False

    placement = Placement.objects.get(legacy_id="PL-1")
    assert (placement.kind, placement.status, placement.status_changed_on) == (
        "ojt",
        "started",
        D(2026, 10, 5),
    )
    assert (placement.hourly_wage, placement.subsidized_wage) == (
        Decimal("17.00"),
        Decimal("8.50"),
    )
    # Entered 20 days after the start: late, as the entry rule finds it.
    assert placement.entered_late is True
    follow_ups = list(placement.follow_ups.order_by("day"))
    assert [(f.day, f.due_on) for f in follow_ups] == [
        (30, D(2026, 11, 4)),
        (60, D(2026, 12, 4)),
        (90, D(2027, 1, 3)),
        (180, D(2027, 4, 3)),
        (270, D(2027, 7, 2)),
    ]
    day_30 = follow_ups[0]
    assert (day_30.done_on, day_30.note.legacy_id, day_30.recorded_by) == (
        D(2026, 11, 5),
        "N-20",
        world.planner_a,  # the note's author
    )
    assert all(f.done_on is None and f.note is None for f in follow_ups[1:])

    credential = Credential.objects.get()
    assert (credential.credential_type, credential.name, credential.attained_on) == (
        5,
        "Certified Nursing Assistant",
        D(2026, 11, 10),
    )
    assert credential.training.legacy_id == "S-4"
    assert credential.entered_late is False  # as given
    gain = SkillGain.objects.get()
    assert (gain.kind, gain.achieved_on, gain.entered_at) == ("milestone", D(2026, 10, 30), NOW)
    assert gain.entered_late is True  # entered now, 21 days after

    # Marisol's period is open; Oriel's ended on her exit, employed at the job J-1.
    marisol = Period.objects.get(customer__legacy_id="C-1")
    assert (marisol.entered_on, marisol.exited_on, marisol.exit_kind) == (D(2026, 9, 5), None, "")
    oriel = Period.objects.get(customer__legacy_id="C-3")
    assert (oriel.entered_on, oriel.exited_on, oriel.exit_kind, oriel.other_reason) == (
        D(2025, 9, 15),
        D(2026, 3, 12),
        "recorded",
        "00",
    )
    assert (oriel.employed_at_exit, oriel.exit_job, oriel.exit_note.legacy_id) == (
        True,
        job,
        "N-32",
    )
    assert (oriel.exit_recorded_by, oriel.exit_recorded_at) == (
        world.planner_a,
        datetime.datetime(2026, 3, 13, 10, tzinfo=CDT),
    )
    # The notes are linked, not written again.
    assert not CaseNote.objects.filter(legacy_id__isnull=True, note_type__in=["exit", "follow_up"])

    quarterly = list(oriel.follow_ups.order_by("quarter"))
    assert [(f.quarter, f.due_on, f.done_on) for f in quarterly] == [
        (1, D(2026, 6, 30), D(2026, 6, 22)),
        (2, D(2026, 9, 30), None),
        (3, D(2026, 12, 31), None),
        (4, D(2027, 3, 31), None),  # not in the file: scheduled as an exit schedules it
    ]
    first = quarterly[0]
    assert (first.employed, first.employer, first.hourly_wage, first.in_education) == (
        True,
        "Prairie Fabrication",
        Decimal("19.25"),
        False,
    )
    assert (first.note.legacy_id, first.recorded_by) == ("N-33", world.planner_a)

    assert f"{EMPLOYER_CONTACTS}: 1 created, 0 already imported, 0 skipped" in out
    assert f"{JOBS}: 1 created" in out and f"{PLACEMENTS}: 1 created" in out
    assert f"{CREDENTIALS}: 1 created" in out and f"{SKILL_GAINS}: 1 created" in out
    assert f"{PERIODS}: 2 created" in out
    assert f"{FOLLOW_UPS}: 3 created, 0 already imported, 0 skipped" in out
    assert_no_pii(out)
    for private in PRIVATE:
        assert private not in out, private


def test_the_rules_read_the_imported_follow_ups_and_entries(world: World, tmp_path: Path):
    run(employment_files(tmp_path), "--as-of", AS_OF)

    # Oriel's second quarter is overdue; the third is not due soon yet.
    follow_up_alerts = Alert.objects.filter(rule=Rule.FOLLOW_UP_DUE, resolved_at__isnull=True)
    assert [(a.customer.legacy_id, a.state, a.due_on) for a in follow_up_alerts] == [
        ("C-3", State.OVERDUE, D(2026, 9, 30))
    ]
    # The placement entered late is flagged by the 10-day entry rule.
    placement = Placement.objects.get(legacy_id="PL-1")
    late = Alert.objects.get(rule=Rule.ENTRY_10, subject_type="placement")
    assert (late.subject_id, late.state, late.due_on) == (placement.pk, State.LATE, D(2026, 10, 15))


def test_employment_is_imported_once(world: World, tmp_path: Path):
    employment_files(tmp_path)
    run(tmp_path, "--as-of", AS_OF)
    counts = employment_counts()

    out = run(tmp_path, "--as-of", AS_OF)

    assert counts == (1, 1, 1, 1, 1, 2, 4)
    assert employment_counts() == counts
    assert f"{EMPLOYER_CONTACTS}: 0 created, 1 already imported, 0 skipped" in out
    assert f"{JOBS}: 0 created, 1 already imported, 0 skipped" in out
    assert f"{PLACEMENTS}: 0 created, 1 already imported, 0 skipped" in out
    assert f"{CREDENTIALS}: 0 created, 1 already imported, 0 skipped" in out
    assert f"{SKILL_GAINS}: 0 created, 1 already imported, 0 skipped" in out
    assert f"{PERIODS}: 0 created, 2 already imported, 0 skipped" in out
    assert f"{FOLLOW_UPS}: 0 created, 3 already imported, 0 skipped" in out


def test_later_files_may_refer_to_jobs_periods_and_notes_imported_before(
    world: World, tmp_path: Path
):
    first, second = tmp_path / "first", tmp_path / "second"
    employment_files(first, follow_ups=[follow_up("2", "2026-09-30")])
    run(first, "--as-of", AS_OF)
    second.mkdir()
    done = follow_up("1", "2026-06-30", done_on="2026-06-22", employed="yes", note_legacy_id="N-33")
    write(second, FOLLOW_UPS, [done], list(COLUMNS[FOLLOW_UPS]))

    out = run(second, "--as-of", AS_OF)

    # Quarter 1 was left out of the first folder, so it was scheduled, not done; done
    # since, the second folder's row records it.
    assert f"{FOLLOW_UPS}: 1 created, 0 already imported, 0 skipped" in out
    recorded = FollowUp.objects.get(customer__legacy_id="C-3", quarter=1)
    assert (recorded.done_on, recorded.employed, recorded.note.legacy_id) == (
        D(2026, 6, 22),
        True,
        "N-33",
    )
    assert FollowUp.objects.filter(customer__legacy_id="C-3").count() == 4


# --- Periods and statuses after the import -------------------------------------------


def test_periods_and_statuses_agree_after_the_import(world: World, tmp_path: Path):
    run(employment_files(tmp_path), "--as-of", AS_OF)
    oriel = Customer.objects.get(legacy_id="C-3")
    marisol = Customer.objects.get(legacy_id="C-1")
    assert (oriel.status, oriel.exit_date) == (Status.FOLLOW_UP, D(2026, 3, 12))
    assert marisol.status == Status.PARTICIPANT
    period = Period.objects.get(customer=oriel)

    # The product's own sync keeps the imported periods whole and adds none.
    assert period_sync(oriel) == period
    assert period_sync(marisol) == Period.objects.get(customer=marisol)
    assert Period.objects.count() == 2 and FollowUp.objects.count() == 4

    # The follow-up year ends on 2027-03-31: the next day the file closes.
    statuses_follow_the_calendar(on=D(2027, 3, 31))
    assert Customer.objects.get(pk=oriel.pk).status == Status.FOLLOW_UP
    statuses_follow_the_calendar(on=D(2027, 4, 1))
    assert Customer.objects.get(pk=oriel.pk).status == Status.CLOSED
    period.refresh_from_db()
    assert (period.closed_on, period.close_reason) == (D(2027, 4, 1), "Follow-up year ended")
    assert Period.objects.count() == 2 and FollowUp.objects.count() == 4


def test_without_periods_the_product_makes_them_from_the_services_and_the_exit(
    world: World, tmp_path: Path
):
    employment_files(tmp_path, periods=[], follow_ups=[])
    run(tmp_path, "--skip-invalid", "--as-of", AS_OF)
    oriel = Customer.objects.get(legacy_id="C-3")
    assert not Period.objects.filter(customer=oriel).exists()

    statuses_follow_the_calendar(on=D(2026, 11, 20))

    period = Period.objects.get(customer=oriel)
    assert (period.entered_on, period.exited_on, period.exit_kind) == (
        D(2025, 9, 15),
        D(2026, 3, 12),
        "recorded",
    )
    assert sorted(period.follow_ups.values_list("quarter", flat=True)) == [1, 2, 3, 4]


def test_a_closed_file_keeps_its_closing(world: World, tmp_path: Path):
    periods = clean_periods()
    periods[1].update(closed_on="2026-08-01", close_reason="Moved to Peoria")
    oriel = {**ORIEL, "status": "closed"}
    employment_files(tmp_path, periods=periods)
    write(tmp_path, CUSTOMERS, [MARISOL, DOV, oriel])

    out = run(tmp_path, "--as-of", AS_OF)

    period = Period.objects.get(customer__legacy_id="C-3")
    assert (period.closed_on, period.close_reason) == (D(2026, 8, 1), "Moved to Peoria")
    assert Customer.objects.get(legacy_id="C-3").status == Status.CLOSED
    # A closed file raises no follow-up alert.
    assert not Alert.objects.filter(rule=Rule.FOLLOW_UP_DUE).exists()
    assert "Peoria" not in out


# --- Refusals ------------------------------------------------------------------------


def _changed(rows: list[dict], index: int, **changes: str) -> list[dict]:
    rows = [dict(r) for r in rows]
    rows[index].update(changes)
    return rows


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            {"periods": _changed(clean_periods(), 1, exited_on="2025-09-01")},
            f"{PERIODS} line 3: exited_on: The exit cannot come before the entry (09/15/2025).",
        ),
        (
            {
                "periods": [
                    *clean_periods(),
                    {"customer_legacy_id": "C-3", "entered_on": "2026-01-05"},
                ]
            },
            f"{PERIODS} line 4: entered_on: It overlaps the customer's period from 09/15/2025: "
            "periods of participation follow one another.",
        ),
        (
            {"periods": _changed(clean_periods(), 0, other_reason="02")},
            f"{PERIODS} line 2: other_reason: Only a period with an exit has it",
        ),
        (
            {"periods": _changed(clean_periods(), 1, employed_at_exit="no")},
            f"{PERIODS} line 3: exit_job_legacy_id: Name the job held at exit only when the "
            "customer was employed.",
        ),
        (
            {"jobs": _changed(clean_jobs(), 0, customer_legacy_id="C-1")},
            f"{PERIODS} line 3: exit_job_legacy_id: The job belongs to another customer.",
        ),
        (
            {"periods": _changed(clean_periods(), 1, exit_note_legacy_id="N-6")},
            f"{PERIODS} line 3: exit_note_legacy_id: The case note belongs to another customer.",
        ),
        (
            {"periods": _changed(clean_periods(), 1, exit_note_legacy_id="N-33")},
            f"{FOLLOW_UPS} line 2: note_legacy_id: The case note is linked to another "
            "follow-up or exit already.",
        ),
        (
            {"periods": _changed(clean_periods(), 1, other_reason="07")},
            f"{PERIODS} line 3: other_reason: the value is not one of 00, 01, 02, 03, 04, 05, 06; "
            "the value is not shown because it is personal",
        ),
        (
            {"follow_ups": _changed(clean_follow_ups(), 1, quarter="5")},
            f"{FOLLOW_UPS} line 3: quarter: Follow-up runs in the 4 quarters after the exit "
            "quarter: give 1 to 4.",
        ),
        (
            {"follow_ups": _changed(clean_follow_ups(), 0, due_on="2026-06-15")},
            f"{FOLLOW_UPS} line 2: due_on: The follow-up of quarter 1 after an exit on "
            "03/12/2026 is due on 06/30/2026, the end of that quarter.",
        ),
        (
            {"follow_ups": _changed(clean_follow_ups(), 1, employed="yes")},
            f"{FOLLOW_UPS} line 3: done_on: What a follow-up found is recorded once it is "
            "done: give its date.",
        ),
        (
            {"follow_ups": _changed(clean_follow_ups(), 0, done_on="2026-03-01")},
            f"{FOLLOW_UPS} line 2: done_on: A follow-up is done after the exit (03/12/2026).",
        ),
        (
            {"follow_ups": _changed(clean_follow_ups(), 0, note_legacy_id="N-6")},
            f"{FOLLOW_UPS} line 2: note_legacy_id: The case note belongs to another customer.",
        ),
        (
            {"follow_ups": [follow_up("1", "2026-12-31", period_entered_on="2025-09-16")]},
            f"{FOLLOW_UPS} line 2: period_entered_on: customer legacy id C-3 has no period of "
            "participation entered on 2025-09-16",
        ),
        (
            {
                "follow_ups": [
                    follow_up(
                        "1", "2026-12-31", customer_legacy_id="C-1", period_entered_on="2026-09-05"
                    )
                ]
            },
            f"{FOLLOW_UPS} line 2: period_entered_on: The period has no exit: follow-up starts "
            "after the exit.",
        ),
        (
            {"follow_ups": [*clean_follow_ups(), follow_up("1", "2026-06-30")]},
            f"{FOLLOW_UPS} line 5: the same customer, period and quarter is given twice (first "
            "on line 2)",
        ),
        (
            {"placements": _changed(clean_placements(), 0, hourly_wage="-1.00")},
            f"{PLACEMENTS} line 2 (legacy id PL-1): hourly_wage: The hourly wage is $0.00 or more.",
        ),
        (
            {"placements": _changed(clean_placements(), 0, subsidized_wage="17.50")},
            f"{PLACEMENTS} line 2 (legacy id PL-1): subsidized_wage: The subsidised part cannot "
            "be more than the hourly wage.",
        ),
        (
            {"placements": _changed(clean_placements(), 0, follow_up_30_done_on="")},
            f"{PLACEMENTS} line 2 (legacy id PL-1): follow_up_30_note_legacy_id: Only a "
            "follow-up that was done has a case note.",
        ),
        (
            {"placements": _changed(clean_placements(), 0, follow_up_60_done_on="2026-11-25")},
            f"{PLACEMENTS} line 2 (legacy id PL-1): follow_up_60_done_on: The follow-up date "
            "cannot be in the future.",
        ),
        (
            {"placements": _changed(clean_placements(), 0, follow_up_30_note_legacy_id="N-6")},
            f"{PLACEMENTS} line 2 (legacy id PL-1): follow_up_30_note_legacy_id: The case note "
            "belongs to another customer.",
        ),
        (
            {"credentials": _changed(clean_credentials(), 0, credential_type="9")},
            f"{CREDENTIALS} line 2: credential_type: '9' is not a PIRL 1800 credential code "
            "(1 Secondary school diploma or equivalency;",
        ),
        (
            {"credentials": _changed(clean_credentials(), 0, training_service_legacy_id="S-5")},
            f"{CREDENTIALS} line 2: training_service_legacy_id: The training belongs to another "
            "customer.",
        ),
        (
            {"credentials": _changed(clean_credentials(), 0, training_service_legacy_id="S-3")},
            f"{CREDENTIALS} line 2: training_service_legacy_id: Choose the training that led to "
            "it; 201 is not a training service.",
        ),
        (
            {"employer_contacts": _changed(clean_contacts(), 0, service_legacy_id="S-5")},
            f"{EMPLOYER_CONTACTS} line 2: service_legacy_id: The service belongs to another "
            "customer.",
        ),
        (
            {"jobs": _changed(clean_jobs(), 0, ended_on="2026-02-01")},
            f"{JOBS} line 2 (legacy id J-1): ended_on: The job cannot end before it starts.",
        ),
        (
            {"jobs": _changed(clean_jobs(), 0, entered_at="2026-12-01")},
            f"{JOBS} line 2 (legacy id J-1): entered_at: It cannot be in the future.",
        ),
        (
            {"jobs": [*clean_jobs(), *_changed(clean_jobs(), 0, started_on="2026-04-01")]},
            f"{JOBS} line 3 (legacy id J-1): legacy id J-1 is given twice (first on line 2)",
        ),
        (
            {
                "skill_gains": [
                    *clean_skill_gains(),
                    *_changed(clean_skill_gains(), 0, description="x"),
                ]
            },
            f"{SKILL_GAINS} line 3: the same customer, kind and date achieved is given twice "
            "(first on line 2)",
        ),
        (
            {"skill_gains": _changed(clean_skill_gains(), 0, achieved_on="2026-12-01")},
            f"{SKILL_GAINS} line 2: achieved_on: The date achieved cannot be in the future.",
        ),
    ],
    ids=[
        "exit-before-entry",
        "periods-overlap",
        "exit-details-without-an-exit",
        "job-at-exit-when-not-employed",
        "job-of-another-customer",
        "exit-note-of-another-customer",
        "note-linked-twice",
        "not-a-923-code",
        "quarter-outside-1-4",
        "due-date-not-the-rules",
        "found-without-done",
        "done-before-the-exit",
        "follow-up-note-of-another-customer",
        "unknown-period",
        "follow-up-of-an-open-period",
        "the-same-quarter-twice",
        "placement-wage-below-0",
        "subsidy-above-the-wage",
        "placement-note-without-done",
        "placement-follow-up-in-the-future",
        "placement-note-of-another-customer",
        "not-a-pirl-credential-type",
        "training-of-another-customer",
        "training-not-a-training",
        "contact-service-of-another-customer",
        "job-ends-before-it-starts",
        "entered-in-the-future",
        "job-legacy-id-twice",
        "skill-gain-twice",
        "skill-gain-in-the-future",
    ],
)
def test_contradictions_load_nothing_and_name_the_rule(
    world: World, tmp_path: Path, given: dict, expected: str
):
    employment_files(tmp_path, **given)

    out, _error = run_failing(tmp_path, "--as-of", AS_OF)

    assert expected in out, out
    assert_no_pii(out)
    for private in PRIVATE:
        assert private not in out, private
    assert imported_counts() == (0, 0, 0)
    assert employment_counts() == (0, 0, 0, 0, 0, 0, 0)


def test_with_skip_invalid_a_refused_job_skips_its_period_and_follow_ups(
    world: World, tmp_path: Path
):
    employment_files(tmp_path, jobs=_changed(clean_jobs(), 0, hourly_wage="0"))

    out = run(tmp_path, "--skip-invalid", "--as-of", AS_OF)

    assert f"{JOBS} line 2 (legacy id J-1): hourly_wage: The hourly wage is more than $0.00." in out
    assert f"{PERIODS} line 3: job legacy id J-1 was not imported (see {JOBS} line 2)" in out
    assert (
        f"{FOLLOW_UPS} line 2: the period of customer legacy id C-3 entered on 2025-09-15 was "
        f"not imported (see {PERIODS} line 3)" in out
    )
    assert f"{PERIODS}: 1 created, 0 already imported, 1 skipped" in out
    assert f"{FOLLOW_UPS}: 0 created, 0 already imported, 3 skipped" in out
    assert f"{PLACEMENTS}: 1 created" in out
    assert not Period.objects.filter(customer__legacy_id="C-3").exists()
    assert_no_pii(out)
    for private in PRIVATE:
        assert private not in out, private


def test_a_refused_follow_up_corrected_and_given_again_is_recorded(world: World, tmp_path: Path):
    follow_ups = _changed(clean_follow_ups(), 0, due_on="2026-06-15")
    employment_files(tmp_path, follow_ups=follow_ups)

    run(tmp_path, "--skip-invalid", "--as-of", AS_OF)
    period = Period.objects.get(customer__legacy_id="C-3")
    # Its quarter is scheduled with the one left out, not done.
    assert list(period.follow_ups.order_by("quarter").values_list("quarter", "done_on")) == [
        (1, None),
        (2, None),
        (3, None),
        (4, None),
    ]

    write(tmp_path, FOLLOW_UPS, clean_follow_ups(), list(COLUMNS[FOLLOW_UPS]))
    out = run(tmp_path, "--as-of", AS_OF)

    assert f"{FOLLOW_UPS}: 1 created, 2 already imported, 0 skipped" in out
    assert period.follow_ups.get(quarter=1).done_on == D(2026, 6, 22)
    assert sorted(period.follow_ups.values_list("quarter", flat=True)) == [1, 2, 3, 4]
