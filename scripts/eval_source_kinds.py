"""Score ``corroborate.attribution.source_kinds.classify_source_kind`` against hand-labelled PolNeAR dev sources.

Gold: ``tests/data/polnear_dev_source_kinds.tsv`` (``file start end source_text kind note``), labelled by
hand following ``docs/source-kinds.md``. The texts come from ``--data`` (PolNeAR dev; never copied into the
repository). Each needed text is parsed once, batched through ``nlp.pipe``; the classifier then gets the
gold source span and, when the ``.ann`` files give one, the cue of an attribution with that source.

    python scripts/eval_source_kinds.py [--data ../shared/data/polnear/dev] [--labels FILE] [--json OUT]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corroborate.types import SOURCE_KINDS, Span  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "polnear" / "dev"
DEFAULT_LABELS = ROOT / "tests" / "data" / "polnear_dev_source_kinds.tsv"
ANONYMOUS = frozenset({"anonymous_individual", "anonymous_group"})
NAMED = frozenset({"person", "organization", "outlet"})
_ANN_SUFFIX = re.compile(r"_[0-9a-f]{4}$")


def read_labels(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        row["start"], row["end"] = int(row["start"]), int(row["end"])
    return rows


def read_cues(ann_dir: Path) -> dict[tuple[str, int, int], tuple[int, int]]:
    """``(text name, source start, source end) -> (cue start, cue end)`` from the brat ``E`` relations."""
    cues: dict[tuple[str, int, int], tuple[int, int]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        name = _ANN_SUFFIX.sub("", ann.stem)
        spans: dict[str, tuple[int, int]] = {}
        relations: list[dict[str, str]] = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if parts[0].startswith("T") and len(parts) >= 2:
                offsets = [int(x) for x in parts[1].replace(";", " ").split()[1:]]
                spans[parts[0]] = (offsets[0], offsets[-1])
            elif parts[0].startswith("E") and len(parts) >= 2:
                relations.append(dict(arg.split(":", 1) for arg in parts[1].split()))
        for rel in relations:
            if rel.get("Source") in spans and rel.get("Cue") in spans:
                key = (name, *spans[rel["Source"]])
                cues.setdefault(key, spans[rel["Cue"]])
    return cues


def score(gold: list[str], pred: list[str]) -> dict:
    kinds = [k for k in SOURCE_KINDS if k in set(gold) | set(pred)]
    kinds += sorted((set(gold) | set(pred)) - set(kinds))  # e.g. "ERROR"
    confusion = {g: {p: 0 for p in kinds} for g in kinds}
    for g, p in zip(gold, pred, strict=True):
        confusion[g][p] += 1
    per_kind = {}
    for k in kinds:
        tp = confusion[k][k]
        n_pred = sum(confusion[g][k] for g in kinds)
        n_gold = sum(confusion[k].values())
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_kind[k] = {"precision": prec, "recall": rec, "f1": f1, "support": n_gold, "predicted": n_pred}
    correct = sum(g == p for g, p in zip(gold, pred, strict=True))
    return {
        "n": len(gold),
        "accuracy": correct / len(gold) if gold else 0.0,
        "per_kind": per_kind,
        "confusion": confusion,
        "anonymous_predicted_named": sum(
            g in ANONYMOUS and p in NAMED for g, p in zip(gold, pred, strict=True)
        ),
        "named_predicted_anonymous": sum(
            g in NAMED and p in ANONYMOUS for g, p in zip(gold, pred, strict=True)
        ),
        "anonymous_gold": sum(g in ANONYMOUS for g in gold),
        "named_gold": sum(g in NAMED for g in gold),
    }


def print_report(result: dict, errors: list[dict], show_errors: int) -> None:
    print(f"labelled sources: {result['n']}   accuracy: {result['accuracy']:.3f}")
    print(
        f"without the {result['n'] - result['n_without_odd']} odd annotation spans: "
        f"{result['accuracy_without_odd']:.3f} on {result['n_without_odd']}"
    )
    print()
    print(f"{'kind':22} {'prec':>6} {'rec':>6} {'f1':>6} {'gold':>5} {'pred':>5}")
    for k, m in result["per_kind"].items():
        print(
            f"{k:22} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['support']:5d} {m['predicted']:5d}"
        )
    kinds = list(result["confusion"])
    abbrev = {k: k.replace("anonymous_", "anon_")[:10] for k in kinds}
    print()
    print("confusion (rows = gold, columns = predicted)")
    print(f"{'':22}" + "".join(f"{abbrev[k]:>11}" for k in kinds))
    for g in kinds:
        print(f"{g:22}" + "".join(f"{result['confusion'][g][p]:>11d}" for p in kinds))
    print()
    print(
        f"anonymous gold predicted as named (person/organization/outlet): "
        f"{result['anonymous_predicted_named']} of {result['anonymous_gold']}"
    )
    print(
        f"named gold predicted as anonymous: {result['named_predicted_anonymous']} of {result['named_gold']}"
    )
    if show_errors and errors:
        print()
        print("most common confusions (gold -> predicted), with examples:")
        by_pair: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for e in errors:
            by_pair[(e["gold"], e["predicted"])].append(e)
        for (g, p), items in sorted(by_pair.items(), key=lambda kv: -len(kv[1]))[:show_errors]:
            examples = "; ".join(repr(e["source_text"][:40]) for e in items[:6])
            print(f"  {len(items):3d}  {g} -> {p}: {examples}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="PolNeAR split with text/ and attributions/"
    )
    ap.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    ap.add_argument("--json", type=Path, help="write the numbers (and the misclassified rows) here")
    ap.add_argument("--no-cue", action="store_true", help="do not pass the gold cue to the classifier")
    ap.add_argument("--show-errors", type=int, default=10, help="list the N most common confusions")
    args = ap.parse_args(argv)

    text_dir, ann_dir = args.data / "text", args.data / "attributions"
    if not text_dir.is_dir():
        print(f"no PolNeAR texts under {text_dir}", file=sys.stderr)
        return 2
    try:
        from corroborate.attribution.source_kinds import classify_source_kind
    except ImportError as exc:
        print(
            f"cannot import corroborate.attribution.source_kinds.classify_source_kind: {exc}", file=sys.stderr
        )
        return 2
    from corroborate.text.nlp import pipe_with_context

    rows = read_labels(args.labels)
    cues = {} if args.no_cue or not ann_dir.is_dir() else read_cues(ann_dir)
    names = sorted({r["file"] for r in rows})
    texts = {n: (text_dir / f"{n}.txt").read_text(encoding="utf-8") for n in names}
    by_file: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_file[r["file"]].append(r)

    gold: list[str] = []
    pred: list[str] = []
    odd: list[bool] = []  # rows whose note marks an odd annotation span (see docs/source-kinds.md, rule 7)
    errors: list[dict] = []
    failures: Counter[str] = Counter()
    for doc, name in pipe_with_context((texts[n], n) for n in names):
        text = texts[name]
        for r in by_file[name]:
            s, e = r["start"], r["end"]
            if text[s:e] != r["source_text"]:
                print(f"warning: {name} {s}-{e}: label text does not match the article text", file=sys.stderr)
            source = Span(s, e, text[s:e])
            cue_range = cues.get((name, s, e))
            cue = Span(cue_range[0], cue_range[1], text[cue_range[0] : cue_range[1]]) if cue_range else None
            try:
                p = classify_source_kind(doc, source, cue=cue)
            except Exception as exc:  # a crash is scored as a wrong answer and counted
                failures[type(exc).__name__] += 1
                p = "ERROR"
            gold.append(r["kind"])
            pred.append(p)
            odd.append(bool(re.match(r"odd\b", r.get("note") or "")))
            if p != r["kind"]:
                errors.append(
                    {
                        "file": name,
                        "start": s,
                        "end": e,
                        "source_text": r["source_text"],
                        "cue": cue.text if cue else None,
                        "gold": r["kind"],
                        "predicted": p,
                        "note": r.get("note") or "",
                    }
                )

    result = score(gold, pred)
    clean = [(g, p) for g, p, o in zip(gold, pred, odd, strict=True) if not o]
    result["n_without_odd"] = len(clean)
    result["accuracy_without_odd"] = sum(g == p for g, p in clean) / len(clean) if clean else 0.0
    result["cue_passed"] = not args.no_cue
    result["exceptions"] = dict(failures)
    print_report(result, errors, args.show_errors)
    if failures:
        print(f"\nclassifier raised on {sum(failures.values())} rows: {dict(failures)}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({**result, "errors": errors}, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
