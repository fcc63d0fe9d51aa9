"""The supervisor's outcomes of a program year, the data completeness list, and the
download of the federal participant record (PIRL): counts, drill-downs, CSV, scope and
permissions."""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from casemgmt import urls as site_urls
from casemgmt.models import User
from customers.models import Customer, Status
from employment.models import FollowUp, Period
from employment.reports import MEASURES
from employment.services import credential_create, employment_create, exit_record
from plans.models import Step
from services.models import Activity, ServiceRecord
from services.services import NoteDraft, service_record_close, service_record_create
from tests.conftest import World, client_for
from tests.factories import certify, make_customer, make_plan

# The site's URLs, with the federal record's until casemgmt/urls.py includes it.
urlpatterns = list(site_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "bulkdata" for p in urlpatterns):
    urlpatterns.append(path("", include("bulkdata.urls")))
pytestmark = pytest.mark.urls(__name__)

NOW = datetime.datetime(2026, 7, 20, 17, tzinfo=datetime.UTC)
APPLIED = datetime.date(2026, 5, 1)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def same_day(customer: Customer, code: str, day: datetime.date, user: User) -> ServiceRecord:
    return service_record_create(
        customer=customer,
        activity=Activity.objects.get(code=code),
        started_on=day,
        ended_on=day,
        entered_by=user,
        note=NoteDraft("Service", "Career planner met the customer.", "in_person", True),
    )


def new_customer(
    world: World, *, office: str = "A", planner: User | None = None, **fields
) -> Customer:
    """A customer of office A (or B) with an address, applying on 5/01."""
    in_a = office == "A"
    return make_customer(
        office=world.office_a if in_a else world.office_b,
        planner=planner or (world.planner_a if in_a else world.planner_b),
        **{"application_date": APPLIED, "state": "IL", "postal_code": "62701", **fields},
    )


def exit_on(
    customer: Customer,
    day: datetime.date,
    user: User,
    *,
    employed: bool | None,
    reason: str = "",
) -> Period:
    """A participant from a job search (211) on the day, exited from it."""
    customer = certify(customer, APPLIED)
    Customer.objects.filter(pk=customer.pk).update(state="IL", postal_code="62701")
    same_day(customer, "211", day, user)
    job = None
    if employed:
        job = employment_create(
            customer=customer,
            user=user,
            fields={
                "employer": "Prairie Distribution",
                "job_title": "Picker",
                "started_on": day,
                "hourly_wage": Decimal("17.00"),
                "hours_per_week": Decimal("40"),
                "verification": "employer",
            },
        )
    return exit_record(
        customer=Customer.objects.get(pk=customer.pk),
        user=user,
        employed_at_exit=employed,
        other_reason=reason,
        job=job,
        note_body="Services complete.",
    )


def exit_trained(customer: Customer, user: User, *, ended_on: datetime.date) -> Period:
    """IEP on 5/10, occupational skills training (300) from 5/20 to `ended_on`, a
    certification the day it ended; exited not employed."""
    make_plan(customer, user, day=datetime.date(2026, 5, 10))
    Customer.objects.filter(pk=customer.pk).update(state="IL", postal_code="62701")
    training = service_record_create(
        customer=Customer.objects.get(pk=customer.pk),
        activity=Activity.objects.get(code="300"),
        started_on=datetime.date(2026, 5, 20),
        entered_by=user,
        provider="outside",
        provider_name="Lincoln Land Community College",
    )
    service_record_close(
        record=training, ended_on=ended_on, completion_status="successful", closed_by=user
    )
    credential_create(
        customer=customer,
        user=user,
        fields={"credential_type": 5, "name": "Welding certificate", "attained_on": ended_on},
    )
    Step.objects.filter(goal__plan__customer=customer).update(status="complete")
    return exit_record(
        customer=Customer.objects.get(pk=customer.pk),
        user=user,
        employed_at_exit=False,
        other_reason="",
        job=None,
        note_body="Training complete; looking for work.",
    )


@dataclass
class Year:
    on_june_30: Customer  # PY25
    on_july_1: Customer  # PY26, employed
    trained: Customer  # PY26, Dislocated Worker, trained and credentialed, not employed
    excluded: Customer  # PY26, health (923 = 02)
    office_b: Customer  # PY26, employed, office B


@pytest.fixture
def year(world: World, clock) -> Year:  # noqa: ANN001
    june_30 = world.customer_a
    exit_on(june_30, datetime.date(2026, 6, 30), world.planner_a, employed=True)
    july_1 = new_customer(world)
    exit_on(july_1, datetime.date(2026, 7, 1), world.planner_a, employed=True)
    trained = new_customer(world, programs=["dw"])
    exit_trained(trained, world.planner_a, ended_on=datetime.date(2026, 7, 2))
    excluded = new_customer(world)
    exit_on(excluded, datetime.date(2026, 7, 1), world.planner_a, employed=None, reason="02")
    exit_on(world.customer_b, datetime.date(2026, 7, 1), world.planner_b, employed=True)
    return Year(june_30, july_1, trained, excluded, world.customer_b)


def get(user: User | None, name: str, **params):  # noqa: ANN201
    return client_for(user).get(reverse(name), params)


def numbers(rows) -> set[str]:  # noqa: ANN001
    return {period.customer.customer_number for period in rows}


# --- Outcomes -------------------------------------------------------------------------


def test_the_program_year_starts_on_the_first_of_july(world: World, year: Year):
    py26 = get(world.supervisor_a, "employment:outcomes", year=2026).context["result"]
    py25 = get(world.supervisor_a, "employment:outcomes", year=2025).context["result"]

    (office,) = py26.offices
    total = office.total
    assert (total.exits, total.excluded, total.counted, total.employed, total.unknown) == (
        3,
        1,
        2,
        1,
        0,
    )
    assert total.employment_rate == 50.0
    assert (total.trained, total.credentialed, total.credential_rate) == (1, 1, 100.0)
    (june,) = py25.offices
    assert (june.total.exits, june.total.employed, june.total.employment_rate) == (1, 1, 100.0)
    assert june.total.credential_rate is None  # nobody trained: no rate, not 0%


def test_a_co_enrolled_program_splits_by_program(world: World, year: Year):
    (office,) = get(world.supervisor_a, "employment:outcomes", year=2026).context["result"].offices

    by_program = {row.program: row for row in office.by_program}
    assert set(by_program) == {"adult", "dw"}
    adult, dw = by_program["adult"], by_program["dw"]
    assert (adult.exits, adult.excluded, adult.employed, adult.employment_rate) == (2, 1, 1, 100.0)
    assert (dw.exits, dw.employed, dw.employment_rate, dw.credential_rate) == (1, 0, 0.0, 100.0)


def test_each_number_drills_down_to_the_customers_behind_it(world: World, year: Year):
    (office,) = get(world.supervisor_a, "employment:outcomes", year=2026).context["result"].offices

    for measure in MEASURES:
        page = get(
            world.supervisor_a, "employment:outcomes_list", year=2026, measure=measure
        ).context["page"]
        assert page.paginator.count == getattr(office.total, measure), measure
    employed = get(world.supervisor_a, "employment:outcomes_list", year=2026, measure="employed")
    assert numbers(employed.context["page"]) == {year.on_july_1.customer_number}
    assert year.on_july_1.sort_name in employed.content.decode()
    dw = get(
        world.supervisor_a, "employment:outcomes_list", year=2026, measure="exits", program="dw"
    )
    assert numbers(dw.context["page"]) == {year.trained.customer_number}
    exits = get(world.supervisor_a, "employment:outcomes_list", year=2026, measure="exits")
    assert numbers(exits.context["page"]) == {
        c.customer_number for c in (year.on_july_1, year.trained, year.excluded)
    }


def test_another_offices_customers_are_never_counted(world: World, year: Year):
    supervisor = get(world.supervisor_a, "employment:outcomes", year=2026)
    listed = get(world.supervisor_a, "employment:outcomes_list", year=2026, measure="exits")
    exported = get(world.supervisor_a, "employment:outcomes_export", year=2026)
    admin = get(world.admin, "employment:outcomes", year=2026).context["result"]

    assert supervisor.context["result"].total.exits == 3
    assert "Office B" not in supervisor.content.decode()
    assert year.office_b.customer_number not in numbers(listed.context["page"])
    assert "Office B" not in exported.content.decode()
    assert admin.total.exits == 4
    assert {o.office.name: o.total.exits for o in admin.offices} == {"Office A": 3, "Office B": 1}
    other = get(world.supervisor_a, "employment:outcomes", year=2026, office=world.office_b.pk)
    assert other.status_code == 404
    other_list = get(
        world.supervisor_a, "employment:outcomes_list", year=2026, office=world.office_b.pk
    )
    assert other_list.status_code == 404


def test_the_csv_has_the_table_and_is_formula_safe(world: World, year: Year):
    world.office_a.name = '=HYPERLINK("http://example.org")'
    world.office_a.save()

    response = get(world.supervisor_a, "employment:outcomes_export", year=2026)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="outcomes-PY26.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["Office"], r["Program"]) for r in rows] == [
        ('\'=HYPERLINK("http://example.org")', "WIOA Adult"),
        ('\'=HYPERLINK("http://example.org")', "Dislocated Worker"),
        ('\'=HYPERLINK("http://example.org")', "All programs"),
        ("All offices", "WIOA Adult"),
        ("All offices", "Dislocated Worker"),
        ("All offices", "All programs"),
    ]
    total = rows[2]
    assert (total["Exits"], total["Employed at exit"], total["Employment rate (%)"]) == (
        "3",
        "1",
        "50.0",
    )
    assert (total["Credential attained"], total["Credential rate (%)"]) == ("1", "100.0")
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


def test_a_bad_year_is_a_message_and_no_csv(world: World, year: Year):
    page = get(world.supervisor_a, "employment:outcomes", year="1999")
    export = get(world.supervisor_a, "employment:outcomes_export", year="x")

    assert (
        page.status_code == 200 and "Choose a program year from the list." in page.content.decode()
    )
    assert "result" not in page.context
    assert export.status_code == 400


def test_the_outcomes_take_a_fixed_number_of_queries(world: World, year: Year):
    get(world.supervisor_a, "employment:outcomes", year=2026)
    with CaptureQueriesContext(connection) as few:
        get(world.supervisor_a, "employment:outcomes", year=2026)
    for day in (3, 6, 7):
        exit_on(new_customer(world), datetime.date(2026, 7, day), world.planner_a, employed=True)
    get(world.supervisor_a, "employment:outcomes", year=2026)
    with CaptureQueriesContext(connection) as more:
        response = get(world.supervisor_a, "employment:outcomes", year=2026)

    assert response.context["result"].total.exits == 6
    assert len(more.captured_queries) == len(few.captured_queries)


# --- Data completeness -------------------------------------------------------------------


@dataclass
class Gaps:
    soft_exit: Customer  # an exit without employment status, its follow-up overdue
    no_address: Customer
    no_entry: Customer
    old_credential: Customer
    open_training: Customer
    complete: Customer
    colleagues: Customer  # office A, another planner's caseload, no address
    office_b: Customer


@pytest.fixture
def gaps(world: World, clock) -> Gaps:  # noqa: ANN001
    soft = new_customer(world, application_date=datetime.date(2025, 12, 1), last_name="Soft")
    certify(soft, datetime.date(2025, 12, 1))
    same_day(soft, "211", datetime.date(2026, 1, 15), world.planner_a)
    # The compliance engine's soft exit on day 90: the record only, dated from the service.
    Customer.objects.filter(pk=soft.pk).update(
        status=Status.EXITED,
        exit_date=datetime.date(2026, 1, 15),
        exit_reason="Soft exit: 90 days without an enrolling service",
    )
    no_address = new_customer(world, state="", postal_code="", last_name="Noaddress")
    same_day(certify(no_address, APPLIED), "211", datetime.date(2026, 7, 1), world.planner_a)
    no_entry = certify(new_customer(world, last_name="Noentry"), APPLIED)
    Customer.objects.filter(pk=no_entry.pk).update(status=Status.PARTICIPANT)
    old = certify(new_customer(world, last_name="Oldcredential"), APPLIED)
    same_day(old, "211", datetime.date(2026, 7, 10), world.planner_a)
    credential_create(
        customer=old,
        user=world.planner_a,
        fields={"credential_type": 1, "name": "GED", "attained_on": datetime.date(2026, 6, 1)},
    )
    open_training = new_customer(world, last_name="Opentraining")
    exit_trained(open_training, world.planner_a, ended_on=datetime.date(2026, 6, 10))
    # Reopened after the exit, outside the product's own reopen (which would re-enter).
    ServiceRecord.objects.filter(customer=open_training, activity__code="300").update(
        ended_on=None, completion_status=""
    )
    complete = certify(new_customer(world, last_name="Complete"), APPLIED)
    same_day(complete, "211", datetime.date(2026, 7, 1), world.planner_a)
    colleagues = new_customer(
        world, planner=world.vetrep_a, state="", last_name="Aaronson", first_name="Abe"
    )
    same_day(certify(colleagues, APPLIED), "211", datetime.date(2026, 7, 1), world.vetrep_a)
    office_b = new_customer(world, office="B", postal_code="", last_name="Bee")
    same_day(certify(office_b, APPLIED), "211", datetime.date(2026, 7, 1), world.planner_b)
    return Gaps(soft, no_address, no_entry, old, open_training, complete, colleagues, office_b)


def listed(response) -> list[Customer]:  # noqa: ANN001
    return [customer for customer, _gaps in response.context["rows"]]


def test_the_planners_caseload_lists_each_gap_with_where_it_is_fixed(world: World, gaps: Gaps):
    response = get(world.planner_a, "employment:completeness")

    content = response.content.decode()
    assert response.status_code == 200
    assert {c.pk for c in listed(response)} == {
        gaps.soft_exit.pk,
        gaps.no_address.pk,
        gaps.no_entry.pk,
        gaps.old_credential.pk,
        gaps.open_training.pk,
    }
    found = {c.pk: {g.key for g in customer_gaps} for c, customer_gaps in response.context["rows"]}
    assert found[gaps.soft_exit.pk] == {"exit_status", "follow_up"}
    assert found[gaps.no_address.pk] == {"address"}
    assert found[gaps.no_entry.pk] == {"entry"}
    assert found[gaps.old_credential.pk] == {"credential"}
    assert found[gaps.open_training.pk] == {"training"}
    period = Period.objects.get(customer=gaps.soft_exit)
    follow_up = FollowUp.objects.get(period=period, quarter=1)  # due 6/30, overdue 7/20
    training = ServiceRecord.objects.get(customer=gaps.open_training, activity__code="300")
    for url in (
        reverse(
            "employment:exit_details", kwargs={"pk": gaps.soft_exit.pk, "period_pk": period.pk}
        ),
        reverse(
            "employment:follow_up", kwargs={"pk": gaps.soft_exit.pk, "follow_up_pk": follow_up.pk}
        ),
        reverse("customers:edit", args=[gaps.no_address.pk]),
        reverse("services:create", args=[gaps.no_entry.pk]),
        reverse("employment:customer", args=[gaps.old_credential.pk]),
        reverse("services:detail", kwargs={"pk": gaps.open_training.pk, "service_pk": training.pk}),
    ):
        assert f'href="{url}"' in content, url
    counts = response.context["counts"]
    assert (counts["participants"], counts["any"], counts["address"]) == (6, 5, 1)


def test_the_office_filter_shows_the_planners_caseload_first(world: World, gaps: Gaps):
    response = get(world.planner_a, "employment:completeness", scope="office")

    customers = listed(response)
    assert gaps.colleagues in customers and gaps.office_b not in customers
    # Aaronson sorts first by name, but is another planner's: after planner A's own.
    assert customers[-1] == gaps.colleagues
    only = get(world.planner_a, "employment:completeness", scope="office", gap="address")
    assert listed(only) == [gaps.no_address, gaps.colleagues]


def test_the_supervisor_sees_the_offices_participants(world: World, gaps: Gaps):
    response = get(world.supervisor_a, "employment:completeness")

    assert len(listed(response)) == 6 and gaps.office_b not in listed(response)
    assert response.context["filters"].scope == "office"


def test_another_office_is_never_listed(world: World, gaps: Gaps):
    response = get(world.planner_b, "employment:completeness")
    other = get(world.planner_a, "employment:completeness", office=world.office_b.pk)

    assert listed(response) == [gaps.office_b]
    assert gaps.soft_exit.sort_name not in response.content.decode()
    assert other.status_code == 404


def test_the_completeness_list_takes_a_fixed_number_of_queries(world: World, gaps: Gaps):
    get(world.supervisor_a, "employment:completeness")
    with CaptureQueriesContext(connection) as few:
        get(world.supervisor_a, "employment:completeness")
    for n in range(3):
        same_day(
            certify(new_customer(world, state="", last_name=f"More{n}"), APPLIED),
            "211",
            datetime.date(2026, 7, 2),
            world.planner_a,
        )
    get(world.supervisor_a, "employment:completeness")
    with CaptureQueriesContext(connection) as more:
        response = get(world.supervisor_a, "employment:completeness")

    assert len(listed(response)) == 9
    assert len(more.captured_queries) == len(few.captured_queries)


# --- The federal participant record (PIRL) --------------------------------------------------


def test_the_pirl_page_counts_the_rows_and_problems_of_the_users_offices(world: World, year: Year):
    Customer.objects.filter(pk=year.on_july_1.pk).update(programs=[])  # breaks R-FUND

    response = get(world.supervisor_a, "bulkdata:pirl", quarter="2026Q3")

    assert response.status_code == 200
    assert (response.context["rows"], response.context["problem_count"]) == (3, 1)
    (problem,) = response.context["problems"]
    assert (problem.rule, problem.identifier) == ("R-FUND", year.on_july_1.customer_number)
    assert "R-FUND" in response.content.decode()


def test_the_pirl_page_offers_the_last_ended_quarter_first(world: World, year: Year):
    response = get(world.supervisor_a, "bulkdata:pirl")

    assert response.context["quarter"] == "2026Q2"
    assert response.context["rows"] == 2  # exited 6/30, and the training begun in May


def test_the_pirl_download_is_the_users_offices_only(world: World, year: Year):
    response = get(world.supervisor_a, "bulkdata:pirl_export", quarter="2026Q3")
    admin = get(world.admin, "bulkdata:pirl_export", quarter="2026Q3")

    assert response.status_code == 200
    assert 'filename="pirl-2026Q3.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["100"] for r in rows} == {
        c.customer_number for c in (year.on_july_1, year.trained, year.excluded)
    }
    assert [r["OBS"] for r in rows] == ["000000001", "000000002", "000000003"]
    trained = next(r for r in rows if r["100"] == year.trained.customer_number)
    assert (trained["1303"], trained["1800"], trained["1801"]) == ("06", "5", "20260702")
    assert year.office_b.customer_number in admin.content.decode()


def test_a_bad_quarter_is_a_message_and_no_download(world: World, year: Year):
    page = get(world.supervisor_a, "bulkdata:pirl", quarter="2020Q1")
    export = get(world.supervisor_a, "bulkdata:pirl_export", quarter="2026Q9")

    assert "Choose a quarter from the list" in page.content.decode()
    assert "rows" not in page.context
    assert export.status_code == 400


# --- Permissions -------------------------------------------------------------------------

REPORTS = [
    "employment:outcomes",
    "employment:outcomes_list",
    "employment:outcomes_export",
    "bulkdata:pirl",
    "bulkdata:pirl_export",
]


@pytest.mark.parametrize("name", REPORTS)
def test_only_supervisors_and_administrators_see_the_outcomes_and_the_pirl(world: World, name: str):
    def status(user: User | None) -> int:
        return client_for(user).get(reverse(name)).status_code

    assert status(None) == 302
    for user in (world.planner_a, world.planner_b, world.vetrep_a, world.facilitator):
        assert status(user) == 403, user
    assert status(world.tracker_a) == 403
    assert status(world.supervisor_a) == 200
    assert status(world.admin) == 200


def test_planners_and_supervisors_see_the_completeness_list(world: World):
    def status(user: User | None) -> int:
        return client_for(user).get(reverse("employment:completeness")).status_code

    assert status(None) == 302
    assert [status(u) for u in (world.planner_a, world.planner_b, world.supervisor_a)] == [200] * 3
    assert [status(u) for u in (world.facilitator, world.tracker_a)] == [403, 403]
    assert status(world.admin) == 200


@pytest.mark.parametrize(
    "name", ["employment:completeness", "employment:outcomes", "bulkdata:pirl"]
)
def test_the_reports_answer_get_only(world: World, name: str):
    assert client_for(world.admin).post(reverse(name)).status_code == 405
