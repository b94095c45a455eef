# jdrenda — the two commands a newcomer needs are `make run` and `make test`.
# GNU make; works on a fresh clone with only Python 3.11 on the machine.

SHELL := /bin/bash

# The first interpreter that actually runs (a pyenv shim may exist without its version).
PYTHON_BOOT := $(shell for p in python3.11 python3; do \
	if $$p -c 'import sys' >/dev/null 2>&1; then echo $$p; break; fi; done)
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
# Re-install only when pyproject.toml is newer than this stamp.
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install run migrate test lint fmt worker beat bench backup restore load clean

help:
	@echo "make run     — 安装依赖、迁移数据库、写入演示数据，在 http://$(HOST):$(PORT) 启动开发服务器"
	@echo "make test    — ruff 检查、迁移检查、运行全部测试"
	@echo "make install | lint | fmt | worker | beat | bench | clean"
	@echo "make backup | restore FILE=backups/….dump [YES=1] | load  — 运维（PostgreSQL）"

$(PY):
	@test -n "$(PYTHON_BOOT)" || { echo "需要 Python 3.11 (python3.11 或 python3)"; exit 1; }
	$(PYTHON_BOOT) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -e ".[dev]"
	@touch $(STAMP)

# npm installs the test-only axe-core (package.json) when npm is on the machine; without it the
# accessibility tests skip locally (and fail in CI, which installs node and npm).
NODE_STAMP := node_modules/.installed-stamp
NODE_DEPS := $(if $(shell command -v npm 2>/dev/null),$(NODE_STAMP))

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NODE_STAMP)

install: $(STAMP) $(NODE_DEPS)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py setup_schedules
	$(PY) manage.py setup_point_weights
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# pytest's exit 5 ("no tests collected") fails too: with hundreds of tests it means a broken
# collection or a PYTEST_ARGS that selects nothing.
test: lint $(NODE_DEPS)
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

worker: $(STAMP)
	$(BIN)/celery -A jdrenda worker -l info

beat: $(STAMP)
	$(BIN)/celery -A jdrenda beat -l info

bench: $(STAMP)
	$(PY) bench/run.py

# PostgreSQL only (DATABASE_URL): pg_dump to backups/jdrenda-YYYYmmdd-HHMMSS.dump.
backup: $(STAMP)
	$(PY) manage.py backup

# Replaces the DATABASE_URL database's contents; asks for its name unless YES=1 or CI is set.
restore: $(STAMP)
	@test -n "$(FILE)" || { echo "用法：make restore FILE=backups/jdrenda-….dump [YES=1]"; exit 2; }
	$(PY) manage.py restore "$(FILE)"

# 50 users for 60 s against gunicorn on the bench database (BENCH_DATABASE_URL); see README.
load: $(STAMP)
	$(PY) bench/load.py

# Generated files only; keeps .venv and the development database.
clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache staticfiles test-artifacts bench/out
