"""30-day contact: days since the last case note recording two-way communication.

Attempts (voicemail, letter, unanswered email) do not reset the clock. Due soon from
day 25, overdue from day 31 (policy). Participants only; with no two-way contact yet,
the clock runs from the certification date.
"""

RULE = "contact_30"

SQL = """
SELECT 'contact_30' AS rule, cp.id AS customer_id, '' AS subject_type, 0 AS subject_id,
       CASE WHEN %(as_of)s - base.day >= cp.contact_overdue_day THEN 'overdue' ELSE 'due_soon' END AS state,
       base.day + (cp.contact_overdue_day - 1) AS due_on,
       cp.career_planner_id AS responsible_id
FROM cp
LEFT JOIN (
    SELECT n.customer_id, max(n.contact_date) AS last_contact
    FROM casenotes_casenote n
    WHERE n.two_way AND n.contact_date <= %(as_of)s AND n.customer_id IN (SELECT id FROM cp)
    GROUP BY n.customer_id
) lc ON lc.customer_id = cp.id
CROSS JOIN LATERAL (
    SELECT COALESCE(lc.last_contact, cp.certification_date, cp.application_date) AS day
) base
WHERE cp.status = 'participant'
  AND %(as_of)s - base.day >= cp.contact_due_soon_day
"""
