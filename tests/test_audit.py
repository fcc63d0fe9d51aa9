"""The audit trail: who changed what, when, for administrators (every office) and
supervisors (the customers of their offices), with personal details masked."""

import codecs
import csv
import datetime
import io
import zoneinfo

import pghistory
import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pghistory.core import event_models

from audit.indexes import index_name
from audit.selectors import AuditFilters, audit_export_rows, audit_time_zone
from casemgmt.models import User
from customers.models import Customer
from customers.services import customer_update
from services.models import Activity
from tests.conftest import World, client_for
from tests.factories import make_customer

CustomerEvent = apps.get_model("customers", "CustomerEvent")
LIST = reverse("audit:list")
EXPORT = reverse("audit:export")


def edit(customer: Customer, by: User, ssn: str = "", **fields: object) -> Customer:
    """Change a customer as a staff member's request does: the update log names them."""
    with pghistory.context(user=by.pk):
        return customer_update(customer=customer, updated_by=by, fields=fields, ssn=ssn)


def rows(response):  # noqa: ANN201 - the page's AuditRows
    assert response.status_code == 200
    return response.context["page"].rows


def csv_text(response) -> str:  # noqa: ANN001
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)  # a spreadsheet reads it as UTF-8
    return body.decode("utf-8-sig")


@pytest.fixture
def changed(world: World) -> World:
    """Planners of offices A and B each move their customer to another city."""
    world.planner_b.first_name = "Bianca"
    world.planner_b.save()
    edit(world.customer_a, world.planner_a, city="Decatur")
    edit(world.customer_b, world.planner_b, city="Peoria")
    return world


def test_an_administrator_sees_who_changed_what_and_when_in_every_office(changed: World, settings):
    settings.TIME_ZONE = "America/Denver"  # the site's zone: administrators have no office
    response = client_for(changed.admin).get(LIST)

    moved = {r.customer_number: r for r in rows(response) if r.action == "Changed"}
    a, b = moved[changed.customer_a.customer_number], moved[changed.customer_b.customer_number]
    assert (a.who, a.kind, [tuple(c) for c in a.changes]) == (
        "Planner Tester",
        "Customer",
        [("City", "(blank)", "Decatur", False)],
    )
    assert (b.who, b.changes[0].new) == ("Bianca Tester", "Peoria")
    assert a.when.tzinfo == zoneinfo.ZoneInfo("America/Denver")
    html = response.content.decode()
    assert f"{a.when:%m/%d/%Y %-I:%M %p} M" in html  # MST or MDT
    assert "Decatur" in html and "Bianca Tester" in html


def test_a_supervisor_sees_the_customers_of_their_offices_only(changed: World):
    changed.office_a.time_zone = "America/New_York"
    changed.office_a.save()
    client = client_for(changed.supervisor_a)
    seen = rows(client.get(LIST))
    assert {r.customer_number for r in seen} == {changed.customer_a.customer_number}
    assert seen[0].when.tzinfo == zoneinfo.ZoneInfo("America/New_York")  # their office's

    # Another office's customer number answers as one that does not exist: nothing.
    other = client.post(LIST, {"customer_number": changed.customer_b.customer_number})
    assert rows(other) == []
    assert "No changes match" in other.content.decode()
    assert "Peoria" not in other.content.decode()
    exported = csv_text(
        client.post(EXPORT, {"customer_number": changed.customer_b.customer_number})
    )
    assert exported.splitlines()[1:] == []


@pytest.mark.parametrize("persona", ["planner_a", "tracker_a", "facilitator", "vetrep_a"])
def test_other_roles_are_refused(changed: World, persona: str):
    client = client_for(getattr(changed, persona))
    assert client.get(LIST).status_code == 403
    assert client.post(EXPORT, {}).status_code == 403
    assert reverse("audit:list") not in client.get(reverse("home")).content.decode()


def test_the_menu_links_the_audit_trail_for_those_who_may_read_it(world: World):
    for persona in ("admin", "supervisor_a"):
        home = client_for(getattr(world, persona)).get(reverse("home")).content.decode()
        assert f'href="{LIST}"' in home


def test_personal_details_show_as_changed_without_their_values(world: World):
    edit(
        world.customer_a,
        world.planner_a,
        ssn="123-45-6789",
        last_name="Quixotic",
        date_of_birth=datetime.date(1971, 3, 9),
        phone="3125550143",
        email="quixotic@example.org",
        street="17 Hidden Lane",
        alternate_contact_name="Zebulon Quince",
        city="Decatur",
    )
    secrets = [
        "Quixotic",
        "Sample",  # the name before
        "03/09/1971",
        "05/17/1990",  # the birth date before
        "3125550143",
        "(312) 555-0143",
        "quixotic@example.org",
        "17 Hidden Lane",
        "Zebulon",
        "6789",
        "Ada",  # the first name, registered
    ]
    client = client_for(world.admin)
    page = client.post(LIST, {"customer_number": world.customer_a.customer_number})
    (change,) = [r for r in rows(page) if r.action == "Changed"]
    masked = {c.label for c in change.changes if c.masked}
    assert masked == {
        "Last name",
        "Date of birth",
        "Phone",
        "Email",
        "Street address",
        "Alternate contact name",
        "Last 4 of SSN",
    }
    assert ("City", "(blank)", "Decatur", False) in change.changes
    said = (
        "Planner Tester changed the last name, the date of birth, the phone number, the email"
        " address, the street address, the city to \u201cDecatur\u201d, the alternate contact"
        " name and the last 4 of SSN."
    )
    assert change.sentence == said.replace("Planner Tester", "P. Tester")
    html = page.content.decode()
    assert change.sentence in html
    exported = csv_text(client.post(EXPORT, {"customer_number": world.customer_a.customer_number}))
    assert change.sentence in exported
    for secret in secrets:
        assert secret not in html, secret
        assert secret not in exported, secret


def test_the_filters_narrow_the_events(changed: World):
    client = client_for(changed.admin)
    a = changed.customer_a
    # Customer A's move happened a year ago.
    moved = CustomerEvent.objects.filter(pgh_obj=a, pgh_label="update").latest("pgh_id")
    year_ago = moved.pgh_created_at - datetime.timedelta(days=365)
    CustomerEvent.objects.filter(pk=moved.pk).update(pgh_created_at=year_ago)
    with pghistory.context(user=changed.admin.pk):
        activity = Activity.objects.get(code="211")
        activity.title = "Job Search Activities (Staff Assisted)"
        activity.save()

    def shown(**data: object) -> set[tuple[str, str, str]]:
        return {(r.kind, r.customer_number, r.who) for r in rows(client.post(LIST, data))}

    by_b = shown(staff=changed.planner_b.pk)
    assert by_b and all(who == "Bianca Tester" for _, _, who in by_b)
    # The number as typed at a desk: lower case, without the leading zeros.
    typed = "c" + a.customer_number[1:].lstrip("0")
    assert {n for _, n, _ in shown(customer_number=typed)} == {a.customer_number}
    assert {k for k, _, _ in shown(kind="services.Activity")} == {"Activity"}
    assert ("Customer", a.customer_number, "Planner Tester") not in shown(
        since=datetime.date.today() - datetime.timedelta(days=30)
    )
    # The day in the viewer's zone, as the filter reads it (not the server's UTC date).
    day = year_ago.astimezone(audit_time_zone(changed.admin)).date()
    last_year = shown(since=day, until=day)
    assert last_year == {("Customer", a.customer_number, "Planner Tester")}
    # Records of no customer (the service matrix) are the administrator's alone.
    supervisor = client_for(changed.supervisor_a).post(LIST, {"kind": "services.Activity"})
    assert supervisor.context["page"] is None
    assert "Select a valid choice" in supervisor.content.decode()
    assert "Activity" not in {r.kind for r in rows(client_for(changed.supervisor_a).get(LIST))}
    (retitled,) = [
        r for r in rows(client.post(LIST, {"kind": "services.Activity"})) if r.who == "Admin Tester"
    ]
    # A row of the service matrix is named by what it is, not by the rows it links to.
    assert retitled.detail == "211 Job Search Activities (Staff Assisted)"
    assert retitled.changes[0].new == "Job Search Activities (Staff Assisted)"


def test_a_supervisor_filters_by_the_staff_of_their_offices_and_the_administrators(
    changed: World,
):
    client = client_for(changed.supervisor_a)
    choices = set(client.get(LIST).context["form"].fields["staff"].queryset)
    assert {changed.planner_a, changed.supervisor_a, changed.admin} <= choices
    assert changed.planner_b not in choices
    refused = client.post(LIST, {"staff": changed.planner_b.pk})
    assert refused.context["page"] is None
    assert "Select a valid choice" in refused.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"customer_number": "Ada Sample"}, "Enter a customer number"),
        ({"customer_number": "05/17/1990"}, "Enter a customer number"),
        ({"since": "9999-12-31"}, "Enter a date from 01/01/2000 to today"),
        ({"since": "2026-11-20", "until": "2026-11-01"}, "comes before its start"),
        ({"since": "2026-02-30"}, "Enter a valid date"),
        ({"customer_number": "C01\x0000001"}, "Null characters are not allowed"),
        ({"customer_number": "C" * 100_001}, "Customer number holds at most 12 characters"),
        ({"staff": "999999999"}, "Select a valid choice"),
        ({"kind": "\x00"}, "Select a valid choice"),
    ],
)
def test_a_filter_that_does_not_read_shows_a_message_and_no_events(
    changed: World, data: dict[str, str], message: str
):
    for url in (LIST, EXPORT):
        response = client_for(changed.admin).post(url, data)
        assert response.status_code == 200 and not response.streaming
        assert response.context["page"] is None
        assert message in response.content.decode()


def test_the_export_is_an_attachment_the_browser_does_not_keep(changed: World):
    response = client_for(changed.admin).post(EXPORT, {})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    assert "no-store" in response["Cache-Control"]
    lines = list(csv.reader(io.StringIO(csv_text(response))))
    assert lines[0] == [
        "When (America/Chicago)",
        "Who",
        "Kind of record",
        "Customer number",
        "Record",
        "Action",
        "What happened",
        "Reason",
    ]
    assert [
        changed.customer_b.customer_number,
        "",
        "Changed",
        "B. Tester changed the city to \u201cPeoria\u201d.",
    ] in [line[3:7] for line in lines]
    assert len(lines) - 1 == len(rows(client_for(changed.admin).get(LIST)))


def test_the_export_reads_a_chunk_at_a_time_and_refuses_more_than_it_carries(
    changed: World, monkeypatch
):
    user, zone = changed.admin, zoneinfo.ZoneInfo("America/Chicago")
    whole = list(audit_export_rows(user, AuditFilters(), zone=zone))
    assert len(whole) > 3
    assert list(audit_export_rows(user, AuditFilters(), zone=zone, chunk=2)) == whole

    monkeypatch.setattr("audit.selectors.EXPORT_MAX_ROWS", 3)
    refused = client_for(user).post(EXPORT, {})
    assert not refused.streaming and "Narrow the dates" in refused.content.decode()
    assert refused.context["page"].rows


def test_pages_are_posted_with_the_filters(world: World, monkeypatch):
    monkeypatch.setattr("audit.selectors.PAGE_SIZE", 2)
    for n in range(3):
        edit(world.customer_a, world.planner_a, city=f"Town {n}")
    client = client_for(world.admin)
    first = client.post(LIST, {"customer_number": world.customer_a.customer_number})
    second = client.post(LIST, {"customer_number": world.customer_a.customer_number, "page": "2"})
    assert first.context["page"].has_next and second.context["page"].number == 2
    garbled = client.post(LIST, {"page": "\x00"})
    assert garbled.context["page"].number == 1
    assert [r.changes for r in rows(first)] != [r.changes for r in rows(second)]
    assert 'form="audit-filters" name="page" value="2"' in " ".join(first.content.decode().split())


def test_the_query_count_does_not_grow_with_the_events(world: World):
    client = client_for(world.supervisor_a)

    def queries(method: str, url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(captured)

    edit(world.customer_a, world.planner_a, city="Decatur")
    queries("get", LIST)  # warm the session and permission caches
    few = (queries("get", LIST), queries("post", EXPORT))
    for n in range(12):
        customer = make_customer(office=world.office_a, planner=world.planner_a)
        edit(customer, world.supervisor_a, city=f"Town {n}", phone=f"217555{n:04d}")
    many = (queries("get", LIST), queries("post", EXPORT))
    assert len(rows(client.get(LIST))) > 12
    assert many == few


def test_every_event_table_is_indexed_by_time(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_audit_time'")
        indexed = {name for (name,) in cursor.fetchall()}
    assert {index_name(m._meta.db_table) for m in event_models()} <= indexed


def test_a_duplicate_check_match_shows_to_the_supervisors_of_both_offices(world: World):
    from customers.models import DuplicateCheck, DuplicateMatch

    check = DuplicateCheck.objects.create(checked_by=world.planner_a, office=world.office_a)
    DuplicateMatch.objects.create(
        duplicate_check=check,
        customer=world.customer_b,
        checked_by=world.planner_a,
        checking_office=world.office_a,
        matched_on="name and birth date",
    )
    supervisor_b = User.objects.create(username="supervisor_b")
    supervisor_b.groups.set(world.supervisor_a.groups.all())
    supervisor_b.supervised_offices.set([world.office_b])
    number = world.customer_b.customer_number
    seen = {}
    for supervisor in (world.supervisor_a, supervisor_b):
        (seen[supervisor],) = [
            r
            for r in rows(client_for(supervisor).get(LIST))
            if r.kind == "Duplicate check match in another office"
        ]
    # The registering office's supervisor sees the match, not which record it matched.
    assert (seen[world.supervisor_a].customer_number, seen[supervisor_b].customer_number) == (
        "",
        number,
    )
    assert seen[world.supervisor_a].customer_elsewhere
    asked = client_for(world.supervisor_a).post(LIST, {"customer_number": number})
    assert rows(asked) == []
