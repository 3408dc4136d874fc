# Two commands do everything on a machine with Python >= 3.11 and git:
#   make report   - set up .venv if missing, execute every notebook, write reports/*.html and reports/figures/*.png
#   make test     - set up .venv if missing, lint, run the whole test suite (what CI runs)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: report test lab lint clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

report: $(VENV)/.installed
	$(PY) notebooks/run_notebooks.py --out reports

test: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

lab: $(VENV)/.installed
	$(VENV)/bin/jupyter lab notebooks/

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

clean:
	rm -rf reports .pytest_cache
