# KetaDesk: two commands set everything up on a machine with only Python 3.11 and pip.
#   make run    create .venv if needed, install KetaDesk with its extras, start the program
#   make test   ruff lint and format check, mypy --strict on the whole package, the layer contracts, the tests
#   make format reformat the code with ruff (make test fails on code ruff would reformat)
#   make bench  run the benchmarks (figures go in docs/BENCHMARKS.md)
#   make faults the long fault suite: many kill -9s, bit flips, read-only and full-disk probes (figures in docs/BENCHMARKS.md)

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format format-check bench faults demo screenshots clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/ketadesk $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check ketadesk tests bench tools
	$(BIN)/ruff format --check ketadesk tests bench tools
	$(BIN)/mypy --strict ketadesk bench/clinic_gen
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format ketadesk tests bench tools

format-check: $(STAMP)
	$(BIN)/ruff format --check ketadesk tests bench tools

# Only the tests (and the screenshots and benchmarks, which set it themselves) draw offscreen;
# `make run` opens a real window.
test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

# The fault suite of tests/faults at its long size (make test runs the same tests with a few kills and flips).
faults: $(STAMP)
	KETADESK_FAULTS=long QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -s -p no:randomly --timeout=1800 tests/faults

screenshots: $(STAMP)
	$(BIN)/python tools/screenshots.py
	$(BIN)/python tools/edge_screenshots.py
	$(BIN)/python tools/dose_screenshots.py
	$(BIN)/python tools/correction_screenshots.py
	$(BIN)/python tools/report_screenshots.py
	KETADESK_SCREENSHOTS=docs/screenshots QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:randomly tests/ui/test_ui_orders.py tests/ui/test_ui_orders_signing.py tests/ui/test_ui_read_only_database.py tests/ui/test_ui_patient_duplicates.py tests/ui/test_ui_clinic_settings.py \
		tests/ui/test_ui_watch_panel.py tests/ui/test_ui_watch_acknowledge.py

demo: $(STAMP)
	$(BIN)/ketadesk demo $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache
