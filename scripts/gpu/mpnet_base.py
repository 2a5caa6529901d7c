"""Rebuild a transformer folder from int8 parts (written by ``quantize``) on the GPU box.

    python3 scripts/gpu/mpnet_base.py OUT PART_DIR [PART_DIR ...]     # dequantize into OUT
    python3 scripts/gpu/mpnet_base.py --quantize SRC OUT_A OUT_B       # here: split SRC into two int8 parts

A base-size model is too large to carry to the box in one call (64 MiB); in int8 with a float16 scale per
row it fits in two. Experiment only: the dequantized weights differ from the originals by rounding.
"""

import shutil
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file


def quantize(src: Path, out_a: Path, out_b: Path) -> None:
    state = load_file(str(src / "model.safetensors"))
    parts: list[dict] = [{}, {}]
    sizes = [0, 0]
    for k in sorted(state, key=lambda k: -state[k].numel()):
        v = state[k]
        i = 0 if sizes[0] <= sizes[1] else 1
        if v.is_floating_point() and v.dim() == 2:
            scale = v.abs().amax(1, keepdim=True).clamp(min=1e-8) / 127
            parts[i][k + ".q"] = torch.round(v / scale).to(torch.int8).contiguous()
            parts[i][k + ".s"] = scale.half().contiguous()
            sizes[i] += v.numel()
        else:
            parts[i][k] = (v.half() if v.is_floating_point() else v).contiguous()
            sizes[i] += 2 * v.numel()
    for out, part in zip((out_a, out_b), parts, strict=True):
        out.mkdir(parents=True, exist_ok=True)
        save_file(part, str(out / "part.safetensors"))
    shutil.copy(src / "config.json", out_a / "config.json")


def dequantize(out: Path, dirs: list[Path]) -> None:
    state = {}
    for d in dirs:
        part = load_file(str(d / "part.safetensors"))
        for k, v in part.items():
            if k.endswith(".q"):
                state[k[:-2]] = v.float() * part[k[:-2] + ".s"].float()
            elif not k.endswith(".s"):
                state[k] = v.float() if v.is_floating_point() else v
        if (d / "config.json").exists():
            out.mkdir(parents=True, exist_ok=True)
            shutil.copy(d / "config.json", out / "config.json")
    save_file(state, str(out / "model.safetensors"))
    print(f"{len(state)} tensors into {out}")


if __name__ == "__main__":
    if sys.argv[1] == "--quantize":
        quantize(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        dequantize(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
