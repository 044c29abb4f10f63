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

.PHONY: install site serve test test-engines lint validate schema chromium clean refresh bench lock upgrade doctor

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

# The site's source, checked and written by `trendkb render` into site-src/, then built into site/
# by an engine: MkDocs (the default), or Zensical with `make site ENGINE=zensical` (the `zensical`
# extra, installed on first use). Zensical builds only inside the config's folder, so its site is
# moved into place; its cache (site-src/.cache) still writes every file again, and spares it most of
# the rendering when few pages changed.
ENGINE ?= mkdocs
SITE_SRC := site-src
ifeq ($(ENGINE),mkdocs)
site: $(VENV)/.installed
	$(BIN)/trendkb render --out $(SITE_SRC)
	$(BIN)/mkdocs build --strict --quiet --config-file $(SITE_SRC)/mkdocs.yml --site-dir $(CURDIR)/site
else ifeq ($(ENGINE),zensical)
site: $(VENV)/.installed-zensical
	$(BIN)/trendkb render --out $(SITE_SRC)
	$(BIN)/zensical build --strict --config-file $(SITE_SRC)/mkdocs.yml
	rm -rf site && mv $(SITE_SRC)/site site
else
site:
	@echo "make site: ENGINE is mkdocs (the default) or zensical, not '$(ENGINE)'" >&2; exit 2
endif

# --inexact: keep whatever else is installed (the test tools bring Zensical along anyway).
$(VENV)/.installed-zensical: pyproject.toml uv.lock $(VENV)/.installed
	$(uv_bootstrap)
	$(UV_ENV) $(UV) sync --locked --inexact --quiet --extra zensical
	touch $@

# MkDocs' own incremental mode: the hooks render site-src/ again on every rebuild, writing only the files
# an edit changed, and --dirty renders only those pages (the decision is written in site_hooks/hooks.py).
# MkDocs warns on every dirty build, so this preview is not strict; `make site` is.
# Only MkDocs: Zensical ignores hooks, so nothing would render site-src/ again after an edit.
serve: $(VENV)/.installed
ifneq ($(ENGINE),mkdocs)
	@echo "make serve previews with MkDocs only; to look at the Zensical build: make site ENGINE=zensical, then" \
	  "serve site/ with any static file server, e.g. python3 -m http.server -d site" >&2; exit 2
endif
	$(BIN)/mkdocs serve --dirty --no-strict --dev-addr 127.0.0.1:8000

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

# The browser tests that apply to both engines, each on the site it builds (CI's engines job).
test-engines: $(VENV)/.installed-test chromium
	$(BIN)/python -m pytest -m engines

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
	rm -rf site $(SITE_SRC) .pytest_cache .ruff_cache
