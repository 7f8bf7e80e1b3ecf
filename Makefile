# Casework: `make demo` to try it, `make test` to check it. Both install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INSTALLED := $(VENV)/.installed
# Tests on PostgreSQL run with DEBUG off, which requires a secret key.
TEST_ENV := CASEWORK_SECRET_KEY=$${CASEWORK_SECRET_KEY:-insecure-test-only-key}

.PHONY: install system-packages demo serve test bench bench-round load messages lint

install: system-packages $(INSTALLED)

system-packages:
	@sh scripts/install-system-packages.sh

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@# The worker runs batch jobs (documents, bank files, imports) while the server is up.
	$(BIN)/python manage.py db_worker --queue-name '*' & worker=$$!; trap "kill $$worker" EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The tests read printed QR codes back (zbarimg), drive Debian's chromium (tests/e2e) and run a
# Celery worker against a real Redis broker (tests/test_celery_backend.py).
TEST_PACKAGES := zbar-tools chromium redis-server

test: install
	@EXTRA_DEBIAN_PACKAGES="$(TEST_PACKAGES)" sh scripts/install-system-packages.sh
	$(TEST_ENV) $(BIN)/pytest

bench: install
	$(TEST_ENV) $(BIN)/python benchmarks/run.py

# A county's whole yearly round: 10,000 applications in 300 villages from the appraisals to the
# first payment, documents issued by a worker and its pool; SQLite, or PostgreSQL with DATABASE_URL.
# ROUND_VILLAGES, ROUND_APPLICATIONS, ROUND_WORKERS and ROUND_PROFILE=<stage>: benchmarks/round.py.
bench-round: install
	$(TEST_ENV) $(BIN)/python benchmarks/round.py

# 50 officers for 2 minutes against gunicorn (4 workers); needs DATABASE_URL=postgres://… (it
# creates, fills and drops a database of its own there). Options: benchmarks/load.py --help.
load: install
	$(TEST_ENV) $(BIN)/python benchmarks/load.py $(LOAD_OPTIONS)

messages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --ignore ".venv/*" --no-obsolete
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore ".venv/*"

# Style, and the floors of the house: every import points down ([tool.importlinter]).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
