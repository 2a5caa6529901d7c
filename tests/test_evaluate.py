"""The PolNeAR scoring protocol (../shared/README.md) on a hand-written brat fixture."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from corroborate.eval.attributions import (
    Scores,
    format_table,
    load_gold,
    overlap_matches,
    parse_ann,
    score_all,
    score_document,
    score_summary,
    trim,
    triples_of,
)
from corroborate.types import Attribution, Span

FIXTURE = Path(__file__).parent / "fixtures" / "brat"
SHARED_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear" / "dev"
ROOT = Path(__file__).resolve().parents[1]


def _gold():
    return dict((g.name, g) for _, g in load_gold(FIXTURE))


def test_each_ann_is_one_document_and_spans_are_normalised():
    gold = load_gold(FIXTURE)
    assert [name for name, _ in gold] == ["bridge", "bridge"]
    docs = _gold()
    a, b = docs["bridge_aaaa"], docs["bridge_bbbb"]
    text = a.text
    labels = sorted(lab for lab, _, _ in a.spans)
    # 4 sources, 4 cues, 3 distinct contents (the shared content counts once)
    assert labels.count("source") == 4 and labels.count("cue") == 4 and labels.count("content") == 3
    # discontinuous "Critics ... two council members" runs from first start to last end
    crit = [(s, e) for lab, s, e in a.spans if lab == "source" and text[s:e].startswith("Critics")]
    assert [text[s:e] for s, e in crit] == ["Critics, including two council members"]
    # whitespace-padded gold is trimmed; Discuss is not scored
    (content,) = [(s, e) for lab, s, e in b.spans if lab == "content"]
    assert text[content[0] : content[1]] == "that the bridge would reopen in May."
    assert {lab for lab, _, _ in b.spans} == {"source", "cue", "content"}
    assert len(a.attributions) == 4 and len(b.attributions) == 1


def test_trim_and_overlap_matching_is_one_to_one():
    assert trim("  ab  ", 0, 6) == (2, 4)
    assert trim("   ", 0, 3)[1] - trim("   ", 0, 3)[0] == 0
    # one gold, two overlapping predictions: only one may match
    assert overlap_matches([(0, 10)], [(0, 9), (1, 10)]) == 1
    # below 0.5 Jaccard does not match
    assert overlap_matches([(0, 10)], [(0, 4)]) == 0
    # greedy by best Jaccard: g2=(5,15) takes p=(5,15), g1=(0,10) takes (0,9)
    assert overlap_matches([(0, 10), (5, 15)], [(5, 15), (0, 9)]) == 2


def test_perfect_prediction_scores_100_and_duplicates_count_once():
    docs = _gold()
    a = docs["bridge_aaaa"]
    preds = list(a.attributions) + list(a.attributions)  # duplicated predictions still count once
    s = score_document(a, preds)
    for lab in ("source", "cue", "content"):
        assert s.counts[lab].prf("exact") == (1.0, 1.0, 1.0)
        assert s.counts[lab].prf("overlap") == (1.0, 1.0, 1.0)
    assert s.source_given_cue(True) == 1.0 and s.cue_found == 4


def test_micro_average_over_documents_and_whitespace_in_predictions():
    docs = _gold()
    text = docs["bridge_aaaa"].text
    s0 = text.index("that the bridge")
    e0 = text.index("May") + 3
    # predicted content carries surrounding whitespace: trimmed before comparison
    pred = [((0, 9), (10, 14), (s0 - 1, e0))]
    scores = score_all((g, pred) for g in docs.values())
    src = scores.counts["source"]
    assert (src.gold, src.pred, src.exact) == (5, 2, 2)
    content = scores.counts["content"]
    # matches annotator aaaa exactly; annotator bbbb includes the final period: overlap only
    assert (content.gold, content.pred, content.exact, content.overlap) == (4, 2, 1, 2)
    assert scores.documents == 2
    table = format_table(scores, "fixture")
    assert "source" in table and "source found | cue found" in table
    json.dumps(score_summary(scores))


def test_source_given_cue_strict_vs_loose():
    docs = _gold()
    a = docs["bridge_aaaa"]
    mayor, said, content = a.attributions[0]
    engineer, told, quote = a.attributions[1]
    # right cues, sources swapped between attributions: strict 0, loose 1
    preds = [(engineer, said, content), (mayor, told, quote)]
    s = score_document(a, preds, Scores())
    assert s.cue_found == 2 and s.source_found_strict == 0 and s.source_found_loose == 2


def test_parse_ann_tolerates_multiline_span_text_and_odd_roles():
    text = "He said: yes\nand no.\n"
    ann = (
        "T1\tSource 0 2\tHe\nT2\tCue 3 7\tsaid\nT3\tContent 9 20\tyes\nand no.\n"
        "T4\tAttribution 3 7\tsaid\nE1\tAttribution:T4 Source:T1 Cue:T2 Content:T3 Content2:T3\n"
        "E2\tAttribution-no-source:T4 \n"
    )
    g = parse_ann(ann, text)
    assert ("content", 9, 20) in g.spans
    assert g.attributions[0] == ((0, 2), (3, 7), (9, 20))


def test_triples_of_attribution_objects():
    t = "ab cd"
    att = Attribution(source=Span.of(t, 0, 2), cue=None, content=Span.of(t, 3, 5), source_kind="person")
    assert triples_of([att]) == [((0, 2), None, (3, 5))]


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_eval_script_on_fixture(tmp_path, capsys):
    out = tmp_path / "scores.json"
    assert _load_script("eval_attributions").main(["--data", str(FIXTURE), "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["documents"] == 2 and data["source"]["gold"] == 5
    assert "exact P" in capsys.readouterr().out


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED_DEV / "attributions").is_dir(), reason="../shared/data/polnear/dev is absent")
def test_eval_script_on_polnear_dev(tmp_path):
    out = tmp_path / "scores.json"
    assert (
        _load_script("eval_attributions").main(
            ["--data", str(SHARED_DEV), "--limit", "2", "--json", str(out)]
        )
        == 0
    )
    data = json.loads(out.read_text())
    assert data["articles"] == 2 and data["source"]["gold"] > 0
