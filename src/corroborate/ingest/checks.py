"""Checks every input passes: raw bytes (UTF-16/32, binary), strict UTF-8, article text, language,
and the ``published`` field. Each failure is an :class:`IngestError` subclass naming the input."""

from __future__ import annotations

import re
import reprlib
from datetime import date
from functools import lru_cache
from typing import Any

from corroborate.errors import BadRecord, BinaryInput, EmptyText, NotEnglish, TooLarge, UndecodableInput
from corroborate.types import parse_iso_date

MAX_ARTICLE_CHARS = 5_000_000  # per article text, never per container file
BINARY_CONTROL_SHARE = 0.10  # share of control bytes above which a file is binary

LANGUAGE_SAMPLE_CHARS = 20_000  # the head of a text tells its language; langid stays fast
MIN_LETTERS_FOR_LANGUAGE = 200  # fewer letters are too few to judge: such texts pass
MIN_LANGUAGE_CONFIDENCE = 0.9  # only a confident "not English" rejects a text

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
# C0 controls except TAB, LF, VT, FF, CR; plus DEL.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # only JSON's \uXXXX escapes make these; no encoding can store one

_shown = reprlib.Repr()
_shown.maxstring = _shown.maxother = 60  # a bad value quoted in a message: its start, never all of it


def shown(value: Any) -> str:
    """A short repr of a bad value for a message: long or deeply nested values are cut."""
    return _shown.repr(value)


def check_unicode(value: str, origin: str, where: str) -> None:
    """Reject a string holding a lone surrogate (e.g. JSON ``"\\ud800"``): it is not Unicode text, and the
    store, the terminal and every encoder would fail on it later."""
    found = _SURROGATE.search(value)
    if found:
        raise BadRecord(
            f"{where} holds a lone surrogate (U+{ord(found[0]):04X}) at character {found.start()}, "
            "which is not valid Unicode text",
            input_name=origin,
        )


TOO_DEEP = "JSON nests arrays or objects too deeply to read"  # the parser's RecursionError, as a reason


def check_bytes(data: bytes, origin: str, *, one_nul_is_binary: bool = True) -> None:
    """Reject UTF-16/32 and binary content, looking at the raw bytes before any decoding.

    ``one_nul_is_binary=False`` (the head of a JSONL file): a NUL byte alone does not make the file
    binary, only a share of control bytes does; the record holding the NUL fails on its own."""
    if data.startswith(_UTF16_32_BOMS) and not data.startswith(UTF8_BOM):
        raise UndecodableInput(
            "UTF-16/UTF-32 byte order mark at byte offset 0; only UTF-8 is read", input_name=origin
        )
    nul = data.find(b"\x00") if one_nul_is_binary else -1
    if nul >= 0:
        raise BinaryInput(f"binary data: NUL byte at byte offset {nul}", input_name=origin)
    if data:
        controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
        if controls / len(data) > BINARY_CONTROL_SHARE:
            share = 100 * controls / len(data)
            raise BinaryInput(f"binary data: {share:.0f}% of bytes are control characters", input_name=origin)


def check_record_text(text: str, origin: str) -> None:
    """Reject a record's ``text`` holding a NUL or too many control characters."""
    if "\x00" in text or len(_CONTROL_CHARS.findall(text)) > BINARY_CONTROL_SHARE * max(len(text), 1):
        raise BinaryInput("record `text` holds binary data (NUL or control characters)", input_name=origin)


def decode_utf8(data: bytes, origin: str | None, *, base_offset: int | None = None) -> str:
    """Strict UTF-8, a leading BOM dropped; ``base_offset`` is where ``data`` starts in its file when
    it is a slice of it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if base_offset is None:
            line = data.count(b"\n", 0, exc.start) + 1
            where = f"byte offset {exc.start} (line {line})"
        else:
            where = f"byte offset {base_offset + exc.start} of the file"
        raise UndecodableInput(
            f"invalid UTF-8 at {where}: byte 0x{data[exc.start]:02x}; re-save the file as UTF-8",
            input_name=origin,
        ) from exc
    return text[1:] if text.startswith("\ufeff") else text


def check_article_text(text: str, origin: str) -> None:
    """Reject empty, over-long and confidently non-English article text."""
    if not text.strip():
        raise EmptyText("empty or whitespace-only text", input_name=origin)
    if len(text) > MAX_ARTICLE_CHARS:
        raise TooLarge(
            f"article text is {len(text):,} characters, over the {MAX_ARTICLE_CHARS:,}-character limit",
            input_name=origin,
        )
    _check_language(text, origin)


@lru_cache(maxsize=1)
def _language_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _check_language(text: str, origin: str) -> None:
    """Reject text only when it is long enough and confidently not English."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    letters = 0
    for char in sample:
        if char.isalpha():
            letters += 1
            if letters >= MIN_LETTERS_FOR_LANGUAGE:
                break
    if letters < MIN_LETTERS_FOR_LANGUAGE:
        return
    language, confidence = _language_identifier().classify(sample)
    if language != "en" and confidence >= MIN_LANGUAGE_CONFIDENCE:
        raise NotEnglish(
            f"text looks like language {language!r} (confidence {confidence:.2f}), "
            "and only English articles are analysed",
            input_name=origin,
        )


def parse_published(value: Any, origin: str, where: str) -> date | None:
    """ISO 8601 date or datetime (``types.parse_iso_date``); anything else is a BadRecord."""
    if value is not None and not isinstance(value, str):
        raise BadRecord(
            f"{where}: `published` must be an ISO 8601 string, not {shown(value)}", input_name=origin
        )
    try:
        return parse_iso_date(value)
    except ValueError:
        raise BadRecord(
            f"{where}: `published` is not an ISO 8601 date or datetime: {shown(value)}", input_name=origin
        ) from None
