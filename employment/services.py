"""Every write of employment, placements, credentials, skill gains, exits, periods of
participation and follow-ups.

Periods follow the customer's record: `period_sync` makes the open period when a
customer first participates and closes it on the exit the record holds (recorded here,
or a soft exit the compliance engine wrote), so the earlier period stays whole when a
new enrolling service starts another (`period_reenter`, connected in `apps.py`).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from casemgmt.clock import today
from casemgmt.conflicts import bump, lock_for_edit
from casemgmt.entry import entered_late, entry_date, entry_deadline_days
from casemgmt.errors import refuse
from casemgmt.models import Policy, User
from casenotes.models import ContactMethod as NoteContactMethod
from casenotes.models import NoteType
from casenotes.services import casenote_create
from customers.models import Customer, Status
from employment.models import (
    Credential,
    EmployerContact,
    Employment,
    ExitKind,
    FollowUp,
    Period,
    Placement,
    PlacementFollowUp,
    PlacementStatus,
    SkillGain,
)
from employment.rules import (
    exit_problems,
    follow_up_due_dates,
    follow_up_starts,
    follow_up_year_ends,
    minimum_wage_problem,
    placement_follow_up_dates,
    subsidy_problem,
)
from plans.models import Step
from services.models import ServiceRecord

SOFT_EXIT_PREFIX = "Soft exit"


def _entry(customer: Customer, *, user: User, happened_on: datetime.date) -> dict[str, object]:
    """Who entered an outcome and when; late past the region's entry deadline."""
    now = timezone.now()
    return {
        "entered_by": user,
        "entered_at": now,
        "entered_late": entered_late(
            event_date=happened_on,
            entered_on=entry_date(customer.office, now),
            deadline_days=entry_deadline_days(customer.office),
        ),
    }


def _not_future(customer: Customer, field: str, day: datetime.date | None, what: str) -> list:
    if day is not None and day > today(customer.office.time_zone):
        return [(field, f"The {what} cannot be in the future.")]
    return []


# --- Employer contacts, jobs, credentials, skill gains ---------------------------------


@transaction.atomic
def employer_contact_create(*, customer: Customer, user: User, fields: dict) -> EmployerContact:
    refuse(_not_future(customer, "contacted_on", fields.get("contacted_on"), "contact date"))
    service = fields.get("service")
    if service is not None and service.customer_id != customer.pk:
        refuse([("service", "Choose a service of this customer.")])
    return EmployerContact.objects.create(
        customer=customer,
        **fields,
        **_entry(customer, user=user, happened_on=fields["contacted_on"]),
    )


def _job_problems(customer: Customer, fields: dict) -> list:
    problems = _not_future(customer, "started_on", fields.get("started_on"), "start date")
    ended = fields.get("ended_on")
    if ended is not None and fields.get("started_on") and ended < fields["started_on"]:
        problems.append(("ended_on", "The job cannot end before it starts."))
    problems += _not_future(customer, "ended_on", ended, "end date")
    if fields.get("hourly_wage") is not None and fields["hourly_wage"] <= 0:
        problems.append(("hourly_wage", "The hourly wage is more than $0.00."))
    hours = fields.get("hours_per_week")
    if hours is not None and not Decimal(0) < hours <= 100:
        problems.append(("hours_per_week", "Hours per week are more than 0 and at most 100."))
    return problems


@transaction.atomic
def employment_create(*, customer: Customer, user: User, fields: dict) -> Employment:
    refuse(_job_problems(customer, fields))
    return Employment.objects.create(
        customer=customer, **fields, **_entry(customer, user=user, happened_on=fields["started_on"])
    )


@transaction.atomic
def employment_update(
    *, job: Employment, user: User, fields: dict, expected_version: int | None
) -> Employment:
    job = lock_for_edit(Employment, job.pk, expected_version=expected_version)
    merged = {name: fields.get(name, getattr(job, name)) for name in fields}
    refuse(_job_problems(job.customer, {**{"started_on": job.started_on}, **merged}))
    for name, value in merged.items():
        setattr(job, name, value)
    bump(job)
    job.save(update_fields=[*merged, "lock_version"])
    job.refresh_from_db()
    return job


@transaction.atomic
def credential_create(*, customer: Customer, user: User, fields: dict) -> Credential:
    problems = _not_future(customer, "attained_on", fields.get("attained_on"), "date attained")
    training = fields.get("training")
    if training is not None and (
        training.customer_id != customer.pk or not training.activity.is_training
    ):
        problems.append(("training", "Choose a training service of this customer."))
    refuse(problems)
    return Credential.objects.create(
        customer=customer,
        **fields,
        **_entry(customer, user=user, happened_on=fields["attained_on"]),
    )


@transaction.atomic
def skill_gain_create(*, customer: Customer, user: User, fields: dict) -> SkillGain:
    refuse(_not_future(customer, "achieved_on", fields.get("achieved_on"), "date achieved"))
    return SkillGain.objects.create(
        customer=customer,
        **fields,
        **_entry(customer, user=user, happened_on=fields["achieved_on"]),
    )


# --- Placements ------------------------------------------------------------------------


def _placement_problems(customer: Customer, fields: dict) -> list:
    problems = []
    wage, subsidized = fields.get("hourly_wage"), fields.get("subsidized_wage")
    if wage is not None:
        problem = minimum_wage_problem(
            hourly_wage=wage, minimum=Policy.for_office(customer.office).minimum_wage
        )
        if problem:
            problems.append(("hourly_wage", problem))
        if subsidized is not None:
            problem = subsidy_problem(hourly_wage=wage, subsidized_wage=subsidized)
            if problem:
                problems.append(("subsidized_wage", problem))
    hours = fields.get("hours_per_week")
    if hours is not None and not Decimal(0) < hours <= 100:
        problems.append(("hours_per_week", "Hours per week are more than 0 and at most 100."))
    ends = fields.get("ends_on")
    if ends is not None and fields.get("starts_on") and ends < fields["starts_on"]:
        problems.append(("ends_on", "The placement cannot end before it starts."))
    return problems


@transaction.atomic
def placement_create(*, customer: Customer, user: User, fields: dict) -> Placement:
    """A placement, with its follow-ups due 30, 60, 90, 180 and 270 days after the start."""
    refuse(_placement_problems(customer, fields))
    placement = Placement.objects.create(
        customer=customer, **fields, **_entry(customer, user=user, happened_on=fields["starts_on"])
    )
    PlacementFollowUp.objects.bulk_create(
        PlacementFollowUp(placement=placement, day=day, due_on=due)
        for day, due in placement_follow_up_dates(placement.starts_on)
    )
    return placement


@transaction.atomic
def placement_set_status(
    *,
    placement: Placement,
    status: str,
    on: datetime.date,
    user: User,
    expected_version: int | None,
) -> Placement:
    placement = lock_for_edit(Placement, placement.pk, expected_version=expected_version)
    if status not in PlacementStatus.values:
        refuse([("status", "Choose planned, started, on hold or terminated.")])
    refuse(_not_future(placement.customer, "on", on, "date of the change"))
    placement.status = status
    placement.status_changed_on = on
    bump(placement)
    placement.save(update_fields=["status", "status_changed_on", "lock_version"])
    placement.refresh_from_db()
    return placement


@transaction.atomic
def placement_follow_up_record(
    *,
    follow_up: PlacementFollowUp,
    done_on: datetime.date,
    note_body: str,
    two_way: bool,
    user: User,
) -> PlacementFollowUp:
    """Record a placement's follow-up with its case note."""
    follow_up = (
        PlacementFollowUp.objects.select_for_update()
        .select_related("placement__customer__office")
        .get(pk=follow_up.pk)
    )
    if follow_up.done_on is not None:
        refuse([("done_on", f"This follow-up was recorded on {follow_up.done_on:%m/%d/%Y}.")])
    placement = follow_up.placement
    note = casenote_create(
        customer=placement.customer,
        author=user,
        contact_date=done_on,
        subject=f"Follow-Up/{placement.get_kind_display()} day {follow_up.day}"[:200],
        body=note_body,
        contact_method=NoteContactMethod.PHONE,
        two_way=two_way,
        note_type=NoteType.FOLLOW_UP,
    )
    follow_up.done_on = done_on
    follow_up.note = note
    follow_up.recorded_by = user
    follow_up.save(update_fields=["done_on", "note", "recorded_by"])
    return follow_up


# --- Periods, exit and follow-up -------------------------------------------------------


def last_enrolling_end(
    customer: Customer, *, since: datetime.date | None = None
) -> datetime.date | None:
    records = ServiceRecord.objects.filter(
        customer=customer,
        activity__extends_exit_window=True,
        ended_on__isnull=False,
        start_is_projected=False,
    )
    if since is not None:
        records = records.filter(started_on__gte=since)
    return records.aggregate(last=Max("ended_on"))["last"]


def first_enrolling_start(
    customer: Customer, *, after: datetime.date | None = None
) -> datetime.date | None:
    records = ServiceRecord.objects.filter(
        customer=customer, activity__extends_exit_window=True, start_is_projected=False
    )
    if after is not None:
        records = records.filter(started_on__gt=after)
    return records.order_by("started_on").values_list("started_on", flat=True).first()


@transaction.atomic
def period_sync(customer: Customer) -> Period | None:
    """Keep the customer's periods in step with the record: an open period from the first
    enrolling service after the last exit; closed, with its follow-ups, on the record's
    exit. Safe to run any number of times."""
    customer = Customer.objects.select_for_update().select_related("office").get(pk=customer.pk)
    last_closed = customer.periods.filter(exited_on__isnull=False).order_by("-exited_on").first()
    after = last_closed.exited_on if last_closed else None
    current = customer.periods.filter(exited_on__isnull=True).first()
    if current is None:
        if customer.status == Status.APPLICANT:
            return None
        entered = first_enrolling_start(customer, after=after)
        if entered is None:
            return last_closed
        current = Period.objects.create(customer=customer, entered_on=entered)
    exited = customer.exit_date
    if (
        exited is not None
        and customer.status in (Status.EXITED, Status.FOLLOW_UP, Status.CLOSED)
        and exited >= current.entered_on
    ):
        current.exited_on = exited
        if not current.exit_kind:
            current.exit_kind = (
                ExitKind.SOFT
                if customer.exit_reason.startswith(SOFT_EXIT_PREFIX)
                else ExitKind.RECORDED
            )
        current.save(update_fields=["exited_on", "exit_kind"])
        _schedule_follow_ups(current)
    return current


def _schedule_follow_ups(period: Period) -> None:
    FollowUp.objects.bulk_create(
        [
            FollowUp(period=period, customer_id=period.customer_id, quarter=n, due_on=due)
            for n, due in enumerate(follow_up_due_dates(period.exited_on), start=1)
        ],
        ignore_conflicts=True,
    )


@dataclass(frozen=True)
class ExitBlockers:
    """What stands in the way of recording the exit, for the exit page and `exit_record`
    alike: every service closed, every step of the plan complete or ended."""

    open_services: list[ServiceRecord]
    open_steps: list[Step]

    def __bool__(self) -> bool:
        return bool(self.open_services or self.open_steps)


def exit_blockers(customer: Customer) -> ExitBlockers:
    return ExitBlockers(
        open_services=list(
            ServiceRecord.objects.filter(customer=customer, ended_on__isnull=True)
            .select_related("activity")
            .order_by("started_on", "pk")
        ),
        open_steps=[
            step
            for step in Step.objects.filter(goal__plan__customer=customer)
            .select_related("activity", "goal")
            .order_by("goal", "pk")
            if step.is_open
        ],
    )


@transaction.atomic
def exit_record(
    *,
    customer: Customer,
    user: User,
    employed_at_exit: bool | None,
    other_reason: str,
    job: Employment | None,
    note_body: str,
) -> Period:
    """Exit a customer whose services are complete: the exit date is the last day of the
    last enrolling service; the exit case note is written the same day as the record."""
    customer = Customer.objects.select_for_update().select_related("office").get(pk=customer.pk)
    if customer.status != Status.PARTICIPANT:
        refuse(
            [
                (
                    "__all__",
                    f"Only a participant is exited; this customer is {customer.get_status_display().lower()}.",
                )
            ]
        )
    period = period_sync(customer)
    blockers = exit_blockers(customer)
    exited_on = last_enrolling_end(customer, since=period.entered_on if period else None)
    problems = exit_problems(
        open_services=[str(r.activity) for r in blockers.open_services],
        open_steps=[str(s.activity) for s in blockers.open_steps],
        last_enrolling_end=exited_on,
        employed_at_exit=employed_at_exit,
        other_reason=other_reason,
    )
    if job is not None and job.customer_id != customer.pk:
        problems.append(("job", "Choose a job of this customer."))
    if employed_at_exit and job is None:
        problems.append(("job", "Choose the job the customer holds at exit (record it first)."))
    if not note_body.strip():
        problems.append(
            (
                "note_body",
                "Write the exit case note: services received, outcome, and follow-up plans.",
            )
        )
    refuse(problems)
    note = casenote_create(
        customer=customer,
        author=user,
        contact_date=today(customer.office.time_zone),
        subject="Exit",
        body=note_body,
        contact_method=NoteContactMethod.IN_PERSON,
        two_way=False,
        note_type=NoteType.EXIT,
    )
    customer.status = Status.EXITED
    customer.exit_date = exited_on
    customer.exit_reason = "Recorded exit: services complete"
    bump(customer)
    customer.save(
        update_fields=["status", "exit_date", "exit_reason", "updated_at", "lock_version"]
    )
    period = period_sync(customer)
    period.exit_kind = ExitKind.RECORDED
    period.other_reason = other_reason or "00"
    period.employed_at_exit = employed_at_exit
    period.exit_job = job
    period.exit_note = note
    period.exit_recorded_by = user
    period.exit_recorded_at = timezone.now()
    bump(period)
    period.save()
    return period


@transaction.atomic
def exit_details_record(
    *,
    period: Period,
    user: User,
    employed_at_exit: bool | None,
    other_reason: str,
    job: Employment | None,
    expected_version: int | None,
) -> Period:
    """After a soft exit: the same employment status at exit, asked for afterwards."""
    period = lock_for_edit(Period, period.pk, expected_version=expected_version)
    problems = []
    if period.exited_on is None:
        problems.append(("__all__", "This period has no exit yet."))
    if employed_at_exit is None and other_reason in ("", "00"):
        problems.append(
            (
                "employed_at_exit",
                "Say whether the customer was employed at exit, or give the excluding reason.",
            )
        )
    if employed_at_exit and job is None:
        problems.append(("job", "Choose the job the customer held at exit."))
    refuse(problems)
    period.employed_at_exit = employed_at_exit
    period.other_reason = other_reason or "00"
    period.exit_job = job
    bump(period)
    period.save(update_fields=["employed_at_exit", "other_reason", "exit_job", "lock_version"])
    period.refresh_from_db()
    return period


@transaction.atomic
def follow_up_record(
    *,
    follow_up: FollowUp,
    user: User,
    done_on: datetime.date,
    employed: bool,
    employer: str,
    hourly_wage: Decimal | None,
    in_education: bool,
    supportive_need: str,
    note_body: str,
) -> FollowUp:
    follow_up = (
        FollowUp.objects.select_for_update().select_related("customer__office").get(pk=follow_up.pk)
    )
    customer = follow_up.customer
    problems = _not_future(customer, "done_on", done_on, "follow-up date")
    if follow_up.done_on is not None:
        problems.append(
            ("done_on", f"This follow-up was recorded on {follow_up.done_on:%m/%d/%Y}.")
        )
    if employed and not employer.strip():
        problems.append(("employer", "Name the employer."))
    if hourly_wage is not None and hourly_wage <= 0:
        problems.append(("hourly_wage", "The hourly wage is more than $0.00."))
    if supportive_need.strip() and not customer.is_youth:
        problems.append(
            (
                "supportive_need",
                "Adults and Dislocated Workers receive no supportive services in follow-up (youth may).",
            )
        )
    refuse(problems)
    note = casenote_create(
        customer=customer,
        author=user,
        contact_date=done_on,
        subject=f"Follow-Up/Quarter {follow_up.quarter} after exit",
        body=note_body,
        contact_method=NoteContactMethod.PHONE,
        two_way=True,
        note_type=NoteType.FOLLOW_UP,
    )
    follow_up.done_on = done_on
    follow_up.employed = employed
    follow_up.employer = employer.strip()
    follow_up.hourly_wage = hourly_wage
    follow_up.in_education = in_education
    follow_up.supportive_need = supportive_need.strip()
    follow_up.note = note
    follow_up.recorded_by = user
    follow_up.save()
    return follow_up


@transaction.atomic
def period_close(
    *, period: Period, user: User, reason: str, expected_version: int | None
) -> Period:
    """Close a file before the follow-up year ends, with a reason."""
    period = lock_for_edit(Period, period.pk, expected_version=expected_version)
    if period.exited_on is None:
        refuse([("__all__", "Exit the customer before closing the file.")])
    if period.closed_on is not None:
        refuse([("__all__", f"This file was closed on {period.closed_on:%m/%d/%Y}.")])
    if not reason.strip():
        refuse([("reason", "Say why the file closes before the follow-up year ends.")])
    customer = Customer.objects.select_for_update().get(pk=period.customer_id)
    period.closed_on = today(customer.office.time_zone)
    period.close_reason = reason.strip()
    bump(period)
    period.save(update_fields=["closed_on", "close_reason", "lock_version"])
    customer.status = Status.CLOSED
    bump(customer)
    customer.save(update_fields=["status", "updated_at", "lock_version"])
    period.refresh_from_db()
    return period


def statuses_follow_the_calendar(*, on: datetime.date | None = None) -> dict[str, int]:
    """The daily move along the path: exited -> in follow-up once the first quarter after
    the exit quarter begins; in follow-up -> closed once the follow-up year ends. Periods
    are synced first for customers whose exit the engine recorded (soft exits)."""
    moved = {"follow_up": 0, "closed": 0}
    for customer in Customer.objects.filter(
        status__in=[Status.EXITED, Status.FOLLOW_UP], exit_date__isnull=False
    ).select_related("office"):
        day = on or today(customer.office.time_zone)
        period = period_sync(customer)
        exited = customer.exit_date
        with transaction.atomic():
            locked = Customer.objects.select_for_update().get(pk=customer.pk)
            if locked.status == Status.EXITED and day >= follow_up_starts(exited):
                locked.status = Status.FOLLOW_UP
                moved["follow_up"] += 1
            if locked.status == Status.FOLLOW_UP and day > follow_up_year_ends(exited):
                locked.status = Status.CLOSED
                moved["closed"] += 1
                if period is not None and period.closed_on is None:
                    Period.objects.filter(pk=period.pk).update(
                        closed_on=day, close_reason="Follow-up year ended"
                    )
            if locked.status != customer.status:
                bump(locked)
                locked.save(update_fields=["status", "updated_at", "lock_version"])
    return moved
