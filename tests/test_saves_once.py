"""Create forms record once and edit actions refuse a repeat: the smaller forms.

(Case notes, services, customers and plans have theirs beside their other tests.)
"""

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse

from casemgmt.models import SubmissionToken
from casenotes.models import CaseNote
from compliance.models import PlannedGap
from services.models import Activity, ServiceRecord
from services.services import NoteDraft, service_record_create
from tests.conftest import World, client_for
from tests.readback import assert_saved, form_page_fields, submit

NOW = datetime.datetime(2026, 11, 25, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def certified(world: World) -> World:
    customer = world.customer_a
    customer.certification_date = customer.application_date
    customer.save()
    return world


def _training(world: World) -> ServiceRecord:
    customer = world.customer_a
    note = NoteDraft("Service Strategy", "Career planner met the customer.", "in_person", True)
    for code in ("207", "205"):
        service_record_create(
            customer=customer,
            activity=Activity.objects.get(code=code),
            started_on=customer.certification_date,
            ended_on=customer.certification_date,
            entered_by=world.planner_a,
            note=note,
        )
    return service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="300"),
        started_on=customer.certification_date,
        entered_by=world.planner_a,
    )


@time_machine.travel(NOW, tick=False)
def test_a_planned_gap_is_recorded_once_as_entered(certified):
    world = certified
    client = client_for(world.planner_a)
    url = reverse("gaps:create", kwargs={"pk": world.customer_a.pk})
    data = {
        **form_page_fields(client.get(url).content.decode()),
        "reason": "Waiting for the training start date",
        "starts_on": "2026-11-25",
        "ends_on": "2027-01-05",
    }
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    [gap] = PlannedGap.objects.filter(customer=world.customer_a)
    assert_saved(
        PlannedGap,
        gap.pk,
        reason="Waiting for the training start date",
        starts_on=datetime.date(2026, 11, 25),
        ends_on=datetime.date(2027, 1, 5),
        created_by=world.planner_a,
    )
    assert first.status_code == 302
    assert "submitted already" in second.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_trackers_contact_is_logged_once(certified):
    world = certified
    client = client_for(world.tracker_a)
    url = reverse("compliance:log_contact", args=[world.customer_a.pk])
    token = str(uuid.uuid4())
    data = {
        "two_way": "no",
        "contact_method": "text",
        "note": "Sent a text about the class.",
        "submission_token": token,
    }
    client.post(url, data)
    second = client.post(url, data, follow=True)
    [note] = CaseNote.objects.filter(customer=world.customer_a)
    assert_saved(
        CaseNote,
        note.pk,
        two_way=False,
        contact_method="text",
        body="Sent a text about the class.",
        author=world.tracker_a,
        contact_date=datetime.date(2026, 11, 25),
    )
    assert "submitted already" in second.content.decode()
    assert SubmissionToken.objects.filter(token=token, user=world.tracker_a).count() == 1


def test_a_token_is_one_users_only(certified):
    """Another user's replay of a token is not theirs to follow: it records afresh."""
    world = certified
    token = str(uuid.uuid4())
    data = {
        "two_way": "yes",
        "contact_method": "phone",
        "note": "Talked.",
        "submission_token": token,
    }
    url = reverse("compliance:log_contact", args=[world.customer_a.pk])
    client_for(world.tracker_a).post(url, data)
    client_for(world.planner_a).post(url, data)
    assert CaseNote.objects.filter(customer=world.customer_a).count() == 2


def test_closing_twice_closes_once_and_says_so(certified):
    world = certified
    training = _training(world)
    client = client_for(world.planner_a)
    url = reverse("services:close", kwargs={"pk": world.customer_a.pk, "service_pk": training.pk})
    data = {
        "ended_on": world.customer_a.certification_date.isoformat(),
        "completion_status": "successful",
    }
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert "already closed" in second.content.decode()
    assert_saved(
        ServiceRecord,
        training.pk,
        ended_on=world.customer_a.certification_date,
        completion_status="successful",
        closed_by=world.planner_a,
        lock_version=2,
    )


def test_a_stale_close_after_a_correction_keeps_the_correction(certified):
    world = certified
    training = _training(world)
    from services.services import service_record_correct

    service_record_correct(
        record=training,
        corrected_by=world.supervisor_a,
        reason="Provider name",
        fields={"provider": "outside", "provider_name": "Lincoln Land Community College"},
        barriers=[],
    )
    response = client_for(world.planner_a).post(
        reverse("services:close", kwargs={"pk": world.customer_a.pk, "service_pk": training.pk}),
        {
            "ended_on": world.customer_a.certification_date.isoformat(),
            "completion_status": "successful",
        },
    )
    assert response.status_code == 302
    assert_saved(
        ServiceRecord,
        training.pk,
        provider_name="Lincoln Land Community College",
        completion_status="successful",
        lock_version=3,
    )


def test_the_submit_helper_posts_the_pages_hidden_fields(certified):
    world = certified
    response = submit(
        client_for(world.planner_a),
        reverse("casenotes:create", kwargs={"pk": world.customer_a.pk}),
        {
            "note_type": "general",
            "contact_date": world.customer_a.certification_date.isoformat(),
            "contact_method": "phone",
            "two_way": "yes",
            "subject": "Check-in",
            "body": "Career planner called the customer.",
        },
    )
    assert response.status_code == 302
    assert SubmissionToken.objects.filter(user=world.planner_a).count() == 1


@pytest.mark.parametrize(("days_ago", "kept"), [(30, True), (31, False)])
def test_old_submission_tokens_are_forgotten_by_the_daily_task(world, days_ago, kept):
    from casemgmt.tasks import clear_old_submission_tokens

    with time_machine.travel(NOW - datetime.timedelta(days=days_ago), tick=False):
        SubmissionToken.objects.create(token=uuid.uuid4(), user=world.planner_a, location="/")
    with time_machine.travel(NOW, tick=False):
        clear_old_submission_tokens.delay().get()
    assert SubmissionToken.objects.exists() is kept
