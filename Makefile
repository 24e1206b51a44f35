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

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

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
	rm -rf $(VENV) data dbt_project/target dbt_project/logs
