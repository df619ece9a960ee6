# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make report   set up .venv, then render the sample reports
#   make test     set up .venv, then run the whole test suite (including the notebooks under nbval)
# and `make lab` opens JupyterLab on notebooks/.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := data/sample

.PHONY: setup report test lab sample clean help

help:
	@echo "make report | make test | make lab | make sample | make clean"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Cần Python >= 3.11 / Python >= 3.11 required (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[test,lab,dask]'
	@touch $(STAMP)

setup: $(STAMP)

# The sample reports: every commune's report and the district overview for the latest year, then
# the village map, trends and draft plan (with its Word file) of Tân Lập; one index (reports/index.html)
# lists them all.
YEAR := 2024
report: $(STAMP)
	$(BIN)/ntm validate $(SAMPLE)
	$(BIN)/ntm report $(SAMPLE) --year $(YEAR) --all --notebook commune_report --notebook district_overview --out reports
	$(BIN)/ntm report $(SAMPLE) --year $(YEAR) --unit "Tân Lập" --notebook village_map --notebook trends --notebook commune_plan --out reports
	@echo "Mở / open: $(CURDIR)/reports/index.html"

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# Regenerate the synthetic sample dataset (deterministic: same files every time).
sample: $(STAMP)
	$(BIN)/python -m ntm_analysis.sample.generate $(SAMPLE)
	$(BIN)/python -m ntm_analysis.sample.geometry maps/sample

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
