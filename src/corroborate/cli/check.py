"""Claim check: `corroborate check (CLAIM | --claims FILE.jsonl)` (issue 19).

Single form: one claim, Markdown (default) or JSON. Batch form: JSON Lines of ``{"id", "claim"}``; each good
line gets one output line, the check's JSON with the ``id`` echoed, in input order. A malformed line is
reported on stderr with its line number and gets no output line; the run goes on and exits 3. Exit codes:
0 done, 1 the database is missing or unreadable (it is never created), 2 usage (both forms or neither, a
bad date or file), 3 some batch lines malformed.
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import typer

from corroborate.app.runner import EXIT_USAGE, exit_code
from corroborate.cli.common import DbOption, _errors, _say, command
from corroborate.cli.jsonl import json_object_line, open_input, records
from corroborate.errors import UsageError


class CheckFormat(StrEnum):
    md = "md"
    json = "json"
    jsonl = "jsonl"


def parse_claim_line(raw: bytes) -> tuple[Any, str]:
    """``(id, claim)`` of one batch line; ``ValueError`` says what is wrong with it."""
    record = json_object_line(raw)
    if "claim" not in record:
        raise ValueError('missing "claim"')
    if not isinstance(record["claim"], str) or not record["claim"].strip():
        raise ValueError('"claim" must be a non-empty string')
    return record["id"], record["claim"]


def _date(value: str | None, flag: str) -> date | None:
    from corroborate.types import parse_iso_date

    try:
        return parse_iso_date(value)
    except ValueError as exc:
        raise UsageError(f"not an ISO 8601 date: {value!r}", input_name=flag) from exc


def _emit(result, fmt: CheckFormat, ident: Any = None, batch: bool = False) -> None:
    from corroborate.report.check_md import check_markdown
    from corroborate.types import to_json

    if fmt is CheckFormat.md:
        typer.echo(check_markdown(result))
        return
    payload = to_json(result)
    if batch:
        payload = {"id": ident, **payload}
    indent = 2 if fmt is CheckFormat.json else None
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=indent))


@command()
def check(
    claim: Annotated[str | None, typer.Argument(metavar="[CLAIM]", help="The claim to check.")] = None,
    claims: Annotated[
        str | None,
        typer.Option(
            "--claims",
            metavar="FILE",
            help='Batch: JSON Lines of {"id", "claim"} objects ("-" reads stdin).',
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="Only articles published on or after DATE.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Only articles published on or before DATE.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, metavar="N", help="List at most N articles.")] = 50,
    fmt: Annotated[
        CheckFormat | None,
        typer.Option("--format", "-f", help="Output format (default: md for one claim, jsonl for --claims)."),
    ] = None,
) -> None:
    """Check a claim against the stored articles: their stances, evidence and sources, and a verdict
    (refuted, contested, corroborated or unverified). A verdict describes sourcing, not truth."""
    if (claim is None) == (claims is None):
        _say(
            "error: give either a CLAIM or --claims FILE, not " + ("both" if claim is not None else "neither")
        )
        raise typer.Exit(EXIT_USAGE)
    from corroborate.app.check import CheckOptions
    from corroborate.app.check import check as run_check
    from corroborate.corroboration.stance import load_model
    from corroborate.store.articles import open_store

    counts = {"ok": 0, "bad": 0}
    with _errors():
        options = CheckOptions(since=_date(since, "--since"), until=_date(until, "--until"), limit=limit)
        if claim is not None:
            from corroborate.app.check import validate_claim

            validate_claim(claim)
        stream = open_input(claims) if claims is not None else None
        try:
            with open_store(db, create=False) as store:
                model = load_model()
                if claim is not None:
                    _emit(run_check(store, claim, options, model), fmt or CheckFormat.md)
                    return
                name = "<stdin>" if claims == "-" else str(claims)
                chosen = fmt or CheckFormat.jsonl
                for ident, text in records(stream, name, counts, parse_claim_line):
                    _emit(run_check(store, text, options, model), chosen, ident, batch=True)
                    counts["ok"] += 1
        finally:
            if stream is not None and claims != "-":
                stream.close()
        _say(f"checked {counts['ok']} claims, skipped {counts['bad']} malformed lines")
        if counts["ok"] == 0 and counts["bad"] == 0:
            _say(f"error: {name}: no claims in the input")
    raise typer.Exit(exit_code(done=counts["ok"], failed=counts["bad"]))
