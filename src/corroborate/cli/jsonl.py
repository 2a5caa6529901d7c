"""JSON Lines input shared by the batch commands (``stance --pairs``, ``check --claims``): one object per
line with an ``"id"``; a malformed line is reported on stderr with its number, counted and skipped."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

from corroborate.cli.common import _say
from corroborate.errors import UsageError
from corroborate.ingest.checks import TOO_DEEP

T = TypeVar("T")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_object_line(raw: bytes) -> dict[str, Any]:
    """The JSON object with an ``"id"`` on one input line; ``ValueError`` says what is wrong with it."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        record = json.loads(line, parse_constant=_reject_constant)
    except ValueError as exc:
        raise ValueError(f"not valid JSON ({exc})") from None
    except RecursionError:
        raise ValueError(TOO_DEEP) from None
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    if "id" not in record:
        raise ValueError('missing "id"')
    return record


def open_input(path_or_dash: str) -> IO[bytes]:
    """The input file, or stdin for ``-``; a missing or unreadable file is a usage error naming it."""
    if path_or_dash == "-":
        return sys.stdin.buffer
    path = Path(path_or_dash)
    if not path.is_file():
        raise UsageError("no such file" if not path.exists() else "not a file", input_name=path_or_dash)
    try:
        return path.open("rb")
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror or exc}", input_name=path_or_dash) from exc


def records(stream: IO[bytes], name: str, counts: dict[str, int], parse: Callable[[bytes], T]) -> Iterator[T]:
    """Good records in order; malformed lines are reported on stderr and counted in ``counts["bad"]``."""
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            yield parse(raw)
        except ValueError as exc:
            counts["bad"] += 1
            _say(f"{name}: line {number}: {exc}; skipped")
