# The README's quick start is `make demo` and `make test`; both bootstrap .venv from this repo's files.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test bench lint clean install system-deps

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	$(BIN)/pip check
	touch $@

demo: $(STAMP)
	$(BIN)/xxgk demo

test: $(STAMP) system-deps
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

# antiword / catdoc (with xls2csv) read .doc, .wps and .xls attachments. Best effort: without
# them those attachments are recorded as unsupported with the reason, and their tests skip.
system-deps:
	@if command -v antiword >/dev/null && command -v catdoc >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get install -y -q antiword catdoc >/dev/null 2>&1 || \
	   (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q antiword catdoc >/dev/null 2>&1)) || \
	  echo "note: antiword/catdoc could not be installed; .doc/.wps/.xls attachments will be unsupported"; \
	else echo "note: install antiword and catdoc for .doc/.wps/.xls attachments"; fi

clean:
	rm -rf $(VENV) $(BENCH_VENV) data dbt_project/target dbt_project/logs
