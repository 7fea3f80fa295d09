# Two commands set everything up: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tracker
# The hot standby scripts/ensure-replica runs; tests/test_replicas.py reads through it.
TEST_REPLICA_URLS ?= postgres://postgres@127.0.0.1:5433/tracker
# A PostgreSQL run (DATABASE_URL unset or postgres…) has the replica; a SQLite run none.
POSTGRES_RUN := $(if $(DATABASE_URL),$(filter postgres%,$(DATABASE_URL)),yes)
REPLICA_URLS := $(if $(POSTGRES_RUN),$(or $(DATABASE_REPLICA_URLS),$(TEST_REPLICA_URLS)))
ARGS ?=

.PHONY: run test test-sqlite install lint format migrations-check demo bench load

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@echo "Setting up the virtual environment in $(VENV)..."
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The admin with the demo data on SQLite (or DATABASE_URL) at http://127.0.0.1:8000/admin/
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py create_local_admin
	$(PY) manage.py runserver 127.0.0.1:8000

# The whole suite against PostgreSQL (DATABASE_URL, else the local server) and its replica.
test: install
	@if [ -n "$(POSTGRES_RUN)" ]; then scripts/ensure-postgres; fi
	@if [ -n "$(POSTGRES_RUN)" ]; then scripts/ensure-replica || \
		echo "No replica: tests/test_replicas.py skips (and fails in CI)."; fi
	@scripts/ensure-chromium
	DATABASE_URL=$(or $(DATABASE_URL),$(TEST_DATABASE_URL)) \
		DATABASE_REPLICA_URLS=$(REPLICA_URLS) $(VENV)/bin/pytest $(ARGS)

# The same suite on the embedded SQLite database.
test-sqlite:
	$(MAKE) test DATABASE_URL=sqlite:///$(CURDIR)/test-db.sqlite3

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

# The API over HTTP against a SQL floor and a Datasette peer (bench/run.py); writes
# docs/benchmarks.md. BENCH_DB is filled by manage.py generate_data when empty, reused otherwise.
EVENTS ?= 1000000
BENCH_DB ?= tracker_bench
REPEAT ?= 10
CONCURRENT_REQUESTS ?= 32
WORKERS ?= 2
THREADS ?= 4
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432
BENCH_ARGS ?=

$(VENV)/.bench-installed: requirements-bench.txt $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -r requirements-bench.txt
	touch $@

bench: $(VENV)/.bench-installed
	@scripts/ensure-postgres
	$(PY) -m bench.run --server $(BENCH_SERVER) --database $(BENCH_DB) --events $(EVENTS) \
		--repeat $(REPEAT) --concurrent-requests $(CONCURRENT_REQUESTS) \
		--workers $(WORKERS) --threads $(THREADS) $(BENCH_ARGS)

# Analysts and editors at once (bench/loadtest.py, locust headless) against gunicorn; writes
# its section of docs/reliability.md. LOAD_DB is filled by generate_data and load_demo.
LOAD_DB ?= tracker_bench_load
LOAD_EVENTS ?= 100000
USERS ?= 50
DURATION ?= 60

load: install
	@scripts/ensure-postgres
	$(PY) -m bench.loadtest --server $(BENCH_SERVER) --database $(LOAD_DB) \
		--events $(LOAD_EVENTS) --users $(USERS) --duration $(DURATION) \
		--workers $(WORKERS) --threads $(THREADS) --write
