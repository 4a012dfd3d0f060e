# One entry point: `make run` serves the site, `make test` runs the suite.
# Every target builds on `install`, which creates .venv once and reinstalls only when
# pyproject.toml changes (the stamp file below).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SAMPLE_DATA ?= data/sample
# `make backup` writes BACKUP_FILE, or a timestamped file in BACKUP_DIR (default var/backups);
# `make restore BACKUP_FILE=...` puts it back.
BACKUP_FILE ?=
# Extra arguments for pytest, e.g. `make test ARGS="-k fx -x"`.
ARGS ?=
TEST_PROCESSES ?= auto
# `make bench SCALE=small`: the benchmark steps on small data, in about 90 s.
SCALE ?= large

.PHONY: help install run migrate load_sample_data sample refresh_aggregates test bench lint format worker beat

help:
	@echo "make run      install, migrate, load the sample data, serve http://$(HOST):$(PORT)/"
	@echo "make test     install, then run the test suite (SQLite unless DATABASE_URL is set)"
	@echo "make sample   import the sample data again over the database (make run loads it only once)"
	@echo "make bench    the benchmarks on the PostgreSQL server of DATABASE_URL (SCALE=small)"
	@echo "make lint     ruff check and ruff format --check"
	@echo "make format   ruff format and ruff check --fix"
	@echo "make worker   a Celery worker (needs REDIS_URL)"
	@echo "make beat     the Celery beat scheduler (needs REDIS_URL)"
	@echo "make audit    known vulnerabilities in the installed dependencies (pip-audit, network)"
	@echo "make backup   back up the database (to BACKUP_FILE, or a new file in BACKUP_DIR)"
	@echo "make restore  BACKUP_FILE=...: replace the database with that backup"

install: $(STAMP)

# Bytecode is compiled once, here, on every core: pip's own compiling made a new .venv take
# 77 s instead of 57 s, and compiling at first import does not last where
# PYTHONDONTWRITEBYTECODE is set (these machines, CI): every process compiled Django anew,
# 2.4 s before `manage.py` could start instead of 0.8 s (docs/benchmarks.md). 7 s here.
$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check --quiet --no-compile -e '.[dev]'
	$(PY) -m compileall -q -j 0 "$$($(PY) -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" config deals startups dashboards >/dev/null
	@touch $@

migrate: install
	$(PY) manage.py migrate --noinput

# Into an empty database only, so that `make run` never overwrites what a user entered.
load_sample_data: install
	$(PY) manage.py load_sample_data $(SAMPLE_DATA)

# The sample data imported again on purpose: its rows get their sample values back.
sample: install migrate
	$(PY) manage.py load_sample_data $(SAMPLE_DATA) --reload
	$(PY) manage.py refresh_aggregates --full

refresh_aggregates: install
	$(PY) manage.py refresh_aggregates --full

# With REDIS_URL set, tasks go to a real Celery worker started beside the server and stopped
# with it; without, they run in-process (CELERY_TASK_ALWAYS_EAGER in the settings).
run: install migrate load_sample_data refresh_aggregates
	@if [ -n "$${REDIS_URL:-}" ]; then \
		$(VENV)/bin/celery -A config worker -l info & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
		trap 'exit 130' INT TERM; \
	fi; \
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# One pytest process per core (TEST_PROCESSES=0: one process, no pytest-xdist). The tests that
# share the Redis of REDIS_URL with a Celery worker run one after another in one process.
test: install
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) --dist loadgroup $(ARGS)

# The benchmarks create their own databases beside the one DATABASE_URL names; see
# docs/benchmarks.md. They refuse SQLite, with a message saying what to set.
bench: install
	$(PY) -m benchmarks.run --scale $(SCALE) --sample-data $(SAMPLE_DATA)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Needs the package index, so it is not part of `make test`. --strict: a dependency that
# cannot be looked up fails the run instead of passing unaudited.
.PHONY: audit
audit: install
	$(VENV)/bin/pip-audit --strict --skip-editable --progress-spinner off

worker: install
	$(VENV)/bin/celery -A config worker -l info

beat: install
	$(VENV)/bin/celery -A config beat -l info --schedule $(VENV)/celerybeat-schedule

.PHONY: backup restore

backup: install
	$(PY) manage.py db_backup $(if $(BACKUP_FILE),--file "$(BACKUP_FILE)")

restore: install
	$(PY) manage.py db_restore $(if $(BACKUP_FILE),"$(BACKUP_FILE)")
