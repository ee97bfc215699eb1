# Reform Ledger — the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: demo demo-reset test install system-deps redis lint serve bench bench-evaluation bench-panels bench-ratings bench-assessment messages vendor clean

# The virtual environment, rebuilt when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Debian packages the tests and the screenshots need: Chromium and CJK fonts (browser tests),
# gettext, Redis (the shared-cache test), LibreOffice Calc (a ledger re-saved by LibreOffice round-trips).
SYSTEM_PACKAGES := chromium fonts-noto-cjk gettext redis-server libreoffice-calc-nogui
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v msgmerge >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  else \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  fi; \
	fi

# Redis for the shared-cache test (two app processes, one Redis): started when it is not answering.
redis:
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null

# Install, migrate, load the demo district (idempotent) and serve it with gunicorn + the worker.
demo: install
	$(BIN)/reformledger migrate --noinput
	$(BIN)/reformledger collectstatic --noinput -v0
	$(BIN)/reformledger demo-data
	$(BIN)/reformledger serve --port $(PORT)

# The demo afresh: empties the demo database (refused if it holds any other district), loads it, serves it.
demo-reset: install
	$(BIN)/reformledger migrate --noinput
	$(BIN)/reformledger collectstatic --noinput -v0
	$(BIN)/reformledger demo-data --reset
	$(BIN)/reformledger serve --port $(PORT)

serve: install
	$(BIN)/reformledger serve --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=reformledger.settings REFORMLEDGER_VAR_DIR=$$(mktemp -d) $(BIN)/reformledger makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=reformledger.settings REFORMLEDGER_VAR_DIR=$$(mktemp -d) $(BIN)/mypy

# The whole suite; DATABASE_URL selects PostgreSQL (see .ci/run). The tests that assert a time
# target run alone afterwards, so that what they measure is our code, not the other worker (ADR 0061).
test: install system-deps redis lint
	$(BIN)/pytest -n 2 --dist loadfile -q -m "not timed"
	$(BIN)/pytest -q -m timed

# Benchmarks (not part of `make test`): a province on PostgreSQL; see docs/performance.md.
bench: install
	$(BIN)/python bench/run.py

# The evaluation's results and paper slips (issue 10 part 10): 500 reforms, 500,000 ratings, 10,000 slips.
# EVAL_BENCH_ARGS="--rounds 10" for 5,000,000 ratings across the province.
bench-evaluation: install
	$(BIN)/python bench/evaluation.py $(EVAL_BENCH_ARGS)
# An expert panel of 38 projects × 9 experts × 8 criteria aggregated with its agreement (issue 10 part 10).
bench-panels: install
	$(BIN)/python bench/panels.py

# Rating submissions against the bare view, same server and run (issue 10 part 10).
bench-ratings: install
	$(BIN)/python bench/ratings.py

# The annual assessment's speed (issue 11 part 10): PostgreSQL database reformledger_bench_assess.
bench-assessment: install
	$(BIN)/python bench/assessment.py $(ASSESS_BENCH_ARGS)

# Extract and compile translations (zh-Hans is the default language).
messages: install
	cd src/reformledger && ../../$(BIN)/reformledger makemessages -l zh_Hans --no-obsolete -i "static/vendor/*" && ../../$(BIN)/reformledger compilemessages

# Front-end files, vendored from npm with their licences (the intranet is offline: no CDN).
# Change a version here, run `make vendor`, commit src/reformledger/static/vendor/.
BOOTSTRAP_VERSION       ?= 5.3.9
BOOTSTRAP_ICONS_VERSION ?= 1.13.2
HTMX_VERSION            ?= 2.0.11
ECHARTS_VERSION         ?= 6.1.0
AXE_CORE_VERSION        ?= 4.14.1
VENDOR_DIR              := src/reformledger/static/vendor
vendor:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	cd "$$tmp" && npm init -y >/dev/null && \
	npm install --no-audit --no-fund --ignore-scripts --save-exact \
	  bootstrap@$(BOOTSTRAP_VERSION) bootstrap-icons@$(BOOTSTRAP_ICONS_VERSION) \
	  htmx.org@$(HTMX_VERSION) echarts@$(ECHARTS_VERSION) axe-core@$(AXE_CORE_VERSION) >/dev/null && \
	cd - >/dev/null && m="$$tmp/node_modules" && v=$(VENDOR_DIR) && \
	rm -rf $$v/bootstrap $$v/bootstrap-icons $$v/htmx $$v/echarts $$v/axe-core && \
	mkdir -p $$v/bootstrap/css $$v/bootstrap/js $$v/bootstrap-icons/fonts $$v/htmx $$v/echarts $$v/axe-core && \
	cp $$m/bootstrap/dist/css/bootstrap.min.css $$m/bootstrap/dist/css/bootstrap.min.css.map $$v/bootstrap/css/ && \
	cp $$m/bootstrap/dist/js/bootstrap.bundle.min.js $$m/bootstrap/dist/js/bootstrap.bundle.min.js.map $$v/bootstrap/js/ && \
	cp $$m/bootstrap/LICENSE $$v/bootstrap/LICENSE && \
	cp $$m/bootstrap-icons/font/bootstrap-icons.min.css $$v/bootstrap-icons/ && \
	cp $$m/bootstrap-icons/font/fonts/bootstrap-icons.woff2 $$m/bootstrap-icons/font/fonts/bootstrap-icons.woff $$v/bootstrap-icons/fonts/ && \
	cp $$m/bootstrap-icons/LICENSE $$v/bootstrap-icons/LICENSE && \
	cp $$m/htmx.org/dist/htmx.min.js $$v/htmx/ && cp $$m/htmx.org/LICENSE $$v/htmx/LICENSE && \
	cp $$m/echarts/dist/echarts.min.js $$v/echarts/ && cp $$m/echarts/LICENSE $$m/echarts/NOTICE $$v/echarts/ && \
	cp $$m/axe-core/axe.min.js $$m/axe-core/LICENSE $$v/axe-core/ && \
	printf 'bootstrap %s\nbootstrap-icons %s\nhtmx.org %s\necharts %s\naxe-core %s (browser tests only)\n' \
	  $(BOOTSTRAP_VERSION) $(BOOTSTRAP_ICONS_VERSION) $(HTMX_VERSION) $(ECHARTS_VERSION) $(AXE_CORE_VERSION) > $$v/VERSIONS && \
	echo "vendored into $$v:" && cat $$v/VERSIONS

clean:
	rm -rf $(VENV) var
