"""Every active participant has a plan with at least one open goal that has at least
one open objective (SPEC 4). Due soon in the first 30 days after certification (the
plan is being developed), overdue after."""

RULE = "plan_open_goal"

SQL = """
SELECT 'plan_open_goal', cp.id, '', 0,
       CASE WHEN cp.as_of - start.day >= 30 THEN 'overdue' ELSE 'due_soon' END,
       start.day + 30,
       cp.career_planner_id,
       CASE WHEN cp.as_of - start.day < 30 THEN start.day + 30 END
FROM cp
CROSS JOIN LATERAL (SELECT COALESCE(cp.certification_date, cp.application_date) AS day) start
WHERE cp.status = 'participant'
  AND NOT EXISTS (
      SELECT 1
      FROM plans_plan p
      JOIN plans_goal g ON g.plan_id = p.id AND g.status <> 'complete'
      JOIN plans_step s ON s.goal_id = g.id AND s.status IN ('planned', 'in_progress')
      WHERE p.customer_id = cp.id
  )
"""
