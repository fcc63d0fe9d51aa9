"""budget_reviews.csv, referrals.csv and purchase_orders.csv: supportive services come
in as they stand (no cap, approval or referral gate on the past), the referral linked to
its case note, an issued purchase order to the 181 issuing recorded, and the office's
series raised past the numbers imported; what contradicts itself is refused.

Every name is invented; the case file is Marisol's and Dov's from tests/test_import.py
(Marisol's open training is services.csv S-4, a 300 since 2026-09-15).
"""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from bulkdata.legacy_import import BUDGETS, NOTES, PURCHASE_ORDERS, REFERRALS, SERVICES
from casenotes.models import CaseNote
from customers.models import Barrier
from services.models import ServiceRecord
from supportive.models import BudgetReview, POSequence, PurchaseOrder, Referral
from supportive.rules import po_number_parts
from supportive.services import po_create, po_issue
from tests.conftest import World
from tests.supportive_factory import make_vendor
from tests.test_import import (
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
CHICAGO = datetime.timezone(datetime.timedelta(hours=-5))  # CDT ends 1 November
pytestmark = pytest.mark.usefixtures("frozen")

# Private details that must never be repeated in a report.
PRIVATE = ("Oakhollow", "eviction", "SMTD", "FUEL-", "Sangamon", "eyeglasses", "1400")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def vendors(db):
    return make_vendor()  # Metro Transit, which supplies transportation


def budget_review(customer: str, on: str, **extra: str) -> dict:
    return {
        "customer_legacy_id": customer,
        "reviewed_on": on,
        "created_by": extra.pop("created_by", "planner_a"),
        **extra,
    }


def referral(note_id: str, customer: str = "C-1", **extra: str) -> dict:
    return {
        "customer_legacy_id": customer,
        "supportive_type": extra.pop("supportive_type", "transportation"),
        "barrier": extra.pop("barrier", "limited transportation"),
        "organisation": extra.pop("organisation", "Sangamon County Community Action"),
        "referred_on": extra.pop("referred_on", "2026-10-01"),
        "outcome": extra.pop("outcome", "could_not_help"),
        "note_legacy_id": note_id,
        "created_by": extra.pop("created_by", "planner_a"),
        **extra,
    }


def order(legacy_id: str, status: str, **extra: str) -> dict:
    return {
        "legacy_id": legacy_id,
        "customer_legacy_id": extra.pop("customer_legacy_id", "C-1"),
        "program_year": extra.pop("program_year", "2026"),
        "status": status,
        "vendor": extra.pop("vendor", "metro transit"),
        "supportive_type": extra.pop("supportive_type", "transportation"),
        "item": extra.pop("item", "31-day bus pass"),
        "barrier": extra.pop("barrier", "Limited transportation"),
        "supports_service_legacy_id": extra.pop("supports_service_legacy_id", "S-4"),
        "funding_program": extra.pop("funding_program", "adult"),
        "referral": extra.pop("referral", "N-12"),
        "justification": extra.pop("justification", "Bus fare to reach the training."),
        "created_by": extra.pop("created_by", "planner_a"),
        **extra,
    }


BUDGET_COLUMNS = [
    "customer_legacy_id",
    "reviewed_on",
    "income_wages",
    "income_unemployment",
    "income_benefits",
    "expense_housing",
    "expense_transportation",
    "notes",
    "created_by",
]
REFERRAL_COLUMNS = [
    "customer_legacy_id",
    "supportive_type",
    "barrier",
    "organisation",
    "referred_on",
    "outcome",
    "note_legacy_id",
    "created_by",
]
ORDER_COLUMNS = [
    "legacy_id",
    "number",
    "customer_legacy_id",
    "office",
    "program_year",
    "status",
    "vendor",
    "supportive_type",
    "item",
    "quantity",
    "unit_price",
    "amount",
    "card_number",
    "barrier",
    "supports_service_legacy_id",
    "funding_program",
    "referral",
    "no_referral_reason",
    "justification",
    "service_legacy_id",
    "created_by",
    "approved_by",
    "approved_at",
    "issued_by",
    "issued_on",
    "paid_on",
    "invoice_number",
    "amount_paid",
    "void_reason",
    "voided_by",
    "voided_at",
]


def clean_budgets() -> list[dict]:
    return [
        budget_review(
            "C-1",
            "2026-09-30",
            income_wages="900.00",
            income_benefits="230.40",
            expense_housing="850",
            expense_transportation="120.00",
            notes="Rent is due on the 1st; the car is at the Oakhollow garage.",
        ),
        budget_review(
            "C-2",
            "10/02/2026",
            income_unemployment="1400.00",
            expense_housing="1100.00",
            created_by="planner_b",
        ),
    ]


def clean_referrals() -> list[dict]:
    return [referral("N-12")]


def clean_orders() -> list[dict]:
    return [
        # Paid, under the old system's own number.
        order(
            "P-1",
            "paid",
            number="PO 2026-0471",
            quantity="1",
            unit_price="62.00",
            amount="62.00",
            card_number="SMTD-40210",
            service_legacy_id="S-10",
            issued_by="planner_a",
            issued_on="2026-10-05",
            paid_on="2026-10-15",
            invoice_number="INV-2291",
            amount_paid="62.00",
        ),
        # Issued in the office's series, approved first.
        order(
            "P-2",
            "issued",
            number="A-PY26-00012",
            office="A",
            quantity="3",
            unit_price="45.00",
            amount="135.00",
            service_legacy_id="S-11",
            approved_by="supervisor_a",
            approved_at="2026-10-19T15:30",
            issued_by="planner_a",
            issued_on="2026-10-20",
        ),
        # Voided before it was issued.
        order(
            "P-3",
            "voided",
            item="Gas card",
            unit_price="80.00",
            amount="80.00",
            card_number="FUEL-0091",
            void_reason="The customer found a ride with a neighbour.",
            voided_by="supervisor_a",
            voided_at="2026-10-08",
        ),
        # Still a draft: no number, known again by its legacy id.
        order("P-4", "draft", quantity="2", unit_price="62.00", amount="124.00"),
    ]


def supportive_files(
    directory: Path,
    *,
    budgets: list[dict] | None = None,
    referrals: list[dict] | None = None,
    orders: list[dict] | None = None,
) -> Path:
    """The case file, with Marisol's two 181s issuing recorded (S-10, S-11, each with its
    note) and the case note of her referral (N-12)."""
    case_file(directory)
    services = read_rows(directory / SERVICES) + [
        service(
            "S-10",
            "C-1",
            "181",
            "2026-10-05",
            ended_on="2026-10-05",
            provider="outside",
            provider_name="Metro Transit",
            dollar_value="62.00",
        ),
        service(
            "S-11",
            "C-1",
            "181",
            "2026-10-20",
            ended_on="2026-10-20",
            provider="outside",
            provider_name="Metro Transit",
            dollar_value="135.00",
        ),
    ]
    write(directory, SERVICES, services)
    notes = read_rows(directory / NOTES) + [
        note(
            "N-10",
            "C-1",
            "2026-10-05",
            "S-10",
            subject="Supportive Service/Transportation",
            note_type="supportive",
        ),
        note(
            "N-11",
            "C-1",
            "2026-10-20",
            "S-11",
            subject="Supportive Service/Transportation",
            note_type="supportive",
        ),
        note(
            "N-12",
            "C-1",
            "2026-10-01",
            subject="Supportive Service/Referral: Transportation",
            note_type="supportive",
        ),
    ]
    write(directory, NOTES, notes)
    write(directory, BUDGETS, clean_budgets() if budgets is None else budgets, BUDGET_COLUMNS)
    write(
        directory,
        REFERRALS,
        clean_referrals() if referrals is None else referrals,
        REFERRAL_COLUMNS,
    )
    write(directory, PURCHASE_ORDERS, clean_orders() if orders is None else orders, ORDER_COLUMNS)
    return directory


def supportive_counts() -> tuple[int, int, int]:
    return (BudgetReview.objects.count(), Referral.objects.count(), PurchaseOrder.objects.count())


# --- A clean import ----------------------------------------------------------------


def test_supportive_services_are_imported_as_they_stand(world: World, vendors, tmp_path: Path):
    out = run(supportive_files(tmp_path), "--as-of", AS_OF)

    review = BudgetReview.objects.get(customer__legacy_id="C-1")
    assert (review.reviewed_on, review.income, review.expenses, review.shortfall) == (
        datetime.date(2026, 9, 30),
        Decimal("1130.40"),
        Decimal("970.00"),
        0,
    )
    assert review.created_by == world.planner_a and "Oakhollow" in review.notes
    assert BudgetReview.objects.get(customer__legacy_id="C-2").created_by == world.planner_b

    # The referral is linked to its note from case_notes.csv; no note is written again.
    referral_ = Referral.objects.get()
    assert referral_.note == CaseNote.objects.get(legacy_id="N-12")
    assert (referral_.organisation, referral_.outcome, referral_.barrier.name) == (
        "Sangamon County Community Action",
        "could_not_help",
        "Limited transportation",
    )
    assert not CaseNote.objects.filter(legacy_id__isnull=True, subject__contains="Referral")

    orders = {po.legacy_id: po for po in PurchaseOrder.objects.select_related("office")}
    paid, issued, voided, drafted = (orders[f"P-{n}"] for n in range(1, 5))
    assert (paid.status, paid.number, paid.office, paid.program_year) == (
        "paid",
        "PO 2026-0471",  # the old system's number, as it was
        world.office_a,  # the customer's office
        2026,
    )
    assert (paid.amount, paid.amount_paid, paid.paid_on, paid.invoice_number) == (
        Decimal("62.00"),
        Decimal("62.00"),
        datetime.date(2026, 10, 15),
        "INV-2291",
    )
    assert paid.card_number == "SMTD-40210" and paid.referral == referral_
    assert paid.supports == ServiceRecord.objects.get(legacy_id="S-4")
    assert (paid.issued_by, paid.issued_on, paid.issued_at) == (
        world.planner_a,
        datetime.date(2026, 10, 5),
        None,  # the moment is not known, only the day
    )
    assert (issued.status, issued.number, issued.quantity, issued.amount) == (
        "issued",
        "A-PY26-00012",
        3,
        Decimal("135.00"),
    )
    assert issued.approved_by == world.supervisor_a
    assert issued.approved_at == datetime.datetime(2026, 10, 19, 15, 30, tzinfo=CHICAGO)
    assert (voided.status, voided.number, voided.service, voided.voided_by) == (
        "voided",
        None,
        None,
        world.supervisor_a,
    )
    assert voided.void_reason.startswith("The customer found a ride")
    assert (drafted.status, drafted.number, drafted.amount) == ("draft", None, Decimal("124.00"))

    assert f"{BUDGETS}: 2 created, 0 already imported, 0 skipped" in out
    assert f"{REFERRALS}: 1 created, 0 already imported, 0 skipped" in out
    assert f"{PURCHASE_ORDERS}: 4 created, 0 already imported, 0 skipped" in out
    assert_no_pii(out)


def test_the_issued_purchase_orders_are_linked_to_their_services(
    world: World, vendors, tmp_path: Path
):
    run(supportive_files(tmp_path), "--as-of", AS_OF)

    paid = PurchaseOrder.objects.get(legacy_id="P-1")
    s10 = ServiceRecord.objects.get(legacy_id="S-10")
    assert paid.service == s10 and s10.purchase_order == paid
    assert PurchaseOrder.objects.get(legacy_id="P-2").service.legacy_id == "S-11"
    # Linked, not recorded again: the two 181s of services.csv, each with its one note.
    assert ServiceRecord.objects.filter(activity__code="181").count() == 2
    assert [n.legacy_id for n in s10.case_notes.all()] == ["N-10"]


def test_supportive_services_are_imported_once(world: World, vendors, tmp_path: Path):
    supportive_files(tmp_path)
    run(tmp_path, "--as-of", AS_OF)

    out = run(tmp_path, "--as-of", AS_OF)

    assert f"{BUDGETS}: 0 created, 2 already imported, 0 skipped" in out
    assert f"{REFERRALS}: 0 created, 1 already imported, 0 skipped" in out
    # The draft too, by its legacy id.
    assert f"{PURCHASE_ORDERS}: 0 created, 4 already imported, 0 skipped" in out
    assert supportive_counts() == (2, 1, 4)
    assert POSequence.objects.get(office=world.office_a, program_year=2026).last == 12


def test_later_files_may_refer_to_referrals_and_services_imported_before(
    world: World, vendors, tmp_path: Path
):
    first, second = tmp_path / "first", tmp_path / "second"
    supportive_files(first, orders=[])
    run(first, "--as-of", AS_OF)
    second.mkdir()
    write(second, PURCHASE_ORDERS, [clean_orders()[3]], ORDER_COLUMNS)

    out = run(second, "--as-of", AS_OF)

    assert f"{PURCHASE_ORDERS}: 1 created" in out
    drafted = PurchaseOrder.objects.get(legacy_id="P-4")
    assert drafted.referral.note.legacy_id == "N-12"
    assert drafted.supports.legacy_id == "S-4"


# --- The office's series after the import ------------------------------------------


def test_the_series_goes_on_after_the_highest_number_imported(
    world: World, vendors, tmp_path: Path
):
    run(supportive_files(tmp_path), "--as-of", AS_OF)

    # A-PY26-00012 is in office A's series of PY26; PO 2026-0471 is in no series.
    assert list(POSequence.objects.values_list("office__code", "program_year", "last")) == [
        ("A", 2026, 12)
    ]
    # The next purchase order issued there takes the number after it.
    marisol = ServiceRecord.objects.get(legacy_id="S-4").customer
    po = po_create(
        customer=marisol,
        vendor=vendors,
        supportive_type="transportation",
        item="31-day bus pass",
        quantity=1,
        unit_price=Decimal("62.00"),
        barrier=Barrier.objects.get(name="Limited transportation"),
        supports=ServiceRecord.objects.get(legacy_id="S-4"),
        funding_program="adult",
        justification="Bus fare for the last month of training.",
        created_by=world.planner_a,
        referral=Referral.objects.get(),
    )
    assert po_issue(po=po, user=world.planner_a, expected_version=None).number == "A-PY26-00013"


def test_the_series_is_never_lowered_and_other_formats_raise_their_office(
    world: World, vendors, tmp_path: Path
):
    POSequence.objects.create(office=world.office_a, program_year=2026, last=40)
    orders = clean_orders()
    orders[0]["number"] = "B-PY25-00007"  # office B's format, of the year before

    run(supportive_files(tmp_path, orders=orders), "--as-of", AS_OF)

    assert sorted(POSequence.objects.values_list("office__code", "program_year", "last")) == [
        ("A", 2026, 40),
        ("B", 2025, 7),
    ]


@pytest.mark.parametrize(
    ("number", "parts"),
    [
        ("SPR-PY26-00017", ("SPR", 2026, 17)),
        ("SPR-PY25-00003", ("SPR", 2025, 3)),
        ("A-PY27-123456", ("A", 2027, 123456)),
        ("SPR-PY26-17", None),  # not as the series writes it
        ("PO 2026-0471", None),
        ("SPR-PY26-00000", None),
    ],
)
def test_a_number_is_of_a_series_when_written_as_the_series_writes_it(number, parts):
    assert po_number_parts(number, program_year=2026) == parts


# --- Refusals ------------------------------------------------------------------------


def _changed(rows: list[dict], index: int, **changes: str) -> list[dict]:
    rows = [dict(r) for r in rows]
    rows[index].update(changes)
    return rows


@pytest.mark.parametrize(
    ("budgets", "referrals", "orders", "expected"),
    [
        (
            None,
            None,
            _changed(clean_orders(), 0, vendor="Acme Cabs"),
            f"{PURCHASE_ORDERS} line 2 (legacy id P-1): vendor: 'Acme Cabs' is not in the "
            "vendor list; vendors are kept by an administrator, who adds it first",
        ),
        (
            None,
            None,
            _changed(clean_orders(), 1, number="PO 2026-0471"),
            f"{PURCHASE_ORDERS} line 3 (legacy id P-2): number: the same purchase order number "
            "is given twice (first on line 2)",
        ),
        (
            None,
            None,
            _changed(clean_orders(), 2, card_number="SMTD-40210"),
            f"{PURCHASE_ORDERS} line 4 (legacy id P-3): card_number: the same card number is "
            "given twice (first on line 2)",
        ),
        (
            None,
            None,
            _changed(clean_orders(), 1, amount="130.00"),
            f"{PURCHASE_ORDERS} line 3 (legacy id P-2): amount: The amount is the quantity "
            "times the unit price: 3 x $45.00 = $135.00, not $130.00.",
        ),
        (
            None,
            None,
            _changed(clean_orders(), 0, amount_paid="70.00"),
            f"{PURCHASE_ORDERS} line 2 (legacy id P-1): amount_paid: The amount paid cannot be "
            "above the amount issued ($62.00).",
        ),
        (
            None,
            None,
            _changed(clean_orders(), 0, paid_on=""),
            f"{PURCHASE_ORDERS} line 2 (legacy id P-1): paid_on: A paid purchase order has its "
            "payment date.",
        ),
        (
            None,
            None,
            _changed(clean_orders(), 0, paid_on="2026-10-01"),
            f"{PURCHASE_ORDERS} line 2 (legacy id P-1): paid_on: Paid before it was issued "
            "(10/05/2026)?",
        ),
        (
            None,
            None,
            _changed(clean_orders(), 1, service_legacy_id=""),
            f"{PURCHASE_ORDERS} line 3 (legacy id P-2): service_legacy_id: An issued purchase "
            "order links the supportive service issuing recorded",
        ),
        (
            None,
            None,
            _changed(clean_orders(), 1, service_legacy_id="S-5"),
            f"{PURCHASE_ORDERS} line 3 (legacy id P-2): service_legacy_id: The service belongs "
            "to another customer.",
        ),
        (
            None,
            None,
            _changed(clean_orders(), 1, service_legacy_id="S-3"),
            f"{PURCHASE_ORDERS} line 3 (legacy id P-2): service_legacy_id: Issuing "
            "transportation records a 181; this service is a 201.",
        ),
        (
            None,
            None,
            _changed(clean_orders(), 0, supports_service_legacy_id="S-5"),
            f"{PURCHASE_ORDERS} line 2 (legacy id P-1): supports_service_legacy_id: The service "
            "it supports belongs to another customer.",
        ),
        (
            None,
            None,
            _changed(clean_orders(), 2, void_reason=""),
            f"{PURCHASE_ORDERS} line 4 (legacy id P-3): void_reason: Say why the purchase order "
            "was voided",
        ),
        (
            None,
            None,
            _changed(clean_orders(), 3, number="A-PY26-00099"),
            f"{PURCHASE_ORDERS} line 5 (legacy id P-4): number: A purchase order is numbered "
            "when it is issued; this one is a draft.",
        ),
        (
            None,
            None,
            _changed(clean_orders(), 3, referral="N-99"),
            f"{PURCHASE_ORDERS} line 5 (legacy id P-4): referral: no referral has the case "
            "note 'N-99'",
        ),
        (
            None,
            None,
            _changed(clean_orders(), 3, program_year="26"),
            f"{PURCHASE_ORDERS} line 5 (legacy id P-4): program_year: '26' is not a program "
            "year (the year it starts on 1 July, for example 2026 for PY26)",
        ),
        (
            None,
            None,
            _changed(
                clean_orders(),
                3,
                barrier="Recent eviction",
                item="New eyeglasses from Oakhollow Optical",
            ),
            f"{PURCHASE_ORDERS} line 5 (legacy id P-4): barrier: the value is not in the "
            "barrier list of the administration pages; the value is not shown because it is "
            "personal",
        ),
        (
            None,
            [referral("N-6", organisation="Oakhollow Family Services")],
            [],
            f"{REFERRALS} line 2: note_legacy_id: The case note belongs to another customer.",
        ),
        (
            None,
            [referral("N-12", referred_on="2099-10-01")],
            [],
            f"{REFERRALS} line 2: referred_on: The referral date cannot be in the future.",
        ),
        (
            [budget_review("C-1", "2026-09-30", income_wages="-1400.00")],
            [],
            [],
            f"{BUDGETS} line 2: income_wages: Give the monthly amount as $0.00 or more.",
        ),
        (
            [budget_review("C-1", "2099-09-30")],
            [],
            [],
            f"{BUDGETS} line 2: reviewed_on: The review date cannot be in the future.",
        ),
        (
            [budget_review("C-1", "2026-09-30"), budget_review("C-1", "09/30/2026")],
            [],
            [],
            f"{BUDGETS} line 3: the same customer and review date (one budget review a day) is "
            "given twice (first on line 2)",
        ),
    ],
    ids=[
        "vendor-not-in-the-list",
        "number-twice",
        "card-number-twice",
        "amount-not-quantity-times-price",
        "paid-above-the-amount",
        "paid-without-a-date",
        "paid-before-issued",
        "issued-without-its-service",
        "service-of-another-customer",
        "service-of-another-type",
        "supports-another-customers-service",
        "voided-without-a-reason",
        "draft-with-a-number",
        "unknown-referral",
        "not-a-program-year",
        "unknown-barrier",
        "referral-note-of-another-customer",
        "referral-in-the-future",
        "negative-budget-line",
        "budget-review-in-the-future",
        "budget-review-twice",
    ],
)
def test_contradictions_load_nothing_and_name_the_rule(
    world: World,
    vendors,
    tmp_path: Path,
    budgets: list[dict] | None,
    referrals: list[dict] | None,
    orders: list[dict] | None,
    expected: str,
):
    supportive_files(tmp_path, budgets=budgets, referrals=referrals, orders=orders)

    out, _error = run_failing(tmp_path, "--as-of", AS_OF)

    assert expected in out, out
    assert_no_pii(out)
    for private in PRIVATE:
        assert private not in out, private
    assert imported_counts() == (0, 0, 0)
    assert supportive_counts() == (0, 0, 0)
    assert not POSequence.objects.exists()


def test_a_number_or_card_on_file_already_is_refused(world: World, vendors, tmp_path: Path):
    first, second = tmp_path / "first", tmp_path / "second"
    run(supportive_files(first), "--as-of", AS_OF)
    second.mkdir()
    again = _changed(
        clean_orders(), 1, legacy_id="P-9", service_legacy_id="", status="voided", void_reason="x"
    )[1]
    card = _changed(clean_orders(), 3, legacy_id="P-10", card_number="SMTD-40210")[3]
    write(second, PURCHASE_ORDERS, [again, card], ORDER_COLUMNS)

    out, _error = run_failing(second, "--as-of", AS_OF)

    assert (
        f"{PURCHASE_ORDERS} line 2 (legacy id P-9): number: Another purchase order has this "
        "number already: a number is used once." in out
    )
    assert (
        f"{PURCHASE_ORDERS} line 3 (legacy id P-10): card_number: That card number was issued "
        "already: a card is never issued twice." in out
    )
    assert "SMTD" not in out
    assert PurchaseOrder.objects.count() == 4


def test_with_skip_invalid_a_refused_referral_skips_its_purchase_orders(
    world: World, vendors, tmp_path: Path
):
    supportive_files(tmp_path, referrals=[referral("N-12", barrier="Recent eviction")])

    out = run(tmp_path, "--skip-invalid", "--as-of", AS_OF)

    assert (
        f"{PURCHASE_ORDERS} line 2 (legacy id P-1): the referral of case note N-12 was not "
        f"imported (see {REFERRALS} line 2)" in out
    )
    assert f"{REFERRALS}: 0 created, 0 already imported, 1 skipped" in out
    assert f"{PURCHASE_ORDERS}: 0 created, 0 already imported, 4 skipped" in out
    assert f"{BUDGETS}: 2 created" in out
    # The note stays in the file, written from case_notes.csv, unlinked.
    assert CaseNote.objects.filter(legacy_id="N-12").exists()
    assert not POSequence.objects.exists()
    assert "eviction" not in out
    assert_no_pii(out)
