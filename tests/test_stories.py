"""Incremental story grouping: seeds, copies, time, restore, stable ids, and the FNC-1 evaluation."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from corroborate.stories.index import (
    Assignment,
    StoryFeatures,
    StoryIndex,
    StoryParams,
    day_gap,
    group,
    story_features,
    story_id_for,
    term_vector,
    threshold,
)
from corroborate.stories.text import entities, lead
from corroborate.types import Article, parse_iso_date

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "stories"
SHARED_FNC = ROOT.parent / "shared" / "data" / "fnc1"
SEED_KEYS = ("000_4d6a7cf84a4b85b6", "002_940bf8f4067e6dbb")


def _seed(name: str) -> Article:
    meta = json.loads((ROOT / "examples" / f"{name}.meta.json").read_text(encoding="utf-8"))
    return Article(
        text=(ROOT / "examples" / f"{name}.txt").read_text(encoding="utf-8"),
        title=meta.get("title"),
        outlet=meta.get("outlet"),
        published=parse_iso_date(meta.get("published")),
    )


def _fixture(name: str, **kw) -> Article:
    return Article(text=(FIXTURES / name).read_text(encoding="utf-8"), **kw)


def _followup(published: date | None) -> Article:
    return _fixture("followup.txt", title="Musk says his DOGE role is winding down", published=published)


def _partial_followup(published: date | None) -> Article:
    """The first three sentences of the follow-up: similar, but not a copy."""
    text = "\n".join(_followup(None).text.split("\n")[:3])
    return Article(text=text, title="Musk steps back from DOGE", published=published)


def _unrelated() -> Article:
    return _fixture(
        "unrelated.txt",
        title="Zoo welcomes red panda cubs",
        outlet="Linthorpe Echo",
        published=date(2025, 4, 5),
    )


def _near_copy_of_000() -> Article:
    seed = _seed(SEED_KEYS[0])
    lines = seed.text.split("\n")
    lines[2] = "Though he has not said he plans to leave, people who know him say he is tired of the attacks."
    return Article(
        text="\n".join(lines),
        title="Is Musk heading for the exit?",
        outlet="Outlet C",
        published=date(2025, 4, 11),
    )


def _stream() -> list[tuple[str, Article]]:
    """Keys and articles in published order (what callers add)."""
    items = [(k, _seed(k)) for k in SEED_KEYS]
    items += [
        ("unrelated", _unrelated()),
        ("copy-000", _near_copy_of_000()),
        ("wire-1", _fixture("wire_original.txt", outlet="Springfield Daily", published=date(2025, 4, 3))),
        ("wire-2", _fixture("wire_reprint.txt", outlet="Decatur Herald", published=date(2025, 4, 4))),
        ("followup-late", _followup(date(2025, 7, 20))),
        ("undated", _fixture("unrelated.txt", title="Panda cubs born at Linthorpe zoo")),
        ("followup-undated", _partial_followup(None)),
    ]
    return items


def _by_key(items: list[tuple[str, Article]]) -> dict[str, Assignment]:
    return {k: a for (k, _), a in zip(items, group(items), strict=True)}


def test_the_two_seeds_are_one_story() -> None:
    items = [(k, _seed(k)) for k in SEED_KEYS]
    first, second = group(items)
    assert first.story_id == second.story_id
    # 002 (2025-04-02) is published first, so it founds the story and 000 joins it
    assert second.new_story and not first.new_story and first.copy_of is None
    assert first.story_id == story_id_for(SEED_KEYS[1])
    assert first.score >= threshold(8)


def test_unrelated_article_starts_its_own_story() -> None:
    got = _by_key(_stream())
    assert got["unrelated"].new_story and got["unrelated"].copy_of is None
    assert got["unrelated"].story_id == story_id_for("unrelated")
    assert got["unrelated"].story_id != got[SEED_KEYS[0]].story_id
    assert got["wire-1"].story_id not in {got["unrelated"].story_id, got[SEED_KEYS[0]].story_id}


def test_near_identical_copy_gets_copy_of() -> None:
    got = _by_key(_stream())
    assert got["copy-000"].copy_of == SEED_KEYS[0]
    assert got["copy-000"].story_id == got[SEED_KEYS[0]].story_id and not got["copy-000"].new_story
    assert got["copy-000"].score >= 0.85
    assert got[SEED_KEYS[0]].copy_of is None and got[SEED_KEYS[1]].copy_of is None


def test_wire_reprint_with_the_same_credit_is_a_copy() -> None:
    got = _by_key(_stream())
    assert got["wire-2"].copy_of == "wire-1" and got["wire-2"].story_id == got["wire-1"].story_id


def test_time_gap_keeps_modestly_similar_articles_apart() -> None:
    seeds = [(k, _seed(k)) for k in SEED_KEYS]
    soon = _by_key([*seeds, ("followup", _followup(date(2025, 4, 12)))])
    late = _by_key([*seeds, ("followup", _followup(date(2025, 7, 20)))])
    undated = _by_key([*seeds, ("followup", _followup(None))])
    assert soon["followup"].story_id == soon[SEED_KEYS[0]].story_id
    assert undated["followup"].story_id == undated[SEED_KEYS[0]].story_id  # undated: no time penalty
    assert late["followup"].new_story and late["followup"].story_id == story_id_for("followup")
    # modest similarity: enough to join within days, short of the bar 100 days later
    similarity = undated["followup"].score
    assert (
        threshold(0)
        <= similarity
        < 0.7
        < threshold(day_gap(date(2025, 7, 20), date(2025, 4, 2), date(2025, 4, 10)))
    )
    assert late["followup"].score == 0.0  # no story near enough in time was even a candidate


def test_undated_articles_still_reach_stories_left_behind_in_time() -> None:
    seeds = [(k, _seed(k)) for k in SEED_KEYS]
    late = ("zoo-late", _fixture("unrelated.txt", published=date(2025, 8, 1)))
    got = _by_key([*seeds, late, ("partial", _partial_followup(None))])
    assert got["partial"].story_id == got[SEED_KEYS[0]].story_id and got["partial"].copy_of is None
    dated = _by_key([*seeds, late, ("partial", _partial_followup(date(2025, 8, 2)))])
    assert dated["partial"].new_story


def test_ids_are_stable_across_runs() -> None:
    first, second = group(_stream()), group(_stream())
    assert first == second
    for assignment in first:
        assert assignment.story_id.startswith("s-") and len(assignment.story_id) == 12


def test_restore_then_add_answers_like_one_long_run() -> None:
    items = _stream()
    order = sorted(
        range(len(items)), key=lambda i: (items[i][1].published is None, items[i][1].published or date.min, i)
    )
    features = {k: story_features(a) for k, a in items}
    one_run = StoryIndex()
    full = {items[i][0]: one_run.add(items[i][0], features[items[i][0]]) for i in order}
    for cut in range(len(order) + 1):
        stored = [
            (
                items[i][0],
                full[items[i][0]].story_id,
                StoryFeatures.from_json(features[items[i][0]].to_json()),
            )
            for i in order[:cut]
        ]
        index = StoryIndex.restore(stored) if cut % 2 else StoryIndex().restore(stored)
        assert index.disagreements == 0 and len(index) == cut
        for i in order[:cut]:  # restored rows answer as before
            assert index.assignment(items[i][0]) == full[items[i][0]]
        for i in order[cut:]:
            assert index.add(items[i][0], features[items[i][0]]) == full[items[i][0]]


def test_restore_works_on_the_class_and_on_an_instance() -> None:
    f = story_features(_unrelated())
    rows = [("a", "s-stored0001", f)]
    built = StoryIndex.restore(rows)
    index = StoryIndex()
    assert index.restore(rows) is index
    for restored in (built, index):
        assert restored.assignment("a") == Assignment("s-stored0001", None, 0.0, True)
        assert restored.add("b", f).copy_of == "a" and restored.story_count == 1
    assert built.disagreements == index.disagreements == 1  # a fresh index would have said s-<sha1("a")>
    with pytest.raises(ValueError):
        StoryIndex().restore(rows, StoryParams(join_threshold=0.5))


def test_adding_a_known_key_keeps_its_assignment() -> None:
    index = StoryIndex()
    f = story_features(_unrelated())
    a = index.add("k", f)
    assert index.add("k", story_features(_seed(SEED_KEYS[0]))) == a
    assert len(index) == 1 and index.story_count == 1


def test_group_sorts_by_date_with_undated_last_and_keeps_the_input_order() -> None:
    undated = ("u", _fixture("unrelated.txt"))
    dated = ("d", _fixture("unrelated.txt", published=date(2025, 1, 1)))
    u, d = group([undated, dated])
    assert d.new_story and not u.new_story and u.copy_of == "d"
    with pytest.raises(ValueError):
        group([undated, undated])


def test_features_round_trip_through_json() -> None:
    for _, article in _stream():
        f = story_features(article)
        assert StoryFeatures.from_json(f.to_json()) == f
    f = story_features(_seed(SEED_KEYS[0]))
    assert f.published == date(2025, 4, 10) and len(f.signature) == 128 and f.shingles > 100
    assert "musk" in f.title_terms and "doge" in dict(f.body_terms)
    assert story_features(_fixture("wire_original.txt")).credit == "AP"


def test_entities_and_lead() -> None:
    text = _seed(SEED_KEYS[0]).text
    found = entities(text)
    assert found["musk"] >= 5 and found["doge"] >= 3
    assert {"elon musk", "white house", "washington post"} <= set(found)
    assert not {"despite", "though", "the", "sources"} & set(found)
    first = lead(text)
    assert first.startswith("Billionaire tech mogul Elon Musk") and "Despite being known" in first
    assert "Out of His Depth" not in first
    assert entities("President Donald Trump met the Department of Government Efficiency staff.") == {
        "donald trump": 1,
        "department of government efficiency": 1,
    }


def test_threshold_rises_with_the_day_gap() -> None:
    assert threshold(0) == threshold(3) < threshold(10) < threshold(30)
    assert threshold(40) > 1.0  # more than five weeks apart: only copies join
    assert day_gap(None, date(2025, 1, 1), date(2025, 1, 9)) == 0
    assert day_gap(date(2025, 1, 5), date(2025, 1, 1), date(2025, 1, 9)) == 0
    assert day_gap(date(2025, 1, 12), date(2025, 1, 1), date(2025, 1, 9)) == 3
    assert day_gap(date(2025, 1, 1) - timedelta(days=2), date(2025, 1, 1), None) == 0


def test_term_vectors_are_unit_length_in_each_channel() -> None:
    from corroborate.stories.vectors import channel

    v = term_vector(story_features(_seed(SEED_KEYS[1])))
    for c in (0, 1, 2):  # words, entities ("e:..."), figures and dates ("#...", "@...")
        assert sum(w * w for t, w in v.items() if channel(t) == c) == pytest.approx(1.0)
    assert {"e:musk", "e:doge"} <= set(v)
    assert term_vector(story_features(Article(text=""))) == {}


# --------------------------------------------------------------------------- evaluation


def _eval_module():
    if "eval_stories" not in sys.modules:
        spec = importlib.util.spec_from_file_location("eval_stories", ROOT / "scripts" / "eval_stories.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["eval_stories"] = module  # dataclasses look their module up while the class is built
        spec.loader.exec_module(module)
    return sys.modules["eval_stories"]


def test_pairwise_scores_by_hand() -> None:
    ev = _eval_module()
    gold = {"a": "1", "b": "1", "c": "1", "d": "2"}
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y"}
    p, r, f = ev.pairwise(gold, predicted)  # predicted pairs ab, cd; gold pairs ab, ac, bc
    assert (p, r) == (0.5, pytest.approx(1 / 3)) and f == pytest.approx(0.4)


def test_eval_on_the_fixture_runs_the_same_code_path(capsys: pytest.CaptureFixture[str]) -> None:
    ev = _eval_module()
    data = FIXTURES / "fnc1"
    bodies, gold = ev.load_fnc(data)
    assert len(bodies) == 9
    # headline links join 1-2 and 2-3 transitively; unrelated stances link nothing; 9 is a singleton
    assert (
        gold["1"] == gold["2"] == gold["3"] and gold["4"] == gold["5"] == gold["6"] and gold["7"] == gold["8"]
    )
    assert len(set(gold.values())) == 4
    scores = ev.evaluate(data, "all")
    assert (scores.gold_stories, scores.articles) == (4, 9)
    assert scores.f1 == 1.0 and scores.predicted_stories == 4
    assert ev.main(["--data", str(data), "--fold", "all"]) == 0
    assert "F1 100.0" in capsys.readouterr().out
    report = ev.copy_report(data, 2)
    assert report["bodies"] == 9 and report["copies"] == 0


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.skipif(
    not (SHARED_FNC / "train_bodies.csv").exists(), reason="../shared/data/fnc1 is not present"
)
def test_fnc1_held_out_fold() -> None:
    scores = _eval_module().evaluate(SHARED_FNC, "1")
    assert scores.articles == 760 and scores.gold_stories == 96
    assert scores.f1 >= 0.85


# --------------------------------------------------------------------------- same-topic events (issue 21)


def _quakes() -> list[tuple[str, Article]]:
    """Two earthquakes in Taiwan (different places, figures, people), then a follow-up of the first;
    nothing is dated, so only the text can keep them apart."""
    return [
        ("hualien", _fixture("quake_hualien.txt")),
        ("chiayi", _fixture("quake_chiayi.txt")),
        ("hualien-followup", _fixture("quake_hualien_followup.txt")),
    ]


def test_two_same_topic_events_stay_apart_and_a_follow_up_joins_its_story() -> None:
    got = _by_key(_quakes())
    assert got["chiayi"].new_story and got["chiayi"].story_id != got["hualien"].story_id
    assert got["hualien-followup"].story_id == got["hualien"].story_id
    assert not got["hualien-followup"].new_story and got["hualien-followup"].copy_of is None


def test_same_topic_events_stay_apart_in_any_order() -> None:
    items = _quakes()
    got = _by_key([items[1], items[2], items[0]])
    assert got["hualien"].story_id == got["hualien-followup"].story_id
    assert got["chiayi"].story_id != got["hualien"].story_id


def test_undated_features_carry_places_figures_and_stated_years() -> None:
    from corroborate.stories.features import features_for

    text = "A magnitude 6.4 earthquake struck Hualien, Taiwan, in February 2018, killing 17 people."
    (f,) = features_for([Article(text=text)])
    assert f.published is None
    assert "hualien" in {k for k, _ in f.places}
    assert "@2018-02" in {k for k, _ in f.dates} and "@2018" in {k for k, _ in f.dates}
    assert any(k.startswith("#count:17") for k, _ in f.figures) or ("#6.4", 1) in f.figures
    assert len(f.embedding) == 384
    assert StoryFeatures.from_json(f.to_json()) == f


def test_restore_from_saved_states_answers_like_one_long_run() -> None:
    """What the store saves per article (changed stories, new keys) rebuilds the index at any cut."""
    from corroborate.stories.features import features_for
    from corroborate.stories.state import StoryState

    items = _stream() + _quakes()
    feats = dict(zip([k for k, _ in items], features_for([a for _, a in items]), strict=True))
    one_run = StoryIndex()
    full = {k: one_run.add(k, feats[k]) for k, _ in items}
    for cut in range(len(items) + 1):
        index, saved, terms = StoryIndex(), {}, []
        for k, _ in items[:cut]:
            index.add(k, feats[k])
            changed, new_terms = index.states()
            saved.update({s.id: StoryState.from_row(_Row(s.to_row())) for s in changed})
            terms += new_terms
        recent = [(k, full[k].story_id, feats[k], full[k].copy_of) for k, _ in items[:cut]]
        restored = StoryIndex.from_states(saved.values(), terms, recent, added=cut)
        assert len(restored) == cut and restored.story_count == len(
            {full[k].story_id for k, _ in items[:cut]}
        )
        for k, _ in items[cut:]:
            got = restored.add(k, feats[k])
            assert (got.story_id, got.copy_of, got.new_story) == (
                full[k].story_id,
                full[k].copy_of,
                full[k].new_story,
            )
            assert got.score == pytest.approx(full[k].score, abs=1e-3)


class _Row:
    def __init__(self, d: dict) -> None:
        self.__dict__.update(d)
