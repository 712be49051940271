# Lan Tỏa — `make run` sets everything up and serves the app; `make test` sets up and runs the suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
PYTEST_ARGS ?=

.PHONY: run setup db db-real seed test lint bench clean scheduler translations

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

setup: $(VENV)/.deps ## venv + pinned requirements

db: setup ## TRIAL ONLY: schema + reference data + demo users with a published password + a demo season
	$(FLASK) db upgrade
	$(FLASK) seed-demo

db-real: setup ## a real installation: schema + reference data, no demo users (then: flask create-user)
	$(FLASK) db upgrade
	$(FLASK) seed

run: db ## set up, then serve on http://$(HOST):$(PORT) with the scheduler beside it (stopped on exit)
	@$(FLASK) scheduler & SCHEDULER_PID=$$!; \
	trap 'kill $$SCHEDULER_PID 2>/dev/null; wait $$SCHEDULER_PID 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

scheduler: db ## run the scheduler alone (reminders, nightly snapshot)
	$(FLASK) scheduler

test: setup ## the whole suite (SQLite, or DATABASE_URL/TEST_DATABASE_URL for PostgreSQL)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check app tests bench config.py wsgi.py

bench: setup
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) instance/*.db instance/*.db-* .pytest_cache

translations: setup ## extract the Vietnamese source strings, update and compile the English catalogue
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o /tmp/lantoa-messages.pot .
	$(BIN)/pybabel update -i /tmp/lantoa-messages.pot -d app/translations -w 120
	$(BIN)/pybabel compile -d app/translations
