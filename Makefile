# paywire developer commands. Quickstart: `make dev` runs everything, `make test` tests it.
UV ?= uv
PYTEST_ARGS ?=

.PHONY: help install services migrate dev demo test test-unit lint fmt bench compose-up clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

install:  ## install the workspace (uv, Python packages) from the lock file
	@command -v $(UV) >/dev/null || python3 -m pip install --quiet uv
	$(UV) sync --locked

services:  ## start local PostgreSQL and RabbitMQ if they are down
	@scripts/ensure-services.sh

.env:
	cp .env.example .env

migrate: install services .env  ## create the database and apply every migration
	$(UV) run paywire migrate

dev: migrate  ## run all four services natively and walk through the demo
	$(UV) run paywire dev --demo

demo:  ## run the demo against services that are already running
	$(UV) run paywire demo

test: install services  ## the whole test suite against the real Postgres and RabbitMQ
	$(UV) run pytest $(PYTEST_ARGS)

test-unit: install  ## only the tests that need no servers
	$(UV) run pytest -m "not integration and not e2e" $(PYTEST_ARGS)

lint: install  ## ruff and mypy
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy

fmt: install  ## format and autofix
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

bench: install services  ## throughput and latency figures, printed
	@command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null); } || echo "bench: wrk unavailable, the ingress bench falls back to its httpx load generator"
	$(UV) run python bench/run.py

compose-up:  ## the whole system in Docker (needs a Docker engine)
	docker compose up --build

clean:  ## remove caches
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis
