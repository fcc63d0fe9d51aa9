"""Writes that bring a board's employment records in as they stand, for the legacy import
(`bulkdata.legacy_import`) only.

The forms record the end of the path as it happens: an outcome is entered now (and
flagged late past the region's entry deadline), a placement pays at least today's
minimum wage and starts with five follow-ups to do, an exit closes the open period on
the last enrolling service and schedules four quarterly follow-ups, each follow-up is
recorded once, with the case note it writes. History has already happened: a job
entered two years ago, a placement under last year's minimum wage, a period closed, the
follow-ups done or missed. These functions write such a state directly, once, and each
says what it sets that no form would.

Each keeps who entered a record, when, and whether that was late, as the old system knew
it (`_entry`): the 10-day entry rule reads them. Case notes are linked, not written: they
come with the customer's case notes.

They still refuse what contradicts itself (`refuse`, field by field, as the services
do): an end before the start, an exit before the entry, a date in the future, a
placement wage below $0.00 or its subsidised part above the wage, a training, job or
case note of another customer (or a note linked to another follow-up or exit already),
periods of one customer that overlap, a quarterly follow-up outside quarters 1-4 or due
on another day than the rule's (`employment.rules.follow_up_due_dates`), and what a
follow-up found recorded on one that was not done.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from casemgmt.entry import entered_late as late_by_the_rule
from casemgmt.entry import entry_date, entry_deadline_days
from casemgmt.errors import refuse
from casemgmt.models import User
from casenotes.models import CaseNote
from customers.models import Customer
from employment.models import (
    Credential,
    EmployerContact,
    Employment,
    ExitKind,
    FollowUp,
    Period,
    Placement,
    PlacementFollowUp,
    SkillGain,
)
from employment.rules import (
    FOLLOW_UP_QUARTERS,
    follow_up_due_dates,
    placement_follow_up_dates,
    subsidy_problem,
)
from employment.services import _job_problems, _not_future
from services.models import ServiceRecord

Problems = list[tuple[str, str]]


def _entry(
    customer: Customer,
    *,
    entered_by: User,
    entered_at: datetime.datetime | None,
    entered_late: bool | None,
    happened_on: datetime.date,
) -> tuple[dict[str, object], Problems]:
    """Who entered a record and when, as the old system knew it: `entered_at` (the time
    of the import when not known, never in the future) and `entered_late` as given, or,
    when not given, as the entry rule finds it from `entered_at` (late past the region's
    deadline)."""
    problems: Problems = []
    now = timezone.now()
    if entered_at is None:
        entered_at = now
    elif entered_at > now:
        problems.append(("entered_at", "It cannot be in the future."))
    if entered_late is None:
        entered_late = late_by_the_rule(
            event_date=happened_on,
            entered_on=entry_date(customer.office, entered_at),
            deadline_days=entry_deadline_days(customer.office),
        )
    return {
        "entered_by": entered_by,
        "entered_at": entered_at,
        "entered_late": entered_late,
    }, problems


def _note_problems(field: str, note: CaseNote | None, customer: Customer) -> Problems:
    """A follow-up's or an exit's case note is the customer's and documents nothing else
    of the kind already."""
    if note is None:
        return []
    if note.customer_id != customer.pk:
        return [(field, "The case note belongs to another customer.")]
    if (
        Period.objects.filter(exit_note=note).exists()
        or FollowUp.objects.filter(note=note).exists()
        or PlacementFollowUp.objects.filter(note=note).exists()
    ):
        return [(field, "The case note is linked to another follow-up or exit already.")]
    return []


def _hours_problems(hours: Decimal | None) -> Problems:
    if hours is not None and not Decimal(0) < hours <= 100:
        return [("hours_per_week", "Hours per week are more than 0 and at most 100.")]
    return []


@transaction.atomic
def employer_contact_restore(
    *,
    customer: Customer,
    employer: str,
    method: str,
    contacted_on: datetime.date,
    outcome: str,
    entered_by: User,
    contact_person: str = "",
    service: ServiceRecord | None = None,
    notes: str = "",
    entered_at: datetime.datetime | None = None,
    entered_late: bool | None = None,
) -> EmployerContact:
    """A contact with an employer as the old system left it.

    Set directly: who entered it, when, and whether late (`_entry`).
    """
    entry, problems = _entry(
        customer,
        entered_by=entered_by,
        entered_at=entered_at,
        entered_late=entered_late,
        happened_on=contacted_on,
    )
    problems += _not_future(customer, "contacted_on", contacted_on, "contact date")
    if not employer.strip():
        problems.append(("employer", "Name the employer."))
    if service is not None and service.customer_id != customer.pk:
        problems.append(("service", "The service belongs to another customer."))
    refuse(problems)
    return EmployerContact.objects.create(
        customer=customer,
        service=service,
        employer=employer.strip(),
        contact_person=contact_person.strip(),
        method=method,
        contacted_on=contacted_on,
        outcome=outcome,
        notes=notes.strip(),
        **entry,
    )


@transaction.atomic
def job_restore(
    *,
    legacy_id: str,
    customer: Customer,
    employer: str,
    job_title: str,
    started_on: datetime.date,
    hourly_wage: Decimal,
    hours_per_week: Decimal,
    verification: str,
    entered_by: User,
    onet_code: str = "",
    ended_on: datetime.date | None = None,
    training_related: bool = False,
    entered_at: datetime.datetime | None = None,
    entered_late: bool | None = None,
) -> Employment:
    """A job as the old system left it, known again by its legacy id, under the same
    rules as the job form (`employment.services._job_problems`).

    Set directly: the legacy id, and who entered it, when, and whether late (`_entry`).
    """
    entry, problems = _entry(
        customer,
        entered_by=entered_by,
        entered_at=entered_at,
        entered_late=entered_late,
        happened_on=started_on,
    )
    problems += _job_problems(
        customer,
        {
            "started_on": started_on,
            "ended_on": ended_on,
            "hourly_wage": hourly_wage,
            "hours_per_week": hours_per_week,
        },
    )
    if not employer.strip():
        problems.append(("employer", "Name the employer."))
    if not job_title.strip():
        problems.append(("job_title", "Give the job title."))
    refuse(problems)
    return Employment.objects.create(
        legacy_id=legacy_id,
        customer=customer,
        employer=employer.strip(),
        job_title=job_title.strip(),
        onet_code=onet_code,
        started_on=started_on,
        ended_on=ended_on,
        hourly_wage=hourly_wage,
        hours_per_week=hours_per_week,
        training_related=training_related,
        verification=verification,
        **entry,
    )


@transaction.atomic
def placement_restore(
    *,
    legacy_id: str,
    customer: Customer,
    kind: str,
    worksite: str,
    supervisor: str,
    hourly_wage: Decimal,
    subsidized_wage: Decimal,
    hours_per_week: Decimal,
    status: str,
    starts_on: datetime.date,
    entered_by: User,
    ends_on: datetime.date | None = None,
    status_changed_on: datetime.date | None = None,
    follow_ups: dict[int, tuple[datetime.date | None, CaseNote | None]] | None = None,
    entered_at: datetime.datetime | None = None,
    entered_late: bool | None = None,
) -> Placement:
    """A worksite placement or on-the-job training as the old system left it, known
    again by its legacy id, with its five follow-ups (30, 60, 90, 180 and 270 days after
    the start, due as the rule says).

    Set directly: the legacy id, the status and the day it last changed, who entered it,
    when, and whether late (`_entry`), and each follow-up done as `follow_ups` says (by
    day: the day it was done and its case note, linked; recorded by the note's author).
    The wage is not held to today's minimum wage (the one that applied then is not
    known): only a wage below $0.00, or a subsidised part below $0.00 or above the wage,
    is refused.
    """
    follow_ups = follow_ups or {}
    entry, problems = _entry(
        customer,
        entered_by=entered_by,
        entered_at=entered_at,
        entered_late=entered_late,
        happened_on=starts_on,
    )
    if hourly_wage < 0:
        problems.append(("hourly_wage", "The hourly wage is $0.00 or more."))
    else:
        problem = subsidy_problem(hourly_wage=hourly_wage, subsidized_wage=subsidized_wage)
        if problem:
            problems.append(("subsidized_wage", problem))
    problems += _hours_problems(hours_per_week)
    if ends_on is not None and ends_on < starts_on:
        problems.append(("ends_on", "The placement cannot end before it starts."))
    problems += _not_future(customer, "status_changed_on", status_changed_on, "status change")
    if not worksite.strip():
        problems.append(("worksite", "Name the worksite."))
    if not supervisor.strip():
        problems.append(("supervisor", "Name the worksite supervisor."))
    days = dict(placement_follow_up_dates(starts_on))
    unknown = sorted(set(follow_ups) - set(days))
    if unknown:
        problems.append(
            ("follow_ups", f"A placement has no day {unknown[0]} follow-up (30, 60, 90, 180, 270).")
        )
    notes = [note.pk for _done, note in follow_ups.values() if note is not None]
    if len(notes) != len(set(notes)):
        problems.append(("follow_ups", "One case note documents two of its follow-ups."))
    for day, (done_on, note) in sorted(follow_ups.items()):
        field = f"follow_up_{day}"
        problems += _not_future(customer, f"{field}_done_on", done_on, "follow-up date")
        if done_on is not None and done_on < starts_on:
            problems.append(
                (
                    f"{field}_done_on",
                    f"A follow-up is done after the placement starts ({starts_on:%m/%d/%Y}).",
                )
            )
        if note is not None and done_on is None:
            problems.append((f"{field}_note", "Only a follow-up that was done has a case note."))
        problems += _note_problems(f"{field}_note", note, customer)
    refuse(problems)
    placement = Placement.objects.create(
        legacy_id=legacy_id,
        customer=customer,
        kind=kind,
        worksite=worksite.strip(),
        supervisor=supervisor.strip(),
        hourly_wage=hourly_wage,
        subsidized_wage=subsidized_wage,
        hours_per_week=hours_per_week,
        status=status,
        starts_on=starts_on,
        ends_on=ends_on,
        status_changed_on=status_changed_on,
        **entry,
    )
    rows = []
    for day, due in days.items():
        done_on, note = follow_ups.get(day, (None, None))
        rows.append(
            PlacementFollowUp(
                placement=placement,
                day=day,
                due_on=due,
                done_on=done_on,
                note=note,
                recorded_by=note.author if note is not None else None,
            )
        )
    PlacementFollowUp.objects.bulk_create(rows)
    return placement


@transaction.atomic
def credential_restore(
    *,
    customer: Customer,
    credential_type: int,
    name: str,
    attained_on: datetime.date,
    entered_by: User,
    training: ServiceRecord | None = None,
    entered_at: datetime.datetime | None = None,
    entered_late: bool | None = None,
) -> Credential:
    """A credential as the old system left it, with the training that led to it (a
    training service of the same customer, as in the form).

    Set directly: who entered it, when, and whether late (`_entry`).
    """
    entry, problems = _entry(
        customer,
        entered_by=entered_by,
        entered_at=entered_at,
        entered_late=entered_late,
        happened_on=attained_on,
    )
    problems += _not_future(customer, "attained_on", attained_on, "date attained")
    if not name.strip():
        problems.append(("name", "Name the credential."))
    if training is not None:
        if training.customer_id != customer.pk:
            problems.append(("training", "The training belongs to another customer."))
        elif not training.activity.is_training:
            problems.append(
                (
                    "training",
                    f"Choose the training that led to it; {training.activity.code} is not a "
                    "training service.",
                )
            )
    refuse(problems)
    return Credential.objects.create(
        customer=customer,
        credential_type=credential_type,
        name=name.strip(),
        attained_on=attained_on,
        training=training,
        **entry,
    )


@transaction.atomic
def skill_gain_restore(
    *,
    customer: Customer,
    kind: str,
    achieved_on: datetime.date,
    entered_by: User,
    description: str = "",
    entered_at: datetime.datetime | None = None,
    entered_late: bool | None = None,
) -> SkillGain:
    """A measurable skill gain as the old system left it.

    Set directly: who entered it, when, and whether late (`_entry`).
    """
    entry, problems = _entry(
        customer,
        entered_by=entered_by,
        entered_at=entered_at,
        entered_late=entered_late,
        happened_on=achieved_on,
    )
    problems += _not_future(customer, "achieved_on", achieved_on, "date achieved")
    refuse(problems)
    return SkillGain.objects.create(
        customer=customer,
        kind=kind,
        achieved_on=achieved_on,
        description=description.strip(),
        **entry,
    )


@transaction.atomic
def period_restore(
    *,
    customer: Customer,
    entered_on: datetime.date,
    exited_on: datetime.date | None = None,
    exit_kind: str = "",
    other_reason: str = "",
    employed_at_exit: bool | None = None,
    exit_job: Employment | None = None,
    exit_note: CaseNote | None = None,
    exit_recorded_by: User | None = None,
    exit_recorded_at: datetime.datetime | None = None,
    closed_on: datetime.date | None = None,
    close_reason: str = "",
) -> Period:
    """A period of participation as the old system left it: open, or with its exit, or
    closed.

    Set directly: the entry and exit dates (`period_sync` derives them from the services
    and the customer's exit; here they are the old system's), the kind of exit (recorded
    when not given), the employment at exit with the job held and the exit note, linked,
    who recorded the exit and when, and the day the file closed with the reason. No
    follow-up is scheduled: they come from the file (`follow_up_restore`), and those it
    leaves out are scheduled after it (`follow_ups_schedule`). Refused: an exit before
    the entry, a date in the future, exit details on a period without an exit, a job at
    exit when the customer was not employed, a job or note of another customer, and a
    period overlapping another of the customer's (they follow one another; one is open
    at most).
    """
    problems: Problems = []
    for name, value, what in (
        ("entered_on", entered_on, "program entry"),
        ("exited_on", exited_on, "exit date"),
        ("closed_on", closed_on, "day the file closed"),
    ):
        problems += _not_future(customer, name, value, what)
    if exit_recorded_at is not None and exit_recorded_at > timezone.now():
        problems.append(("exit_recorded_at", "It cannot be in the future."))
    if exited_on is None:
        given = {
            "exit_kind": exit_kind,
            "other_reason": other_reason,
            "employed_at_exit": employed_at_exit is not None,
            "exit_job": exit_job,
            "exit_note": exit_note,
            "exit_recorded_by": exit_recorded_by,
            "exit_recorded_at": exit_recorded_at,
            "closed_on": closed_on,
            "close_reason": close_reason.strip(),
        }
        problems += [
            (name, "Only a period with an exit has it: give the exit date, or leave it empty.")
            for name, value in given.items()
            if value
        ]
    else:
        if exited_on < entered_on:
            problems.append(
                ("exited_on", f"The exit cannot come before the entry ({entered_on:%m/%d/%Y}).")
            )
        if closed_on is not None and closed_on < exited_on:
            problems.append(
                ("closed_on", f"The file closes after the exit ({exited_on:%m/%d/%Y}).")
            )
        if close_reason.strip() and closed_on is None:
            problems.append(("close_reason", "Only a closed file has a reason for closing."))
        if exit_job is not None:
            if exit_job.customer_id != customer.pk:
                problems.append(("exit_job", "The job belongs to another customer."))
            elif employed_at_exit is False:
                problems.append(
                    ("exit_job", "Name the job held at exit only when the customer was employed.")
                )
        problems += _note_problems("exit_note", exit_note, customer)
    end = exited_on or datetime.date.max
    for other in Period.objects.filter(customer=customer).order_by("entered_on"):
        if entered_on <= (other.exited_on or datetime.date.max) and other.entered_on <= end:
            problems.append(
                (
                    "entered_on",
                    f"It overlaps the customer's period from {other.entered_on:%m/%d/%Y}: "
                    "periods of participation follow one another.",
                )
            )
            break
    refuse(problems)
    return Period.objects.create(
        customer=customer,
        entered_on=entered_on,
        exited_on=exited_on,
        exit_kind=(exit_kind or ExitKind.RECORDED) if exited_on else "",
        other_reason=other_reason,
        employed_at_exit=employed_at_exit,
        exit_job=exit_job,
        exit_note=exit_note,
        exit_recorded_by=exit_recorded_by,
        exit_recorded_at=exit_recorded_at,
        closed_on=closed_on,
        close_reason=close_reason.strip(),
    )


def follow_up_problems(
    *,
    period: Period,
    quarter: int,
    due_on: datetime.date,
    done_on: datetime.date | None,
    found: bool,
) -> Problems:
    """A quarterly follow-up fits its period: one of the four quarters after the exit
    quarter, due when the rule says, done after the exit and not in the future, and
    what it found recorded only once it was done."""
    problems: Problems = []
    if period.exited_on is None:
        return [("period", "The period has no exit: follow-up starts after the exit.")]
    if not 1 <= quarter <= FOLLOW_UP_QUARTERS:
        problems.append(
            ("quarter", "Follow-up runs in the 4 quarters after the exit quarter: give 1 to 4.")
        )
    else:
        due = follow_up_due_dates(period.exited_on)[quarter - 1]
        if due_on != due:
            problems.append(
                (
                    "due_on",
                    f"The follow-up of quarter {quarter} after an exit on "
                    f"{period.exited_on:%m/%d/%Y} is due on {due:%m/%d/%Y}, the end of that "
                    "quarter.",
                )
            )
    if done_on is not None:
        problems += _not_future(period.customer, "done_on", done_on, "follow-up date")
        if done_on < period.exited_on:
            problems.append(
                (
                    "done_on",
                    f"A follow-up is done after the exit ({period.exited_on:%m/%d/%Y}).",
                )
            )
    elif found:
        problems.append(
            ("done_on", "What a follow-up found is recorded once it is done: give its date.")
        )
    return problems


@transaction.atomic
def follow_up_restore(
    *,
    period: Period,
    quarter: int,
    due_on: datetime.date,
    done_on: datetime.date | None = None,
    employed: bool | None = None,
    employer: str = "",
    hourly_wage: Decimal | None = None,
    in_education: bool | None = None,
    supportive_need: str = "",
    note: CaseNote | None = None,
    recorded_by: User | None = None,
    scheduled: FollowUp | None = None,
) -> FollowUp:
    """A quarterly follow-up of a period's exit as the old system left it, done or not;
    or, given the one `scheduled` for that quarter and not done yet, that one recorded.

    Set directly: the follow-up itself (an exit schedules the four in the product), and,
    once done, what it found with its case note, linked, recorded by `recorded_by` (the
    note's author when not given), on any past date. Supportive needs are not held to
    the youth-only rule of the form: what was noted then stands.
    """
    customer = period.customer
    found = any(
        (
            employed is not None,
            employer.strip(),
            hourly_wage is not None,
            in_education is not None,
            supportive_need.strip(),
            note is not None,
        )
    )
    problems = follow_up_problems(
        period=period, quarter=quarter, due_on=due_on, done_on=done_on, found=found
    )
    if hourly_wage is not None and hourly_wage <= 0:
        problems.append(("hourly_wage", "The hourly wage is more than $0.00."))
    problems += _note_problems("note", note, customer)
    if scheduled is not None and (
        scheduled.period_id != period.pk
        or scheduled.quarter != quarter
        or scheduled.done_on is not None
    ):
        problems.append(("quarter", "Only a follow-up of this quarter not done yet is recorded."))
    refuse(problems)
    if recorded_by is None and note is not None:
        recorded_by = note.author
    follow_up = scheduled or FollowUp(period=period, customer=customer, quarter=quarter)
    follow_up.due_on = due_on
    follow_up.done_on = done_on
    follow_up.employed = employed
    follow_up.employer = employer.strip()
    follow_up.hourly_wage = hourly_wage
    follow_up.in_education = in_education
    follow_up.supportive_need = supportive_need.strip()
    follow_up.note = note
    follow_up.recorded_by = recorded_by
    follow_up.save()
    return follow_up


@transaction.atomic
def follow_ups_schedule(period: Period) -> int:
    """Set directly: the quarterly follow-ups of an exited period that the old system
    did not give, due as the rule says and not done, as an exit schedules them in the
    product (`period_sync`); those on file stay as they are, and a later import records
    them (`follow_up_restore` with `scheduled`). Returns how many were scheduled."""
    if period.exited_on is None:
        return 0
    have = set(FollowUp.objects.filter(period=period).values_list("quarter", flat=True))
    missing = [
        FollowUp(period=period, customer_id=period.customer_id, quarter=n, due_on=due)
        for n, due in enumerate(follow_up_due_dates(period.exited_on), start=1)
        if n not in have
    ]
    FollowUp.objects.bulk_create(missing)
    return len(missing)
