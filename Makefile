# Newsroom: `make run` serves the site with demo content, `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint format messages system-packages bench bench-http bench-watch load faults check-pages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

system-packages:
	@bash scripts/ensure-system-packages.sh

messages: system-packages $(VENV)/.runtime
	@DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var -v0

run: $(VENV)/.runtime messages
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(VENV)/.dev messages
	@bash scripts/ensure-system-packages.sh --postgres --browser --redis
	bash scripts/test-all.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.dev messages
	$(BIN)/python bench/run_all.py

# Issue #15: HTTP benchmark, load run, faults under load (wrk from Debian), page checks (npm).
bench-http bench-watch load faults: $(VENV)/.dev messages
	@bash scripts/ensure-system-packages.sh --postgres --bench
	$(BIN)/python bench/$(subst -,_,$@).py

check-pages: $(VENV)/.dev
	$(BIN)/python scripts/check_pages.py
