# Two commands for a fresh clone: `make run` and `make test` (see README.md);
# `make serve` runs the site in production (DEBUG=0, gunicorn, task worker).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
LAB_HOST ?= 127.0.0.1
MANAGE := $(PY) manage.py

.PHONY: run serve test setup lint messages clean-venv

run: setup
	$(MANAGE) migrate --no-input
	$(MANAGE) load_course
	$(MANAGE) load_questions
	$(MANAGE) load_exams
	$(MANAGE) load_demo
	$(MANAGE) load_demo_lab
	$(MANAGE) load_demo_group
	@echo "Facteur: http://127.0.0.1:$(PORT)/  (the lab mail server runs beside it)"
	@$(MANAGE) labserver --host $(LAB_HOST) & lab=$$!; \
	  $(MANAGE) worker --interval 0.5 & worker=$$!; \
	  trap 'kill $$lab $$worker 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver 127.0.0.1:$(PORT)

# Production on this machine: settings from .env (written on first use with a new
# SECRET_KEY and DEBUG=0) or the environment; checks, migrates, collects the static
# manifest, then runs gunicorn, the task worker and the lab server (README, "Production").
ENV_FILE ?= .env
serve: setup
	@scripts/new-env $(ENV_FILE)
	FACTEUR_ENV_FILE=$(ENV_FILE) $(MANAGE) serve

test: setup node_modules/.installed
	@scripts/test-tools
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
	@scripts/test-tools
	npm ci --no-audit --no-fund --silent
	touch $@

# For developers: refresh the catalogues after changing strings.
messages: setup
	$(MANAGE) makemessages --locale fr --locale en --ignore '.venv/*' --ignore 'node_modules/*' --no-obsolete
