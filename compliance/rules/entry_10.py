"""10-day entry: services and case notes entered more than 10 days (policy) after the
service or contact date, and services closed more than 10 days after they ended, are
late. Shown for `late_visible_days` after entry; the staff member who entered it is
responsible. A correction of a note's contact is not a late entry: the note it corrects
keeps its own flag. (Outcomes join this rule when outcomes are recorded.)"""

RULE = "entry_10"

SQL = """
SELECT 'entry_10', s.customer_id, 'service', s.id, 'late',
       s.started_on + cp.entry_deadline_days, s.entered_by_id
FROM services_servicerecord s
JOIN cp ON cp.id = s.customer_id
WHERE NOT s.start_is_projected
  AND s.entered_at >= %(late_window_start)s
  AND s.entered_at >= (cp.as_of - cp.late_visible_days)::timestamp AT TIME ZONE cp.time_zone
  AND (s.entered_at AT TIME ZONE cp.time_zone)::date <= cp.as_of
  AND (s.entered_at AT TIME ZONE cp.time_zone)::date - s.started_on > cp.entry_deadline_days
UNION ALL
SELECT 'entry_10', s.customer_id, 'close', s.id, 'late',
       s.ended_on + cp.entry_deadline_days, s.closed_by_id
FROM services_servicerecord s
JOIN cp ON cp.id = s.customer_id
WHERE s.closed_at IS NOT NULL AND s.ended_on IS NOT NULL
  AND s.closed_at > s.entered_at
  AND s.closed_at >= %(late_window_start)s
  AND s.closed_at >= (cp.as_of - cp.late_visible_days)::timestamp AT TIME ZONE cp.time_zone
  AND (s.closed_at AT TIME ZONE cp.time_zone)::date <= cp.as_of
  AND (s.closed_at AT TIME ZONE cp.time_zone)::date - s.ended_on > cp.entry_deadline_days
UNION ALL
SELECT 'entry_10', n.customer_id, 'note', n.id, 'late',
       n.contact_date + cp.entry_deadline_days, n.author_id
FROM casenotes_casenote n
JOIN cp ON cp.id = n.customer_id
WHERE n.corrects_id IS NULL
  AND n.entered_at >= %(late_window_start)s
  AND n.entered_at >= (cp.as_of - cp.late_visible_days)::timestamp AT TIME ZONE cp.time_zone
  AND (n.entered_at AT TIME ZONE cp.time_zone)::date <= cp.as_of
  AND (n.entered_at AT TIME ZONE cp.time_zone)::date - n.contact_date > cp.entry_deadline_days
"""
