# Two commands (see README):
#   make run   - set up, generate the synthetic demo when missing, build the store, serve http://127.0.0.1:8050
#                with gunicorn (WORKERS, THREADS, CAKUPAN_HOST, CAKUPAN_PORT; see docs/deploy.md)
#   make dev   - the same with Dash's debug server (python app.py: reloads on code changes)
#   make test  - set up with the dev extras and run the whole test suite (browser tests included)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STORE  ?= data/processed
DEMO   := data/demo
CAKUPAN_HOST ?= 127.0.0.1
CAKUPAN_PORT ?= 8050
WORKERS ?= 2
THREADS ?= 4

DEMO_INPUTS := --boundaries shapefiles/demo/provinsi_contoh.gpkg \
	--registry $(DEMO)/registry/kepesertaan_penerima_upah.csv \
	--registry $(DEMO)/registry/kepesertaan_bpu.xlsx \
	--registry $(DEMO)/registry/kepesertaan_manual_kecamatan.csv \
	--workforce $(DEMO)/workforce/tenaga_kerja_desa.csv \
	--roster $(DEMO)/outreach/bhabinkamtibmas.csv \
	--events $(DEMO)/outreach/kegiatan_sosialisasi.csv

#: The all-villages map's script (frontend/: maplibre-gl + pmtiles from npm, bundled by esbuild).
BUNDLE := layouts/map/static/tilemap.js

.PHONY: run dev test setup setup-dev demo-data store lint bench clean bundle

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

$(BUNDLE): frontend/package.json frontend/package-lock.json frontend/build.mjs frontend/src/tilemap.js
	@command -v npm >/dev/null 2>&1 || { echo "npm (Node.js >= 18) is required to build the map script" >&2; exit 1; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build

bundle: $(BUNDLE)
setup: $(VENV)/.installed $(BUNDLE)
setup-dev: $(VENV)/.installed-dev $(BUNDLE)

$(DEMO)/README.txt: | $(VENV)/.installed
	$(BIN)/cakupan demo --seed 7

demo-data: $(DEMO)/README.txt

$(STORE)/meta.json: $(DEMO)/README.txt | $(VENV)/.installed
	$(BIN)/cakupan build $(DEMO_INPUTS) --out $(STORE)

store: $(STORE)/meta.json

run: $(VENV)/.installed $(BUNDLE) $(STORE)/meta.json
	CAKUPAN_STORE=$${CAKUPAN_STORE:-$(STORE)} CAKUPAN_WARM=$${CAKUPAN_WARM:-1} \
	$(BIN)/gunicorn --workers $(WORKERS) --threads $(THREADS) --timeout 120 \
		--bind $(CAKUPAN_HOST):$(CAKUPAN_PORT) app:server

dev: $(VENV)/.installed $(BUNDLE) $(STORE)/meta.json
	CAKUPAN_STORE=$${CAKUPAN_STORE:-$(STORE)} CAKUPAN_DEBUG=$${CAKUPAN_DEBUG:-1} $(BIN)/python app.py

test: $(VENV)/.installed-dev $(BUNDLE)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(STORE) $(DEMO) shapefiles/demo tests/artifacts layouts/map/static
