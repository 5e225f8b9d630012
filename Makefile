# Two entry points (see README "Quick start"):
#   make demo   set up .venv and code the bundled example articles
#   make test   set up .venv with the test extras and run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test setup setup-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

setup: $(BIN)/python
	$(BIN)/python -m pip install -q -e .

setup-test: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"

demo: setup
	$(BIN)/detente code examples/*.txt --date 2020-01-21 --format table

test: setup-test
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build dist src/*.egg-info
