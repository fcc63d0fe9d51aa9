"""The benchmark's generator at a small size: caseloads as real as at a million customers
(staff grow with the customers), a normal day's edits, and the bench's check that the
incremental run leaves what a full evaluation would."""

import datetime
import statistics

import pytest
from django.db import connection

from benchmarks import compliance as bench
from casemgmt.models import Office, Region, User
from compliance import engine
from compliance.models import Alert
from demo import generated as demo_data

AS_OF = datetime.date(2026, 11, 2)
NEXT_DAY = AS_OF + datetime.timedelta(days=1)
CUSTOMERS = 2_000


def _scalar(sql: str, params: object = None) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _open_caseloads(username_prefix: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(c.id) FROM casemgmt_user u
            LEFT JOIN customers_customer c
                   ON c.career_planner_id = u.id AND c.status NOT IN ('exited', 'closed')
            WHERE u.username LIKE %s GROUP BY u.id
            """,
            [username_prefix + "%"],
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_staff_grow_with_the_customers():
    area, state = demo_data.shape(100_000), demo_data.shape(1_000_000)
    assert 9_000 <= state.staff <= 12_000  # not 400
    assert state.planners == pytest.approx(10 * area.planners, rel=0.01)
    assert state.offices == -(-state.planners // demo_data.PLANNERS_PER_OFFICE)
    assert state.regions == -(-state.offices // demo_data.OFFICES_PER_REGION)


def test_it_gives_each_career_planner_a_real_caseload(db):
    demo_data.generate(customers=CUSTOMERS, seed=3, as_of=AS_OF)
    shape = demo_data.shape(CUSTOMERS)
    assert User.objects.filter(username__startswith="bench_").count() == shape.staff
    assert Office.objects.count() == shape.offices
    assert (
        Region.objects.count() == shape.regions == _scalar("SELECT count(*) FROM compliance_policy")
    )
    caseloads = _open_caseloads("bench_planner_")
    assert len(caseloads) == shape.planners
    assert all(60 <= load <= 120 for load in caseloads), caseloads
    assert 80 <= statistics.mean(caseloads) <= 100
    assert all(load < 30 for load in _open_caseloads("bench_newhire_"))
    director = User.objects.get(username="bench_director_1")
    assert set(director.supervised_offices.all()) == set(
        Office.objects.filter(region__name__endswith="01")
    )
    assert User.objects.get(username="bench_administrator").has_perm("casemgmt.view_all_offices")


def _schema() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated
            FROM pg_constraint WHERE connamespace = 'public'::regnamespace
            UNION ALL
            SELECT tablename, indexname, indexdef, true FROM pg_indexes WHERE schemaname = 'public'
            """
        )
        return set(cursor.fetchall())


def test_the_load_leaves_every_key_index_and_constraint_as_migrated(db):
    """The load drops indexes, primary keys and the foreign keys to them, and puts them back."""
    migrated = _schema()
    demo_data.generate(customers=200, seed=3, as_of=AS_OF)
    assert _schema() == migrated


@pytest.mark.skipif(
    not hasattr(engine, "evaluate_due"), reason="the incremental run is not in the engine yet"
)
def test_the_check_passes_after_a_normal_day_and_catches_a_difference(reference_data):
    demo_data.generate(customers=CUSTOMERS, seed=5, as_of=AS_OF)
    engine.evaluate(as_of=AS_OF)
    day = demo_data.simulate_day(day=NEXT_DAY, seed=5)
    assert 0.015 * CUSTOMERS <= day["customers"] <= 0.04 * CUSTOMERS
    assert day["new_customers"] == 2 and day["notes"] > day["services_started"] > 0
    assert _scalar("SELECT count(*) FROM compliance_customerclock WHERE dirty") > 0.6 * (
        day["customers"] - day["new_customers"]
    )
    due = engine.evaluate_due(as_of=NEXT_DAY)
    assert due.evaluated >= day["customers"]

    bench.snapshot()
    full = engine.evaluate(as_of=NEXT_DAY)
    assert (full.opened, full.resolved, full.exited) == (0, 0, 0)
    assert bench.differences_from_snapshot() == {"alerts": 0, "customers": 0}

    bench.snapshot()
    Alert.objects.filter(pk=Alert.objects.filter(resolved_at__isnull=True).first().pk).delete()
    assert bench.differences_from_snapshot() == {"alerts": 1, "customers": 0}


def test_undo_days_takes_the_day_back(db):
    demo_data.generate(customers=CUSTOMERS, seed=5, as_of=AS_OF)
    tables = ["customers_customer", "services_servicerecord", "casenotes_casenote"]
    digest = "SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM {} t"
    before = [_scalar(digest.format(table)) for table in tables]
    demo_data.simulate_day(day=NEXT_DAY, seed=5)
    assert [_scalar(digest.format(table)) for table in tables] != before
    demo_data.undo_days(as_of=AS_OF)
    assert [_scalar(digest.format(table)) for table in tables] == before
