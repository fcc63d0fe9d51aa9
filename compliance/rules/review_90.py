"""90-day review: days since the plan was developed or last reviewed.

Due soon from day 80, overdue from day 91 (policy). Participants with a plan.
"""

RULE = "review_90"

SQL = """
SELECT 'review_90', cp.id, '', 0,
       CASE WHEN cp.as_of - base.day >= cp.review_overdue_day THEN 'overdue'
            WHEN cp.as_of - base.day >= cp.review_due_soon_day THEN 'due_soon' END,
       base.day + (cp.review_overdue_day - 1),
       cp.career_planner_id,
       CASE WHEN cp.as_of - base.day < cp.review_due_soon_day THEN base.day + cp.review_due_soon_day
            WHEN cp.as_of - base.day < cp.review_overdue_day THEN base.day + cp.review_overdue_day
       END
FROM cp
JOIN plans_plan p ON p.customer_id = cp.id
CROSS JOIN LATERAL (SELECT COALESCE(p.last_reviewed_on, p.developed_on) AS day) base
WHERE cp.status = 'participant'
"""
