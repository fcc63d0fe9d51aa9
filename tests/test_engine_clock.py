"""The clocks the engine keeps: each office's own day, corrected notes, soft exits that
follow the data. Time moves with time-machine; everything runs on PostgreSQL."""

import datetime

import pghistory
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from casemgmt.clock import today, today_by_zone
from casemgmt.history import history_for
from casenotes.models import CaseNote, NoteType
from casenotes.services import casenote_create
from compliance.engine import SOFT_EXIT_REASON, evaluate
from compliance.models import Alert
from compliance.services import planned_gap_create
from compliance.tasks import evaluate_compliance
from customers.models import Customer, Status
from services.models import Activity, ServiceRecord
from services.services import NoteDraft, service_record_create
from tests.conftest import World, client_for
from tests.factories import certify, make_customer

NEW_YORK = "America/New_York"
LOS_ANGELES = "America/Los_Angeles"
# 06:00 UTC on March 3, 2026: 1 a.m. on the 3rd in New York, 10 p.m. on the 2nd in Los
# Angeles (both on standard time until March 8).
MIDNIGHT_PASSED_IN_NEW_YORK = datetime.datetime(2026, 3, 3, 6, 0, tzinfo=datetime.UTC)
NY_DAY = datetime.date(2026, 3, 3)
LA_DAY = datetime.date(2026, 3, 2)
DAY = datetime.timedelta(days=1)
B = datetime.date(2026, 3, 2)
NOTE = NoteDraft(
    subject="Service",
    body="Career planner met the customer.",
    contact_method="in_person",
    two_way=True,
)


def days(n: int) -> datetime.date:
    return B + n * DAY


def participant(
    world: World, office: str = "a", certified: datetime.date = B - 60 * DAY
) -> Customer:
    planner = getattr(world, f"planner_{office}")
    customer = make_customer(office=getattr(world, f"office_{office}"), planner=planner)
    certify(customer, certified)
    Customer.objects.filter(pk=customer.pk).update(status=Status.PARTICIPANT)
    customer.refresh_from_db()
    return customer


def two_offices(world: World) -> None:
    """Office A in New York, office B in Los Angeles."""
    world.office_a.time_zone = NEW_YORK
    world.office_a.save()
    world.office_b.time_zone = LOS_ANGELES
    world.office_b.save()


def open_alert(customer: Customer, rule: str) -> Alert | None:
    return Alert.objects.filter(customer=customer, rule=rule, resolved_at__isnull=True).first()


def note(customer: Customer, day: datetime.date, *, two_way: bool = True) -> CaseNote:
    return casenote_create(
        customer=customer,
        author=customer.career_planner,
        contact_date=day,
        subject="Check-in",
        body="Career planner called the customer.",
        contact_method="phone",
        two_way=two_way,
    )


def correct(
    original: CaseNote,
    *,
    contact_date: datetime.date | None = None,
    two_way: bool | None = None,
    entered_at: datetime.datetime | None = None,
) -> CaseNote:
    """A correction as the case-note service records it: an addendum under the original
    that carries the corrected contact and supersedes the note it corrects."""
    current = original
    while hasattr(current, "corrected_by"):
        current = current.corrected_by
    return CaseNote.objects.create(
        customer=original.customer,
        author=original.author,
        contact_date=current.contact_date if contact_date is None else contact_date,
        two_way=current.two_way if two_way is None else two_way,
        entered_at=entered_at or timezone.now(),
        subject=f"Addendum to {original.contact_date:%m/%d/%Y}: {original.subject}",
        body="The customer did not answer; the note recorded the call wrongly.",
        contact_method="other",
        note_type=NoteType.ADDENDUM,
        addendum_to=original,
        corrects=current,
    )


def service(customer: Customer, code: str, day: datetime.date, **kwargs) -> ServiceRecord:
    activity = Activity.objects.get(code=code)
    if activity.same_day:
        kwargs.setdefault("ended_on", day)
        kwargs.setdefault("note", NOTE)
    return service_record_create(
        customer=customer,
        activity=activity,
        started_on=day,
        entered_by=customer.career_planner,
        **kwargs,
    )


def at(moment: datetime.datetime):  # noqa: ANN201 - a time-machine traveller
    return time_machine.travel(moment, tick=False)


# --- Each office on its own day ------------------------------------------------------


def test_the_clock_says_a_different_day_on_either_side_of_midnight():
    with at(MIDNIGHT_PASSED_IN_NEW_YORK):
        assert today(NEW_YORK) == NY_DAY and today(LOS_ANGELES) == LA_DAY
        assert today_by_zone([NEW_YORK, LOS_ANGELES]) == {NEW_YORK: NY_DAY, LOS_ANGELES: LA_DAY}


def test_the_contact_clock_turns_overdue_at_midnight_in_the_customers_office(world: World):
    two_offices(world)
    new_york, los_angeles = participant(world, "a"), participant(world, "b")
    last_contact = NY_DAY - 31 * DAY  # day 31 in New York, still day 30 in Los Angeles
    note(new_york, last_contact)
    note(los_angeles, last_contact)
    with at(MIDNIGHT_PASSED_IN_NEW_YORK):
        evaluate(customer_ids=[new_york.pk, los_angeles.pk])
    assert open_alert(new_york, "contact_30").state == "overdue"
    assert open_alert(los_angeles, "contact_30").state == "due_soon"
    assert open_alert(new_york, "contact_30").opened_on == NY_DAY
    assert open_alert(los_angeles, "contact_30").opened_on == LA_DAY


def test_the_daily_run_soft_exits_on_day_90_in_the_customers_office(world: World):
    two_offices(world)
    last_service = NY_DAY - 90 * DAY
    new_york = participant(world, "a", certified=last_service - 30 * DAY)
    los_angeles = participant(world, "b", certified=last_service - 30 * DAY)
    service(new_york, "202", last_service)
    service(los_angeles, "202", last_service)
    with at(MIDNIGHT_PASSED_IN_NEW_YORK):
        counts = evaluate_compliance.delay().get()
    new_york.refresh_from_db()
    los_angeles.refresh_from_db()
    assert counts["exited"] == 1
    assert new_york.status == Status.EXITED and new_york.exit_date == last_service
    assert los_angeles.status == Status.PARTICIPANT
    assert open_alert(los_angeles, "soft_exit").state == "overdue"  # day 89: the call


def test_a_date_asked_for_is_everyones_day(world: World):
    two_offices(world)
    new_york = participant(world, "a")
    note(new_york, NY_DAY - 31 * DAY)
    with at(MIDNIGHT_PASSED_IN_NEW_YORK):
        result = evaluate(as_of=LA_DAY, customer_ids=[new_york.pk])
    assert result.as_of == LA_DAY
    assert open_alert(new_york, "contact_30").state == "due_soon"


# --- Corrected notes drive the contact clock --------------------------------------------


def state_on(customer: Customer, rule: str, day: datetime.date) -> str | None:
    evaluate(as_of=day, customer_ids=[customer.pk])
    alert = open_alert(customer, rule)
    return alert.state if alert else None


def test_a_two_way_note_corrected_to_an_attempt_no_longer_resets_the_contact_clock(world: World):
    customer = participant(world)
    note(customer, B)
    later = note(customer, days(20))
    assert state_on(customer, "contact_30", days(31)) is None
    correct(later, two_way=False)
    assert state_on(customer, "contact_30", days(31)) == "overdue"
    assert open_alert(customer, "contact_30").due_on == days(30)


def test_an_attempt_corrected_to_two_way_resets_the_contact_clock(world: World):
    customer = participant(world)
    note(customer, B)
    attempt = note(customer, days(20), two_way=False)
    assert state_on(customer, "contact_30", days(31)) == "overdue"
    correct(attempt, two_way=True)
    assert state_on(customer, "contact_30", days(31)) is None
    assert Alert.objects.get(customer=customer, rule="contact_30").resolution == (
        "Two-way contact recorded"
    )


def test_a_contact_date_corrected_to_an_earlier_day_moves_the_clock(world: World):
    customer = participant(world)
    contact = note(customer, days(10))
    assert state_on(customer, "contact_30", days(35)) == "due_soon"
    correct(contact, contact_date=days(2))
    assert state_on(customer, "contact_30", days(35)) == "overdue"
    assert open_alert(customer, "contact_30").due_on == days(32)


def test_only_the_last_of_several_corrections_counts(world: World):
    customer = participant(world)
    contact = note(customer, days(20))
    correct(contact, two_way=False)
    correct(contact, two_way=True, contact_date=days(18))
    assert state_on(customer, "contact_30", days(43)) == "due_soon"  # day 25 since the 18th


def test_a_late_correction_is_not_a_late_entry_and_the_original_keeps_its_flag(world: World):
    customer = participant(world)
    entered = datetime.datetime.combine(days(20), datetime.time(15), datetime.UTC)
    with at(entered):
        original = note(customer, days(2))  # 18 days after the contact: late
        correction = correct(original, contact_date=days(1), entered_at=entered)
    evaluate(as_of=days(20), customer_ids=[customer.pk])
    late = Alert.objects.filter(customer=customer, rule="entry_10", resolved_at__isnull=True)
    assert {(a.subject_type, a.subject_id) for a in late} == {("note", original.pk)}
    assert correction.pk != original.pk


# --- Soft exits follow the data --------------------------------------------------------------


def soft_exited(world: World, *, on: datetime.date = B + 90 * DAY) -> Customer:
    customer = participant(world)
    service(customer, "202", B)
    evaluate(as_of=on, customer_ids=[customer.pk])
    customer.refresh_from_db()
    assert customer.status == Status.EXITED and customer.exit_reason == SOFT_EXIT_REASON
    return customer


@pytest.mark.parametrize(("day", "status"), [(89, Status.PARTICIPANT), (90, Status.EXITED)])
def test_the_soft_exit_comes_on_day_90_not_89(world: World, day: int, status: str):
    customer = participant(world)
    service(customer, "202", B)
    evaluate(as_of=days(day), customer_ids=[customer.pk])
    customer.refresh_from_db()
    assert customer.status == status


def test_a_late_service_inside_the_90_days_undoes_the_soft_exit(world: World):
    customer = soft_exited(world)
    version = customer.lock_version
    service(customer, "202", days(1))  # entered late: 89 days before the exit day
    result = evaluate(as_of=days(90), customer_ids=[customer.pk])
    customer.refresh_from_db()
    assert result.exits_undone == 1 and result.exited == 0
    assert customer.status == Status.PARTICIPANT
    assert customer.exit_date is None and customer.exit_reason == ""
    assert customer.lock_version == version + 1
    assert open_alert(customer, "soft_exit").state == "overdue"  # day 89: call the customer


def test_a_late_service_exactly_90_days_back_keeps_the_exit_and_moves_its_date(world: World):
    customer = soft_exited(world, on=days(95))  # a missed run, caught up on day 95
    version = customer.lock_version
    service(customer, "202", days(5))
    result = evaluate(as_of=days(95), customer_ids=[customer.pk])
    customer.refresh_from_db()
    assert result.exit_dates_moved == 1 and result.exits_undone == 0
    assert customer.status == Status.EXITED and customer.exit_date == days(5)
    assert customer.lock_version == version + 1
    evaluate(as_of=days(95), customer_ids=[customer.pk])
    customer.refresh_from_db()
    assert customer.lock_version == version + 1  # nothing more to change


@pytest.mark.parametrize(("after_exit_day", "returned"), [(0, False), (1, True)])
def test_a_service_begun_after_the_exit_came_is_a_return_not_an_undo(
    world: World, after_exit_day: int, returned: bool
):
    customer = soft_exited(world)  # exit date B, the exit came on B + 90
    service(customer, "202", days(90 + after_exit_day))
    evaluate(as_of=days(100), customer_ids=[customer.pk])
    customer.refresh_from_db()
    # On day 90 the soft exit is undone (one period goes on); from day 91 the customer
    # returns: a new period of participation, the earlier one whole with its exit on B.
    assert customer.status == Status.PARTICIPANT
    assert customer.periods.filter(exited_on=B, exit_kind="soft").exists() is returned
    if returned:
        assert customer.periods.get(exited_on__isnull=True).entered_on == days(91)


def test_a_reopened_enrolling_service_undoes_the_soft_exit(world: World):
    customer = participant(world)
    training = service(customer, "202", B)
    evaluate(as_of=days(90), customer_ids=[customer.pk])
    ServiceRecord.objects.filter(pk=training.pk).update(ended_on=None, completion_status="")
    evaluate(as_of=days(91), customer_ids=[customer.pk])
    customer.refresh_from_db()
    assert customer.status == Status.PARTICIPANT
    assert history_for(customer)[0].reason == (
        "Soft exit undone by evaluation: an enrolling service is open"
    )


def test_a_planned_gap_over_the_day_undoes_the_soft_exit(world: World):
    customer = soft_exited(world)
    planned_gap_create(
        customer=customer,
        reason="Medical leave",
        starts_on=days(85),
        ends_on=days(120),
        created_by=world.planner_a,
    )
    evaluate(as_of=days(91), customer_ids=[customer.pk])
    customer.refresh_from_db()
    assert customer.status == Status.PARTICIPANT
    assert "a planned gap in service runs until " + f"{days(120):%m/%d/%Y}" in (
        history_for(customer)[0].reason
    )


def test_a_recorded_exit_is_never_touched_by_evaluation(world: World):
    customer = participant(world)
    service(customer, "202", B)
    Customer.objects.filter(pk=customer.pk).update(
        status=Status.EXITED, exit_date=days(80), exit_reason="Entered employment"
    )
    service(customer, "202", days(85))
    evaluate(as_of=days(90), customer_ids=[customer.pk])
    customer.refresh_from_db()
    assert (customer.status, customer.exit_date, customer.exit_reason) == (
        Status.EXITED,
        days(80),
        "Entered employment",
    )


def test_the_customer_history_shows_the_undo_with_its_reason(world: World):
    customer = soft_exited(world)
    service(customer, "202", days(1))
    evaluate(as_of=days(90), customer_ids=[customer.pk])

    undo = history_for(customer)[0]
    assert undo.who == "System"
    assert undo.reason == (
        "Soft exit undone by evaluation: an enrolling service dated "
        f"{days(1):%m/%d/%Y} was recorded, 89 days before {days(90):%m/%d/%Y} "
        "(the exit comes on day 90)"
    )
    assert ("Status", "Exited", "Participant") in undo.changes
    exit_entry = next(
        e for e in history_for(customer) if ("Status", "Participant", "Exited") in e.changes
    )
    assert exit_entry.reason.startswith("Soft-exited by evaluation")
    page = client_for(world.supervisor_a).get(
        reverse("customers:history", kwargs={"pk": customer.pk})
    )
    assert "Soft exit undone by evaluation: an enrolling service dated" in page.content.decode()


def test_the_engines_reason_does_not_replace_the_one_the_user_gave(world: World):
    customer = soft_exited(world)
    with pghistory.context(user=world.supervisor_a.pk, reason="Training attendance found on paper"):
        service(customer, "202", days(1))
        result = evaluate(as_of=days(90), customer_ids=[customer.pk])
    assert result.exits_undone == 1
    entries = history_for(customer)
    added = next(e for e in entries if e.action.startswith("Service added"))
    undone = next(e for e in entries if ("Status", "Exited", "Participant") in e.changes)
    assert added.reason == "Training attendance found on paper"
    assert undone.reason.startswith("Soft exit undone by evaluation")
