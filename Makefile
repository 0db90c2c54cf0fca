# The three commands of the course: `make lab` (students), `make test` (CI), `make figures`
# (instructors). Each bootstraps .venv when it is missing, broken (an interrupted first set-up
# leaves one without pip) or older than pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test figures quick-figures info lint clean venv

$(STAMP): pyproject.toml
	$(BIN)/python -m pip --version >/dev/null 2>&1 || $(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

# Extra options for JupyterLab, e.g. `make lab LAB_ARGS="--no-browser --port 8899"`.
# Jupyter refuses to run as root without --allow-root (containers, VMs): added only then.
LAB_ARGS ?=
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(LAB_ARGS) $$(test "$$(id -u)" = 0 && echo --allow-root)

# Notebooks run by the tests write their figures and results under build/test/, apart from
# the lecture folders of build/ that `make figures` fills (it never overwrites others' files).
test: $(STAMP)
	DLIES_QUICK=1 DLIES_BUILD=$(CURDIR)/build/test $(BIN)/python -m pytest -q

figures: $(STAMP)
	$(BIN)/dlies run --continue-on-error --out build

quick-figures: $(STAMP)
	$(BIN)/dlies run --continue-on-error --quick --out build

info: $(STAMP)
	$(BIN)/dlies info

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf build
