# Every target makes .venv first if it is missing, so a fresh clone needs only `make app` or `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8866
HOST ?= localhost
LESSON ?= what-is-stalking
# PREHEAT=<page id>: keep a kernel ready for the lesson of the day (the start pages always are)
PREHEAT ?=
# CLASS=30 (with PREHEAT=<lesson>): classroom mode, rendered kernels of that lesson kept ready for the group,
# within a memory cap the app states at start (in the group's language: LANG=en for English)
CLASS ?=
# LANG is also the locale variable: use it only when it names a course language.
COURSE_LANG := $(if $(filter nl en,$(LANG)),$(LANG),nl)

.PHONY: app test lint test-hub slides present bench validate clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@# rfc3987-syntax (pulled in by jupyter-events via jsonschema[format-nongpl]) builds a grammar on import:
	@# measured here, Voila start 2.5 s -> 0.9 s and every nbformat validation 1.2 s -> 0.2 s without it.
	@# It only adds jsonschema's "iri" format check, which nothing in the course uses; jsonschema skips it if absent.
	$(PY) -m pip uninstall --quiet --yes rfc3987-syntax
	touch $@

app: $(VENV)/.installed
	@echo "The course opens at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	$(PY) -m stalking_course.app --port=$(PORT) --Voila.ip=$(HOST) $(if $(PREHEAT),--CourseVoila.preheat_pages=start --CourseVoila.preheat_pages=$(PREHEAT)) $(if $(CLASS),--CourseVoila.classroom=$(CLASS) --CourseVoila.classroom_lang=$(COURSE_LANG))

# Lint and format first (seconds), then the suite. pytest exits 5 when it collected no tests: that counts as a failure.
test: $(VENV)/.installed lint
	$(PY) -m pytest; status=$$?; if [ $$status -eq 5 ]; then echo "no tests were collected" >&2; exit 1; fi; exit $$status

# ruff: `ruff format src tests bench` fixes the formatting, `ruff check --fix src tests bench` most of the rest.
lint: $(VENV)/.installed
	$(PY) -m ruff check src tests bench
	$(PY) -m ruff format --check src tests bench

# The course on a real JupyterHub (deploy/, docs/deploy.md); also part of `make test`.
test-hub: $(VENV)/.installed
	$(PY) -m pytest tests/test_hub_deploy.py

validate: $(VENV)/.installed
	$(PY) -m stalking_course.validate

# SLIDES_OUT=<folder>: build the trainer's material somewhere else (the tests build into a temporary folder)
SLIDES_OUT ?= slides/build
slides: $(VENV)/.installed
	$(PY) -m stalking_course.trainer build --out $(SLIDES_OUT)

present: $(VENV)/.installed
	$(PY) -m stalking_course.present --lesson=$(LESSON) --lang=$(COURSE_LANG) --port=$(PORT)

# The app against plain Voila, then the cost of recording progress (classrooms with recording off and on,
# alternating; bench/recording.py): a table, and bench/results/latest.json. About 15 minutes.
bench: $(VENV)/.installed
	$(PY) -m bench

clean:
	rm -rf $(VENV) slides/build test-artifacts
