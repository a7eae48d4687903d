# The two commands: `make run-services` (whole stack on this machine) and `make test` (every test).
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_BIN := node_modules/.bin
# Every target runs on the Node.js of .node-version, fetched once into .tools/ by scripts/pinned-node.sh (whatever
# node the machine has): it comes first on PATH, so `node`, npm, the tools in node_modules/.bin and the processes
# tests start all run on it.
NODE_VERSION := $(shell tr -d '[:space:]' < .node-version)
PINNED_NODE := .tools/node-v$(NODE_VERSION)/bin/node
export PATH := $(CURDIR)/.tools/node-v$(NODE_VERSION)/bin:$(PATH)

.PHONY: help node install build gen certs token kafka-mock migrate run-services test test-unit lint typecheck bench

help:
	@echo "make run-services  start the whole stack (embedded PostgreSQL, local Kafka broker, all services)"
	@echo "make test          run every test"
	@echo "make build         bundle each service into services/<name>/dist (the form every start-up runs), the image's jobs into build/jobs"
	@echo "make lint          buf lint, buf breaking (against main), typecheck, eslint, prettier"
	@echo "make gen           regenerate TypeScript from proto/"
	@echo "make certs         make the dev CA, server and client certificates and the token signing key under certs/"
	@echo "make token USER=7  print a dev shopper token for user 7 (ADMIN=1 adds scope admin)"
	@echo "make migrate       apply migrations to the databases in *_DATABASE_URL (or the embedded cluster)"
	@echo "make bench         run the benchmarks, write docs/benchmarks.md"
	@echo "make node          fetch the Node.js of .node-version into .tools/ (every target runs on it)"

$(PINNED_NODE):
	@bash scripts/pinned-node.sh

node: $(PINNED_NODE)

# `npm install` keeps a working node_modules (a developer's) and updates what changed; the image uses `npm ci`.
node_modules/.install-stamp: package.json package-lock.json | $(PINNED_NODE)
	npm install --no-audit --no-fund >&2
	@touch $@

install: node_modules/.install-stamp

build: install
	node --import tsx scripts/build-services.ts

gen: install
	bash scripts/gen.sh

certs:
	@bash scripts/make-certs.sh

# Only the token on stdout, so that `$$(make -s token USER=7)` can be pasted into a header.
token: install certs
	@USER_ID="$(USER)" ADMIN="$(ADMIN)" node --import tsx scripts/token.ts

kafka-mock:
	bash tools/kafka-mock/build.sh

migrate: install
	node --import tsx scripts/migrate.ts

run-services: build certs kafka-mock
	node --import tsx scripts/run-services.ts

test: build certs kafka-mock
	bash scripts/run-tests.sh

# buf breaking compares proto/ with the last commit of the local branch main (a fresh clone of main has it):
# fields and methods may be added, never renamed, renumbered or removed.
lint: install
	$(NODE_BIN)/buf lint
	$(NODE_BIN)/buf breaking --against '.git#branch=main'
	$(NODE_BIN)/tsc -p tsconfig.json
	$(NODE_BIN)/eslint .
	$(NODE_BIN)/prettier --check .

typecheck: install
	$(NODE_BIN)/tsc -p tsconfig.json

bench: build certs kafka-mock
	node --import tsx bench/runAll.ts $(if $(SCENARIO),--scenario $(SCENARIO),)
