"""Web hardening: what a shared computer keeps, who may keep guessing passwords, what a
download and an upload may do, that no GET writes, slow clients, and a dropped database
connection.

The server tests start the real web server the way `make run` does (`scripts/run.sh web`)
and talk to it over real sockets.
"""

import contextlib
import http.client
import os
import re
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from customers.models import DocumentType
from customers.services import document_upload
from plans.services import plan_version_mark_printed, plan_version_sign
from tests.conftest import World, client_for
from tests.factories import PASSWORD, make_plan

ROOT = Path(__file__).resolve().parent.parent


# --- Nothing about a customer stays in a browser's cache -------------------------------------


def test_a_customer_page_is_never_stored(world: World):
    response = client_for(world.planner_a).get(
        reverse("customers:detail", kwargs={"pk": world.customer_a.pk})
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_dashboard_is_never_stored(world: World):
    response = client_for(world.supervisor_a).get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_view_that_sets_its_own_cache_control_keeps_it(world: World):
    response = Client().get(reverse("admin:login"))
    assert response.status_code == 200
    # Django's admin says never_cache in its own words; the middleware leaves them.
    assert "must-revalidate" in response["Cache-Control"]


def test_static_files_stay_cacheable(db):
    response = Client().get("/static/css/app.css")
    assert response.status_code == 200
    cache_control = response.get("Cache-Control", "")
    assert "no-store" not in cache_control
    assert "max-age" in cache_control


# --- Sign-in throttling -------------------------------------------------------------------------

ADDRESS_A = "198.51.100.7"
ADDRESS_B = "203.0.113.9"


def sign_in(username: str, password: str, address: str, **headers: str) -> int:
    response = Client(REMOTE_ADDR=address, **headers).post(
        reverse("login"), {"username": username, "password": password}
    )
    return response.status_code


def fail(username: str, address: str, times: int = 1, **headers: str) -> None:
    for _ in range(times):
        assert sign_in(username, "wrong password", address, **headers) in (200, 429)


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    return settings


def test_failures_lock_a_user_name_at_one_address_only(world: World, throttled):
    fail("planner_a", ADDRESS_A, times=throttled.AXES_FAILURE_LIMIT)
    assert sign_in("planner_a", PASSWORD, ADDRESS_A) == 429
    assert sign_in("planner_a", PASSWORD, ADDRESS_B) == 302
    assert sign_in("planner_b", PASSWORD, ADDRESS_A) == 302


def test_spraying_one_password_over_many_user_names_is_throttled(world: World, throttled):
    limit = throttled.CASEMGMT_LOGIN_ADDRESS_LIMIT
    assert limit > throttled.AXES_FAILURE_LIMIT
    for n in range(limit):
        fail(f"staff{n}", ADDRESS_A)
    assert sign_in("planner_a", PASSWORD, ADDRESS_A) == 429
    assert sign_in("planner_b", PASSWORD, ADDRESS_A) == 429
    # Another computer is not paused.
    assert sign_in("planner_a", PASSWORD, ADDRESS_B) == 302


def test_a_few_failures_of_many_staff_at_one_address_pause_nobody(world: World, throttled):
    # A job centre signs in from one address; ordinary typos do not add up to a pause.
    for n in range(throttled.CASEMGMT_LOGIN_ADDRESS_LIMIT // 2):
        fail(f"staff{n}", ADDRESS_A)
    assert sign_in("planner_a", PASSWORD, ADDRESS_A) == 302


def test_a_successful_sign_in_resets_the_count(world: World, throttled):
    fail("planner_a", ADDRESS_A, times=throttled.AXES_FAILURE_LIMIT - 1)
    assert sign_in("planner_a", PASSWORD, ADDRESS_A) == 302
    fail("planner_a", ADDRESS_A, times=throttled.AXES_FAILURE_LIMIT - 1)
    assert sign_in("planner_a", PASSWORD, ADDRESS_A) == 302


def test_a_forwarded_address_is_ignored_unless_the_proxy_is_named(world: World, throttled):
    # Without a named proxy, a client cannot dodge the lock by claiming another address.
    for n in range(throttled.AXES_FAILURE_LIMIT):
        fail("planner_a", ADDRESS_A, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert sign_in("planner_a", PASSWORD, ADDRESS_A, HTTP_X_FORWARDED_FOR="192.0.2.99") == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ADDRESS_A}


def test_behind_a_named_proxy_the_forwarded_address_is_the_client(world: World, throttled):
    throttled.CASEMGMT_TRUSTED_PROXIES = ["10.0.0.0/24"]
    proxy = "10.0.0.5"
    # The proxy appends the address it saw; anything left of that is the client's own claim.
    fail(
        "planner_a",
        proxy,
        times=throttled.AXES_FAILURE_LIMIT,
        HTTP_X_FORWARDED_FOR=f"6.6.6.6, {ADDRESS_A}",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ADDRESS_A]
    assert sign_in("planner_a", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ADDRESS_A) == 429
    assert sign_in("planner_a", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ADDRESS_B) == 302
    # A client that is not the proxy still cannot choose its address.
    assert sign_in("planner_a", PASSWORD, ADDRESS_A, HTTP_X_FORWARDED_FOR=ADDRESS_B) == 429


@pytest.mark.parametrize("login", ["/accounts/login/", "/admin/login/"])
@pytest.mark.parametrize(
    "username",
    ["x" * 10_000, "planner_a\x00", "plan\x00ner"],
    ids=["ten-thousand-characters", "trailing-nul", "inner-nul"],
)
def test_an_impossible_user_name_is_refused_with_a_message(
    world: World, throttled, login: str, username: str
):
    response = Client().post(login, {"username": username, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()


# --- Downloads and uploads ----------------------------------------------------------------------


def test_an_eligibility_document_downloads_as_an_attachment(world: World):
    document = document_upload(
        customer=world.customer_a,
        document_type=DocumentType.objects.first(),
        upload=SimpleUploadedFile("id.pdf", b"%PDF-1.4 id", content_type="application/pdf"),
        uploaded_by=world.planner_a,
        max_mb=5,
    )
    response = client_for(world.planner_a).get(
        reverse(
            "customers:document", kwargs={"pk": world.customer_a.pk, "document_pk": document.pk}
        )
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_signed_copy_downloads_as_an_attachment(world: World):
    plan = make_plan(world.customer_a, world.planner_a)
    version = plan.versions.get(number=1)
    plan_version_mark_printed(version)
    plan_version_sign(
        version=version,
        upload=SimpleUploadedFile("s.pdf", b"%PDF-1.4 s", content_type="application/pdf"),
        signed_on=world.customer_a.certification_date,
        uploaded_by=world.planner_a,
        max_mb=5,
    )
    response = client_for(world.planner_a).get(
        reverse("plans:signed_copy", kwargs={"pk": world.customer_a.pk, "number": 1})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_nginx_body_limit_matches_the_app_servers():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    limits = re.findall(r"^\s*client_max_body_size\s+(\d+)m;", conf, re.MULTILINE)
    assert limits == [str(settings.MAX_REQUEST_BODY_BYTES // (1024 * 1024))]


# --- No GET changes the database ----------------------------------------------------------------


def test_printing_is_a_post_that_records_the_print(world: World):
    plan = make_plan(world.customer_a, world.planner_a)
    url = reverse("plans:print", kwargs={"pk": world.customer_a.pk, "number": 1})
    client = client_for(world.planner_a)

    assert client.get(url).status_code == 405
    assert plan.versions.get(number=1).printed_at is None

    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert plan.versions.get(number=1).printed_at is not None


def test_the_plan_page_prints_through_a_form_with_its_token(world: World):
    make_plan(world.customer_a, world.planner_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.planner_a)
    page = client.get(reverse("plans:detail", kwargs={"pk": world.customer_a.pk}))
    html = page.content.decode()
    url = reverse("plans:print", kwargs={"pk": world.customer_a.pk, "number": 1})
    form = re.search(
        rf'<form method="post"\s+action="{re.escape(url)}"[^>]*>(.*?)</form>', html, re.S
    )
    assert form, "the print control is a POST form"
    assert "Print customer copy" in form.group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1)).group(1)
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 200
    assert client.post(url).status_code == 403


# --- The real web server ------------------------------------------------------------------------


@dataclass
class Server:
    host: str
    port: int
    application_name: str

    def get(self, path: str, timeout: float = 10) -> tuple[int, float]:
        started = time.monotonic()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request("GET", path)
            status = conn.getresponse().status
        finally:
            conn.close()
        return status, time.monotonic() - started


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def web_server(request, tmp_path) -> Iterator[Server]:
    """`scripts/run.sh web` on a free port: the web server `make run` starts."""
    extra = getattr(request, "param", {})
    port = _free_port()
    application_name = f"casemgmt-web-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "CASEMGMT_DEV": "1",
        "CASEMGMT_HOST": "127.0.0.1",
        "CASEMGMT_PORT": str(port),
        # libpq names the server's database sessions, so a test can find them.
        "PGAPPNAME": application_name,
        **extra,
    }
    log = tmp_path / "web.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "run.sh"), "web"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server("127.0.0.1", port, application_name)
    deadline = time.monotonic() + 60
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"the web server exited: {log.read_text()[-2000:]}")
            try:
                if server.get("/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the web server did not answer within 60 seconds")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


server_test = pytest.mark.xdist_group("web-server")


def _answer(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


@server_test
def test_a_body_over_the_limit_is_refused_before_it_is_read(web_server: Server):
    with socket.create_connection((web_server.host, web_server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\n"
            b"Host: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {settings.MAX_REQUEST_BODY_BYTES + 1}\r\n\r\n".encode()
        )
        # Not one byte of the body is sent: the answer comes from the headers alone.
        status_line = _answer(sock).split(b"\r\n", 1)[0]
    assert status_line.split()[1] == b"413", status_line


@server_test
def test_a_body_within_the_limit_reaches_the_app(web_server: Server):
    body = b"username=nobody&password=x"
    with socket.create_connection((web_server.host, web_server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        status_line = _answer(sock).split(b"\r\n", 1)[0]
    # The app answers (CSRF refuses a post without its token): not the server's 413.
    assert status_line.split()[1] == b"403", status_line


SLOW_CLIENTS = 50


@server_test
def test_fifty_slow_clients_do_not_stop_the_app_answering(web_server: Server):
    header = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n"
    sockets = [
        socket.create_connection((web_server.host, web_server.port), timeout=5)
        for _ in range(SLOW_CLIENTS)
    ]
    stop = threading.Event()

    def trickle() -> None:
        # A byte a second on every socket; the header never ends while the test runs.
        position = 0
        while not stop.is_set():
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.send(header[position % len(header) : position % len(header) + 1])
            position += 1
            stop.wait(1)

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    try:
        time.sleep(3)
        timings = []
        for _ in range(5):
            status, seconds = web_server.get("/healthz", timeout=15)
            assert status == 200
            timings.append(seconds)
            time.sleep(0.5)
    finally:
        stop.set()
        trickler.join()
        for sock in sockets:
            sock.close()
    print(f"\n/healthz with {SLOW_CLIENTS} slow clients: slowest {max(timings) * 1000:.0f} ms")
    assert max(timings) < 2, timings


@server_test
@pytest.mark.parametrize("web_server", [{"CASEMGMT_WEB_THREADS": "1"}], indirect=True)
def test_a_dropped_database_connection_costs_no_request(web_server: Server, db):
    # One worker thread, so both requests use the same persistent connection.
    assert web_server.get("/healthz")[0] == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = %s",
            [web_server.application_name],
        )
        assert cursor.fetchone()[0] == 1
    assert web_server.get("/healthz")[0] == 200
    assert web_server.get("/healthz")[0] == 200
