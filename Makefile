# Regie: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml package-lock.json 2>/dev/null | sha256sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-deps run test bench demo lint clean

$(STAMP): pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Debian packages: Chromium for the browser tests, LibreOffice for PDF/A letters, Noto fonts for
# summaries in Arabic script and Ge'ez (Tigrinya), poppler to check the PDF pages as images.
# Installed when missing and we are root (CI, the docker image); otherwise those tests skip.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	fc-list 2>/dev/null | grep -q "Noto Naskh Arabic" || missing="$$missing fonts-noto-core"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing fonts-dejavu >/dev/null) \
	      || echo "warning: could not install$$missing; the tests that need them will be skipped"; \
	  else echo "warning:$$missing missing and not root; the tests that need them will be skipped"; fi; \
	fi

run: install system-deps
	$(BIN)/regie db upgrade
	$(BIN)/regie duo-sim serve --background --port $(DUO_SIM_PORT) --regie http://$(HOST):$(PORT)/duo/v1/notificaties
	$(BIN)/regie demo
	$(BIN)/regie monitoring historie
	@echo "Regie: open http://$(HOST):$(PORT)/ (demo accounts in README.md); the worker fires timers and makes PDFs"
	@# One foreground command: the worker runs beside the web app; Ctrl-C (or the app ending) stops both and the DUO simulator.
	@$(BIN)/regie worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker; kill $$(cat var/duo-sim.pid 2>/dev/null) 2>/dev/null' INT TERM EXIT; \
	  $(BIN)/regie serve --host $(HOST) --port $(PORT)

test: install system-deps
	$(BIN)/pytest

bench: install
	$(BIN)/regie bench
	$(BIN)/python -m api.inbox.bench
	$(BIN)/python -m engine.monitoring.bench
	$(BIN)/python -m engine.loadtest --users 10 --seconds 60

# LOAD_USERS simulated klantmanagers for LOAD_SECONDS on two web processes and two workers, on a scratch schema of the
# PostgreSQL on 127.0.0.1 (REGIE_LOADTEST_POSTGRES_URL); prints the table, exits 1 on a 5xx.
.PHONY: loadtest
loadtest: install
	$(BIN)/python -m engine.loadtest --users $(or $(LOAD_USERS),20) --seconds $(or $(LOAD_SECONDS),120)

lint: install
	npx bpmnlint processes/*.bpmn

clean:
	rm -rf $(VENV) node_modules var test-artifacts

# `make run` talks to the DUO/BRP simulator (regie duo-sim) instead of DUO and the BRP; the
# OINs are the simulator's fictitious ones (README "Aansluiten op DUO").
DUO_SIM_PORT ?= 8001
run: export REGIE_DUO_URL ?= http://127.0.0.1:$(DUO_SIM_PORT)/v1
run: export REGIE_DUO_OIN ?= 00000099000000000001
run: export REGIE_DUO_TOKEN ?= duo-sim-token
run: export REGIE_BRP_URL ?= http://127.0.0.1:$(DUO_SIM_PORT)/brp

# Mutation analysis of the legal rules (not part of `make test`): one-step changes of every
# legal constant in processes/, forms/ and the letter rules, then cosmic-ray on the rule modules.
.PHONY: mutants
mutants: install
	@$(BIN)/python -m engine.mutation; own=$$?; $(BIN)/python -m engine.mutation.cosmic; cr=$$?; \
	  test $$own -eq 0 -a $$cr -eq 0
