# Corroborate. `make demo` and `make test` do all their own set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
DEMO_DB := $(CURDIR)/build/demo.db
export HF_HUB_OFFLINE := 1

.PHONY: install demo test lint eval bench train-attributions clean

$(BIN)/corroborate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/corroborate

demo: install
	@mkdir -p build
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/corroborate ingest examples/ --db $(DEMO_DB)
	$(BIN)/corroborate report --db $(DEMO_DB) --format md

test: install
	$(BIN)/ruff check src tests scripts
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

eval: install
	$(BIN)/python scripts/eval_attributions.py --data $(SHARED)/data/polnear/dev --mode accurate
	$(BIN)/python scripts/eval_attributions.py --data $(SHARED)/data/polnear/dev --mode fast
	$(BIN)/python scripts/eval_source_kinds.py --data $(SHARED)/data/polnear/dev

bench: install
	$(BIN)/python scripts/bench_attributions.py --data $(SHARED)/data/polnear/dev --mode accurate
	$(BIN)/python scripts/bench_attributions.py --data $(SHARED)/data/polnear/dev --mode fast

train-attributions: install
	$(BIN)/python scripts/train_attributions.py --data $(SHARED)/data/polnear/train

clean:
	rm -rf build .pytest_cache
