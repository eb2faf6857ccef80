# The README's two commands are `make demo` and `make test`; both build the venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

# pytest-xdist workers for the fast tier (the e2e tier runs in one process: tests/tiers.py).
JOBS ?= 2

.PHONY: venv demo test test-fast test-slow test-e2e lint bench docs clean

$(BIN)/safesm: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]' --config-settings editable_mode=compat
	touch $@

venv: $(BIN)/safesm

demo: venv
	bash scripts/demo.sh

# Everything: the fast tier, then the end-to-end tier.
test: test-fast test-slow test-e2e

# Unit and in-process CLI tests against the emulator: no pty, X, shell, keyring or
# safesm subprocess (a test that starts a process fails).
test-fast: venv
	$(BIN)/pytest -q -n $(JOBS) -m "not e2e and not slow"

# In-process tests that wait on real time (backoff, rate limits, timeouts).
test-slow: venv
	$(BIN)/pytest -q -n $(JOBS) -m "slow and not e2e"

# The installed safesm in real ptys, X, shells and a Secret Service, one test at a time.
test-e2e: venv
	$(BIN)/pytest -q -m e2e

lint: venv
	$(BIN)/ruff check safesm tests benchmarks
	$(BIN)/mypy

# Regenerate the checked-in man page and completion scripts (tests fail when they are stale).
docs: venv
	$(BIN)/python -m safesm.manpage > man/safesm.1
	$(BIN)/safesm completion bash > completions/safesm.bash
	$(BIN)/safesm completion zsh > completions/_safesm
	$(BIN)/safesm completion fish > completions/safesm.fish

bench: venv
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
