"""Stance: `corroborate stance --pairs FILE.jsonl` (issue 4).

Each input line is a JSON object ``{"id": ..., "claim": "...", "text": "..."}``; each good line gets one
output line ``{"id": ..., "stance": "..."}`` on stdout, in input order, with the id echoed as given (any
JSON value). A malformed line is reported on stderr with its line number and gets no output line; blank
lines are skipped. Exit codes: 0 all lines classified, 3 some lines malformed, 1 nothing classified (or
the model could not be loaded), 2 usage error (no such file).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from corroborate.app.runner import exit_code
from corroborate.cli.common import _errors, _say, command
from corroborate.cli.jsonl import json_object_line, open_input, records

CHUNK = 256  # records classified together: bounded memory on big inputs


def parse_pair_line(raw: bytes) -> tuple[Any, str, str]:
    """``(id, claim, text)`` of one input line; ``ValueError`` says what is wrong with it."""
    record = json_object_line(raw)
    for key in ("claim", "text"):
        if key not in record:
            raise ValueError(f'missing "{key}"')
        if not isinstance(record[key], str):
            raise ValueError(f'"{key}" must be a string')
    return record["id"], record["claim"], record["text"]


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
        stream = open_input(pairs)
        try:
            model = load_model()
            batch: list[tuple[Any, str, str]] = []
            for record in records(stream, name, counts, parse_pair_line):
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
