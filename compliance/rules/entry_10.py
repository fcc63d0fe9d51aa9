"""10-day entry: services and case notes entered more than 10 days (policy) after the
service or contact date, services closed more than 10 days after they ended, and
outcomes (credentials, measurable skill gains, jobs, placements) entered more than 10
days after they were attained, achieved or started, are late. Shown for
`late_visible_days` after entry, until the day after; the staff member who entered it
is responsible. A correction of a note's contact is not a late entry: the note it
corrects keeps its own flag."""

RULE = "entry_10"

# Each outcome: its table, the alert's subject type, and the date it records.
OUTCOMES = [
    ("employment_credential", "credential", "attained_on"),
    ("employment_skillgain", "skill_gain", "achieved_on"),
    ("employment_employment", "job", "started_on"),
    ("employment_placement", "placement", "starts_on"),
]


def _outcome(table: str, subject_type: str, day: str) -> str:
    return f"""
UNION ALL
SELECT 'entry_10', o.customer_id, '{subject_type}', o.id, 'late',
       o.{day} + cp.entry_deadline_days, o.entered_by_id,
       (o.entered_at AT TIME ZONE cp.time_zone)::date + cp.late_visible_days + 1
FROM {table} o
JOIN cp ON cp.id = o.customer_id
WHERE o.entered_at >= %(late_window_start)s
  AND o.entered_at >= (cp.as_of - cp.late_visible_days)::timestamp AT TIME ZONE cp.time_zone
  AND (o.entered_at AT TIME ZONE cp.time_zone)::date <= cp.as_of
  AND (o.entered_at AT TIME ZONE cp.time_zone)::date - o.{day} > cp.entry_deadline_days"""


SQL = """
SELECT 'entry_10', s.customer_id, 'service', s.id, 'late',
       s.started_on + cp.entry_deadline_days, s.entered_by_id,
       (s.entered_at AT TIME ZONE cp.time_zone)::date + cp.late_visible_days + 1
FROM services_servicerecord s
JOIN cp ON cp.id = s.customer_id
WHERE NOT s.start_is_projected
  AND s.entered_at >= %(late_window_start)s
  AND s.entered_at >= (cp.as_of - cp.late_visible_days)::timestamp AT TIME ZONE cp.time_zone
  AND (s.entered_at AT TIME ZONE cp.time_zone)::date <= cp.as_of
  AND (s.entered_at AT TIME ZONE cp.time_zone)::date - s.started_on > cp.entry_deadline_days
UNION ALL
SELECT 'entry_10', s.customer_id, 'close', s.id, 'late',
       s.ended_on + cp.entry_deadline_days, s.closed_by_id,
       (s.closed_at AT TIME ZONE cp.time_zone)::date + cp.late_visible_days + 1
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
       n.contact_date + cp.entry_deadline_days, n.author_id,
       (n.entered_at AT TIME ZONE cp.time_zone)::date + cp.late_visible_days + 1
FROM casenotes_casenote n
JOIN cp ON cp.id = n.customer_id
WHERE n.corrects_id IS NULL
  AND n.entered_at >= %(late_window_start)s
  AND n.entered_at >= (cp.as_of - cp.late_visible_days)::timestamp AT TIME ZONE cp.time_zone
  AND (n.entered_at AT TIME ZONE cp.time_zone)::date <= cp.as_of
  AND (n.entered_at AT TIME ZONE cp.time_zone)::date - n.contact_date > cp.entry_deadline_days
""" + "".join(_outcome(*outcome) for outcome in OUTCOMES)
