"""The exit and follow-up pages: the recorded exit, the employment at exit, the
quarterly follow-ups, closing a file early, the Path, and the follow-up alerts on the
dashboards."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casemgmt.once import REPLAYED_MESSAGE
from casenotes.models import CaseNote, NoteType
from compliance.engine import SOFT_EXIT_REASON, evaluate
from customers.models import Customer, Program, Status
from employment.models import FollowUp, Period
from employment.services import employment_create, exit_record, follow_up_record, period_sync
from employment.tasks import statuses_follow_the_calendar
from services.models import Activity
from services.services import NoteDraft, service_record_create
from tests.conftest import World, client_for
from tests.factories import certify, make_customer, make_plan
from tests.readback import assert_saved, form_page_fields, submit

D = datetime.date
NOW = datetime.datetime(2026, 11, 20, 18, tzinfo=datetime.UTC)
SERVED = D(2026, 10, 5)  # the last enrolling service: the exit date
EXIT_NOTE = (
    "Employment status: employed full time\n"
    "Employer: Prairie Fabrication\n"
    "Hire date: 11/16/2026\n"
    "Hours per week: 40\n"
    "Hourly wage: $18.50\n"
    "Services complete: job search and resume help. Quarterly follow-up by phone."
)
FOLLOW_UP_NOTE = (
    "Contact made: career planner called the customer\n"
    "Employment status: still a welder helper, full time\n"
    "Help needed: none\n"
    "Next follow-up: end of June"
)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: datetime.date) -> time_machine.travel:
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(18), datetime.UTC), tick=False
    )


def participant(world: World, customer: Customer | None = None) -> Customer:
    """Certified 10/01 with a job search service (211) on 10/05."""
    customer = certify(customer or world.customer_a)
    service_record_create(
        customer=customer,
        # Job search for adults; the youth's comprehensive assessment for youth.
        activity=Activity.objects.get(code="468" if customer.is_youth else "211"),
        started_on=SERVED,
        ended_on=SERVED,
        entered_by=world.planner_a,
        note=NoteDraft("Job search", "Career planner reviewed job leads.", "in_person", True),
    )
    return Customer.objects.get(pk=customer.pk)


def welder_job(world: World, customer: Customer):  # noqa: ANN201
    return employment_create(
        customer=customer,
        user=world.planner_a,
        fields={
            "employer": "Prairie Fabrication",
            "job_title": "Welder helper",
            "started_on": D(2026, 11, 16),
            "hourly_wage": Decimal("18.50"),
            "hours_per_week": Decimal("40"),
            "verification": "pay_stub",
        },
    )


def exited(world: World, customer: Customer | None = None) -> Period:
    return exit_record(
        customer=participant(world, customer),
        user=world.planner_a,
        employed_at_exit=False,
        other_reason="",
        job=None,
        note_body="Services complete; the customer continues the job search.",
    )


def text(response) -> str:  # noqa: ANN001
    """The page's HTML with its runs of white space as one space, as a browser shows it."""
    return " ".join(response.content.decode().split())


def url(name: str, customer: Customer, **kwargs: int) -> str:
    return reverse(f"employment:{name}", kwargs={"pk": customer.pk, **kwargs})


# --- The recorded exit ----------------------------------------------------------------


def test_the_exit_page_names_the_open_service_and_refuses_the_exit(world: World):
    customer = participant(world)
    make_plan(customer, world.planner_a)
    service_record_create(
        customer=customer,
        activity=Activity.objects.get(code="300"),
        started_on=D(2026, 10, 12),
        entered_by=world.planner_a,
        provider="outside",
        provider_name="Lincoln Land Community College",
    )
    training = str(Activity.objects.get(code="300"))
    client = client_for(world.planner_a)

    page = client.get(url("exit", customer))
    assert "Before the exit" in text(page) and training in text(page)

    response = submit(
        client,
        url("exit", customer),
        {"employed_at_exit": "no", "note_body": EXIT_NOTE},
    )

    assert response.status_code == 200
    body = text(response)
    assert "Close every service before the exit; still open: " + training in body
    assert Customer.objects.get(pk=customer.pk).status == Status.PARTICIPANT
    assert not CaseNote.objects.filter(customer=customer, note_type=NoteType.EXIT).exists()


def test_the_exit_note_is_prefilled_with_what_an_exit_note_gives(world: World):
    customer = participant(world)
    body = text(client_for(world.planner_a).get(url("exit", customer)))
    for label in (
        "Employment status:",
        "Employer:",
        "Hire date:",
        "Hours per week:",
        "Hourly wage:",
    ):
        assert label in body
    assert "The exit will be dated <strong>10/05/2026</strong>" in body


def test_a_recorded_exit_reads_back(world: World):
    customer = participant(world)
    job = welder_job(world, customer)

    response = submit(
        client_for(world.planner_a),
        url("exit", customer),
        {"employed_at_exit": "yes", "job": str(job.pk), "note_body": EXIT_NOTE},
    )

    period = Period.objects.get(customer=customer)
    assert response.status_code == 302
    assert response["Location"] == url("periods", customer) + f"#period-{period.pk}"
    assert_saved(Customer, customer.pk, status=Status.EXITED, exit_date=SERVED)
    assert_saved(
        Period,
        period.pk,
        entered_on=SERVED,
        exited_on=SERVED,
        exit_kind="recorded",
        employed_at_exit=True,
        exit_job=job,
        other_reason="00",
        exit_recorded_by=world.planner_a,
    )
    note = assert_saved(
        CaseNote,
        period.exit_note_id,
        note_type=NoteType.EXIT,
        subject="Exit",
        contact_date=D(2026, 11, 20),
        author=world.planner_a,
    )
    assert "Employer: Prairie Fabrication" in note.body
    assert FollowUp.objects.filter(period=period).count() == 4
    path = text(client_for(world.planner_a).get(response["Location"]))
    assert "Employed: Welder helper at Prairie Fabrication" in path


def test_the_same_exit_submitted_twice_records_one_exit(world: World):
    customer = participant(world)
    client = client_for(world.planner_a)
    page = client.get(url("exit", customer))
    data = {
        **form_page_fields(page.content.decode()),
        "employed_at_exit": "no",
        "note_body": EXIT_NOTE,
    }

    first = client.post(url("exit", customer), data)
    second = client.post(url("exit", customer), data, follow=True)

    assert first.status_code == 302
    assert second.redirect_chain[0][0] == first["Location"]
    assert REPLAYED_MESSAGE in second.content.decode()
    assert Period.objects.filter(customer=customer).count() == 1
    assert CaseNote.objects.filter(customer=customer, note_type=NoteType.EXIT).count() == 1


def test_an_exited_customer_is_not_offered_the_exit_form(world: World):
    period = exited(world)
    body = text(client_for(world.planner_a).get(url("exit", period.customer)))
    assert "is exited, with the exit dated 10/05/2026" in body
    assert 'name="note_body"' not in body


# --- Employment at exit, after the exit -----------------------------------------------


def soft_exited(world: World) -> Period:
    """Exited by the engine on day 90, as of the last enrolling service."""
    customer = participant(world)
    Customer.objects.filter(pk=customer.pk).update(
        status=Status.EXITED, exit_date=SERVED, exit_reason=SOFT_EXIT_REASON
    )
    return period_sync(customer)


def test_employment_at_exit_is_asked_after_a_soft_exit_and_a_stale_save_answers_409(
    world: World,
):
    period = soft_exited(world)
    customer = period.customer
    job = welder_job(world, customer)
    client = client_for(world.planner_a)
    path = text(client.get(url("periods", customer)))
    assert "Soft exit (90 days without an enrolling service)" in path
    assert "Not recorded yet" in path
    page = client.get(url("exit_details", customer, period_pk=period.pk))
    opened = form_page_fields(page.content.decode())

    saved = client.post(
        url("exit_details", customer, period_pk=period.pk),
        {**opened, "employed_at_exit": "yes", "job": str(job.pk)},
    )
    stale = client.post(
        url("exit_details", customer, period_pk=period.pk),
        {**opened, "employed_at_exit": "no", "other_reason": "02"},
    )

    assert saved.status_code == 302
    assert stale.status_code == 409
    assert "Someone else saved this first" in stale.content.decode()
    assert_saved(
        Period, period.pk, exit_kind="soft", employed_at_exit=True, exit_job=job, other_reason="00"
    )


# --- Quarterly follow-up -----------------------------------------------------------------


def test_a_follow_up_is_recorded_and_reads_back(world: World):
    period = exited(world)
    customer = period.customer
    follow_up = FollowUp.objects.get(period=period, quarter=1)
    with at(D(2027, 3, 26)):
        response = submit(
            client_for(world.planner_a),
            url("follow_up", customer, follow_up_pk=follow_up.pk),
            {
                "done_on": "2027-03-26",
                "employed": "yes",
                "employer": "Prairie Fabrication",
                "hourly_wage": "$19.25",
                "in_education": "no",
                "note_body": FOLLOW_UP_NOTE,
            },
        )

    assert response.status_code == 302
    assert response["Location"] == url("periods", customer) + f"#follow-up-{follow_up.pk}"
    saved = assert_saved(
        FollowUp,
        follow_up.pk,
        done_on=D(2027, 3, 26),
        employed=True,
        employer="Prairie Fabrication",
        hourly_wage=Decimal("19.25"),
        in_education=False,
        supportive_need="",
        recorded_by=world.planner_a,
    )
    assert_saved(
        CaseNote,
        saved.note_id,
        note_type=NoteType.FOLLOW_UP,
        contact_date=D(2027, 3, 26),
        two_way=True,
        subject="Follow-Up/Quarter 1 after exit",
    )


def test_a_follow_up_before_the_exit_date_is_refused(world: World):
    period = exited(world)
    follow_up = FollowUp.objects.get(period=period, quarter=1)

    response = submit(
        client_for(world.planner_a),
        url("follow_up", period.customer, follow_up_pk=follow_up.pk),
        {
            "done_on": "2026-10-01",
            "employed": "no",
            "in_education": "no",
            "note_body": FOLLOW_UP_NOTE,
        },
    )

    assert response.status_code == 200
    assert "cannot be before 10/05/2026 (the exit date)" in text(response)
    assert FollowUp.objects.get(pk=follow_up.pk).done_on is None


def test_supportive_need_in_follow_up_is_for_youth_only(world: World):
    adult = exited(world)
    youth_customer = make_customer(
        office=world.office_a,
        planner=world.planner_a,
        programs=[Program.YOUTH],
        date_of_birth=D(2007, 3, 1),
    )
    youth = exited(world, youth_customer)
    adult_follow_up = FollowUp.objects.get(period=adult, quarter=1)
    youth_follow_up = FollowUp.objects.get(period=youth, quarter=1)
    client = client_for(world.planner_a)

    with pytest.raises(
        ValidationError, match="Adults and Dislocated Workers receive no supportive"
    ):
        follow_up_record(
            follow_up=adult_follow_up,
            user=world.planner_a,
            done_on=D(2026, 11, 20),
            employed=False,
            employer="",
            hourly_wage=None,
            in_education=False,
            supportive_need="Bus pass to reach interviews",
            note_body=FOLLOW_UP_NOTE,
        )
    adult_page = client.get(url("follow_up", adult.customer, follow_up_pk=adult_follow_up.pk))
    assert 'name="supportive_need"' not in adult_page.content.decode()

    response = submit(
        client,
        url("follow_up", youth_customer, follow_up_pk=youth_follow_up.pk),
        {
            "done_on": "2026-11-20",
            "employed": "no",
            "in_education": "yes",
            "supportive_need": "Bus pass to reach the GED class",
            "note_body": FOLLOW_UP_NOTE,
        },
    )
    assert response.status_code == 302
    assert_saved(FollowUp, youth_follow_up.pk, supportive_need="Bus pass to reach the GED class")
    assert FollowUp.objects.get(pk=adult_follow_up.pk).done_on is None


# --- Closing a file early -----------------------------------------------------------------


def test_closing_a_file_early_needs_a_reason(world: World):
    period = exited(world)
    close = url("period_close", period.customer, period_pk=period.pk)

    response = submit(client_for(world.planner_a), close, {"reason": "  "})

    assert response.status_code == 200
    assert "Say why the file closes before the follow-up year ends." in text(response)
    assert_saved(Period, period.pk, closed_on=None, close_reason="")
    assert Customer.objects.get(pk=period.customer_id).status == Status.EXITED

    done = submit(client_for(world.planner_a), close, {"reason": "Moved out of state"})
    assert done.status_code == 302
    assert_saved(Period, period.pk, closed_on=D(2026, 11, 20), close_reason="Moved out of state")
    assert Customer.objects.get(pk=period.customer_id).status == Status.CLOSED


def test_a_stale_close_answers_409_and_closes_nothing(world: World):
    period = exited(world)
    customer = period.customer
    client = client_for(world.planner_a)
    opened = form_page_fields(
        client.get(url("period_close", customer, period_pk=period.pk)).content.decode()
    )
    client.post(
        url("exit_details", customer, period_pk=period.pk),
        {**opened, "employed_at_exit": "no", "other_reason": "02"},
    )

    response = client.post(
        url("period_close", customer, period_pk=period.pk), {**opened, "reason": "Moved away"}
    )

    assert response.status_code == 409
    assert "Someone else saved this first" in response.content.decode()
    assert_saved(Period, period.pk, closed_on=None, other_reason="02")


# --- The Path -------------------------------------------------------------------------------


def test_the_path_lists_the_periods_with_their_follow_ups(world: World):
    period = exited(world)
    customer = period.customer
    client = client_for(world.planner_a)
    client.get(url("periods", customer))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as one:
        body = text(client.get(url("periods", customer)))
    assert "Period from 10/05/2026 to 10/05/2026" in body
    assert "recorded by Planner Tester on 11/20/2026" in body and "Not employed" in body
    assert "0 done · 0 due soon · 0 overdue" in body
    assert body.count("Not due yet") == 4

    # A second period (a return more than 90 days after the exit's date), with its own
    # exit and follow-ups, costs no more queries.
    with at(D(2027, 1, 10)):
        service_record_create(
            customer=Customer.objects.get(pk=customer.pk),
            activity=Activity.objects.get(code="211"),
            started_on=D(2027, 1, 5),
            ended_on=D(2027, 1, 5),
            entered_by=world.planner_a,
            note=NoteDraft("Job search", "The customer came back after a layoff.", "phone", True),
        )
        exit_record(
            customer=customer,
            user=world.planner_a,
            employed_at_exit=False,
            other_reason="02",
            job=None,
            note_body="Services complete; the customer is on medical leave.",
        )
        client = client_for(world.planner_a)  # the first session has timed out by now
        client.get(url("periods", customer))
        with CaptureQueriesContext(connection) as two:
            body = text(client.get(url("periods", customer)))
    assert "Period from 01/05/2027 to 01/05/2027" in body and "Health or medical" in body
    assert len(two) == len(one)


# --- Who may open what ----------------------------------------------------------------------


def _every_url(world: World) -> list[str]:
    period = exited(world)
    customer = period.customer
    follow_up = FollowUp.objects.get(period=period, quarter=1)
    return [
        url("periods", customer),
        url("exit", customer),
        url("exit_details", customer, period_pk=period.pk),
        url("period_close", customer, period_pk=period.pk),
        url("follow_up", customer, follow_up_pk=follow_up.pk),
    ]


def test_another_offices_planner_gets_404_on_every_page(world: World):
    client = client_for(world.planner_b)
    for address in _every_url(world):
        assert client.get(address).status_code == 404, address
        assert client.post(address, {}).status_code in (404, 405), address


@pytest.mark.parametrize("persona", ["tracker_a", "facilitator"])
def test_trackers_and_facilitators_are_refused(world: World, persona: str):
    client = client_for(getattr(world, persona))
    for address in _every_url(world):
        assert client.get(address).status_code == 403, address


def test_a_planner_may_open_every_page_and_an_empty_post_shows_the_form_again(world: World):
    client = client_for(world.planner_a)
    for address in _every_url(world):
        assert client.get(address).status_code == 200, address
        if not address.endswith("/path/"):
            assert client.post(address, {}).status_code == 200, address


# --- The follow-up alerts on the dashboards, and the daily move -------------------------------


def test_the_dashboards_show_the_follow_ups_due(world: World):
    period = exited(world)
    customer = period.customer
    follow_up = FollowUp.objects.get(period=period, quarter=1)
    form_url = url("follow_up", customer, follow_up_pk=follow_up.pk)
    with at(D(2027, 3, 26)):
        statuses_follow_the_calendar()
        evaluate(customer_ids=[customer.pk])

        planner = client_for(world.planner_a).get(reverse("compliance:planner"))
        tracker = client_for(world.tracker_a).get(reverse("compliance:tracker"))

    card = planner.context["dashboard"].follow_ups_due
    assert [a.subject_id for a in card.rows] == [follow_up.pk] and card.total == 1
    body = text(planner)
    assert "Follow-ups due" in body and f'href="{form_url}"' in body
    (due,) = tracker.context["dashboard"].group("follow_ups").entries
    assert due.customer == customer and [a.subject_id for a in due.follow_ups] == [follow_up.pk]
    body = text(tracker)
    assert "Follow-ups due" in body and "Follow-up after exit due 03/31/2027" in body
    assert reverse("compliance:log_contact", kwargs={"pk": customer.pk}) in body
    assert f'href="tel:{customer.phone}"' in body
    assert form_url not in body  # the tracker reaches the customer; the planner records it


def test_the_daily_move_along_the_path_is_scheduled_before_the_evaluation(world: World):
    exited(world)
    schedule = settings.CELERY_BEAT_SCHEDULE
    move = schedule["statuses-follow-the-calendar"]
    assert move["task"] == statuses_follow_the_calendar.name
    evaluation = schedule["evaluate-compliance"]["schedule"]
    assert (min(move["schedule"].hour), min(move["schedule"].minute)) < (
        min(evaluation.hour),
        min(evaluation.minute),
    )

    with at(D(2027, 1, 1)):
        moved = statuses_follow_the_calendar.delay().get()

    assert moved == {"follow_up": 1, "closed": 0}
    assert Customer.objects.get(pk=world.customer_a.pk).status == Status.FOLLOW_UP
