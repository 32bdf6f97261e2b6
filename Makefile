# Two commands do everything on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The real NoneBot GeWe adapter needs a qrcode the main environment cannot have: a venv of its own.
NB_VENV := .venv-nonebot
NB_STAMP := $(NB_VENV)/.installed

.PHONY: run test bench instructions lint typecheck coverage clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev,fast]'
	touch $(STAMP)

$(NB_STAMP): tests/nonebot_bot/requirements.txt
	$(PY) -m venv $(NB_VENV)
	$(NB_VENV)/bin/pip install --quiet -r tests/nonebot_bot/requirements.txt
	touch $(NB_STAMP)

run: $(STAMP)
	$(BIN)/chatsim serve --host 127.0.0.1 --port 7001

test: $(STAMP) $(NB_STAMP)
	$(BIN)/ruff check chatsim tests bench examples
	$(BIN)/lint-imports
	$(BIN)/mypy chatsim
	$(BIN)/python -m pytest -q -n 2 -p no:cacheprovider

# Every implemented operation against bare aiohttp, then cold start, RSS, worlds and callbacks (~13 min);
# QUICK=1 for a short run.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(if $(QUICK),--quick)

# Instructions per request of every bench case under callgrind, chatsim and bare aiohttp (deterministic;
# needs valgrind; ~10 min).
instructions: $(STAMP)
	$(BIN)/python bench/per_operation.py

lint: $(STAMP)
	$(BIN)/ruff check chatsim tests bench examples
	$(BIN)/lint-imports
	$(BIN)/mypy chatsim

coverage: $(STAMP)
	$(BIN)/chatsim coverage

clean:
	rm -rf $(VENV) $(NB_VENV) *.egg-info .pytest_cache
