# Everything runs from here: `make site`, `make serve`, `make test`.
# The venv is (re)built when pyproject.toml changes; nothing needs installing by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Root installs system packages directly; anyone else needs sudo.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Silence the end-of-life banner Material prints on every build (the move is planned).
export NO_MKDOCS_2_WARNING := 1

.PHONY: install site serve test test-engines lint validate schema chromium clean refresh bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The project and the site's dependencies only (CI's fast data job).
install: $(VENV)/.installed

validate: $(VENV)/.installed
	$(BIN)/trendkb validate

# The site's source, checked and written by `trendkb render` into site-src/, then built into site/
# by an engine: MkDocs (the default), or Zensical with `make site ENGINE=zensical` (the `zensical`
# extra, installed on first use). Zensical builds only inside the config's folder, so its site is
# moved into place; `--clean` makes it write every file, not trust a cache of the moved ones.
ENGINE ?= mkdocs
SITE_SRC := site-src
ifeq ($(ENGINE),mkdocs)
site: $(VENV)/.installed
	$(BIN)/trendkb render --out $(SITE_SRC)
	$(BIN)/mkdocs build --strict --quiet --config-file $(SITE_SRC)/mkdocs.yml --site-dir $(CURDIR)/site
else ifeq ($(ENGINE),zensical)
site: $(VENV)/.installed-zensical
	$(BIN)/trendkb render --out $(SITE_SRC)
	$(BIN)/zensical build --strict --clean --config-file $(SITE_SRC)/mkdocs.yml
	rm -rf site && mv $(SITE_SRC)/site site
else
site:
	@echo "make site: ENGINE is mkdocs (the default) or zensical, not '$(ENGINE)'" >&2; exit 2
endif

$(VENV)/.installed-zensical: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[zensical]'
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

# Execute one notebook of content/examples/ with the venv's Python: make example NAME=federated-averaging
.PHONY: example
example: $(VENV)/.installed-test
	@test -n "$(NAME)" || { echo "usage: make example NAME=<notebook in content/examples/, without .ipynb>" >&2; exit 2; }
	$(BIN)/python -m trendkb.notebooks $(NAME)

clean:
	rm -rf site $(SITE_SRC) .pytest_cache .ruff_cache
