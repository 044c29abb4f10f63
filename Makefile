# Everything runs from here: `make site`, `make serve`, `make test`.
# Nothing needs installing by hand: the venv is synced from uv.lock (exact versions and
# hashes) whenever uv.lock or pyproject.toml changes, so an install never resolves afresh.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# uv, pinned, in a venv of its own in the user's cache, shared by every clone (a new version goes
# in a new folder); uv keeps its download cache there too, so a second clone installs in seconds.
UV_VERSION := 0.13.9
UV_HOME := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/trendkb/uv-$(UV_VERSION)
UV     := $(UV_HOME)/bin/uv
# uv installs into $(VENV) with the Python it finds as $(PYTHON), and never downloads one.
UV_ENV := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never UV_PYTHON=$(PYTHON)
# Root installs system packages directly; anyone else needs sudo.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Silence the end-of-life banner Material prints on every build (the move is planned).
export NO_MKDOCS_2_WARNING := 1

.PHONY: install site serve test lint validate schema chromium clean refresh bench lock upgrade doctor

# Bootstrapped inside the recipes that need it rather than as a prerequisite, so that an
# up-to-date venv never asks for it.
define uv_bootstrap
	@test -x $(UV) || { $(PYTHON) -m venv $(UV_HOME) && $(UV_HOME)/bin/pip install --quiet uv==$(UV_VERSION); }
endef

# --locked: fail, rather than re-resolve, when uv.lock no longer matches pyproject.toml.
$(VENV)/.installed: pyproject.toml uv.lock
	$(uv_bootstrap)
	$(UV_ENV) $(UV) sync --locked --quiet
	touch $@

$(VENV)/.installed-test: pyproject.toml uv.lock $(VENV)/.installed
	$(uv_bootstrap)
	$(UV_ENV) $(UV) sync --locked --quiet --extra test
	touch $@

# After editing the dependencies in pyproject.toml: write uv.lock again, and commit both.
lock:
	$(uv_bootstrap)
	$(UV_ENV) $(UV) lock

# Move every dependency to the newest release its range allows (Dependabot proposes the same
# by pull request, .github/dependabot.yml).
upgrade:
	$(uv_bootstrap)
	$(UV_ENV) $(UV) lock --upgrade

# The project and the site's dependencies only (CI's fast data job).
install: $(VENV)/.installed

validate: $(VENV)/.installed
	$(BIN)/trendkb validate

site: validate
	$(BIN)/mkdocs build --strict --site-dir site

# --dirty: after an edit, the hooks have MkDocs render only the pages it changed (site_hooks/hooks.py).
serve: validate
	$(BIN)/mkdocs serve --strict --dirty --dev-addr 127.0.0.1:8000

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

# Collect new signals, then validate and build the site. `collect` exits 1 when some
# sources failed: what the others fetched is stored, so it is still validated and built,
# and refresh then fails at the end. A usage or config error (2) stops at once.
# Extra collect options: make refresh COLLECT_ARGS="--backfill-months 24"
refresh: $(VENV)/.installed
	@$(BIN)/trendkb collect all $(COLLECT_ARGS); code=$$?; \
	if [ $$code -gt 1 ]; then exit $$code; fi; \
	$(MAKE) --no-print-directory site || exit $$?; \
	if [ $$code -ne 0 ]; then echo "make refresh: some sources failed (see the summary above); the rest was stored and built" >&2; fi; \
	exit $$code

# Build, serve, page-weight and collector benchmarks on the bundled and a large synthetic
# knowledge base (a few minutes); one table, and JSON in benchmarks/results/. Not part of `make test`
# (tests/benchmarks runs it on a tiny knowledge base). Options: make bench BENCH_ARGS="--trends 1000"
# Page weights are also measured in Chromium, through Playwright (a test tool).
bench: $(VENV)/.installed-test chromium
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

schema: $(VENV)/.installed
	$(BIN)/trendkb schema

# Check this deployment before the first scheduled run; add ARGS=--online to fetch each feed once.
doctor: $(VENV)/.installed
	$(BIN)/trendkb doctor $(ARGS)

# Execute one notebook of content/examples/ with the venv's Python: make example NAME=federated-averaging
.PHONY: example
example: $(VENV)/.installed-test
	@test -n "$(NAME)" || { echo "usage: make example NAME=<notebook in content/examples/, without .ipynb>" >&2; exit 2; }
	$(BIN)/python -m trendkb.notebooks $(NAME)

clean:
	rm -rf site .pytest_cache .ruff_cache
