# The two set-up commands of the README: `make book` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
TEST_WORKERS ?= 2

.PHONY: install install-test system-deps book test clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Runtime requirements, plus this repo itself (lossopt, autograder) in editable mode.
$(STAMP): requirements.txt pyproject.toml | $(PY)
	$(BIN)/pip install -r requirements.txt
	$(BIN)/pip install --no-deps -e .
	touch $@

install: $(STAMP)

$(TSTAMP): requirements-test.txt $(STAMP)
	$(BIN)/pip install -r requirements-test.txt
	touch $@

install-test: $(TSTAMP)

# Debian packages the tests use (chromium for the browser tests); installed only when missing.
system-deps:
	@bash .ci/system-deps.sh

# tools/build_book.py runs `jupyter-book build . -W -n --keep-going`; LOSSOPT_FIGURES=static makes
# every slider figure precomputed frames (the Sphinx extension lossopt.interactive sets it too).
book: install
	LOSSOPT_FIGURES=static $(PY) tools/build_book.py
	@echo
	@echo "The book is built. Open: file://$(CURDIR)/_build/html/index.html"

# Both cores (pytest-xdist); the tests that read the built book form one group, so it is built
# once; the slowest tests are listed at the end, to show where the time goes.
test: install-test system-deps
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=25

clean:
	rm -rf _build
