# The README's quick start is `make demo` and `make test`; both bootstrap .venv from this repo's files.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test bench lint clean install system-deps

# the dashboard's chart library, from the npm registry (dashboard/package-lock.json); `xxgk site` ships it with the site
DASHBOARD_STAMP := dashboard/node_modules/.installed-stamp

install: $(STAMP) $(DASHBOARD_STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	$(BIN)/pip check
	touch $@

$(DASHBOARD_STAMP): dashboard/package.json dashboard/package-lock.json
	@command -v npm >/dev/null 2>&1 || $(MAKE) --no-print-directory system-deps
	npm ci --prefix dashboard --no-audit --no-fund --loglevel=error
	touch $@

demo: $(STAMP) $(DASHBOARD_STAMP)
	$(BIN)/xxgk demo

test: $(STAMP) system-deps $(DASHBOARD_STAMP)
	$(BIN)/pytest -q

# Scrapy, the crawl benchmark's yardstick, lives in its own virtualenv (pinned in pyproject's `bench` extra)
BENCH_VENV := .venv-bench

bench: $(STAMP) $(BENCH_VENV)/.installed-stamp
	$(BIN)/python -m benchmarks.run

$(BENCH_VENV)/.installed-stamp: pyproject.toml
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q $$($(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["bench"])')
	touch $@

lint: $(STAMP)
	$(BIN)/ruff check .

# System tools, best effort (each test that needs one skips with the reason when it is absent):
# - antiword / catdoc (with xls2csv) read .doc, .wps and .xls attachments; without them those
#   attachments are recorded as unsupported with the reason;
# - w3m, lynx, pandoc, wkhtmltopdf, chromium (+ chromium-driver), poppler-utils (pdftotext) and a CJK
#   font render the synthetic reports the way mirror sites and users do, for the shape-invariance
#   tests (tests/parsing/test_shape_invariance.py); without the font the PDFs carry no Chinese text;
#   chromium also runs the dashboard's browser test (tests/test_site.py);
# - npm installs the dashboard's chart library (dashboard/package.json) at install time.
# Quick when every binary is present; otherwise, as root, apt-get installs them all at once (a
# package that cannot be had is then tried alone, so one missing package does not block the rest).
SYSTEM_PACKAGES := antiword catdoc w3m lynx pandoc wkhtmltopdf chromium chromium-driver poppler-utils fonts-wqy-microhei npm
SYSTEM_BINARIES := antiword catdoc w3m lynx pandoc wkhtmltopdf chromium chromedriver pdftotext npm

system-deps:
	@missing=""; for b in $(SYSTEM_BINARIES); do command -v $$b >/dev/null 2>&1 || missing="$$missing $$b"; done; \
	if ! command -v fc-list >/dev/null 2>&1 || [ -z "$$(fc-list :lang=zh 2>/dev/null)" ]; then missing="$$missing CJK-font"; fi; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
	  echo "note: missing$$missing; install (apt-get) $(SYSTEM_PACKAGES) for .doc/.wps/.xls attachments and the shape-invariance tests"; \
	  exit 0; fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt_install() { apt-get install -y -q --no-install-recommends "$$@" >/dev/null 2>&1; }; \
	apt_install $(SYSTEM_PACKAGES) || { apt-get update -q >/dev/null 2>&1; apt_install $(SYSTEM_PACKAGES); } || \
	  for p in $(SYSTEM_PACKAGES); do apt_install $$p || echo "note: apt-get could not install $$p"; done; \
	still=""; for b in $(SYSTEM_BINARIES); do command -v $$b >/dev/null 2>&1 || still="$$still $$b"; done; \
	if [ -n "$$still" ]; then echo "note: still missing$$still: the tests that need them skip (without antiword/catdoc, .doc/.wps/.xls attachments are unsupported)"; fi

clean:
	rm -rf $(VENV) $(BENCH_VENV) data dbt_project/target dbt_project/logs dashboard/node_modules
