"""The story index state in the store (migration 0004): saved per article, restored without replay."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select

from conftest import build_analysis
from corroborate.store.articles import open_store
from corroborate.store.schema import story_index, story_index_meta
from corroborate.store.stories import StoryGrouper, group_pending, story_of

FIXTURES = Path(__file__).parent / "fixtures" / "stories"
NAMES = [
    "quake_hualien.txt",
    "quake_chiayi.txt",
    "unrelated.txt",
    "quake_hualien_followup.txt",
    "followup.txt",
]


def _save_all(store, names: list[str]) -> list[int]:
    ids = []
    for name in names:
        text = (FIXTURES / name).read_text(encoding="utf-8")
        analysis = build_analysis(text, title=None, outlet=f"Outlet {NAMES.index(name)}", published=None)
        analysis = replace(analysis, boilerplate=(), damage=(), attributions=())
        ids.append(store.save(analysis.article, analysis)[0])
    return ids


def test_a_new_run_restores_the_saved_state_and_answers_like_one_run(tmp_path: Path) -> None:
    one = open_store(str(tmp_path / "one.db"))
    ids = _save_all(one, NAMES)
    group_pending(one)
    expected = [story_of(one, i) for i in ids]
    assert expected[0] == expected[3] and expected[0] != expected[1]  # the follow-up joined its quake

    two = open_store(str(tmp_path / "two.db"))
    first = _save_all(two, NAMES[:3])
    group_pending(two)
    with two.read() as conn:
        assert conn.scalar(select(func.count()).select_from(story_index)) == 3  # one row per story
        meta = dict(conn.execute(select(story_index_meta.c.name, story_index_meta.c.value)).all())
    assert meta["added"] == "3"
    rest = _save_all(two, NAMES[3:])
    grouper = StoryGrouper(two)  # a new run: restored from story_index, no replay
    assert grouper.index.disagreements == 0 and len(grouper.index) == 3
    assert grouper.index.story_count == 3
    grouper.assign()
    assert [story_of(two, i) for i in first + rest] == expected


def test_a_store_without_saved_state_is_replayed_once(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    ids = _save_all(store, NAMES[:3])
    group_pending(store)
    with store.write() as conn:  # as a store grouped before migration 0004 would be
        conn.execute(story_index.delete())
        conn.execute(story_index_meta.delete())
    _save_all(store, NAMES[3:])
    group_pending(store)
    assert story_of(store, ids[0]) == story_of(store, ids[0] + 3)
    with store.read() as conn:
        assert conn.scalar(select(func.count()).select_from(story_index)) == 4
