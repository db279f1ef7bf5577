# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= $(or $(TEST_DATABASE_URL),postgres://postgres@127.0.0.1:5432/test)

.PHONY: install run serve test lint test-sqlite test-postgres bench loadtest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# A developer's machine: tracebacks in the browser, no HTTPS, mails on the console.
run bench: export DEBUG ?= true

# The task worker runs beside the development server: the admin's larger imports need it.
# MINUTES=path/to/minutes starts on your own minutes instead of the samples.
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py setup_demo $(if $(MINUTES),"$(MINUTES)",--samples sample_minutes)
	sh -c '$(BIN)/python manage.py db_worker & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:8000'

# Production on this machine: DEBUG off, gunicorn on 127.0.0.1:8000 and the task worker.
# The environment wins; without a SECRET_KEY, settings make one once into .secret_key.
# Cookies are not Secure by default here (plain HTTP on 127.0.0.1): behind a TLS proxy,
# set SECURE_COOKIES=true and SECURE_SSL_REDIRECT=true (see "Running it for a team").
WEB_WORKERS ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))
WEB_TIMEOUT ?= 60
SERVE_ENV = DEBUG="$${DEBUG:-false}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_COOKIES="$${SECURE_COOKIES:-false}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}"

serve: install
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(SERVE_ENV) $(BIN)/python manage.py migrate --no-input
	$(SERVE_ENV) $(BIN)/python manage.py createcachetable
	$(SERVE_ENV) sh -c '$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(BIN)/gunicorn tracker.wsgi --bind 127.0.0.1:8000 --workers $(WEB_WORKERS) \
			--timeout $(WEB_TIMEOUT) --access-logfile -'

# The layers (the [tool.importlinter] contracts in pyproject.toml) are part of the lint.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

test: lint test-sqlite test-postgres

# Browser tests need Debian's chromium; without it (and not under CI) they are left out.
CHROMIUM := /usr/bin/chromium
PYTEST_ARGS := $(if $(or $(filter true,$(CI)),$(wildcard $(CHROMIUM))),,-m "not browser")

test-sqlite: install
	@[ -n '$(PYTEST_ARGS)' ] && echo "skipped: the browser tests (no $(CHROMIUM); apt-get install chromium)" || true
	$(BIN)/pytest -q $(PYTEST_ARGS)

# PostgreSQL when a server answers; under CI it must.
test-postgres: install
	@if $(BIN)/python -m tests.pg_available "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" $(BIN)/pytest -q $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
		echo "CI: PostgreSQL is required at $(PG_URL) and did not answer"; exit 1; \
	else \
		echo "skipped: the PostgreSQL run (no server at $(PG_URL); set TEST_DATABASE_URL)"; \
	fi

# The pages on SQLite, then on PostgreSQL when a server answers.
bench: install
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/bench_pages.py
	@if $(BIN)/python -m tests.pg_available "$(PG_URL)"; then \
		TEST_DATABASE_URL="$(PG_URL)" $(BIN)/python benchmarks/bench_pages.py --postgres; \
	else \
		echo "skipped: the pages on PostgreSQL (no server at $(PG_URL))"; \
	fi
	$(BIN)/python benchmarks/bench_people.py
	$(BIN)/python benchmarks/bench_matching.py
	$(BIN)/python benchmarks/bench_bulk.py

# gunicorn + PostgreSQL + wrk; the database in LOADTEST_DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/loadtest) is dropped and restored on each run.
loadtest: install
	$(BIN)/python benchmarks/loadtest.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media
