"""`corroborate check`: golden claims over tests/fixtures/check, the verdict's precedence, the batch form,
the exit codes (both forms or neither, a missing or empty database, malformed lines)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from check_support import LIBRARY, NO_COVERAGE, RESIGNED, fill_store, validate
from corroborate.cli.main import app
from corroborate.corroboration.check import CheckCandidate, check_claim
from corroborate.types import Analysis, Article, Attribution, Span


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return fill_store(tmp_path_factory.mktemp("check") / "check.db")


def _check(runner: CliRunner, db: str, claim: str, *extra: str) -> dict:
    result = runner.invoke(app, ["check", claim, "--db", db, "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    validate(document)
    return document


def _texts(db: str) -> dict[int, str]:
    from corroborate.store.articles import open_store

    with open_store(db, create=False) as store:
        return {i: a.text for i, a in store.iter_articles()}


def test_two_outlets_support_a_claim_and_a_copy_collapses(runner, db):
    out = _check(runner, db, LIBRARY)
    assert out["verdict"] == "corroborated"
    by_outlet = {a["outlet"]: a for a in out["articles"]}
    assert {"Harbor Gazette", "Valley Courier", "Daily Wire Copy"} <= set(by_outlet)
    assert "Sports Daily" not in by_outlet  # unrelated articles are not listed
    copy = by_outlet["Daily Wire Copy"]
    assert copy["copy_of"] == by_outlet["Harbor Gazette"]["id"]
    assert out["independent_sources"] == 2  # the copy adds nothing
    assert out["named_sources"] + out["anonymous_sources"] == out["independent_sources"]
    assert out["anonymous_sources"] >= 1
    assert out["summary"].startswith("Corroborated: supported by 2 independent sources")
    assert "in 2 outlets" in out["summary"]
    texts = _texts(db)
    for art in out["articles"]:
        assert 0 <= art["score"] <= 1
        assert art["evidence"], art
        for ev in art["evidence"]:
            assert texts[art["id"]][ev["start"] : ev["end"]] == ev["text"]
            if ev["source"] is not None:
                src = ev["source"]
                assert texts[art["id"]][src["start"] : src["end"]] == src["text"]
    officials = [e for e in by_outlet["Harbor Gazette"]["evidence"] if e["source"]]
    assert any(e["source"]["text"] == "two council officials" for e in officials)
    assert any(e["source_kind"] == "anonymous_group" for e in officials)


def test_an_on_record_denial_refutes(runner, db):
    out = _check(runner, db, RESIGNED)
    assert out["verdict"] == "refuted"
    assert "denied on record by Mayor Jane Ortiz" in out["summary"]
    stances = {a["outlet"]: a["stance"] for a in out["articles"]}
    assert stances["Metro Times"] == "refutes"
    denial = next(a for a in out["articles"] if a["outlet"] == "Metro Times")
    assert any(e["certainty"] == "denied" for e in denial["evidence"])


def test_no_coverage_is_unverified_with_no_articles(runner, db):
    out = _check(runner, db, NO_COVERAGE)
    assert out["verdict"] == "unverified" and out["articles"] == []
    assert out["independent_sources"] == out["named_sources"] == out["anonymous_sources"] == 0


def test_dates_and_limit_filter_the_articles(runner, db):
    out = _check(runner, db, LIBRARY, "--since", "2026-03-03", "--until", "2026-03-31")
    assert {a["outlet"] for a in out["articles"]} == {"Valley Courier", "Daily Wire Copy"}
    assert len(_check(runner, db, LIBRARY, "--limit", "1")["articles"]) == 1


def test_markdown_is_the_default(runner, db):
    result = runner.invoke(app, ["check", RESIGNED, "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Check: Mayor Jane Ortiz resigned")
    assert "**Verdict: refuted.**" in result.stdout and "## Refutes (1)" in result.stdout


def test_empty_database_is_unverified(runner, tmp_path):
    from corroborate.store.articles import open_store

    path = tmp_path / "empty.db"
    open_store(str(path)).close()
    result = runner.invoke(app, ["check", LIBRARY, "--db", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["verdict"] == "unverified"
    assert json.loads(result.stdout)["articles"] == []


def test_missing_database_exits_1_and_is_not_created(runner, tmp_path):
    path = tmp_path / "missing.db"
    result = runner.invoke(app, ["check", LIBRARY, "--db", str(path)])
    assert result.exit_code == 1
    assert "no database here" in result.stderr
    assert not path.exists()


@pytest.mark.parametrize("args", [[], [LIBRARY, "--claims", "claims.jsonl"]], ids=["neither", "both"])
def test_both_forms_or_neither_exit_2(runner, db, args):
    result = runner.invoke(app, ["check", *args, "--db", db])
    assert result.exit_code == 2
    assert "give either a CLAIM or --claims FILE" in result.stderr


def test_batch_in_input_order_with_a_malformed_line(runner, db, tmp_path):
    lines = [
        json.dumps({"id": "r", "claim": RESIGNED}),
        '{"id": 2, "claim": ',
        json.dumps({"id": 3, "claim": NO_COVERAGE}),
        json.dumps({"id": 4}),
        json.dumps({"id": [5], "claim": LIBRARY}),
    ]
    path = tmp_path / "claims.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--claims", str(path), "--db", db])
    assert result.exit_code == 3
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["r", 3, [5]]
    assert [o["verdict"] for o in out] == ["refuted", "unverified", "corroborated"]
    for document in out:
        validate(document)
    assert f"{path}: line 2: not valid JSON" in result.stderr
    assert f'{path}: line 4: missing "claim"' in result.stderr
    assert "checked 3 claims, skipped 2 malformed lines" in result.stderr


def test_batch_of_good_lines_exits_0(runner, db, tmp_path):
    path = tmp_path / "claims.jsonl"
    path.write_text(json.dumps({"id": 1, "claim": LIBRARY}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--claims", str(path), "--db", db])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == 1


# --------------------------------------------------------------------------- the verdict, pure

CLAIM = "The bridge will close for repairs in May"


def _article(outlet: str | None, text: str, source: str | None = None, kind: str = "person") -> Analysis:
    atts = ()
    if source is not None:
        start = text.index(source)
        cue = text.index(" said", start)
        atts = (
            Attribution(
                source=Span.of(text, start, start + len(source)),
                cue=Span.of(text, cue + 1, cue + 5),
                content=Span.of(text, 0, start),
                source_kind=kind,  # type: ignore[arg-type]
            ),
        )
    return Analysis(article=Article(text=text, outlet=outlet), attributions=atts)


SUPPORT = "The bridge will close for repairs in May, {} said."
REFUTE = "It is false that the bridge will close for repairs in May, {} said."
P_SUPPORT, P_REFUTE, P_DISCUSS = (0.9, 0.05, 0.04, 0.01), (0.05, 0.9, 0.04, 0.01), (0.1, 0.1, 0.7, 0.1)


def _run(*items: tuple[Analysis, tuple[float, ...], int | None]):
    cands = [CheckCandidate(i + 1, a, copy) for i, (a, _, copy) in enumerate(items)]
    return check_claim(CLAIM, cands, [p for _, p, _ in items])


def test_precedence_refuted_over_contested_over_corroborated():
    a = _article("One", SUPPORT.format("an engineer"), "an engineer", "anonymous_individual")
    b = _article("Two", SUPPORT.format("a worker"), "a worker", "anonymous_individual")
    c = _article("Three", REFUTE.format("a driver"), "a driver", "anonymous_individual")
    d = _article("Four", REFUTE.format("Mayor Lee"), "Mayor Lee")
    assert _run((a, P_SUPPORT, None), (b, P_SUPPORT, None)).verdict == "corroborated"
    assert _run((a, P_SUPPORT, None), (b, P_SUPPORT, None), (c, P_REFUTE, None)).verdict == "contested"
    # an on-record denial no on-record source answers
    assert _run((a, P_SUPPORT, None), (b, P_SUPPORT, None), (d, P_REFUTE, None)).verdict == "refuted"
    # answered on record: contested
    e = _article("Five", SUPPORT.format("Governor Park"), "Governor Park")
    assert _run((e, P_SUPPORT, None), (d, P_REFUTE, None)).verdict == "contested"
    # refutation outweighs support
    c2 = _article("Six", REFUTE.format("a pilot"), "a pilot", "anonymous_individual")
    assert _run((a, P_SUPPORT, None), (c, P_REFUTE, None), (c2, P_REFUTE, None)).verdict == "refuted"


def test_single_source_relays_copies_and_discussion_are_unverified():
    a = _article("One", SUPPORT.format("Mayor Lee"), "Mayor Lee")
    relay = _article("Two", SUPPORT.format("One"), "One", "outlet")  # "One reported": the same source
    own = _article(None, "The bridge will close for repairs in May.")
    single = _run((a, P_SUPPORT, None))
    assert single.verdict == "unverified"
    assert (
        single.summary
        == "Unverified: supported by 1 independent source (named) in 1 outlet, on record: Mayor Lee."
    )
    assert _run((own, P_SUPPORT, None), (own, P_SUPPORT, 1)).verdict == "unverified"  # a copy
    relayed = _run(
        (_article("One", "The bridge will close for repairs in May."), P_SUPPORT, None),
        (relay, P_SUPPORT, None),
    )
    assert relayed.verdict == "unverified" and relayed.independent_sources == 1
    discussed = _run((a, P_DISCUSS, None), (relay, P_DISCUSS, None))
    assert discussed.verdict == "unverified" and len(discussed.articles) == 2
    # articles with an unknown outlet each count as their own outlet
    assert _run((own, P_SUPPORT, None), (own, P_SUPPORT, None)).verdict == "corroborated"


def test_unrelated_articles_are_left_out():
    a = _article("One", "Rovers won the derby on Saturday.")
    result = _run((a, (0.01, 0.01, 0.08, 0.9), None))
    assert result.articles == () and result.verdict == "unverified"
    assert result.summary == "Unverified: no stored article addresses this claim."


def test_an_outlet_hedging_in_its_own_voice_vouches_for_nothing():
    hedged = _article("One", "The bridge will reportedly close for repairs in May.")
    hedged2 = _article("Two", "The bridge may close for repairs in May.")
    result = _run((hedged, P_SUPPORT, None), (hedged2, P_SUPPORT, None))
    assert {e.certainty for a in result.articles for e in a.evidence} == {"hedged"}
    assert result.verdict == "unverified" and result.independent_sources == 0
    firm = _article("Three", "The bridge will close for repairs in May.")
    assert _run((hedged, P_SUPPORT, None), (firm, P_SUPPORT, None)).independent_sources == 1
