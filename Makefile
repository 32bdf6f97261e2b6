# Two commands do everything on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps in one venv: `make run` needs only the runtime dependencies, `make test` adds the rest.
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed
PIP := $(BIN)/pip install --quiet --disable-pip-version-check
# The real NoneBot GeWe adapter needs a qrcode the main environment cannot have: a venv of its own.
NB_VENV := .venv-nonebot
NB_STAMP := $(NB_VENV)/.installed

# dingtalk-webhook's top-level package is named `dingtalk`, as dingtalk-sdk's is: it cannot share
# the venv, so it gets a directory of its own, from which its robot tests load its module.
WEBHOOK_LIB := .lib-dingtalk-webhook
WEBHOOK_STAMP := $(WEBHOOK_LIB)/.installed

# The wheel as a user gets it: built from this checkout, installed into a venv outside it (one per
# checkout, so parallel worktrees do not share it); the wheel test runs chatsim from there.
WHEEL_VENV := $(or $(TMPDIR),/tmp)/chatsim-wheel-$(shell printf %s '$(CURDIR)' | cksum | cut -d' ' -f1)
# What the README's plugin examples import, beside chatsim[pytest] itself.
WHEEL_TEST_DEPS := requests gewechat-client==0.2.2 'dingtalk-sdk[cryptography]==1.3.8' alibabacloud-dingtalk==2.2.65
# `make run PORT=8080 HOST=... ARGS=...`: only values given on make's command line, never an
# inherited $$HOST or $$PORT of the shell; CHATSIM_* variables work as they do for `chatsim serve`.
RUN_ARGS := $(if $(filter command line,$(origin HOST)),--host $(HOST)) \
            $(if $(filter command line,$(origin PORT)),--port $(PORT)) $(ARGS)

.PHONY: run test wheel-venv browser bench instructions lint typecheck coverage clean specs

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) -e '.[fast]'
	touch $(RUN_STAMP)

$(STAMP): pyproject.toml $(RUN_STAMP)
	$(PIP) -e '.[test,dev,fast]'
	touch $(STAMP)

$(WEBHOOK_STAMP): | $(BIN)/python
	$(PIP) --no-deps --target $(WEBHOOK_LIB) dingtalk-webhook==1.1.6
	touch $(WEBHOOK_STAMP)

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

# The specs pre-parsed for a faster start (chatsim/spec/parsed.py, written by chatsim/spec/prebuild.py): redone only for a spec that
# changed; a spec edited since is read from its YAML, so a stale one is never used.
specs: $(RUN_STAMP)
	$(BIN)/python -m chatsim.spec.prebuild

run: specs
	$(BIN)/chatsim serve $(RUN_ARGS)

wheel-venv: $(STAMP) specs
	rm -rf $(WHEEL_VENV)/dist
	$(BIN)/python -m build --outdir $(WHEEL_VENV)/dist . > $(WHEEL_VENV).build.log 2>&1 || (cat $(WHEEL_VENV).build.log; false)
	test -x $(WHEEL_VENV)/bin/python || $(PY) -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/pip install --quiet --disable-pip-version-check "$$(ls $(WHEEL_VENV)/dist/chatsim-*.whl)[pytest]" $(WHEEL_TEST_DEPS)
	$(WHEEL_VENV)/bin/pip install --quiet --disable-pip-version-check --force-reinstall --no-deps $(WHEEL_VENV)/dist/chatsim-*.whl

test: $(STAMP) $(NB_STAMP) $(WEBHOOK_STAMP) wheel-venv browser specs
	$(BIN)/ruff check chatsim tests bench examples
	$(BIN)/lint-imports
	$(BIN)/mypy chatsim
	CHATSIM_WHEEL_VENV=$(WHEEL_VENV) $(BIN)/python -m pytest -q -n 2 -p no:cacheprovider

# Every implemented operation against bare aiohttp, then cold start, RSS, worlds and callbacks (~14 min);
# QUICK=1 for a short run.
bench: $(STAMP) specs
	$(BIN)/python bench/run.py $(if $(QUICK),--quick)

# Instructions per request of every bench case under callgrind, chatsim and bare aiohttp (deterministic;
# needs valgrind; ~10 min).
instructions: $(STAMP) specs
	$(BIN)/python bench/per_operation.py
	$(BIN)/python bench/start_instructions.py

lint: $(STAMP)
	$(BIN)/ruff check chatsim tests bench examples
	$(BIN)/lint-imports
	$(BIN)/mypy chatsim

coverage: $(STAMP)
	$(BIN)/chatsim coverage

clean:
	rm -rf $(VENV) $(NB_VENV) $(WEBHOOK_LIB) $(WHEEL_VENV) $(WHEEL_VENV).build.log *.egg-info .pytest_cache build
