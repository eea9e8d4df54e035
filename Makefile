# Everything a fresh machine needs is installed by these targets; nothing by hand.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# Debian packages, by need. The demo needs what the writers need: Pango for WeasyPrint,
# HarfBuzz's subsetter (WeasyPrint subsets fonts with it: fast and deterministic) and CJK fonts
# for names in Chinese or Japanese (the Latin and Arabic fonts ship in templates/base/fonts).
# The tests need more: LibreOffice, with which they check that every Word file opens (and the
# binder converts an outside Word file), with Liberation fonts for its layout; PostgreSQL, against
# which they run the conversion log as well as against SQLite (they start a server of their
# own); Chromium and its driver, in which they use the deal desk (dealdocs serve) as a browser would.
DEMO_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
	libfontconfig1 fonts-noto-cjk
TEST_PACKAGES := fonts-liberation2 libreoffice-writer-nogui postgresql chromium chromium-driver
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test pagecheck bench clean

# Installs the Debian packages $(1) that are missing, then touches $@. Checked again when this
# file changes: a package added to a list is installed in an existing checkout too.
define system_packages
	@missing=$$(for package in $(1); do \
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
endef

$(VENV)/.demo-packages: Makefile
	$(call system_packages,$(DEMO_PACKAGES))

$(VENV)/.test-packages: Makefile
	$(call system_packages,$(TEST_PACKAGES))

$(STAMP): pyproject.toml $(VENV)/.demo-packages
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "dealdocs needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP) $(VENV)/.test-packages
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(STAMP)
	$(BIN)/dealdocs validate term_sheets/*.yaml
	for sheet in term_sheets/*.yaml; do $(BIN)/dealdocs render $$sheet || exit 1; done
	for sheet in term_sheets/*.yaml; do $(BIN)/dealdocs binder $$sheet || exit 1; done
	@echo "Try the deal desk in your browser: $(BIN)/dealdocs serve term_sheets"

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -n auto --dist loadgroup --durations=10

# The page check of the suite on every bundled document, not one of each per-lender kind
# per closing: every PDF and LibreOffice's layout of every Word file (about ten minutes).
pagecheck: $(TEST_STAMP)
	$(BIN)/python -m pytest -n auto --dist loadgroup tests/test_page_check.py --every-page

bench: $(TEST_STAMP)
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_pdf.py
	$(BIN)/python scripts/bench_conversions.py
	$(BIN)/python scripts/bench_binder.py
	$(BIN)/python scripts/bench_changes.py
	$(BIN)/python scripts/bench_regenerate.py
	$(BIN)/python scripts/bench_signing.py
	$(BIN)/python scripts/bench_check.py
	$(BIN)/python scripts/bench_cli.py

clean:
	rm -rf $(VENV) output/*/
