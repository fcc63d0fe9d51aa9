"""Every write to plans. Each change goes through `_change`, which keeps the versions:
a signed version never changes, so the first change after a signature starts the next
version and records the revision as another episode of 205 (469 for youth).

Edits compare with the row as stored, under a lock, and raise its `lock_version`: an
edit form opened before someone else's save is refused with what they changed
(EditConflict). Locks are taken plan first, then goal or step, so two edits of one plan
wait for each other instead of deadlocking.
"""

import datetime
from collections.abc import Iterable
from contextlib import contextmanager
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from casemgmt.clock import today
from casemgmt.conflicts import bump, lock_for_edit
from casemgmt.errors import refuse
from casemgmt.models import Policy, User
from casenotes.models import NoteType
from casenotes.services import casenote_create
from customers.models import Barrier, Customer
from customers.services import ALLOWED_UPLOAD_TYPES, upload_problem
from plans.models import (
    Assessment,
    AssessmentType,
    Goal,
    GoalCategory,
    GoalStatus,
    Plan,
    PlanKind,
    PlanVersion,
    Step,
    StepStatus,
)
from plans.rules import (
    goal_completion_problem,
    plan_content_problem,
    signed_version_problems,
    step_problems,
)
from services.models import Activity
from services.services import NoteDraft, service_record_create

PLAN_FIELDS = [
    "assessment_summary",
    "employment_goal",
    "career_path",
    "strengths",
    "justification",
    "supportive_services",
]
# Changes that need the customer's agreement again (SPEC 4).
SIGNIFICANT_PLAN_FIELDS = {"employment_goal", "career_path", "supportive_services"}


def _iso(value: object) -> object:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def plan_snapshot(plan: Plan) -> dict[str, object]:
    """What the customer copy prints: the plan as it stands, in plain JSON."""
    customer = plan.customer
    goals = []
    for goal in plan.goals.prefetch_related("steps__activity", "steps__barriers").order_by("pk"):
        steps = list(goal.steps.all())
        goals.append(
            {
                "statement": goal.statement,
                "category": goal.get_category_display(),
                "term": goal.get_term_display(),
                "status": goal.get_status_display(),
                "indicator": goal.get_indicator_display() if goal.indicator else "",
                "justification": goal.justification,
                "start_on": _iso(min((s.start_on for s in steps), default=None)),
                "due_on": _iso(max((s.due_on for s in steps), default=None)),
                "steps": [
                    {
                        "activity": f"{s.activity.code} {s.activity.title}",
                        "description": s.description,
                        "barriers": [b.name for b in s.barriers.all()],
                        "status": s.get_status_display(),
                        "start_on": _iso(s.start_on),
                        "due_on": _iso(s.due_on),
                        "hours": _iso(s.hours),
                        "provider": s.provider,
                        "dollar_value": _iso(s.dollar_value),
                        "supportive": s.activity.is_supportive,
                    }
                    for s in steps
                ],
            }
        )
    return {
        "kind": plan.get_kind_display(),
        "short_name": plan.short_name,
        "customer": {
            "name": customer.full_name,
            "number": customer.customer_number,
            "programs": customer.program_labels,
        },
        "office": {
            "name": customer.office.name,
            "address": customer.office.address,
            "phone": customer.office.phone,
        },
        "career_planner": str(customer.career_planner or ""),
        "developed_on": _iso(plan.developed_on),
        **{name: getattr(plan, name) for name in PLAN_FIELDS},
        "barriers": [b.name for b in plan.barriers.all()],
        "assessments": [
            {"type": str(a.assessment_type), "assessed_on": _iso(a.assessed_on), "scores": a.scores}
            for a in plan.customer.assessments.select_related("assessment_type")
        ],
        "goals": goals,
    }


def _raise(field: str | None, message: str) -> None:
    raise ValidationError({field: message} if field else message)


class PlanAlreadyDeveloped(ValidationError):
    """The customer has a plan already: another planner developed it first, or the page
    was opened before it was developed. The plan says by whom, when, and its goal."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        super().__init__(
            f"{plan.created_by} developed this customer's {plan.short_name} on "
            f"{plan.developed_on:%m/%d/%Y}. Change that plan instead of developing another."
        )


def _lock_plan(pk: int) -> Plan:
    return Plan.objects.select_for_update().get(pk=pk)


def _save_changes(record: models.Model, names: Iterable[str]) -> None:
    """Save the named fields and raise the record's version: an edit opened before is refused."""
    bump(record)
    record.save(update_fields=[*dict.fromkeys(names), "lock_version"])
    record.refresh_from_db(fields=["lock_version"])


def _needs_agreement_again(old: Activity | None, new: Activity) -> bool:
    """A step added or moved to or from training or a supportive service changes the
    training or the supportive needs the customer agreed to (SPEC 4)."""
    if old is not None and old.pk == new.pk:
        return False
    return any(a is not None and (a.is_training or a.is_supportive) for a in (old, new))


def _record_plan_service(
    *,
    customer: Customer,
    day: datetime.date,
    user: User,
    subject: str,
    body: str,
    entered_at: datetime.datetime | None = None,
) -> None:
    code = "469" if customer.is_youth else "205"
    service_record_create(
        customer=customer,
        activity=Activity.objects.get(code=code),
        started_on=day,
        ended_on=day,
        entered_by=user,
        entered_at=entered_at,
        note=NoteDraft(
            subject=subject,
            body=body,
            contact_method="in_person",
            two_way=True,
            note_type=NoteType.IEP,
        ),
    )


@contextmanager
def _change(plan: Plan, *, user: User, what: str, significant: bool = False):  # noqa: ANN202
    """Wrap a change to the plan's content: start a new version after a signed one,
    then refresh the current version's snapshot and flag significant changes."""
    # Lock the plan: two planners changing it at once must not both start version N+1.
    plan.needs_agreement = (
        Plan.objects.select_for_update().values_list("needs_agreement", flat=True).get(pk=plan.pk)
    )
    current = plan.versions.order_by("-number").first()
    if current is not None and current.is_signed:
        number = current.number + 1
        _record_plan_service(
            customer=plan.customer,
            day=today(plan.customer.office.time_zone),
            user=user,
            subject=f"Service Strategy/{plan.short_name} Revision",
            body=(
                f"Career planner revised the {plan.get_kind_display()} with the customer, "
                f"starting version {number}: {what}."
            ),
        )
        current = PlanVersion.objects.create(
            plan=plan, customer=plan.customer, number=number, content={}, created_by=user
        )
    yield
    if significant and not plan.needs_agreement:
        plan.needs_agreement = True
        plan.save(update_fields=["needs_agreement"])
    if current is None:
        current = PlanVersion.objects.create(
            plan=plan, customer=plan.customer, number=1, content={}, created_by=user
        )
    current.content = plan_snapshot(plan)
    current.content_changed_at = timezone.now()
    current.save(update_fields=["content", "content_changed_at"])


@transaction.atomic
def assessment_create(
    *,
    customer: Customer,
    assessment_type: AssessmentType,
    assessed_on: datetime.date,
    scores: str,
    summary: str,
    entered_by: User,
) -> Assessment:
    """Record an assessment; it satisfies the matrix prerequisite "completed assessment"."""
    if assessed_on > today(customer.office.time_zone):
        _raise(
            "assessed_on", "An assessment is recorded once given: the date cannot be in the future."
        )
    return Assessment.objects.create(
        customer=customer,
        assessment_type=assessment_type,
        assessed_on=assessed_on,
        scores=scores.strip(),
        summary=summary.strip(),
        entered_by=entered_by,
    )


@transaction.atomic
def plan_create(
    *,
    customer: Customer,
    created_by: User,
    developed_on: datetime.date,
    fields: dict[str, str],
    barriers: Iterable[Barrier],
    note_body: str,
    entered_at: datetime.datetime | None = None,
) -> Plan:
    """Develop the IEP (ISS for youth) with the customer: records 205 (469) with its note
    through the service rules, and makes version 1, which needs the customer's signature.
    `entered_at` is when the development was entered (the legacy import), else now.

    A customer has one plan. The customer's row is locked first, so a second planner
    developing it at the same moment waits, then finds the first plan
    (PlanAlreadyDeveloped) and records nothing.
    """
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    existing = Plan.objects.filter(customer=customer).select_related("created_by").first()
    if existing is not None:
        raise PlanAlreadyDeveloped(existing)
    kind = PlanKind.ISS if customer.is_youth else PlanKind.IEP
    _record_plan_service(
        customer=customer,
        day=developed_on,
        user=created_by,
        subject=f"Service Strategy/{'ISS' if kind == PlanKind.ISS else 'IEP'} Development",
        body=note_body,
        entered_at=entered_at,
    )
    plan = Plan.objects.create(
        customer=customer,
        kind=kind,
        developed_on=developed_on,
        created_by=created_by,
        needs_agreement=True,
        **{name: (fields.get(name) or "").strip() for name in PLAN_FIELDS},
    )
    plan.barriers.set(barriers)
    with _change(plan, user=created_by, what="plan developed", significant=True):
        pass
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    user: User,
    fields: dict[str, str],
    barriers: Iterable[Barrier],
    expected_version: int | None = None,
) -> Plan:
    """Change the plan's content. A new employment goal, career path or supportive
    services plan needs the customer's agreement again."""
    stored = lock_for_edit(Plan, plan.pk, expected_version=expected_version)
    entered = {name: (fields.get(name) or "").strip() for name in PLAN_FIELDS if name in fields}
    changed = [name for name, value in entered.items() if value != getattr(stored, name)]
    barriers = list(barriers)
    barriers_changed = {b.pk for b in barriers} != set(stored.barriers.values_list("pk", flat=True))
    if not changed and not barriers_changed:
        return stored
    significant = bool(SIGNIFICANT_PLAN_FIELDS & set(changed))
    labels = [str(Plan._meta.get_field(n).verbose_name) for n in changed] + (
        ["barriers"] if barriers_changed else []
    )
    with _change(stored, user=user, what=f"changed {', '.join(labels)}", significant=significant):
        for name in changed:
            setattr(stored, name, entered[name])
        _save_changes(stored, changed)
        if barriers_changed:
            stored.barriers.set(barriers)
    return stored


def _goal_checks(goal: Goal, status: str) -> None:
    if status == GoalStatus.COMPLETE and goal.pk:
        problem = goal_completion_problem(
            (str(s), s.status) for s in goal.steps.select_related("activity")
        )
        if problem:
            _raise("status", problem)


@transaction.atomic
def goal_create(*, plan: Plan, user: User, fields: dict[str, str]) -> Goal:
    """A new goal is a significant change: the customer agrees to it again."""
    plan = _lock_plan(plan.pk)
    goal = Goal(plan=plan, customer_id=plan.customer_id, **fields)
    goal.full_clean(exclude=["plan", "customer", "lock_version"])
    if goal.status == GoalStatus.COMPLETE:
        _raise("status", "A new goal has no completed steps yet; it cannot start complete.")
    with _change(plan, user=user, what=f"new goal: {goal.statement}", significant=True):
        goal.save()
    return goal


@transaction.atomic
def goal_update(
    *, goal: Goal, user: User, fields: dict[str, str], expected_version: int | None = None
) -> Goal:
    """A goal going off track, or a new training or employment goal, needs agreement again."""
    plan = _lock_plan(goal.plan_id)
    stored = lock_for_edit(Goal, goal.pk, expected_version=expected_version)
    changed = [name for name, value in fields.items() if getattr(stored, name) != value]
    if not changed:
        return stored  # a save without a change must not start a version
    old_status, old_statement = stored.status, stored.statement
    for name in changed:
        setattr(stored, name, fields[name])
    stored.full_clean(exclude=["plan", "customer", "lock_version"])
    _goal_checks(stored, stored.status)
    significant = (
        stored.status == GoalStatus.OFF_TRACK and old_status != GoalStatus.OFF_TRACK
    ) or (
        stored.statement != old_statement
        and stored.category in (GoalCategory.EDUCATION, GoalCategory.CAREER)
    )
    with _change(
        plan, user=user, what=f"goal updated: {stored.statement}", significant=significant
    ):
        _save_changes(stored, changed)
    return stored


@transaction.atomic
def step_save(
    *,
    goal: Goal,
    user: User,
    fields: dict[str, object],
    barriers: Iterable[Barrier],
    step: Step | None = None,
    expected_version: int | None = None,
) -> Step:
    """Add or change a step (objective). A training or supportive service added, or a
    step moved to or from one, changes the training or supportive needs: the customer
    agrees again."""
    plan = _lock_plan(goal.plan_id)
    creating = step is None
    if creating:
        stored = Step(goal=goal, customer_id=goal.customer_id)
        old_activity = None
    else:
        stored = lock_for_edit(Step, step.pk, expected_version=expected_version)
        old_activity = stored.activity
    barriers = list(barriers)
    changed = [name for name, value in fields.items() if creating or getattr(stored, name) != value]
    barriers_changed = {b.pk for b in barriers} != (
        set() if creating else set(stored.barriers.values_list("pk", flat=True))
    )
    if not creating and not changed and not barriers_changed:
        return stored  # a save without a change must not start a version
    for name in changed:
        setattr(stored, name, fields[name])
    refuse(
        step_problems(
            start_on=stored.start_on,
            due_on=stored.due_on,
            hours=stored.hours,
            dollar_value=stored.dollar_value,
            today=today(goal.customer.office.time_zone),
            policy=Policy.for_region(goal.customer.office.region_id),
        )
    )
    stored.full_clean(exclude=["goal", "customer", "lock_version"])
    what = f"{'new' if creating else 'updated'} step {stored.activity.code} under goal: {goal.statement}"
    significant = _needs_agreement_again(old_activity, stored.activity)
    with _change(plan, user=user, what=what, significant=significant):
        if creating:
            stored.save()
        else:
            _save_changes(stored, changed)
        if barriers_changed:
            stored.barriers.set(barriers)
        if stored.status != StepStatus.COMPLETE:
            # An open step reopens its goal.
            parent = Goal.objects.select_for_update().get(pk=stored.goal_id)
            if parent.status == GoalStatus.COMPLETE:
                parent.status = GoalStatus.ON_TRACK
                _save_changes(parent, ["status"])
    return stored


@transaction.atomic
def plan_review(
    *,
    plan: Plan,
    user: User,
    reviewed_on: datetime.date,
    note_body: str,
    contact_method: str,
    two_way: bool,
) -> Plan:
    """Review the plan with the customer (at least every 90 days), with an IEP review note."""
    stored = _lock_plan(plan.pk)
    if reviewed_on > today(stored.customer.office.time_zone):
        _raise("reviewed_on", "A review is recorded once held: the date cannot be in the future.")
    if reviewed_on < stored.developed_on:
        _raise("reviewed_on", "The review date is before the plan was developed.")
    casenote_create(
        customer=stored.customer,
        author=user,
        contact_date=reviewed_on,
        subject=f"Service Strategy/{stored.short_name} Review",
        body=note_body,
        contact_method=contact_method,
        two_way=two_way,
        note_type=NoteType.IEP,
    )
    if stored.last_reviewed_on is None or reviewed_on > stored.last_reviewed_on:
        stored.last_reviewed_on = reviewed_on
        _save_changes(stored, ["last_reviewed_on"])
    return stored


@transaction.atomic
def plan_version_sign(
    *,
    version: PlanVersion,
    upload: UploadedFile,
    signed_on: datetime.date,
    uploaded_by: User,
    max_mb: int,
) -> PlanVersion:
    """Attach the signed customer copy to that version; it never changes afterwards.

    The plan's own version is not raised: signing changes nothing a person edits, and an
    edit opened before it simply starts the next version (see `_change`).
    """
    plan = _lock_plan(version.plan_id)  # the order `_change` locks in: plan, then version
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_signed:
        _raise(
            None, f"Version {version.number} is signed already; a change starts the next version."
        )
    latest = version.plan.versions.order_by("-number").values_list("number", flat=True).first()
    if version.number != latest:
        _raise(
            None,
            f"Version {version.number} has been replaced by version {latest}; print and sign that one.",
        )
    if version.printed_at is None or version.printed_at < version.content_changed_at:
        _raise(
            None,
            f"Version {version.number} changed after it was last printed. Print the customer copy again "
            "and have the customer sign that copy, so the signed paper matches the plan on file.",
        )
    if signed_on > today(version.customer.office.time_zone):
        _raise("signed_on", "The signature date cannot be in the future.")
    problem = upload_problem(upload, max_mb=max_mb)
    if problem:
        _raise("file", problem)
    name = upload.name or "signed.pdf"
    version.signed_copy.save(name, upload, save=False)
    version.signed_copy_type = ALLOWED_UPLOAD_TYPES[name[name.rfind(".") :].lower()]
    version.signed_on = signed_on
    version.signed_uploaded_by = uploaded_by
    version.signed_uploaded_at = timezone.now()
    version.save()
    plan.needs_agreement = False
    plan.save(update_fields=["needs_agreement"])
    return version


def plan_version_mark_printed(version: PlanVersion) -> None:
    """Remember when an unsigned version was printed: a signature is for that copy."""
    if not version.is_signed:
        PlanVersion.objects.filter(pk=version.pk, signed_on__isnull=True).update(
            printed_at=timezone.now()
        )


@transaction.atomic
def plan_version_restore_signed(
    *,
    plan: Plan,
    number: int,
    content: dict,
    signed_on: datetime.date,
    created_by: User,
    recorded_by: User,
    created_at: datetime.datetime | None = None,
    printed_at: datetime.datetime | None = None,
) -> PlanVersion:
    """Put back a version the customer signed in another system (the legacy import),
    without its scanned copy: its number, the plan as it was printed, and the date.

    The version waiting for a signature is always the plan's newest: if it stands at or
    below `number`, it moves up past every version (see `plan_version_settle`).
    """
    plan = _lock_plan(plan.pk)
    if number < 1:
        _raise("number", "A version number is 1 or more.")
    existing = plan.versions.filter(number=number).first()
    if existing is not None and existing.is_signed:
        _raise("number", f"Version {number} of this plan is signed already.")
    problem = plan_content_problem(content)
    if problem:
        _raise("content", f"The plan as printed {problem}.")
    signed = plan.versions.filter(signed_on__isnull=False)
    earlier = signed.filter(number__lt=number).order_by("-number").first()
    later = signed.filter(number__gt=number).order_by("number").first()
    refuse(
        signed_version_problems(
            signed_on=signed_on,
            developed_on=plan.developed_on,
            on=today(plan.customer.office.time_zone),
            earlier_signed=earlier.signed_on if earlier else None,
            later_signed=later.signed_on if later else None,
        )
    )
    top = plan.versions.aggregate(top=models.Max("number"))["top"] or 0
    for waiting in plan.versions.filter(signed_on__isnull=True, number__lte=number):
        waiting.number = max(top, number) + 1
        waiting.save(update_fields=["number"])
        top = waiting.number
    version = PlanVersion.objects.create(
        plan=plan, customer=plan.customer, number=number, content=content, created_by=created_by
    )
    # Created unsigned, then signed in one update: a signed row never changes again.
    created_at = created_at or version.created_at
    PlanVersion.objects.filter(pk=version.pk).update(
        created_at=created_at,
        content_changed_at=created_at,
        printed_at=printed_at,
        signed_on=signed_on,
        signed_uploaded_by=recorded_by,
        signed_uploaded_at=timezone.now(),
    )
    version.refresh_from_db()
    return version


@transaction.atomic
def plan_version_settle(
    *,
    plan: Plan,
    waiting_number: int | None,
    needs_agreement: bool = True,
    printed_at: datetime.datetime | None = None,
    created_at: datetime.datetime | None = None,
) -> None:
    """After `plan_version_restore_signed`: the plan's version waiting for the customer's
    signature is numbered `waiting_number`, after every signed version, and follows the
    plan as before; with None, the newest signed version is the plan's own and nothing
    waits, so the plan no longer needs the customer's agreement."""
    plan = _lock_plan(plan.pk)
    newest_signed = plan.versions.filter(signed_on__isnull=False).order_by("-number").first()
    waiting = list(plan.versions.filter(signed_on__isnull=True).order_by("-number"))
    if waiting_number is None:
        if newest_signed is None:
            _raise(
                "signed_on",
                "A plan keeps at least one version: give the version waiting for a signature "
                "or a signed one.",
            )
        PlanVersion.objects.filter(pk__in=[v.pk for v in waiting]).delete()
        plan.needs_agreement = False
    else:
        if newest_signed is not None and waiting_number <= newest_signed.number:
            _raise(
                "number",
                f"The version waiting for a signature comes after every signed version "
                f"(here after version {newest_signed.number}).",
            )
        if not waiting:  # settled before: the plan's own version starts again
            waiting = [
                PlanVersion.objects.create(
                    plan=plan,
                    customer=plan.customer,
                    number=waiting_number,
                    content=plan_snapshot(plan),
                    created_by=plan.created_by,
                )
            ]
        current, *older = waiting
        PlanVersion.objects.filter(pk__in=[v.pk for v in older]).delete()
        current.number = waiting_number
        current.printed_at = printed_at
        current.created_at = created_at or current.created_at
        current.save(update_fields=["number", "printed_at", "created_at"])
        plan.needs_agreement = needs_agreement
    plan.save(update_fields=["needs_agreement"])


def plan_meets_open_goal_rule(plan: Plan) -> bool:
    """At least one open goal with at least one open objective (SPEC 4)."""
    return (
        plan.goals.exclude(status=GoalStatus.COMPLETE)
        .filter(steps__status__in=[StepStatus.PLANNED, StepStatus.IN_PROGRESS])
        .exists()
    )
