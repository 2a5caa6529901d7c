"""Domain-adaptive masked-language-model training of the MiniLM (tried in session 6, not adopted).

    python3 scripts/gpu/mlm.py KIT OUT EPOCHS LR SEED [MAX_STEPS]

Reads KIT/mlm.pkl.xz (wordpiece ids of the FNC-1 bodies and the PolNeAR train texts, written by
``make_kit.py``), masks 15% of the wordpieces (80% [MASK], 10% random, 10% kept) in windows of 254,
and trains the transformer layers with a fresh prediction head tied to the frozen word embeddings
(batch 32, linear warm-up and decay). OUT/weights.safetensors then holds the tagger's trainable weights
(its head untrained), a ``--init`` for ``scripts/train_encoder.py``.
"""

import lzma
import math
import pickle
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
import shim  # noqa: E402,F401
import torch  # noqa: E402
from safetensors.torch import save_file  # noqa: E402
from train_encoder import optimizer_step, warmup_then_decay  # noqa: E402

from corroborate.attribution.learned.encoder import build_model, trainable_state, window_batch  # noqa: E402

SIZE, BATCH = 254, 32


def masked(ids, mask, special: dict, vocab_size: int, device: str):
    """Inputs with 15% of the real wordpieces masked, and the labels (-100 where nothing is asked)."""
    real = (mask == 1) & (ids != special["cls_token_id"]) & (ids != special["sep_token_id"])
    pick = (torch.rand(ids.shape, device=device) < 0.15) & real
    labels = torch.where(pick, ids, torch.full_like(ids, -100))
    r = torch.rand(ids.shape, device=device)
    inp = ids.clone()
    inp[pick & (r < 0.8)] = special["mask_token_id"]
    swap = pick & (r >= 0.8) & (r < 0.9)
    inp[swap] = torch.randint(1000, vocab_size, (int(swap.sum()),), device=device)
    return inp, labels, pick


def main(argv: list[str]) -> int:
    kit, out, epochs, lr, seed = Path(argv[0]), Path(argv[1]), int(argv[2]), float(argv[3]), int(argv[4])
    max_steps = int(argv[5]) if len(argv) > 5 else 0
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(seed)
    rng = random.Random(seed)
    blob = pickle.loads(lzma.decompress((kit / "mlm.pkl.xz").read_bytes()))
    special, vocab_size = blob["special"], blob["vocab_size"]
    tagger = build_model(kit / "minilm", feature_sizes=())
    enc = tagger.encoder.to(device)
    hidden = enc.config.hidden_size
    head = torch.nn.Sequential(
        torch.nn.Linear(hidden, hidden), torch.nn.GELU(), torch.nn.LayerNorm(hidden)
    ).to(device)
    bias = torch.nn.Parameter(torch.zeros(vocab_size, device=device))
    for p in enc.embeddings.parameters():
        p.requires_grad = False
    params = [p for p in enc.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(
        [{"params": params}, {"params": [*head.parameters(), bias], "lr": lr * 5}], lr=lr, weight_decay=0.01
    )
    wins = [ids[a : a + SIZE] for ids in blob["ids"] for a in range(0, len(ids), SIZE) if len(ids) - a > 16]
    total = epochs * math.ceil(len(wins) / BATCH)
    if max_steps:
        total = min(total, max_steps)
    sched = warmup_then_decay(opt, total)
    tok = SimpleNamespace(**special)
    emb = enc.embeddings.word_embeddings.weight
    step, t0 = 0, time.time()
    for epoch in range(epochs):
        rng.shuffle(wins)
        for b in range(0, len(wins), BATCH):
            chunk = wins[b : b + BATCH]
            ids, mask, _ = window_batch(tok, [(piece_ids, None) for piece_ids in chunk])
            ids, mask = ids.to(device), mask.to(device)
            inp, labels, pick = masked(ids, mask, special, vocab_size, device)
            with torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda"):
                h = enc(input_ids=inp, attention_mask=mask).last_hidden_state
                logits = torch.nn.functional.linear(head(h[pick]), emb) + bias
            loss = torch.nn.functional.cross_entropy(logits.float(), labels[pick])
            optimizer_step(loss, opt, sched, params)
            step += 1
            if step % 100 == 0:
                print(f"mlm epoch {epoch + 1} step {step}/{total} loss {loss.item():.3f}", flush=True)
            if step >= total:
                break
        if step >= total:
            break
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().half().contiguous() for k, v in trainable_state(tagger).items()}
    save_file(state, str(out / "weights.safetensors"))
    print(f"mlm done in {time.time() - t0:.0f}s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
