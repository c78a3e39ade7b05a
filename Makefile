# Two commands for a fresh clone: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
LAB_HOST ?= 127.0.0.1
MANAGE := $(PY) manage.py

.PHONY: run test setup lint messages clean-venv

run: setup
	$(MANAGE) migrate --no-input
	$(MANAGE) load_course
	$(MANAGE) load_questions
	$(MANAGE) load_exams
	$(MANAGE) load_demo
	$(MANAGE) load_demo_lab
	@echo "Facteur: http://127.0.0.1:$(PORT)/  (the lab mail server runs beside it)"
	@$(MANAGE) labserver --host $(LAB_HOST) & lab=$$!; \
	  trap 'kill $$lab 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver 127.0.0.1:$(PORT)

test: setup node_modules/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

setup: $(VENV)/.installed locale/.compiled
	$(MANAGE) collectstatic --no-input -v0

# The interpreter is checked first, so that a missing Python is one clear line.
$(VENV)/.installed: requirements/base.txt requirements/dev.txt requirements/lock.txt
	@python=$$(scripts/find-python) || exit 1; \
	  [ -x $(PY) ] || "$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check \
	  -r requirements/dev.txt -c requirements/lock.txt
	touch $@

locale/.compiled: $(VENV)/.installed $(wildcard locale/*/LC_MESSAGES/django.po)
	$(VENV)/bin/pybabel compile --domain django --directory locale --statistics 2>&1 | tail -n 2
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# For developers: refresh the catalogues after changing strings.
messages: setup
	$(MANAGE) makemessages --locale fr --locale en --ignore '.venv/*' --ignore 'node_modules/*' --no-obsolete
