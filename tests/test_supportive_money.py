"""The supervisor's money of supportive services: what counts as an obligation and a
payment and in which program year and month, the purchase orders awaiting approval, the
purchase orders behind every number and their CSV, the offices in scope, who may look,
the queries, and hostile query strings."""

import csv
import datetime
import html
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Customer
from supportive.models import POStatus, PurchaseOrder
from supportive.reports import CSV_HEADER, MEASURES, MoneyFilters, money_orders, money_summary
from supportive.services import po_issue, po_pay, po_request_approval, po_void
from tests.conftest import World, client_for
from tests.factories import make_customer
from tests.supportive_factory import Ready, draft, make_vendor, ready_for_po, referral

MONEY = "supportive:money"
LIST = "supportive:money_list"
EXPORT = "supportive:money_export"
URLS = [MONEY, LIST, EXPORT]


def _utc(day: str, hour: int = 17) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=datetime.UTC)


FIRST = _utc("2026-11-16")
SECOND = _utc("2026-12-03")
THIRD = _utc("2027-01-10")
NOW = _utc("2027-01-15")


# --- The purchase orders ------------------------------------------------------------------


def issue(po: PurchaseOrder, world: World) -> PurchaseOrder:
    return po_issue(po=po, user=world.planner_a, expected_version=None)


def pay(po: PurchaseOrder, world: World, amount: str, on: datetime.date) -> PurchaseOrder:
    return po_pay(
        po=po,
        paid_on=on,
        invoice_number=f"INV-{po.pk}",
        amount_paid=Decimal(amount),
        user=world.supervisor_a,
        expected_version=None,
    )


def awaiting(ready: Ready, world: World, price: str) -> PurchaseOrder:
    return po_request_approval(
        po=draft(ready, world, unit_price=price), user=world.planner_a, expected_version=None
    )


def tools_ready(world: World, customer: Customer) -> Ready:
    """A Dislocated Worker customer of office A ready for tools."""
    ready = ready_for_po(world, customer)
    vendor = make_vendor("Tool Depot", ("tools",))
    return Ready(customer, ready.supports, vendor, referral(customer, world, "tools"))


@dataclass
class Orders:
    """Office A's purchase orders of PY26 (and office B's), by what they are."""

    bus_nov: PurchaseOrder  # issued 11/16, $75.00, adult, transportation
    bus_dec: PurchaseOrder  # issued 12/03, $50.00, adult, transportation, item "=HYPERLINK"
    tools_paid_dec: PurchaseOrder  # issued 11/16 $120.00, paid 12/03 $110.00, dw, tools
    tools_paid_jan: PurchaseOrder  # issued 12/03 $200.00, paid 01/10 $200.00, dw, tools
    drafted: PurchaseOrder  # a draft, $40.00
    voided: PurchaseOrder  # issued then voided, $30.00
    waiting_old: PurchaseOrder  # awaiting since 11/16, $600.00
    waiting_new: PurchaseOrder  # awaiting since 12/03, $700.00
    b_issued: PurchaseOrder  # office B, issued 11/16, $99.00
    b_waiting: PurchaseOrder  # office B, awaiting since 11/16, $800.00
    ready: Ready
    tools: Ready


@pytest.fixture
def money(world: World) -> Orders:
    with time_machine.travel(FIRST, tick=False):
        dw = make_customer(
            office=world.office_a,
            planner=world.planner_a,
            first_name="Cy",
            programs=["adult", "dw"],
        )
        ready = ready_for_po(world)
        tools = tools_ready(world, dw)
        bus_nov = issue(draft(ready, world, unit_price="75.00"), world)
        tools_paid_dec = issue(
            draft(tools, world, unit_price="120.00", supportive_type="tools", funding_program="dw"),
            world,
        )
        drafted = draft(ready, world, unit_price="40.00")
        voided = po_void(
            po=issue(draft(ready, world, unit_price="30.00"), world),
            reason="The customer found a ride.",
            user=world.supervisor_a,
            expected_version=None,
        )
        waiting_old = awaiting(ready, world, "600.00")
        ready_b = ready_for_po(world, world.customer_b)
        b_issued = issue(draft(ready_b, world, unit_price="99.00"), world)
        b_waiting = awaiting(ready_b, world, "800.00")
    with time_machine.travel(SECOND, tick=False):
        bus_dec = issue(
            draft(ready, world, unit_price="50.00", item='=HYPERLINK("http://evil.example")'),
            world,
        )
        tools_paid_dec = pay(tools_paid_dec, world, "110.00", datetime.date(2026, 12, 3))
        tools_paid_jan = issue(
            draft(tools, world, unit_price="200.00", supportive_type="tools", funding_program="dw"),
            world,
        )
        waiting_new = awaiting(ready, world, "700.00")
    with time_machine.travel(THIRD, tick=False):
        tools_paid_jan = pay(tools_paid_jan, world, "200.00", datetime.date(2027, 1, 10))
    return Orders(
        bus_nov,
        bus_dec,
        tools_paid_dec,
        tools_paid_jan,
        drafted,
        voided,
        waiting_old,
        waiting_new,
        b_issued,
        b_waiting,
        ready,
        tools,
    )


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield


def lines(money_lines) -> dict[str, tuple[str, int, str, int]]:  # noqa: ANN001
    return {
        line.key: (f"{line.obligations:.2f}", line.obligated, f"{line.payments:.2f}", line.paid)
        for line in money_lines
    }


# --- What counts -------------------------------------------------------------------


@pytest.mark.usefixtures("now")
def test_it_adds_up_obligations_and_payments_by_program_type_and_month(world: World, money: Orders):
    report = money_summary(world.supervisor_a, MoneyFilters(program_year=2026))

    assert lines(report.by_program) == {
        "adult": ("125.00", 2, "0.00", 0),
        "dw": ("0.00", 0, "310.00", 2),
        "youth": ("0.00", 0, "0.00", 0),
    }
    by_type = lines(report.by_type)
    assert by_type["transportation"] == ("125.00", 2, "0.00", 0)
    assert by_type["tools"] == ("0.00", 0, "310.00", 2)
    assert {k for k, v in by_type.items() if v != ("0.00", 0, "0.00", 0)} == {
        "transportation",
        "tools",
    }
    # Obligations in the month issued, payments in the month paid (the payment of
    # December is of a purchase order issued in November).
    by_month = lines(report.by_month)
    assert list(by_month)[0] == "2026-07" and list(by_month)[-1] == "2027-06"
    assert len(by_month) == 12
    assert by_month["2026-11"] == ("75.00", 1, "0.00", 0)
    assert by_month["2026-12"] == ("50.00", 1, "110.00", 1)
    assert by_month["2027-01"] == ("0.00", 0, "200.00", 1)
    assert lines([report.total]) == {"": ("125.00", 2, "310.00", 2)}


@pytest.mark.usefixtures("now")
def test_drafts_voided_and_unissued_purchase_orders_are_not_counted(world: World, money: Orders):
    report = money_summary(world.supervisor_a, MoneyFilters(program_year=2026))

    counted = {
        po.pk
        for measure in ("obligations", "payments")
        for po in money_orders(world.supervisor_a, MoneyFilters(program_year=2026, measure=measure))
    }
    assert counted == {
        money.bus_nov.pk,
        money.bus_dec.pk,
        money.tools_paid_dec.pk,
        money.tools_paid_jan.pk,
    }
    assert report.total.obligated + report.total.paid == 4
    assert {money.drafted.status, money.voided.status, money.waiting_old.status} == {
        POStatus.DRAFT,
        POStatus.VOIDED,
        POStatus.AWAITING,
    }


def test_a_purchase_order_counts_in_the_program_year_of_its_office_day(world: World):
    # 04:30 UTC on 1 July is still 30 June in Springfield (America/Chicago): PY26.
    with time_machine.travel(_utc("2027-07-01", 4) + datetime.timedelta(minutes=30), tick=False):
        ready = ready_for_po(world)
        june = issue(draft(ready, world, unit_price="50.00"), world)
    with time_machine.travel(_utc("2027-07-01", 5) + datetime.timedelta(minutes=30), tick=False):
        july = issue(draft(ready, world, unit_price="60.00"), world)
    assert (june.program_year, june.issued_on) == (2026, datetime.date(2027, 6, 30))
    assert (july.program_year, july.issued_on) == (2027, datetime.date(2027, 7, 1))

    with time_machine.travel(_utc("2027-07-01", 4) + datetime.timedelta(minutes=45), tick=False):
        on_june_30 = client_for(world.supervisor_a).get(reverse(MONEY))
    with time_machine.travel(_utc("2027-07-02"), tick=False):
        client = client_for(world.supervisor_a)
        on_july_2 = client.get(reverse(MONEY))
        py26 = client.get(reverse(MONEY), {"year": "2026"})

    assert on_june_30.context["filters"].program_year == 2026
    assert on_july_2.context["filters"].program_year == 2027
    new_year = on_july_2.context["money"]
    assert lines([new_year.total]) == {"": ("60.00", 1, "0.00", 0)}
    assert lines(new_year.by_month)["2027-07"] == ("60.00", 1, "0.00", 0)
    old_year = py26.context["money"]
    assert lines([old_year.total]) == {"": ("50.00", 1, "0.00", 0)}
    assert lines(old_year.by_month)["2027-06"] == ("50.00", 1, "0.00", 0)
    assert lines(old_year.by_month)["2026-07"] == ("0.00", 0, "0.00", 0)


# --- Awaiting approval ------------------------------------------------------------------


@pytest.mark.usefixtures("now")
def test_the_purchase_orders_awaiting_approval_come_oldest_first(world: World, money: Orders):
    response = client_for(world.supervisor_a).get(reverse(MONEY))

    assert response.status_code == 200
    waiting = response.context["awaiting"]
    assert [line.po for line in waiting] == [money.waiting_old, money.waiting_new]
    assert [line.days for line in waiting] == [60, 43]
    assert response.context["awaiting_count"] == 2
    content = response.content.decode()
    for po in (money.waiting_old, money.waiting_new):
        assert (
            reverse("supportive:po_detail", kwargs={"pk": po.customer_id, "po_pk": po.pk})
            in content
        )
    assert "$600.00" in content and "Planner Tester" in content and "60 days" in content
    assert content.index("$600.00") < content.index("$700.00")


# --- The purchase orders behind every number -------------------------------------------

NUMBER = re.compile(r'<a class="count-link[^"]*"\s+href="([^"]+)">\$([0-9,.]+)<span')


@pytest.mark.usefixtures("now")
def test_every_number_links_to_the_purchase_orders_that_make_it(world: World, money: Orders):
    client = client_for(world.supervisor_a)
    page = client.get(reverse(MONEY), {"year": "2026"}).content.decode()
    links = NUMBER.findall(page)
    # Obligations and payments of 3 programs, 7 types, 12 months, and a total per table.
    assert len(links) == 2 * (3 + 7 + 12 + 3)

    for href, shown in links:
        response = client.get(html.unescape(href))
        assert response.status_code == 200, href
        rows = list(response.context["page"].object_list)
        measure = response.context["filters"].measure
        field = MEASURES[measure].value
        assert f"{sum((getattr(po, field) for po in rows), Decimal(0)):,.2f}" == shown, href
        assert f"${shown}" in response.content.decode()


@pytest.mark.usefixtures("now")
def test_the_drill_down_lists_the_purchase_orders_of_a_number(world: World, money: Orders):
    client = client_for(world.supervisor_a)

    response = client.get(reverse(LIST), {"year": "2026", "status": "payments", "month": "2026-12"})

    assert list(response.context["page"].object_list) == [money.tools_paid_dec]
    content = response.content.decode()
    assert "1 purchase order, $110.00 paid" in content
    assert money.tools_paid_dec.number in content and "Tool Depot" in content
    awaiting = client.get(reverse(LIST), {"year": "all", "status": "awaiting"})
    assert list(awaiting.context["page"].object_list) == [money.waiting_old, money.waiting_new]
    by_type = client.get(reverse(LIST), {"year": "2026", "status": "obligations", "type": "tools"})
    assert list(by_type.context["page"].object_list) == []
    assert "No purchase order is behind this number." in by_type.content.decode()


@pytest.mark.usefixtures("now")
def test_the_drill_down_pages_through_many_purchase_orders(world: World, money: Orders):
    with time_machine.travel(THIRD, tick=False):
        for _ in range(26):
            draft(money.ready, world, unit_price="1.00")
    client = client_for(world.supervisor_a)

    first = client.get(reverse(LIST), {"year": "2026"})
    second = client.get(reverse(LIST), {"year": "2026", "page": "2"})

    assert first.context["totals"].count == 34
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 9
    assert "year=2026&amp;page=2" in first.content.decode()


# --- CSV -------------------------------------------------------------------------------


@pytest.mark.usefixtures("now")
def test_the_csv_has_the_rows_of_the_drill_down_and_runs_no_formula(world: World, money: Orders):
    client = client_for(world.supervisor_a)
    query = {"year": "2026", "status": "obligations", "program": "adult"}

    response = client.get(reverse(EXPORT), query)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="purchase-orders-PY26-obligations.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    listed = client.get(reverse(LIST), query).context["page"].object_list
    assert [row["PO number"] for row in rows] == [po.number for po in listed]
    assert [row["PO number"] for row in rows] == [money.bus_nov.number, money.bus_dec.number]
    assert list(rows[0]) == CSV_HEADER
    assert rows[0] | {"PO number": ""} == {
        "PO number": "",
        "Office": "Office A",
        "Program year": "PY26",
        "Status": "Issued",
        "Customer number": world.customer_a.customer_number,
        "Funding program": "WIOA Adult",
        "Supportive service": "Transportation",
        "Vendor": "Metro Transit",
        "Item": "Monthly bus pass",
        "Quantity": "1",
        "Amount ($)": "75.00",
        "Amount paid ($)": "",
        "Drafted on": "2026-11-16",
        "Issued on": "2026-11-16",
        "Paid on": "",
    }
    assert rows[1]["Item"] == '\'=HYPERLINK("http://evil.example")'
    # No customer's name leaves in an export.
    assert world.customer_a.last_name not in response.content.decode()


# --- Scope and permissions ---------------------------------------------------------------


@pytest.mark.usefixtures("now")
def test_another_offices_purchase_orders_never_appear(world: World, money: Orders):
    client = client_for(world.supervisor_a)

    page = client.get(reverse(MONEY), {"year": "2026"})
    listed = client.get(reverse(LIST), {"year": "all"})
    exported = client.get(reverse(EXPORT), {"year": "all"}).content.decode()

    assert page.context["money"].total.obligations == Decimal("125.00")
    assert money.b_waiting not in [line.po for line in page.context["awaiting"]]
    assert "$800.00" not in page.content.decode()
    b_numbers = {money.b_issued.number}
    assert not b_numbers & {po.number for po in listed.context["page"].object_list}
    assert listed.context["totals"].count == 8
    assert money.b_issued.number not in exported
    assert world.customer_b.customer_number not in exported
    for name in URLS:
        for office in (world.office_b.pk, 999_999, "99999999999999999999"):
            response = client.get(reverse(name), {"year": "2026", "office": office})
            assert response.status_code == 404, (name, office)
    # The administrator sees both offices.
    every = client_for(world.admin).get(reverse(MONEY), {"year": "2026"}).context
    assert every["money"].total.obligations == Decimal("224.00")
    assert every["awaiting_count"] == 3


@pytest.mark.parametrize(
    "persona", ["planner_a", "planner_b", "tracker_a", "facilitator", "vetrep_a"]
)
@pytest.mark.parametrize("name", URLS)
def test_only_supervisors_and_administrators_see_the_money(world: World, persona: str, name: str):
    assert client_for(getattr(world, persona)).get(reverse(name)).status_code == 403
    assert client_for(world.supervisor_a).get(reverse(name)).status_code == 200
    assert client_for(world.admin).get(reverse(name)).status_code == 200
    assert client_for(world.supervisor_a).post(reverse(name)).status_code == 405
    assert client_for(None).get(reverse(name)).status_code == 302


# --- Queries -----------------------------------------------------------------------------


def _queries(world: World, name: str, query: dict[str, str]) -> int:
    client = client_for(world.supervisor_a)
    client.get(reverse(name), query)  # the session and permissions, read once per user
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name), query).status_code == 200
    return len(queries)


QUERIES = [
    (MONEY, {"year": "2026"}),
    (LIST, {"year": "2026"}),
    (LIST, {"year": "all", "status": "awaiting", "office": "A"}),
    (EXPORT, {"year": "2026"}),
]


@pytest.mark.usefixtures("now")
def test_the_queries_do_not_grow_with_the_purchase_orders(world: World, money: Orders):
    query_sets = [
        (name, {k: str(world.office_a.pk) if v == "A" else v for k, v in q.items()})
        for name, q in QUERIES
    ]
    before = {name + str(q): _queries(world, name, q) for name, q in query_sets}
    with time_machine.travel(THIRD, tick=False):
        more = make_customer(
            office=world.office_a,
            planner=world.planner_a,
            first_name="Di",
            programs=["adult", "dw"],
        )
        tools = tools_ready(world, more)
        for price in ("10.00", "20.00", "30.00"):
            issue(draft(money.ready, world, unit_price=price), world)
            pay(
                issue(
                    draft(
                        tools,
                        world,
                        unit_price=price,
                        supportive_type="tools",
                        funding_program="dw",
                    ),
                    world,
                ),
                world,
                price,
                datetime.date(2027, 1, 10),
            )
            awaiting(money.ready, world, "650.00")

    after = {name + str(q): _queries(world, name, q) for name, q in query_sets}

    assert after == before


# --- Hostile query strings -------------------------------------------------------------

HOSTILE = [
    ({"year": "99999"}, "Choose a program year from the list."),
    ({"year": "\x00"}, "Choose a program year from the list."),
    ({"year": "2026\x00"}, "Choose a program year from the list."),
    ({"office": "\x00"}, "Null characters are not allowed."),
    ({"office": "A; DROP TABLE"}, "Choose an office from the list."),
    ({"status": "payments", "month": "2026-13"}, "Give the month as YYYY-MM"),
    ({"status": "payments", "month": "2026-00"}, "Give the month as YYYY-MM"),
    ({"status": "payments", "month": "\x00"}, "Null characters are not allowed."),
    ({"status": "payments", "month": "x" * 100_001}, "Give the month as YYYY-MM"),
    ({"status": "payments", "month": "٢٠٢٦-١١"}, "Give the month as YYYY-MM"),
    ({"month": "2026-11"}, "A month goes with obligations"),
    ({"status": "awaiting", "month": "2026-11"}, "A month goes with obligations"),
    ({"type": "spaceship"}, "Choose a supportive type from the list."),
    ({"type": "\x00"}, "Choose a supportive type from the list."),
    ({"program": "wioa"}, "Choose a funding program from the list."),
    ({"status": "refunds"}, "Choose obligations, payments or awaiting approval."),
]


@pytest.mark.usefixtures("now")
@pytest.mark.parametrize(("query", "message"), HOSTILE)
def test_a_hostile_query_string_gets_a_clear_message(
    world: World, money: Orders, query: dict[str, str], message: str
):
    client = client_for(world.supervisor_a)

    listed = client.get(reverse(LIST), query)
    exported = client.get(reverse(EXPORT), query)
    report = client.get(reverse(MONEY), query)

    assert listed.status_code == 200
    assert message in html.unescape(listed.content.decode())
    assert "page" not in listed.context
    assert exported.status_code == 400
    assert exported.content.decode().startswith("No CSV:") and message in exported.content.decode()
    # The report reads only the year and the office: other filters leave it whole.
    assert report.status_code == 200
    if {"year", "office"} & set(query):
        assert message in html.unescape(report.content.decode())
        assert "money" not in report.context
    else:
        assert report.context["money"].total.obligations == Decimal("125.00")


@pytest.mark.usefixtures("now")
@pytest.mark.parametrize("page", ["\x00", "-1", "99999999999999999999", "abc"])
def test_a_hostile_page_number_shows_a_page(world: World, money: Orders, page: str):
    response = client_for(world.supervisor_a).get(reverse(LIST), {"year": "2026", "page": page})

    assert response.status_code == 200
    assert response.context["page"].object_list
