# Reform Ledger — the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: demo test install system-deps lint serve bench messages vendor clean

# The virtual environment, rebuilt when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Debian packages the browser tests and the screenshots need (Chromium, CJK fonts, gettext).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  fi; \
	fi

# Install, migrate, load the demo district (idempotent) and serve it with gunicorn + the worker.
demo: install
	$(BIN)/reformledger migrate --noinput
	$(BIN)/reformledger collectstatic --noinput -v0
	$(BIN)/reformledger demo-data
	$(BIN)/reformledger serve --port $(PORT)

serve: install
	$(BIN)/reformledger serve --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=reformledger.settings REFORMLEDGER_VAR_DIR=$$(mktemp -d) $(BIN)/reformledger makemigrations --check --dry-run

# The whole suite; DATABASE_URL selects PostgreSQL (see .ci/run).
test: install system-deps lint
	$(BIN)/pytest -n 2 --dist loadfile -q

# Benchmarks (not part of `make test`): a province on PostgreSQL; see docs/performance.md.
bench: install
	$(BIN)/python bench/run.py

# Extract and compile translations (zh-Hans is the default language).
messages: install
	cd src/reformledger && ../../$(BIN)/reformledger makemessages -l zh_Hans -l en --no-obsolete && ../../$(BIN)/reformledger compilemessages

clean:
	rm -rf $(VENV) var
