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

# Debian packages: Chromium for the browser tests, LibreOffice for PDF/A letters.
# Installed when missing and we are root (CI, the docker image); otherwise those tests skip.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing fonts-dejavu >/dev/null) \
	      || echo "warning: could not install$$missing; the tests that need them will be skipped"; \
	  else echo "warning:$$missing missing and not root; the tests that need them will be skipped"; fi; \
	fi

run: install
	$(BIN)/regie db upgrade
	$(BIN)/regie demo
	@echo "Regie: open http://$(HOST):$(PORT)/ (demo accounts in README.md)"
	$(BIN)/regie serve --host $(HOST) --port $(PORT)

test: install system-deps
	$(BIN)/pytest

bench: install
	$(BIN)/regie bench
	$(BIN)/python -m api.inbox.bench

lint: install
	npx bpmnlint processes/*.bpmn

clean:
	rm -rf $(VENV) node_modules var test-artifacts

# Mutation analysis of the legal rules (not part of `make test`): one-step changes of every
# legal constant in processes/, forms/ and the letter rules, then cosmic-ray on the rule modules.
.PHONY: mutants
mutants: install
	@$(BIN)/python -m engine.mutation; own=$$?; $(BIN)/python -m engine.mutation.cosmic; cr=$$?; \
	  test $$own -eq 0 -a $$cr -eq 0
