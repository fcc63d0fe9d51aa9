"""The WSGI application, and `python -m casemgmt.wsgi`: the app served by waitress
(scripts/run.sh, `make run`).

Waitress reads every request in full on its event loop before a worker thread sees it,
so a client that sends slowly holds a socket, not a thread: fifty slow clients leave
the threads free (sync gunicorn workers read the socket themselves, and two slow clients
stop two workers). A body longer than settings.MAX_REQUEST_BODY_BYTES is refused with 413
from its Content-Length, before it is read. The compose shape keeps gunicorn behind a
buffering nginx instead (deploy/nginx.conf).
"""

import argparse
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casemgmt.settings")
application = get_wsgi_application()


def serve(argv: list[str] | None = None) -> None:
    from django.conf import settings
    from waitress import serve as waitress_serve

    from casemgmt.env import env_int

    parser = argparse.ArgumentParser(prog="python -m casemgmt.wsgi")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    waitress_serve(
        application,
        host=args.host,
        port=args.port,
        # Each thread keeps its own database connection (CONN_MAX_AGE).
        threads=env_int("CASEMGMT_WEB_THREADS", 8),
        connection_limit=500,
        # poll() has no 1024-socket ceiling, unlike select().
        asyncore_use_poll=True,
        # Seconds a connection may stay silent before it is closed.
        channel_timeout=60,
        max_request_header_size=64 * 1024,
        max_request_body_size=settings.MAX_REQUEST_BODY_BYTES,
        ident="casemgmt",
    )


if __name__ == "__main__":
    serve()
