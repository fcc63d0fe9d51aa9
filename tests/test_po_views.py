"""Purchase orders through their pages: drafted once, moved on at the version the page
showed (send for approval, approve, issue, pay, void), every refusal on the page with the
rule and what to do, printed for the vendor and for the customer's card, kept from other
offices; and the administrator's vendors and caps."""

import datetime
import html
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pghistory.models
import pytest
import time_machine
from django.urls import reverse

from casemgmt import roles
from casemgmt.models import Office, SubmissionToken
from casenotes.models import CaseNote
from customers.models import Barrier, Customer
from services.models import ServiceRecord
from supportive.models import POSequence, POStatus, PurchaseOrder, Vendor
from supportive.services import po_issue, po_request_approval, po_void
from tests.conftest import World, client_for
from tests.factories import make_customer, make_user
from tests.hostile import as_post, form_fields
from tests.readback import assert_saved, form_page_fields, submit
from tests.supportive_factory import Ready, draft, make_vendor, ready_for_po, referral, set_caps

# 11:00 in the morning of Friday 11/20/2026 in Chicago (office A's zone).
NOW = datetime.datetime(2026, 11, 20, 17, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 20)
ADDRESS = "200 Capitol Avenue, Springfield, IL 62701"
STREET = "1418 Walnut Street"

PO_URLS = [
    "po_detail",
    "po_request_approval",
    "po_approve",
    "po_issue",
    "po_pay",
    "po_void",
    "po_pdf",
    "po_receipt",
]
POSTED = {"po_request_approval", "po_approve", "po_issue", "po_pay", "po_void"}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ready(world: World) -> Ready:
    """Customer A ready for a purchase order, in an office with an address and phone, and
    with contact details that must never reach a printed purchase order."""
    Office.objects.filter(pk=world.office_a.pk).update(address=ADDRESS, phone="2175550142")
    Customer.objects.filter(pk=world.customer_a.pk).update(
        street=STREET, city="Springfield", state="IL", postal_code="62704"
    )
    world.office_a.refresh_from_db()
    world.customer_a.refresh_from_db()
    return ready_for_po(world)


def url(name: str, po: PurchaseOrder) -> str:
    return reverse(f"supportive:{name}", kwargs={"pk": po.customer_id, "po_pk": po.pk})


def create_url(customer: Customer) -> str:
    return reverse("supportive:po_create", kwargs={"pk": customer.pk})


def entry(ready: Ready, **overrides: object) -> dict[str, object]:
    return {
        "supportive_type": "transportation",
        "vendor": str(ready.vendor.pk),
        "item": "Monthly bus pass",
        "quantity": "2",
        "unit_price": "37.50",
        "card_number": "BP-2231",
        "barrier": str(Barrier.objects.order_by("pk").first().pk),
        "supports": str(ready.supports.pk),
        "funding_program": "adult",
        "referral": str(ready.referral.pk),
        "no_referral_reason": "",
        "justification": "Bus pass to reach the training every day.",
        **overrides,
    }


def act(client, name: str, po: PurchaseOrder, data: dict[str, object] | None = None):  # noqa: ANN001, ANN201
    """Post an action's form as its page shows it (with the version it carries)."""
    page = client.get(url("po_detail", po))
    assert page.status_code == 200
    fields = form_fields(page.content.decode(), url(name, po))
    assert fields, f"{name}: no form on the page"
    return client.post(url(name, po), {**as_post(fields), **(data or {})})


def text_of(response) -> str:  # noqa: ANN001
    """The page's text as a person reads it: entities decoded, white space single."""
    return " ".join(html.unescape(response.content.decode()).split())


def snapshot() -> tuple[int, ...]:
    return (
        PurchaseOrder.objects.count(),
        ServiceRecord.objects.count(),
        CaseNote.objects.count(),
        SubmissionToken.objects.count(),
        POSequence.objects.count(),
        pghistory.models.Events.objects.count(),
    )


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    raw = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(raw.split())


# --- Drafting ---------------------------------------------------------------------------


def test_a_draft_is_recorded_as_entered(world: World, ready: Ready):
    client = client_for(world.planner_a)

    response = submit(client, create_url(ready.customer), entry(ready))

    po = PurchaseOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == url("po_detail", po)
    assert_saved(
        PurchaseOrder,
        po.pk,
        customer=ready.customer,
        office=world.office_a,
        status=POStatus.DRAFT,
        number=None,
        program_year=2026,
        vendor=ready.vendor,
        supportive_type="transportation",
        item="Monthly bus pass",
        quantity=2,
        unit_price=Decimal("37.50"),
        amount=Decimal("75.00"),
        card_number="BP-2231",
        supports=ready.supports,
        funding_program="adult",
        referral=ready.referral,
        no_referral_reason="",
        justification="Bus pass to reach the training every day.",
        created_by=world.planner_a,
    )
    page = text_of(client.get(response["Location"]))
    assert "Draft purchase order" in page and "Drafted by Planner Tester on 11/20/2026" in page


def test_the_form_offers_only_the_customers_open_enrolling_services_and_programs(
    world: World, ready: Ready
):
    other = ready_for_po(world, make_customer(office=world.office_a, planner=world.planner_a))

    form = client_for(world.planner_a).get(create_url(ready.customer)).context["form"]

    assert list(form.fields["supports"].queryset) == [ready.supports]
    assert [code for code, _label in form.fields["funding_program"].choices] == ["adult"]
    assert other.referral not in form.fields["referral"].queryset


def test_a_double_submission_records_one_draft(world: World, ready: Ready):
    client = client_for(world.planner_a)
    page = client.get(create_url(ready.customer))
    data = {**form_page_fields(page.content.decode()), **entry(ready)}

    first = client.post(create_url(ready.customer), data)
    second = client.post(create_url(ready.customer), data, follow=True)

    po = PurchaseOrder.objects.get()
    assert first["Location"] == url("po_detail", po)
    assert second.redirect_chain[-1][0] == url("po_detail", po)
    assert "nothing new was recorded" in text_of(second)


HOSTILE_DRAFT = [
    ("quantity", "-5"),
    # The amount (quantity x unit price) is refused where the price is entered.
    ("quantity", "99999999", "unit_price"),
    ("quantity", "1\x00"),
    ("unit_price", "-5"),
    ("unit_price", "0"),
    ("unit_price", "99999999"),
    ("unit_price", "1e400"),
    ("unit_price", "NaN"),
    ("item", "x" * 10_000),
    ("item", "Bus\x00pass"),
    ("card_number", "x" * 10_000),
    ("card_number", "BP\x002231"),
    ("no_referral_reason", "x" * 10_000),
    ("justification", "x" * 10_000),
    ("justification", "Bus pass\x00"),
    ("supportive_type", "spaceship"),
    ("funding_program", "youth"),
    ("vendor", "999999999"),
    ("supports", "-1"),
    ("barrier", "\x00"),
]


@pytest.mark.parametrize("case", HOSTILE_DRAFT, ids=lambda case: f"{case[0]}={case[1][:12]!r}")
def test_hostile_input_on_the_draft_is_refused_with_a_message_and_writes_nothing(
    world: World, ready: Ready, case: tuple[str, ...]
):
    field, value, *where = case
    client = client_for(world.planner_a)
    before = snapshot()

    response = submit(client, create_url(ready.customer), entry(ready, **{field: value}))

    assert response.status_code == 200
    assert snapshot() == before
    errors = response.context["form"].errors
    assert (where[0] if where else field) in errors, errors
    assert "alert-danger" in text_of(response)


def test_a_vendor_of_another_type_is_refused_by_name(world: World, ready: Ready):
    tools = make_vendor("Harbor Tool Supply", ("tools",))
    before = snapshot()

    response = submit(
        client_for(world.planner_a), create_url(ready.customer), entry(ready, vendor=tools.pk)
    )

    assert snapshot() == before
    assert response.context["form"].errors["vendor"] == [
        "Harbor Tool Supply does not supply transportation."
    ]


def test_choices_of_other_records_are_refused(world: World, ready: Ready):
    """A closed service, another customer's service, a retired vendor, a referral for
    another need: none is accepted, whatever id is posted."""
    other = ready_for_po(world, make_customer(office=world.office_a, planner=world.planner_a))
    retired = make_vendor("Old Transit", ("transportation",))
    Vendor.objects.filter(pk=retired.pk).update(active=False)
    childcare = referral(ready.customer, world, supportive_type="childcare")
    client = client_for(world.planner_a)
    before = snapshot()

    for field, value in [
        ("supports", other.supports.pk),
        ("referral", other.referral.pk),
        ("vendor", retired.pk),
        ("referral", childcare.pk),
    ]:
        response = submit(client, create_url(ready.customer), entry(ready, **{field: value}))
        assert field in response.context["form"].errors, (field, response.context["form"].errors)

    assert snapshot() == before


def test_a_card_number_handed_out_before_is_refused_with_what_to_do(world: World, ready: Ready):
    po_issue(
        po=draft(ready, world, card_number="GAS-7781"), user=world.planner_a, expected_version=None
    )
    before = snapshot()

    response = submit(
        client_for(world.planner_a),
        create_url(ready.customer),
        entry(ready, card_number="GAS-7781"),
    )

    assert snapshot() == before
    [message] = response.context["form"].errors["card_number"]
    assert "card number was issued already" in message
    assert "Check the number printed on the card in hand." in message


# --- Issuing, approval, payment, void -----------------------------------------------------


def test_issuing_through_the_page_records_the_service_and_the_number(world: World, ready: Ready):
    po = draft(ready, world, card_number="BP-0001")
    client = client_for(world.planner_a)

    response = act(client, "po_issue", po)

    assert response.status_code == 302 and response["Location"] == url("po_detail", po)
    stored = assert_saved(
        PurchaseOrder,
        po.pk,
        status=POStatus.ISSUED,
        number="A-PY26-00001",
        issued_by=world.planner_a,
        issued_on=TODAY,
    )
    service = ServiceRecord.objects.get(pk=stored.service_id)
    assert (service.activity.code, service.started_on, service.dollar_value) == (
        "181",
        TODAY,
        Decimal("75.00"),
    )
    assert CaseNote.objects.filter(service=service, note_type="supportive").exists()
    page = text_of(client.get(response["Location"]))
    assert "Purchase order A-PY26-00001" in page
    assert "Issued by Planner Tester on 11/20/2026 (11:00 AM CST)" in page
    assert "Print the card receipt (PDF)" in page


def test_above_the_limit_it_is_approved_before_it_is_issued(world: World, ready: Ready):
    po = draft(ready, world, unit_price="900.00")
    planner, supervisor = client_for(world.planner_a), client_for(world.supervisor_a)

    # The page offers no issue yet; posted anyway, it says what to do.
    assert not form_fields(planner.get(url("po_detail", po)).content.decode(), url("po_issue", po))
    refused = planner.post(url("po_issue", po), {"lock_version": po.lock_version})
    assert refused.status_code == 200
    assert "send it for a supervisor's approval first" in text_of(refused)

    assert act(planner, "po_request_approval", po).status_code == 302
    assert PurchaseOrder.objects.get(pk=po.pk).status == POStatus.AWAITING
    assert act(supervisor, "po_approve", po).status_code == 302
    assert act(planner, "po_issue", po).status_code == 302

    assert_saved(
        PurchaseOrder,
        po.pk,
        status=POStatus.ISSUED,
        approved_by=world.supervisor_a,
        issued_by=world.planner_a,
    )
    page = text_of(planner.get(url("po_detail", po)))
    # The update log is stamped by the database's clock, which tests do not move.
    assert re.search(
        r"Sent for approval by Planner Tester on \d\d/\d\d/\d{4} \d+:\d\d [AP]M C[SD]T", page
    )
    assert "Approved by Supervisor Tester on 11/20/2026 11:00 AM CST" in page


def test_nobody_approves_their_own_and_the_page_says_why(world: World, ready: Ready):
    po = draft(ready, world, unit_price="900.00", created_by=world.supervisor_a)
    po = po_request_approval(po=po, user=world.supervisor_a, expected_version=None)
    client = client_for(world.supervisor_a)

    page = client.get(url("po_detail", po))
    assert "You drafted this purchase order, so you do not approve it" in text_of(page)
    assert not form_fields(page.content.decode(), url("po_approve", po))
    response = client.post(url("po_approve", po), {"lock_version": po.lock_version})

    assert response.status_code == 403
    assert "Nobody approves a purchase order they drafted" in text_of(response)
    assert_saved(PurchaseOrder, po.pk, status=POStatus.AWAITING, approved_by=None)


def test_a_cap_refusal_shows_the_rule_the_figures_and_what_to_do(world: World, ready: Ready):
    set_caps(world, total="1000.00", transportation="100.00")
    po_issue(po=draft(ready, world), user=world.planner_a, expected_version=None)
    second = draft(ready, world, unit_price="25.01")
    before = snapshot()

    response = act(client_for(world.planner_a), "po_issue", second)

    assert response.status_code == 200
    page = text_of(response)
    assert "Not done: issue. Nothing was changed." in page
    assert (
        "Transportation for this customer in PY26 would come to $100.01, over the cap of "
        "$100.00 ($25.00 left)."
    ) in page
    assert "ask a supervisor to void it, and write one for at most what is left" in page
    assert snapshot() == before
    assert_saved(PurchaseOrder, second.pk, status=POStatus.DRAFT, number=None)


def test_the_budget_review_and_referral_refusals_say_what_to_do(world: World, ready: Ready):
    ready.customer.budgets.all().delete()
    po = draft(ready, world, referral=None)

    page = text_of(act(client_for(world.planner_a), "po_issue", po))

    assert "Record the customer's budget review first: nothing is paid without one." in page
    assert "Refer the customer to a community organisation for this need first" in page
    assert (
        "Record that the organisation could not help, or ask a supervisor to void this draft"
        in page
    )
    assert_saved(PurchaseOrder, po.pk, status=POStatus.DRAFT)


def test_a_stale_issue_answers_409_and_changes_nothing(world: World, ready: Ready):
    po = draft(ready, world)
    client = client_for(world.planner_a)
    fields = form_fields(client.get(url("po_detail", po)).content.decode(), url("po_issue", po))
    po_void(po=po, reason="Ordered twice", user=world.supervisor_a, expected_version=None)
    before = snapshot()

    response = client.post(url("po_issue", po), as_post(fields))

    assert response.status_code == 409
    assert "Someone else saved this first" in text_of(response)
    assert snapshot() == before
    assert_saved(PurchaseOrder, po.pk, status=POStatus.VOIDED, number=None, service=None)


def test_a_void_through_the_page_keeps_the_number_and_corrects_the_service(
    world: World, ready: Ready
):
    po = po_issue(po=draft(ready, world), user=world.planner_a, expected_version=None)
    client = client_for(world.supervisor_a)

    response = act(client, "po_void", po, {"reason": "The customer found a ride."})

    assert response.status_code == 302
    assert_saved(
        PurchaseOrder,
        po.pk,
        status=POStatus.VOIDED,
        number="A-PY26-00001",
        void_reason="The customer found a ride.",
        voided_by=world.supervisor_a,
    )
    assert_saved(ServiceRecord, po.service_id, completion_status="unsuccessful")
    page = text_of(client.get(url("po_detail", po)))
    assert (
        "Voided by Supervisor Tester on 11/20/2026 11:00 AM CST: The customer found a ride." in page
    )
    assert "Purchase order A-PY26-00001 was voided: The customer found a ride." in page


def test_a_void_without_a_reason_is_refused_on_the_page(world: World, ready: Ready):
    po = draft(ready, world)
    before = snapshot()

    response = act(client_for(world.supervisor_a), "po_void", po, {"reason": "  "})

    assert response.status_code == 200 and snapshot() == before
    assert "reason" in response.context["actions"][-1][1].errors


def test_the_payment_is_recorded_as_entered(world: World, ready: Ready):
    po = po_issue(po=draft(ready, world), user=world.planner_a, expected_version=None)
    client = client_for(world.supervisor_a)

    response = act(
        client,
        "po_pay",
        po,
        {"paid_on": "2026-11-20", "invoice_number": "INV-5521", "amount_paid": "74.50"},
    )

    assert response.status_code == 302
    assert_saved(
        PurchaseOrder,
        po.pk,
        status=POStatus.PAID,
        paid_on=TODAY,
        invoice_number="INV-5521",
        amount_paid=Decimal("74.50"),
    )
    page = text_of(client.get(url("po_detail", po)))
    assert "Paid on 11/20/2026: $74.50, invoice INV-5521 (recorded by Supervisor Tester" in page


HOSTILE_PAYMENT = [
    ("paid_on", "2026-02-30"),
    ("paid_on", "2026-11-\x0002"),
    ("paid_on", "0001-01-01"),
    ("paid_on", "9999-12-31"),
    ("amount_paid", "-5"),
    ("amount_paid", "99999999"),
    ("amount_paid", "75.01"),
    ("amount_paid", "1\x00"),
    ("invoice_number", "x" * 10_000),
    ("invoice_number", "INV\x00"),
    ("lock_version", "-1"),
    ("lock_version", "\x00"),
]


@pytest.mark.parametrize(("field", "value"), HOSTILE_PAYMENT)
def test_hostile_input_on_the_payment_is_refused_with_a_message_and_writes_nothing(
    world: World, ready: Ready, field: str, value: str
):
    po = po_issue(po=draft(ready, world), user=world.planner_a, expected_version=None)
    valid = {"paid_on": "2026-11-20", "invoice_number": "INV-1", "amount_paid": "75.00"}
    before = snapshot()

    response = act(client_for(world.supervisor_a), "po_pay", po, {**valid, field: value})

    assert response.status_code == 200
    assert snapshot() == before
    assert any(mark in text_of(response) for mark in ("is-invalid", "alert-danger"))


# --- Who may see and do what ---------------------------------------------------------------


def _open(client, name: str, po: PurchaseOrder):  # noqa: ANN001, ANN201
    return client.post(url(name, po), {}) if name in POSTED else client.get(url(name, po))


SUPERVISORS_ONLY = {"po_approve", "po_pay", "po_void"}


def test_another_office_answers_404_on_every_purchase_order_url(world: World, ready: Ready):
    po = po_issue(
        po=draft(ready, world, card_number="BP-1"), user=world.planner_a, expected_version=None
    )
    client = client_for(world.planner_b)

    for name in set(PO_URLS) - SUPERVISORS_ONLY:
        assert _open(client, name, po).status_code == 404, name
    assert client.get(create_url(ready.customer)).status_code == 404
    # A supervisor's action is refused to every planner before any record is read: the
    # answer is the one planner A gets, and says nothing about office A's records.
    for name in SUPERVISORS_ONLY:
        assert _open(client, name, po).status_code == 403, name
        assert _open(client_for(world.planner_a), name, po).status_code == 403, name


def test_a_supervisor_of_another_office_gets_404(world: World, ready: Ready):
    po = po_issue(
        po=draft(ready, world, card_number="BP-1"), user=world.planner_a, expected_version=None
    )
    other = make_user(
        "supervisor_b", roles.SUPERVISOR, offices=[world.office_b], supervises=[world.office_b]
    )
    client = client_for(other)

    for name in PO_URLS:
        assert _open(client, name, po).status_code == 404, name


@pytest.mark.parametrize("persona", ["tracker_a", "facilitator"])
def test_trackers_and_facilitators_are_refused_every_purchase_order_url(
    world: World, ready: Ready, persona: str
):
    po = po_issue(
        po=draft(ready, world, card_number="BP-1"), user=world.planner_a, expected_version=None
    )
    client = client_for(getattr(world, persona))

    for name in PO_URLS:
        assert _open(client, name, po).status_code == 403, name
    assert client.get(create_url(ready.customer)).status_code == 403


def test_a_planner_neither_approves_pays_nor_voids(world: World, ready: Ready):
    po = draft(ready, world)
    client = client_for(world.planner_a)

    for name in ("po_approve", "po_pay", "po_void"):
        assert client.post(url(name, po), {"lock_version": 1}).status_code == 403, name
    assert PurchaseOrder.objects.get(pk=po.pk).lock_version == po.lock_version


def test_an_action_answers_405_to_a_get(world: World, ready: Ready):
    po = draft(ready, world)
    for name in POSTED:
        assert client_for(world.supervisor_a).get(url(name, po)).status_code == 405, name


# --- Printed ---------------------------------------------------------------------------------


def test_the_purchase_order_prints_what_the_vendor_needs_and_nothing_personal(
    world: World, ready: Ready, tmp_path: Path
):
    po = po_issue(po=draft(ready, world), user=world.planner_a, expected_version=None)

    response = client_for(world.planner_a).get(url("po_pdf", po))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="purchase-order-A-PY26-00001.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    text = pdftotext(response.content, tmp_path)
    customer = ready.customer
    for expected in [
        "Office A",
        ADDRESS,
        "Phone (217) 555-0142",
        "A-PY26-00001",
        "PY26",
        "Metro Transit",
        "100 Main Street, Springfield, IL 62701",
        "Monthly bus pass 1 $75.00 $75.00",
        "Transportation",
        "WIOA Adult",
        f"{customer.full_name} (customer number {customer.customer_number})",
        "Authorized signature",
        "Planner Tester 11/20/2026",
        "Not required: the amount is within the approval limit of $500.00",
    ]:
        assert expected in text, expected
    assert "NOT VALID" not in text
    for personal in [
        customer.phone,
        customer.email,
        "05/17/1990",
        "1990",
        STREET,
        "62704",
    ]:
        assert personal not in text, personal


def test_a_draft_prints_as_not_valid_for_purchase(world: World, ready: Ready, tmp_path: Path):
    po = draft(ready, world, unit_price="900.00")

    response = client_for(world.planner_a).get(url("po_pdf", po))

    assert response["Content-Disposition"] == f'inline; filename="purchase-order-draft-{po.pk}.pdf"'
    text = pdftotext(response.content, tmp_path)
    assert "DRAFT — NOT VALID FOR PURCHASE" in text
    assert "Required above $500.00: not approved" in text


def test_an_approved_order_prints_who_approved_it_and_when(
    world: World, ready: Ready, tmp_path: Path
):
    po = draft(ready, world, unit_price="900.00")
    planner = client_for(world.planner_a)
    act(planner, "po_request_approval", po)
    act(client_for(world.supervisor_a), "po_approve", po)
    act(planner, "po_issue", po)

    text = pdftotext(planner.get(url("po_pdf", po)).content, tmp_path)

    assert "Approved by Supervisor Tester on 11/20/2026 11:00 AM CST" in text


def test_the_card_receipt_names_the_card_and_its_worth(world: World, ready: Ready, tmp_path: Path):
    po = po_issue(
        po=draft(ready, world, card_number="BP-0001"), user=world.planner_a, expected_version=None
    )

    response = client_for(world.planner_a).get(url("po_receipt", po))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="card-receipt-A-PY26-00001.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    text = pdftotext(response.content, tmp_path)
    assert "I received card number BP-0001 worth $75.00 from Office A." in text
    assert "Customer's signature" in text and "Date" in text
    assert ready.customer.customer_number in text and ready.customer.phone not in text


def test_no_receipt_for_an_order_without_a_card_or_not_yet_issued(world: World, ready: Ready):
    client = client_for(world.planner_a)
    without_card = po_issue(po=draft(ready, world), user=world.planner_a, expected_version=None)
    not_issued = draft(ready, world, card_number="BP-0002")

    assert client.get(url("po_receipt", without_card)).status_code == 404
    assert client.get(url("po_receipt", not_issued)).status_code == 404


# --- The administrator's vendors and caps --------------------------------------------------


def test_the_administrator_keeps_vendors_and_caps(world: World, ready: Ready):
    set_caps(world, transportation="300.00")
    client = client_for(world.admin)

    for model in ("vendor", "supportivecap", "purchaseorder"):
        response = client.get(reverse(f"admin:supportive_{model}_changelist"))
        assert response.status_code == 200, model
    assert "Metro Transit" in text_of(client.get(reverse("admin:supportive_vendor_changelist")))
    caps = text_of(client.get(reverse("admin:supportive_supportivecap_changelist")))
    assert "All types together (the total)" in caps and "300.00" in caps

    response = client.post(
        reverse("admin:supportive_vendor_add"),
        {
            "name": "Northside Uniforms",
            "address": "12 Elm Street, Springfield, IL 62702",
            "phone": "2175550199",
            "supportive_types": ["uniforms", "tools"],
            "active": "on",
        },
    )

    assert response.status_code == 302
    vendor = Vendor.objects.get(name="Northside Uniforms")
    assert sorted(vendor.supportive_types) == ["tools", "uniforms"]


def test_a_purchase_order_is_read_only_in_the_administration(world: World, ready: Ready):
    po = draft(ready, world)
    client = client_for(world.admin)

    assert (
        client.get(reverse("admin:supportive_purchaseorder_change", args=[po.pk])).status_code
        == 200
    )
    assert client.get(reverse("admin:supportive_purchaseorder_add")).status_code == 403
    assert (
        client.post(reverse("admin:supportive_purchaseorder_delete", args=[po.pk])).status_code
        == 403
    )
