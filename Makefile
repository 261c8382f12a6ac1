# Rising Tide — `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
# Links in emails lead where the app answers: http://127.0.0.1:$(PORT) unless SITE_URL is set.
SITE_URL ?= http://127.0.0.1:$(PORT)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Python 3.12 or newer: on PATH, through pyenv (this repo's .python-version asks
# for 3.12), or in pyenv's versions folder when no shell profile set pyenv up.
PYTHON ?= $(shell for c in python3.12 python3.13 python3 $$HOME/.pyenv/shims/python3 $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3; do \
	p=$$(command -v $$c 2>/dev/null) || continue; \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: help install run test lint format clean

help:
	@echo "make run    install, migrate, load the demo campaign, start web + worker + beat on 127.0.0.1:$(PORT)"
	@echo "make test   install and run the whole test suite"
	@echo "make lint   ruff check and format check"
	@echo "make backup [OUTPUT=file]   back up the database and uploaded files (prints the file written)"
	@echo "make restore FILE=backup    replace the database and uploaded files with a backup (asks first)"
	@echo "make bench  build two million-feedback campaigns in PostgreSQL and measure every main page (about 7 min)"

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "Rising Tide needs Python 3.12 or newer, and none was found."; \
		echo "Install Python 3.12 (for example 'pyenv install 3.12' or your system's python3.12 package) and run make again."; \
		exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

install: $(STAMP)

run: install
	PORT=$(PORT) SITE_URL="$(SITE_URL)" $(BIN)/python manage.py migrate --noinput
	SITE_URL="$(SITE_URL)" $(BIN)/python manage.py seed_demo
	@echo
	@echo "Rising Tide is starting on http://127.0.0.1:$(PORT)/ — log in with one of the demo users above."
	@echo "Links in emails start with $(SITE_URL)."
	@echo "Sent mail lands in var/mail/. Press Ctrl-C to stop the web server, the worker and beat."
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" PORT=$(PORT) SITE_URL="$(SITE_URL)" $(BIN)/honcho -f config/Procfile -d . start

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var

# Backups (docs/operations.md): safe while the app runs; restore checks the file and asks before it replaces anything.
.PHONY: backup restore
backup: install
	@$(BIN)/python manage.py backup $(if $(OUTPUT),--output "$(OUTPUT)")

restore: install
	@[ -n "$(FILE)" ] || { echo "restore: say which backup, e.g. make restore FILE=var/backups/risingtide-20260101-030000.tar.gz"; exit 1; }
	$(BIN)/python manage.py restore "$(FILE)"

# The bench's own PostgreSQL database: created, marked, dropped and rebuilt by the bench (it refuses any other).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/risingtide_bench

.PHONY: bench
bench: install
	@command -v wrk >/dev/null || { echo "bench: installing wrk (the load tool) from Debian"; \
		(apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)) \
		|| { echo "bench: could not install wrk; run 'apt-get install -y wrk' as root"; exit 1; }; }
	@pg_isready -h 127.0.0.1 -p 5432 -q || { echo "bench: PostgreSQL is not answering on 127.0.0.1:5432 (see shared TOOLS: pg_ctlcluster … start)"; exit 1; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "bench: Redis is not answering on 127.0.0.1:6379 (redis-server --daemonize yes …)"; exit 1; }
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.run
