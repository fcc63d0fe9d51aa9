"""The customer's supportive services page, budget reviews and community referrals: each
save read back, once per submission, refused whole on hostile input, scoped to the
office, and the caps counted in the program year the purchase order falls in."""

import datetime
import html
import re
from decimal import Decimal

import pghistory.models
import pytest
import time_machine
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casemgmt.models import Policy, SubmissionToken
from casenotes.models import CaseNote, NoteType
from customers.models import Barrier
from supportive.models import BudgetReview, Referral, ReferralOutcome
from supportive.services import po_issue, referral_set_outcome
from supportive.templatetags.supportive_money import money
from tests.conftest import World, client_for
from tests.readback import assert_saved, form_page_fields, submit
from tests.supportive_factory import budget, draft, ready_for_po, referral, set_caps

NOW = datetime.datetime(2026, 11, 20, 17, tzinfo=datetime.UTC)  # 11:00 in Chicago
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(name: str, world: World, **kwargs: int) -> str:
    return reverse(f"supportive:{name}", kwargs={"pk": world.customer_a.pk, **kwargs})


def _barrier() -> Barrier:
    return Barrier.objects.filter(active=True).order_by("pk").first()


def _text(response) -> str:  # noqa: ANN001
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def _written() -> tuple[int, ...]:
    return (
        BudgetReview.objects.count(),
        Referral.objects.count(),
        CaseNote.objects.count(),
        SubmissionToken.objects.count(),
        pghistory.models.Events.objects.count(),
    )


BUDGET = {
    "reviewed_on": "2026-11-18",
    "income_wages": "1,250.00",
    "income_benefits": "$230.40",
    "expense_housing": "950",
    "expense_food": "410.90",
    "expense_transportation": "120.00",
    "notes": "Rent is due on the 1st; the car needs new tires.",
}


def _referral_form(**changes: str) -> dict[str, str]:
    return {
        "supportive_type": "transportation",
        "barrier": str(_barrier().pk),
        "organisation": "Sangamon County Community Action",
        "referred_on": "2026-11-16",
        "outcome": "pending",
        **changes,
    }


# --- Budget reviews ----------------------------------------------------------------


def test_a_budget_review_is_saved_as_entered_and_shows_its_totals(world: World):
    client = client_for(world.planner_a)

    response = submit(client, _url("budget_create", world), BUDGET)

    assert response.status_code == 302
    review = BudgetReview.objects.get()
    assert response["Location"] == _url("budget_detail", world, budget_pk=review.pk)
    assert_saved(
        BudgetReview,
        review.pk,
        customer=world.customer_a,
        reviewed_on=datetime.date(2026, 11, 18),
        income_wages=Decimal("1250.00"),
        income_unemployment=Decimal("0"),
        income_benefits=Decimal("230.40"),
        expense_housing=Decimal("950.00"),
        expense_food=Decimal("410.90"),
        expense_transportation=Decimal("120.00"),
        expense_other=Decimal("0"),
        notes="Rent is due on the 1st; the car needs new tires.",
        created_by=world.planner_a,
    )
    page = _text(client.get(response["Location"]))
    # 1,480.40 in, 1,480.90 out: 0.50 short a month.
    assert "Total income $1,480.40" in page
    assert "Total expenses $1,480.90" in page
    assert "Shortfall: $0.50 a month" in page
    assert "Wages $1,250.00" in page and "Rent or mortgage $950.00" in page
    assert "Nothing was saved" not in page


def test_saving_says_the_totals_and_the_shortfall(world: World):
    client = client_for(world.planner_a)

    response = submit(client, _url("budget_create", world), BUDGET, follow=True)

    assert (
        "Budget review recorded: income $1,480.40, expenses $1,480.90 a month, shortfall $0.50."
        in _text(response)
    )


def test_a_double_submitted_budget_review_records_once(world: World):
    client = client_for(world.planner_a)
    url = _url("budget_create", world)
    data = {**form_page_fields(client.get(url).content.decode()), **BUDGET}

    first = client.post(url, data)
    second = client.post(url, data)

    assert BudgetReview.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert "nothing new was recorded" in _text(client.get(second["Location"]))


def test_the_budget_review_cannot_be_dated_in_the_future(world: World):
    client = client_for(world.planner_a)

    response = submit(client, _url("budget_create", world), {**BUDGET, "reviewed_on": "2026-11-21"})

    assert response.status_code == 200
    assert "The date of the review cannot be after 11/20/2026 (today)." in _text(response)
    assert not BudgetReview.objects.exists()


def test_a_budget_review_of_another_customer_answers_404(world: World):
    other = budget(world.customer_b, world)
    client = client_for(world.planner_a)

    response = client.get(_url("budget_detail", world, budget_pk=other.pk))

    assert response.status_code == 404


# --- Referrals ---------------------------------------------------------------------


def test_a_referral_is_saved_with_its_case_note_of_the_same_date(world: World):
    client = client_for(world.planner_a)

    response = submit(client, _url("referral_create", world), _referral_form())

    assert response.status_code == 302
    saved = Referral.objects.get()
    assert response["Location"] == f"{_url('customer', world)}#referral-{saved.pk}"
    referral_row = assert_saved(
        Referral,
        saved.pk,
        customer=world.customer_a,
        supportive_type="transportation",
        barrier=_barrier(),
        organisation="Sangamon County Community Action",
        referred_on=datetime.date(2026, 11, 16),
        outcome="pending",
        created_by=world.planner_a,
        lock_version=1,
    )
    note = CaseNote.objects.get(pk=referral_row.note_id)
    assert note.customer_id == world.customer_a.pk
    assert note.contact_date == datetime.date(2026, 11, 16)
    assert note.author_id == world.planner_a.pk
    assert note.note_type == NoteType.SUPPORTIVE
    assert "Sangamon County Community Action" in note.body


def test_a_double_submitted_referral_records_one_referral_and_one_note(world: World):
    client = client_for(world.planner_a)
    url = _url("referral_create", world)
    data = {**form_page_fields(client.get(url).content.decode()), **_referral_form()}

    first = client.post(url, data)
    second = client.post(url, data)

    assert Referral.objects.count() == 1
    assert CaseNote.objects.filter(customer=world.customer_a).count() == 1
    assert second["Location"] == first["Location"]


def test_the_outcome_is_changed_from_the_version_it_was_opened_at(world: World):
    saved = referral(world.customer_a, world, outcome=ReferralOutcome.PENDING)
    client = client_for(world.planner_a)

    response = submit(
        client, _url("referral_outcome", world, referral_pk=saved.pk), {"outcome": "could_not_help"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{_url('customer', world)}#referral-{saved.pk}"
    assert_saved(Referral, saved.pk, outcome="could_not_help", lock_version=2)
    addendum = CaseNote.objects.get(addendum_to_id=saved.note_id)
    assert "could not help" in addendum.body


def test_the_page_carries_a_form_for_each_referral_that_saves_its_outcome(world: World):
    saved = referral(world.customer_a, world, outcome=ReferralOutcome.PENDING)
    client = client_for(world.planner_a)
    page = client.get(_url("customer", world)).content.decode()
    action = _url("referral_outcome", world, referral_pk=saved.pk)
    form = re.search(rf'<form method="post"\s+action="{re.escape(action)}".*?</form>', page, re.S)
    assert form is not None

    response = client.post(action, {**form_page_fields(form.group(0)), "outcome": "helped"})

    assert response.status_code == 302
    assert_saved(Referral, saved.pk, outcome="helped", lock_version=2)


def test_a_stale_outcome_change_answers_409_and_changes_nothing(world: World):
    saved = referral(world.customer_a, world, outcome=ReferralOutcome.PENDING)
    client = client_for(world.planner_a)
    url = _url("referral_outcome", world, referral_pk=saved.pk)
    opened = form_page_fields(client.get(url).content.decode())
    referral_set_outcome(
        referral=saved, outcome=ReferralOutcome.HELPED, user=world.supervisor_a, expected_version=1
    )
    before = _written()

    response = client.post(url, {**opened, "outcome": "could_not_help"})

    assert response.status_code == 409
    assert 'id="edit-conflict"' in response.content.decode()
    assert "Outcome Pending Helped" in _text(response)  # what the other person changed
    assert _written() == before
    assert_saved(Referral, saved.pk, outcome="helped", lock_version=2)
    # The form now carries the current version: saving again is an informed choice.
    assert form_page_fields(response.content.decode())["lock_version"] == "2"


def test_a_referral_of_another_customer_answers_404(world: World):
    others = referral(world.customer_b, world)
    client = client_for(world.planner_a)

    response = client.post(
        _url("referral_outcome", world, referral_pk=others.pk),
        {"outcome": "helped", "lock_version": "1"},
    )

    assert response.status_code == 404
    assert_saved(Referral, others.pk, outcome="could_not_help", lock_version=1)


# --- Who may ---------------------------------------------------------------------------


def _every_url(world: World) -> list[str]:
    review = budget(world.customer_a, world)
    saved = referral(world.customer_a, world)
    return [
        _url("customer", world),
        _url("budget_create", world),
        _url("budget_detail", world, budget_pk=review.pk),
        _url("referral_create", world),
        _url("referral_outcome", world, referral_pk=saved.pk),
    ]


def test_another_office_gets_404_on_every_page(world: World):
    client = client_for(world.planner_b)
    for url in _every_url(world):
        assert client.get(url).status_code == 404, url
    for url in (
        _url("budget_create", world),
        _url("referral_create", world),
        _url("referral_outcome", world, referral_pk=Referral.objects.get().pk),
    ):
        before = _written()
        response = client.post(url, {**_referral_form(), **BUDGET, "outcome": "helped"})
        assert response.status_code == 404, url
        assert _written() == before


@pytest.mark.parametrize("persona", ["tracker_a", "facilitator"])
def test_trackers_and_facilitators_get_403(world: World, persona: str):
    client = client_for(getattr(world, persona))
    for url in _every_url(world):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code in (403, 405), url


def test_the_tab_shows_for_those_who_may_see_purchase_orders(world: World):
    tab = _url("customer", world)
    planner_page = client_for(world.planner_a).get(
        reverse("customers:detail", kwargs={"pk": world.customer_a.pk})
    )
    tracker_page = client_for(world.tracker_a).get(
        reverse("customers:detail", kwargs={"pk": world.customer_a.pk})
    )

    assert f'href="{tab}"' in planner_page.content.decode()
    assert f'href="{tab}"' not in tracker_page.content.decode()


# --- Hostile input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reviewed_on", "2026-02-30", "Enter a valid date."),
        ("reviewed_on", "0001-01-01", "cannot be before 01/01/2000"),
        ("notes", "Rent\x00due", "Null characters are not allowed."),
        ("notes", "x" * 10_001, "Notes holds at most 10000 characters; this has 10001."),
        ("income_wages", "-5", "Wages: give the monthly amount as $0.00 or more."),
        ("income_wages", "1e12", "Wages: enter an amount in dollars and cents"),
        ("expense_food", "1000000000000", "Food: at most $99,999,999.99"),
        ("expense_food", "100000000", "Food: at most $99,999,999.99"),
        ("expense_food", "12.345", "Food: give dollars and cents, at most two decimals."),
        ("expense_food", "12\x00", "Food: enter an amount in dollars and cents"),
        ("expense_food", "NaN", "Food: enter an amount in dollars and cents"),
    ],
)
def test_hostile_budget_input_is_refused_with_a_message(world, field, value, message):
    client = client_for(world.planner_a)
    before = _written()

    response = submit(client, _url("budget_create", world), {**BUDGET, field: value})

    assert response.status_code == 200
    assert message in _text(response)
    assert _written() == before


def test_the_largest_amount_the_column_holds_is_kept_to_the_cent(world: World):
    client = client_for(world.planner_a)

    submit(client, _url("budget_create", world), {**BUDGET, "expense_debt": "99,999,999.99"})

    assert BudgetReview.objects.get().expense_debt == Decimal("99999999.99")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("referred_on", "2026-02-30", "Enter a valid date."),
        ("referred_on", "2026-12-01", "cannot be after 11/20/2026 (today)"),
        ("organisation", "Food\x00Bank", "Null characters are not allowed."),
        ("organisation", "x" * 10_000, "at most 160 characters; this has 10000."),
        ("organisation", "   ", "This field is required."),
        ("supportive_type", "spaceship", "Select a valid choice."),
        ("barrier", "999999999", "Select a valid choice."),
        ("outcome", "\x00", "Select a valid choice."),
    ],
)
def test_hostile_referral_input_is_refused_with_a_message(world, field, value, message):
    client = client_for(world.planner_a)
    before = _written()

    response = submit(client, _url("referral_create", world), _referral_form(**{field: value}))

    assert response.status_code == 200
    assert message in _text(response)
    assert _written() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "maybe"}, "Select a valid choice."),
        ({"lock_version": "\x00"}, "Enter a whole number."),
        ({"lock_version": ""}, "This form is out of date"),
    ],
)
def test_hostile_outcome_input_is_refused_with_a_message(world, data, message):
    saved = referral(world.customer_a, world)
    client = client_for(world.planner_a)
    before = _written()

    response = submit(
        client, _url("referral_outcome", world, referral_pk=saved.pk), {"outcome": "helped", **data}
    )

    assert response.status_code == 200
    assert message in _text(response)
    assert _written() == before


# --- The page ----------------------------------------------------------------------


def _cap_row(page: str, kind: str) -> str:
    row = re.search(rf"<tr id=\"cap-{kind}\"[^>]*>(.*?)</tr>", page, re.S)
    assert row is not None, f"no cap row {kind!r}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(1))).strip()


def _issue_on(ready, world: World, day: datetime.datetime, price: str) -> None:  # noqa: ANN001
    with time_machine.travel(day, tick=False):
        budget(ready.customer, world)  # recent enough on the day
        po_issue(
            po=draft(ready, world, unit_price=price), user=world.planner_a, expected_version=None
        )


def test_a_purchase_order_counts_in_the_program_year_it_is_issued_in(world: World):
    set_caps(world, total="1500.00", transportation="300.00")
    ready = ready_for_po(world)
    june_30 = datetime.datetime(2027, 6, 30, 17, tzinfo=datetime.UTC)
    july_1 = datetime.datetime(2027, 7, 1, 17, tzinfo=datetime.UTC)

    _issue_on(ready, world, june_30, "40.00")
    with time_machine.travel(june_30, tick=False):  # signed in on the day: sessions expire
        june = client_for(world.planner_a).get(_url("customer", world)).content.decode()
    _issue_on(ready, world, july_1, "60.00")
    with time_machine.travel(july_1, tick=False):
        july = client_for(world.planner_a).get(_url("customer", world)).content.decode()

    assert "Caps for PY26" in june and "Caps for PY27" in july
    assert _cap_row(june, "transportation") == "Transportation $300.00 $40.00 $260.00"
    assert _cap_row(june, "total") == "All supportive services $1,500.00 $40.00 $1,460.00"
    assert _cap_row(july, "transportation") == "Transportation $300.00 $60.00 $240.00"
    assert _cap_row(july, "total") == "All supportive services $1,500.00 $60.00 $1,440.00"
    assert _cap_row(july, "childcare") == "Child/dependent care no cap set $0.00 –"


def test_drafts_do_not_count_against_the_cap(world: World):
    set_caps(world, total="1500.00", transportation="300.00")
    draft(ready_for_po(world), world, unit_price="75.00")

    page = client_for(world.planner_a).get(_url("customer", world)).content.decode()

    assert _cap_row(page, "transportation") == "Transportation $300.00 $0.00 $300.00"


def test_the_page_lists_referrals_and_purchase_orders(world: World):
    ready = ready_for_po(world)
    po = draft(ready, world, unit_price="1234.56", item="Winter work boots")

    response = client_for(world.planner_a).get(_url("customer", world))

    assert response.status_code == 200
    page = response.content.decode()
    row = re.search(rf'<tr id="po-{po.pk}">(.*?)</tr>', page, re.S).group(1)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    assert "draft" in text and "Winter work boots" in text and "$1,234.56" in text
    assert "Draft" in text
    detail = reverse("supportive:po_detail", kwargs={"pk": world.customer_a.pk, "po_pk": po.pk})
    assert f'href="{detail}"' in row
    assert f'href="{reverse("supportive:po_create", kwargs={"pk": world.customer_a.pk})}"' in page
    referral_row = re.search(rf'<tr id="referral-{ready.referral.pk}">(.*?)</tr>', page, re.S)
    assert "Sangamon County Community Action" in referral_row.group(1)
    assert "11/20/2026" in referral_row.group(1)


@pytest.mark.parametrize(("age", "warned"), [(180, False), (181, True)])
def test_a_budget_review_older_than_the_region_allows_is_flagged(world: World, age, warned):
    budget(world.customer_a, world, on=datetime.date(2026, 11, 20) - datetime.timedelta(days=age))

    page = client_for(world.planner_a).get(_url("customer", world))

    text = _text(page)
    assert f"{age} days ago" in text
    assert ('id="budget-warning"' in page.content.decode()) is warned
    if warned:
        assert "is 181 days old; the region accepts one at most 180 days old" in text


def test_the_budget_age_limit_is_the_regions(world: World):
    Policy.objects.update_or_create(
        region=world.office_a.region, defaults={"budget_review_max_days": 30}
    )
    budget(world.customer_a, world, on=datetime.date(2026, 10, 20))

    page = _text(client_for(world.planner_a).get(_url("customer", world)))

    assert "accepts one at most 30 days old" in page


def test_without_a_budget_review_the_page_says_one_is_needed(world: World):
    page = _text(client_for(world.planner_a).get(_url("customer", world)))

    assert "Record the customer's budget review first" in page


def test_the_page_reads_a_fixed_number_of_queries(world: World):
    ready = ready_for_po(world)
    set_caps(world, transportation="300.00")
    draft(ready, world)
    client = client_for(world.planner_a)
    client.get(_url("customer", world))  # warm the session and the permission cache
    with CaptureQueriesContext(connection) as few:
        assert client.get(_url("customer", world)).status_code == 200
    for n in range(6):
        referral(ready.customer, world)
        draft(ready, world, unit_price=f"{10 + n}.00")
        budget(ready.customer, world)
    with CaptureQueriesContext(connection) as many:
        assert client.get(_url("customer", world)).status_code == 200

    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# --- Money and the tag -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234.56"), "$1,234.56"),
        (Decimal("0"), "$0.00"),
        (Decimal("99999999.99"), "$99,999,999.99"),
        (Decimal("-12.5"), "-$12.50"),
        (None, ""),
    ],
)
def test_money_is_shown_in_dollars_and_cents(value, shown):
    assert money(value) == shown


def test_the_caps_tag_shows_the_caps_to_those_who_may_see_purchase_orders(world: World):
    set_caps(world, total="1500.00")
    template = Template("{% load supportive_money %}{% supportive_caps customer %}")

    def render(user) -> str:  # noqa: ANN001
        request = RequestFactory().get("/")
        request.user = user
        return template.render(Context({"request": request, "customer": world.customer_a}))

    assert "All supportive services" in render(world.planner_a)
    assert "$1,500.00" in render(world.planner_a)
    assert render(world.tracker_a).strip() == ""
