"""Permanent probes for hostile input (issue 20): generated texts, records and request bodies.

hypothesis drives ``corroborate.analyze`` (any Unicode: surrogates, controls, NULs, long punctuation
runs), the JSONL reader and the ingest run (one bad record never aborts it), and ``POST /api/v1/articles``
(deep nesting, junk, surrogates: never a 5xx); schemathesis walks every operation of
``/api/v1/openapi.json`` and allows no 5xx. Each probe's size is fixed (``max_examples``, no deadline),
so the file stays within about a minute. Without hypothesis or schemathesis the probes are skipped,
except under ``CI``, where they fail.
"""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path

import pytest


def _needs(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"{module} is not installed (pip install -e '.[dev]')", allow_module_level=True)


_needs("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from web_support import auth, client  # noqa: E402

PROBE = settings(
    deadline=None,
    database=None,  # nothing written into the checkout
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

PUNCT = "\"'()[]{}“”‘’«»$%#*!?.,;:-—_/\\|<>@&^~`"
WORDS = [
    "the",
    "mayor",
    "said",
    "told",
    "reporters",
    "according",
    "to",
    "a",
    "statement",
    "officials",
    "who",
    "asked",
    "not",
    "to",
    "be",
    "named",
    "claimed",
    "denied",
    "that",
    "it",
    "will",
    "reopen",
    "in",
    "May",
    "on",
    "Monday",
    "$4",
    "million",
    "12%",
    "Ana",
    "Ruiz",
    "Gazette's",
    "don't",
]
ANY_CHAR = st.characters(codec=None, categories=None, exclude_categories=())  # surrogates and controls too
SPECIAL = ["\x00", "\ud800", "\udfff", "\x1b", "\u2028", "\ufeff", "\n\n", '"' * 40, "'s" * 30, "(" * 70]

texts = st.one_of(
    st.text(ANY_CHAR, max_size=300),
    st.builds(
        lambda before, ch, n, after: before + ch * n + after,
        st.text(ANY_CHAR, max_size=60),
        st.sampled_from(PUNCT + "'s"),
        st.integers(1, 3000),
        st.text(ANY_CHAR, max_size=60),
    ),
    st.lists(st.sampled_from(WORDS + list(PUNCT) + SPECIAL), max_size=80).map(" ".join),
)


def _check_offsets(analysis, text: str) -> None:
    size = len(text)
    for att in analysis.attributions:
        for span in (att.source, att.cue, att.content, att.channel):
            if span is not None:
                assert 0 <= span.start < span.end <= size and text[span.start : span.end] == span.text
    for flag in analysis.damage:
        assert 0 <= flag.start <= flag.end <= size  # the snippet is the flag with some context
        assert text[flag.start : flag.end] in flag.snippet and flag.snippet in text
    for part in analysis.boilerplate:
        assert 0 <= part.start <= part.end <= size
    for fact in analysis.facts:
        assert text[fact.span.start : fact.span.end] == fact.span.text


# --------------------------------------------------------------------------- analyze


@pytest.mark.parametrize(("mode", "examples"), [("fast", 60), ("encoder", 15)])
def test_analyze_takes_any_text(mode: str, examples: int) -> None:
    from corroborate import analyze

    @settings(PROBE, max_examples=examples)
    @given(text=texts)
    def probe(text: str) -> None:
        _check_offsets(analyze(text, mode=mode), text)

    probe()


# --------------------------------------------------------------------------- ingest records

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(ANY_CHAR, max_size=30)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
)
FIELD = st.one_of(texts, JSON_VALUES, st.sampled_from(["2024-03-01", "2024-02-30T25:00", "x", ""]))
RECORDS = st.dictionaries(
    st.sampled_from(["text", "html", "title", "outlet", "url", "published", "extra"]), FIELD, max_size=6
)
LINES = st.one_of(
    RECORDS.map(json.dumps),  # ASCII: surrogates travel as \ud800 escapes
    JSON_VALUES.map(json.dumps),
    st.integers(1, 5000).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 5000).map(lambda n: '{"text":' * n + '"x"' + "}" * n),
    st.text(ANY_CHAR.filter(lambda c: c not in "\n\r"), max_size=80),
)


def _write_lines(path: Path, lines: list[str]) -> int:
    """Write ``lines`` as JSONL (surrogates as invalid bytes); the number of non-blank lines."""
    path.write_bytes(b"\n".join(line.encode("utf-8", "surrogatepass") for line in lines) + b"\n")
    return sum(1 for line in lines if line.strip(" \t\x0b\x0c"))


def test_every_jsonl_line_is_one_item_or_one_failure(tmp_path_factory: pytest.TempPathFactory) -> None:
    from corroborate.ingest.inputs import iter_inputs
    from corroborate.ingest.records import IngestItem

    folder = tmp_path_factory.mktemp("records")

    @settings(PROBE, max_examples=150)
    @given(lines=st.lists(LINES, min_size=1, max_size=6))
    def probe(lines: list[str]) -> None:
        path = folder / "probe.jsonl"
        _write_lines(path, lines)
        results = list(iter_inputs([path]))  # never raises
        assert results
        for result in results:
            if isinstance(result, IngestItem):
                article = result.article
                for value in (article.text, article.title, article.outlet, article.url):
                    if value is not None:
                        value.encode("utf-8")  # what the store will do with it
            else:
                str(result.error).encode("utf-8")  # the reason printed on stderr

    probe()


def test_no_single_record_aborts_an_ingest(tmp_path_factory: pytest.TempPathFactory) -> None:
    from corroborate.app.ingest import ingest_items
    from corroborate.ingest.inputs import iter_inputs
    from corroborate.store.articles import open_store

    folder = tmp_path_factory.mktemp("ingest")
    good = json.dumps({"text": "Mayor Ana Ruiz said on Monday that the bridge would reopen in May.\n"})

    @settings(PROBE, max_examples=8)
    @given(lines=st.lists(LINES, min_size=1, max_size=4))
    def probe(lines: list[str]) -> None:
        path = folder / "probe.jsonl"
        _write_lines(path, [*lines, good])
        items = list(iter_inputs([path]))
        with open_store("sqlite:///" + str(folder / "probe.db")) as store:
            counts = ingest_items(store, items, mode="fast")  # never raises
        assert counts.ingested + counts.already_stored + counts.skipped == len(items)
        assert counts.ingested + counts.already_stored >= 1  # the good last record got through

    probe()


# --------------------------------------------------------------------------- the JSON API


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory):
    with client("sqlite:///" + str(tmp_path_factory.mktemp("probe-web") / "web.db"), mode="fast") as c:
        yield c


BODIES = st.one_of(
    RECORDS.map(json.dumps),
    JSON_VALUES.map(json.dumps),
    st.integers(1, 200_000).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 100_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.text(ANY_CHAR, max_size=200),
)


@pytest.mark.filterwarnings("ignore:Using `httpx`")
def test_post_bodies_never_answer_5xx(api) -> None:
    headers = {**auth(), "Content-Type": "application/json"}

    @settings(PROBE, max_examples=60)
    @given(body=BODIES)
    def probe(body: str) -> None:
        response = api.post(
            "/api/v1/articles", content=body.encode("utf-8", "surrogatepass"), headers=headers
        )
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            error = response.json()["error"]
            assert set(error) == {"code", "message"} and error["message"]

    probe()


@pytest.mark.filterwarnings("ignore:Using `httpx`")
def test_schemathesis_finds_no_5xx(tmp_path_factory: pytest.TempPathFactory) -> None:
    schemathesis = _needs("schemathesis")
    from hypothesis.errors import FailedHealthCheck, Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error

    from corroborate.web import create_app
    from web_support import TOKEN

    app = create_app(
        "sqlite:///" + str(tmp_path_factory.mktemp("schemathesis") / "web.db"), token=TOKEN, mode="fast"
    )
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6  # stories, story, articles, article, POST articles, outlets
    for operation in operations:
        for generation in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(PROBE, max_examples=20)
            @given(case=operation.as_strategy(generation_mode=generation))
            def probe(case) -> None:
                response = case.call(headers=auth())
                case.validate_response(response, checks=[not_a_server_error])

            try:
                probe()
            except (Unsatisfiable, FailedHealthCheck):  # no invalid value of a free string (story id)
                assert generation is GenerationMode.NEGATIVE
