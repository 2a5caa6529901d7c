"""Ingest: every input format, metadata precedence, exact text, and every kind of bad input."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from corroborate.errors import (
    BadRecord,
    BinaryInput,
    EmptyText,
    IngestError,
    NoArticle,
    NotEnglish,
    TooLarge,
    UndecodableInput,
    UnsupportedFormat,
)
from corroborate.ingest.checks import MAX_ARTICLE_CHARS
from corroborate.ingest.files import read_text_file
from corroborate.ingest.inputs import iter_inputs
from corroborate.ingest.records import (
    Defaults,
    IngestFailure,
    IngestItem,
    article_from_html,
    article_from_record,
)

FIX = Path(__file__).parent / "fixtures" / "ingest"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

ENGLISH = (
    "The council voted on Monday to expand the bus network to the northern suburbs, "
    "a plan that officials said would cost about twelve million pounds over five years. "
    "Residents who spoke at the meeting said the current service was unreliable and slow."
)
FRENCH = (
    "Le conseil municipal a voté lundi l'extension du réseau de bus vers les quartiers nord. "
    "Selon les responsables, le projet coûtera environ douze millions d'euros sur cinq ans. "
    "Les habitants présents à la réunion ont expliqué que le service actuel était lent et peu fiable, "
    "et ils ont demandé que les travaux commencent avant la fin de l'année."
)
GERMAN = (
    "Der Stadtrat hat am Montag beschlossen, das Busnetz in die nördlichen Vororte auszubauen. "
    "Nach Angaben der Verwaltung wird das Vorhaben in den nächsten fünf Jahren etwa zwölf Millionen "
    "Euro kosten. Anwohner sagten bei der Sitzung, der bisherige Betrieb sei langsam und unzuverlässig, "
    "und forderten einen Baubeginn noch in diesem Jahr."
)

NO_DEFAULTS = Defaults()
DEFAULTS = Defaults(outlet="Default Outlet", published=date(2000, 1, 1), url="https://default.example/")


def run(*paths: str | Path, defaults: Defaults = NO_DEFAULTS) -> list[IngestItem | IngestFailure]:
    return list(iter_inputs(paths, defaults))


def one(path: str | Path, defaults: Defaults = NO_DEFAULTS) -> IngestItem | IngestFailure:
    results = run(path, defaults=defaults)
    assert len(results) == 1, results
    return results[0]


def opened(path: Path, encoding: str = "utf-8") -> str:
    """The text exactly as Python's open() reads it (universal newlines)."""
    with open(path, encoding=encoding) as handle:
        return handle.read()


def failure(path: str | Path, kind: type[IngestError]) -> IngestFailure:
    result = one(path)
    assert isinstance(result, IngestFailure), result
    assert type(result.error) is kind, result.error
    reason = str(result.error)
    assert reason.startswith(result.origin), reason  # the reason names the input
    assert "\n" not in reason
    return result


# --------------------------------------------------------------------------- plain text


def test_txt_is_stored_exactly_as_read() -> None:
    item = one(FIX / "plain.txt")
    assert isinstance(item, IngestItem)
    assert item.origin == str(FIX / "plain.txt")
    assert item.article.text == opened(FIX / "plain.txt", "utf-8")
    assert item.article.text.endswith("month.\n")  # trailing newline is kept, not stripped
    assert "Quiñones" in item.article.text and "—" in item.article.text
    assert item.article.title is None and item.article.outlet is None and item.article.published is None


def test_txt_gets_cli_defaults_when_it_has_no_metadata() -> None:
    item = one(FIX / "plain.txt", DEFAULTS)
    assert isinstance(item, IngestItem)
    assert item.article.outlet == "Default Outlet"
    assert item.article.published == date(2000, 1, 1)
    assert item.article.url == "https://default.example/"


def test_sidecar_wins_over_defaults_and_defaults_fill_the_gaps() -> None:
    item = one(FIX / "with_meta.txt", DEFAULTS)
    assert isinstance(item, IngestItem)
    article = item.article
    assert article.outlet == "Island Gazette"
    assert article.title == "Airline drops winter flights to the island"
    assert article.published == date(2024, 11, 2)
    assert article.url == "https://default.example/"  # the sidecar has no url
    assert article.text == opened(FIX / "with_meta.txt", "utf-8")


def test_real_example_sidecars() -> None:
    results = run(EXAMPLES)
    assert [r.origin for r in results] == [
        str(EXAMPLES / "000_4d6a7cf84a4b85b6.txt"),
        str(EXAMPLES / "002_940bf8f4067e6dbb.txt"),
    ]  # the .meta.json files are metadata, never articles
    first = results[0]
    assert isinstance(first, IngestItem)
    assert first.article.outlet == "Outlet A (000)"
    assert first.article.published == date(2025, 4, 10)
    assert first.article.title == "Musk may be inching toward the White House exit"


def test_crlf_and_lone_cr_become_newlines_as_open_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(ENGLISH.replace(". ", ".\r\n").encode() + b"\r\nLast line.\rAfter a lone CR.\r\n")
    item = one(path)
    assert isinstance(item, IngestItem)
    assert item.article.text == opened(path, "utf-8")
    assert "\r" not in item.article.text
    assert item.article.text.endswith("Last line.\nAfter a lone CR.\n")


def test_bom_is_dropped_and_nothing_else_changes(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + ENGLISH.encode() + b"\r\n")
    item = one(path)
    assert isinstance(item, IngestItem)
    assert not item.article.text.startswith("\ufeff")
    assert item.article.text == opened(path, "utf-8-sig")
    assert item.article.text == opened(path, "utf-8")[1:]
    assert read_text_file(path) == item.article.text


# --------------------------------------------------------------------------- HTML


def test_html_page_text_and_metadata() -> None:
    item = one(FIX / "article.html")
    assert isinstance(item, IngestItem)
    article = item.article
    assert article.title == "Harbour council delays vote on new ferry terminal"
    assert article.outlet == "The Coastal Ledger"
    assert article.published == date(2024, 3, 18)
    assert article.url == "https://coastal-ledger.example/news/2024/03/18/ferry-terminal-vote"
    assert '"We need more time to look at the figures," said council leader Margaret Ellison' in article.text
    assert "The council is expected to return to the question at its meeting in April." in article.text
    assert "Privacy policy" not in article.text and "Sport" not in article.text  # page furniture


def test_html_page_metadata_wins_over_defaults_and_sidecar_wins_over_page(tmp_path: Path) -> None:
    item = one(FIX / "article.html", DEFAULTS)
    assert isinstance(item, IngestItem)
    assert item.article.outlet == "The Coastal Ledger"
    assert item.article.published == date(2024, 3, 18)

    shutil.copy(FIX / "article.html", tmp_path / "page.html")
    (tmp_path / "page.meta.json").write_text(json.dumps({"outlet": "Sidecar Outlet"}))
    item = one(tmp_path / "page.html", DEFAULTS)
    assert isinstance(item, IngestItem)
    assert item.article.outlet == "Sidecar Outlet"
    assert item.article.title == "Harbour council delays vote on new ferry terminal"


def test_html_without_metadata_takes_defaults() -> None:
    html = f"<html><body><article><p>{ENGLISH}</p></article></body></html>"
    article = article_from_html(html, origin="inline", defaults=DEFAULTS)
    assert ENGLISH in article.text
    assert article.outlet == "Default Outlet"
    assert article.published == date(2000, 1, 1)
    assert article.url == "https://default.example/"


def test_outlet_guessed_from_the_host_name_ranks_below_the_default() -> None:
    html = (
        '<html><head><link rel="canonical" href="https://www.harbour-news.example/a/1"></head>'
        f"<body><article><p>{ENGLISH}</p></article></body></html>"
    )
    assert article_from_html(html, origin="inline", defaults=DEFAULTS).outlet == "Default Outlet"
    guessed = article_from_html(html, origin="inline", defaults=NO_DEFAULTS)
    assert guessed.outlet == "harbour-news.example"
    assert guessed.url == "https://www.harbour-news.example/a/1"


def test_html_in_its_declared_charset(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="iso-8859-1"><title>Caf\u00e9 closes</title></head><body><article>'
        "<p>The caf\u00e9 on the square will close at the end of the month, its owner said on Friday.</p>"
        "</article></body></html>"
    )
    path = tmp_path / "latin1.html"
    path.write_bytes(page.encode("latin-1"))
    item = one(path)
    assert isinstance(item, IngestItem)
    assert "The caf\u00e9 on the square will close" in item.article.text
    undeclared = tmp_path / "undeclared.html"
    undeclared.write_bytes(page.replace(' charset="iso-8859-1"', "").encode("latin-1"))
    failure(undeclared, UndecodableInput)


def test_html_with_no_article() -> None:
    failure(FIX / "no_article.html", NoArticle)
    with pytest.raises(NoArticle):
        article_from_html("<html><body></body></html>", origin="inline", defaults=Defaults())


# --------------------------------------------------------------------------- JSON and JSONL


def test_json_object() -> None:
    item = one(FIX / "record.json", DEFAULTS)
    assert isinstance(item, IngestItem)
    assert item.origin == str(FIX / "record.json")
    article = item.article
    assert article.title == "School board backs four-day week"
    assert article.outlet == "Valley Courier"
    assert article.url == "https://valley-courier.example/schools/four-day-week"
    assert article.published == date(2023, 8, 29)  # ISO datetime with Z
    assert article.text.startswith("The school board approved")
    assert "\nSupporters said" in article.text


def test_json_array_records_win_over_defaults_and_defaults_fill_gaps() -> None:
    path = FIX / "records.json"
    results = run(path, defaults=DEFAULTS)
    assert [r.origin for r in results] == [f"{path}[0]", f"{path}[1]", f"{path}[2]"]
    assert all(isinstance(r, IngestItem) for r in results)
    full, bare, page = (r.article for r in results if isinstance(r, IngestItem))
    assert (full.outlet, full.published, full.url, full.title) == (
        "Record Outlet",
        date(2022, 7, 10),
        "https://record-outlet.example/fire",
        "Grass fire contained",
    )
    assert (bare.outlet, bare.published, bare.url, bare.title) == (
        "Default Outlet",
        date(2000, 1, 1),
        "https://default.example/",
        None,
    )
    # html goes through trafilatura: the page's site name beats the default, the record's title beats the page's
    assert "The central library will stay open until nine in the evening" in page.text
    assert "<p>" not in page.text
    assert page.outlet == "Page Outlet"
    assert page.title == "Record title wins"


def test_jsonl_records_carry_their_line_numbers() -> None:
    path = FIX / "records.jsonl"
    results = run(path, defaults=DEFAULTS)
    assert [r.origin for r in results] == [f"{path}:1", f"{path}:3"]  # the blank line 2 is skipped
    first, second = (r.article for r in results if isinstance(r, IngestItem))
    assert first.outlet == "Line One" and first.published == date(2021, 5, 3)
    assert first.url == "https://default.example/"
    assert second.outlet == "Default Outlet" and second.url == "https://line-two.example/port"


def test_record_text_is_kept_verbatim() -> None:
    text = "  Indented first line.\r\nSecond line with trailing spaces.   \n"
    article = article_from_record({"text": text}, origin="r", defaults=Defaults())
    assert article.text == text


def test_bad_jsonl_line_reports_its_line_and_the_rest_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"text": ENGLISH}),
        '{"text": "unterminated',
        json.dumps({"title": "no body"}),
        json.dumps({"text": ENGLISH, "published": "last Tuesday"}),
        json.dumps({"text": ENGLISH, "outlet": 7}),
        "[1, 2]",
        json.dumps({"text": ENGLISH}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = run(path)
    assert [r.origin for r in results] == [f"{path}:{n}" for n in range(1, 8)]
    assert [type(r).__name__ for r in results] == ["IngestItem"] + ["IngestFailure"] * 5 + ["IngestItem"]
    reasons = [str(r.error) for r in results if isinstance(r, IngestFailure)]
    assert all(isinstance(r.error, BadRecord) for r in results if isinstance(r, IngestFailure))
    assert "line 2" in reasons[0] and "malformed JSON" in reasons[0]
    assert "neither `text` nor `html`" in reasons[1]
    assert "last Tuesday" in reasons[2]
    assert "`outlet`" in reasons[3]
    assert "JSON object" in reasons[4]


def test_malformed_and_empty_json_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[{"text": "a"},\n {"text": ]', encoding="utf-8")
    assert "line 2" in str(failure(broken, BadRecord).error)
    scalar = tmp_path / "scalar.json"
    scalar.write_text("42", encoding="utf-8")
    failure(scalar, BadRecord)
    empty_array = tmp_path / "none.json"
    empty_array.write_text("[]", encoding="utf-8")
    failure(empty_array, EmptyText)
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n  \n", encoding="utf-8")
    failure(blank, EmptyText)


def test_bad_date_in_json_record_and_sidecar(tmp_path: Path) -> None:
    with pytest.raises(BadRecord, match="2024-13-45"):
        article_from_record({"text": ENGLISH, "published": "2024-13-45"}, origin="r", defaults=Defaults())
    (tmp_path / "story.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "story.meta.json").write_text('{"published": "yesterday"}', encoding="utf-8")
    result = failure(tmp_path / "story.txt", BadRecord)
    assert "story.meta.json" in str(result.error) and "yesterday" in str(result.error)


# --------------------------------------------------------------------------- directories and paths


def test_nested_directory_is_read_recursively_in_sorted_order() -> None:
    tree = FIX / "tree"
    results = run(tree)
    assert [r.origin for r in results] == [
        str(tree / "b_first.txt"),
        f"{tree / 'sub' / 'deeper' / 'feed.jsonl'}:1",
        f"{tree / 'sub' / 'deeper' / 'feed.jsonl'}:3",
        str(tree / "sub" / "page.htm"),
        str(tree / "sub" / "story.txt"),
    ]  # hidden files and dirs, .md, .csv and the sidecar are skipped
    assert all(isinstance(r, IngestItem) for r in results)
    story = results[-1]
    assert isinstance(story, IngestItem) and story.article.outlet == "Sub Outlet"


def test_explicit_paths_unknown_extension_sidecar_and_missing(tmp_path: Path) -> None:
    failure(FIX / "tree" / "notes.md", UnsupportedFormat)
    failure(FIX / "tree" / "sub" / "story.meta.json", UnsupportedFormat)
    missing = failure(tmp_path / "nope.txt", IngestError)
    assert "no such file" in str(missing.error)
    # one bad path never stops the rest
    results = run(tmp_path / "nope.txt", FIX / "plain.txt")
    assert [type(r) for r in results] == [IngestFailure, IngestItem]


# --------------------------------------------------------------------------- bad input


def test_undecodable_bytes_name_the_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    data = "The mayor said the café would close. ".encode("latin-1")
    path.write_bytes(data)
    result = failure(path, UndecodableInput)
    offset = data.index("é".encode("latin-1"))
    assert f"byte offset {offset}" in str(result.error)
    with pytest.raises(UndecodableInput):
        read_text_file(path)
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(ENGLISH.encode("utf-16"))
    failure(utf16, UndecodableInput)


def test_undecodable_jsonl_line_names_its_file_offset(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    good = json.dumps({"text": ENGLISH}).encode() + b"\n"
    bad_line = b'{"text": "caf\xe9"}\n'
    path.write_bytes(good + bad_line + good)
    results = run(path)
    assert [type(r) for r in results] == [IngestItem, IngestFailure, IngestItem]
    bad = results[1]
    assert isinstance(bad, IngestFailure) and isinstance(bad.error, UndecodableInput)
    assert bad.origin == f"{path}:2"
    assert f"byte offset {len(good) + bad_line.index(0xE9)}" in str(bad.error)


def test_binary_files(tmp_path: Path) -> None:
    nul = tmp_path / "image.txt"
    nul.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    failure(nul, BinaryInput)  # checked on the raw bytes, before the UTF-8 decoding would fail
    controls = tmp_path / "controls.txt"
    controls.write_bytes(b"abc\x01\x02\x03\x04\x05\x06def\x07\x08\x0e\x0f" * 20)
    failure(controls, BinaryInput)
    html = tmp_path / "blob.html"
    html.write_bytes(b"\x00" * 64)
    failure(html, BinaryInput)
    with pytest.raises(BinaryInput):
        article_from_record({"text": "abc\x00def " * 50}, origin="r", defaults=Defaults())


def test_empty_and_whitespace_only(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    failure(empty, EmptyText)
    blank = tmp_path / "blank.txt"
    blank.write_bytes(b" \n\t\r\n  \n")
    failure(blank, EmptyText)
    with pytest.raises(EmptyText):
        read_text_file(blank)
    with pytest.raises(EmptyText):
        article_from_record({"text": "   \n"}, origin="r", defaults=Defaults())


def test_article_over_the_limit_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    sentence = "The committee said the report would be published next week. "
    path.write_text(sentence * (MAX_ARTICLE_CHARS // len(sentence) + 10), encoding="utf-8")
    failure(path, TooLarge)
    big_record = tmp_path / "big.jsonl"
    big_record.write_text(
        json.dumps({"text": "x" * (MAX_ARTICLE_CHARS + 1)}) + "\n" + json.dumps({"text": ENGLISH}) + "\n",
        encoding="utf-8",
    )
    results = run(big_record)
    assert [type(r) for r in results] == [IngestFailure, IngestItem]
    assert isinstance(results[0], IngestFailure) and isinstance(results[0].error, TooLarge)
    assert results[0].origin == f"{big_record}:1"


def test_big_jsonl_container_with_small_records_ingests(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    body = (ENGLISH + " ") * 400  # ~100 KB per record
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(60):
            handle.write(json.dumps({"text": f"Story {n}. {body}", "outlet": "Bulk"}) + "\n")
    assert path.stat().st_size > MAX_ARTICLE_CHARS
    results = run(path)
    assert len(results) == 60
    assert all(isinstance(r, IngestItem) for r in results)
    assert results[59].origin == f"{path}:60"


@pytest.mark.parametrize("paragraph", [FRENCH, GERMAN], ids=["french", "german"])
def test_non_english_paragraph_is_rejected(tmp_path: Path, paragraph: str) -> None:
    path = tmp_path / "foreign.txt"
    path.write_text(paragraph, encoding="utf-8")
    result = failure(path, NotEnglish)
    assert ("'fr'" if paragraph is FRENCH else "'de'") in str(result.error)
    with pytest.raises(NotEnglish):
        article_from_record({"text": paragraph}, origin="r", defaults=Defaults())


def test_short_non_english_snippet_and_english_text_are_accepted(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.txt"
    snippet.write_text("Le maire a démissionné mardi.", encoding="utf-8")
    assert isinstance(one(snippet), IngestItem)
    english = tmp_path / "english.txt"
    english.write_text(ENGLISH + "\n" + ENGLISH, encoding="utf-8")
    assert isinstance(one(english), IngestItem)
