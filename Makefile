# しゅうろうナビ — build, serve, test. `make help` lists the targets.
# Every variable below can be overridden: `make html OUTPUTDIR=/tmp/site`.

PY ?= python3
VENV ?= .venv
PYTHON := $(VENV)/bin/python
CONTENT ?= content
FACILITIES ?= facilities
OUTPUTDIR ?= output
CONFFILE ?= pelicanconf.py
PUBLISHCONF ?= publishconf.py
PORT ?= 8000
BIND ?= 127.0.0.1
DEBUG ?= 0
PYTEST_ARGS ?=
# Synthetic data and benchmarks (tools/): `make synth N=30000 OUT=/tmp/synth`.
N ?= 1000
OUT ?= bench-out/synth-$(N)
SEED ?= 1
SIZES ?= 1000 10000 30000
PEER_SIZES ?= 1000 30000
PEER_REPEATS ?= 3
# Open-data import: `make import CSV="a.csv b.csv" [ARGS=--dry-run]`.
CSV ?=
ARGS ?=

BUILD_FLAGS :=
ifeq ($(DEBUG), 1)
	BUILD_FLAGS += --debug
endif

export PYTHONPATH := $(CURDIR)/plugins
export CONTENT FACILITIES

VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: help setup html serve devserver publish test lint clean chromium synth bench bench-peers hugo import

help:
	@echo 'Usage:'
	@echo '  make serve        build the sample site and serve it on http://$(BIND):$(PORT)/'
	@echo '  make test         install what is missing, then run lint and every test'
	@echo '  make html         build into $(OUTPUTDIR)/ (FACILITIES=, CONTENT=, OUTPUTDIR= to change)'
	@echo '  make publish      build with $(PUBLISHCONF) (SITEURL=https://… for the real address)'
	@echo '  make devserver    rebuild on change and serve (writes straight into $(OUTPUTDIR)/)'
	@echo '  make setup        only install: venv, npm packages, Chromium for browser tests'
	@echo '  make clean        remove $(OUTPUTDIR)/'
	@echo '  make synth        write N=$(N) synthetic records into OUT=$(OUT)/ (SEED=$(SEED))'
	@echo '  make bench        build the synthetic site at SIZES="$(SIZES)" and measure it (docs/benchmarks.md)'
	@echo '  make bench-peers  the same against Pagefind, lunr.js, Pelican and Hugo at PEER_SIZES="$(PEER_SIZES)"'
	@echo '  make import       CSV="<file> …" import open-data CSVs into $(FACILITIES)/ (ARGS=--dry-run to only report)'
	@echo 'Set DEBUG=1 for tracebacks and debug logs.'

$(VENV_STAMP): requirements.txt
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Browser tests use Debian's Chromium (no browser download is possible here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
			echo 'Installing Debian chromium for the browser tests…'; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
		else \
			echo 'Chromium is missing: install it with `sudo apt-get install chromium`' >&2; exit 1; \
		fi; \
	fi

setup: $(VENV_STAMP) $(NODE_STAMP)

html: setup
	$(PYTHON) -m facility_site.build -s $(CONFFILE) -o $(OUTPUTDIR) $(BUILD_FLAGS)

serve: html
	@echo 'Serving $(OUTPUTDIR)/ on http://$(BIND):$(PORT)/ (Ctrl+C to stop)'
	$(PYTHON) -m http.server --directory $(OUTPUTDIR) --bind $(BIND) $(PORT)

devserver: setup
	$(VENV)/bin/pelican $(CONTENT) -o $(OUTPUTDIR) -s $(CONFFILE) --autoreload --listen --bind $(BIND) --port $(PORT)

publish: setup
	$(PYTHON) -m facility_site.build -s $(PUBLISHCONF) -o $(OUTPUTDIR) $(BUILD_FLAGS)

lint: $(VENV_STAMP)
	$(VENV)/bin/ruff check plugins tests tools pelicanconf.py publishconf.py

test: setup chromium lint
	$(PYTHON) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(OUTPUTDIR)

synth: $(VENV_STAMP)
	$(PYTHON) tools/synth.py --count $(N) --out $(OUT) --seed $(SEED)

bench: setup chromium
	$(PYTHON) tools/bench.py --sizes $(SIZES)

bench-peers: setup chromium hugo
	$(PYTHON) tools/bench_peers.py --sizes $(PEER_SIZES) --repeats $(PEER_REPEATS)

# Hugo is one of the peers when Debian's package installs; the benchmark reports it missing otherwise.
hugo:
	@if ! command -v hugo >/dev/null; then \
		if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
			echo 'Installing Debian hugo for bench-peers…'; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null) || echo 'hugo did not install; bench-peers goes on without it' >&2; \
		else \
			echo 'hugo is missing (apt-get install hugo); bench-peers goes on without it' >&2; \
		fi; \
	fi

import: $(VENV_STAMP)
	@test -n "$(CSV)" || { echo 'Usage: make import CSV="<file> [<file> …]" [FACILITIES=<dir>] [ARGS=--dry-run]' >&2; exit 2; }
	$(PYTHON) -m facility_site.open_data --facilities $(FACILITIES) $(ARGS) $(CSV)
