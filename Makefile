# The two set-up commands of the README: `make book` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
TEST_WORKERS ?= 2

.PHONY: install install-test system-deps book test clean constraints

$(PY):
	$(PYTHON) -m venv $(VENV)

# Runtime requirements, plus this repo itself (lossopt, autograder) in editable mode; what they
# pull in is held at constraints.txt's versions.
$(STAMP): requirements.txt constraints.txt pyproject.toml | $(PY)
	$(BIN)/pip install -r requirements.txt -c constraints.txt
	$(BIN)/pip install --no-deps -e .
	touch $@

install: $(STAMP)

# The browser test's checkers, from npm, kept out of git under the venv: axe-core (accessibility,
# injected into each page) and the Nu HTML Checker (vnu.jar, run with Java).
NPM_TOOLS := axe-core@4.14.1 vnu-jar@26.9.27

$(TSTAMP): requirements-test.txt constraints.txt $(STAMP)
	$(BIN)/pip install -r requirements-test.txt -c constraints.txt
	npm install --prefix $(VENV)/npm --no-save --no-package-lock --no-audit --no-fund $(NPM_TOOLS)
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
test: system-deps install-test
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=25

# After upgrading a pin (or everything): rewrite constraints.txt from the environment, keeping its
# header, then run `make test` before committing both.
constraints: install-test
	{ sed -n '/^#/p' constraints.txt; $(BIN)/pip freeze --exclude-editable | grep -v '^torch=='; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf _build
