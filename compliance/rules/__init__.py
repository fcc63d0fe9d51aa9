"""One module per compliance rule (SPEC 9). Each exposes RULE and SQL: a set-based
SELECT over every customer in scope at once, returning the alerts that are true.

The SQL runs inside the engine's query, where `cp` is the customers in scope joined to
their region's policy (thresholds with the defaults filled in) and `cp.as_of` is the
customer's evaluation date: today in the customer's office's time zone, or the date the
evaluation was asked for. Columns: rule, customer_id, subject_type, subject_id, state,
due_on, responsible_id, next_on.

`next_on` is the first day after `cp.as_of` on which the row's state would change if the
data stayed as it is (an alert due soon turns overdue, one shown disappears, a clock not
yet due falls due); NULL when the passing of days alone changes nothing. A rule may
return rows whose state is NULL: not alerts, only clocks, for a customer on whom a rule
is not yet true but will be on `next_on`. The engine keeps, per customer, the earliest
`next_on` of all rules (compliance.models.CustomerClock), and the daily run evaluates a
customer again only on that day or when its data changed. A `next_on` too early costs
an evaluation that changes nothing; one too late would leave an alert stale, which the
test of equivalence with the full evaluation catches.
"""

from compliance.rules import (
    contact_30,
    eligibility_30,
    entry_10,
    follow_up_due,
    open_past_end,
    plan_open_goal,
    review_90,
    soft_exit,
)

ALL = [
    entry_10,
    open_past_end,
    contact_30,
    review_90,
    plan_open_goal,
    soft_exit,
    eligibility_30,
    follow_up_due,
]
