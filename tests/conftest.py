from dataclasses import dataclass

import pytest
from django.test import Client

from casemgmt import roles
from casemgmt.models import Office, User
from customers.models import Customer
from tests.factories import make_customer, make_office, make_user


@dataclass
class World:
    office_a: Office
    office_b: Office
    planner_a: User
    planner_b: User
    supervisor_a: User
    facilitator: User
    tracker_a: User
    vetrep_a: User
    admin: User
    customer_a: Customer
    customer_b: Customer


@pytest.fixture
def world(db) -> World:
    """The named personas every test uses: offices A and B, and one person of each kind."""
    office_a = make_office("A")
    office_b = make_office("B")
    planner_a = make_user("planner_a", roles.CAREER_PLANNER, offices=[office_a])
    planner_b = make_user("planner_b", roles.CAREER_PLANNER, offices=[office_b])
    supervisor_a = make_user(
        "supervisor_a", roles.SUPERVISOR, offices=[office_a], supervises=[office_a]
    )
    facilitator = make_user("facilitator", roles.FACILITATOR, offices=[office_a])
    tracker_a = make_user("tracker_a", roles.TRACKER, offices=[office_a])
    vetrep_a = make_user("vetrep_a", roles.VETERAN_REPRESENTATIVE, offices=[office_a])
    admin = make_user("admin", roles.ADMINISTRATOR, is_staff=True)
    return World(
        office_a=office_a,
        office_b=office_b,
        planner_a=planner_a,
        planner_b=planner_b,
        supervisor_a=supervisor_a,
        facilitator=facilitator,
        tracker_a=tracker_a,
        vetrep_a=vetrep_a,
        admin=admin,
        customer_a=make_customer(office=office_a, planner=planner_a, first_name="Ada"),
        customer_b=make_customer(office=office_b, planner=planner_b, first_name="Bea"),
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2 at full strength costs a quarter second per user; tests need no strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _load_reference_rows() -> None:
    """The data migrations' reference rows, by the migrations' own idempotent loaders."""
    import importlib

    from django.apps import apps

    for module in (
        "customers.migrations.0002_reference_data",
        "services.migrations.0002_service_matrix",
        "casenotes.migrations.0003_acronyms",
        "plans.migrations.0002_assessment_types",
    ):
        importlib.import_module(module).load(apps, None)


@pytest.fixture
def reference_data(transactional_db):
    """Reload the data migrations' reference rows, which a transactional test's flush empties."""
    _load_reference_rows()


@pytest.fixture(autouse=True)
def _reference_rows_after_a_flush(request, django_db_setup, django_db_blocker):
    """A transactional test (every browser test) empties the tables when it ends, the
    migrations' reference rows with them; the next test on that worker finds them again.
    Loaded before the test's own transaction begins, so they stay for the tests after."""
    if request.node.get_closest_marker("django_db") is None and not (
        {"db", "transactional_db", "world"} & set(request.fixturenames)
    ):
        return
    from plans.models import AssessmentType

    with django_db_blocker.unblock():
        if not AssessmentType.objects.exists():
            _load_reference_rows()


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    # Tasks queued on commit run in-process in tests; tests/test_worker.py turns this off
    # to exercise a real worker.
    from casemgmt.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
