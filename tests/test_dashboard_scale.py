"""Dashboards cost what they show (issue 16): long lists are paginated, query counts do not
grow with the rows, and the supervisor's trend reads recorded counts per office and day
that equal what the alerts say."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casemgmt import roles
from casemgmt.clock import today
from casemgmt.models import Office
from compliance.models import OfficeCount, OverdueCount, Rule, State
from compliance.selectors import (
    office_roll_up,
    offices_supervised_by,
    overdue_trend,
    planners_in_scope,
    supervisor_summary,
)
from compliance.summary import record_office_counts, record_overdue_counts
from customers.models import Status
from tests.conftest import World, client_for
from tests.factories import make_customer, make_office, make_user
from tests.test_dashboards import make_alert, participant

TODAY = today()
DAY = datetime.timedelta(days=1)


def a_history(world: World) -> None:
    """Alerts opened, overdue and resolved over the last weeks, in both offices."""
    for n in range(6):
        customer = participant(world, first_name=f"Hist{n}")
        make_alert(
            customer,
            due_on=TODAY - (40 - 5 * n) * DAY,
            opened_on=TODAY - (50 - 5 * n) * DAY,
            resolved_on=TODAY - (20 - 3 * n) * DAY if n % 2 else None,
        )
        make_alert(customer, Rule.SOFT_EXIT, due_on=TODAY + 9 * DAY, opened_on=TODAY - 9 * n * DAY)
        make_alert(customer, Rule.REVIEW_90, State.DUE_SOON, due_on=TODAY + DAY)
    make_alert(world.customer_b, due_on=TODAY - 30 * DAY, opened_on=TODAY - 40 * DAY)


def test_the_trend_from_recorded_counts_equals_the_trend_counted_from_the_alerts(world: World):
    a_history(world)
    offices = offices_supervised_by(world.supervisor_a)

    counted = overdue_trend(world.supervisor_a, offices)  # nothing recorded: counts, keeps
    assert OverdueCount.objects.filter(office=world.office_a).count() == 11  # the past weeks
    read = overdue_trend(world.supervisor_a, offices)
    OverdueCount.objects.all().delete()
    for weeks_ago in range(1, 12):
        record_overdue_counts(on=TODAY - 7 * weeks_ago * DAY)
    recorded = overdue_trend(world.supervisor_a, offices)

    assert counted == read == recorded
    assert [p.overdue for p in counted] != [0] * 12
    assert counted[-1].overdue == 3 + 6  # the contacts still open, and the six soft exits


def test_the_trend_reads_a_recorded_day_as_recorded(world: World):
    offices = offices_supervised_by(world.supervisor_a)
    OverdueCount.objects.create(office=world.office_a, day=TODAY - 7 * DAY, overdue=41)
    trend = overdue_trend(world.supervisor_a, offices)
    assert trend[-2].overdue == 41 and trend[-1].overdue == 0


def test_record_overdue_counts_records_yesterday_of_every_office_once(world: World):
    make_alert(world.customer_a, due_on=TODAY - 5 * DAY, opened_on=TODAY - 6 * DAY)
    make_alert(world.customer_b, due_on=TODAY - 5 * DAY, opened_on=TODAY - 6 * DAY)
    make_alert(world.customer_b, Rule.REVIEW_90, due_on=TODAY - 3 * DAY, resolved_on=TODAY)

    assert record_overdue_counts() == 2
    assert record_overdue_counts() == 2  # again: counted again, not added

    rows = {(r.office_id, r.day): r.overdue for r in OverdueCount.objects.all()}
    assert rows == {
        (world.office_a.pk, TODAY - DAY): 1,
        (world.office_b.pk, TODAY - DAY): 2,  # the review was still open at the day's end
    }


def test_the_trend_costs_one_query_however_many_alerts(world: World):
    offices = offices_supervised_by(world.supervisor_a)
    overdue_trend(world.supervisor_a, offices)
    a_history(world)
    with CaptureQueriesContext(connection) as queries:
        overdue_trend(world.supervisor_a, offices)
    assert len(queries) == 1


def test_the_planners_page_is_paginated_most_urgent_first(world: World):
    for n in range(30):
        customer = participant(world, first_name=f"Many{n:02d}")
        make_alert(customer, Rule.CONTACT_30, State.OVERDUE, due_on=TODAY - (40 - n) * DAY)
        make_alert(customer, Rule.REVIEW_90, State.DUE_SOON, due_on=TODAY + 2 * DAY)
    client = client_for(world.planner_a)
    url = reverse("compliance:planner")

    first = client.get(url)
    second = client.get(url, {"page": 2})
    contacts = client.get(url, {"rule": "contact_30", "state": "overdue", "page": 2})

    dashboard = first.context["dashboard"]
    assert dashboard.open == 60 and dashboard.page.paginator.num_pages == 3
    rows = list(dashboard.page.object_list)
    assert len(rows) == 25 and all(a.state == State.OVERDUE for a in rows)
    assert [a.due_on for a in rows] == sorted(a.due_on for a in rows)
    assert len(second.context["dashboard"].page.object_list) == 25
    assert len(contacts.context["dashboard"].page.object_list) == 5
    body = contacts.content.decode()
    assert 'aria-label="Pages of my open alerts"' in body
    assert "?rule=contact_30&amp;state=overdue&amp;page=1" in body  # the filters kept
    assert len(dashboard.no_contact.rows) == 10 and dashboard.no_contact.total == 30
    assert "All 30" in first.content.decode()


def test_the_planners_page_ignores_a_filter_that_is_not_a_choice(world: World):
    make_alert(world.customer_a)
    response = client_for(world.planner_a).get(
        reverse("compliance:planner"), {"rule": "nope", "state": "<b>"}
    )
    assert response.status_code == 200
    assert not response.context["dashboard"].filters
    assert response.context["dashboard"].page.paginator.count == 1


def test_the_planners_page_query_count_does_not_grow_with_rows_or_pages(world: World):
    client = client_for(world.planner_a)
    url = reverse("compliance:planner")
    make_alert(world.customer_a)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(40):
        customer = participant(world, first_name=f"Q{n}")
        make_alert(customer, Rule.CONTACT_30, State.OVERDUE)
        make_alert(customer, Rule.FOLLOW_UP_DUE, State.DUE_SOON, due_on=TODAY + DAY)
        make_alert(customer, Rule.SOFT_EXIT, State.DUE_SOON, due_on=TODAY + 20 * DAY)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url, {"page": 2}).status_code == 200
    assert len(many) == len(few)


def test_the_export_and_planner_choices_cost_the_same_however_many_planners(world: World):
    client = client_for(world.supervisor_a)
    url = reverse("compliance:export")
    make_alert(world.customer_a)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(5):
        planner = make_user(f"planner_s{n}", roles.CAREER_PLANNER, offices=[world.office_a])
        make_alert(participant(world, planner=planner, first_name=f"S{n}"))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    offices = offices_supervised_by(world.supervisor_a)
    assert world.planner_b not in planners_in_scope(world.supervisor_a, offices)
    assert len(planners_in_scope(world.supervisor_a, offices)) == 6


def test_a_region_sees_one_row_per_office_and_opens_one_in_full(world: World):
    director = make_user(
        "director_x",
        roles.SUPERVISOR,
        offices=[world.office_a],
        supervises=[world.office_a, world.office_b],
    )
    make_alert(world.customer_a)
    make_alert(world.customer_b, Rule.REVIEW_90)
    client = client_for(director)
    url = reverse("compliance:supervisor")

    response = client.get(url)

    assert response.context["roll_up"]
    summaries = response.context["summaries"]
    assert [s.total.office for s in summaries] == [world.office_a, world.office_b]
    assert [s.planners for s in summaries] == [[], []]
    assert [s.total.overdue for s in summaries] == [1, 1]
    body = response.content.decode()
    assert f'href="/dashboard/supervisor/?office={world.office_b.pk}"' in body
    assert "By career planner" not in body

    one = client.get(url, {"office": world.office_b.pk})

    assert not one.context["roll_up"]
    (summary,) = one.context["summaries"]
    assert summary.total.office == world.office_b
    assert [c.planner_id for c in summary.planners] == [world.planner_b.pk]
    assert summary.total.rules[Rule.REVIEW_90].overdue == 1
    assert "By career planner" in one.content.decode()
    assert "Every office I supervise" in one.content.decode()
    # An office not supervised, or not a number, is answered as if it did not exist.
    supervisor = client_for(world.supervisor_a)
    assert supervisor.get(url, {"office": world.office_b.pk}).status_code == 404
    assert client.get(url, {"office": "1 OR 1=1"}).status_code == 404
    assert client.get(url, {"office": "99999999"}).status_code == 404
    for hostile in ("\u00b2", "9" * 40, "-1", "1\x00", ""):
        response = client.get(url, {"office": hostile})
        assert response.status_code == (200 if hostile == "" else 404), repr(hostile)


def test_the_regions_page_does_not_grow_with_its_offices_and_planners(world: World):
    director = make_user(
        "director_y",
        roles.SUPERVISOR,
        offices=[world.office_a],
        supervises=[world.office_a, world.office_b],
    )
    make_alert(world.customer_a)
    client = client_for(director)
    url = reverse("compliance:supervisor")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(4):
        office = make_office(f"R{n}")
        director.supervised_offices.add(office)
        for p in range(3):
            planner = make_user(f"planner_r{n}_{p}", roles.CAREER_PLANNER, offices=[office])
            make_alert(make_customer(office=office, planner=planner, status=Status.PARTICIPANT))
    with CaptureQueriesContext(connection) as many:
        large = client.get(url)
    assert len(large.context["summaries"]) == 6
    assert len(many) == len(few)
    # One row more per office, never a table per career planner.
    assert large.content.decode().count("planner-caseload") == 0


def test_the_nightly_office_counts_equal_the_counts_of_the_alerts(world: World):
    late = participant(world, first_name="Dee")
    make_alert(world.customer_a, Rule.ELIGIBILITY_30, State.OVERDUE)
    make_alert(late, Rule.CONTACT_30, State.OVERDUE)
    make_alert(late, Rule.REVIEW_90, State.DUE_SOON, due_on=today() + datetime.timedelta(days=4))
    make_alert(world.customer_b, Rule.CONTACT_30, State.OVERDUE)
    make_alert(world.customer_b, Rule.ENTRY_10, State.LATE, subject_id=7)
    offices = Office.objects.filter(pk__in=[world.office_a.pk, world.office_b.pk])
    live = supervisor_summary(world.admin, offices, by_planner=False)

    written = record_office_counts()

    assert written == Office.objects.count() * len(Rule.values)
    recorded, counted_on = office_roll_up(world.admin, offices)
    assert counted_on == today()
    for mine, theirs in zip(recorded, live, strict=True):
        assert mine.total.office == theirs.total.office
        assert mine.total.active == theirs.total.active
        for rule in Rule.values:
            assert vars(mine.total.rules[rule]) == vars(theirs.total.rules[rule]), rule
    assert record_office_counts() == written  # a second run rewrites the same rows
    assert OfficeCount.objects.count() == written


def test_a_roll_up_reads_the_nightly_counts_and_an_office_page_counts_now(world: World):
    director = make_user(
        "director_w",
        roles.SUPERVISOR,
        offices=[world.office_a],
        supervises=[world.office_a, world.office_b],
    )
    make_alert(world.customer_a)
    record_office_counts()
    make_alert(world.customer_b)  # after the nightly count
    client = client_for(director)
    url = reverse("compliance:supervisor")

    roll_up = client.get(url)

    summaries = roll_up.context["summaries"]
    assert [s.total.overdue for s in summaries] == [1, 0]
    body = roll_up.content.decode()
    assert f"As the nightly run counted them on {today():%m/%d/%Y}" in body
    assert "Open at the nightly count" in body
    office_b = client.get(url, {"office": world.office_b.pk})
    assert office_b.context["summaries"][0].total.overdue == 1
    assert "Open now" in office_b.content.decode()
    # An office the nightly run has not counted yet is counted now.
    third = make_office("C")
    director.supervised_offices.add(third)
    planner_c = make_user("planner_c", roles.CAREER_PLANNER, offices=[third])
    make_alert(make_customer(office=third, planner=planner_c, status=Status.PARTICIPANT))
    summaries = client.get(url).context["summaries"]
    # Office B as counted last night (the alert opened since is not in it), office C now.
    assert [s.total.overdue for s in summaries] == [1, 0, 1]
