# KetaDesk: two commands set everything up on a machine with only Python 3.11 and pip.
#   make run    create .venv if needed, install KetaDesk with its extras, start the program
#   make test   ruff lint and format check, mypy --strict on the whole package, the layer contracts, the tests
#   make format reformat the code with ruff (make test fails on code ruff would reformat)
#   make bench  run the benchmarks (figures go in docs/BENCHMARKS.md)
#   make faults the long fault suite: many kill -9s, bit flips, read-only and full-disk probes (figures in docs/BENCHMARKS.md)
#   make bundle the one-folder frozen program in dist/ketadesk/ (PyInstaller, from a clean .venv-bundle)
#   make bundle-test  the frozen program's smoke test: CLI commands and the GUI, nothing of the source tree on the path
#   make deb    a Debian package of the bundle (dist/ketadesk_<version>_<arch>.deb) and its validation

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

BUNDLE_VENV := .venv-bundle
BUNDLE_STAMP := $(BUNDLE_VENV)/.installed
BUNDLE := dist/ketadesk/ketadesk

.PHONY: run test lint format format-check bench faults demo screenshots clean bundle bundle-test deb deb-validators

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
# `make run` opens a real window. Two worker processes, each with its own throwaway PostgreSQL and
# key folder; a file's tests stay on one worker (--dist loadfile), so its module fixtures are built once.
test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 --dist loadfile

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
		tests/ui/test_ui_watch_panel.py tests/ui/test_ui_watch_acknowledge.py \
		tests/ui/test_ui_measure_form.py tests/ui/test_ui_questionnaire.py \
		tests/ui/test_ui_course_screen.py tests/ui/test_ui_course_watch.py

# The build venv holds KetaDesk as a wheel would install it (not editable) and the pinned
# PyInstaller, nothing else: what is in the bundle is what the program imports.
$(BUNDLE_STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	rm -rf $(BUNDLE_VENV)
	$(PYTHON) -m venv $(BUNDLE_VENV)
	$(BUNDLE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BUNDLE_VENV)/bin/python -m pip install --quiet '.[bundle]'
	@touch $(BUNDLE_STAMP)

# KetaDesk itself is installed again on every build (no dependencies: those are the stamp's),
# so the bundle is always of the tree as it is now.
bundle: $(BUNDLE_STAMP)
	$(BUNDLE_VENV)/bin/python -m pip install --quiet --no-deps --force-reinstall .
	rm -rf build/lib build/bdist.* ketadesk.egg-info
	cd packaging && ../$(BUNDLE_VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath ../dist --workpath ../build/pyinstaller ketadesk.spec
	@du -sh dist/ketadesk | sed 's/^/bundle size: /'

# The smoke test runs the frozen program from a temporary folder with no PYTHONPATH; it is
# skipped by `make test` while dist/ketadesk is missing.
bundle-test: $(STAMP)
	@test -x $(BUNDLE) || $(MAKE) bundle
	env -u PYTHONPATH KETADESK_BUNDLE=dist/ketadesk QT_QPA_PLATFORM=offscreen \
		$(BIN)/python -m pytest -q -p no:randomly --timeout=900 tests/packaging

# Where the distributor publishes docs/screenshots: AppStream names screenshots by web address.
SCREENSHOTS_URL ?= https://ketadesk.org/screenshots

deb: $(STAMP)
	@test -x $(BUNDLE) || $(MAKE) bundle
	$(BIN)/python -m tools.debian_package dist/ketadesk dist --screenshots-url $(SCREENSHOTS_URL)
	@$(MAKE) --no-print-directory deb-validators
	KETADESK_DEB_DIR=dist QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:randomly tests/packaging/test_debian_package.py

# desktop-file-validate and appstreamcli check the menu entry and the metainfo; installed from
# Debian's packages when missing and this is root with apt, else their tests skip, saying why.
deb-validators:
	@for pair in desktop-file-validate:desktop-file-utils appstreamcli:appstream; do \
		tool=$${pair%%:*}; package=$${pair##*:}; \
		command -v $$tool >/dev/null 2>&1 && continue; \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get install -y -q $$package >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q $$package >/dev/null 2>&1; } \
				|| echo "make deb: $$package could not be installed; the $$tool check is skipped"; \
		else echo "make deb: $$tool is missing (sudo apt install $$package); its check is skipped"; fi; \
	done

demo: $(STAMP)
	$(BIN)/ketadesk demo $(ARGS)

clean:
	rm -rf $(VENV) $(BUNDLE_VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache
