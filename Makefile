# Two entry points (see README "Quick start"):
#   make demo   set up .venv and code the bundled example articles
#   make test   set up .venv with the test extras and run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test setup setup-test browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

setup: $(BIN)/python
	$(BIN)/python -m pip install -q -e .

setup-test: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"

demo: setup
	$(BIN)/detente code examples/*.txt --date 2020-01-21 --format table

# Debian's chromium for tests/test_web_browser.py (installed as root when missing; the
# test skips without it elsewhere). Never `playwright install`: it downloads browsers.
browser:
	@test -x /usr/bin/chromium || [ "$$(id -u)" != 0 ] || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

test: setup-test browser
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build dist src/*.egg-info
