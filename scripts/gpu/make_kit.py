"""Pack what ``scripts/gpu/sweep.py`` needs on a GPU box that has torch but no spaCy and no network.

    python scripts/gpu/make_kit.py --out build/kit [--shared ../shared] [--init src/corroborate/models/encoder]

Writes train.pkl.xz and dev.pkl.xz (PolNeAR wordpieces, tags and parse features, from
``scripts/train_encoder.py --dump-examples``), minilm/ (the packaged MiniLM's config and weights in
float16, about 45 MB; with ``--init`` only its frozen embeddings, and the init model under enc/, so that
plans can name ``KIT/enc/weights.safetensors``), and mlm.pkl.xz (wordpiece ids of the FNC-1 bodies and the
PolNeAR train texts, for ``mlm.py``).
"""

from __future__ import annotations

import argparse
import csv
import lzma
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--init", type=Path, default=None, help="a model folder to continue from")
    ap.add_argument("--parse-cache", type=Path, default=ROOT / "build")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from safetensors.torch import load_file, save_file
    from transformers import AutoTokenizer

    from corroborate.attribution.learned.encoder import base_model_dir

    polnear = args.shared / "data" / "polnear"
    args.out.mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev"):
        dump = args.out / f"{split}.pkl"
        cmd = [sys.executable, str(ROOT / "scripts" / "train_encoder.py"), "--data", str(polnear / split)]
        cmd += ["--features", "--parse-cache", str(args.parse_cache), "--dump-examples", str(dump)]
        subprocess.run(cmd, check=True)
        (args.out / f"{split}.pkl.xz").write_bytes(lzma.compress(dump.read_bytes()))
        dump.unlink()
    base = base_model_dir()
    (args.out / "minilm").mkdir(exist_ok=True)
    shutil.copy(base / "config.json", args.out / "minilm" / "config.json")
    state = load_file(str(base / "model.safetensors"))
    if args.init:
        state = {k: v for k, v in state.items() if k.startswith("embeddings.")}
        (args.out / "enc").mkdir(exist_ok=True)
        for name in ("weights.safetensors", "meta.json"):
            shutil.copy(args.init / name, args.out / "enc" / name)
    half = {k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in state.items()}
    save_file(half, str(args.out / "minilm" / "model.safetensors"))
    tok = AutoTokenizer.from_pretrained(str(base))
    csv.field_size_limit(10**8)
    with open(args.shared / "data" / "fnc1" / "train_bodies.csv", encoding="utf-8", newline="") as f:
        texts = [row["articleBody"] for row in csv.DictReader(f)]
    texts += [p.read_text(encoding="utf-8") for p in sorted((polnear / "train" / "text").glob("*.txt"))]
    ids = [tok(t, add_special_tokens=False, verbose=False)["input_ids"] for t in texts]
    special = {k: getattr(tok, k) for k in ("pad_token_id", "cls_token_id", "sep_token_id", "mask_token_id")}
    blob = {"ids": ids, "special": special, "vocab_size": tok.vocab_size}
    (args.out / "mlm.pkl.xz").write_bytes(lzma.compress(pickle.dumps(blob)))
    print(f"kit in {args.out}: {len(texts)} MLM texts, {sum(map(len, ids))} wordpieces")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
