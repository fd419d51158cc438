# One task runner. Every target creates the virtual environment first if it is missing.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1

.PHONY: setup run index ask chat test test-unit test-integration lint bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	# torch first, pinned: it is the CPU build on this machine's disk; a loose torch pulls CUDA.
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

index: $(STAMP)
	$(BIN)/storybot index

run: index
	$(BIN)/python app.py

ask: index
	$(BIN)/storybot ask "$(or $(Q),Why did Belarus release opposition leaders now?)"

chat: index
	$(BIN)/storybot chat

test: $(STAMP)
	$(BIN)/pytest -m "not e2e and not llm"

test-unit: $(STAMP)
	$(BIN)/pytest -m "not integration and not e2e and not llm"

test-integration: $(STAMP)
	$(BIN)/pytest -m integration

lint: $(STAMP)
	$(BIN)/ruff check bot tests app.py
	$(BIN)/ruff format --check bot tests app.py
	$(BIN)/mypy

clean:
	rm -rf .storybot tests/artifacts
