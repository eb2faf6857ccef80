# The README's two commands are `make demo` and `make test`; both build the venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

# Test workers (pytest-xdist); the e2e tests always run one at a time (tests/tiers.py).
JOBS ?= 2

.PHONY: venv demo test test-fast lint bench docs clean

$(BIN)/safesm: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]' --config-settings editable_mode=compat
	touch $@

venv: $(BIN)/safesm

demo: venv
	bash scripts/demo.sh

# Everything: the e2e tests one after another on one worker, the in-process tests beside.
test: venv
	$(BIN)/pytest -q -n $(JOBS) --dist loadgroup

# Unit and in-process CLI tests against the emulator: no pty, X, shell, keyring or
# safesm subprocess (a test that starts a process fails).
test-fast: venv
	$(BIN)/pytest -q -n $(JOBS) -m "not e2e"

lint: venv
	$(BIN)/ruff check safesm tests benchmarks

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
