"""Follow-up due: each quarterly follow-up of the year after exit, and each of a
placement's 30/60/90/180/270-day follow-ups, until it is recorded. Due soon from 7 days
before its due day, overdue from the day after (the thresholds of
`employment.rules.follow_up_state`); the customer's career planner is responsible.

Quarterly follow-ups concern customers exited or in follow-up, in the period of their
latest exit and while the file is open: a file closed early, or a new period of
participation, ends them. Placement follow-ups concern planned and started placements.
"""

from employment.rules import FOLLOW_UP_DUE_SOON_DAYS

RULE = "follow_up_due"

SQL = f"""
SELECT 'follow_up_due', f.customer_id, 'follow_up', f.id,
       CASE WHEN cp.as_of < f.due_on - {FOLLOW_UP_DUE_SOON_DAYS:d} THEN NULL
            WHEN cp.as_of > f.due_on THEN 'overdue' ELSE 'due_soon' END,
       f.due_on,
       cp.career_planner_id,
       CASE WHEN cp.as_of < f.due_on - {FOLLOW_UP_DUE_SOON_DAYS:d}
                THEN f.due_on - {FOLLOW_UP_DUE_SOON_DAYS:d}
            WHEN cp.as_of <= f.due_on THEN f.due_on + 1 END
FROM employment_followup f
JOIN cp ON cp.id = f.customer_id
JOIN employment_period p ON p.id = f.period_id
WHERE f.done_on IS NULL
  AND cp.status IN ('exited', 'follow_up')
  AND p.closed_on IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM employment_period later
      WHERE later.customer_id = p.customer_id AND later.entered_on > p.entered_on
  )
UNION ALL
SELECT 'follow_up_due', pl.customer_id, 'placement_fu', pf.id,
       CASE WHEN cp.as_of < pf.due_on - {FOLLOW_UP_DUE_SOON_DAYS:d} THEN NULL
            WHEN cp.as_of > pf.due_on THEN 'overdue' ELSE 'due_soon' END,
       pf.due_on,
       cp.career_planner_id,
       CASE WHEN cp.as_of < pf.due_on - {FOLLOW_UP_DUE_SOON_DAYS:d}
                THEN pf.due_on - {FOLLOW_UP_DUE_SOON_DAYS:d}
            WHEN cp.as_of <= pf.due_on THEN pf.due_on + 1 END
FROM employment_placementfollowup pf
JOIN employment_placement pl ON pl.id = pf.placement_id
JOIN cp ON cp.id = pl.customer_id
WHERE pf.done_on IS NULL
  AND pl.status IN ('planned', 'started')
"""
