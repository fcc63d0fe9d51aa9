"""90-day soft exit: days since the last enrolling service ended.

Which services count comes from the matrix's "extends the exit window" flag;
supportive services count for Youth only; follow-up services never. An open
enrolling service counts as today, so it blocks the exit; so does a planned gap
(reason and end date) until its end date. Day 60: the tracker re-engages (due soon);
day 75: the tracker calls (overdue); day 90: the engine exits the customer with the
last day of the last enrolling service as the exit date (see engine.SOFT_EXIT_SQL).
"""

RULE = "soft_exit"

# Participants in scope with the last day of their last enrolling service.
LAST_DAY = """
SELECT cp.id AS customer_id, cp.career_planner_id, cp.exit_reengage_day, cp.exit_call_day,
       cp.exit_day, max(COALESCE(s.ended_on, %(as_of)s)) AS last_day
FROM cp
JOIN services_servicerecord s ON s.customer_id = cp.id
JOIN services_activity a ON a.id = s.activity_id
WHERE cp.status = 'participant'
  AND NOT s.start_is_projected
  AND s.started_on <= %(as_of)s
  AND a.category <> 'follow_up'
  AND (a.extends_exit_window OR (a.category = 'supportive' AND 'youth' = ANY(cp.programs)))
  AND NOT EXISTS (
      SELECT 1 FROM compliance_plannedgap g
      WHERE g.customer_id = cp.id AND g.starts_on <= %(as_of)s AND g.ends_on >= %(as_of)s
  )
GROUP BY cp.id, cp.career_planner_id, cp.exit_reengage_day, cp.exit_call_day, cp.exit_day
"""

# The engine computes LAST_DAY once into the temporary table `exit_clock`, exits the
# customers at day 90 from it, then reads the warnings from it here.
SQL = """
SELECT 'soft_exit', e.customer_id, '', 0,
       CASE WHEN %(as_of)s - e.last_day >= e.exit_call_day THEN 'overdue' ELSE 'due_soon' END,
       e.last_day + e.exit_day,
       e.career_planner_id
FROM exit_clock e
WHERE %(as_of)s - e.last_day >= e.exit_reengage_day
  AND %(as_of)s - e.last_day < e.exit_day
"""
