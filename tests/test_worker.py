"""A real Celery worker process runs a task sent through the real broker.

The broker is Redis when REDIS_URL is set (CI), else kombu's filesystem transport.
The worker listens on a queue of its own, so a developer's running worker never
takes the test's task.
"""

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from casemgmt.tasks import clear_expired_sessions

ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    db = connection.settings_dict
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("worker")
def test_a_worker_process_runs_the_session_sweep():
    expired = SessionStore()
    expired.create()
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(minutes=1))
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": _database_url()}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "casemgmt",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    from casemgmt.celery import app

    app.conf.task_always_eager = False
    try:
        clear_expired_sessions.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        while Session.objects.exists() and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.2)  # waiting on another process, not moving the clock
        remaining = Session.objects.count()
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert remaining == 0, output
