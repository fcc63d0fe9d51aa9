"""The benchmark's data generator (demo.generated): sizes, repeatability, integrity
of the references it builds with the foreign-key checks off, and the service-matrix
invariants the compliance rules rely on."""

import datetime

import pytest
from django.db import connection, transaction

from casemgmt.models import Region, User
from customers.models import Customer
from demo import generated as demo_data
from services.models import ServiceRecord

AS_OF = datetime.date(2026, 11, 2)
CUSTOMERS = 200


class _Undo(Exception):
    pass


def _generate(seed: int = 1) -> dict[str, tuple[int, float]]:
    return demo_data.generate(customers=CUSTOMERS, seed=seed, as_of=AS_OF)


def _scalar(sql: str, params: object = None) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _checksum() -> dict[str, str]:
    """A digest of every generated row (ids included) of each table."""
    return {
        table: _scalar(
            f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM {table} t"  # noqa: S608 - fixed names
        )
        for table in demo_data.TABLES
    }


def _generate_and_undo(seed: int) -> dict[str, str]:
    digest: dict[str, str] = {}
    try:
        with transaction.atomic():
            _generate(seed)
            digest.update(_checksum())
            raise _Undo
    except _Undo:
        pass
    return digest


@pytest.fixture
def generated(db) -> dict[str, tuple[int, float]]:
    return _generate()


def test_sizes(generated):
    assert generated["customers_customer"][0] == CUSTOMERS == Customer.objects.count()
    services = ServiceRecord.objects.count()
    notes = _scalar("SELECT count(*) FROM casenotes_casenote")
    assert 0.8 * 20 * CUSTOMERS <= services <= 1.2 * 20 * CUSTOMERS
    assert 0.8 * 30 * CUSTOMERS <= notes <= 1.2 * 30 * CUSTOMERS
    enrolled = Customer.objects.exclude(status="applicant").count()
    assert 0.70 * CUSTOMERS <= enrolled <= 0.99 * CUSTOMERS
    plans = _scalar("SELECT count(*) FROM plans_plan")
    assert 0.7 * enrolled <= plans <= 0.97 * enrolled
    assert _scalar("SELECT count(*) FROM plans_goal") >= plans
    assert _scalar("SELECT count(*) FROM plans_step") >= plans
    assert _scalar("SELECT count(*) FROM plans_planversion") == plans
    staff = demo_data.shape(CUSTOMERS).staff
    assert User.objects.filter(username__startswith="bench_").count() == staff
    assert User.objects.filter(username="bench_supervisor_1", supervised_offices__isnull=False)
    statuses = set(Customer.objects.values_list("status", flat=True))
    assert {"applicant", "participant", "exited"} <= statuses


def test_same_seed_same_rows_other_seed_other_rows(db):
    first = _generate_and_undo(seed=7)
    assert first == _generate_and_undo(seed=7)
    other = _generate_and_undo(seed=8)
    assert other["services_servicerecord"] != first["services_servicerecord"]
    assert other["casemgmt_office"] == first["casemgmt_office"]  # the offices don't vary


def test_every_reference_points_to_a_row(generated):
    """The load ran without FK checks: check each foreign key of the tables it wrote."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text,
                   fa.attname
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
            WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
              AND c.conrelid::regclass::text = ANY (%s)
            """,
            [
                [
                    *demo_data.TABLES,
                    "casemgmt_user_groups",
                    "casemgmt_user_offices",
                    "casemgmt_user_supervised_offices",
                ]
            ],
        )
        keys = cursor.fetchall()
        assert len(keys) > 20
        dangling = {}
        for table, column, target, target_column in keys:
            cursor.execute(
                f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS "  # noqa: S608 - names from the catalog
                f"(SELECT 1 FROM {target} x WHERE x.{target_column} = t.{column})"
            )
            count = cursor.fetchone()[0]
            if count:
                dangling[f"{table}.{column}"] = count
    assert dangling == {}
    # Rows that belong to a customer belong to the same one all the way down.
    assert not _scalar(
        """
        SELECT count(*) FROM plans_step s
        JOIN plans_goal g ON g.id = s.goal_id JOIN plans_plan p ON p.id = g.plan_id
        WHERE s.customer_id <> g.customer_id OR g.customer_id <> p.customer_id
        """
    )
    assert not _scalar(
        """
        SELECT count(*) FROM plans_planversion v JOIN plans_plan p ON p.id = v.plan_id
        WHERE v.customer_id <> p.customer_id
        """
    )
    # Each customer's planner works in the customer's office.
    assert not _scalar(
        """
        SELECT count(*) FROM customers_customer c
        WHERE NOT EXISTS (SELECT 1 FROM casemgmt_user_offices m
                          WHERE m.user_id = c.career_planner_id AND m.office_id = c.office_id)
        """
    )


def test_services_follow_the_matrix(generated):
    def count(where: str) -> int:
        return _scalar(
            "SELECT count(*) FROM services_servicerecord s "  # noqa: S608 - fixed text
            "JOIN services_activity a ON a.id = s.activity_id "
            "JOIN customers_customer c ON c.id = s.customer_id "
            "JOIN casemgmt_office o ON o.id = c.office_id WHERE " + where,
            {"as_of": AS_OF},
        )

    assert count("a.same_day") > 0 and count("NOT a.same_day") > 0
    assert count("a.same_day AND s.ended_on IS DISTINCT FROM s.started_on") == 0
    assert count("a.same_day AND s.planned_end_on IS NOT NULL") == 0
    assert (
        count("NOT a.same_day AND (s.planned_end_on IS NULL OR s.planned_end_on <= s.started_on)")
        == 0
    )
    assert (
        count("s.ended_on < s.started_on OR s.ended_on > %(as_of)s OR s.started_on > %(as_of)s")
        == 0
    )
    assert count("s.ended_on IS NULL AND NOT a.same_day") > 0  # open training and the like
    # Completion status and closing go with the end date.
    assert count("(s.ended_on IS NULL) <> (s.completion_status = '')") == 0
    assert count("(s.ended_on IS NULL) <> (s.closed_at IS NULL)") == 0
    # The late flag says what the dates say (the 10-day entry rule).
    assert (
        count(
            "s.entered_late <> ((s.entered_at AT TIME ZONE o.time_zone)::date - s.started_on > 10)"
        )
        == 0
    )
    assert count("s.entered_late") > 0
    assert count("s.entered_at < (s.started_on::timestamp AT TIME ZONE o.time_zone)") == 0
    # Before an exit: 90 days without a service, nothing open; after it, follow-up only.
    assert count("c.exit_date IS NOT NULL AND a.code <> '600' AND s.ended_on IS NULL") == 0
    assert (
        count(
            "c.exit_date IS NOT NULL AND a.code <> '600' "
            "AND coalesce(s.ended_on, s.started_on) > c.exit_date - 90"
        )
        == 0
    )
    assert count("a.code = '600' AND (c.exit_date IS NULL OR s.started_on < c.exit_date)") == 0
    assert count("c.status = 'applicant' AND a.category NOT IN ('basic_career')") == 0
    # Notes: two-way about 70% of the time, never dated after the day the data is taken.
    two_way = _scalar("SELECT avg(two_way::int) FROM casenotes_casenote")
    assert 0.6 < two_way < 0.85
    assert not _scalar("SELECT count(*) FROM casenotes_casenote WHERE contact_date > %s", [AS_OF])


def test_loaded_without_history_and_leaves_the_session_as_it_was(generated):
    assert _scalar("SELECT count(*) FROM services_servicerecordevent") == 0
    assert _scalar("SELECT count(*) FROM casenotes_casenoteevent") == 0
    assert _scalar("SHOW session_replication_role") == "origin"
    # The indexes dropped for the load are back, under their own names.
    indexes = _scalar(
        "SELECT count(*) FROM pg_indexes WHERE tablename = ANY (%s)", [demo_data.BULK_TABLES]
    )
    assert indexes >= 15
    # Sequences follow the generated ids: the next row gets a fresh one.
    region = Region.objects.create(name="After the load")
    assert region.pk == _scalar("SELECT max(id) FROM casemgmt_region")
    assert _scalar("SELECT count(*) FROM services_servicerecordevent") == 0


def test_refuses_a_database_with_customers(generated):
    with pytest.raises(ValueError, match="empty"):
        _generate(seed=2)
