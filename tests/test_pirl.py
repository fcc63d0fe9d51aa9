"""The federal participant record (PIRL) of a quarter: the rows, the file, the command,
and the cross-field rules."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bulkdata.pirl import (
    HEADER,
    pirl_problems,
    pirl_rows,
    quarter_bounds,
    training_type,
    write_pirl_csv,
)
from customers.models import Customer
from employment.models import FollowUp, Period
from employment.services import (
    credential_create,
    employment_create,
    exit_record,
    follow_up_record,
    skill_gain_create,
)
from plans.models import Step
from services.models import Activity, ServiceRecord
from services.services import NoteDraft, service_record_close, service_record_create
from supportive.services import po_issue
from tests.conftest import World
from tests.factories import certify, make_customer
from tests.supportive_factory import draft, ready_for_po

NOW = datetime.datetime(2026, 11, 20, 17, tzinfo=datetime.UTC)
LATER = datetime.datetime(2027, 4, 15, 17, tzinfo=datetime.UTC)  # Q1 2027 has ended
MADE_ON = datetime.date(2027, 4, 15)
Q4_2026 = quarter_bounds("2026Q4")
DATE = re.compile(r"[0-9]{8}")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def same_day(customer: Customer, code: str, day: datetime.date, user) -> ServiceRecord:  # noqa: ANN001
    return service_record_create(
        customer=customer,
        activity=Activity.objects.get(code=code),
        started_on=day,
        ended_on=day,
        entered_by=user,
        note=NoteDraft("Service", "Career planner met the customer.", "in_person", True),
    )


def exited_trainee(world: World) -> Customer:
    """Customer A: IEP 10/05 (205), job search 10/06 (211), occupational skills training
    (300) 10/12-11/13 at an outside provider, a bus pass issued 11/20, a training
    milestone 11/10, a certification 11/13; exited employed on 11/13 (the training's end)."""
    Customer.objects.filter(pk=world.customer_a.pk).update(state="il", postal_code="62701-1234")
    ready = ready_for_po(world)
    customer = Customer.objects.get(pk=world.customer_a.pk)
    po_issue(po=draft(ready, world), user=world.planner_a, expected_version=None)
    same_day(customer, "211", datetime.date(2026, 10, 6), world.planner_a)
    training = service_record_close(
        record=ServiceRecord.objects.get(pk=ready.supports.pk),
        ended_on=datetime.date(2026, 11, 13),
        completion_status="successful",
        closed_by=world.planner_a,
    )
    credential_create(
        customer=customer,
        user=world.planner_a,
        fields={
            "credential_type": 6,
            "name": "Forklift operator certification",
            "attained_on": datetime.date(2026, 11, 13),
            "training": training,
        },
    )
    skill_gain_create(
        customer=customer,
        user=world.planner_a,
        fields={"kind": "milestone", "achieved_on": datetime.date(2026, 11, 10)},
    )
    Step.objects.filter(goal__plan__customer=customer).update(status="complete")
    job = employment_create(
        customer=customer,
        user=world.planner_a,
        fields={
            "employer": "Prairie Distribution",
            "job_title": "Forklift operator",
            "started_on": datetime.date(2026, 11, 16),
            "hourly_wage": Decimal("19.00"),
            "hours_per_week": Decimal("40"),
            "verification": "pay_stub",
        },
    )
    exit_record(
        customer=Customer.objects.get(pk=customer.pk),
        user=world.planner_a,
        employed_at_exit=True,
        other_reason="",
        job=job,
        note_body="Training complete; hired as a forklift operator; quarterly follow-up.",
    )
    return Customer.objects.get(pk=customer.pk)


def participant(world: World, **fields) -> Customer:
    """A customer of office A still participating: job search on 10/20 (211)."""
    customer = certify(
        make_customer(
            office=world.office_a,
            planner=world.planner_a,
            state="IL",
            postal_code="62702",
            **fields,
        )
    )
    same_day(customer, "211", datetime.date(2026, 10, 20), world.planner_a)
    return Customer.objects.get(pk=customer.pk)


@pytest.fixture
def file(world: World, clock) -> dict:  # noqa: ANN001
    """The exited trainee, a veteran still participating (with an SSN on file), office B's
    participant, and the first quarter after the exit followed up, employed, in April."""
    trainee = exited_trainee(world)
    veteran = participant(world, veteran_status="veteran", ssn="123-45-6789")
    certify(world.customer_b)
    same_day(world.customer_b, "211", datetime.date(2026, 10, 21), world.planner_b)
    clock.move_to(LATER)
    follow_up_record(
        follow_up=FollowUp.objects.get(customer=trainee, quarter=1),
        user=world.planner_a,
        done_on=datetime.date(2027, 4, 10),
        employed=True,
        employer="Prairie Distribution",
        hourly_wage=Decimal("19.50"),
        in_education=False,
        supportive_need="",
        note_body="Still at Prairie Distribution, full time.",
    )
    return {"trainee": trainee, "veteran": veteran}


def export(**kwargs) -> list[dict[str, str]]:
    start, end = Q4_2026
    return pirl_rows(quarter_start=start, quarter_end=end, made_on=MADE_ON, **kwargs)


def parse(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return header, [dict(zip(header, line, strict=True)) for line in reader]


def written(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    write_pirl_csv(rows, out)
    return out.getvalue()


def by_number(rows: list[dict[str, str]], customer: Customer) -> dict[str, str]:
    (row,) = [r for r in rows if r["100"] == customer.customer_number]
    return row


def test_the_file_names_each_column_by_its_pirl_number_and_numbers_the_rows(file):
    header, rows = parse(written(export()))

    assert header == HEADER
    assert header[:8] == ["OBS", "100", "101", "103", "200", "300", "900", "901"]
    assert all(re.fullmatch(r"[0-9]{3,4}", number) for number in header[1:])
    assert [row["OBS"] for row in rows] == ["000000001", "000000002", "000000003"]


def test_element_100_is_the_customer_number_and_never_an_ssn(file):
    _header, rows = parse(written(export()))

    assert {row["100"] for row in rows} == set(
        Customer.objects.filter(periods__isnull=False).values_list("customer_number", flat=True)
    )
    for row in rows:
        assert re.fullmatch(r"C[0-9]{7}", row["100"])
        assert not re.fullmatch(r"[0-9]{9}|[0-9]{3}-[0-9]{2}-[0-9]{4}", row["100"])
    assert "123-45-6789" not in written(export()) and "123456789" not in written(export())


def test_dates_are_yyyymmdd_and_no_exit_is_before_its_entry(file):
    _header, rows = parse(written(export()))

    dated = 0
    for row in rows:
        for number in ("200", "900", "901", "1001", "1302", "1308", "1409", "1801", "1809"):
            if row[number]:
                assert DATE.fullmatch(row[number]), (number, row[number])
                datetime.datetime.strptime(row[number], "%Y%m%d")
                dated += 1
        if row["901"]:
            assert row["901"] >= row["900"]
    assert dated >= 12


def test_the_exited_trainees_row_carries_the_training_credential_and_follow_up(file):
    row = by_number(parse(written(export()))[1], file["trainee"])

    assert {k: row[k] for k in ("101", "103", "200", "300", "900", "901", "923")} == {
        "101": "IL",
        "103": "62701",
        "200": "19900517",
        "300": "0",
        "900": "20261005",  # the IEP (205), the first enrolling service
        "901": "20261113",  # the training's end, the last enrolling service
        "923": "00",
    }
    assert (row["903"], row["904"], row["905"]) == ("1", "0", "0")
    assert (row["1001"], row["1003"], row["1004"]) == ("20261006", "20261006", "20261006")
    assert (row["1200"], row["1201"]) == ("20261005", "20261005")
    assert {k: row[k] for k in ("1300", "1301", "1302", "1303", "1307", "1308")} == {
        "1300": "1",
        "1301": "Lincoln Land Community College",
        "1302": "20261012",
        "1303": "06",  # 300 occupational skills training
        "1307": "1",
        "1308": "20261113",
    }
    assert row["1309"] == row["1310"] == ""
    assert (row["1800"], row["1801"], row["1802"], row["1803"]) == ("6", "20261113", "", "")
    assert (row["1809"], row["1806"]) == ("20261110", "")
    assert row["1409"] == "20261120"
    # Quarter 1 after the exit quarter ended on 3/31 and was followed up: employed. The
    # later quarters have not ended by 4/15.
    assert (row["1600"], row["1602"], row["1604"], row["1606"]) == ("1", "9", "9", "9")


def test_a_quarter_after_exit_that_has_not_ended_is_not_yet_available(file):
    start, end = Q4_2026
    rows = pirl_rows(quarter_start=start, quarter_end=end, made_on=datetime.date(2027, 3, 31))

    assert by_number(rows, file["trainee"])["1600"] == "9"


def test_post_exit_fields_are_blank_without_an_exit(file):
    row = by_number(parse(written(export()))[1], file["veteran"])

    assert row["901"] == row["923"] == row["1412"] == ""
    assert all(row[n] == "" for n in ("1600", "1602", "1604", "1606"))
    assert (row["300"], row["900"], row["1300"], row["1302"], row["1303"]) == (
        "1",
        "20261020",
        "0",
        "",
        "",
    )


def test_good_data_breaks_no_cross_field_rule(file):
    rows = export()

    assert len(rows) == 3
    assert pirl_problems(rows, MADE_ON) == []


def test_a_period_outside_the_quarter_is_not_in_its_file(file):
    start, end = quarter_bounds("2027Q1")
    q1 = pirl_rows(quarter_start=start, quarter_end=end, made_on=MADE_ON)
    start, end = quarter_bounds("2026Q3")
    q3 = pirl_rows(quarter_start=start, quarter_end=end, made_on=MADE_ON)

    # Exited 11/13/2026: not in 2027Q1; entered in October: not in 2026Q3.
    assert file["trainee"].customer_number not in {r["100"] for r in q1}
    assert file["veteran"].customer_number in {r["100"] for r in q1}
    assert q3 == []


def test_a_new_participant_gets_the_period_the_file_reads(world: World, clock):
    customer = participant(world)
    assert not Period.objects.filter(customer=customer).exists()

    rows = export()

    assert Period.objects.get(customer=customer).entered_on == datetime.date(2026, 10, 20)
    assert by_number(rows, customer)["900"] == "20261020"


def test_the_rows_take_a_fixed_number_of_queries(file, world: World):
    export()  # brings every period in step first
    with CaptureQueriesContext(connection) as few:
        export()
    for _ in range(3):
        participant(world)
    export()
    with CaptureQueriesContext(connection) as more:
        rows = export()

    assert len(rows) == 6
    assert len(more.captured_queries) == len(few.captured_queries) <= 8


@pytest.mark.parametrize(
    ("code", "activity_program", "programs", "expected"),
    [
        ("300", "adult_dw", ["adult"], "06"),
        ("300", "adult_dw", ["dw"], "06"),
        ("300", "adult_dw", ["youth"], "10"),
        ("300", "adult_dw", ["youth", "adult"], "06"),
        ("301", "adult_dw", ["adult"], "01"),
        ("399", "youth", ["youth"], "10"),
        ("399", "adult_dw", ["adult"], ""),  # unmapped: R-TRN reports the row
    ],
)
def test_the_training_type_comes_from_the_matrix(code, activity_program, programs, expected):
    assert training_type(code=code, activity_program=activity_program, programs=programs) == (
        expected
    )


def test_a_quarter_is_written_yyyyqn():
    assert quarter_bounds("2026Q2") == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    assert quarter_bounds("2026q4") == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    for bad in ("2026Q5", "2026-Q2", "26Q2", "Q2 2026", ""):
        with pytest.raises(ValueError, match="YYYYQn"):
            quarter_bounds(bad)


# --- The command -------------------------------------------------------------------------


def test_the_command_writes_the_same_file(file, tmp_path):
    target = tmp_path / "pirl.csv"
    err = io.StringIO()

    call_command("export_pirl", "--quarter", "2026Q4", "--output", str(target), stderr=err)

    assert target.read_bytes().decode("utf-8") == written(export())
    assert "Wrote 3 PIRL rows for 2026Q4" in err.getvalue()
    assert "0 problems" in err.getvalue()


def test_the_command_writes_to_standard_output_for_one_office(file):
    out, err = io.StringIO(), io.StringIO()

    call_command("export_pirl", "--quarter", "2026Q4", "--office", "B", stdout=out, stderr=err)

    _header, rows = parse(out.getvalue())
    assert [row["100"] for row in rows] == [Customer.objects.get(office__code="B").customer_number]
    assert rows[0]["OBS"] == "000000001"


def test_the_command_reports_problems_and_still_writes_the_file(file):
    # A customer enrolled in no Title I program breaks R-FUND.
    Customer.objects.filter(pk=file["veteran"].pk).update(programs=[])
    out, err = io.StringIO(), io.StringIO()

    call_command("export_pirl", "--quarter", "2026Q4", stdout=out, stderr=err)

    assert len(parse(out.getvalue())[1]) == 3
    assert f"({file['veteran'].customer_number}): R-FUND" in err.getvalue()
    assert "1 problem with the cross-field rules" in err.getvalue()


def test_the_command_refuses_a_bad_quarter_or_office(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYYQn"):
        call_command("export_pirl", "--quarter", "2026-2")
    with pytest.raises(CommandError, match="No office has the code"):
        call_command("export_pirl", "--quarter", "2026Q2", "--office", "ZZ")


# --- The cross-field rules ----------------------------------------------------------------

GOOD = {
    **dict.fromkeys(HEADER, ""),
    "OBS": "000000001",
    "100": "C0000001",
    "101": "IL",
    "103": "62701",
    "200": "19900517",
    "300": "0",
    "900": "20261005",
    "901": "20261113",
    "903": "1",
    "904": "0",
    "905": "0",
    "923": "00",
    "1001": "20261006",
    "1003": "20261006",
    "1004": "20261006",
    "1200": "20261005",
    "1201": "20261005",
    "1300": "1",
    "1301": "Lincoln Land Community College",
    "1302": "20261012",
    "1303": "06",
    "1307": "1",
    "1308": "20261113",
    "1600": "1",
    "1602": "9",
    "1604": "9",
    "1606": "9",
    "1800": "6",
    "1801": "20261113",
    "1809": "20261110",
}


def rules(rows: list[dict[str, str]]) -> set[str]:
    return {problem.rule for problem in pirl_problems(rows, MADE_ON)}


def test_the_good_row_breaks_no_rule():
    assert pirl_problems([GOOD, {**GOOD, "OBS": "000000002", "100": "C0000002"}], MADE_ON) == []


@pytest.mark.parametrize(
    ("rule", "broken"),
    [
        ("R-REQ", {"100": ""}),
        ("R-REQ", {"900": ""}),
        ("R-SSN", {"100": "123456789"}),
        ("R-SSN", {"100": "123-45-6789"}),
        ("R-EXIT", {"901": "20261001", "1302": "", "1303": "", "1300": "0", "1308": ""}),
        ("R-DOB", {"200": "20270101"}),
        ("R-DOB", {"200": "18800101"}),
        ("R-NOEXIT", {"901": "", "923": ""}),  # 1600-1606 still filled
        ("R-NOEXIT", {"901": "", "923": "03", "1600": "", "1602": "", "1604": "", "1606": ""}),
        ("R-FUND", {"903": "0"}),
        ("R-TRN", {"1303": "00"}),
        ("R-TRN", {"1302": ""}),
        ("R-TRN", {"1300": "0"}),
        ("R-TRNDATE", {"1308": "20261011"}),
        ("R-TRNDATE", {"1302": "20261114", "1308": "20261120"}),
        ("R-CRED", {"1801": ""}),
        ("R-CRED", {"1800": ""}),
        ("R-CRED", {"1800": "0"}),
        ("R-ORDER", {"1004": "20261005"}),
        ("R-ORDER", {"1201": "20261004", "1200": "20261005"}),
        ("R-FUTURE", {"1801": "20270416"}),
        ("R-DATE", {"200": "1990-05-17"}),
    ],
)
def test_each_cross_field_rule_is_caught(rule: str, broken: dict[str, str]):
    found = pirl_problems([{**GOOD, **broken}], MADE_ON)

    assert {p.rule for p in found} == {rule}, found
    assert all(p.obs == "000000001" for p in found)


def test_two_rows_of_one_period_break_r_dup():
    found = pirl_problems([GOOD, {**GOOD, "OBS": "000000002"}], MADE_ON)

    assert [(p.rule, p.obs) for p in found] == [("R-DUP", "000000002")]
    assert "OBS 000000001" in found[0].message


def test_the_exported_file_breaks_a_rule_when_its_data_does(file):
    # A training whose end was moved before its start (a hand edit of the database).
    ServiceRecord.objects.filter(customer=file["trainee"], activity__code="300").update(
        ended_on=datetime.date(2026, 10, 11)
    )

    assert rules(export()) == {"R-TRNDATE"}
