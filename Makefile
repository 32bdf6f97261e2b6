# Two commands do everything on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The real NoneBot GeWe adapter needs a qrcode the main environment cannot have: a venv of its own.
NB_VENV := .venv-nonebot
NB_STAMP := $(NB_VENV)/.installed

.PHONY: run test browser bench instructions lint typecheck coverage clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev,fast]'
	touch $(STAMP)

$(NB_STAMP): tests/nonebot_bot/requirements.txt
	$(PY) -m venv $(NB_VENV)
	$(NB_VENV)/bin/pip install --quiet -r tests/nonebot_bot/requirements.txt
	touch $(NB_STAMP)

# The browser tests drive Debian's chromium with Playwright (whose own browser download cannot
# work here) and need a CJK font for readable screenshots: installed with apt when missing. Where
# apt cannot (no root), the tests skip and say why; under CI they fail instead.
browser:
	@test -x /usr/bin/chromium && fc-list 2>/dev/null | grep -q 'Noto Sans CJK' || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) || \
	  echo 'warning: could not install chromium and fonts-noto-cjk with apt; the browser tests will skip'

run: $(STAMP)
	$(BIN)/chatsim serve --host 127.0.0.1 --port 7001

test: $(STAMP) $(NB_STAMP) browser
	$(BIN)/ruff check chatsim tests bench examples
	$(BIN)/lint-imports
	$(BIN)/mypy chatsim
	$(BIN)/python -m pytest -q -n 2 -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Instructions per request of the benchmarked operation under callgrind (deterministic; needs valgrind).
instructions: $(STAMP)
	$(BIN)/python bench/instructions.py --port 18082 --cmd '$(BIN)/python -m chatsim serve --quiet --port 18082 --scenario bench/scenario.yaml'
	$(BIN)/python bench/instructions.py --port 18081 --cmd '$(BIN)/python bench/bare.py --port 18081' 

lint: $(STAMP)
	$(BIN)/ruff check chatsim tests bench examples
	$(BIN)/lint-imports
	$(BIN)/mypy chatsim

coverage: $(STAMP)
	$(BIN)/chatsim coverage

clean:
	rm -rf $(VENV) $(NB_VENV) *.egg-info .pytest_cache
