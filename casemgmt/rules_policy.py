"""The region's policy (`casemgmt.models.Policy`): what each setting is called, where its
default comes from, and the one check that a policy is whole.

`policy_problems` judges every setting within its bounds (the model's validators) and
every pair of settings that must come in order, all at once, each refusal naming the
rule and what to do. The administration's policy form calls it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import capfirst

from casemgmt.models import Policy

DAY = "day"  # a day of a clock: "day 31"
DAYS = "days"  # a length: "10 days"
COUNT = "count"
HOURS = "hours"
DOLLARS = "dollars"
SWITCH = "switch"

PRODUCT = "a limit of this product; the seeds do not set one"


@dataclass(frozen=True)
class Setting:
    kind: str
    # Where the default comes from, in words that name no value of the setting, so that
    # the default shown beside it (the model field's own) cannot drift from it.
    source: str
    label: str = ""  # empty: the model field's verbose name


SETTINGS: dict[str, Setting] = {
    "entry_deadline_days": Setting(
        DAYS,
        "the 10-day entry rule of SPEC 9: entry within ten calendar days, seed 002",
        label="10-day entry: days allowed to enter a record",
    ),
    "late_visible_days": Setting(DAYS, PRODUCT, label="Days a late entry stays on the dashboards"),
    "open_past_end_overdue_days": Setting(
        DAYS,
        "the open-past-end rule of SPEC 9",
        label="Open past planned end: overdue after this many days",
    ),
    "contact_due_soon_day": Setting(
        DAY, "the 30-day contact rule of SPEC 9", label="30-day contact: due soon from day"
    ),
    "contact_overdue_day": Setting(
        DAY,
        "contact every 30 days, the 30-day contact rule of SPEC 9 and seed 002",
        label="30-day contact: overdue from day",
    ),
    "review_due_soon_day": Setting(
        DAY, "the 90-day review rule of SPEC 9", label="90-day review: due soon from day"
    ),
    "review_overdue_day": Setting(
        DAY,
        "a review every 90 days, the 90-day review rule of SPEC 9 and seed 002",
        label="90-day review: overdue from day",
    ),
    "exit_reengage_day": Setting(DAY, "the trackers' re-engagement of SPEC 9 and seed 004"),
    "exit_call_day": Setting(DAY, "the trackers' call before the soft exit, SPEC 9 and seed 004"),
    "exit_day": Setting(DAY, "the 90-day soft exit of SPEC 9 and seed 004"),
    "eligibility_due_soon_day": Setting(
        DAY, "the eligibility rule of SPEC 9", label="Eligibility in 30 days: due soon from day"
    ),
    "eligibility_overdue_day": Setting(
        DAY,
        "eligibility within 30 days of the application, SPEC 9 and seed 002",
        label="Eligibility in 30 days: overdue from day",
    ),
    "service_correction_days": Setting(DAYS, PRODUCT),
    "duplicate_checks_per_hour": Setting(COUNT, PRODUCT),
    "planned_gap_max_days": Setting(
        DAYS, "the planned gap of SPEC 9; its longest length is " + PRODUCT
    ),
    "weekly_hours_max": Setting(HOURS, "the weekly hours of a service record, SPEC 3; " + PRODUCT),
    "dollar_value_max": Setting(
        DOLLARS, "the dollar value of a service record, SPEC 3; " + PRODUCT
    ),
    "attendance_counts_as_contact": Setting(
        SWITCH, "SPEC 9: contact is two-way communication with the career planner"
    ),
    "budget_review_max_days": Setting(
        DAYS,
        "the budget review before supportive services, SPEC 6 and seed 004; its age is " + PRODUCT,
    ),
    "po_approval_limit": Setting(
        DOLLARS, "supervisor approval above an amount the administrator sets, SPEC 6"
    ),
    "minimum_wage": Setting(
        DOLLARS,
        "the federal minimum wage; a placement's wage is at least this, SPEC 8 and seed 001",
    ),
    "two_factor_for_every_role": Setting(
        SWITCH, "administrators and supervisors always do; for the other roles " + PRODUCT
    ),
}

# Settings that must come in this order, (rule, earlier, later): the state a clock
# reaches first is reached on an earlier day.
IN_ORDER: list[tuple[str, str, str]] = [
    ("30-day contact", "contact_due_soon_day", "contact_overdue_day"),
    ("90-day review", "review_due_soon_day", "review_overdue_day"),
    ("Eligibility in 30 days", "eligibility_due_soon_day", "eligibility_overdue_day"),
    ("90-day soft exit", "exit_reengage_day", "exit_call_day"),
    ("90-day soft exit", "exit_call_day", "exit_day"),
]

# How the rules' messages name each day of a pair.
_DAY_NAMES = {
    "contact_due_soon_day": "the due-soon day",
    "contact_overdue_day": "the overdue day",
    "review_due_soon_day": "the due-soon day",
    "review_overdue_day": "the overdue day",
    "eligibility_due_soon_day": "the due-soon day",
    "eligibility_overdue_day": "the overdue day",
    "exit_reengage_day": "the day the tracker re-engages",
    "exit_call_day": "the day the tracker calls",
    "exit_day": "the exit day",
}


def _field(name: str):  # noqa: ANN202
    return Policy._meta.get_field(name)


def policy_bounds(name: str) -> tuple[int | Decimal | None, int | Decimal | None]:
    """The lowest and highest value the model allows for a setting."""
    validators = _field(name).validators
    lows = [v.limit_value for v in validators if isinstance(v, MinValueValidator)]
    highs = [v.limit_value for v in validators if isinstance(v, MaxValueValidator)]
    return max(lows, default=None), min(highs, default=None)


def policy_label(name: str) -> str:
    return SETTINGS[name].label or capfirst(_field(name).verbose_name)


def policy_value_text(name: str, value: object) -> str:
    """A setting's value as a person reads it: "day 31", "10 days", "$500.00", "off"."""
    kind = SETTINGS[name].kind
    if kind == SWITCH:
        return "on" if value else "off"
    if kind == DOLLARS:
        if isinstance(_field(name), models.DecimalField):
            return f"${Decimal(value):,.2f}"  # type: ignore[arg-type]
        return f"${value:,}"
    if kind == DAY:
        return f"day {value}"
    if kind == DAYS:
        return f"{value} day" if value == 1 else f"{value} days"
    if kind == HOURS:
        return f"{value} hour" if value == 1 else f"{value} hours"
    return str(value)


def policy_help_text(name: str) -> str:
    """The model's help, the accepted range, and the default with where it comes from."""
    field = _field(name)
    low, high = policy_bounds(name)
    parts = [str(field.help_text)] if field.help_text else []
    if low is not None and high is not None:
        parts.append(f"From {policy_value_text(name, low)} to {policy_value_text(name, high)}.")
    parts.append(f"Default: {policy_value_text(name, field.default)} ({SETTINGS[name].source}).")
    return " ".join(parts)


def _bounds_problem(name: str, value: int | Decimal) -> str | None:
    low, high = policy_bounds(name)
    if (low is None or value >= low) and (high is None or value <= high):
        return None
    label = policy_label(name)
    allowed = f"give a value from {policy_value_text(name, low)} to {policy_value_text(name, high)}"
    if value < 0:
        return f"“{label}” cannot be negative: {allowed}."
    return f"“{label}” cannot be {policy_value_text(name, value)}: {allowed}."


def policy_problems(values: Mapping[str, object]) -> dict[str, list[str]]:
    """Every problem of a policy at once, by setting: each value within its bounds, the
    days of each clock in order (due soon before overdue; re-engage, call, then exit), and
    an approval limit that some purchase order can exceed. A setting missing from
    `values` (unreadable, already refused) is not judged."""
    problems: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    for name in SETTINGS:
        value = values.get(name)
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            problem = _bounds_problem(name, value)
            if problem:
                refuse(name, problem)

    def usable(name: str) -> bool:
        return values.get(name) is not None and name not in problems

    for rule, earlier, later in IN_ORDER:
        if usable(earlier) and usable(later) and values[earlier] >= values[later]:  # type: ignore[operator]
            first, second = _DAY_NAMES[earlier], _DAY_NAMES[later]
            refuse(
                earlier,
                f"{rule}: {first} (day {values[earlier]}) must come before {second} "
                f"(day {values[later]}). Make {first} earlier or {second} later; the defaults "
                f"are days {_field(earlier).default} and {_field(later).default}.",
            )

    if usable("po_approval_limit") and usable("dollar_value_max"):
        limit, largest = values["po_approval_limit"], values["dollar_value_max"]
        if limit >= largest:  # type: ignore[operator]
            refuse(
                "po_approval_limit",
                f"Purchase order approval: the approval limit "
                f"({policy_value_text('po_approval_limit', limit)}) is not below the largest "
                f"dollar value of one service ({policy_value_text('dollar_value_max', largest)}), "
                "so no purchase order would ever need a supervisor's approval. Lower the "
                "approval limit or raise the largest dollar value.",
            )
    return problems
