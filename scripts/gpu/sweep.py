"""Train several encoder recipes side by side on one GPU box, then score each on PolNeAR dev.

    python3 scripts/gpu/sweep.py KIT PLAN.json OUTDIR SECONDS     # on the GPU box (no spaCy there)

KIT is a folder made by ``scripts/gpu/make_kit.py`` (dumped train/dev examples, a float16 copy of the
MiniLM, the MLM corpus). PLAN maps a run name to its chain of stages; each stage is a
``scripts/train_encoder.py`` run (``epochs``, ``lr``, ``seed``, ``batch``, ``offset``, ``init``,
``max_steps``; ``init`` may start with ``KIT/``) or, with ``"mlm": true``, a ``scripts/gpu/mlm.py``
run; each stage starts from the previous stage's weights. The chains run as parallel processes until
they end or SECONDS pass (unfinished ones are stopped; their last epoch counts). Then each run's last
weights tag dev: OUTDIR gets ``lps.npz`` (per run and document, the wordpieces' log-probabilities, float16),
``proxy.json`` (wordpiece-level exact span F1 per label, a quick ranking only), ``logs.txt``, and the
weights of the ``KEEP`` (default 2) best runs, each split in two files (a box returns files of 16 MiB
at most). ``scripts/gpu/lps_to_pickles.py`` turns lps.npz back into dev log-probs for the real decoder.
"""

from __future__ import annotations

import json
import lzma
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
RUNS = Path("/tmp/corroborate-sweep")


def chain_command(kit: Path, name: str, stages: list[dict]) -> str:
    """One shell command running a chain's stages in order."""
    cmds = []
    for i, st in enumerate(stages):
        out = RUNS / f"{name}_s{i}"
        if st.get("mlm"):
            cmds.append(
                f"{sys.executable} {HERE}/mlm.py {kit} {out} {st['epochs']} {st['lr']} {st.get('seed', 1)}"
            )
            continue
        init = (st.get("init") or "").replace("KIT", str(kit)) or (
            f"{RUNS}/{name}_s{i - 1}/weights.safetensors" if i else ""
        )
        cmd = (
            f"{sys.executable} {HERE}/run_train.py --data train --examples {kit}/train.pkl --base {kit}/minilm "
            f"--out {out} --epochs {st['epochs']} --lr {st['lr']} --seed {st.get('seed', 13)} "
            f"--batch {st.get('batch', 8)} --first-offset {st.get('offset', 0)} --threads 2"
        )
        cmd += f" --init {init}" if init else ""
        cmd += f" --max-steps {st['max_steps']}" if st.get("max_steps") else ""
        cmd += f" --lora {st['lora']}" if st.get("lora") else ""
        cmd += f" --window {st['window']}" if st.get("window") else ""
        cmds.append(cmd)
    return " && ".join(cmds)


def run_chains(kit: Path, plan: dict, seconds: float) -> dict:
    """Start every chain, wait for them or the deadline; {name: (return code, number of stages)}."""
    RUNS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONUNBUFFERED="1", HF_HUB_OFFLINE="1")
    deadline = time.time() + seconds
    procs = {}
    for name, stages in plan.items():
        with open(RUNS / f"{name}.log", "w") as log:
            cmd = chain_command(kit, name, stages)
            procs[name] = (
                subprocess.Popen(cmd, shell=True, stdout=log, stderr=subprocess.STDOUT, env=env),
                stages,
            )
    while time.time() < deadline and any(p.poll() is None for p, _ in procs.values()):
        time.sleep(5)
    for name, (p, _) in procs.items():
        if p.poll() is None:
            p.kill()
            print("stopped unfinished:", name, flush=True)
    return {name: (p.returncode, len(stages)) for name, (p, stages) in procs.items()}


def last_weights(name: str, n_stages: int) -> tuple[int, Path] | None:
    for i in reversed(range(n_stages)):
        folder = RUNS / f"{name}_s{i}"
        if (folder / "weights.safetensors").exists() and (folder / "meta.json").exists():
            return i, folder / "weights.safetensors"
    return None


def score_runs(kit: Path, done: dict) -> tuple[dict, dict]:
    """Dev log-probs of each run's last weights and their wordpiece-level exact span F1."""
    import numpy as np
    import shim  # noqa: F401  (corroborate's pure modules without its package __init__)
    import torch

    from corroborate.attribution.learned import encoder as E
    from corroborate.attribution.learned.crf_features import bio_spans
    from corroborate.attribution.learned.encoder_features import sizes

    device = "cuda" if torch.cuda.is_available() else "cpu"
    dev = pickle.loads((kit / "dev.pkl").read_bytes())
    tok = SimpleNamespace(**dev["special"])

    def spans(seq) -> set:
        return set(bio_spans([E.TAGS[int(i)] for i in seq]))

    gold = [[spans([tags[li] for tags in labels]) for li in range(3)] for _, labels, _ in dev["data"]]
    results, lps = {}, {}
    for name, (rc, n_stages) in done.items():
        found = last_weights(name, n_stages)
        if not found:
            continue
        stage, weights = found
        meta = json.loads((weights.parent / "meta.json").read_text(encoding="utf-8"))
        model = E.build_model(kit / "minilm", sizes(dev["features"]), lora=meta.get("lora", 0))
        E.load_weights(model, weights)
        enc = E.Encoder(model=model.to(device).eval(), tokenizer=tok, meta=meta)
        tp, n_pred, n_gold = np.zeros(3), np.zeros(3), np.zeros(3)
        out = {}
        for d, (ids, _, feats) in enumerate(dev["data"]):
            lp = E.piece_tags(enc, ids, feats=feats)
            out[dev["names"][d]] = lp.astype(np.float16)
            for li in range(3):
                pred = spans(E.viterbi(lp[:, li, :]))
                tp[li] += len(pred & gold[d][li])
                n_pred[li] += len(pred)
                n_gold[li] += len(gold[d][li])
        f1 = 2 * tp / np.maximum(n_pred + n_gold, 1) * 100
        results[name] = {
            "stage": stage,
            "of": n_stages,
            "epochs_done": meta["epochs_done"],
            "rc": rc,
            "f1": [round(float(x), 2) for x in f1],
            "sum": round(float(f1.sum()), 2),
            "meta": meta,
        }
        print(name, {k: v for k, v in results[name].items() if k != "meta"}, flush=True)
        lps[name] = out
    return results, lps


def main(argv: list[str]) -> int:
    kit, plan_path, out, seconds = Path(argv[0]), Path(argv[1]), Path(argv[2]), float(argv[3])
    sys.path.insert(0, str(HERE))
    for split in ("train", "dev"):
        (kit / f"{split}.pkl").write_bytes(lzma.decompress((kit / f"{split}.pkl.xz").read_bytes()))
    done = run_chains(kit, json.loads(plan_path.read_text(encoding="utf-8")), seconds)
    results, lps = score_runs(kit, done)

    import numpy as np
    from safetensors.torch import load_file, save_file

    out.mkdir(parents=True, exist_ok=True)
    (out / "proxy.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    np.savez_compressed(out / "lps.npz", **{f"{n}|{d}": a for n, o in lps.items() for d, a in o.items()})
    for name in sorted(results, key=lambda n: -results[n]["sum"])[: int(os.environ.get("KEEP", 2))]:
        found = last_weights(name, results[name]["of"])
        state = load_file(str(found[1]))
        keys = sorted(state)
        for part, chunk in (("a", keys[: len(keys) // 2]), ("b", keys[len(keys) // 2 :])):
            save_file({k: state[k] for k in chunk}, str(out / f"w_{name}.{part}.safetensors"))
    with open(out / "logs.txt", "w", encoding="utf-8") as f:
        for name in done:
            lines = (RUNS / f"{name}.log").read_text(encoding="utf-8").splitlines()
            keep = [line for line in lines if "done" in line or "mlm" in line]
            f.write(f"== {name}\n" + "\n".join(keep + lines[-3:]) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
