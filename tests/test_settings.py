import os
import subprocess
import sys
from pathlib import Path

import pytest

from casemgmt.tasks import clear_expired_sessions

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "PATH": os.environ.get("PATH", ""),
    "DJANGO_SETTINGS_MODULE": "casemgmt.settings",
    "DJANGO_SECRET_KEY": "x" * 20 + "production-secret-for-the-check-only-" + "y" * 20,
    "CASEMGMT_PII_KEY": "a-production-pii-key-for-the-check-only",
    "DATABASE_URL": "postgres://casemgmt@db.invalid:5432/casemgmt",
    "DJANGO_ALLOWED_HOSTS": "casemgmt.example.org",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "CASEMGMT_PII_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing: str):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


@pytest.mark.parametrize(
    ("pii_key", "refusal"),
    [
        ("k" * 31, "CASEMGMT_PII_KEY must be at least 32 bytes long"),
        ("é" * 15 + "k", "CASEMGMT_PII_KEY must be at least 32 bytes long"),  # 31 bytes
        (PRODUCTION["DJANGO_SECRET_KEY"], "must not be the same as DJANGO_SECRET_KEY"),
    ],
    ids=["31-characters", "31-bytes", "the-secret-key"],
)
def test_production_refuses_a_weak_pii_key(pii_key: str, refusal: str):
    result = manage("check", env={**PRODUCTION, "CASEMGMT_PII_KEY": pii_key})
    assert result.returncode != 0
    assert refusal in result.stderr


def test_production_starts_with_a_pii_key_of_32_bytes():
    result = manage("check", env={**PRODUCTION, "CASEMGMT_PII_KEY": "é" * 16})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [("CASEMGMT_TRUSTED_PROXIES", "10.0.0.1, the-proxy"), ("CASEMGMT_LOGIN_ADDRESS_LIMIT", "5")],
)
def test_production_refuses_a_bad_throttle_setting(name: str, value: str):
    result = manage("check", env={**PRODUCTION, name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_debug_is_off_unless_asked_for():
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=PRODUCTION,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "False", result.stderr


def test_the_session_sweep_runs_as_a_task(db):
    import datetime

    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    live = SessionStore()
    live.create()
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(minutes=1)
    )
    result = clear_expired_sessions.apply()
    assert result.get() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_repeated_failed_sign_ins_are_throttled(world, settings):
    from django.test import Client
    from django.urls import reverse

    settings.AXES_ENABLED = True
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(
            reverse("login"), {"username": "planner_a", "password": "wrong password"}
        )
        assert response.status_code == 200
    last_try = client.post(
        reverse("login"), {"username": "planner_a", "password": "wrong password"}
    )
    assert last_try.status_code == 429
    locked = client.post(
        reverse("login"), {"username": "planner_a", "password": "a-long-test-password-1"}
    )
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
