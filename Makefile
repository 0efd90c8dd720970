# Set-up and everyday commands. `make run` and `make test` are the README's two commands:
# each creates the virtual environment and installs what it needs first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install harvester run build test lint typecheck pytest bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(BIN)/wcokg build
	$(BIN)/wcokg serve --host $(HOST) --port $(PORT)

build: install
	$(BIN)/wcokg build

test: install harvester lint typecheck pytest

# A real DCAT harvester for tests/test_export_dcat.py, in its own virtual environment (CKAN is not
# a project dependency): ckanext-dcat's RDFParser needs CKAN itself. A failed install only makes
# that test skip, with the reason.
HARVESTER ?= .venv-harvester
harvester: $(HARVESTER)/.installed

$(HARVESTER)/.installed:
	$(PYTHON) -m venv $(HARVESTER)
	$(HARVESTER)/bin/python -m pip install --quiet 'ckanext-dcat==2.4.4' 'ckan[requirements]==2.12.0' \
		&& touch $@ || echo "harvester not installed: the CKAN harvester test will skip"

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The source folders are mapped under `wcokg.*` by setuptools; mypy reads a tree of links
# that has the same shape as the installed package.
typecheck:
	rm -rf build/typecheck && mkdir -p build/typecheck/wcokg
	for f in wcokg/*; do ln -s ../../../$$f build/typecheck/wcokg/; done
	for d in loaders api; do ln -s ../../../$$d build/typecheck/wcokg/$$d; done
	cd build/typecheck && ../../$(BIN)/mypy --config-file ../../pyproject.toml --cache-dir ../mypy-cache -p wcokg

pytest:
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf build var .pytest_cache .mypy_cache .ruff_cache
