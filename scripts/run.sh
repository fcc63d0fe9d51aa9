#!/usr/bin/env bash
# `make run`: migrate, load the demo organisation, then serve web + Celery worker + beat.
# `scripts/run.sh web` serves the web app alone (the tests start it so).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST="${CASEMGMT_HOST:-127.0.0.1}"
PORT="${CASEMGMT_PORT:-8000}"

# Waitress buffers each request before a thread serves it, so slow clients cannot hold
# the app; it refuses bodies over the upload limit unread (casemgmt/wsgi.py).
if [[ "${1:-}" == "web" ]]; then
  exec $PY -m casemgmt.wsgi --host "$HOST" --port "$PORT"
fi

$PY manage.py migrate --noinput >/dev/null
$PY manage.py seed_demo

cat <<MSG

casemgmt is running at http://$HOST:$PORT/
Demo sign-ins (password: demo-casemgmt-2026):
    planner      career planner, Springfield
    supervisor   supervisor of Springfield and Decatur
    facilitator  workshop facilitator
    tracker      tracker, Springfield
    vetrep       veteran representative, Springfield and Decatur
    admin        administrator (every office, and Administration)
Press Ctrl-C to stop.

MSG

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

$PY -m casemgmt.wsgi --host "$HOST" --port "$PORT" &
pids+=($!)
.venv/bin/celery -A casemgmt worker --beat --loglevel=WARNING --concurrency=1 &
pids+=($!)
wait -n "${pids[@]}"
