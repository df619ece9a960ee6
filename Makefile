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

# The sample reports: every commune's report and the overview of their parent unit for the latest
# year with values (ntm report without --year reads it from the dataset), then every report of
# Tân Lập for 2023 and 2024 (the reference plan's years: village map, trends, draft plan with its Word
# file); one index (reports/index.html) lists them all.
report: $(STAMP)
	$(BIN)/ntm validate $(SAMPLE)
	$(BIN)/ntm report $(SAMPLE) --all --notebook commune_report --notebook parent_overview --out reports
	$(BIN)/ntm report $(SAMPLE) --year 2023 --unit "Tân Lập" --out reports
	$(BIN)/ntm report $(SAMPLE) --year 2024 --unit "Tân Lập" --out reports
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
