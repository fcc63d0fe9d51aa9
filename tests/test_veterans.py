"""Veteran referrals (SPEC 1 and 2): who is referred, at the boundary of each rule; the
automatic referral made once; the career planner's referral; the veteran
representative's queue, acceptance (as career planner or co-assigned), veteran service
with its case note, and closing; each save read back, stale saves refused, another
office's referral 404, hostile input refused, and the queue's query count."""

import datetime

import pghistory.models
import pytest
import time_machine
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casemgmt import roles
from casemgmt.history import history_for
from casemgmt.models import SubmissionToken, User
from casemgmt.once import REPLAYED_MESSAGE
from casenotes.models import CaseNote, NoteType
from customers.models import Barrier, Customer, VeteranStatus
from customers.services import customer_create, customer_update
from services.models import Activity, ServiceRecord
from tests.conftest import World, client_for
from tests.factories import certify, make_user
from tests.hostile import as_post, form_fields
from tests.readback import assert_saved, form_page_fields, submit
from veterans.models import Assignment, ReferralStatus, SignificantBarrier, VeteranReferral
from veterans.rules import BARRIER_SBE, significant_barriers
from veterans.selectors import co_assigned_customers, referral_queue
from veterans.services import (
    referral_accept,
    referral_close,
    referral_create,
    referral_refer_if_eligible,
)

NOW = datetime.datetime(2026, 11, 25, 17, tzinfo=datetime.UTC)  # 11:00 in Chicago
TODAY = datetime.date(2026, 11, 25)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def make_veteran(
    world: World,
    *,
    barriers: tuple[str, ...] = ("Homeless",),
    veteran_status: str = VeteranStatus.VETERAN,
    office=None,  # noqa: ANN001
    planner: User | None = None,
    born: datetime.date = datetime.date(1980, 6, 2),
    first_name: str = "Vera",
) -> Customer:
    planner = planner or world.planner_a
    return customer_create(
        created_by=planner,
        office=office or world.office_a,
        career_planner=planner,
        fields={
            "first_name": first_name,
            "last_name": "Sample",
            "date_of_birth": born,
            "programs": ["adult"],
            "application_date": datetime.date(2026, 10, 1),
            "veteran_status": veteran_status,
        },
        barriers=Barrier.objects.filter(name__in=barriers),
    )


def waiting_referral(world: World, **kwargs: object) -> VeteranReferral:
    customer = make_veteran(world, **kwargs)  # type: ignore[arg-type]
    referral = referral_refer_if_eligible(customer_id=customer.pk)
    assert referral is not None
    return referral


def accepted_referral(world: World, assignment: str = Assignment.CO_ASSIGNED) -> VeteranReferral:
    referral = waiting_referral(world)
    certify(referral.customer)
    return referral_accept(
        referral=referral, user=world.vetrep_a, assignment=assignment, expected_version=None
    )


def _url(name: str, referral: VeteranReferral) -> str:
    return reverse(f"veterans:{name}", kwargs={"pk": referral.pk})


def veterans_url(name: str, world: World) -> str:
    """For tests/test_permissions.py: each veterans URL about office A's customer A, with
    the referral in the state its page needs (waiting; accepted by vetrep_a to record
    the veteran service). Customer A is made a veteran, so "refer" can save."""
    customer = world.customer_a
    Customer.objects.filter(pk=customer.pk).update(veteran_status=VeteranStatus.VETERAN)
    customer.refresh_from_db()
    if name == "veterans:queue":
        return reverse(name)
    if name == "veterans:refer":
        return reverse(name, kwargs={"pk": customer.pk})
    referral = referral_create(
        customer=customer, referred_by=world.planner_a, issue="A question about the GI Bill."
    )
    if name == "veterans:serve":
        certify(customer)
        referral = referral_accept(
            referral=referral,
            user=world.vetrep_a,
            assignment=Assignment.CO_ASSIGNED,
            expected_version=None,
        )
    return reverse(name, kwargs={"pk": referral.pk})


# Who is referred -------------------------------------------------------------------------


@pytest.mark.parametrize(("barrier", "sbe"), sorted(BARRIER_SBE.items()))
def test_each_barrier_that_stands_for_a_significant_barrier_is_one(world, barrier, sbe):
    customer = make_veteran(world, barriers=(barrier,))
    assert significant_barriers(customer) == [sbe]


def test_barriers_that_are_not_significant_barriers_refer_nobody(world):
    customer = make_veteran(
        world, barriers=("Basic skills deficient", "Limited English proficiency", "No childcare")
    )
    assert significant_barriers(customer) == []


def test_without_priority_of_service_nobody_is_referred(world):
    for status in (VeteranStatus.NOT_VETERAN, VeteranStatus.NOT_DISCLOSED):
        customer = make_veteran(world, veteran_status=status, barriers=("Homeless", "Low income"))
        assert significant_barriers(customer) == []


def test_an_eligible_spouse_is_referred_for_a_barrier_but_not_for_age(world):
    spouse = make_veteran(
        world,
        veteran_status=VeteranStatus.ELIGIBLE_SPOUSE,
        barriers=("Low income",),
        born=datetime.date(2004, 1, 1),
    )
    assert significant_barriers(spouse) == [SignificantBarrier.LOW_INCOME]


@pytest.mark.parametrize(
    ("instant", "young"),
    [
        # Born 11/25/2001: 25 on 11/25/2026, in the office's day (Chicago).
        (datetime.datetime(2026, 11, 24, 17, tzinfo=datetime.UTC), True),  # the day before
        (datetime.datetime(2026, 11, 25, 5, 59, tzinfo=datetime.UTC), True),  # 11:59 pm, 24th
        (datetime.datetime(2026, 11, 25, 6, 0, tzinfo=datetime.UTC), False),  # the birthday
        (datetime.datetime(2026, 11, 26, 17, tzinfo=datetime.UTC), False),
    ],
)
def test_a_veteran_aged_18_to_24_is_referred_until_the_25th_birthday(world, instant, young):
    customer = make_veteran(world, barriers=(), born=datetime.date(2001, 11, 25))
    with time_machine.travel(instant, tick=False):
        found = significant_barriers(customer)
    assert found == ([SignificantBarrier.AGED_18_TO_24] if young else [])


@pytest.mark.parametrize(
    ("instant", "young"),
    [
        (datetime.datetime(2026, 11, 24, 17, tzinfo=datetime.UTC), False),  # 17 still
        (datetime.datetime(2026, 11, 25, 17, tzinfo=datetime.UTC), True),  # the 18th birthday
    ],
)
def test_a_veteran_is_referred_for_age_from_the_18th_birthday(world, instant, young):
    customer = make_veteran(world, barriers=(), born=datetime.date(2008, 11, 25))
    with time_machine.travel(instant, tick=False):
        found = significant_barriers(customer)
    assert found == ([SignificantBarrier.AGED_18_TO_24] if young else [])


# The automatic referral ------------------------------------------------------------------


def test_registering_a_veteran_with_a_barrier_refers_them_once(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        customer = make_veteran(world, barriers=("Homeless", "Low income"))
    referral = VeteranReferral.objects.get(customer=customer)
    assert_saved(
        VeteranReferral,
        referral.pk,
        office=world.office_a,
        status=ReferralStatus.WAITING,
        referred_by=None,
        reasons=[SignificantBarrier.HOMELESS, SignificantBarrier.LOW_INCOME],
        accepted_by=None,
        service=None,
    )
    # Saving again, and again at once, refers nobody a second time.
    with django_capture_on_commit_callbacks(execute=True):
        customer_update(customer=customer, updated_by=world.planner_a, fields={"city": "Decatur"})
    assert referral_refer_if_eligible(customer_id=customer.pk) is None
    assert VeteranReferral.objects.filter(customer=customer).count() == 1


def test_a_barrier_added_later_refers_the_veteran_then(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        customer = make_veteran(world, barriers=())
    assert not VeteranReferral.objects.filter(customer=customer).exists()
    with django_capture_on_commit_callbacks(execute=True):
        customer_update(
            customer=customer,
            updated_by=world.planner_a,
            fields={},
            barriers=Barrier.objects.filter(name="Justice-involved (ex-offender)"),
        )
    referral = VeteranReferral.objects.get(customer=customer)
    assert referral.reasons == [SignificantBarrier.OFFENDER]


def test_marking_a_customer_a_veteran_refers_them(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        customer = make_veteran(
            world, veteran_status=VeteranStatus.NOT_VETERAN, barriers=("Homeless",)
        )
    assert not VeteranReferral.objects.filter(customer=customer).exists()
    with django_capture_on_commit_callbacks(execute=True):
        customer_update(
            customer=customer,
            updated_by=world.planner_a,
            fields={"veteran_status": VeteranStatus.ELIGIBLE_SPOUSE},
        )
    assert VeteranReferral.objects.filter(customer=customer, status="waiting").count() == 1


def test_a_new_barrier_joins_the_open_referral_and_no_closed_one_comes_back(world):
    referral = waiting_referral(world)
    customer = referral.customer
    customer_update(
        customer=customer,
        updated_by=world.planner_a,
        fields={},
        barriers=Barrier.objects.filter(name__in=["Homeless", "Low income"]),
    )
    assert referral_refer_if_eligible(customer_id=customer.pk) is None
    assert_saved(
        VeteranReferral,
        referral.pk,
        reasons=[SignificantBarrier.HOMELESS, SignificantBarrier.LOW_INCOME],
        lock_version=2,
    )
    referral_close(referral=referral, user=world.vetrep_a, reason="Declined", expected_version=None)
    assert referral_refer_if_eligible(customer_id=customer.pk) is None
    assert VeteranReferral.objects.filter(customer=customer).count() == 1


# The career planner's referral -----------------------------------------------------------


def test_a_planner_refers_a_veteran_with_an_issue_once(world):
    customer = make_veteran(world, barriers=())
    client = client_for(world.planner_a)
    url = reverse("veterans:refer", kwargs={"pk": customer.pk})
    page = client.get(url)
    token = form_page_fields(page.content.decode())
    data = {**token, "issue": "Asks how the GI Bill pays for a welding course."}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith("#veteran-referral")
    referral = VeteranReferral.objects.get(customer=customer)
    assert_saved(
        VeteranReferral,
        referral.pk,
        referred_by=world.planner_a,
        issue="Asks how the GI Bill pays for a welding course.",
        reasons=[],
        status=ReferralStatus.WAITING,
        office=world.office_a,
    )
    again = client.post(url, data, follow=True)
    assert REPLAYED_MESSAGE in again.content.decode()
    assert VeteranReferral.objects.filter(customer=customer).count() == 1


def test_a_referral_without_a_barrier_or_an_issue_is_refused(world):
    customer = make_veteran(world, barriers=())
    before = VeteranReferral.objects.count()
    response = submit(
        client_for(world.planner_a), reverse("veterans:refer", kwargs={"pk": customer.pk}), {}
    )
    assert response.status_code == 200
    assert "Describe the veteran-specific issue or question" in response.content.decode()
    assert VeteranReferral.objects.count() == before


def test_only_a_veteran_or_eligible_spouse_is_referred(world):
    response = submit(
        client_for(world.planner_a),
        reverse("veterans:refer", kwargs={"pk": world.customer_a.pk}),
        {"issue": "A question"},
    )
    assert response.status_code == 200
    assert "Only a veteran or an eligible spouse" in response.content.decode()
    assert not VeteranReferral.objects.exists()


def test_a_second_open_referral_is_refused_with_the_first_named(world):
    referral = waiting_referral(world)
    response = submit(
        client_for(world.planner_a),
        reverse("veterans:refer", kwargs={"pk": referral.customer_id}),
        {"issue": "Another question"},
    )
    assert "already referred to the veteran representative" in response.content.decode()
    assert VeteranReferral.objects.filter(customer=referral.customer).count() == 1


# The queue -------------------------------------------------------------------------------


def test_the_queue_shows_waiting_referrals_oldest_first_and_the_reps_own(world):
    first = waiting_referral(world, first_name="Older")
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        second = waiting_referral(world, first_name="Newer")
    mine = accepted_referral(world)
    queue = referral_queue(world.vetrep_a)
    assert [r.pk for r in queue.waiting] == [first.pk, second.pk]
    assert [r.pk for r in queue.accepted] == [mine.pk]
    assert (queue.waiting_count, queue.accepted_count, queue.takes) == (2, 1, True)
    page = client_for(world.vetrep_a).get(reverse("veterans:queue")).content.decode()
    assert page.index("Sample, Older") < page.index("Sample, Newer")
    assert reverse("veterans:accept", kwargs={"pk": first.pk}) in page
    assert reverse("veterans:serve", kwargs={"pk": mine.pk}) in page


def test_the_queue_takes_the_same_queries_for_one_referral_or_many(world):
    waiting_referral(world)
    with CaptureQueriesContext(connection) as few:
        referral_queue(world.vetrep_a)
    for n in range(4):
        waiting_referral(world, first_name=f"Many{n}")
    accepted_referral(world)
    user = User.objects.get(pk=world.vetrep_a.pk)  # a fresh permission cache, as above
    with CaptureQueriesContext(connection) as many:
        referral_queue(user)
    assert len(many) == len(few)


def test_another_offices_referral_answers_404_and_is_not_in_its_queue(world):
    referral = waiting_referral(world)
    vetrep_b = make_user("vetrep_b", roles.VETERAN_REPRESENTATIVE, offices=[world.office_b])
    client = client_for(vetrep_b)
    for name in ("referral", "accept", "serve", "close"):
        assert client.get(_url(name, referral)).status_code == 404, name
    assert client.post(_url("accept", referral), {"assignment": "assigned"}).status_code == 404
    assert referral_queue(vetrep_b).waiting == []
    assert referral.customer.full_name not in client.get(reverse("veterans:queue")).content.decode()


def test_a_supervisor_reads_the_queue_and_the_referral_but_takes_nothing(world):
    referral = waiting_referral(world)
    client = client_for(world.supervisor_a)
    page = client.get(reverse("veterans:queue")).content.decode()
    assert referral.customer.sort_name in page
    assert reverse("veterans:accept", kwargs={"pk": referral.pk}) not in page
    assert client.get(_url("referral", referral)).status_code == 200
    assert client.get(_url("accept", referral)).status_code == 403
    assert client_for(world.planner_a).get(reverse("veterans:queue")).status_code == 403


# Accepting -------------------------------------------------------------------------------


def test_accepting_as_career_planner_reassigns_the_customer_with_the_reason(world):
    referral = waiting_referral(world)
    response = submit(
        client_for(world.vetrep_a), _url("accept", referral), {"assignment": "assigned"}
    )
    assert response.status_code == 302
    assert_saved(
        VeteranReferral,
        referral.pk,
        status=ReferralStatus.ACCEPTED,
        accepted_by=world.vetrep_a,
        assignment=Assignment.ASSIGNED,
        lock_version=2,
    )
    assert_saved(Customer, referral.customer_id, career_planner=world.vetrep_a)
    log = history_for(Customer.objects.get(pk=referral.customer_id))
    assert any("Accepted the veteran referral" in entry.reason for entry in log)
    assert any(entry.action.startswith("Veteran referral") for entry in log)
    assert list(co_assigned_customers(world.vetrep_a)) == []


def test_accepting_co_assigned_keeps_the_career_planner(world):
    referral = waiting_referral(world)
    response = submit(
        client_for(world.vetrep_a), _url("accept", referral), {"assignment": "co_assigned"}
    )
    assert response.status_code == 302
    assert_saved(
        VeteranReferral,
        referral.pk,
        status=ReferralStatus.ACCEPTED,
        accepted_by=world.vetrep_a,
        assignment=Assignment.CO_ASSIGNED,
    )
    assert_saved(Customer, referral.customer_id, career_planner=world.planner_a)
    assert [c.pk for c in co_assigned_customers(world.vetrep_a)] == [referral.customer_id]


def test_a_stale_acceptance_is_refused_and_changes_nothing(world):
    referral = waiting_referral(world)
    client = client_for(world.vetrep_a)
    opened = form_page_fields(client.get(_url("accept", referral)).content.decode())
    other = make_user("vetrep_a2", roles.VETERAN_REPRESENTATIVE, offices=[world.office_a])
    referral_accept(
        referral=referral, user=other, assignment=Assignment.CO_ASSIGNED, expected_version=1
    )
    response = client.post(_url("accept", referral), {**opened, "assignment": "assigned"})
    assert response.status_code == 409
    assert "Someone else saved this first" in response.content.decode()
    assert_saved(VeteranReferral, referral.pk, accepted_by=other, assignment="co_assigned")
    assert_saved(Customer, referral.customer_id, career_planner=world.planner_a)


# The veteran service ---------------------------------------------------------------------

SERVICE = {
    "served_on": "2026-11-24",
    "service_provided": "Worked on a resume for warehouse lead positions.",
    "detail_1": "Sent the resume to Prairie Logistics.",
    "detail_2": "Sent the resume to Midwest Bottling.",
    "contact_method": "in_person",
    "two_way": "yes",
    "outcome_note": "Follow up on both applications next week.",
}


def _service_post(**changes: str) -> dict[str, str]:
    return {**SERVICE, "activity": str(Activity.objects.get(code="202").pk), **changes}


def test_the_veteran_service_is_recorded_with_its_note_of_the_same_day(world):
    referral = accepted_referral(world)
    response = submit(client_for(world.vetrep_a), _url("serve", referral), _service_post())
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = assert_saved(
        VeteranReferral,
        referral.pk,
        status=ReferralStatus.SERVED,
        outcome_note="Follow up on both applications next week.",
        lock_version=3,
    )
    service = assert_saved(
        ServiceRecord,
        stored.service_id,
        customer=referral.customer,
        activity=Activity.objects.get(code="202"),
        started_on=datetime.date(2026, 11, 24),
        ended_on=datetime.date(2026, 11, 24),
        entered_by=world.vetrep_a,
    )
    note = CaseNote.objects.get(service=service)
    assert_saved(
        CaseNote,
        note.pk,
        contact_date=datetime.date(2026, 11, 24),
        note_type=NoteType.VETERAN,
        contact_method="in_person",
        two_way=True,
        author=world.vetrep_a,
        subject="Veteran Services/Career Planning (Case Management)",
    )
    for part in (
        "Service provided: Worked on a resume for warehouse lead positions.",
        "Depth of service: Sent the resume to Prairie Logistics.",
        "Depth of service (second detail): Sent the resume to Midwest Bottling.",
        "Referral to veteran representative: referred on 11/25/2026 automatically "
        "(significant barriers: Homeless)",
    ):
        assert part in note.body
    log = history_for(VeteranReferral.objects.get(pk=referral.pk))
    assert any("Veteran service recorded" in entry.reason for entry in log)


def test_a_veteran_service_without_its_second_detail_is_refused_in_one_round(world):
    referral = accepted_referral(world)
    before = (ServiceRecord.objects.count(), CaseNote.objects.count())
    # The second detail missing, and a date before the customer's certification (10/01).
    response = submit(
        client_for(world.vetrep_a),
        _url("serve", referral),
        _service_post(detail_2="  ", served_on="2026-09-30"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "second detail" in page
    assert "certification" in page.lower()
    assert (ServiceRecord.objects.count(), CaseNote.objects.count()) == before
    assert_saved(VeteranReferral, referral.pk, status=ReferralStatus.ACCEPTED, service=None)


def test_the_service_rules_refuse_the_note_details_missing_even_past_the_form(world):
    from veterans.services import referral_serve

    referral = accepted_referral(world)
    before = (ServiceRecord.objects.count(), CaseNote.objects.count())
    with pytest.raises(Exception) as refused:
        referral_serve(
            referral=referral,
            user=world.vetrep_a,
            activity=Activity.objects.get(code="202"),
            served_on=TODAY,
            service_provided="Answered a GI Bill question.",
            detail_1="Explained the monthly housing allowance.",
            detail_2="",
            contact_method="phone",
            two_way=True,
            expected_version=referral.lock_version,
        )
    assert "detail_2" in refused.value.message_dict  # type: ignore[attr-defined]
    assert (ServiceRecord.objects.count(), CaseNote.objects.count()) == before


def test_a_waiting_referral_takes_no_veteran_service(world):
    referral = waiting_referral(world)
    certify(referral.customer)
    response = submit(client_for(world.vetrep_a), _url("serve", referral), _service_post())
    assert "Accept the referral first" in response.content.decode()
    assert not ServiceRecord.objects.filter(customer=referral.customer).exists()


def test_the_veteran_service_is_recorded_once_per_submission(world):
    referral = accepted_referral(world)
    client = client_for(world.vetrep_a)
    opened = form_page_fields(client.get(_url("serve", referral)).content.decode())
    assert client.post(_url("serve", referral), {**opened, **_service_post()}).status_code == 302
    again = client.post(_url("serve", referral), {**opened, **_service_post()}, follow=True)
    assert REPLAYED_MESSAGE in again.content.decode()
    assert ServiceRecord.objects.filter(customer=referral.customer).count() == 1


# Closing ---------------------------------------------------------------------------------


def test_closing_without_service_keeps_the_reason(world):
    referral = waiting_referral(world)
    response = submit(
        client_for(world.vetrep_a),
        _url("close", referral),
        {"reason": "The customer declined: served by the county veterans office."},
    )
    assert response.status_code == 302
    assert_saved(
        VeteranReferral,
        referral.pk,
        status=ReferralStatus.CLOSED,
        outcome_note="The customer declined: served by the county veterans office.",
    )
    log = history_for(VeteranReferral.objects.get(pk=referral.pk))
    assert any("declined" in entry.reason for entry in log)


def test_closing_needs_a_reason_and_a_stale_close_is_refused(world):
    referral = waiting_referral(world)
    client = client_for(world.vetrep_a)
    refused = submit(client, _url("close", referral), {"reason": ""})
    assert "Give the reason" in refused.content.decode()
    opened = form_page_fields(client.get(_url("close", referral)).content.decode())
    referral_accept(
        referral=referral,
        user=world.vetrep_a,
        assignment=Assignment.CO_ASSIGNED,
        expected_version=None,
    )
    stale = client.post(_url("close", referral), {**opened, "reason": "No answer"})
    assert stale.status_code == 409
    assert_saved(VeteranReferral, referral.pk, status=ReferralStatus.ACCEPTED, outcome_note="")


# The customer page's tag -----------------------------------------------------------------


def _tag(customer: Customer, user: User) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load veteran_referrals %}{% veteran_referral customer %}").render(
        Context({"customer": customer, "request": request})
    )


def test_the_customer_page_tag_offers_the_referral_then_shows_its_status(world):
    customer = make_veteran(world, barriers=())
    refer_url = reverse("veterans:refer", kwargs={"pk": customer.pk})
    assert refer_url in _tag(customer, world.planner_a)
    referral_create(customer=customer, referred_by=world.planner_a, issue="GI Bill question")
    shown = _tag(customer, world.planner_a)
    assert "Waiting" in shown and refer_url not in shown
    assert reverse("veterans:referral", kwargs={"pk": VeteranReferral.objects.get().pk}) in _tag(
        customer, world.vetrep_a
    )
    assert _tag(customer, world.tracker_a).strip() == ""
    assert _tag(world.customer_a, world.planner_a).strip() == ""  # not a veteran


# Hostile input on the veteran representative's forms ---------------------------------------
# (tests/test_hostile_input.py sweeps the forms a supervisor posts; these are the
# veteran representative's own.)

WRITTEN = [VeteranReferral, ServiceRecord, CaseNote, SubmissionToken]


def _snapshot() -> tuple[int, ...]:
    return (
        *(model.objects.count() for model in WRITTEN),
        pghistory.models.Events.objects.count(),
    )


@pytest.mark.parametrize(
    ("action", "valid"),
    [
        ("accept", {"assignment": "co_assigned"}),
        ("serve", None),
        ("close", {"reason": "The customer declined."}),
    ],
)
def test_hostile_input_on_the_reps_forms_is_refused_and_writes_nothing(world, action, valid):
    from tests.test_hostile_input import _hostile_cases, _shows_a_message

    referral = accepted_referral(world) if action == "serve" else waiting_referral(world)
    client = client_for(world.vetrep_a)
    url = _url(action, referral)
    fields = form_fields(client.get(url).content.decode(), url)
    good = {**as_post(fields), **(valid or _service_post())}
    failures = []
    for name, what, value in _hostile_cases(fields):
        before = _snapshot()
        response = client.post(url, {**good, name: value})
        if response.status_code >= 500:
            failures.append(f"{name} with {what}: answered {response.status_code}")
        elif _snapshot() != before:
            failures.append(f"{name} with {what}: something was written")
        elif not _shows_a_message(client, response):
            failures.append(f"{name} with {what}: no message says what is wrong")
    assert not failures, "; ".join(failures)
    assert client.post(url, good).status_code == 302  # the valid entry does save
