# しゅうろうナビ — build, serve, test. `make help` lists the targets.
# Every variable below can be overridden: `make html OUTPUTDIR=/tmp/site`.

PY ?= python3
VENV ?= .venv
PYTHON := $(VENV)/bin/python
CONTENT ?= content
FACILITIES ?= facilities
OUTPUTDIR ?= output
# The build cache (parsed records, unchanged pages); `make clean` removes it too.
CACHEDIR ?= .cache
CONFFILE ?= pelicanconf.py
PUBLISHCONF ?= publishconf.py
PORT ?= 8000
BIND ?= 127.0.0.1
DEBUG ?= 0
PYTEST_ARGS ?=
# `make publish` writes .gz and .br twins of every text file; PRECOMPRESS=0 leaves them out.
PRECOMPRESS ?= 1
# Synthetic data and benchmarks (tools/): `make synth N=30000 OUT=/tmp/synth`.
N ?= 1000
OUT ?= bench-out/synth-$(N)
SEED ?= 1
SIZES ?= 1000 10000 30000
PEER_SIZES ?= 1000 30000
PEER_REPEATS ?= 3
SIZE ?= 30000
# Open-data import: `make import CSV="a.csv b.csv" [ARGS=--dry-run]`.
CSV ?=
ARGS ?=
# Spreadsheet curation: `make sheet-export SHEET=tokyo.xlsx PREF=tokyo ONLY=missing`, then `make sheet-import SHEET=tokyo.xlsx`.
SHEET ?=
PREF ?=
ONLY ?=
# `make report` writes its HTML page here (outside $(OUTPUTDIR)/: not part of the public site).
REPORT_HTML ?= reports/completeness.html

BUILD_FLAGS :=
ifeq ($(DEBUG), 1)
	BUILD_FLAGS += --debug
endif

export PYTHONPATH := $(CURDIR)/plugins
export CONTENT FACILITIES
export FACILITY_CACHE := $(abspath $(CACHEDIR))

# Building needs only requirements.txt and package.json's dependencies; tests,
# lint and benchmarks add requirements-dev.txt, devDependencies and Chromium.
VENV_STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
NODE_STAMP := node_modules/.installed
NODE_DEV_STAMP := node_modules/.installed-dev

.PHONY: help setup setup-dev html serve devserver publish test lint clean chromium java synth bench bench-near bench-peers bench-rebuild hugo import sheet-export sheet-import report

# Checked before anything is installed or built, so the mistake costs one line.
ifneq ($(filter publish,$(MAKECMDGOALS)),)
ifeq ($(strip $(SITEURL)),)
$(error make publish needs the site's address: make publish SITEURL=https://your-site.jp (see README "Start your own site"))
endif
endif
ifneq ($(filter serve devserver,$(MAKECMDGOALS)),)
PORT_IN_USE := $(shell $(PY) tools/serve.py --check --bind '$(BIND)' --port '$(PORT)' 2>&1)
ifneq ($(PORT_IN_USE),)
$(error $(PORT_IN_USE))
endif
endif

help:
	@echo 'Usage:'
	@echo '  make serve        build the sample site and serve it on http://$(BIND):$(PORT)/ (PORT= to change)'
	@echo '  make test         install what is missing, then run lint and every test'
	@echo '  make html         build into $(OUTPUTDIR)/ (FACILITIES=, CONTENT=, OUTPUTDIR= to change)'
	@echo '  make publish      SITEURL=https://… build with $(PUBLISHCONF) for that address (required), with .gz/.br twins (PRECOMPRESS=0: without)'
	@echo '  make devserver    build, serve, rebuild on every saved record/article/theme/settings change'
	@echo '  make setup        only install what building needs (venv with requirements.txt, lunr.js)'
	@echo '  make setup-dev    also install what tests, lint and benchmarks need (requirements-dev.txt, axe-core, vnu-jar, Chromium, Java)'
	@echo '  make clean        remove $(OUTPUTDIR)/, the build cache $(CACHEDIR)/ and the encoded photos in cache/'
	@echo '  make synth        write N=$(N) synthetic records into OUT=$(OUT)/ (SEED=$(SEED))'
	@echo '  make bench        build the synthetic site at SIZES="$(SIZES)" and measure it (docs/benchmarks.md)'
	@echo '  make bench-near   at N=$(N): 近くの事業所 build cost, coordinate bytes, distance sort in Chromium (issue 12)'
	@echo '  make bench-rebuild clean, no-change, one-edit rebuilds and make devserver at SIZE=$(SIZE), against plain Pelican'
	@echo '  make bench-peers  the same against Pagefind, lunr.js, Pelican and Hugo at PEER_SIZES="$(PEER_SIZES)"'
	@echo '  make import       CSV="<file> …" import open-data CSVs into $(FACILITIES)/ (ARGS=--dry-run to only report)'
	@echo '  make sheet-export SHEET=<file.xlsx|.csv> one row per record to curate in Excel (PREF=tokyo,kanagawa ONLY=missing)'
	@echo '  make sheet-import SHEET=<file>  apply the edited sheet to $(FACILITIES)/ (ARGS=--dry-run, --force, -v)'
	@echo '  make report       per prefecture, what records still lack; also writes $(REPORT_HTML)'
	@echo 'Set DEBUG=1 for tracebacks and debug logs.'

$(VENV_STAMP): requirements.txt
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV_STAMP) $@

# Where the test tools were installed before, keep them: npm ci empties node_modules,
# and a `make html` during a test run must not take axe-core away from the tests.
$(NODE_STAMP): package.json package-lock.json
	if [ -f $(NODE_DEV_STAMP) ]; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_DEV_STAMP); \
	else \
		npm ci --omit=dev --no-audit --no-fund --loglevel=error; \
	fi
	touch $@

# npm ci starts from an empty node_modules, so the full install marks both stamps.
$(NODE_DEV_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP) $@

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

# The HTML validity tests run the Nu Html Checker (vnu-jar, a devDependency), which needs Java.
java:
	@if ! command -v java >/dev/null; then \
		if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
			echo 'Installing Debian default-jre-headless for the HTML validity tests…'; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
		else \
			echo 'Java is missing: install it with `sudo apt-get install default-jre-headless`' >&2; exit 1; \
		fi; \
	fi

setup: $(VENV_STAMP) $(NODE_STAMP)

setup-dev: $(DEV_STAMP) $(NODE_DEV_STAMP) chromium java

html: setup
	$(PYTHON) -m facility_site.build -s $(CONFFILE) -o $(OUTPUTDIR) $(BUILD_FLAGS)

serve: html
	@echo 'Serving $(OUTPUTDIR)/ on http://$(BIND):$(PORT)/ (Ctrl+C to stop)'
	@$(PYTHON) tools/serve.py --directory $(OUTPUTDIR) --bind $(BIND) --port $(PORT)

devserver: setup
	$(PYTHON) -m facility_site.devserver -s $(CONFFILE) -o $(OUTPUTDIR) --bind $(BIND) --port $(PORT) $(BUILD_FLAGS) $(if $(filter 1,$(POLL)),--poll,)

publish: setup
	$(PYTHON) -m facility_site.build -s $(PUBLISHCONF) -o $(OUTPUTDIR) $(BUILD_FLAGS) $(if $(filter 0,$(PRECOMPRESS)),,--precompress)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check plugins tests tools pelicanconf.py publishconf.py

test: setup-dev lint
	$(PYTHON) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(OUTPUTDIR) $(CACHEDIR) cache

synth: $(VENV_STAMP)
	$(PYTHON) tools/synth.py --count $(N) --out $(OUT) --seed $(SEED)

bench: setup-dev
	$(PYTHON) tools/bench.py --sizes $(SIZES)

bench-near: setup-dev
	$(PYTHON) tools/synth.py --count $(N) --out $(OUT) --seed $(SEED)
	$(PYTHON) tools/bench_near.py --records $(OUT)

bench-rebuild: setup-dev
	$(PYTHON) tools/bench_rebuild.py --size $(SIZE)

bench-peers: setup-dev hugo
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

# Exit status 0: imported (even with skipped rows); 2: stopped, nothing written (the
# command's own status, which is also what make gives for any failed recipe).
import: $(VENV_STAMP)
	@test -n "$(CSV)" || { echo 'Usage: make import CSV="<file> [<file> …]" [FACILITIES=<dir>] [ARGS=--dry-run]' >&2; exit 2; }
	$(PYTHON) -m facility_site.open_data --facilities $(FACILITIES) $(ARGS) $(CSV)

sheet-export: $(VENV_STAMP)
	@test -n "$(SHEET)" || { echo 'Usage: make sheet-export SHEET=<file.xlsx|file.csv> [PREF=tokyo,kanagawa] [ONLY=missing] [FACILITIES=<dir>]' >&2; exit 2; }
	$(PYTHON) -m facility_site.sheet export --facilities $(FACILITIES) $(if $(PREF),--pref $(PREF)) $(if $(ONLY),--only $(ONLY)) $(SHEET)

sheet-import: $(VENV_STAMP)
	@test -n "$(SHEET)" || { echo 'Usage: make sheet-import SHEET=<file.xlsx|file.csv> [FACILITIES=<dir>] [ARGS="--dry-run --force -v"]' >&2; exit 2; }
	$(PYTHON) -m facility_site.sheet import --facilities $(FACILITIES) $(ARGS) $(SHEET)

report: $(VENV_STAMP)
	$(PYTHON) -m facility_site.sheet report --facilities $(FACILITIES) --conf $(CONFFILE) --html $(REPORT_HTML)
