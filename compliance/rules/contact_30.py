"""30-day contact: days since the last case note recording two-way communication.

Attempts (voicemail, letter, unanswered email) do not reset the clock. A corrected note
counts as its correction says: only notes that no correction supersedes are read, so a
two-way contact corrected to an attempt stops counting, an attempt corrected to two-way
starts, and a corrected contact date moves the clock. Due soon from day 25, overdue
from day 31 (policy). Participants only; with no two-way contact yet, the clock runs
from the certification date.
"""

RULE = "contact_30"

# The last contact of each participant is the first entry of a backward scan of the
# index on (customer, two-way, contact date), so no note but the last is read; a note
# a correction supersedes is skipped with a probe of the unique index on corrects_id.
# Every participant has a row: before the due-soon day a clock only (state NULL) that
# falls due on that day, or sooner if a two-way contact dated later than the
# evaluation day comes into effect.
SQL = """
SELECT 'contact_30' AS rule, cp.id AS customer_id, '' AS subject_type, 0 AS subject_id,
       CASE WHEN cp.as_of - base.day >= cp.contact_overdue_day THEN 'overdue'
            WHEN cp.as_of - base.day >= cp.contact_due_soon_day THEN 'due_soon' END AS state,
       base.day + (cp.contact_overdue_day - 1) AS due_on,
       cp.career_planner_id AS responsible_id,
       LEAST(CASE WHEN cp.as_of - base.day < cp.contact_due_soon_day
                      THEN base.day + cp.contact_due_soon_day
                  WHEN cp.as_of - base.day < cp.contact_overdue_day
                      THEN base.day + cp.contact_overdue_day END,
             (SELECT min(f.contact_date) FROM casenotes_casenote f
              WHERE f.customer_id = cp.id AND f.two_way AND f.contact_date > cp.as_of)) AS next_on
FROM cp
LEFT JOIN LATERAL (
    SELECT n.contact_date AS last_contact
    FROM casenotes_casenote n
    WHERE n.customer_id = cp.id AND n.two_way AND n.contact_date <= cp.as_of
      AND NOT EXISTS (SELECT 1 FROM casenotes_casenote c2 WHERE c2.corrects_id = n.id)
    ORDER BY n.contact_date DESC
    LIMIT 1
) lc ON true
CROSS JOIN LATERAL (
    SELECT COALESCE(lc.last_contact, cp.certification_date, cp.application_date) AS day
) base
WHERE cp.status = 'participant'
"""
