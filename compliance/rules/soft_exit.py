"""90-day soft exit: days since the last enrolling service ended.

Which services count comes from the matrix's "extends the exit window" flag;
supportive services count for Youth only; follow-up services never. An open
enrolling service counts as today, so it blocks the exit; so does a planned gap
(reason and end date) until its end date. Day 60: the tracker re-engages (due soon);
day 75: the tracker calls (overdue); day 90: the engine exits the customer with the
last day of the last enrolling service as the exit date (see engine.SOFT_EXIT_SQL).

A soft exit depends only on the data and the date, so the clock is also kept for the
customers the engine soft-exited: when a service entered late, a reopened service or a
planned gap no longer supports the exit, the engine undoes it; when the last day moved,
the exit date follows (see engine.exit_correction).
"""

import datetime
from dataclasses import dataclass

from casemgmt.models import Policy
from compliance.models import Alert, State

RULE = "soft_exit"

# Participants and soft-exited customers in scope, with the last day of their last
# enrolling service (none when a planned gap covers the day, or no enrolling service
# had begun by the day), whether an enrolling service is still open, and the first day
# after the evaluation day on which an enrolling service begins (its clock).
LAST_DAY = """
SELECT cp.id AS customer_id, cp.career_planner_id, cp.exit_reengage_day, cp.exit_call_day,
       cp.exit_day, cp.as_of,
       max(COALESCE(s.ended_on, cp.as_of)) FILTER (WHERE s.started_on <= cp.as_of) AS last_day,
       bool_or(s.ended_on IS NULL) FILTER (WHERE s.started_on <= cp.as_of) AS open_service,
       min(s.started_on) FILTER (WHERE s.started_on > cp.as_of) AS next_start
FROM cp
JOIN services_servicerecord s ON s.customer_id = cp.id
JOIN services_activity a ON a.id = s.activity_id
WHERE (cp.status = 'participant' OR (cp.status = 'exited' AND cp.exit_reason = %(reason)s))
  AND NOT s.start_is_projected
  -- A soft exit is judged by the services that had begun by the day it came; a service
  -- begun later is a return after the exit, not a reason to undo it.
  AND (cp.status = 'participant' OR s.started_on <= cp.exit_date + cp.exit_day)
  AND a.category <> 'follow_up'
  AND (a.extends_exit_window OR (a.category = 'supportive' AND 'youth' = ANY(cp.programs)))
  AND NOT EXISTS (
      SELECT 1 FROM compliance_plannedgap g
      WHERE g.customer_id = cp.id AND g.starts_on <= cp.as_of AND g.ends_on >= cp.as_of
  )
GROUP BY cp.id, cp.career_planner_id, cp.exit_reengage_day, cp.exit_call_day, cp.exit_day,
         cp.as_of
"""

# The engine computes LAST_DAY once into the temporary table `exit_clock`, exits the
# customers at day 90 from it (and undoes the exits it no longer supports), then reads
# the warnings of the participants from it here, with the clocks: the next step of the
# participant's way to the exit (none while an enrolling service is open), the start of
# an enrolling service dated later, and the start or the end of a planned gap.
SQL = """
SELECT 'soft_exit', e.customer_id, '', 0,
       CASE WHEN cp.status <> 'participant' OR e.as_of - e.last_day >= e.exit_day THEN NULL
            WHEN e.as_of - e.last_day >= e.exit_call_day THEN 'overdue'
            WHEN e.as_of - e.last_day >= e.exit_reengage_day THEN 'due_soon' END,
       e.last_day + e.exit_day,
       e.career_planner_id,
       LEAST(CASE WHEN cp.status <> 'participant' OR e.open_service THEN NULL
                  WHEN e.as_of - e.last_day < e.exit_reengage_day
                      THEN e.last_day + e.exit_reengage_day
                  WHEN e.as_of - e.last_day < e.exit_call_day THEN e.last_day + e.exit_call_day
                  WHEN e.as_of - e.last_day < e.exit_day THEN e.last_day + e.exit_day END,
             e.next_start)
FROM exit_clock e
JOIN cp ON cp.id = e.customer_id
WHERE cp.status = 'participant' OR e.next_start IS NOT NULL
UNION ALL
SELECT 'soft_exit', g.customer_id, 'gap', g.id, NULL, NULL, NULL,
       CASE WHEN g.starts_on > cp.as_of THEN g.starts_on ELSE g.ends_on + 1 END
FROM compliance_plannedgap g
JOIN cp ON cp.id = g.customer_id
WHERE g.ends_on >= cp.as_of
"""


# --- The stages, in words ---------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A step on the way to the soft exit, begun on a day of the region's policy."""

    key: str  # CALL or REENGAGE
    day: int
    action: str

    @property
    def name(self) -> str:
        return f"day {self.day}: {self.action}"


CALL = "call"
REENGAGE = "reengage"


def soft_exit_steps(policy: Policy) -> tuple[Step, Step]:
    """The tracker's two steps before the exit, the more urgent first."""
    return (
        Step(CALL, policy.exit_call_day, "call"),
        Step(REENGAGE, policy.exit_reengage_day, "re-engage"),
    )


@dataclass(frozen=True)
class Stage:
    """Where a participant stands on the way to the soft exit: the step, and the day the
    exit will happen if no enrolling service comes first."""

    step: Step
    exits_on: datetime.date

    @property
    def label(self) -> str:
        """The stage in words, such as "day 75: call, exits on 07/12/2026": never
        "overdue" before the exit has happened."""
        return f"{self.step.name}, exits on {self.exits_on:%m/%d/%Y}"


def soft_exit_stage(alert: Alert, policy: Policy) -> Stage | None:
    """The stage an open soft-exit alert stands for; None for any other alert.

    The engine's SQL above is the rule: it opens the alert due soon from the re-engage
    day, turns it overdue from the call day, and dates it the day of the exit (the last
    day of the last enrolling service plus the exit day). This names what it found, in
    the words of the customer's region's policy.
    """
    if alert.rule != RULE or alert.resolved_at is not None:
        return None
    call, reengage = soft_exit_steps(policy)
    return Stage(call if alert.state == State.OVERDUE else reengage, alert.due_on)
