# MailSentry: the two commands of the README, and a few helpers.
#   make run    set everything up and start MailSentry
#   make test   set everything up and run lint, types and the whole test suite

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench system-deps clean translations

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,gui]'
	touch $(STAMP)

system-deps:
	bash .ci/system-deps

# The Japanese translation the app loads. Edit the .ts (after
# `$(BIN)/python scripts/update_translations.py` brings in new strings); the .qm is built.
TS := resources/translations/mailsentry_ja.ts
QM := resources/translations/mailsentry_ja.qm

translations: $(QM)

$(QM): $(TS) $(STAMP)
	$(BIN)/pyside6-lrelease -silent $(TS) -qm $(QM)

run: system-deps $(STAMP) translations
	$(BIN)/mailsentry gui

lint: $(STAMP)
	$(BIN)/ruff check app tests benchmarks scripts installer

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: system-deps $(STAMP) lint typecheck unit

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_scan.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis

# Installable build (installer/README.md): dist/mailsentry/ from PyInstaller, then
# dist/mailsentry_<version>_<arch>.deb, then a smoke check of both (CLI, GUI offscreen,
# the .deb's layout).
.PHONY: package
package: system-deps $(STAMP) translations
	test -x $(BIN)/pyinstaller || $(BIN)/pip install --quiet 'pyinstaller>=6.10'
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN installer/mailsentry.spec
	bash installer/build-deb.sh
	bash installer/smoke-test.sh
