# Quick start: `make run` (set up and serve) and `make test` (set up and run every test).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Local development runs with debug on, so no secret key is needed; production sets its own.
export DJANGO_DEBUG ?= 1

.PHONY: run test test-fast install install-test migrate load serve lint format fixtures screenshots bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(PY) manage.py migrate --noinput

load: migrate
	$(PY) manage.py loaddata articles demo
	$(PY) manage.py record_initial_versions --comment "Loaded from the demo fixture"

## run: install, migrate the database (SQLite by default), load the articles and demo, serve
run: load
	@echo "Serving the archive at http://$(HOST):$(PORT)/"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Test workers (pytest-xdist): one database and one Chromium each; two, one per core of the
# project's machines (docs/testing.md). `make test PYTEST_WORKERS=auto` uses one per core.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist worksteal

## test: install test dependencies, check migrations and lint, run every test (in parallel)
test: install-test lint
	$(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

## test-fast: the inner loop while developing: SQLite, no browser, no slow tests, in parallel
## (no lint); `make test` runs them all
test-fast: install-test
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_PARALLEL) -m "not browser and not slow" $(PYTEST_ARGS)

lint: install-test
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

format: install-test
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## fixtures: rebuild fixtures/articles.json from fixtures/sources/ in a scratch SQLite database
fixtures: install
	rm -f /tmp/archive-fixture-build.sqlite3
	DATABASE_URL=sqlite:////tmp/archive-fixture-build.sqlite3 $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=sqlite:////tmp/archive-fixture-build.sqlite3 $(PY) manage.py build_articles_fixture
	rm -f /tmp/archive-fixture-build.sqlite3
	rm -f /tmp/archive-demo-build.sqlite3 && DATABASE_URL=sqlite:////tmp/archive-demo-build.sqlite3 $(PY) manage.py migrate --noinput -v0 && DATABASE_URL=sqlite:////tmp/archive-demo-build.sqlite3 $(PY) manage.py build_demo_fixture && rm -f /tmp/archive-demo-build.sqlite3

## screenshots: every page type at 1280 and 390 px wide, and printed, into test-artifacts/screenshots/
screenshots: install-test
	$(PY) bench/screenshots.py

## bench: the performance benchmark (docs/performance.md): gunicorn on PostgreSQL driven by wrk,
## and the reading pages in Chromium (Playwright, hence install-test); fills BENCH_DATABASE_URL
## with generate_scale_data and generate_stress_article on its first run (about an hour at scale 1)
BENCH_DATABASE_URL ?= postgres://127.0.0.1:5432/archive_perf
bench: install-test
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts .pytest_cache .ruff_cache *.egg-info
