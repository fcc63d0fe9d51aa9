"""The compliance dashboards: who sees which alerts, drill-down, export, re-engagement.

Alerts are inserted directly, as the engine writes them.
"""

import csv
import datetime
import io
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casemgmt import roles
from casemgmt.clock import today
from casenotes.models import CaseNote, NoteType
from compliance.csv_export import HEADER, write_alerts_csv
from compliance.models import Alert, Rule, State
from compliance.selectors import (
    TrackerDashboard,
    offices_supervised_by,
    overdue_trend,
    planner_alerts_page,
    tracker_dashboard,
)
from customers.models import Customer, Status
from services.models import Activity, ServiceRecord
from tests.conftest import World, client_for
from tests.factories import make_customer, make_office, make_user

TODAY = today()
DAY = datetime.timedelta(days=1)


def make_alert(
    customer: Customer,
    rule: str = Rule.CONTACT_30,
    state: str = State.OVERDUE,
    *,
    due_on: datetime.date = TODAY - 2 * DAY,
    opened_on: datetime.date = TODAY - 7 * DAY,
    resolved_on: datetime.date | None = None,
    responsible: object = "planner",
    subject_id: int = 0,
) -> Alert:
    return Alert.objects.create(
        rule=rule,
        customer=customer,
        subject_type="service" if subject_id else "",
        subject_id=subject_id,
        state=state,
        due_on=due_on,
        responsible=customer.career_planner if responsible == "planner" else responsible,
        office_id_at_open=customer.office_id,
        opened_on=opened_on,
        last_seen_on=resolved_on or TODAY,
        resolved_on=resolved_on,
        resolved_at=timezone.now() if resolved_on else None,
        resolution="Two-way contact recorded" if resolved_on else "",
    )


def participant(world: World, office: str = "a", **fields: object) -> Customer:
    planner = fields.pop("planner", getattr(world, f"planner_{office}"))
    return make_customer(
        office=getattr(world, f"office_{office}"),
        planner=planner,
        status=Status.PARTICIPANT,
        **fields,
    )


def page_alerts(response) -> list[Alert]:
    """The rows of the page a list shows (the planner's page keeps it on its dashboard)."""
    page = response.context.get("page") or response.context["dashboard"].page
    return list(page.object_list)


# --- Career planner -------------------------------------------------------------------


def test_planner_sees_own_open_alerts_most_urgent_first(world: World):
    customer = world.customer_a
    due_soon = make_alert(customer, Rule.REVIEW_90, State.DUE_SOON, due_on=TODAY + 3 * DAY)
    late = make_alert(customer, Rule.ENTRY_10, State.LATE, due_on=TODAY - 9 * DAY, subject_id=7)
    overdue_later = make_alert(customer, Rule.CONTACT_30, State.OVERDUE, due_on=TODAY - DAY)
    overdue_first = make_alert(customer, Rule.PLAN_OPEN_GOAL, State.OVERDUE, due_on=TODAY - 5 * DAY)
    make_alert(customer, Rule.ELIGIBILITY_30, State.OVERDUE, resolved_on=TODAY - DAY)

    response = client_for(world.planner_a).get(reverse("compliance:planner"))

    assert response.status_code == 200
    assert page_alerts(response) == [overdue_first, overdue_later, late, due_soon]
    assert "Eligibility in 30 days" not in response.content.decode()
    assert reverse("customers:detail", args=[customer.pk]) in response.content.decode()


def test_planner_does_not_see_another_planners_alerts(world: World):
    mine = make_alert(world.customer_a)
    colleague = make_user("planner_a2", roles.CAREER_PLANNER, offices=[world.office_a])
    theirs_same_office = make_alert(participant(world, planner=colleague, first_name="Cyd"))
    make_alert(world.customer_b)

    response = client_for(world.planner_a).get(reverse("compliance:planner"))

    assert page_alerts(response) == [mine]
    body = response.content.decode()
    assert "Bea" not in body and "Cyd" not in body
    assert theirs_same_office.pk != mine.pk


def test_planner_dashboard_cuts_the_week_the_silent_and_the_reviews(world: World):
    customer = world.customer_a
    this_week = make_alert(customer, Rule.REVIEW_90, State.DUE_SOON, due_on=TODAY + 7 * DAY)
    next_week = make_alert(
        customer, Rule.OPEN_PAST_END, State.DUE_SOON, due_on=TODAY + 8 * DAY, subject_id=3
    )
    silent = make_alert(customer, Rule.CONTACT_30, State.OVERDUE, due_on=TODAY - 4 * DAY)
    make_alert(participant(world), Rule.CONTACT_30, State.DUE_SOON, due_on=TODAY + DAY)
    Customer.objects.filter(pk=participant(world).pk).update(status=Status.EXITED)

    dashboard = client_for(world.planner_a).get(reverse("compliance:planner")).context["dashboard"]

    week = dashboard.due_this_week.rows
    assert this_week in week and next_week not in week
    assert dashboard.no_contact.rows == [silent]
    assert dashboard.reviews_due.rows == [this_week]
    assert dashboard.active_caseload == 2  # an applicant and a participant


def test_planner_dashboard_query_count_does_not_grow_with_alerts(world: World):
    client = client_for(world.planner_a)
    url = reverse("compliance:planner")
    make_alert(world.customer_a)
    client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(12):
        customer = participant(world, first_name=f"Many{n}")
        make_alert(customer, Rule.CONTACT_30, State.OVERDUE)
        make_alert(customer, Rule.REVIEW_90, State.DUE_SOON, due_on=TODAY + 2 * DAY)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


# --- Supervisor -------------------------------------------------------------------------


def test_supervisor_sees_counts_for_the_offices_supervised_only(world: World):
    late_planner = participant(world, first_name="Dee")
    make_alert(world.customer_a, Rule.ELIGIBILITY_30, State.OVERDUE)
    make_alert(late_planner, Rule.CONTACT_30, State.OVERDUE)
    make_alert(late_planner, Rule.REVIEW_90, State.DUE_SOON, due_on=TODAY + 4 * DAY)
    participant(world, first_name="Eve")  # on time for every rule
    make_alert(world.customer_b, Rule.CONTACT_30, State.OVERDUE)

    response = client_for(world.supervisor_a).get(reverse("compliance:supervisor"))

    summaries = response.context["summaries"]
    assert [s.total.office for s in summaries] == [world.office_a]
    total = summaries[0].total
    assert total.active == 3
    contact = total.rules[Rule.CONTACT_30]
    assert (contact.due_soon, contact.overdue, contact.late, contact.on_time) == (0, 1, 0, 2)
    assert contact.overdue_rate == 33
    assert total.rules[Rule.REVIEW_90].due_soon == 1
    (planner,) = summaries[0].planners
    assert planner.planner_id == world.planner_a.pk and planner.overdue == 2
    body = response.content.decode()
    assert "Office B" not in body
    assert (
        f"office={world.office_a.pk}&amp;planner={world.planner_a.pk}&amp;rule=contact_30&amp;state=overdue"
        in body
    )


def test_administrator_sees_every_office(world: World):
    make_alert(world.customer_b)
    summaries = client_for(world.admin).get(reverse("compliance:supervisor")).context["summaries"]
    assert [s.total.office for s in summaries] == [world.office_a, world.office_b]
    assert summaries[1].total.overdue == 1


def test_a_supervisor_without_offices_sees_none(world: World):
    lonely = make_user("supervisor_x", roles.SUPERVISOR, offices=[world.office_a])
    make_alert(world.customer_a)
    response = client_for(lonely).get(reverse("compliance:supervisor"))
    assert response.context["summaries"] == []
    assert "You supervise no office yet" in response.content.decode()
    assert (
        client_for(lonely).get(reverse("compliance:drilldown")).context["page"].paginator.count == 0
    )


def test_supervisor_dashboard_query_count_does_not_grow_with_alerts_or_planners(world: World):
    client = client_for(world.supervisor_a)
    url = reverse("compliance:supervisor")
    make_alert(world.customer_a)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(6):
        planner = make_user(f"planner_n{n}", roles.CAREER_PLANNER, offices=[world.office_a])
        for rule in (Rule.CONTACT_30, Rule.REVIEW_90, Rule.SOFT_EXIT):
            make_alert(participant(world, planner=planner), rule, State.OVERDUE)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_trend_counts_alerts_open_and_overdue_at_each_weeks_end(world: World):
    customer = participant(world)
    # Overdue since 20 days ago, resolved 3 days ago: open and overdue at the ends of
    # the weeks ending 14 and 7 days ago, not today's.
    make_alert(
        customer, due_on=TODAY - 20 * DAY, opened_on=TODAY - 30 * DAY, resolved_on=TODAY - 3 * DAY
    )
    # Still open, turned overdue 10 days ago: the weeks ending 7 days ago and today.
    make_alert(customer, Rule.REVIEW_90, due_on=TODAY - 10 * DAY, opened_on=TODAY - 21 * DAY)
    # Due soon when resolved: never overdue.
    make_alert(customer, Rule.ELIGIBILITY_30, State.DUE_SOON, due_on=TODAY + DAY, resolved_on=TODAY)
    # A soft exit turns overdue (the day-75 call) before its due date, the exit day.
    make_alert(customer, Rule.SOFT_EXIT, due_on=TODAY + 10 * DAY, opened_on=TODAY - 5 * DAY)
    make_alert(world.customer_b, due_on=TODAY - 20 * DAY, opened_on=TODAY - 30 * DAY)

    offices = offices_supervised_by(world.supervisor_a)  # lazy: runs inside the one query
    with CaptureQueriesContext(connection) as queries:
        trend = overdue_trend(world.supervisor_a, offices, on=TODAY)

    assert len(queries) == 1
    assert len(trend) == 12 and trend[-1].week_end == TODAY
    counts = {point.week_end: point.overdue for point in trend}
    assert counts[TODAY - 21 * DAY] == 0
    assert counts[TODAY - 14 * DAY] == 1
    assert counts[TODAY - 7 * DAY] == 2
    assert counts[TODAY] == 2  # the review, and the soft exit


def test_trend_is_drawn_as_an_accessible_svg(world: World):
    make_alert(world.customer_a, due_on=TODAY - 20 * DAY, opened_on=TODAY - 30 * DAY)
    body = client_for(world.supervisor_a).get(reverse("compliance:supervisor")).content.decode()
    assert '<svg class="trend-chart"' in body and 'role="img"' in body
    assert 'aria-labelledby="trend-title trend-desc"' in body and '<title id="trend-title">' in body
    assert body.count('<rect class="bar"') == 12
    assert '<th scope="col">Week ending</th>' in body


# --- Drill-down and export -------------------------------------------------------------


def test_drilldown_lists_the_customers_behind_a_number(world: World):
    silent = participant(world, first_name="Fay")
    overdue = make_alert(silent, Rule.CONTACT_30, State.OVERDUE)
    make_alert(
        participant(world, first_name="Gus"), Rule.CONTACT_30, State.DUE_SOON, due_on=TODAY + DAY
    )
    make_alert(silent, Rule.REVIEW_90, State.OVERDUE)
    make_alert(world.customer_b, Rule.CONTACT_30, State.OVERDUE)

    response = client_for(world.supervisor_a).get(
        reverse("compliance:drilldown"),
        {
            "office": world.office_a.pk,
            "planner": world.planner_a.pk,
            "rule": "contact_30",
            "state": "overdue",
        },
    )

    assert response.status_code == 200
    assert page_alerts(response) == [overdue]
    body = response.content.decode()
    assert "Overdue: 30-day contact, Office A, Planner Tester" in body
    assert "Fay" in body and "Gus" not in body and "Bea" not in body


def test_drilldown_without_filters_lists_every_open_alert_in_scope(world: World):
    mine = make_alert(world.customer_a)
    make_alert(world.customer_b)
    make_alert(world.customer_a, Rule.REVIEW_90, resolved_on=TODAY)
    response = client_for(world.supervisor_a).get(reverse("compliance:drilldown"))
    assert page_alerts(response) == [mine]


@pytest.mark.parametrize("param", ["office", "planner"])
def test_drilldown_answers_404_for_another_offices_filter(world: World, param: str):
    make_alert(world.customer_b)
    value = world.office_b.pk if param == "office" else world.planner_b.pk
    client = client_for(world.supervisor_a)
    assert client.get(reverse("compliance:drilldown"), {param: value}).status_code == 404
    assert client.get(reverse("compliance:export"), {param: value}).status_code == 404


def test_drilldown_lists_customers_on_time(world: World):
    on_time = participant(world, first_name="Hal")
    make_alert(participant(world, first_name="Ida"), Rule.CONTACT_30, State.DUE_SOON)
    make_alert(on_time, Rule.REVIEW_90, State.OVERDUE)  # another rule
    participant(world, "b", first_name="Jo")
    Customer.objects.filter(pk=participant(world, first_name="Kit").pk).update(status=Status.EXITED)

    response = client_for(world.supervisor_a).get(
        reverse("compliance:drilldown"),
        {"office": world.office_a.pk, "rule": "contact_30", "state": "on_time"},
    )

    names = [c.first_name for c in response.context["page"].object_list]
    assert sorted(names) == ["Ada", "Hal"]


def test_drilldown_paginates_with_constant_queries(world: World):
    client = client_for(world.supervisor_a)
    url = reverse("compliance:drilldown")
    make_alert(world.customer_a)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(30):
        make_alert(participant(world, first_name=f"Row{n}"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert len(page_alerts(response)) == 25
    assert client.get(url, {"page": 2}).context["page"].object_list.__len__() == 6


def csv_rows(text: str) -> list[list[str]]:
    """A CSV download read back as a spreadsheet would: UTF-8 after its byte-order mark."""
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_export_writes_customer_numbers_and_no_names(world: World):
    overdue = make_alert(
        world.customer_a, Rule.CONTACT_30, State.OVERDUE, due_on=datetime.date(2026, 11, 1)
    )
    make_alert(world.customer_a, Rule.REVIEW_90, State.DUE_SOON)
    make_alert(world.customer_b)

    response = client_for(world.supervisor_a).get(
        reverse("compliance:export"), {"rule": "contact_30", "state": "overdue"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="open-alerts-')
    rows = csv_rows(response.content.decode("utf-8"))
    assert rows[0] == HEADER
    assert rows[1:] == [
        [
            world.customer_a.customer_number,
            "Office A",
            "Planner Tester",
            "30-day contact",
            "",
            "Overdue",
            "2026-11-01",
            overdue.opened_on.isoformat(),
            "Planner Tester",
        ]
    ]
    body = response.content.decode()
    assert "Ada" not in body and world.customer_a.phone not in body
    assert "contact_30" not in body and "overdue" not in body and "planner_a" not in body


def test_csv_export_names_the_record_of_a_per_record_alert(world: World):
    service = ServiceRecord.objects.create(
        customer=world.customer_a,
        activity=Activity.objects.get(code="300"),
        started_on=datetime.date(2026, 10, 5),
        entered_by=world.planner_a,
        entered_at=timezone.now(),
    )
    make_alert(world.customer_a, Rule.OPEN_PAST_END, State.OVERDUE, subject_id=service.pk)
    make_alert(world.customer_a, Rule.OPEN_PAST_END, State.OVERDUE, subject_id=service.pk + 1)
    out = io.StringIO()
    write_alerts_csv(Alert.objects.order_by("subject_id"), out)
    [header, *rows] = csv_rows(out.getvalue())
    records = [dict(zip(header, row, strict=True)) for row in rows]
    assert [(r["Rule"], r["Record"]) for r in records] == [
        (
            "Open past planned end",
            "Service: 300 Occupational Skills Training (ITA) from 10/05/2026",
        ),
        ("Open past planned end", "Service (since removed)"),
    ]


def test_csv_export_query_count_does_not_grow_with_alerts(world: World):
    client = client_for(world.supervisor_a)
    url = reverse("compliance:export")
    make_alert(world.customer_a)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(20):
        make_alert(participant(world, first_name=f"Csv{n}"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert len(response.content.decode().strip().splitlines()) == 22


def test_write_alerts_csv_writes_what_it_is_given_and_counts_it(world: World):
    make_alert(world.customer_a)
    make_alert(world.customer_b)
    out = io.StringIO()
    assert write_alerts_csv(Alert.objects.all(), out) == 2
    [header, *rows] = csv_rows(out.getvalue())
    numbers = {dict(zip(header, row, strict=True))["Customer number"] for row in rows}
    assert numbers == {world.customer_a.customer_number, world.customer_b.customer_number}


def test_csv_export_quotes_cells_a_spreadsheet_would_run(world: World):
    world.planner_a.first_name = "=cmd"
    world.planner_a.save()
    make_alert(world.customer_a)
    out = io.StringIO()
    write_alerts_csv(Alert.objects.all(), out)
    [_, row] = csv_rows(out.getvalue())
    assert row[2] == row[8] == "'=cmd Tester"


# --- Tracker ----------------------------------------------------------------------------


def soft_exited(
    world: World, *, exited_days_ago: int, office: str = "a", **fields: object
) -> Customer:
    customer = participant(world, office, **fields)
    make_alert(
        customer,
        Rule.SOFT_EXIT,
        State.OVERDUE,
        due_on=TODAY - exited_days_ago * DAY,
        opened_on=TODAY - (exited_days_ago + 30) * DAY,
        resolved_on=TODAY - exited_days_ago * DAY,
    )
    Customer.objects.filter(pk=customer.pk).update(
        status=Status.EXITED,
        exit_date=TODAY - (exited_days_ago + 90) * DAY,
        exit_reason="Soft exit: 90 days without an enrolling service",
    )
    return customer


def customers(dashboard: TrackerDashboard, key: str) -> list[Customer]:
    return [entry.customer for entry in dashboard.group(key).entries]


def test_tracker_sees_the_60_75_and_90_day_lists_of_the_office(world: World):
    day_60 = participant(
        world,
        first_name="Lee",
        alternate_contact_name="Mo Lee",
        alternate_contact_phone="2175550111",
    )
    day_75 = participant(world, first_name="Nia")
    make_alert(day_60, Rule.SOFT_EXIT, State.DUE_SOON, due_on=TODAY + 30 * DAY)
    make_alert(day_75, Rule.SOFT_EXIT, State.OVERDUE, due_on=TODAY + 15 * DAY)
    make_alert(day_75, Rule.CONTACT_30, State.OVERDUE)
    recent = soft_exited(world, exited_days_ago=5, first_name="Oda")
    soft_exited(world, exited_days_ago=45, first_name="Pim")
    make_alert(participant(world, "b", first_name="Quin"), Rule.SOFT_EXIT, State.DUE_SOON)
    soft_exited(world, exited_days_ago=2, office="b", first_name="Rae")
    CaseNote.objects.create(
        customer=day_60,
        contact_date=TODAY - 40 * DAY,
        entered_at=timezone.now(),
        author=world.planner_a,
        subject="Check-in",
        body="Talked.",
        contact_method="phone",
        two_way=True,
    )

    response = client_for(world.tracker_a).get(reverse("compliance:tracker"))

    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert customers(dashboard, "reengage") == [day_60]
    assert customers(dashboard, "call") == [day_75]
    assert customers(dashboard, "soft_exited") == [recent]
    assert dashboard.group("reengage").entries[0].last_contact == TODAY - 40 * DAY
    body = response.content.decode()
    assert "Quin" not in body and "Rae" not in body and "Pim" not in body
    assert "(217) 555-0111" in body and "Mo Lee" in body and day_60.email in body
    assert reverse("compliance:log_contact", args=[day_60.pk]) in body


def test_tracker_dashboard_query_count_does_not_grow_with_the_lists(world: World):
    client = client_for(world.tracker_a)
    url = reverse("compliance:tracker")
    make_alert(world.customer_a, Rule.SOFT_EXIT, State.DUE_SOON)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        make_alert(participant(world, first_name=f"T{n}"), Rule.SOFT_EXIT, State.OVERDUE)
        soft_exited(world, exited_days_ago=n + 1)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.mark.parametrize(("two_way", "expected"), [("yes", True), ("no", False)])
def test_log_contact_records_a_follow_up_case_note(world: World, two_way: str, expected: bool):
    customer = world.customer_a
    make_alert(customer, Rule.SOFT_EXIT, State.DUE_SOON, due_on=TODAY + 20 * DAY)
    response = client_for(world.tracker_a).post(
        reverse("compliance:log_contact", args=[customer.pk]),
        {
            "two_way": two_way,
            "contact_method": "phone",
            "note": "Left a message about the class.",
            "submission_token": uuid.uuid4(),  # the tracker page's one-time token
        },
    )

    assert response.status_code == 302
    back = reverse("compliance:tracker") + f"#reengage-customer-{customer.pk}"
    assert response["Location"] == back  # the customer's place on the lists
    note = CaseNote.objects.get(customer=customer)
    assert note.two_way is expected
    assert note.note_type == NoteType.FOLLOW_UP
    assert note.subject == "Re-engagement contact"
    assert note.body == "Left a message about the class."
    assert note.author == world.tracker_a
    assert note.contact_date == today(customer.office.time_zone)


def test_log_contact_answers_404_for_another_offices_customer(world: World):
    response = client_for(world.tracker_a).post(
        reverse("compliance:log_contact", args=[world.customer_b.pk]),
        {"two_way": "yes", "contact_method": "phone", "note": "Talked."},
    )
    assert response.status_code == 404
    assert not CaseNote.objects.exists()


def test_log_contact_without_a_note_logs_nothing_and_says_why(world: World):
    client = client_for(world.tracker_a)
    response = client.post(
        reverse("compliance:log_contact", args=[world.customer_a.pk]),
        {"two_way": "no", "contact_method": "phone", "note": "   "},
        follow=True,
    )
    assert not CaseNote.objects.exists()
    assert "Nothing was logged for Ada" in response.content.decode()


def test_a_facilitator_cannot_open_the_dashboards(world: World):
    client = client_for(world.facilitator)
    for name in ("planner", "supervisor", "drilldown", "export", "tracker"):
        assert client.get(reverse(f"compliance:{name}")).status_code == 403


def test_a_tracker_cannot_open_the_supervisors_dashboard(world: World):
    client = client_for(world.tracker_a)
    assert client.get(reverse("compliance:supervisor")).status_code == 403
    assert client.get(reverse("compliance:tracker")).status_code == 200


# --- Home page and customer header -------------------------------------------------------


def test_customer_header_shows_the_customers_open_alerts(world: World):
    make_alert(world.customer_a, Rule.CONTACT_30, State.OVERDUE, due_on=datetime.date(2026, 11, 3))
    make_alert(world.customer_a, Rule.REVIEW_90, State.DUE_SOON, resolved_on=TODAY)
    body = (
        client_for(world.planner_a)
        .get(reverse("customers:detail", args=[world.customer_a.pk]))
        .content.decode()
    )
    assert "30-day contact: overdue, due 11/03/2026" in body
    assert "90-day plan review" not in body


def test_alerts_of_one_rule_and_state_make_one_badge_in_the_header(world: World):
    for n, due in enumerate((datetime.date(2026, 11, 9), datetime.date(2026, 10, 15))):
        make_alert(world.customer_a, Rule.ENTRY_10, State.LATE, due_on=due, subject_id=n + 1)
    body = (
        client_for(world.planner_a)
        .get(reverse("customers:detail", args=[world.customer_a.pk]))
        .content.decode()
    )
    assert body.count("10-day entry: late") == 1
    assert "10-day entry: late, due 10/15/2026 (the first of 2)" in body


def test_supervisor_scope_leaves_out_offices_only_worked_in(world: World):
    office_c = make_office("C")
    world.supervisor_a.offices.add(office_c)
    assert list(offices_supervised_by(world.supervisor_a)) == [world.office_a]


# --- The last contact as corrected --------------------------------------------------------


def contact(customer: Customer, day: datetime.date, *, two_way: bool = True) -> CaseNote:
    return CaseNote.objects.create(
        customer=customer,
        contact_date=day,
        entered_at=timezone.now(),
        author=customer.career_planner,
        subject="Check-in",
        body="Called the customer.",
        contact_method="phone",
        two_way=two_way,
    )


def correction(original: CaseNote, **corrected: object) -> CaseNote:
    """An addendum that carries the corrected contact and supersedes the original."""
    return CaseNote.objects.create(
        customer=original.customer,
        contact_date=corrected.get("contact_date", original.contact_date),
        two_way=corrected.get("two_way", original.two_way),
        entered_at=timezone.now(),
        author=original.author,
        subject=f"Addendum to {original.contact_date:%m/%d/%Y}: {original.subject}",
        body="Corrected.",
        contact_method="other",
        note_type=NoteType.ADDENDUM,
        addendum_to=original,
        corrects=original,
    )


def test_the_tracker_shows_the_last_two_way_contact_as_corrected(world: World):
    wrong_call, late_answer, moved = (participant(world, first_name=n) for n in ("Sy", "Ty", "Uma"))
    for customer in (wrong_call, late_answer, moved):
        make_alert(customer, Rule.SOFT_EXIT, State.DUE_SOON, due_on=TODAY + 30 * DAY)
    contact(wrong_call, TODAY - 50 * DAY)
    correction(contact(wrong_call, TODAY - 20 * DAY), two_way=False)
    correction(contact(late_answer, TODAY - 20 * DAY, two_way=False), two_way=True)
    correction(contact(moved, TODAY - 20 * DAY), contact_date=TODAY - 25 * DAY)

    dashboard = tracker_dashboard(world.tracker_a, on=TODAY)

    last = {entry.customer: entry.last_contact for entry in dashboard.group("reengage").entries}
    assert last == {
        wrong_call: TODAY - 50 * DAY,
        late_answer: TODAY - 20 * DAY,
        moved: TODAY - 25 * DAY,
    }


# --- Each office's own day ----------------------------------------------------------------

# 06:00 UTC on March 3, 2026: already the 3rd in New York, still the 2nd in Los Angeles.
MIDNIGHT_PASSED_IN_NEW_YORK = datetime.datetime(2026, 3, 3, 6, 0, tzinfo=datetime.UTC)
NY_DAY, LA_DAY = datetime.date(2026, 3, 3), datetime.date(2026, 3, 2)


def coasts(world: World) -> tuple[Customer, Customer]:
    """Office A in New York, office B in Los Angeles; one planner with a customer in each."""
    world.office_a.time_zone = "America/New_York"
    world.office_a.save()
    world.office_b.time_zone = "America/Los_Angeles"
    world.office_b.save()
    world.planner_a.offices.add(world.office_b)
    world.supervisor_a.supervised_offices.add(world.office_b)
    return (
        participant(world, "a", first_name="Nyla"),
        participant(world, "b", planner=world.planner_a, first_name="Lana"),
    )


def test_this_week_starts_today_in_each_customers_office(world: World):
    new_york, los_angeles = coasts(world)
    eighth_day = NY_DAY + 7 * DAY  # the last day of New York's week, past Los Angeles's
    ny_due = make_alert(new_york, Rule.REVIEW_90, State.DUE_SOON, due_on=eighth_day)
    la_due = make_alert(los_angeles, Rule.REVIEW_90, State.DUE_SOON, due_on=eighth_day)
    ny_today = make_alert(new_york, Rule.CONTACT_30, State.DUE_SOON, due_on=LA_DAY)
    la_today = make_alert(los_angeles, Rule.CONTACT_30, State.DUE_SOON, due_on=LA_DAY)

    with time_machine.travel(MIDNIGHT_PASSED_IN_NEW_YORK, tick=False):
        page_week = planner_alerts_page(world.planner_a).due_this_week

    week = page_week.rows
    assert ny_due in week and la_today in week
    assert la_due not in week and ny_today not in week
    assert page_week.total == 2


def test_the_trend_ends_each_office_on_its_own_day(world: World):
    new_york, los_angeles = coasts(world)
    for customer in (new_york, los_angeles):
        # Resolved on March 3: still open at the end of March 2, not of March 3.
        make_alert(
            customer, due_on=LA_DAY - 9 * DAY, opened_on=LA_DAY - 9 * DAY, resolved_on=NY_DAY
        )
    offices = offices_supervised_by(world.supervisor_a)

    with time_machine.travel(MIDNIGHT_PASSED_IN_NEW_YORK, tick=False):
        per_office = overdue_trend(world.supervisor_a, offices)
        one_day = overdue_trend(world.supervisor_a, offices, on=LA_DAY)

    assert per_office[-1].week_end == NY_DAY and per_office[-1].overdue == 1  # Los Angeles's
    assert one_day[-1].week_end == LA_DAY and one_day[-1].overdue == 2


def test_recent_soft_exits_are_counted_in_each_offices_days(world: World):
    new_york, los_angeles = coasts(world)
    world.tracker_a.offices.add(world.office_b)
    for customer in (new_york, los_angeles):
        Customer.objects.filter(pk=customer.pk).update(
            status=Status.EXITED,
            exit_date=LA_DAY - 120 * DAY,
            exit_reason="Soft exit: 90 days without an enrolling service",
            # January 31 in both offices: 31 days before New York's March 3, 30 before
            # Los Angeles's March 2.
            updated_at=datetime.datetime(2026, 2, 1, 3, 0, tzinfo=datetime.UTC),
        )

    with time_machine.travel(MIDNIGHT_PASSED_IN_NEW_YORK, tick=False):
        recent = customers(tracker_dashboard(world.tracker_a), "soft_exited")

    assert recent == [los_angeles]
