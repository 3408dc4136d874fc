# Two commands do everything on a machine with Python >= 3.11 and git:
#   make report   - set up .venv if missing, execute every notebook, write reports/*.html and reports/figures/*.png
#   make test     - set up .venv if missing, lint, run the whole test suite (what CI runs)
#   make mutants  - mutation testing of the core modules (slow; see tests/MUTANTS.md)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: report test lab lint mutants clean

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

# Mutation testing of the core modules (slow: about four hours on 2 cores; not part of `make test`). Configured in
# pyproject.toml [tool.mutmut]; results and equivalent mutants in tests/MUTANTS.md. The run is incremental (stop it
# and run again to resume); `.venv/bin/mutmut run "corridor.graph*"` runs one module, `mutmut browse` shows survivors.
mutants: $(VENV)/.installed
	$(VENV)/bin/mutmut run
	$(VENV)/bin/mutmut results

lab: $(VENV)/.installed
	$(VENV)/bin/jupyter lab notebooks/

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

clean:
	rm -rf reports .pytest_cache mutants
