# selfdirect — every target installs what it needs first, so a fresh clone needs only:
#   make demo    run the platform on an SQLite file with synthetic data
#   make test    run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export PYTHONDONTWRITEBYTECODE := 1
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_DB ?= var/demo.sqlite3
STATIC_STAMP := src/selfdirect/static/dist/selfdirect.css
# Tests run on every core (pytest-xdist), in an order shuffled by pytest-randomly, which
# prints its seed: replay a run with PYTEST_ARGS="--randomly-seed=N" (or "-p no:randomly"
# for file order). PYTEST_ARGS also selects: PYTEST_ARGS='-m "not browser"'.
WORKERS ?= auto
PYTEST_ARGS ?=

.PHONY: help install static demo demo-data run worker test test-fast test-browser lint typecheck bench clean

help:
	@echo "make demo        run selfdirect with synthetic data at http://$(HOST):$(PORT)/"
	@echo "make worker      run the background jobs' worker (make demo starts one for you)"
	@echo "make test        run every test (browser tests need Debian's chromium)"
	@echo "make test-fast   every test except the browser ones and the API fuzz run"
	@echo "make lint        ruff; make typecheck: mypy"
	@echo "make bench       benchmarks in bench/"

$(VENV)/.synced: pyproject.toml uv.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
	$(UV) sync --frozen --quiet
	@touch $@

install: $(VENV)/.synced

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(STATIC_STAMP): node_modules/.package-lock.json frontend/build.mjs frontend/selfdirect.scss
	npm run --silent build

static: $(STATIC_STAMP)

demo: install static
	@mkdir -p var
	DATABASE_URL=sqlite:///$(abspath $(DEMO_DB)) $(PY) manage.py migrate --verbosity 0
	DATABASE_URL=sqlite:///$(abspath $(DEMO_DB)) $(PY) manage.py demo_load
	@echo
	@echo "selfdirect is running at http://$(HOST):$(PORT)/  (press Ctrl+C to stop)"
	@# The second factor for staff is off in the demo: the printed password alone signs in.
	@# The background jobs' worker runs beside the server, and stops with it.
	( export DATABASE_URL=sqlite:///$(abspath $(DEMO_DB)); $(PY) manage.py jobs_recover && \
	  exec $(PY) manage.py db_worker --no-reload ) & \
	  WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  DATABASE_URL=sqlite:///$(abspath $(DEMO_DB)) DEBUG=true STAFF_SECOND_FACTOR=false $(PY) manage.py runserver $(HOST):$(PORT)

# Background jobs (docs/jobs.md): first queue again any job a stopped worker left running,
# then take jobs from the database queue until stopped. DATABASE_URL says which database.
worker: install
	$(PY) manage.py jobs_recover
	$(PY) manage.py db_worker --no-reload

test: install static
	$(PY) -m pytest -n $(WORKERS) $(PYTEST_ARGS)

test-fast: install static
	$(PY) -m pytest -n $(WORKERS) -m "not browser and not fuzz" $(PYTEST_ARGS)

test-browser: install static
	$(PY) -m pytest -n $(WORKERS) -m browser $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check src tests bench

typecheck: install
	$(VENV)/bin/mypy src

bench: install static
	$(PY) bench/generate_people.py
	$(PY) bench/recalculate.py --budgets $${BUDGETS:-100000}
	$(PY) bench/uprate_contributions.py --people $${CHARGED_PEOPLE:-20000}

clean:
	rm -rf $(VENV) node_modules src/selfdirect/static/dist staticfiles var .pytest_cache
