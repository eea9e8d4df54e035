# Everything a fresh machine needs is installed by these targets; nothing by hand.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Debian packages the writers need: CJK fonts for names in Chinese or Japanese (the
# Latin and Arabic fonts ship in templates/base/fonts), HarfBuzz's subsetter (WeasyPrint
# subsets fonts with it: fast and deterministic), Pango for WeasyPrint, and LibreOffice,
# with which the tests check that every Word file opens; PostgreSQL, against which the tests
# run the conversion log as well as against SQLite (they start a server of their own); Chromium
# and its driver, in which the tests use the deal desk (dealdocs serve) as a browser would.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
	libfontconfig1 fonts-noto-cjk fonts-liberation2 libreoffice-writer-nogui postgresql \
	chromium chromium-driver
SYSTEM_STAMP := $(VENV)/.system-packages
# Checked again when this file changes: a package added to the list is installed in an
# existing checkout too.

.PHONY: demo test bench clean

$(SYSTEM_STAMP): Makefile
	@missing=$$(for package in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q 'ok installed' || echo $$package; \
	done); \
	if [ -n "$$missing" ]; then \
		command -v apt-get >/dev/null || { echo "dealdocs needs these Debian packages: $$missing"; exit 1; }; \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		echo "Installing system packages:" $$missing; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p $(VENV) && touch $@

$(STAMP): pyproject.toml $(SYSTEM_STAMP)
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "dealdocs needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(STAMP)
	$(BIN)/dealdocs validate term_sheets/*.yaml
	for sheet in term_sheets/*.yaml; do $(BIN)/dealdocs render $$sheet || exit 1; done
	for sheet in term_sheets/*.yaml; do $(BIN)/dealdocs binder $$sheet || exit 1; done
	@echo "Try the deal desk in your browser: $(BIN)/dealdocs serve term_sheets"

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_conversions.py
	$(BIN)/python scripts/bench_binder.py
	$(BIN)/python scripts/bench_changes.py
	$(BIN)/python scripts/bench_cli.py

clean:
	rm -rf $(VENV) output/*/
