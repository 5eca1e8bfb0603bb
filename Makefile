# cgresearch: the two commands of the README (`make report`, `make test`) and their helpers.
# Each bootstraps .venv from uv.lock on first use; nothing but python3 (>= 3.11) and make is needed.

PYTHON ?= python3
PORT ?= 8888
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
STAMP := $(VENV)/.synced
RUN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_PYTHON := $(shell command -v $(PYTHON))
export UV_PYTHON_DOWNLOADS := never
export MPLBACKEND := Agg

.PHONY: report test lint format lab bench env browser clean distclean

## report: regenerate every report figure and table under outputs/ (the main job)
report: $(STAMP)
	$(RUN)/cgresearch report

## test: lint, format check, data manifest and the full test suite in random order
## (pytest-randomly prints its seed first and last; replay an order with
## `.venv/bin/pytest -p randomly --randomly-seed=N`)
test: $(STAMP) browser
	$(RUN)/ruff check .
	$(RUN)/ruff format --check .
	$(RUN)/cgresearch data verify
	$(RUN)/pytest -p randomly

## env: create or update .venv from uv.lock (exact versions, all extras used by report and tests)
env: $(STAMP)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --extra dev --compile-bytecode
	$(RUN)/python -m ipykernel install --sys-prefix --name cgresearch --display-name "Python (cgresearch)" >/dev/null
	touch $(STAMP)

## browser: Debian's chromium and a Hangul font (fonts-nanum) for the dashboard's browser tests
## (installed only where we are root)
browser:
	@if command -v chromium >/dev/null 2>&1 && [ -n "$$(fc-list :lang=ko 2>/dev/null)" ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium and fonts-nanum for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null) \
		|| echo "could not install chromium: browser tests will skip"; \
	else echo "chromium or a Hangul font missing and not root: browser tests may skip (apt-get install chromium fonts-nanum)"; fi

## lab: open JupyterLab in the project's environment (the .py notebooks open as notebooks);
## `make lab PORT=8899` picks the port; as root (containers) it adds --allow-root
# Rooted at the project so jupytext finds jupytext.toml; a double-click opens a .py notebook as a
# notebook (JupyterLab's defaultViewers, set for this environment only: overrides.json in the
# environment's lab application directory, never the user's settings).
lab: $(STAMP)
	@settings="$$($(RUN)/jupyter lab path | sed -n 's/^Application directory: *//p')/settings"; \
	mkdir -p "$$settings" && printf '%s\n' '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"python": "Jupytext Notebook"}}}' > "$$settings/overrides.json"
	$(RUN)/jupyter lab --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/notebooks \
		--ServerApp.port=$(PORT) $$([ "$$(id -u)" = "0" ] && echo --allow-root)

## bench: run the benchmarks under benchmarks/ and print their figures
bench: $(STAMP)
	$(RUN)/python -m benchmarks

lint: $(STAMP)
	$(RUN)/ruff check .
	$(RUN)/ruff format --check .

format: $(STAMP)
	$(RUN)/ruff check --fix .
	$(RUN)/ruff format .

clean:
	rm -rf outputs/* .pytest_cache .ruff_cache
	git checkout -- outputs/README.md 2>/dev/null || true

distclean: clean
	rm -rf $(VENV) $(TOOLS)
