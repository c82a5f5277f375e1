# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint system-packages neo4j-start neo4j-stop clean

$(BIN)/tongxin: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The demo always uses the embedded store, whatever TONGXIN_STORE or NEO4J_URI say.
demo: $(BIN)/tongxin
	$(BIN)/tongxin --store .tongxin demo

# The Neo4j half of the suite starts the project's local Neo4j when NEO4J_URI is unset.
test: system-packages lint
	$(BIN)/pytest

# The tree stays clean under the formatter and the linter (settings in pyproject.toml).
lint: $(BIN)/tongxin
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

# Chromium, the CJK font, Pango, poppler, Java and Maven: installed when missing, or named.
system-packages:
	scripts/system-packages.sh

neo4j-start: $(BIN)/tongxin
	$(BIN)/tongxin neo4j start

neo4j-stop: $(BIN)/tongxin
	$(BIN)/tongxin neo4j stop

clean:
	rm -rf $(VENV) .tongxin .pytest_cache
