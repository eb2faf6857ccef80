# The README's two commands are `make demo` and `make test`; both build the venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: venv demo test lint bench docs clean

$(BIN)/safesm: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]' --config-settings editable_mode=compat
	touch $@

venv: $(BIN)/safesm

demo: venv
	bash scripts/demo.sh

test: venv
	$(BIN)/pytest -q

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
