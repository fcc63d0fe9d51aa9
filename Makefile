# casemgmt: `make run` serves the app with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export CASEMGMT_DEV ?= 1

.PHONY: run test lint format deps-run deps-test stop-db clean bench bench-1m

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

deps-run:
	@scripts/system-deps.sh run

deps-test:
	@scripts/system-deps.sh test

run: $(VENV)/.installed deps-run
	scripts/run.sh

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/djlint templates --lint
	$(PY) manage.py makemigrations --check --dry-run >/dev/null

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint templates --reformat --quiet || true

test: $(VENV)/.installed deps-test lint
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Timings on this machine; each command rewrites its own section of docs/performance.md.
# The compliance bench fills a database of its own per size (BENCH_CUSTOMERS, BENCH_DB).
BENCH_CUSTOMERS ?= 100000
BENCH_DB ?= $(if $(filter 100000,$(BENCH_CUSTOMERS)),casemgmt_bench,casemgmt_bench_$(BENCH_CUSTOMERS))
bench: $(VENV)/.installed deps-test
	$(PY) manage.py migrate --noinput  # the PDF and attendance benches use the default database
	$(PY) manage.py bench_plan_pdf
	$(PY) manage.py bench_attendance
	CASEMGMT_DB_NAME=$(BENCH_DB) $(PY) manage.py bench_compliance --customers $(BENCH_CUSTOMERS)

# A state's caseload, run by hand: about 20 GB of disk and an hour on two cores.
bench-1m: $(VENV)/.installed deps-test
	CASEMGMT_DB_NAME=casemgmt_bench_1m $(PY) manage.py bench_compliance --customers 1000000

stop-db:
	$(PY) -m casemgmt.embedded_db stop

clean: stop-db
	rm -rf .local staticfiles
