# The two commands that do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test system-deps lint typecheck unit docs fuzz bench clean messages schemas

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench,docs]'
	touch $(STAMP)

# The whole pipeline on the shipped examples: validate, plan (saved), apply that plan to the embedded
# state and the local provider, then plan again: the second plan must find nothing to do.
demo: $(STAMP)
	$(BIN)/balprov validate
	$(BIN)/balprov plan -o .balprov/demo-plan.json
	$(BIN)/balprov apply .balprov/demo-plan.json
	$(BIN)/balprov plan --detailed-exitcode
	$(BIN)/balprov state list

test: $(STAMP) system-deps lint typecheck unit docs

# Real servers for the tests (PostgreSQL, OpenLDAP): installed if missing; the tests start and stop them.
system-deps:
	scripts/install-system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

# The documentation site, its reference generated from the code (scripts/gen_reference.py); warnings fail.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# The schemas' validators compiled ahead of time (src/balprov/compiled_schemas/): after editing schemas/.
schemas: $(STAMP)
	$(BIN)/python scripts/compile_schemas.py

# The translations: extract every marked message (src/balprov, templates/), add the new ones untranslated to
# src/balprov/locale/*/LC_MESSAGES/balprov.po, drop obsolete ones, recompile the committed balprov.mo.
messages: $(STAMP)
	$(BIN)/python scripts/messages.py

# A long fuzzing run of the readers (the tests run a short one): BALPROV_FUZZ_EXAMPLES=200000 make fuzz
fuzz: $(STAMP)
	BALPROV_FUZZ_EXAMPLES=$${BALPROV_FUZZ_EXAMPLES:-50000} $(BIN)/pytest -q tests/fuzz tests/test_properties.py

# Whole-process benchmarks, side by side with their floor or peer (figures in the README); scale.py runs
# 1,000 / 10,000 / 50,000 files (several minutes).
bench: $(STAMP)
	$(BIN)/python bench/validate.py 10000
	$(BIN)/python bench/plan.py 10000
	$(BIN)/python bench/annuaire.py
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) .balprov .pytest_cache .mypy_cache .ruff_cache
