"""CofeNet's sentence-level PolNeAR protocol (corroborate.eval.cofenet) on a hand-written fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborate.eval.cofenet import (
    align_tokens,
    ann_pieces,
    ceiling,
    format_table,
    load_instances,
    project,
    score_projection,
    score_tags,
    tag_spans,
    token_forms,
)

FIXTURE = Path(__file__).parent / "fixtures" / "cofenet"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SHARED_VALID = SHARED / "cofenet-polnear" / "valid.txt"
SHARED_DEV = SHARED / "polnear" / "dev"


def _fixture():
    instances = load_instances(FIXTURE / "valid.txt", FIXTURE / "text")
    text = (FIXTURE / "text" / "bridge.txt").read_text(encoding="utf-8")
    return instances, text


def _at(text: str, needle: str, start: int = 0) -> tuple[int, int]:
    i = text.index(needle, start)
    return i, i + len(needle)


def test_fixture_tokens_align_through_ptb_escapes_quotes_and_dashes():
    instances, text = _fixture()
    assert [i.id for i in instances] == ["bridge_aaaa"] * 4 and {i.article for i in instances} == {"bridge"}
    first = instances[0]
    assert first.offsets == (
        (0, 5), (6, 9), (10, 14), (15, 16), (16, 22), (22, 23), (24, 28), (29, 32),
        (33, 39), (40, 41), (41, 45), (46, 52), (53, 55), (56, 59), (59, 60), (60, 61),
    )  # fmt: skip
    seen = {
        tok: text[o[0] : o[1]] for inst in instances for tok, o in zip(inst.tokens, inst.offsets, strict=True)
    }
    assert seen["-LRB-"] == "(" and seen["-RRB-"] == ")"
    assert seen["'s"] == "\u2019s" and seen["O'Neil"] == "O\u2019Neil" and seen["--"] == "\u2014"
    assert seen["million"] == "million"  # after a no-break space
    # the closing '' of one instance does not take the opening quote of the next (blank line between)
    assert text[slice(*instances[0].offsets[-1])] == "\u201d"
    assert instances[1].offsets[0] == _at(text, "\u201cIt")[:1] + (_at(text, "\u201cIt")[0] + 1,)
    assert all(o is not None for inst in instances for o in inst.offsets)


def test_token_forms():
    assert token_forms("``") == ("''", "'") and token_forms("''") == ("''", "'")
    assert token_forms("'") == ("'",) and token_forms("--") == ("--", "-")
    assert (
        token_forms("-LRB-") == ("(",) and token_forms("1\\/2") == ("1/2",) and token_forms("Mr.") == ("mr.",)
    )


def test_alignment_survives_missing_altered_and_out_of_order_tokens():
    text = "He said \u201cyes.\u201d Then he left. Five six seven eight."
    (a, b, c) = align_tokens(
        text,
        [
            ["He", "sayd", "``", "yes", ".", "''", "."],  # altered "sayd"; the last "." is not in the text
            ["Five", "six", "seven", "eight", "."],  # out of order ...
            ["Then", "he", "left", "."],  # ... this one comes first in the text
        ],
    )
    assert a[1] is None and a[-1] is None
    assert [text[s:e] for s, e in (a[0], a[2], a[3], a[4], a[5])] == ["He", "\u201c", "yes", ".", "\u201d"]
    assert [text[s:e] for s, e in b] == ["Five", "six", "seven", "eight", "."]
    assert [text[s:e] for s, e in c] == ["Then", "he", "left", "."]
    # a two-character quote in the text is one `` token
    (d,) = align_tokens("``Hi,'' she said.", [["``", "Hi", ",", "''", "she", "said", "."]])
    assert d[0] == (0, 2) and d[3] == (5, 7)
    # a token missed before a resynchronisation is recovered backwards
    (e,) = align_tokens("xx One two three four", [["``", "One", "two", "three", "four"]])
    assert e[0] is None and e[1] == (3, 6)


def test_projection_takes_the_innermost_span_over_half_a_token():
    offsets = [(0, 5), (6, 9), (10, 14), (15, 20)]
    # a content holding a source: the source wins inside it; the content after it is a second piece
    spans = [("content", 0, 20), ("source", 6, 14)]
    assert project(offsets, spans) == ["B-content", "B-source", "I-source", "B-content"]
    # more than half of a token's characters: 3 of 5 yes, 2 of 5 no; exactly half no
    assert project([(0, 5)], [("cue", 2, 5)]) == ["B-cue"]
    assert project([(0, 5)], [("cue", 3, 9)]) == ["O"]
    assert project([(0, 4)], [("cue", 2, 4)]) == ["O"]
    # two adjacent spans of one type: a new B- at the second
    assert project([(0, 3), (4, 7)], [("cue", 0, 3), ("cue", 4, 7)]) == ["B-cue", "B-cue"]
    # an unaligned token between two tokens of one span takes it; one at the edge does not
    assert project([(0, 3), None, (8, 11), None], [("source", 0, 11)]) == [
        "B-source",
        "I-source",
        "I-source",
        "O",
    ]
    assert project([None, None], [("source", 0, 11)]) == ["O", "O"]


def test_tag_spans_follow_cofenet_get_element():
    tags = [
        "B-source",
        "I-cue",
        "B-cue",
        "I-cue",
        "I-cue",
        "B-content",
        "I-content",
        "O",
        "I-content",
        "B-cue",
        "B-cue",
    ]
    assert tag_spans(tags) == {
        ("source", 0, 1),
        ("cue", 2, 5),
        ("content", 5, 7),
        ("cue", 9, 10),
        ("cue", 10, 11),
    }
    assert tag_spans(["O", "I-source", "I-source"]) == set()
    s = score_tags([(["B-cue", "I-cue", "O"], ["B-cue", "O", "O"]), (["B-cue", "O"], ["B-cue", "O"])])
    assert s.instances == 2 and (s.counts["cue"].gold, s.counts["cue"].pred, s.counts["cue"].exact) == (
        2,
        2,
        1,
    )


def test_ann_pieces_split_discontinuous_spans():
    ann = (FIXTURE / "attributions" / "bridge_aaaa.ann").read_text(encoding="utf-8")
    pieces = ann_pieces(ann)
    assert ("content", 107, 118) in pieces and ("content", 131, 146) in pieces
    assert len(pieces) == 10 and {lab for lab, _, _ in pieces} == {"source", "cue", "content"}


def test_ceiling_and_projection_scores_on_fixture():
    instances, text = _fixture()
    top = ceiling(instances, FIXTURE / "attributions")
    assert {lab: (c.gold, c.pred, c.exact) for lab, c in top.counts.items()} == {
        "source": (3, 3, 3),
        "cue": (3, 3, 3),
        "content": (4, 4, 4),
    }
    assert (top.instances, top.tokens, top.unaligned) == (4, 54, 0)
    predicted = [
        (
            _at(text, "Mayor Ana Ruiz (D-Ohio)"),
            _at(text, "said"),
            _at(text, "the bridge \u201cwill reopen in May.\u201d"),
        ),
        ("content", *_at(text, "It\u2019s a relief,")),  # without its quotes: a miss
        ("source", *_at(text, "Tom O\u2019Neil")),  # too short: a miss
        ("cue", *_at(text, "added")),
    ]
    scores = score_projection(instances, {"bridge": predicted})
    got = {lab: (c.gold, c.pred, c.exact) for lab, c in scores.counts.items()}
    assert got == {"source": (3, 2, 1), "cue": (3, 2, 2), "content": (4, 2, 1)}
    # an annotation id key wins over the article name
    assert score_projection(instances, {"bridge": predicted, "bridge_aaaa": []}).counts["cue"].pred == 0
    table = format_table({"model": scores, "ceiling": top}, "fixture")
    lines = table.splitlines()
    assert lines[0] == "fixture" and "model" in lines[1] and "ceiling" in lines[1]
    assert lines[4].split()[:6] == ["cue", "3", "2", "100.0", "66.7", "80.0"]
    assert "unaligned tokens=0" in table


@pytest.mark.shared
@pytest.mark.skipif(
    not (SHARED_VALID.is_file() and (SHARED_DEV / "attributions").is_dir()),
    reason="../shared/data/cofenet-polnear or ../shared/data/polnear/dev is absent",
)
def test_dev_ceiling_is_at_least_98():
    instances = load_instances(SHARED_VALID, SHARED_DEV / "text")
    scores = ceiling(instances, SHARED_DEV / "attributions")
    assert scores.instances == 1925
    assert scores.unaligned < 0.01 * scores.tokens
    for lab, c in scores.counts.items():
        assert c.prf("exact")[2] >= 0.98, lab
