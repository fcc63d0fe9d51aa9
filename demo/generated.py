"""Invented caseloads at scale for the compliance benchmark (`manage.py bench_compliance`).

`generate` fills a migrated, empty database with set-based SQL: one INSERT ... SELECT
over generate_series per table, with every choice drawn from a hash of the row number
and the seed, so the same seed gives the same rows (ids included) on the same server.
Nothing is a real person: names, streets and employers come from the small lists below.

The shape grows with the caseload, as a state's does (`shape`): career planners carry
about CASELOAD open customers each, PLANNERS_PER_OFFICE of them to an office with a new
hire (a small caseload), a supervisor and a tracker; OFFICES_PER_REGION offices to a
local workforce area (a region, with its policy and a director who supervises its
offices); one administrator for the state. Two years of services and case notes, and an
IEP/ISS for about 85% of the enrolled customers. Services follow the matrix the rules
rely on: same-day activities end the day they start; training and other long
activities have a planned end and stay open until it (a few are left open past it);
exited customers have no service in the 90 days before their exit.

The rows are loaded with `session_replication_role = replica` (superuser only), so the
history triggers of pghistory and the foreign-key checks do not run; the generator
builds every reference itself (tests/test_bench_data.py checks them). Without the
privilege it falls back to disabling the user triggers of the tables it fills. The
indexes of the big tables are dropped for the load and built once at the end.

`simulate_day` is a normal working day after the generation, in bulk SQL: notes written,
services started and closed, new applicants registered; `undo_days` takes the days back.
"""

# The SQL below is assembled from this module's constants; every value is a parameter.
# ruff: noqa: S608

import datetime
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from casemgmt import roles
from casemgmt.models import POLICY_DEFAULTS as DEFAULTS

CASELOAD = 90  # open customers per career planner, the middle of a real 60-120
# Career planners with full caseloads to an office, which adds a new hire, a supervisor
# and a tracker.
PLANNERS_PER_OFFICE = 17
OFFICE_STAFF = ("newhire", "supervisor", "tracker")  # after the planners, in this order
OFFICE_ROLES = {
    "newhire": roles.CAREER_PLANNER,
    "supervisor": roles.SUPERVISOR,
    "tracker": roles.TRACKER,
}
OFFICES_PER_REGION = 12
SMALL_CASELOAD_SHARE = 0.005  # of the customers go to their office's new hire
# Each customer's status, with its share; all but the exited are open caseloads.
STATUS_MIX = [("applicant", 0.08), ("participant", 0.75), ("follow_up", 0.05), ("exited", 0.12)]
OPEN_STATUSES = ["applicant", "participant", "follow_up"]
TIME_ZONE = "America/Chicago"
# The tables the generator writes, in the order it writes them.
TABLES = [
    "casemgmt_region",
    "compliance_policy",
    "casemgmt_office",
    "casemgmt_user",
    "customers_customer",
    "services_servicerecord",
    "casenotes_casenote",
    "plans_plan",
    "plans_planversion",
    "plans_goal",
    "plans_step",
]
# For the load's transaction: the sorts behind the ids spill in few runs (a larger
# in-memory sort measured no faster), the index builds fit in memory or nearly, each
# built by parallel workers where the table is big.
LOAD_SETTINGS = {
    "work_mem": "256MB",
    "maintenance_work_mem": "2GB",
    "max_parallel_maintenance_workers": "2",
}
# Tables whose plain indexes are dropped during the load and built afterwards.
BULK_TABLES = [
    "customers_customer",
    "services_servicerecord",
    "casenotes_casenote",
    "plans_plan",
    "plans_planversion",
    "plans_goal",
    "plans_step",
]
# The biggest, whose primary keys go too, with the foreign keys that point at them: the
# key costs as much as the rest of the row to keep up to date.
KEYLESS_LOAD_TABLES = ["services_servicerecord", "casenotes_casenote"]


@dataclass(frozen=True)
class Shape:
    """How many staff, offices and regions serve a number of customers."""

    customers: int
    planners: int  # with full caseloads; the offices' new hires come on top
    offices: int
    regions: int

    @property
    def staff(self) -> int:
        """Planners, each office's new hire, supervisor and tracker, the regions'
        directors and the administrator."""
        return self.planners + len(OFFICE_STAFF) * self.offices + self.regions + 1


def shape(customers: int) -> Shape:
    """Enough career planners for about CASELOAD open customers each, and the offices
    and regions they fill."""
    open_share = sum(share for status, share in STATUS_MIX if status in OPEN_STATUSES)
    planners = max(1, round(customers * open_share * (1 - SMALL_CASELOAD_SHARE) / CASELOAD))
    offices = math.ceil(planners / PLANNERS_PER_OFFICE)
    return Shape(
        customers=customers,
        planners=planners,
        offices=offices,
        regions=math.ceil(offices / OFFICES_PER_REGION),
    )


FIRST_NAMES = [
    "Avery", "Blake", "Casey", "Dana", "Emery", "Finley", "Gray", "Harper", "Indy", "Jules",
    "Kendall", "Logan", "Morgan", "Noel", "Oakley", "Parker", "Quinn", "Reese", "Sage",
    "Taylor", "Umber", "Vale", "Wren", "Xen", "Yael", "Zion", "Arden", "Briar", "Cove",
    "Dell", "Ellis", "Fable",
]  # fmt: skip
LAST_NAMES = [
    "Ashgrove", "Benchley", "Copperfield", "Dunmore", "Elmstead", "Fernhill", "Glenwood",
    "Hollowell", "Ironside", "Juniper", "Kettleby", "Larkspur", "Millbrook", "Northcote",
    "Oakhurst", "Pinecrest", "Quarryman", "Redfern", "Stonebridge", "Thistlewood",
    "Underhill", "Vinecroft", "Willowby", "Yarrowby", "Zephyrton", "Amberly", "Brookside",
    "Cinderford", "Dovecote", "Eastwick",
]  # fmt: skip
MIDDLE_NAMES = ["", "", "", "A.", "J.", "L.", "M.", "R."]
STREETS = [
    "Example Avenue", "Sample Street", "Placeholder Road", "Fictional Lane", "Invented Way",
    "Maple Court", "Prairie Drive", "Lakeshore Boulevard", "Mill Road", "Depot Street",
]  # fmt: skip
CITIES = ["Riverbend", "Lakeside", "Prairie View", "Millford", "Cedar Falls", "Oak Ridge"]
RELATIONSHIPS = ["Parent", "Sibling", "Spouse", "Friend", "Grandparent"]
PROVIDERS = [
    "Lakeside Community College", "Riverbend Technical Institute", "Metro Transit",
    "Sunrise Child Care", "Prairie Health Clinic", "Millford Truck Driving School",
]  # fmt: skip
# Weighted mixes of the middle services of an enrolled customer (first and last are fixed).
ADULT_MIX = [
    ("202", 0.36), ("211", 0.18), ("210", 0.07), ("239", 0.03), ("240", 0.02), ("201", 0.04),
    ("224", 0.03), ("181", 0.08), ("180", 0.03), ("182", 0.01), ("300", 0.05), ("301", 0.01),
    ("226", 0.02), ("232", 0.02), ("221", 0.02), ("231", 0.01), ("235", 0.02),
]  # fmt: skip
YOUTH_MIX = [("470", 0.72), ("181", 0.15), ("180", 0.06), ("182", 0.02), ("468", 0.05)]
APPLICANT_CODES = ["211", "239", "210"]
SUBJECTS = [
    "Check-in on the job search", "Review of the employment plan", "Resume review",
    "Interview preparation", "Training progress", "Transportation assistance",
    "Child care arrangements", "Job leads from the business team", "Attendance at training",
    "Progress toward the credential",
]  # fmt: skip
TWO_WAY_OPENINGS = [
    "Career planner met with the customer to review progress on the plan.",
    "Customer called back and discussed applications sent this week.",
    "Customer came to the center and worked on the resume with the career planner.",
    "Career planner and customer talked about the training schedule and attendance.",
    "Customer reported an interview with a distribution center next week.",
    "Customer shared grades from the first module of the course.",
]  # fmt: skip
TWO_WAY_CLOSINGS = [
    "Next check-in set for two weeks from today.",
    "Customer will send the updated resume by Friday.",
    "Career planner will follow up with the training provider about the invoice.",
    "Customer agreed to apply to at least five employers before the next meeting.",
    "No barriers reported at this time.",
    "Bus pass for next month requested.",
]  # fmt: skip
ATTEMPTS = [
    "Left a voicemail asking the customer to call back.",
    "Sent an email asking the customer to schedule a check-in.",
    "Sent a text message reminding the customer of the appointment.",
    "Called the customer; the number was busy. Will try again tomorrow.",
]  # fmt: skip
EMPLOYMENT_GOALS = [
    "Forklift operator in a distribution center", "Certified nursing assistant",
    "Commercial truck driver (class A)", "Medical billing and coding specialist",
    "Welder in a fabrication shop", "Help desk technician", "Licensed practical nurse",
    "Electrician apprentice",
]  # fmt: skip
CAREER_PATHS = [
    "Warehouse associate, forklift operator, then logistics lead",
    "Nursing assistant, then licensed practical nurse",
    "Entry-level technician, then network support specialist",
]  # fmt: skip
# statement, category, term: goals as planners write them.
GOALS = [
    ("Earn a forklift operator certificate", "education", "short"),
    ("Get a full-time warehouse job paying at least $19 an hour", "career", "long"),
    ("Arrange reliable transportation to training and work", "support", "short"),
    ("Raise reading and math to the 9th grade level", "education", "short"),
    ("Complete a resume and practice interviews", "career", "short"),
    ("Earn a commercial driver's license (class A)", "education", "long"),
    ("Arrange child care for the training schedule", "support", "short"),
    ("Move into a logistics lead position within two years", "career", "long"),
]
# code, description, provider: objectives of a goal.
ADULT_STEPS = [
    ("224", "Explore jobs, required credentials and wages in the chosen field", ""),
    ("211", "Weekly job search with applications to at least five employers", ""),
    ("300", "Occupational skills training with the certification exam", PROVIDERS[0]),
    ("181", "Monthly bus pass while in training", "Metro Transit"),
    ("202", "Check-in every two weeks to review progress on the plan", ""),
    ("201", "Interviewing workshop and mock interviews", ""),
]
YOUTH_STEPS = [
    ("470", "Meet with the youth career planner every two weeks", ""),
    ("181", "Bus pass to reach the work experience site", "Metro Transit"),
    ("470", "Complete a work readiness workshop series", ""),
]


def generate(
    *,
    customers: int,
    seed: int,
    services_per_customer: float = 20,
    notes_per_customer: float = 30,
    as_of: datetime.date,
    log: Callable[[str], None] | None = None,
) -> dict[str, tuple[int, float]]:
    """Fill an empty, migrated database; return {table: (rows, seconds)}.

    Runs in one transaction (a savepoint when called inside one), so a failure leaves
    nothing behind. Dates run up to `as_of`, the day the data is "taken".
    """
    if customers < 1:
        raise ValueError("customers must be at least 1")
    if services_per_customer < 3 or notes_per_customer < 2:
        raise ValueError("services_per_customer must be at least 3 and notes_per_customer 2")
    say = log or (lambda _message: None)
    report: dict[str, tuple[int, float]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM customers_customer)")
        if cursor.fetchone()[0]:
            raise ValueError("The database already holds customers: generate needs an empty one.")
        params = _params(
            cursor,
            customers=customers,
            seed=seed,
            services_per_customer=services_per_customer,
            notes_per_customer=notes_per_customer,
            as_of=as_of,
        )
        for setting, value in LOAD_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [setting, value])
        # On an error the rollback of the atomic block restores the triggers as well.
        restore_triggers = _disable_triggers(cursor)
        dropped = _drop_indexes(cursor)
        for table, sql in _statements():
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = max(cursor.rowcount, 0)
            seconds = time.perf_counter() - started
            if table in report:  # a work table takes several statements
                rows, seconds = report[table][0] + rows, report[table][1] + seconds
            report[table] = (rows, seconds)
            if not table.startswith("bench_"):  # the work tables
                say(f"  {table:<32} {rows:>10,} rows  {seconds:7.1f} s")
        started = time.perf_counter()
        for sql in dropped:
            cursor.execute(sql)
        seconds = time.perf_counter() - started
        report["indexes"] = (len(dropped), seconds)
        say(f"  {'indexes of the big tables':<32} {len(dropped):>10,} built {seconds:7.1f} s")
        restore_triggers()
        started = time.perf_counter()
        cursor.execute("DROP TABLE IF EXISTS pg_temp.bench_c, pg_temp.bench_staff")
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
            )
        cursor.execute(f"ANALYZE {', '.join(TABLES)}")
        seconds = time.perf_counter() - started
        report["analyze"] = (0, seconds)
        say(f"  {'sequences and ANALYZE':<32} {'':>10}       {seconds:7.1f} s")
    return {table: figures for table, figures in report.items() if not table.startswith("bench_")}


def _params(
    cursor,  # noqa: ANN001 - a DB-API cursor
    *,
    customers: int,
    seed: int,
    services_per_customer: float,
    notes_per_customer: float,
    as_of: datetime.date,
) -> dict[str, object]:
    offsets = {}
    for name, table in [
        ("r0", "casemgmt_region"),
        ("y0", "compliance_policy"),
        ("o0", "casemgmt_office"),
        ("u0", "casemgmt_user"),
        ("c0", "customers_customer"),
        ("s0", "services_servicerecord"),
        ("n0", "casenotes_casenote"),
        ("p0", "plans_plan"),
        ("v0", "plans_planversion"),
        ("g0", "plans_goal"),
        ("t0", "plans_step"),
    ]:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        offsets[name] = cursor.fetchone()[0]
    # Applicants have few services and notes; the enrolled make up the average.
    applicant_share = dict(STATUS_MIX)["applicant"]
    staffing = shape(customers)
    return {
        **offsets,
        **_vocabulary(),
        "seed": int(seed),
        "n": int(customers),
        "as_of": as_of,
        "planners": staffing.planners,
        "offices": staffing.offices,
        "regions": staffing.regions,
        "per_office": PLANNERS_PER_OFFICE,
        "per_region": OFFICES_PER_REGION,
        "office_staff": len(OFFICE_STAFF),
        "office_staff_names": list(OFFICE_STAFF),
        "office_staff_roles": [OFFICE_ROLES[name] for name in OFFICE_STAFF],
        "supervisor_slot": OFFICE_STAFF.index("supervisor") + 1,
        "tracker_slot": OFFICE_STAFF.index("tracker") + 1,
        "newhire_slot": OFFICE_STAFF.index("newhire") + 1,
        "small_share": SMALL_CASELOAD_SHARE,
        "services_mean": (services_per_customer - applicant_share * 1) / (1 - applicant_share),
        "notes_mean": (notes_per_customer - applicant_share * 2) / (1 - applicant_share),
        "planner_group": roles.CAREER_PLANNER,
        "supervisor_group": roles.SUPERVISOR,
        "tracker_group": roles.TRACKER,
        "administrator_group": roles.ADMINISTRATOR,
    }


def _vocabulary() -> dict[str, object]:
    """The lists the rows' words and codes are drawn from, as SQL parameters."""
    return {
        "tz": TIME_ZONE,
        "first_names": FIRST_NAMES,
        "last_names": LAST_NAMES,
        "middle_names": MIDDLE_NAMES,
        "streets": STREETS,
        "cities": CITIES,
        "relationships": RELATIONSHIPS,
        "providers": PROVIDERS,
        "applicant_codes": APPLICANT_CODES,
        "subjects": SUBJECTS,
        "openings": TWO_WAY_OPENINGS,
        "closings": TWO_WAY_CLOSINGS,
        "attempts": ATTEMPTS,
        "employment_goals": EMPLOYMENT_GOALS,
        "career_paths": CAREER_PATHS,
        "goal_statements": [g[0] for g in GOALS],
        "goal_categories": [g[1] for g in GOALS],
        "goal_terms": [g[2] for g in GOALS],
        "adult_step_codes": [s[0] for s in ADULT_STEPS],
        "adult_step_descriptions": [s[1] for s in ADULT_STEPS],
        "adult_step_providers": [s[2] for s in ADULT_STEPS],
        "youth_step_codes": [s[0] for s in YOUTH_STEPS],
        "youth_step_descriptions": [s[1] for s in YOUTH_STEPS],
        "youth_step_providers": [s[2] for s in YOUTH_STEPS],
        **{f"policy_{name}": value for name, value in DEFAULTS.items()},
    }


def _disable_triggers(cursor) -> Callable[[], None]:  # noqa: ANN001 - a DB-API cursor
    """Turn off the history triggers (and, as superuser, the FK checks) for the load."""
    cursor.execute("SHOW session_replication_role")
    previous = cursor.fetchone()[0]
    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
    except Exception:  # noqa: BLE001 - not a superuser: fall back to ALTER TABLE
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")

        def restore() -> None:
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")

        return restore

    def restore_role() -> None:
        cursor.execute("SELECT set_config('session_replication_role', %s, true)", [previous])

    return restore_role


def _drop_indexes(cursor) -> list[str]:  # noqa: ANN001 - a DB-API cursor
    """Drop the indexes of BULK_TABLES that back no constraint, and the primary keys of
    KEYLESS_LOAD_TABLES with the foreign keys that point at them; return the statements
    that put each back under its own name and definition, keys before the foreign keys
    (each validated as it comes back). Building an index once after the load is much
    faster than keeping it up to date row by row, a primary key included."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY (%s::regclass[])
          AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
        """,
        [BULK_TABLES],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c
        WHERE (c.contype = 'p' AND c.conrelid = ANY (%(tables)s::regclass[]))
           OR (c.contype = 'f' AND c.confrelid = ANY (%(tables)s::regclass[]))
        ORDER BY c.contype = 'p', 1, 2
        """,
        {"tables": KEYLESS_LOAD_TABLES},
    )
    constraints = cursor.fetchall()  # the foreign keys first: the keys go once they have
    for table, name, _definition, _kind in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    restore = [definition for _name, definition in indexes]
    restore += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition, kind in sorted(constraints, key=lambda c: c[3] != "p")
    ]
    return restore


def u(key: str, salt: int) -> str:
    """SQL for a uniform number in [0, 1) drawn from the seed, a row key and a salt.

    Keys must stay below 2^53 / 1009; each (key, salt) pair gives its own draw."""
    return (
        f"((hashint8extended(({key})::bigint * 1009 + {salt}, %(seed)s::bigint)"
        f" & 9007199254740991)::float8 / 9007199254740992.0)"
    )


def pick(array: str, draw: str) -> str:
    """SQL for the element of a text[] parameter chosen by a draw."""
    return f"(%({array})s::text[])[1 + floor({draw} * cardinality(%({array})s::text[]))::int]"


def _mix(draw: str, weights: list[tuple[str, float]]) -> str:
    total = sum(w for _code, w in weights)
    parts, edge = [], 0.0
    for code, weight in weights[:-1]:
        edge += weight / total
        parts.append(f"WHEN {draw} < {edge:.6f} THEN '{code}'")
    return f"CASE {' '.join(parts)} ELSE '{weights[-1][0]}' END"


def _local(date_sql: str, time_sql: str = "'09:00'") -> str:
    """A timestamptz for a local date and time in the offices' time zone."""
    return f"(({date_sql}) + time {time_sql}) AT TIME ZONE %(tz)s"


A = "%(as_of)s::date"


def _statements() -> list[tuple[str, str]]:
    c = "c.i"  # the customer's row number, key of its draws (salts 1-99)
    return [
        (
            "casemgmt_region",
            """
            INSERT INTO casemgmt_region (id, name)
            SELECT %(r0)s + r, 'Bench Workforce Area ' || lpad(r::text, 2, '0')
            FROM generate_series(1, %(regions)s) r
            """,
        ),
        (
            "compliance_policy",
            f"""
            INSERT INTO compliance_policy (id, region_id, {", ".join(DEFAULTS)})
            SELECT %(y0)s + r, %(r0)s + r,
                   {", ".join(f"%(policy_{name})s" for name in DEFAULTS)}
            FROM generate_series(1, %(regions)s) r
            """,
        ),
        (
            "casemgmt_office",
            """
            INSERT INTO casemgmt_office (id, region_id, name, code, time_zone, address, phone)
            SELECT %(o0)s + o, %(r0)s + 1 + (o - 1) / %(per_region)s,
                   'Bench American Job Center ' || lpad(o::text, 3, '0'),
                   'BENCH' || lpad(o::text, 3, '0'),
                   %(tz)s,
                   (100 + o * 7) || ' Example Avenue, Riverbend, IL 62700',
                   '(217) 555-' || lpad((1000 + o)::text, 4, '0')
            FROM generate_series(1, %(offices)s) o
            """,
        ),
        ("bench_staff", "DROP TABLE IF EXISTS pg_temp.bench_staff"),
        ("bench_staff", _staff_sql()),
        (
            "casemgmt_user",
            f"""
            INSERT INTO casemgmt_user (id, password, last_login, is_superuser, username,
                first_name, last_name, email, is_staff, is_active, date_joined)
            SELECT id, '!', NULL, false, username,
                   {pick("first_names", u("id", 600))}, {pick("last_names", u("id", 601))},
                   username || '@bench.example.org', false, true, {_local(f"{A} - 1095")}
            FROM bench_staff
            ORDER BY id
            """,
        ),
        (
            "casemgmt_user_groups",
            """
            INSERT INTO casemgmt_user_groups (user_id, group_id)
            SELECT s.id, g.id FROM bench_staff s JOIN auth_group g ON g.name = s.role
            """,
        ),
        (
            "casemgmt_user_offices",
            """
            INSERT INTO casemgmt_user_offices (user_id, office_id)
            SELECT id, %(o0)s + office_no FROM bench_staff WHERE office_no IS NOT NULL
            """,
        ),
        (
            "casemgmt_user_supervised_offices",
            """
            INSERT INTO casemgmt_user_supervised_offices (user_id, office_id)
            SELECT id, %(o0)s + supervises FROM bench_staff WHERE supervises IS NOT NULL
            UNION ALL
            SELECT s.id, %(o0)s + o
            FROM bench_staff s
            CROSS JOIN LATERAL generate_series(
                (s.directs - 1) * %(per_region)s + 1,
                least(s.directs * %(per_region)s, %(offices)s)) o
            WHERE s.directs IS NOT NULL
            """,
        ),
        ("bench_c", "DROP TABLE IF EXISTS pg_temp.bench_c"),
        ("bench_c", _customer_plan_sql(c)),
        ("bench_c", "ANALYZE bench_c"),
        ("customers_customer", _customers_sql(c)),
        ("services_servicerecord", _services_sql()),
        ("casenotes_casenote", _notes_sql()),
        ("plans_plan", _plans_sql(c)),
        ("plans_planversion", _versions_sql()),
        ("plans_goal", _goals_sql()),
        ("plans_step", _steps_sql()),
    ]


def _staff_sql() -> str:
    """A temporary table of the staff: id, username, role (the group's name), the office
    they work in, the office they supervise and the region they direct.

    Ids: the career planners first (planner g works in office (g - 1) / PER_OFFICE + 1),
    then each office's OFFICE_STAFF, then the regions' directors, then the administrator."""
    staff = "%(u0)s + %(planners)s"
    directors = f"{staff} + %(office_staff)s * %(offices)s"
    return f"""
    CREATE TEMP TABLE bench_staff AS
    SELECT %(u0)s + g AS id, 'bench_planner_' || g AS username, %(planner_group)s AS role,
           1 + (g - 1) / %(per_office)s AS office_no, NULL::int AS supervises,
           NULL::int AS directs
    FROM generate_series(1, %(planners)s) g
    UNION ALL
    SELECT {staff} + (o - 1) * %(office_staff)s + k,
           'bench_' || (%(office_staff_names)s::text[])[k] || '_' || o,
           (%(office_staff_roles)s::text[])[k],
           o, CASE WHEN k = %(supervisor_slot)s THEN o END, NULL
    FROM generate_series(1, %(offices)s) o, generate_series(1, %(office_staff)s) k
    UNION ALL
    SELECT {directors} + r, 'bench_director_' || r, %(supervisor_group)s,
           (r - 1) * %(per_region)s + 1, NULL, r
    FROM generate_series(1, %(regions)s) r
    UNION ALL
    SELECT {directors} + %(regions)s + 1, 'bench_administrator', %(administrator_group)s,
           NULL, NULL, NULL
    """


def _customer_plan_sql(c: str) -> str:
    """A temporary table with each customer's course: office, planner, status, dates,
    the window of its services (w_start to w_end), and how many rows it gets. A customer
    goes to a planner drawn at random, or (SMALL_CASELOAD_SHARE) to an office's new hire."""
    # The id before the first of the office's OFFICE_STAFF.
    office_staff = "%(u0)s + %(planners)s + (office_no - 1) * %(office_staff)s"
    return f"""
    CREATE TEMP TABLE bench_c AS
    WITH base AS (
        SELECT i,
               {u("i", 2)} < %(small_share)s AS new_hire,
               1 + floor({u("i", 1)} * %(offices)s)::int AS new_hire_office,
               1 + floor({u("i", 3)} * %(planners)s)::int AS planner_no,
               {_mix(u("i", 4), STATUS_MIX)} AS status,
               CASE WHEN {u("i", 5)} < 0.15 THEN 'youth'
                    WHEN {u("i", 5)} < 0.45 THEN 'dw'
                    WHEN {u("i", 5)} < 0.50 THEN 'adult_dw'
                    ELSE 'adult' END AS program,
               {u("i", 6)} AS r6, {u("i", 7)} AS r7, {u("i", 8)} AS r8, {u("i", 9)} AS r9,
               {u("i", 10)} AS r10, {u("i", 11)} AS r11, {u("i", 12)} AS r12,
               {u("i", 13)} AS r13, {u("i", 14)} AS r14, {u("i", 15)} AS r15,
               {u("i", 16)} AS r16
        FROM generate_series(1, %(n)s) i
    ), dates AS (
        SELECT b.*,
               CASE status
                   WHEN 'applicant' THEN {A} - floor(40 * r6 ^ 1.5)::int
                   WHEN 'participant' THEN {A} - (60 + floor(r6 * 640)::int)
                   ELSE {A} - (400 + floor(r6 * 330)::int) END AS application_date
        FROM base b
    ), eligibility AS (
        SELECT d.*,
               CASE WHEN status <> 'applicant'
                    THEN application_date + floor(40 * r7 * r7)::int END AS eligibility_date
        FROM dates d
    ), windows AS (
        SELECT e.*,
               coalesce(eligibility_date, application_date) AS w_start,
               CASE status
                   WHEN 'participant' THEN {A} - CASE
                       WHEN r8 < 0.80 THEN floor(r9 * 8)::int
                       WHEN r8 < 0.92 THEN 8 + floor(r9 * 40)::int
                       ELSE 48 + floor(r9 * 50)::int END
                   WHEN 'applicant' THEN {A}
                   WHEN 'follow_up' THEN {A} - 90 - floor(r10 * 270)::int
                   ELSE {A} - 90 - floor(r10 * 300)::int END AS w_end_raw
        FROM eligibility e
    ), counts AS (
        SELECT w.*,
               greatest(w_end_raw, w_start) AS w_end,
               CASE WHEN status = 'applicant' THEN floor(r11 * 3)::int
                    ELSE least(4000, greatest(3, round(%(services_mean)s * (0.4 + 1.2 * r11))))::int
                    END AS n_services,
               CASE WHEN status = 'applicant' THEN 1 + floor(r12 * 3)::int
                    ELSE least(8000, greatest(2, round(%(notes_mean)s * (0.4 + 1.2 * r12))))::int
                    END AS n_notes,
               status <> 'applicant' AND r13 < 0.85 AS has_plan,
               CASE WHEN r14 < 0.03 THEN 0 ELSE 1 + floor(r15 * 3)::int END AS n_goals,
               CASE WHEN new_hire THEN new_hire_office
                    ELSE 1 + (planner_no - 1) / %(per_office)s END AS office_no
        FROM windows w
    )
    SELECT i,
           %(c0)s + i AS id,
           %(o0)s + office_no AS office_id,
           CASE WHEN new_hire THEN {office_staff} + %(newhire_slot)s
                ELSE %(u0)s + planner_no END AS planner_id,
           {office_staff} + %(tracker_slot)s AS tracker_id,
           status, program, application_date, eligibility_date, w_start, w_end,
           CASE WHEN status IN ('exited', 'follow_up') THEN w_end + 90 END AS exit_date,
           n_services,
           CASE WHEN status = 'follow_up' THEN greatest(1, ceil(n_services * 0.8)::int)
                ELSE n_services END AS services_before_exit,
           n_notes,
           CASE WHEN status = 'follow_up' THEN greatest(1, ceil(n_notes * 0.8)::int)
                ELSE n_notes END AS notes_before_exit,
           has_plan, n_goals,
           least(w_start + 1 + floor(r16 * 14)::int, w_end) AS plan_day
    FROM counts
    ORDER BY i
    """


def _customers_sql(c: str) -> str:
    return f"""
    INSERT INTO customers_customer (
        id, customer_number, first_name, middle_name, last_name, date_of_birth, phone, email,
        street, city, state, postal_code, preferred_contact_method, alternate_contact_name,
        alternate_contact_phone, alternate_contact_relationship, programs, veteran_status,
        office_id, career_planner_id, status, application_date, eligibility_date,
        eligibility_late_reason, certification_date, exit_date, exit_reason, ssn_last4,
        ssn_encrypted, ssn_hash, created_at, updated_at, created_by_id, legacy_id)
    SELECT id, 'B' || lpad(id::text, 7, '0'), first_name, {pick("middle_names", u(c, 22))},
           last_name,
           {A} - (CASE WHEN program = 'youth' THEN 16 + floor({u(c, 23)} * 9)::int
                       ELSE 25 + floor({u(c, 23)} * 40)::int END) * 365
               - floor({u(c, 24)} * 365)::int,
           '217555' || lpad(mod(i, 10000)::text, 4, '0'),
           lower(first_name) || '.' || lower(last_name) || i || '@example.org',
           (100 + mod(i * 7, 9800)) || ' ' || {pick("streets", u(c, 25))},
           {pick("cities", u(c, 26))}, 'IL', '627' || lpad(mod(i, 100)::text, 2, '0'),
           CASE WHEN {u(c, 27)} < 0.6 THEN 'phone' WHEN {u(c, 27)} < 0.8 THEN 'text'
                WHEN {u(c, 27)} < 0.95 THEN 'email' ELSE 'mail' END,
           '', '', '',
           CASE program WHEN 'adult_dw' THEN ARRAY['adult', 'dw']::varchar[]
                        ELSE ARRAY[program]::varchar[] END,
           CASE WHEN {u(c, 28)} < 0.06 THEN 'veteran' WHEN {u(c, 28)} < 0.07 THEN 'spouse'
                ELSE 'no' END,
           office_id, planner_id, status, application_date, eligibility_date,
           CASE WHEN eligibility_date - application_date > 30
                THEN 'Waited for the layoff letter from the former employer.' ELSE '' END,
           eligibility_date, exit_date,
           CASE WHEN exit_date IS NULL THEN ''
                WHEN {u(c, 29)} < 0.6 THEN 'Entered employment'
                ELSE 'No service for 90 days (soft exit)' END,
           lpad(mod(abs(hashint8extended(i, %(seed)s::bigint)), 10000)::text, 4, '0'),
           '', '',
           {_local("application_date", "'10:00'")},
           {_local("greatest(application_date, w_end)", "'16:00'")},
           planner_id, NULL
    FROM (
        SELECT c.*, {pick("first_names", u(c, 20))} AS first_name,
               {pick("last_names", u(c, 21))} AS last_name
        FROM bench_c c
    ) c
    """


def _services_sql() -> str:
    k = "rkey"  # draws of a service: salts 100-199
    adult = _mix(u("rkey", 102), ADULT_MIX)
    youth = _mix(u("rkey", 102), YOUTH_MIX)
    return f"""
    INSERT INTO services_servicerecord (
        id, customer_id, activity_id, started_on, start_is_projected, planned_end_on, ended_on,
        completion_status, provider, provider_name, weekly_hours, dollar_value, notes, goal_id,
        entered_by_id, entered_at, entered_late, closed_by_id, closed_at, closed_late,
        reopen_reason, legacy_id)
    SELECT id, customer_id, activity_id, started_on, false, planned_end_on, ended_on,
           CASE WHEN ended_on IS NULL THEN ''
                WHEN same_day OR {u(k, 105)} < 0.85 THEN 'successful'
                ELSE 'unsuccessful' END,
           {_service_terms(k)},
           '', NULL, planner_id,
           {_local("entered_on", "'08:00'")} + {u(k, 109)} * interval '9 hours',
           entered_on - started_on > 10,
           CASE WHEN ended_on IS NOT NULL THEN planner_id END,
           CASE WHEN ended_on IS NULL THEN NULL
                WHEN same_day
                THEN {_local("entered_on", "'08:00'")} + {u(k, 109)} * interval '9 hours'
                ELSE greatest({_local("closed_on", "'17:30'")},
                              {_local("entered_on", "'08:00'")} + {u(k, 109)} * interval '9 hours')
                END,
           coalesce(NOT same_day AND closed_on - ended_on > 10, false),
           '', NULL
    FROM (
        SELECT y.*,
               least(started_on + CASE WHEN {u(k, 110)} < 0.03
                                       THEN 11 + floor({u(k, 111)} * 20)::int
                                       ELSE floor({u(k, 111)} ^ 2 * 8)::int END, {A})
                   AS entered_on,
               least(ended_on + CASE WHEN {u(k, 112)} < 0.02
                                     THEN 11 + floor({u(k, 113)} * 10)::int
                                     ELSE floor({u(k, 113)} * 4)::int END, {A}) AS closed_on
        FROM (
            SELECT x.*,
                   CASE WHEN x.same_day THEN NULL ELSE x.started_on + x.duration END
                       AS planned_end_on,
                   CASE WHEN x.same_day THEN x.started_on
                        WHEN x.status IN ('exited', 'follow_up')
                            THEN least(x.started_on + x.duration, x.w_end)
                        WHEN x.started_on + x.duration > {A} THEN NULL
                        WHEN {u(k, 104)} < 0.08 THEN NULL
                        ELSE x.started_on + x.duration END AS ended_on
            FROM (
                SELECT %(s0)s + row_number() OVER (ORDER BY started_on, customer_id, k) AS id,
                       z.*, a.id AS activity_id, a.same_day
                FROM (
                    SELECT c.id AS customer_id, k, rkey, c.planner_id, c.status, c.w_end,
                           30 + floor({u("rkey", 103)} * 150)::int AS duration,
                           CASE WHEN c.status = 'applicant'
                                    THEN {pick("applicant_codes", u("rkey", 101))}
                                WHEN k > c.services_before_exit THEN '600'
                                WHEN k = 1 THEN
                                    CASE WHEN c.program = 'youth' THEN '468' ELSE '207' END
                                WHEN k = c.services_before_exit THEN
                                    CASE WHEN c.program = 'youth' THEN '470' ELSE '202' END
                                WHEN k = 2 AND c.has_plan THEN
                                    CASE WHEN c.program = 'youth' THEN '469' ELSE '205' END
                                WHEN c.program = 'youth' THEN {youth}
                                ELSE {adult} END AS code,
                           CASE WHEN k > c.services_before_exit
                                    THEN c.exit_date
                                         + floor({u("rkey", 100)} * ({A} - c.exit_date + 1))::int
                                WHEN k = 1 THEN c.w_start
                                WHEN k = c.services_before_exit THEN c.w_end
                                WHEN k = 2 AND c.has_plan THEN c.plan_day
                                ELSE c.w_start + floor(((k - 1) + {u("rkey", 100)})
                                     / c.services_before_exit * (c.w_end - c.w_start))::int
                                END AS started_on
                    FROM bench_c c
                    CROSS JOIN LATERAL generate_series(1, c.n_services) k
                    CROSS JOIN LATERAL (SELECT c.i::bigint * 4096 + k AS rkey) keys
                ) z
                JOIN services_activity a ON a.code = z.code
            ) x
        ) y
    ) w
    -- The order of the ids, which the window has sorted by already: one sort, not two.
    ORDER BY started_on, customer_id, k
    """


def _service_terms(k: str) -> str:
    """SQL for a service's provider, provider name, weekly hours and dollar value, from
    its activity's `code` and the row key `k` (salts 106-108)."""
    return f"""
           CASE WHEN code IN ('300', '301', '180', '181', '182') THEN 'outside' ELSE 'office' END,
           CASE WHEN code IN ('300', '301', '180', '181', '182')
                THEN {pick("providers", u(k, 106))} ELSE '' END,
           CASE code WHEN '300' THEN 10 + floor({u(k, 107)} * 25)::int
                     WHEN '301' THEN 40 END,
           CASE code WHEN '300' THEN 500 + floor({u(k, 108)} * 4500)::int
                     WHEN '301' THEN 2000 + floor({u(k, 108)} * 6000)::int
                     WHEN '181' THEN 20 + floor({u(k, 108)} * 130)::int
                     WHEN '180' THEN 100 + floor({u(k, 108)} * 500)::int
                     WHEN '182' THEN 50 + floor({u(k, 108)} * 350)::int END"""


def _notes_sql() -> str:
    k = "rkey"  # draws of a note: salts 200-299
    return f"""
    INSERT INTO casenotes_casenote (
        id, customer_id, contact_date, entered_at, entered_late, author_id, note_type,
        subject, body, contact_method, two_way, service_id, addendum_to_id, legacy_id)
    SELECT id, customer_id, contact_date,
           {_local("entered_on", "'08:00'")} + {u(k, 209)} * interval '9 hours',
           entered_on - contact_date > 10,
           author_id, note_type,
           CASE note_type WHEN 'initial' THEN 'Introduction and program overview'
                          WHEN 'follow_up' THEN 'Follow-up contact'
                          ELSE {pick("subjects", u(k, 210))} END,
           CASE WHEN two_way
                THEN {pick("openings", u(k, 211))} || ' ' || {pick("closings", u(k, 212))}
                ELSE {pick("attempts", u(k, 213))} END,
           CASE WHEN two_way THEN
                CASE WHEN {u(k, 214)} < 0.35 THEN 'in_person' WHEN {u(k, 214)} < 0.75 THEN 'phone'
                     WHEN {u(k, 214)} < 0.85 THEN 'virtual' WHEN {u(k, 214)} < 0.95 THEN 'email'
                     ELSE 'text' END
                ELSE CASE WHEN {u(k, 214)} < 0.6 THEN 'phone' WHEN {u(k, 214)} < 0.85 THEN 'email'
                          ELSE 'text' END
           END,
           two_way, NULL, NULL, NULL
    FROM (
        SELECT x.*,
               least(contact_date + CASE WHEN {u(k, 207)} < 0.02
                                         THEN 11 + floor({u(k, 208)} * 15)::int
                                         ELSE floor({u(k, 208)} ^ 2 * 3)::int END, {A})
                   AS entered_on,
               CASE WHEN {u(k, 203)} < 0.05 THEN tracker_id ELSE planner_id END AS author_id,
               CASE WHEN k = notes_before_exit THEN {u(k, 202)} < 0.9
                    ELSE {u(k, 202)} < 0.7 END AS two_way,
               CASE WHEN k = 1 THEN 'initial'
                    WHEN k > notes_before_exit THEN 'follow_up'
                    WHEN {u(k, 204)} < 0.65 THEN 'general'
                    WHEN {u(k, 204)} < 0.77 THEN 'job_development'
                    WHEN {u(k, 204)} < 0.81 THEN 'assessment'
                    WHEN {u(k, 204)} < 0.85 THEN 'iep'
                    WHEN {u(k, 204)} < 0.91 THEN 'supportive'
                    WHEN {u(k, 204)} < 0.94 THEN 'training_begin'
                    WHEN {u(k, 204)} < 0.97 THEN 'training_end'
                    ELSE 'veteran' END AS note_type
        FROM (
            SELECT %(n0)s + row_number() OVER (ORDER BY contact_date, customer_id, k) AS id, *
            FROM (
                SELECT c.id AS customer_id, k, rkey, c.planner_id, c.tracker_id,
                       c.notes_before_exit,
                       CASE WHEN k > c.notes_before_exit
                                THEN c.exit_date
                                     + floor({u("rkey", 200)} * ({A} - c.exit_date + 1))::int
                            WHEN k = 1 THEN c.w_start
                            WHEN k = c.notes_before_exit THEN c.w_end
                            ELSE c.w_start + floor(((k - 1) + {u("rkey", 200)})
                                 / c.notes_before_exit * (c.w_end - c.w_start))::int
                            END AS contact_date
                FROM bench_c c
                CROSS JOIN LATERAL generate_series(1, c.n_notes) k
                CROSS JOIN LATERAL (SELECT c.i::bigint * 8192 + k AS rkey) keys
            ) z
        ) x
    ) w
    ORDER BY contact_date, customer_id, k  -- the ids' order, as the window sorted them
    """


def _plans_sql(c: str) -> str:
    return f"""
    INSERT INTO plans_plan (
        id, customer_id, kind, assessment_summary, employment_goal, career_path, strengths,
        justification, supportive_services, developed_on, last_reviewed_on, needs_agreement,
        created_by_id, created_at)
    SELECT %(p0)s + row_number() OVER (ORDER BY c.plan_day, c.id), c.id,
           CASE WHEN c.program = 'youth' THEN 'iss' ELSE 'iep' END,
           'TABE 11/12: reading at the 8th grade level, math at the 7th.',
           {pick("employment_goals", u(c, 30))}, {pick("career_paths", u(c, 31))},
           'Reliable attendance; works well in teams.',
           'Needs a recognised credential to move out of seasonal work.',
           CASE WHEN {u(c, 32)} < 0.4 THEN 'Bus passes while in training.' ELSE '' END,
           c.plan_day,
           CASE WHEN c.status = 'participant' THEN
                    nullif(greatest({A} - floor({u(c, 33)} * 100)::int, c.plan_day), c.plan_day)
                ELSE nullif(greatest(c.w_end - floor({u(c, 33)} * 90)::int, c.plan_day),
                            c.plan_day) END,
           {u(c, 34)} < 0.08,
           c.planner_id,
           {_local("c.plan_day", "'10:00'")}
    FROM bench_c c
    WHERE c.has_plan
    ORDER BY 1
    """


def _versions_sql() -> str:
    return f"""
    INSERT INTO plans_planversion (
        id, plan_id, customer_id, number, content, created_at, created_by_id,
        content_changed_at, printed_at, signed_on, signed_copy, signed_copy_type,
        signed_uploaded_by_id, signed_uploaded_at)
    SELECT %(v0)s + p.id - %(p0)s, p.id, p.customer_id, 1,
           jsonb_build_object(
               'kind', CASE p.kind WHEN 'iss' THEN 'Individual Service Strategy (ISS)'
                                   ELSE 'Individual Employment Plan (IEP)' END,
               'short_name', upper(p.kind),
               'customer', jsonb_build_object(
                   'name', cu.first_name || ' ' || cu.last_name,
                   'number', cu.customer_number,
                   'programs', to_jsonb(cu.programs)),
               'developed_on', p.developed_on::text,
               'employment_goal', p.employment_goal,
               'career_path', p.career_path,
               'goals', '[]'::jsonb),
           p.created_at, p.created_by_id, p.created_at, p.created_at + interval '5 minutes',
           CASE WHEN NOT p.needs_agreement THEN p.developed_on END,
           CASE WHEN NOT p.needs_agreement
                THEN 'signed-plans/' || p.customer_id || '/bench-signed.pdf' ELSE '' END,
           CASE WHEN NOT p.needs_agreement THEN 'application/pdf' ELSE '' END,
           CASE WHEN NOT p.needs_agreement THEN p.created_by_id END,
           CASE WHEN NOT p.needs_agreement THEN {_local("p.developed_on", "'15:00'")} END
    FROM plans_plan p
    JOIN customers_customer cu ON cu.id = p.customer_id
    WHERE p.id > %(p0)s
    ORDER BY 1
    """


def _goals_sql() -> str:
    k = "x.rkey"  # draws of a goal: salts 400-499
    return f"""
    INSERT INTO plans_goal (
        id, plan_id, customer_id, statement, category, term, status, indicator,
        justification, created_at)
    SELECT %(g0)s + row_number() OVER (ORDER BY plan_id, g), plan_id, customer_id,
           (%(goal_statements)s::text[])[n], (%(goal_categories)s::text[])[n],
           (%(goal_terms)s::text[])[n],
           CASE WHEN status <> 'participant' AND {u(k, 401)} < 0.7 THEN 'complete'
                WHEN {u(k, 402)} < 0.10 THEN 'complete'
                WHEN {u(k, 402)} < 0.60 THEN 'on_track'
                WHEN {u(k, 402)} < 0.90 THEN 'not_started'
                ELSE 'off_track' END,
           CASE WHEN {u(k, 403)} < 0.3 THEN 'credential'
                WHEN {u(k, 403)} < 0.6 THEN 'employment_q2'
                WHEN {u(k, 403)} < 0.75 THEN 'skill_gain' ELSE '' END,
           'The assessment shows this is the next step toward the employment goal.',
           created_at
    FROM (
        SELECT p.id AS plan_id, p.customer_id, p.created_at, c.status, g,
               c.i::bigint * 8 + g AS rkey,
               1 + floor({u("c.i::bigint * 8 + g", 400)}
                         * cardinality(%(goal_statements)s::text[]))::int AS n
        FROM plans_plan p
        JOIN bench_c c ON c.id = p.customer_id
        CROSS JOIN LATERAL generate_series(1, c.n_goals) g
        WHERE p.id > %(p0)s
    ) x
    ORDER BY 1
    """


def _steps_sql() -> str:
    k = "x.rkey"  # draws of a step: salts 500-599
    return f"""
    INSERT INTO plans_step (
        id, goal_id, customer_id, activity_id, description, status, start_on, due_on, hours,
        provider, dollar_value)
    SELECT x.id, x.goal_id, x.customer_id, a.id,
           CASE WHEN x.youth THEN (%(youth_step_descriptions)s::text[])[x.n]
                ELSE (%(adult_step_descriptions)s::text[])[x.n] END,
           CASE WHEN x.goal_status = 'complete' THEN 'complete'
                WHEN {u(k, 502)} < 0.35 THEN 'planned'
                WHEN {u(k, 502)} < 0.80 THEN 'in_progress'
                WHEN {u(k, 502)} < 0.97 THEN 'complete'
                ELSE 'not_completed' END,
           x.start_on, x.start_on + 30 + floor({u(k, 503)} * 90)::int,
           CASE WHEN a.code IN ('300', '201') THEN 10 END,
           CASE WHEN x.youth THEN (%(youth_step_providers)s::text[])[x.n]
                ELSE (%(adult_step_providers)s::text[])[x.n] END,
           CASE a.code WHEN '300' THEN 1250 WHEN '181' THEN 75 END
    FROM (
        SELECT %(t0)s + row_number() OVER (ORDER BY goal_id, s) AS id, *
        FROM (
            SELECT g.id AS goal_id, g.customer_id, g.status AS goal_status, s,
                   (g.id - %(g0)s) * 4 + s AS rkey,
                   c.program = 'youth' AS youth,
                   p.developed_on + 14 * (s - 1)
                       + floor({u("(g.id - %(g0)s) * 4 + s", 501)} * 14)::int AS start_on,
                   1 + floor({u("(g.id - %(g0)s) * 4 + s", 500)}
                             * CASE WHEN c.program = 'youth'
                                    THEN cardinality(%(youth_step_codes)s::text[])
                                    ELSE cardinality(%(adult_step_codes)s::text[]) END)::int AS n
            FROM plans_goal g
            JOIN plans_plan p ON p.id = g.plan_id
            JOIN bench_c c ON c.id = g.customer_id
            CROSS JOIN LATERAL generate_series(1, 1 + floor({u("g.id - %(g0)s", 504)} * 3)::int) s
            WHERE g.id > %(g0)s
        ) z
    ) x
    JOIN services_activity a ON a.code = CASE
        WHEN x.youth THEN (%(youth_step_codes)s::text[])[x.n]
        ELSE (%(adult_step_codes)s::text[])[x.n] END
    ORDER BY 1
    """


# --- A normal working day after the generation ----------------------------------------

DAY_SHARE = 0.025  # of the open customers are seen on a working day
DAY_NEW_SHARE = 0.001  # of the customers, in new applicants a day
# What a customer seen that day gets (a customer in follow-up only ever gets a note).
DAY_EDITS = [("note", 0.60), ("start", 0.25), ("close", 0.15)]
DAY_EPOCH = datetime.date(2000, 1, 1)


def simulate_day(
    *,
    day: datetime.date,
    seed: int,
    share: float = DAY_SHARE,
    new_share: float = DAY_NEW_SHARE,
) -> dict[str, int]:
    """A normal working day on `day`, after the day the data was generated for, in bulk
    SQL: `share` of the open customers are seen and get a case note (two in three of
    them two-way), start a service or finish their oldest open one; `new_share` of the
    caseload's size registers as new applicants, each with an initial note. The same day
    and seed give the same edits.

    Every customer changed is marked dirty on its compliance clock, as a save marks it;
    the new applicants have no clock yet. Returns the counts of what changed."""
    params = {
        **_vocabulary(),
        "seed": int(seed),
        "as_of": day,
        "day_no": (day - DAY_EPOCH).days,
        "share": share,
        "open": OPEN_STATUSES,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*), min(id), max(id) FROM customers_customer")
        customers, first_id, last_id = cursor.fetchone()
        params |= {
            "new": round(customers * new_share),
            "first_id": first_id or 0,
            "last_id": last_id or 0,
        }
        cursor.execute("DROP TABLE IF EXISTS pg_temp.day_edit, pg_temp.bench_c")
        cursor.execute(_day_pick_sql(), params)
        cursor.execute(_day_new_customers_sql(), params)
        cursor.execute(_customers_sql("c.i"), params)
        new = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO day_edit (customer_id, planner_id, status, youth, kind, key)
            SELECT id, planner_id, status, program = 'youth', 'new', i FROM bench_c
            """
        )
        cursor.execute(_day_notes_sql(), params)
        notes = cursor.rowcount
        cursor.execute(_day_services_sql(), params)
        started = cursor.rowcount
        cursor.execute(_day_close_sql(), params)
        closed = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """
            UPDATE compliance_customerclock SET dirty = true
            WHERE customer_id IN (SELECT customer_id FROM day_edit WHERE kind <> 'close')
               OR customer_id = ANY(%s)
            """,
            [closed],
        )
        cursor.execute("SELECT count(*) FROM day_edit WHERE kind <> 'close'")
        changed = cursor.fetchone()[0] + len(closed)
        cursor.execute("DROP TABLE pg_temp.day_edit, pg_temp.bench_c")
    return {
        "customers": changed,
        "new_customers": new,
        "notes": notes,
        "services_started": started,
        "services_closed": len(closed),
    }


def undo_days(*, as_of: datetime.date) -> None:
    """Take back what was entered after `as_of`, the day the data was generated for:
    the simulated days' notes, services and applicants, and their closing of services.
    (The generator enters nothing after the end of that day.) The triggers are off as in
    the load, foreign-key checks included: empty the alert tables first, as the bench does."""
    cutoff = {"cutoff": as_of + datetime.timedelta(days=1), "tz": TIME_ZONE}
    after = _local("%(cutoff)s::date", "'00:00'")
    with transaction.atomic(), connection.cursor() as cursor:
        # Case notes are immutable to the application: its trigger is off, like the history's.
        restore_triggers = _disable_triggers(cursor)
        cursor.execute(f"DELETE FROM casenotes_casenote WHERE entered_at >= {after}", cutoff)
        cursor.execute(f"DELETE FROM services_servicerecord WHERE entered_at >= {after}", cutoff)
        cursor.execute(
            f"""
            UPDATE services_servicerecord
            SET ended_on = NULL, completion_status = '', closed_by_id = NULL, closed_at = NULL,
                closed_late = false
            WHERE closed_at >= {after}
            """,
            cutoff,
        )
        cursor.execute(f"DELETE FROM customers_customer WHERE created_at >= {after}", cutoff)
        restore_triggers()


def _day_pick_sql() -> str:
    """The customers seen on the day, and what each gets (salts 700-709)."""
    key = "k.key"
    return f"""
    CREATE TEMP TABLE day_edit AS
    SELECT c.id AS customer_id, c.career_planner_id AS planner_id, c.status,
           'youth' = ANY(c.programs) AS youth,
           CASE WHEN c.status = 'follow_up' THEN 'note'
                ELSE {_mix(u(key, 701), DAY_EDITS)} END AS kind,
           {key} AS key
    FROM customers_customer c
    CROSS JOIN LATERAL (SELECT c.id::bigint * 65536 + %(day_no)s AS key) k
    WHERE c.status = ANY(%(open)s) AND {u(key, 700)} < %(share)s
    """


def _day_new_customers_sql() -> str:
    """The day's applicants, in the shape `_customers_sql` reads: each goes to the office
    and planner of an existing customer drawn at random (salts 710-719)."""
    key = "%(day_no)s::bigint * 1000000 + j"
    return f"""
    CREATE TEMP TABLE bench_c AS
    SELECT {key} AS i, nextval(pg_get_serial_sequence('customers_customer', 'id')) AS id,
           s.office_id, s.career_planner_id AS planner_id, 'applicant'::text AS status,
           CASE WHEN {u(key, 710)} < 0.15 THEN 'youth' ELSE 'adult' END AS program,
           %(as_of)s::date AS application_date, NULL::date AS eligibility_date,
           %(as_of)s::date AS w_end, NULL::date AS exit_date
    FROM generate_series(1, %(new)s) j
    CROSS JOIN LATERAL (
        SELECT office_id, career_planner_id FROM customers_customer
        WHERE id >= %(first_id)s + floor({u(key, 711)} * (%(last_id)s - %(first_id)s + 1))
        ORDER BY id LIMIT 1
    ) s
    ORDER BY j
    """


def _day_notes_sql() -> str:
    k = "key"  # salts 720-729
    entered = f"{_local(A, chr(39) + '09:00' + chr(39))} + {u(k, 721)} * interval '8 hours'"
    return f"""
    INSERT INTO casenotes_casenote (
        customer_id, contact_date, entered_at, entered_late, author_id, note_type,
        subject, body, contact_method, two_way, service_id, addendum_to_id, legacy_id)
    SELECT customer_id, {A}, {entered}, false, planner_id,
           CASE WHEN kind = 'new' THEN 'initial'
                WHEN status = 'follow_up' THEN 'follow_up' ELSE 'general' END,
           CASE WHEN kind = 'new' THEN 'Introduction and program overview'
                WHEN status = 'follow_up' THEN 'Follow-up contact'
                ELSE {pick("subjects", u(k, 722))} END,
           CASE WHEN two_way
                THEN {pick("openings", u(k, 723))} || ' ' || {pick("closings", u(k, 724))}
                ELSE {pick("attempts", u(k, 725))} END,
           CASE WHEN two_way AND {u(k, 726)} < 0.4 THEN 'in_person' ELSE 'phone' END,
           two_way, NULL, NULL, NULL
    FROM (SELECT d.*, kind = 'new' OR {u(k, 720)} < 0.67 AS two_way FROM day_edit d) d
    WHERE kind IN ('note', 'new')
    ORDER BY customer_id
    """


def _day_services_sql() -> str:
    k = "key"  # salts 730-739, and 106-108 for the terms
    entered = f"{_local(A, chr(39) + '09:00' + chr(39))} + {u(k, 731)} * interval '8 hours'"
    adult = _mix(u(k, 730), ADULT_MIX)
    youth = _mix(u(k, 730), YOUTH_MIX)
    return f"""
    INSERT INTO services_servicerecord (
        customer_id, activity_id, started_on, start_is_projected, planned_end_on, ended_on,
        completion_status, provider, provider_name, weekly_hours, dollar_value, notes, goal_id,
        entered_by_id, entered_at, entered_late, closed_by_id, closed_at, closed_late,
        reopen_reason, legacy_id)
    SELECT customer_id, activity_id, {A}, false,
           CASE WHEN NOT same_day THEN {A} + 30 + floor({u(k, 732)} * 150)::int END,
           CASE WHEN same_day THEN {A} END,
           CASE WHEN same_day THEN 'successful' ELSE '' END,
           {_service_terms(k)},
           '', NULL, planner_id, entered_at, false,
           CASE WHEN same_day THEN planner_id END,
           CASE WHEN same_day THEN entered_at END,
           false, '', NULL
    FROM (
        SELECT d.*, a.id AS activity_id, a.same_day
        FROM (
            SELECT d.*, {entered} AS entered_at,
                   CASE WHEN status = 'applicant' THEN {pick("applicant_codes", u(k, 733))}
                        WHEN youth THEN {youth} ELSE {adult} END AS code
            FROM day_edit d
            WHERE kind = 'start'
        ) d
        JOIN services_activity a ON a.code = d.code
    ) d
    ORDER BY customer_id
    """


def _day_close_sql() -> str:
    """Each customer due a closing finishes its oldest open service; returns the customers."""
    return f"""
    UPDATE services_servicerecord s
    SET ended_on = {A}, completion_status = 'successful', closed_by_id = o.planner_id,
        closed_at = {_local(A, "'16:00'")}, closed_late = false
    FROM (
        SELECT DISTINCT ON (d.customer_id) r.id, d.planner_id
        FROM day_edit d
        JOIN services_servicerecord r ON r.customer_id = d.customer_id
        WHERE d.kind = 'close' AND r.ended_on IS NULL AND r.started_on <= {A}
        ORDER BY d.customer_id, r.started_on, r.id
    ) o
    WHERE s.id = o.id
    RETURNING s.customer_id
    """
