"""Open past end: an open service whose planned end date has passed. Due soon on the
end date, overdue 10 days (policy) after."""

RULE = "open_past_end"

SQL = """
SELECT 'open_past_end', s.customer_id, 'service', s.id,
       CASE WHEN s.planned_end_on > cp.as_of THEN NULL
            WHEN cp.as_of - s.planned_end_on >= cp.open_past_end_overdue_days THEN 'overdue'
            ELSE 'due_soon' END,
       s.planned_end_on + cp.open_past_end_overdue_days,
       cp.career_planner_id,
       CASE WHEN s.planned_end_on > cp.as_of THEN s.planned_end_on
            WHEN cp.as_of - s.planned_end_on < cp.open_past_end_overdue_days
                THEN s.planned_end_on + cp.open_past_end_overdue_days END
FROM services_servicerecord s
JOIN cp ON cp.id = s.customer_id
WHERE s.ended_on IS NULL
  AND NOT s.start_is_projected
  AND s.planned_end_on IS NOT NULL
"""
