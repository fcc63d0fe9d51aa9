"""Supportive services in Chromium, each as the person who uses them, at 1280 and 390
pixels with axe: the career planner reviews customer A's budget, refers to a community
organisation that could not help, drafts, issues and prints a purchase order (and the
card receipt), sends one above the approval limit for approval, and meets the refusals
of the cap and of a card number issued already; the supervisor reads the office's money,
approves the purchase order awaiting approval, records a payment, voids another and
follows a number down to its purchase orders; the administrator adds a vendor and reads
the caps."""

import re
import subprocess
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from casemgmt.clock import today_for_office
from casenotes.models import CaseNote
from customers.models import Barrier
from supportive.models import POStatus, PurchaseOrder, Referral, ReferralOutcome, Vendor
from supportive.services import po_issue, po_request_approval
from tests.browser import SCREENSHOTS, check_page, sign_in
from tests.conftest import World
from tests.supportive_factory import (
    draft,
    make_vendor,
    open_training,
    ready_for_po,
    set_caps,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.xdist_group("browser"),
]

NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 720}
OFFICE_ADDRESS = "1200 Main Street, Springfield, IL 62701"


def assert_fits(page: Page) -> None:
    """Nothing runs off the side: neither the page nor a table within its scroller."""
    overflow = page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('.table-responsive')]
            .filter(el => el.scrollWidth > el.clientWidth + 1)
            .map(el => el.className || el.tagName)"""
    )
    # What sticks out, to say where to look.
    culprits = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(el => !el.closest('.table-responsive') || el.matches('.table-responsive'))
            .slice(0, 5)
            .map(el => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className)"""
    )
    assert not overflow, f"wider than the screen: {overflow}; sticking out: {culprits}"


def both_widths(page: Page, name: str) -> None:
    """Screenshot and axe at 1280 px, then at 390 px where nothing may be wider than
    the screen; back to 1280 for what follows."""
    page.set_viewport_size(WIDE)
    check_page(page, f"sp-{name}")
    page.set_viewport_size(NARROW)
    check_page(page, f"sp-{name}-390")
    assert_fits(page)
    page.set_viewport_size(WIDE)


def pdf_text(page: Page, url: str, name: str) -> str:
    """Fetch a PDF as the signed-in user, keep it beside the screenshots with a PNG of
    each page (to look at), and give its text."""
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / f"sp-{name}.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", str(pdf), str(SCREENSHOTS / f"sp-{name}")], check=True
    )
    raw = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(raw.split())


def office_with_address(world: World) -> None:
    office = world.office_a
    office.address = OFFICE_ADDRESS
    office.phone = "2175550100"
    office.save()


# --- The career planner -----------------------------------------------------------------


def test_planner_takes_customer_a_from_the_budget_to_an_issued_printed_purchase_order(
    page: Page, live_server, world: World
):
    office_with_address(world)
    set_caps(world, total="1500.00", transportation="300.00")
    customer = world.customer_a
    training = open_training(customer, world)
    make_vendor()
    make_vendor("Tool Depot", ("tools", "uniforms"))
    day = today_for_office(world.office_a)
    base = live_server.url
    sign_in(page, base, world.planner_a.username)

    # The tab: caps of the program year, and nothing recorded yet.
    page.goto(f"{base}/customers/{customer.pk}/")
    page.get_by_role("link", name="Supportive services").click()
    expect(
        page.get_by_role("heading", name=re.compile("Supportive services in PY26"))
    ).to_be_visible()
    caps = page.get_by_role("region", name=re.compile("Caps for PY26"))
    expect(caps.locator("#cap-transportation")).to_contain_text("$300.00")
    expect(caps.locator("#cap-total")).to_contain_text("$1,500.00")
    expect(page.locator("#budget-warning")).to_contain_text("Record the customer's budget review")
    expect(page.get_by_text("No referrals yet.")).to_be_visible()
    expect(page.get_by_text("No purchase orders yet.")).to_be_visible()
    both_widths(page, "10-customer-empty")

    # The budget review: the totals and the shortfall once saved.
    page.get_by_role("link", name="Review the budget").click()
    expect(page.get_by_role("heading", name="Review the customer's budget")).to_be_visible()
    both_widths(page, "11-budget-form")
    page.get_by_label("Wages").fill("about 1200")
    page.get_by_role("button", name="Save the budget review").click()
    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text("Nothing was saved")
    expect(
        alert.get_by_role("link", name="Wages: enter an amount in dollars and cents, as 1250.00.")
    ).to_have_attribute("href", "#id_income_wages")
    expect(page.get_by_label("Wages")).to_have_value("about 1200")
    both_widths(page, "11-budget-form-refused")
    page.get_by_label("Date of the review").fill(day.isoformat())
    page.get_by_label("Wages").fill("1,250.00")
    page.get_by_label("Public assistance (SNAP, TANF, SSI)").fill("230.40")
    page.get_by_label("Rent or mortgage").fill("$950")
    page.get_by_label("Utilities and phone").fill("180.90")
    page.get_by_label("Food").fill("300")
    page.get_by_label("Transportation", exact=True).fill("120.00")
    page.get_by_label("Notes").fill("Bus fare to the college is the gap this month.")
    page.get_by_role("button", name="Save the budget review").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Budget review recorded: income $1,480.40, expenses $1,550.90 a month, shortfall $70.50."
    )
    expect(page.locator("#total-income")).to_have_text("$1,480.40")
    expect(page.locator("#total-expenses")).to_have_text("$1,550.90")
    expect(page.locator("#shortfall")).to_have_text("$70.50")
    both_widths(page, "12-budget-detail")

    # The referral, tried first: the organisation could not help.
    page.get_by_role("link", name=re.compile("Back to")).first.click()
    expect(page.locator("#budget-shortfall")).to_contain_text("$70.50")
    page.get_by_role("link", name="Refer to a community organisation").click()
    expect(page.get_by_role("heading", name="Refer to a community organisation")).to_be_visible()
    both_widths(page, "13-referral-form")
    page.get_by_label("Need").select_option(label="Transportation")
    barrier = Barrier.objects.filter(active=True).order_by("pk").first()
    page.get_by_label("Barrier it addresses").select_option(label=barrier.name)
    page.get_by_label("Community organisation").fill("Sangamon County Community Action")
    page.get_by_label("Date of the referral").fill(day.isoformat())
    page.get_by_label("Outcome").select_option(label="Could not help")
    page.get_by_role("button", name="Save the referral").click()
    expect(page.get_by_role("status").first).to_contain_text("Referral recorded")
    referral = Referral.objects.get(customer=customer)
    assert referral.outcome == ReferralOutcome.COULD_NOT_HELP
    row = page.locator(f"#referral-{referral.pk}")
    expect(row).to_contain_text("Sangamon County Community Action")
    expect(row).to_contain_text(f"{day:%m/%d/%Y}")
    expect(page.locator("#budget-warning")).to_have_count(0)
    both_widths(page, "14-customer-with-referral")

    # The draft, for $75.00 with the card's number.
    page.get_by_role("link", name="Draft a purchase order").click()
    expect(page.get_by_role("heading", name="Draft a purchase order")).to_be_visible()
    expect(page.locator("#no-enrolling-service")).to_have_count(0)
    both_widths(page, "15-po-form")
    fill_po(
        page,
        supportive_type="Transportation",
        vendor="Metro Transit (Transportation)",
        item="Monthly bus pass",
        quantity="1",
        unit_price="75.00",
        card_number="BP-0001",
        referral=True,
        justification="A monthly pass to reach the college every day of the training.",
    )
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Purchase order drafted.")
    expect(page.get_by_role("heading", name=re.compile("Draft purchase order"))).to_be_visible()
    po = PurchaseOrder.objects.get(card_number="BP-0001")
    assert (po.status, po.amount, po.supports_id) == (POStatus.DRAFT, Decimal("75.00"), training.pk)
    both_widths(page, "16-po-draft")

    # Issued: its number, the 181 service and its justification note.
    page.get_by_role("button", name="Issue", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Issued purchase order A-PY26-00001")
    expect(
        page.get_by_role("heading", name=re.compile("Purchase order A-PY26-00001"))
    ).to_be_visible()
    po.refresh_from_db()
    assert (po.number, po.status, po.service.activity.code) == (
        "A-PY26-00001",
        POStatus.ISSUED,
        "181",
    )
    expect(page.get_by_role("link", name=re.compile("^181 "))).to_be_visible()
    expect(page.get_by_text("A monthly pass to reach the college").last).to_be_visible()
    note = CaseNote.objects.get(service=po.service)
    assert "Sangamon County Community Action" in note.body
    # A planner neither pays nor voids: the page says who does, and offers no button.
    expect(page.locator("#po-no-action")).to_contain_text("A supervisor records the payment")
    expect(page.get_by_role("button", name="Void")).to_have_count(0)
    both_widths(page, "17-po-issued")

    # Printed: the purchase order for the vendor and the receipt the customer signs.
    text = pdf_text(
        page, f"{base}/customers/{customer.pk}/purchase-orders/{po.pk}/purchase-order.pdf", "po"
    )
    for expected in (
        "A-PY26-00001",
        "Metro Transit",
        "Monthly bus pass",
        "$75.00",
        f"customer number {customer.customer_number}",
        "Not required: the amount is within the approval limit of $500.00",
    ):
        assert expected in text, expected
    assert "NOT VALID" not in text
    text = pdf_text(
        page, f"{base}/customers/{customer.pk}/purchase-orders/{po.pk}/card-receipt.pdf", "receipt"
    )
    assert "I received card number BP-0001 worth $75.00 from Office A." in text
    expect(page.get_by_role("link", name="Print the card receipt (PDF)")).to_be_visible()

    # Above the approval limit: drafted, then sent to the supervisors.
    page.goto(f"{base}/customers/{customer.pk}/supportive/")
    expect(page.locator(f"#po-{po.pk}")).to_contain_text("A-PY26-00001")
    expect(page.locator("#cap-transportation")).to_contain_text("$225.00")
    both_widths(page, "18-customer-issued")
    page.get_by_role("link", name="Draft a purchase order").click()
    # What is left under the caps, before an amount is typed.
    page.get_by_text("What is left under the region's caps").click()
    expect(page.locator("#po-form-caps #cap-transportation")).to_contain_text("$225.00")
    both_widths(page, "18-po-form-caps")
    fill_po(
        page,
        supportive_type="Tools/equipment",
        vendor="Tool Depot (Tools/equipment, Uniforms)",
        item="Welding helmet, jacket and gloves",
        quantity="1",
        unit_price="640.00",
        referral=False,
        no_referral_reason="No community organisation in the county lends welding gear.",
        justification="The welding course requires the customer's own protective gear.",
    )
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("status").first).to_contain_text("send it for a supervisor's approval")
    both_widths(page, "19-po-above-limit")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_role("status").first).to_contain_text("Sent to the office's supervisors")
    expect(page.get_by_role("heading", name=re.compile("Awaiting approval"))).to_be_visible()
    both_widths(page, "20-po-awaiting")
    awaiting = PurchaseOrder.objects.get(item="Welding helmet, jacket and gloves")
    assert awaiting.status == POStatus.AWAITING

    text = pdf_text(
        page,
        f"{base}/customers/{customer.pk}/purchase-orders/{awaiting.pk}/purchase-order.pdf",
        "po-awaiting",
    )
    assert "DRAFT — NOT VALID FOR PURCHASE" in text and "Awaiting a supervisor's approval" in text


def fill_po(
    page: Page,
    *,
    supportive_type: str,
    vendor: str,
    item: str,
    quantity: str,
    unit_price: str,
    justification: str,
    card_number: str = "",
    referral: bool = True,
    no_referral_reason: str = "",
) -> None:
    page.get_by_label("Supportive service").select_option(label=supportive_type)
    page.get_by_label("Vendor").select_option(label=vendor)
    page.get_by_label("What is bought").fill(item)
    page.get_by_label("Quantity").fill(quantity)
    page.get_by_label("Unit price").fill(unit_price)
    page.get_by_label("Card number").fill(card_number)
    page.get_by_label("Barrier it addresses").select_option(index=1)
    page.get_by_label("Enrolling service it supports").select_option(index=1)
    page.get_by_label("Funding program").select_option(label="WIOA Adult")
    if referral:
        page.get_by_label("Community referral tried first").select_option(index=1)
    page.get_by_label("Why no community organisation was tried").fill(no_referral_reason)
    page.get_by_label("Justification").fill(justification)


def test_planner_is_refused_over_the_cap_and_a_card_number_issued_already(
    page: Page, live_server, world: World
):
    set_caps(world, total="1500.00", transportation="300.00")
    ready = ready_for_po(world)
    po_issue(
        po=draft(ready, world, unit_price="75.00", card_number="BP-0001"),
        user=world.planner_a,
        expected_version=None,
    )
    customer = ready.customer
    base = live_server.url
    sign_in(page, base, world.planner_a.username)

    # A card number issued already: said where it is typed, with what to do.
    page.goto(f"{base}/customers/{customer.pk}/purchase-orders/new/")
    fill_po(
        page,
        supportive_type="Transportation",
        vendor="Metro Transit (Transportation)",
        item="Monthly bus pass",
        quantity="1",
        unit_price="75.00",
        card_number="BP-0001",
        justification="The next month's pass.",
    )
    page.get_by_role("button", name="Save the draft").click()
    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text("Nothing was saved")
    # The summary on top links to the field; its message names the field already, so the
    # label is not said twice. The message is also at the field.
    expect(alert).to_contain_text(
        "That card number was issued already: a card is never issued twice. "
        "Check the number printed on the card in hand."
    )
    expect(
        alert.get_by_role("link", name=re.compile("That card number was issued already"))
    ).to_have_attribute("href", "#id_card_number")
    card = page.get_by_label("Card number")
    expect(card).to_have_attribute("aria-invalid", "true")
    expect(
        page.locator("form strong", has_text="That card number was issued already")
    ).to_be_visible()
    both_widths(page, "30-po-card-issued-already")
    assert PurchaseOrder.objects.count() == 1

    # Over the cap: drafted, and refused on issue with what is left.
    card.fill("")
    page.get_by_label("Unit price").fill("250.00")
    page.get_by_label("What is bought").fill("Three months of bus passes")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Purchase order drafted.")
    page.get_by_role("button", name="Issue", exact=True).click()
    refusal = page.locator("#po-refusal")
    expect(refusal).to_contain_text("Not done: issue. Nothing was changed.")
    expect(refusal).to_contain_text(
        "Transportation for this customer in PY26 would come to $325.00, over the cap of "
        "$300.00 ($225.00 left)."
    )
    expect(refusal).to_contain_text(
        "ask a supervisor to void it, and write one for at most what is left"
    )
    # Only a supervisor voids: the planner is told whom to ask.
    expect(refusal.locator("#po-void-by-supervisor")).to_contain_text("ask one to void this draft")
    both_widths(page, "31-po-over-the-cap")
    over = PurchaseOrder.objects.get(item="Three months of bus passes")
    assert (over.status, over.number) == (POStatus.DRAFT, None)


# --- The supervisor ---------------------------------------------------------------------


def test_supervisor_reads_the_money_approves_records_a_payment_and_voids(
    page: Page, live_server, world: World
):
    office_with_address(world)
    set_caps(world, total="2500.00")
    ready = ready_for_po(world)
    customer = ready.customer
    awaiting = po_request_approval(
        po=draft(ready, world, unit_price="640.00", item="Three months of bus passes"),
        user=world.planner_a,
        expected_version=None,
    )
    to_pay = po_issue(
        po=draft(ready, world, unit_price="75.00", card_number="BP-0001"),
        user=world.planner_a,
        expected_version=None,
    )
    to_void = po_issue(
        po=draft(ready, world, unit_price="40.00", item="Gas card", card_number="GC-0002"),
        user=world.planner_a,
        expected_version=None,
    )
    day = today_for_office(world.office_a)
    base = live_server.url
    sign_in(page, base, world.supervisor_a.username)

    page.get_by_role("link", name="Supportive money").click()
    expect(
        page.get_by_role("heading", name=re.compile("Supportive services: the money"))
    ).to_be_visible()
    waiting = page.get_by_role("region", name=re.compile("Awaiting approval"))
    expect(waiting).to_contain_text("Three months of bus passes")
    expect(waiting).to_contain_text("$640.00")
    both_widths(page, "40-money")

    waiting.get_by_role("link", name=re.compile(customer.last_name)).click()
    expect(page.get_by_role("heading", name=re.compile("Draft purchase order"))).to_be_visible()
    both_widths(page, "41-po-to-approve")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Approved: it can be issued now.")
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.approved_by) == (POStatus.APPROVED, world.supervisor_a)
    both_widths(page, "42-po-approved")

    page.goto(f"{base}/customers/{customer.pk}/purchase-orders/{to_pay.pk}/")
    both_widths(page, "43-po-to-pay")
    page.get_by_label("Paid on").fill(day.isoformat())
    page.get_by_label("Amount paid").fill("72.50")
    page.get_by_label("Vendor's invoice number").fill("INV-5521")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Recorded the payment of purchase order A-PY26-00001."
    )
    expect(page.locator("#po-steps")).to_contain_text(
        f"Paid on {day:%m/%d/%Y}: $72.50, invoice INV-5521"
    )
    both_widths(page, "44-po-paid")

    page.goto(f"{base}/customers/{customer.pk}/purchase-orders/{to_void.pk}/")
    page.get_by_role("button", name="Void", exact=True).click()
    expect(page.locator("#po-refusal")).to_be_visible()
    both_widths(page, "45-po-void-refused")
    page.get_by_label("Why it is voided").fill("The customer found a ride with a neighbour.")
    page.get_by_role("button", name="Void", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Voided A-PY26-00002.")
    expect(page.locator("#po-steps")).to_contain_text("The customer found a ride with a neighbour.")
    expect(
        page.get_by_text("Corrected to $0.00 when the purchase order was voided")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Print a copy marked not valid (PDF)")).to_be_visible()
    both_widths(page, "46-po-voided")
    to_void.refresh_from_db()
    assert to_void.status == POStatus.VOIDED
    text = pdf_text(
        page,
        f"{base}/customers/{customer.pk}/purchase-orders/{to_void.pk}/purchase-order.pdf",
        "po-voided",
    )
    assert "VOIDED — NOT VALID FOR PURCHASE" in text and "A-PY26-00002" in text

    page.get_by_role("link", name="Supportive money").click()
    expect(page.get_by_role("region", name=re.compile("Awaiting approval"))).to_contain_text(
        "Nothing awaits approval."
    )
    by_program = page.get_by_role("table", name="Obligations and payments by funding program")
    expect(by_program).to_contain_text("$72.50")
    both_widths(page, "47-money-after")

    by_program.get_by_role("link", name="paid: WIOA Adult").click()
    expect(page.get_by_role("status").first).to_contain_text("1 purchase order, $72.50 paid")
    expect(page.get_by_role("table")).to_contain_text("A-PY26-00001")
    both_widths(page, "48-money-list")

    page.get_by_label("Purchase orders").select_option(label="Every status")
    page.get_by_label("Program year").select_option(label="Every program year")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("table")).to_contain_text("Voided")
    both_widths(page, "49-money-list-every")

    page.get_by_label("Supportive type").select_option(label="Legal aid")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No purchase order is behind this number.")).to_be_visible()
    expect(page.get_by_role("link", name="Download these as CSV")).to_have_count(0)
    both_widths(page, "49-money-list-empty")


# --- The administrator ------------------------------------------------------------------


def test_administrator_adds_a_vendor_and_reads_the_caps(page: Page, live_server, world: World):
    set_caps(world, total="1500.00", transportation="300.00")
    make_vendor()
    base = live_server.url
    sign_in(page, base, world.admin.username)

    page.goto(f"{base}/admin/supportive/vendor/")
    both_widths(page, "60-admin-vendors")
    page.goto(f"{base}/admin/supportive/vendor/add/")
    both_widths(page, "61-admin-vendor-add")
    page.get_by_label("Name").fill("Capital Work Wear")
    page.get_by_label("Address").fill("45 Adams Street, Springfield, IL 62701")
    page.get_by_label("Phone").fill("(217) 555-0175")
    page.get_by_label("Uniforms").check()
    page.get_by_label("Tools/equipment").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    both_widths(page, "62-admin-vendor-added")
    vendor = Vendor.objects.get(name="Capital Work Wear")
    assert sorted(vendor.supportive_types) == ["tools", "uniforms"] and vendor.active

    page.goto(f"{base}/admin/supportive/supportivecap/")
    expect(page.get_by_text("All types together (the total)")).to_be_visible()
    both_widths(page, "63-admin-caps")
    page.goto(f"{base}/admin/supportive/supportivecap/add/")
    both_widths(page, "64-admin-cap-add")
    page.get_by_label("Region").select_option(label=str(world.office_a.region))
    page.get_by_label("Supportive type").select_option(label="Legal aid")
    page.get_by_label("Amount").fill("250.00")
    page.get_by_label("No community referral needed").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    both_widths(page, "65-admin-caps-added")
