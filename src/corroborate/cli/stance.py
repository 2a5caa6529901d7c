"""Stance: `corroborate stance --pairs FILE.jsonl` (issue 4).

Each input line is a JSON object ``{"id": ..., "claim": "...", "text": "..."}``; each good line gets one
output line ``{"id": ..., "stance": "..."}`` on stdout, in input order, with the id echoed as given (any
JSON value). A malformed line is reported on stderr with its line number and gets no output line; blank
lines are skipped. Exit codes: 0 all lines classified, 3 some lines malformed, 1 nothing classified (or
the model could not be loaded), 2 usage error (no such file).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from corroborate.app.runner import exit_code
from corroborate.cli.common import _errors, _say, command
from corroborate.errors import UsageError

CHUNK = 256  # records classified together: bounded memory on big inputs


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_pair_line(raw: bytes) -> tuple[Any, str, str]:
    """``(id, claim, text)`` of one input line; ``ValueError`` says what is wrong with it."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        record = json.loads(line, parse_constant=_reject_constant)
    except ValueError as exc:
        raise ValueError(f"not valid JSON ({exc})") from None
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    if "id" not in record:
        raise ValueError('missing "id"')
    for key in ("claim", "text"):
        if key not in record:
            raise ValueError(f'missing "{key}"')
        if not isinstance(record[key], str):
            raise ValueError(f'"{key}" must be a string')
    return record["id"], record["claim"], record["text"]


def _open(pairs: str) -> IO[bytes]:
    if pairs == "-":
        return sys.stdin.buffer
    path = Path(pairs)
    if not path.is_file():
        raise UsageError("no such file" if not path.exists() else "not a file", input_name=pairs)
    try:
        return path.open("rb")
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror or exc}", input_name=pairs) from exc


def _records(stream: IO[bytes], name: str, counts: dict[str, int]) -> Iterator[tuple[Any, str, str]]:
    """Good records in order; malformed lines are reported on stderr and counted."""
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            yield parse_pair_line(raw)
        except ValueError as exc:
            counts["bad"] += 1
            _say(f"{name}: line {number}: {exc}; skipped")


@command()
def stance(
    pairs: Annotated[
        str,
        typer.Option(
            "--pairs",
            metavar="FILE",
            help='JSON Lines of {"id", "claim", "text"} objects ("-" reads stdin).',
            show_default=False,
        ),
    ],
) -> None:
    """Print each article text's stance toward its claim: supports, refutes, discusses or unrelated.

    One JSON line {"id", "stance"} per good input line, in input order.
    """
    from corroborate.corroboration.stance import load_model, predict_stances

    counts = {"ok": 0, "bad": 0}
    with _errors():
        name = "<stdin>" if pairs == "-" else pairs
        stream = _open(pairs)
        try:
            model = load_model()
            batch: list[tuple[Any, str, str]] = []
            for record in _records(stream, name, counts):
                batch.append(record)
                if len(batch) >= CHUNK:
                    _emit(batch, predict_stances([(c, t) for _, c, t in batch], model), counts)
                    batch = []
            if batch:
                _emit(batch, predict_stances([(c, t) for _, c, t in batch], model), counts)
        finally:
            if pairs != "-":
                stream.close()
        _say(f"classified {counts['ok']} pairs, skipped {counts['bad']} malformed lines")
        if counts["ok"] == 0 and counts["bad"] == 0:
            _say(f"error: {name}: no pairs in the input")
    raise typer.Exit(exit_code(done=counts["ok"], failed=counts["bad"]))


def _emit(batch: list[tuple[Any, str, str]], stances: list[str], counts: dict[str, int]) -> None:
    for (ident, _claim, _text), label in zip(batch, stances, strict=True):
        typer.echo(json.dumps({"id": ident, "stance": label}, ensure_ascii=False))
        counts["ok"] += 1
