"""Purchase orders: the gates (budget review, referral first, caps, approval), issuing as
one transaction with the service and its note, numbering, payment and void, and the
caps and the numbering under concurrency."""

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from casemgmt import roles
from casemgmt.models import Policy
from casenotes.models import CaseNote
from customers.models import Customer, Status
from services.models import ServiceRecord
from supportive.models import POSequence, POStatus, PurchaseOrder, ReferralOutcome
from supportive.rules import program_year_of
from supportive.services import (
    po_approve,
    po_issue,
    po_pay,
    po_request_approval,
    po_void,
)
from tests.conftest import World
from tests.factories import make_customer, make_user
from tests.supportive_factory import budget, draft, ready_for_po, referral, set_caps

NOW = datetime.datetime(2026, 11, 20, 17, tzinfo=datetime.UTC)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def issue(po: PurchaseOrder, user) -> PurchaseOrder:  # noqa: ANN001
    return po_issue(po=po, user=user, expected_version=None)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (datetime.date(2026, 6, 30), 2025),
        (datetime.date(2026, 7, 1), 2026),
        (datetime.date(2027, 6, 30), 2026),
    ],
)
def test_the_program_year_starts_on_the_first_of_july(day, label):
    assert program_year_of(day) == label


def test_issuing_records_the_service_the_note_and_the_number(world: World):
    ready = ready_for_po(world)
    po = draft(ready, world, card_number="BP-0001")

    po = issue(po, world.planner_a)

    stored = PurchaseOrder.objects.get(pk=po.pk)
    assert stored.status == POStatus.ISSUED and stored.number == "A-PY26-00001"
    service = stored.service
    assert (service.activity.code, service.started_on, service.ended_on) == (
        "181",
        datetime.date(2026, 11, 20),
        datetime.date(2026, 11, 20),
    )
    assert service.dollar_value == Decimal("75.00") and service.provider_name == "Metro Transit"
    note = CaseNote.objects.get(service=service)
    assert "Sangamon County Community Action" in note.body and "Monthly bus pass" in note.body
    assert note.note_type == "supportive"
    assert POSequence.objects.get(office=world.office_a, program_year=2026).last == 1


def test_a_failing_service_rule_uses_no_number_and_writes_no_note(world: World):
    ready = ready_for_po(world)
    po = draft(ready, world)
    # Adult customers in follow-up get no supportive service (the matrix rule).
    Customer.objects.filter(pk=ready.customer.pk).update(status=Status.FOLLOW_UP)
    notes = CaseNote.objects.count()

    with pytest.raises(ValidationError):
        issue(po, world.planner_a)

    po.refresh_from_db()
    assert po.status == POStatus.DRAFT and po.number is None
    assert not POSequence.objects.exists()
    assert CaseNote.objects.count() == notes
    assert not ServiceRecord.objects.filter(activity__code="181").exists()


@pytest.mark.parametrize(("price", "refused"), [("100.00", False), ("100.01", True)])
def test_the_cap_per_type_holds_to_the_cent(world: World, price: str, refused: bool):
    set_caps(world, total="1000.00", transportation="200.00")
    ready = ready_for_po(world)
    issue(draft(ready, world, unit_price="100.00"), world.planner_a)
    second = draft(ready, world, unit_price=price)

    if refused:
        with pytest.raises(ValidationError, match=r"over the cap of \$200.00 \(\$100.00 left\)"):
            issue(second, world.planner_a)
    else:
        issue(second, world.planner_a)
    second.refresh_from_db()
    assert (second.status == POStatus.DRAFT) is refused


@pytest.mark.parametrize(("price", "refused"), [("50.00", False), ("50.01", True)])
def test_the_total_cap_holds_to_the_cent(world: World, price: str, refused: bool):
    set_caps(world, total="150.00")
    ready = ready_for_po(world)
    issue(draft(ready, world, unit_price="100.00"), world.planner_a)

    if refused:
        with pytest.raises(ValidationError, match="on all types"):
            issue(draft(ready, world, unit_price=price), world.planner_a)
    else:
        issue(draft(ready, world, unit_price=price), world.planner_a)


@pytest.mark.parametrize(("price", "needs"), [("500.00", False), ("500.01", True)])
def test_above_the_approval_limit_a_supervisor_approves_first(world: World, price: str, needs):
    ready = ready_for_po(world)
    po = draft(ready, world, unit_price=price)

    if not needs:
        assert issue(po, world.planner_a).status == POStatus.ISSUED
        return
    with pytest.raises(ValidationError, match="approval"):
        issue(po, world.planner_a)
    po = po_request_approval(po=po, user=world.planner_a, expected_version=None)
    assert po.status == POStatus.AWAITING
    po = po_approve(po=po, approver=world.supervisor_a, expected_version=None)
    assert (po.status, po.approved_by) == (POStatus.APPROVED, world.supervisor_a)
    assert issue(po, world.planner_a).status == POStatus.ISSUED


def test_nobody_approves_their_own(world: World):
    ready = ready_for_po(world)
    po = draft(ready, world, unit_price="900.00", created_by=world.supervisor_a)
    po = po_request_approval(po=po, user=world.supervisor_a, expected_version=None)

    with pytest.raises(PermissionDenied, match="drafted"):
        po_approve(po=po, approver=world.supervisor_a, expected_version=None)

    po.refresh_from_db()
    assert po.status == POStatus.AWAITING


def test_a_supervisor_of_another_office_does_not_approve(world: World):
    other = make_user(
        "supervisor_b", roles.SUPERVISOR, offices=[world.office_b], supervises=[world.office_b]
    )
    ready = ready_for_po(world)
    po = po_request_approval(
        po=draft(ready, world, unit_price="900.00"), user=world.planner_a, expected_version=None
    )

    with pytest.raises(PermissionDenied, match="supervisor of this office"):
        po_approve(po=po, approver=other, expected_version=None)


def test_the_referral_comes_first(world: World):
    ready = ready_for_po(world)
    pending = referral(ready.customer, world, outcome=ReferralOutcome.PENDING)

    with pytest.raises(ValidationError, match="not marked 'could not help'"):
        issue(draft(ready, world, referral=pending), world.planner_a)
    with pytest.raises(ValidationError, match="Refer the customer"):
        issue(draft(ready, world, referral=None), world.planner_a)
    # A reason why no organisation offers it will do.
    po = draft(ready, world, referral=None, no_referral_reason="No free bus passes in this county.")
    assert issue(po, world.planner_a).status == POStatus.ISSUED


def test_the_region_may_waive_the_referral_for_a_type(world: World):
    set_caps(world)
    from supportive.models import SupportiveCap

    SupportiveCap.objects.create(
        region=world.office_a.region,
        supportive_type="transportation",
        amount=Decimal("500.00"),
        referral_waived=True,
    )
    ready = ready_for_po(world)

    assert issue(draft(ready, world, referral=None), world.planner_a).status == POStatus.ISSUED


@pytest.mark.parametrize(("age", "refused"), [(180, False), (181, True)])
def test_the_budget_review_is_at_most_180_days_old(world: World, age: int, refused: bool):
    ready = ready_for_po(world)
    ready.customer.budgets.all().delete()
    budget(ready.customer, world, on=datetime.date(2026, 11, 20) - datetime.timedelta(days=age))
    po = draft(ready, world)

    if refused:
        with pytest.raises(ValidationError, match="181 days old"):
            issue(po, world.planner_a)
    else:
        issue(po, world.planner_a)


def test_without_a_budget_review_nothing_is_paid(world: World):
    ready = ready_for_po(world)
    ready.customer.budgets.all().delete()

    with pytest.raises(ValidationError, match="budget review first"):
        issue(draft(ready, world), world.planner_a)


def test_a_card_number_is_never_issued_twice(world: World):
    ready = ready_for_po(world)
    issue(draft(ready, world, card_number="GAS-7781"), world.planner_a)

    with pytest.raises(ValidationError, match="card number was issued already"):
        draft(ready, world, card_number="GAS-7781")


def test_paid_up_to_the_amount_and_not_before_issue(world: World):
    ready = ready_for_po(world)
    po = issue(draft(ready, world), world.planner_a)

    with pytest.raises(ValidationError, match="above the amount issued"):
        po_pay(
            po=po,
            paid_on=datetime.date(2026, 11, 20),
            invoice_number="INV-1",
            amount_paid=Decimal("75.01"),
            user=world.supervisor_a,
            expected_version=None,
        )
    po = po_pay(
        po=po,
        paid_on=datetime.date(2026, 11, 20),
        invoice_number="INV-1",
        amount_paid=Decimal("75.00"),
        user=world.supervisor_a,
        expected_version=None,
    )

    stored = PurchaseOrder.objects.get(pk=po.pk)
    assert (stored.status, stored.amount_paid, stored.invoice_number) == (
        POStatus.PAID,
        Decimal("75.00"),
        "INV-1",
    )
    with pytest.raises(ValidationError, match="cannot be voided"):
        po_void(po=stored, reason="Too late", user=world.supervisor_a, expected_version=None)


def test_a_void_keeps_the_number_and_corrects_the_service_and_note(world: World):
    ready = ready_for_po(world)
    po = issue(draft(ready, world), world.planner_a)
    following = issue(draft(ready, world), world.planner_a)

    po = po_void(
        po=po, reason="The customer found a ride.", user=world.supervisor_a, expected_version=None
    )

    assert po.status == POStatus.VOIDED and po.number == "A-PY26-00001"
    service = ServiceRecord.objects.get(pk=po.service_id)
    assert service.completion_status == "unsuccessful" and service.dollar_value == Decimal("0.00")
    assert CaseNote.objects.filter(addendum_to__service=service, body__contains="voided").exists()
    assert following.number == "A-PY26-00002"
    third = issue(draft(ready, world), world.planner_a)
    assert third.number == "A-PY26-00003"  # the voided number is not reused


def _at_once(calls) -> list[object]:  # noqa: ANN001
    """Run the calls in threads released together; each result or exception."""
    start = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call) -> None:  # noqa: ANN001
        try:
            start.wait()
            results[i] = call()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_issued_at_once_against_one_cap_do_not_both_pass(world: World, reference_data):
    set_caps(world, total="1000.00", transportation="100.00")
    ready = ready_for_po(world)
    first, second = draft(ready, world, unit_price="60.00"), draft(ready, world, unit_price="60.00")

    results = _at_once(
        [lambda: issue(first, world.planner_a), lambda: issue(second, world.planner_a)]
    )

    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert PurchaseOrder.objects.filter(status=POStatus.ISSUED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_issued_at_once_in_one_office_get_two_numbers(world: World, reference_data):
    ready_a = ready_for_po(world)
    other = make_customer(office=world.office_a, planner=world.planner_a, first_name="Other")
    ready_b = ready_for_po(world, other)
    first, second = draft(ready_a, world), draft(ready_b, world)

    results = _at_once(
        [lambda: issue(first, world.planner_a), lambda: issue(second, world.planner_a)]
    )

    assert all(isinstance(r, PurchaseOrder) for r in results), results
    assert sorted(PurchaseOrder.objects.values_list("number", flat=True)) == [
        "A-PY26-00001",
        "A-PY26-00002",
    ]


def test_the_approval_limit_is_the_regions(world: World):
    Policy.objects.update_or_create(
        region=world.office_a.region, defaults={"po_approval_limit": Decimal("50.00")}
    )
    ready = ready_for_po(world)

    with pytest.raises(ValidationError, match="approval"):
        issue(draft(ready, world, unit_price="50.01"), world.planner_a)
