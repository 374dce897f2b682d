# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck install messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime

run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py load_demo
	INSECURE_HTTP=1 $(BIN)/python manage.py runall

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy .

test: lint typecheck
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# Refresh the Indonesian catalogue after changing strings (needs GNU gettext;
# the compiled catalogue is committed so running the system does not).
messages: $(VENV)/.dev
	$(BIN)/python manage.py makemessages --locale en --ignore '.venv/*' --ignore 'var/*' --ignore 'benchmarks/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'
