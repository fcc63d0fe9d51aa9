"""The customer's Employment tab: employer contacts, jobs, placements with their
follow-ups, credentials and skill gains, through the pages a career planner uses."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casemgmt.models import SubmissionToken
from casenotes.models import CaseNote
from customers.models import Customer
from employment.models import (
    Credential,
    EmployerContact,
    Employment,
    Placement,
    PlacementFollowUp,
    SkillGain,
)
from employment.services import (
    credential_create,
    employer_contact_create,
    employment_create,
    employment_update,
    placement_create,
    placement_set_status,
    skill_gain_create,
)
from services.models import Activity, ServiceRecord
from services.services import NoteDraft, service_record_create
from tests.conftest import World, client_for
from tests.factories import certify, make_customer
from tests.hostile import form_fields
from tests.readback import assert_saved, form_page_fields, submit

NOW = datetime.datetime(2026, 11, 20, 17, tzinfo=datetime.UTC)  # 11:00 on 11/20 in Chicago
TODAY = datetime.date(2026, 11, 20)
NOTE = NoteDraft("Service Strategy", "Career planner met the customer.", "in_person", True)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(name: str, customer: Customer, **kwargs: int) -> str:
    return reverse(f"employment:{name}", kwargs={"pk": customer.pk, **kwargs})


def _service(world: World, code: str, **extra: object) -> ServiceRecord:
    return service_record_create(
        customer=world.customer_a,
        activity=Activity.objects.get(code=code),
        started_on=datetime.date(2026, 10, 5),
        entered_by=world.planner_a,
        note=NOTE,
        **extra,
    )


def _training(world: World) -> ServiceRecord:
    """Customer A certified 10/01, assessed and planned, in occupational skills training."""
    certify(world.customer_a)
    day = datetime.date(2026, 10, 5)
    for code in ("207", "205"):
        _service(world, code, ended_on=day)
    return _service(world, "300")


def _html(response) -> str:  # noqa: ANN001
    return response.content.decode()


def _job_fields(**extra: object) -> dict[str, object]:
    return {
        "employer": "Prairie Logistics",
        "job_title": "Forklift operator",
        "onet_code": "53-7051.00",
        "started_on": "2026-11-16",
        "hourly_wage": "$18.50",
        "hours_per_week": "40",
        "verification": "pay_stub",
        **extra,
    }


def _placement_fields(**extra: object) -> dict[str, object]:
    return {
        "kind": "ojt",
        "worksite": "Prairie Fabrication",
        "supervisor": "Dana Lopez",
        "hourly_wage": "16.00",
        "subsidized_wage": "8.00",
        "hours_per_week": "40",
        "starts_on": "2026-11-16",
        "ends_on": "2027-05-14",
        **extra,
    }


def _placement(world: World, **extra: object) -> Placement:
    fields = {
        "kind": "worksite",
        "worksite": "Sangamon Food Bank",
        "supervisor": "Lee Park",
        "hourly_wage": Decimal("15.00"),
        "subsidized_wage": Decimal("15.00"),
        "hours_per_week": Decimal("20"),
        "starts_on": datetime.date(2026, 9, 1),
        **extra,
    }
    return placement_create(customer=world.customer_a, user=world.planner_a, fields=fields)


# --- Creates, read back --------------------------------------------------------------------


def test_it_records_an_employer_contact_with_the_customers_service(world: World):
    certify(world.customer_a)
    search = _service(world, "211", ended_on=datetime.date(2026, 10, 5))
    client = client_for(world.planner_a)

    response = submit(
        client,
        _url("contact_create", world.customer_a),
        {
            "employer": "Prairie Logistics",
            "contact_person": "Sam Ortiz, HR",
            "method": "phone",
            "contacted_on": "2026-11-18",
            "outcome": "interview",
            "service": str(search.pk),
            "notes": "Interview on Monday at 9.",
        },
    )

    contact = EmployerContact.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#contact-{contact.pk}")
    assert_saved(
        EmployerContact,
        contact.pk,
        customer=world.customer_a,
        service=search,
        employer="Prairie Logistics",
        contact_person="Sam Ortiz, HR",
        method="phone",
        contacted_on=datetime.date(2026, 11, 18),
        outcome="interview",
        notes="Interview on Monday at 9.",
        entered_by=world.planner_a,
        entered_late=False,
    )


def test_the_contact_offers_only_this_customers_services(world: World):
    certify(world.customer_b)
    theirs = service_record_create(
        customer=world.customer_b,
        activity=Activity.objects.get(code="211"),
        started_on=datetime.date(2026, 10, 5),
        ended_on=datetime.date(2026, 10, 5),
        entered_by=world.planner_b,
        note=NOTE,
    )
    client = client_for(world.planner_a)

    response = submit(
        client,
        _url("contact_create", world.customer_a),
        {
            "employer": "Prairie Logistics",
            "method": "phone",
            "contacted_on": "2026-11-18",
            "outcome": "referred",
            "service": str(theirs.pk),
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice" in _html(response)
    assert not EmployerContact.objects.exists()


def test_it_records_a_job_and_shows_it_on_the_tab(world: World):
    client = client_for(world.planner_a)

    response = submit(
        client,
        _url("job_create", world.customer_a),
        _job_fields(training_related="on"),
        follow=True,
    )

    job = Employment.objects.get()
    assert_saved(
        Employment,
        job.pk,
        customer=world.customer_a,
        employer="Prairie Logistics",
        job_title="Forklift operator",
        onet_code="53-7051.00",
        started_on=datetime.date(2026, 11, 16),
        ended_on=None,
        hourly_wage=Decimal("18.50"),
        hours_per_week=Decimal("40.0"),
        training_related=True,
        verification="pay_stub",
        entered_late=False,
        lock_version=1,
    )
    row = _html(response).split(f'id="job-{job.pk}"')[1].split("</tr>")[0]
    assert "Forklift operator" in row
    assert "53-7051.00" in row
    assert "11/16/2026" in row
    assert "$18.50" in row
    assert "full time" in row
    assert "Pay stub" in row
    assert "Late entry" not in row


def test_the_job_form_offers_common_occupations_and_refuses_a_malformed_code(world: World):
    client = client_for(world.planner_a)
    page = _html(client.get(_url("job_create", world.customer_a)))
    assert 'list="onet-codes"' in page
    assert '<option value="53-7051.00">' in page

    response = submit(client, _url("job_create", world.customer_a), _job_fields(onet_code="537051"))

    assert response.status_code == 200
    assert "Give the O*NET-SOC code as 00-0000.00" in _html(response)
    assert 'value="Prairie Logistics"' in _html(response)  # the input is kept
    assert not Employment.objects.exists()


def test_a_job_submitted_twice_is_recorded_once(world: World):
    client = client_for(world.planner_a)
    url = _url("job_create", world.customer_a)
    data = {**form_page_fields(_html(client.get(url))), **_job_fields()}

    first = client.post(url, data)
    second = client.post(url, data)

    assert Employment.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_it_records_a_placement_with_its_follow_ups_and_the_unsubsidised_part(world: World):
    client = client_for(world.planner_a)

    response = submit(
        client, _url("placement_create", world.customer_a), _placement_fields(), follow=True
    )

    placement = Placement.objects.get()
    assert_saved(
        Placement,
        placement.pk,
        customer=world.customer_a,
        kind="ojt",
        worksite="Prairie Fabrication",
        supervisor="Dana Lopez",
        hourly_wage=Decimal("16.00"),
        subsidized_wage=Decimal("8.00"),
        hours_per_week=Decimal("40.0"),
        starts_on=datetime.date(2026, 11, 16),
        ends_on=datetime.date(2027, 5, 14),
        status="planned",
        entered_late=False,
    )
    assert list(placement.follow_ups.values_list("day", flat=True)) == [30, 60, 90, 180, 270]
    card = _html(response).split(f'id="placement-{placement.pk}"')[1].split("</article>")[0]
    assert "$16.00: $8.00 subsidised, $8.00 unsubsidised" in " ".join(card.split())
    assert "12/16/2026" in card  # the day 30 follow-up's due date


@pytest.mark.parametrize(("wage", "refused"), [("7.24", True), ("7.25", False)])
def test_the_placement_form_shows_the_minimum_wage_refusal(world: World, wage: str, refused: bool):
    client = client_for(world.planner_a)

    response = submit(
        client,
        _url("placement_create", world.customer_a),
        _placement_fields(hourly_wage=wage, subsidized_wage="3.00"),
    )

    if refused:
        assert response.status_code == 200
        html = _html(response)
        assert "below the minimum wage that applies here ($7.25)" in html
        assert 'value="7.24"' in html and 'value="Prairie Fabrication"' in html
        assert not Placement.objects.exists()
        assert not SubmissionToken.objects.exists()
    else:
        assert response.status_code == 302
        placement = assert_saved(Placement, Placement.objects.get().pk, hourly_wage=Decimal(wage))
        assert placement.unsubsidized_wage == Decimal("4.25")


def test_it_changes_a_placements_status(world: World):
    placement = _placement(world)
    client = client_for(world.planner_a)

    response = submit(
        client,
        _url("placement_status", world.customer_a, placement_pk=placement.pk),
        {"status": "started", "on": "2026-11-02"},
    )

    assert response.status_code == 302
    assert_saved(
        Placement,
        placement.pk,
        status="started",
        status_changed_on=datetime.date(2026, 11, 2),
        lock_version=2,
    )


def test_a_stale_status_change_answers_409_and_changes_nothing(world: World):
    placement = _placement(world)
    client = client_for(world.planner_a)
    url = _url("placement_status", world.customer_a, placement_pk=placement.pk)
    opened = form_page_fields(_html(client.get(url)))
    placement_set_status(
        placement=placement,
        status="on_hold",
        on=datetime.date(2026, 11, 10),
        user=world.supervisor_a,
        expected_version=None,
    )

    response = client.post(url, {**opened, "status": "terminated", "on": "2026-11-19"})

    assert response.status_code == 409
    assert 'id="edit-conflict"' in _html(response)
    assert_saved(Placement, placement.pk, status="on_hold", lock_version=2)


def test_it_records_a_placement_follow_up_with_its_case_note_once(world: World):
    placement = _placement(world)
    follow_up = placement.follow_ups.get(day=30)
    client = client_for(world.planner_a)
    url = _url(
        "placement_follow_up",
        world.customer_a,
        placement_pk=placement.pk,
        follow_up_pk=follow_up.pk,
    )
    data = {
        **form_page_fields(_html(client.get(url))),
        "done_on": "2026-10-02",
        "two_way": "no",
        "note_body": "Left a message for the worksite supervisor about attendance.",
    }

    client.post(url, data)
    again = client.post(url, data)

    assert again.status_code == 302
    recorded = assert_saved(
        PlacementFollowUp,
        follow_up.pk,
        done_on=datetime.date(2026, 10, 2),
        recorded_by=world.planner_a,
    )
    assert_saved(
        CaseNote,
        recorded.note_id,
        customer=world.customer_a,
        contact_date=datetime.date(2026, 10, 2),
        two_way=False,
        body="Left a message for the worksite supervisor about attendance.",
    )
    assert CaseNote.objects.filter(note_type="follow_up").count() == 1
    tab = _html(client.get(_url("customer", world.customer_a)))
    line = tab.split(f'id="placement-follow-up-{follow_up.pk}"')[1].split("</li>")[0]
    assert "Done 10/02/2026" in line


def test_the_tab_says_which_follow_ups_are_overdue_and_links_each_to_its_form(world: World):
    # From 08/24: day 30 due 09/23, day 60 10/23, day 90 11/22, day 180 02/20/2027.
    placement = _placement(world, starts_on=datetime.date(2026, 8, 24))
    client = client_for(world.planner_a)

    tab = _html(client.get(_url("customer", world.customer_a)))

    def line(day: int) -> str:
        pk = placement.follow_ups.get(day=day).pk
        return tab.split(f'id="placement-follow-up-{pk}"')[1].split("</li>")[0]

    assert "Overdue" in line(30) and "Overdue" in line(60)
    assert "Due" in line(90) and "Overdue" not in line(90)  # due within 7 days
    assert "not due yet" in line(180)
    follow_up = placement.follow_ups.get(day=30)
    assert _url(
        "placement_follow_up",
        world.customer_a,
        placement_pk=placement.pk,
        follow_up_pk=follow_up.pk,
    ) in line(30)


def test_a_follow_up_before_the_placement_starts_is_refused(world: World):
    placement = _placement(world)
    follow_up = placement.follow_ups.get(day=30)
    client = client_for(world.planner_a)
    url = _url(
        "placement_follow_up",
        world.customer_a,
        placement_pk=placement.pk,
        follow_up_pk=follow_up.pk,
    )

    response = submit(
        client, url, {"done_on": "2026-08-31", "two_way": "yes", "note_body": "Called."}
    )

    assert response.status_code == 200
    assert "cannot be before 09/01/2026 (the placement&#x27;s start)" in _html(response)
    assert not CaseNote.objects.exists()


def test_it_records_a_credential_from_the_customers_training(world: World):
    training = _training(world)
    client = client_for(world.planner_a)

    response = submit(
        client,
        _url("credential_create", world.customer_a),
        {
            "credential_type": "6",
            "name": "Certified Forklift Operator",
            "attained_on": "2026-11-18",
            "training": str(training.pk),
        },
    )

    credential = Credential.objects.get()
    assert response["Location"].endswith(f"#credential-{credential.pk}")
    assert_saved(
        Credential,
        credential.pk,
        customer=world.customer_a,
        credential_type=6,
        name="Certified Forklift Operator",
        attained_on=datetime.date(2026, 11, 18),
        training=training,
        entered_late=False,
    )


def test_the_credential_offers_only_training_services(world: World):
    training = _training(world)
    assessment = ServiceRecord.objects.get(activity__code="207")
    client = client_for(world.planner_a)
    url = _url("credential_create", world.customer_a)
    offered = form_fields(_html(client.get(url)), url)["training"].options
    assert offered == ["", str(training.pk)]

    response = submit(
        client,
        url,
        {
            "credential_type": "5",
            "name": "Forklift",
            "attained_on": "2026-11-18",
            "training": str(assessment.pk),
        },
    )

    assert "Select a valid choice" in _html(response)
    assert not Credential.objects.exists()


def test_a_late_credential_is_warned_of_and_flagged(world: World):
    client = client_for(world.planner_a)
    check = client.get(_url("entry_check", world.customer_a), {"attained_on": "2026-10-01"})
    assert "This credential is dated 50 days ago. It will be saved and marked late" in _html(check)
    on_time = client.get(_url("entry_check", world.customer_a), {"attained_on": "2026-11-10"})
    assert "marked late" not in _html(on_time)
    url = _url("credential_create", world.customer_a)
    assert 'hx-get="' + _url("entry_check", world.customer_a) in _html(client.get(url))

    # Shown again with a refusal, the form says so without a script.
    refused = submit(client, url, {"credential_type": "5", "attained_on": "2026-10-01"})
    assert "This credential is dated 50 days ago" in _html(refused)

    saved = submit(
        client,
        url,
        {"credential_type": "5", "name": "ServSafe Food Handler", "attained_on": "2026-10-01"},
        follow=True,
    )

    credential = assert_saved(Credential, Credential.objects.get().pk, entered_late=True)
    assert "It is marked late" in _html(saved)
    item = _html(saved).split(f'id="credential-{credential.pk}"')[1].split("</li>")[0]
    assert "Late entry" in item


def test_it_records_a_skill_gain(world: World):
    client = client_for(world.planner_a)

    response = submit(
        client,
        _url("skill_gain_create", world.customer_a),
        {"kind": "efl", "achieved_on": "2026-11-12", "description": "TABE reading 4 to 5"},
        follow=True,
    )

    gain = SkillGain.objects.get()
    assert_saved(
        SkillGain,
        gain.pk,
        customer=world.customer_a,
        kind="efl",
        achieved_on=datetime.date(2026, 11, 12),
        description="TABE reading 4 to 5",
        entered_late=False,
    )
    assert "TABE reading 4 to 5" in _html(response)


# --- Edits refuse a stale save -------------------------------------------------------------


def _job(world: World) -> Employment:
    return employment_create(
        customer=world.customer_a,
        user=world.planner_a,
        fields={
            "employer": "Prairie Logistics",
            "job_title": "Forklift operator",
            "started_on": datetime.date(2026, 11, 2),
            "hourly_wage": Decimal("18.50"),
            "hours_per_week": Decimal("40"),
            "verification": "pay_stub",
        },
    )


def test_it_changes_a_job(world: World):
    job = _job(world)
    client = client_for(world.planner_a)

    response = submit(
        client,
        _url("job_edit", world.customer_a, job_pk=job.pk),
        _job_fields(started_on="2026-11-02", hours_per_week="30", ended_on="2026-11-19"),
    )

    assert response.status_code == 302
    assert_saved(
        Employment,
        job.pk,
        hours_per_week=Decimal("30.0"),
        ended_on=datetime.date(2026, 11, 19),
        onet_code="53-7051.00",
        lock_version=2,
    )


def test_a_stale_job_edit_answers_409_and_changes_nothing(world: World):
    job = _job(world)
    client = client_for(world.planner_a)
    url = _url("job_edit", world.customer_a, job_pk=job.pk)
    opened = form_page_fields(_html(client.get(url)))
    employment_update(
        job=job,
        user=world.supervisor_a,
        fields={"hourly_wage": Decimal("19.25")},
        expected_version=None,
    )

    response = client.post(
        url, {**opened, **_job_fields(started_on="2026-11-02", hours_per_week="20")}
    )

    assert response.status_code == 409
    html = _html(response)
    assert 'id="edit-conflict"' in html
    assert 'value="20"' in html  # what this planner typed is kept
    assert 'value="19.25"' in html  # with the other person's change they left alone
    assert_saved(
        Employment,
        job.pk,
        hourly_wage=Decimal("19.25"),
        hours_per_week=Decimal("40.0"),
        lock_version=2,
    )


# --- Hostile input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("started_on", "2026-02-30", "Enter a valid date"),
        ("started_on", "0001-01-01", "cannot be before 01/01/2000"),
        ("started_on", "9999-12-31", "cannot be after 11/20/2026 (today)"),
        ("employer", "Prairie\x00Logistics", "Null characters are not allowed"),
        ("employer", "x" * 10_000, "holds at most 160 characters; this has 10000"),
        ("hourly_wage", "-5", "The hourly wage is more than $0.00."),
        ("hourly_wage", "99999999", "Hourly wage: at most $999.99 an hour."),
        ("hours_per_week", "-5", "Hours per week are more than 0 and at most 100."),
        ("hours_per_week", "99999999", "Hours per week: give the hours a week"),
        ("verification", "999999999", "Select a valid choice"),
    ],
)
def test_hostile_input_on_the_job_form_is_refused_and_writes_nothing(
    world: World, field: str, value: str, message: str
):
    client = client_for(world.planner_a)

    response = submit(client, _url("job_create", world.customer_a), _job_fields(**{field: value}))

    assert response.status_code == 200
    assert message in _html(response).replace("&#x27;", "'")
    assert not Employment.objects.exists()
    assert not SubmissionToken.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("contact_create", {"employer": "Acme", "method": "phone", "outcome": "referred"}),
        ("skill_gain_create", {"kind": "efl", "description": "x" * 10_001}),
        ("credential_create", {"credential_type": "0", "name": "GED"}),
    ],
)
def test_the_other_create_forms_refuse_hostile_input_and_write_nothing(
    world: World, name: str, data: dict
):
    date_field = {
        "contact_create": "contacted_on",
        "skill_gain_create": "achieved_on",
        "credential_create": "attained_on",
    }[name]
    client = client_for(world.planner_a)

    response = submit(client, _url(name, world.customer_a), {**data, date_field: "2026-11-\x0002"})

    assert response.status_code == 200
    assert "is-invalid" in _html(response)
    assert not SubmissionToken.objects.exists()
    assert not EmployerContact.objects.exists()
    assert not SkillGain.objects.exists()
    assert not Credential.objects.exists()


# --- Who sees what ---------------------------------------------------------------------------


def _all_urls(world: World) -> list[str]:
    customer = world.customer_a
    job = _job(world)
    placement = _placement(world)
    follow_up = placement.follow_ups.first()
    return [
        _url("customer", customer),
        _url("entry_check", customer),
        _url("contact_create", customer),
        _url("job_create", customer),
        _url("job_edit", customer, job_pk=job.pk),
        _url("placement_create", customer),
        _url("placement_status", customer, placement_pk=placement.pk),
        _url("placement_follow_up", customer, placement_pk=placement.pk, follow_up_pk=follow_up.pk),
        _url("credential_create", customer),
        _url("skill_gain_create", customer),
    ]


def test_another_offices_planner_gets_404_on_every_page(world: World):
    client = client_for(world.planner_b)

    for url in _all_urls(world):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code in (404, 405), url


@pytest.mark.parametrize("persona", ["tracker_a", "facilitator"])
def test_trackers_and_facilitators_get_403(world: World, persona: str):
    client = client_for(getattr(world, persona))

    for url in _all_urls(world):
        assert client.get(url).status_code == 403, url


def test_a_record_of_another_customer_answers_404(world: World):
    placement = _placement(world)
    job = _job(world)
    neighbour = make_customer(office=world.office_a, planner=world.planner_a)
    client = client_for(world.planner_a)

    assert client.get(_url("job_edit", neighbour, job_pk=job.pk)).status_code == 404
    status_url = _url("placement_status", neighbour, placement_pk=placement.pk)
    assert client.get(status_url).status_code == 404


def test_the_tab_is_in_the_customer_header(world: World):
    client = client_for(world.planner_a)

    page = _html(client.get(reverse("customers:detail", kwargs={"pk": world.customer_a.pk})))

    assert f'href="{_url("customer", world.customer_a)}">Employment</a>' in page


# --- The tab's queries ------------------------------------------------------------------------


def _records(world: World, n: int) -> None:
    customer, user = world.customer_a, world.planner_a
    for i in range(n):
        day = datetime.date(2026, 11, 1) + datetime.timedelta(days=i)
        employer_contact_create(
            customer=customer,
            user=user,
            fields={
                "employer": f"Employer {i}",
                "method": "phone",
                "contacted_on": day,
                "outcome": "referred",
                "service": ServiceRecord.objects.filter(customer=customer).first(),
            },
        )
        employment_create(
            customer=customer,
            user=user,
            fields={
                "employer": f"Employer {i}",
                "job_title": "Stocker",
                "started_on": day,
                "hourly_wage": Decimal("15.00"),
                "hours_per_week": Decimal("30"),
                "verification": "employer",
            },
        )
        _placement(world, starts_on=day)
        credential_create(
            customer=customer,
            user=user,
            fields={
                "credential_type": 5,
                "name": f"Certificate {i}",
                "attained_on": day,
                "training": ServiceRecord.objects.filter(activity__code="300").first(),
            },
        )
        skill_gain_create(
            customer=customer, user=user, fields={"kind": "milestone", "achieved_on": day}
        )


def test_the_tab_reads_in_the_same_number_of_queries_however_many_records(world: World):
    _training(world)
    client = client_for(world.planner_a)
    url = _url("customer", world.customer_a)
    _records(world, 1)
    client.get(url)  # sessions and permissions cached alike for both counts

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _records(world, 4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.status_code == 200
    assert _html(response).count('class="card mb-3" id="placement-') == 5
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
