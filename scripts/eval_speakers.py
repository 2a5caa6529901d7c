"""Speaker resolution (``source_entity``) on hand labels: 320 pronoun and description sources of PolNeAR dev
(``tests/data/speaker_labels.jsonl``; see ``corroborate.eval.speakers``), and the share of a mode's attributions
whose source stays a bare pronoun. Article texts come from ``--data``.

    python scripts/eval_speakers.py --data ../shared/data/polnear/dev [--mode MODE] [--show]

Each labelled span is looked up among the mode's attributions of its article (same offsets); a span the mode
does not emit as a source is resolved as a source of its own, alongside the mode's attributions, so that the
score measures resolution, not extraction.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corroborate.analysis.modes import DEFAULT_MODE, MODES, mode_named
from corroborate.attribution.source_kinds import classify_source_kind
from corroborate.attribution.speakers import resolve_speakers
from corroborate.eval.speakers import SpeakerScore, format_score, is_bare_pronoun, label_groups, read_labels
from corroborate.text.nlp import BATCH_SIZE, load_nlp
from corroborate.types import Attribution, Span

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "speaker_labels.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polnear" / "dev")
    ap.add_argument("--mode", default=DEFAULT_MODE, choices=tuple(MODES))
    ap.add_argument("--show", action="store_true", help="print each wrong resolution")
    args = ap.parse_args(argv)
    paths = sorted((args.data / "text").glob("*.txt"))
    if not paths:
        print(f"no texts under {args.data}/text; is ../shared present?", file=sys.stderr)
        return 2
    labels = label_groups(read_labels(LABELS))
    extract, _ = mode_named(args.mode).load()
    texts = [p.read_text(encoding="utf-8") for p in paths]
    score = SpeakerScore()
    emitted = probed = 0
    for path, doc in zip(paths, load_nlp().pipe(texts, batch_size=BATCH_SIZE), strict=True):
        found = tuple(extract(doc))
        resolved = resolve_speakers(doc, found)
        score.attributions += len(resolved)
        score.bare_pronouns += sum(
            is_bare_pronoun(a.source.text if a.source else None, a.source_entity) for a in resolved
        )
        wanted = labels.get(path.stem, [])
        by_span = {(a.source.start, a.source.end): a for a in resolved if a.source is not None}
        probes = []
        for label in wanted:
            if (label.start, label.end) not in by_span:
                source = Span.of(doc.text, label.start, label.end)
                probes.append(Attribution(source, None, None, classify_source_kind(doc, source)))
        if probes:
            probed += len(probes)
            for a in resolve_speakers(doc, found + tuple(probes))[len(found) :]:
                by_span[(a.source.start, a.source.end)] = a
        for label in wanted:
            emitted += (label.start, label.end) in {
                (a.source.start, a.source.end) for a in resolved if a.source
            }
            entity = by_span[(label.start, label.end)].source_entity
            score.add(label, entity.name if entity else None)
    total = score.accuracy()[1]
    print(
        format_score(
            score,
            f"speaker resolution, PolNeAR dev, mode={args.mode}: {total} labelled sources "
            f"({emitted} emitted by the mode, {probed} resolved as probes)",
        )
    )
    if args.show:
        for label, predicted in score.errors:
            gold = " | ".join(label.gold) if label.gold else "none"
            print(f"  {label.doc} {label.start}-{label.end} {label.text!r}: gold {gold!r}, got {predicted!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
