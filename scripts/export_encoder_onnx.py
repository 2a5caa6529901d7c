"""Export the committed encoder tagger to ONNX, for torch-free inference (:mod:`.encoder_onnx`).

    python scripts/export_encoder_onnx.py --out src/corroborate/models/encoder_onnx \
        [--precision int8|fp16|int8-dynamic|fp32] [--block 64]

Loads the committed torch model (:func:`corroborate.attribution.learned.encoder.load_encoder`, float32,
``CORROBORATE_BF16=0``) and traces the whole tagger (word embeddings, parse-feature tables, the six
layers, the head, a log-softmax) with the TorchScript exporter: inputs ``input_ids``, ``attention_mask``
(batch x seq) and ``feats`` (batch x seq x features), all int64; output ``logp`` (batch x seq x 3 labels
x 3 tags, float32 log-probabilities); batch and sequence are dynamic. The attention is traced in its
eager form (sdpa traces to NaN guards that ONNX Runtime does not fuse).

- ``int8`` (the default; what ``models/encoder_onnx`` holds): every weight MatMul becomes a MatMulNBits
  with 8-bit symmetric weights, one scale per ``--block`` inputs (accuracy level 4: activations are
  quantized per block too, int8 dot products). Same dev scores as torch within 0.05 F1, ~1.5x faster than
  torch float32 on 2 cores. Needs onnxruntime >= 1.22 to run and ``onnx-ir`` to build.
- ``fp16``: weights stored in float16 behind Casts to float32, compute float32: the same spans as torch
  float32. ONNX Runtime folds the casts when the session is created; embedding tables are gathered in
  float16 and only the gathered rows are cast.
- ``int8-dynamic``: ``onnxruntime.quantization.quantize_dynamic`` (``--quantize``, ``--per-channel``,
  ``--reduce-range``, ``--exclude``): the fastest, but one activation scale per tensor costs 0.3-0.7 F1.
- ``fp32``: the plain export (over 50 MB: for comparisons only).

In every quantized or fp16 model the float weights left (embeddings, feature tables) are stored in float16
as above. Also writes ``tokenizer.json`` (the packaged MiniLM's, its 128-piece truncation and padding
removed) and ``meta.json`` (window, crf_weight, features, labels and tags of the torch model, precision,
opset, the sha256 of ``model.onnx``). Deterministic for given versions of torch, onnx and onnxruntime.
Needs the ``train`` extra (torch, transformers, onnx).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

OPSET = 17
MIN_FP16 = 1024  # initializers with fewer elements (biases, layer norms) stay float32
STORED = {
    "int8": "MatMul weights 8-bit with float32 scales; embeddings float16; biases and norms float32",
    "int8-dynamic": "quantized MatMul weights int8; other weights float16; biases and norms float32",
    "fp16": "weights float16, cast to float32 at load; biases and norms float32",
    "fp32": "float32",
}
WEIGHT_OPS = ("MatMul", "Gemm", "Gather")  # float initializers read only by these are stored in float16


def export_fp32(path: Path, opset: int = OPSET) -> dict:
    """Trace the committed model to ``path`` (float32); the torch model's meta.json."""
    os.environ["CORROBORATE_BF16"] = "0"
    import torch

    from corroborate.attribution.learned.encoder import load_encoder

    torch.manual_seed(0)
    enc = load_encoder()
    tagger = enc.model.float().eval()
    tagger.encoder.set_attn_implementation("eager")  # sdpa traces to NaN guards ORT cannot fuse

    class LogProbs(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.tagger = tagger

        def forward(self, input_ids, attention_mask, feats):
            return torch.log_softmax(self.tagger(input_ids, attention_mask, feats), -1)

    n_feats = len(tagger.feats)
    ids = torch.full((2, 16), 1000, dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    mask[1, 10:] = 0
    feats = torch.zeros((2, 16, n_feats), dtype=torch.long)
    axes = {0: "batch", 1: "seq"}
    torch.onnx.export(
        LogProbs().eval(),
        (ids, mask, feats),
        str(path),
        dynamo=False,
        opset_version=opset,
        input_names=["input_ids", "attention_mask", "feats"],
        output_names=["logp"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "feats": axes, "logp": axes},
    )
    return enc.meta


def store_fp16(model, min_size: int = MIN_FP16):
    """Store each float32 initializer of ``min_size`` elements or more as float16 behind a Cast to float32.
    A table read only by Gather nodes (the embeddings) is gathered in float16 and the rows are cast."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = model.graph
    users: dict[str, list] = {}
    for node in graph.node:
        for i, name in enumerate(node.input):
            users.setdefault(name, []).append((node, i))

    def cast(src: str, dst: str, name: str):
        return helper.make_node("Cast", [src], [dst], to=TensorProto.FLOAT, name=name)

    new_inits, casts = [], []  # casts: (the node it follows or None, Cast node)
    for init in graph.initializer:
        uses = users.get(init.name, [])
        small = not uses or int(np.prod(init.dims)) < min_size
        if init.data_type != TensorProto.FLOAT or small or not all(n.op_type in WEIGHT_OPS for n, _ in uses):
            new_inits.append(init)  # quantization scales, biases, norms: as they are
            continue
        half = numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name + "_fp16")
        new_inits.append(half)
        if uses and all(n.op_type == "Gather" and i == 0 for n, i in uses):
            for k, (node, _) in enumerate(uses):
                out = node.output[0]
                node.input[0] = half.name
                node.output[0] = f"{out}_fp16"
                casts.append((node, cast(node.output[0], out, f"{half.name}_cast{k}")))
        else:
            casts.append((None, cast(half.name, init.name, f"{half.name}_cast")))
    del graph.initializer[:]
    graph.initializer.extend(new_inits)
    nodes = [c for after, c in casts if after is None]
    for node in graph.node:
        nodes.append(node)
        nodes.extend(c for after, c in casts if after is node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    return model


def quantize_blockwise(model, block: int = 64, accuracy_level: int = 4):
    """Every weight MatMul as MatMulNBits: 8-bit symmetric weights with one scale per ``block`` inputs of
    each output; accuracy level 4 quantizes the activations to int8 per block too (int8 dot products)."""
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    quant = MatMulNBitsQuantizer(
        model, bits=8, block_size=block, is_symmetric=True, accuracy_level=accuracy_level
    )
    quant.process()
    return quant.model.model


def quantize_dynamic_int8(
    src: Path, dst: Path, ops: list[str], per_channel: bool, reduce_range: bool, exclude: list[str] = ()
) -> None:
    """``quantize_dynamic`` of the ``ops`` nodes of ``src`` (int8 weights, uint8 activations with one
    scale per tensor), but those whose name contains one of the ``exclude`` strings."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    names = [n.name for n in onnx.load(str(src)).graph.node]
    quantize_dynamic(
        str(src),
        str(dst),
        op_types_to_quantize=ops,
        per_channel=per_channel,
        reduce_range=reduce_range,
        weight_type=QuantType.QInt8,
        nodes_to_exclude=[n for n in names if any(x in n for x in exclude)],
    )


def write_tokenizer(dst: Path) -> str:
    """The packaged MiniLM's tokenizer.json with truncation and padding turned off; its sha256."""
    from corroborate.attribution.learned.encoder import base_model_dir

    spec = json.loads((base_model_dir() / "tokenizer.json").read_text(encoding="utf-8"))
    spec["truncation"] = None
    spec["padding"] = None
    data = json.dumps(spec, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    dst.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--precision", default="int8", choices=("int8", "fp16", "int8-dynamic", "fp32"))
    ap.add_argument("--block", type=int, default=64, help="int8: weights per scale")
    ap.add_argument("--quantize", default="MatMul", help="int8-dynamic: comma-separated op types")
    ap.add_argument("--per-channel", action="store_true", help="int8-dynamic: one scale per output")
    ap.add_argument("--reduce-range", action="store_true", help="int8-dynamic: 7-bit weights")
    ap.add_argument("--exclude", default="", help="int8-dynamic: comma-separated node-name parts left float")
    ap.add_argument("--opset", type=int, default=OPSET)
    ap.add_argument(
        "--version", default="encoder@5", help="the encoder mode's version, recorded with every attribution"
    )
    args = ap.parse_args(argv)

    import onnx
    import onnxruntime
    import torch

    from corroborate.attribution.learned.encoder import LABELS, TAGS

    args.out.mkdir(parents=True, exist_ok=True)
    quant = None
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        meta = export_fp32(fp32, args.opset)
        if args.precision == "int8-dynamic":
            ops, exclude = args.quantize.split(","), [x for x in args.exclude.split(",") if x]
            quantize_dynamic_int8(
                fp32, Path(tmp) / "q.onnx", ops, args.per_channel, args.reduce_range, exclude
            )
            model = onnx.load(str(Path(tmp) / "q.onnx"))
            quant = {"method": "quantize_dynamic", "ops": ops, "per_channel": args.per_channel}
            quant |= {"reduce_range": args.reduce_range, "excluded": exclude}
        else:
            model = onnx.load(str(fp32))
        if args.precision == "int8":
            model = quantize_blockwise(model, args.block)
            quant = {"method": "MatMulNBits", "bits": 8, "block": args.block, "accuracy_level": 4}
        if args.precision != "fp32":
            model = store_fp16(model)
    data = model.SerializeToString()
    model_path = args.out / "model.onnx"
    model_path.write_bytes(data)
    source = meta.get("version", "encoder")
    out_meta = {
        "version": args.version,
        "source_version": source,
        "window": meta.get("window"),
        "crf_weight": meta.get("crf_weight"),
        "features": meta.get("features"),
        "labels": list(LABELS),
        "tags": list(TAGS),
        "precision": args.precision,
        "stored": STORED[args.precision],
        "quantization": quant,
        "opset": args.opset,
        "inputs": ["input_ids", "attention_mask", "feats"],
        "output": "logp",
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
    (args.out / "meta.json").write_text(json.dumps(out_meta, indent=2) + "\n", encoding="utf-8")
    print(f"{model_path}: {len(data) / 1e6:.1f} MB, sha256 {out_meta['sha256'][:12]}")
    if len(data) >= 50_000_000:
        print(f"{model_path} is over 50 MB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
