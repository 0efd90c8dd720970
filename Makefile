# Set-up and everyday commands. `make run` and `make test` are the README's two commands:
# each installs what it needs first — the Python packages exactly as locked in uv.lock, and the
# Debian packages of scripts/system-packages where this user may install them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# uv resolves and installs from the lock; it is itself pinned and kept out of the project's venv.
UV_VERSION := 0.13.8
TOOLS  := build/tools
UV     := $(TOOLS)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

.PHONY: install lock harvester run build test system-run system-test lint typecheck pytest bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# `--locked`: refuses to install when uv.lock does not match pyproject.toml (run `make lock`).
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	@$(UV) sync --locked --extra dev --python $(PYTHON) || { \
	  echo "wcokg: uv.lock does not match pyproject.toml (or could not be installed): run 'make lock' and commit uv.lock"; exit 1; }
	touch $@

# Re-resolve every dependency (transitive ones included) and rewrite uv.lock and the
# harvester's lock; commit the result.
lock: | $(UV)
	$(UV) lock --python $(PYTHON)
	$(UV) pip compile --quiet --generate-hashes --python $(PYTHON) --universal \
	  $(HARVESTER_LOCK:.txt=.in) -o $(HARVESTER_LOCK)

# A real DCAT harvester for tests/test_export_dcat.py, in its own virtual environment (CKAN is
# not a project dependency): ckanext-dcat's RDFParser needs CKAN itself. Installed from its own
# hashed lock; a failed install only makes that test skip with the reason (fail in CI).
HARVESTER ?= .venv-harvester
HARVESTER_LOCK := tests/harvester/requirements.txt
harvester: $(HARVESTER)/.installed

$(HARVESTER)/.installed: $(HARVESTER_LOCK) | $(UV)
	@{ $(UV) venv --quiet --allow-existing --python $(PYTHON) $(HARVESTER) \
	  && VIRTUAL_ENV=$(HARVESTER) $(UV) pip sync --quiet --require-hashes $(HARVESTER_LOCK) \
	  && touch $@; } || echo "wcokg: the CKAN harvester could not be installed: its test will skip"

system-run:
	@scripts/system-packages run

system-test:
	@scripts/system-packages test

run: install system-run
	$(BIN)/wcokg build
	$(BIN)/wcokg serve --host $(HOST) --port $(PORT)

build: install
	$(BIN)/wcokg build

test: install system-test harvester lint typecheck pytest

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
	$(UV) sync --locked --extra dev --extra bench --python $(PYTHON)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)
	$(UV) sync --locked --extra dev --python $(PYTHON)

clean:
	rm -rf build var .pytest_cache .mypy_cache .ruff_cache
