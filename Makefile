# Everything runs from here: `make site`, `make serve`, `make test`.
# The venv is (re)built when pyproject.toml changes; nothing needs installing by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Root installs system packages directly; anyone else needs sudo.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Silence the end-of-life banner Material prints on every build (the move is planned).
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test lint validate schema chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

validate: $(VENV)/.installed
	$(BIN)/trendkb validate

site: validate
	$(BIN)/mkdocs build --strict --site-dir site

serve: validate
	$(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:8000

# Debian's chromium for the browser tests (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

test: $(VENV)/.installed-test chromium lint
	$(BIN)/trendkb schema --check
	$(BIN)/python -m pytest

schema: $(VENV)/.installed
	$(BIN)/trendkb schema

clean:
	rm -rf site .pytest_cache .ruff_cache
