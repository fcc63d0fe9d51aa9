"""Eligibility determined within 30 days of the application.

Applicants still waiting: due soon from day 25, overdue from day 31 (policy).
A determination made after day 30 (allowed with a reason) is shown as late while
it is recent.
"""

RULE = "eligibility_30"

SQL = """
SELECT 'eligibility_30', cp.id, '', 0,
       CASE
           WHEN cp.eligibility_date IS NOT NULL THEN
               CASE WHEN cp.eligibility_date > cp.as_of - cp.late_visible_days
                         AND cp.eligibility_date <= cp.as_of THEN 'late' END
           WHEN cp.as_of - cp.application_date >= cp.eligibility_overdue_day THEN 'overdue'
           WHEN cp.as_of - cp.application_date >= cp.eligibility_due_soon_day THEN 'due_soon'
       END,
       cp.application_date + (cp.eligibility_overdue_day - 1),
       cp.career_planner_id,
       CASE
           WHEN cp.eligibility_date IS NOT NULL THEN
               CASE WHEN cp.eligibility_date > cp.as_of THEN cp.eligibility_date
                    ELSE cp.eligibility_date + cp.late_visible_days END
           WHEN cp.as_of - cp.application_date < cp.eligibility_due_soon_day
               THEN cp.application_date + cp.eligibility_due_soon_day
           WHEN cp.as_of - cp.application_date < cp.eligibility_overdue_day
               THEN cp.application_date + cp.eligibility_overdue_day
       END
FROM cp
WHERE (cp.eligibility_date IS NULL AND cp.status = 'applicant')
   OR (
        cp.eligibility_date IS NOT NULL
        AND cp.eligibility_date - cp.application_date >= cp.eligibility_overdue_day
        AND cp.eligibility_date > cp.as_of - cp.late_visible_days
      )
"""
