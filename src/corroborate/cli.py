"""The ``corroborate`` command line: ingest, report, reprocess, attributions.

Machine-readable output goes to stdout only; messages, warnings, summaries and progress bars go
to stderr. Exit codes: 0 success, 1 nothing done (no input ingested, empty database, store or
model error), 2 usage error, 3 partial success (some inputs skipped).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import click
import typer

from .errors import CorroborateError, UsageError
from .runner import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Progress,
    attribution_lines,
    check_url_default,
    exit_code,
    ingest_items,
    reprocess_store,
)

log = logging.getLogger("corroborate")

app = typer.Typer(
    name="corroborate",
    help="Who says so, on whose authority: sourcing analysis for news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class ReportFormat(StrEnum):
    md = "md"
    json = "json"
    html = "html"
    csv = "csv"


class LinesFormat(StrEnum):
    jsonl = "jsonl"


class Mode(StrEnum):
    accurate = "accurate"
    fast = "fast"
    encoder = "encoder"
    large = "large"


ModeOption = Annotated[
    Mode,
    typer.Option(
        "--mode",
        help=(
            "Attribution extractor: accurate (CRF model trained on PolNeAR), fast (dependency rules) "
            "encoder (fine-tuned MiniLM; needs the encoder extra) "
            "or large (MPNet-base with LoRA; needs the large extra; slowest, most accurate)."
        ),
    ),
]


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="DB",
        help="Database: an SQLAlchemy URL (sqlite:///path, postgresql://...) or a file path. "
        "Default: $CORROBORATE_DB, else ./corroborate.db.",
        show_default=False,
    ),
]


AllowHostOption = Annotated[
    list[str] | None,
    typer.Option(
        "--allow-host",
        metavar="HOST",
        help="Fetch from this host, address or network (10.0.0.0/8) although it is private, loopback or "
        "otherwise non-public; repeatable, adds to $CORROBORATE_ALLOW_HOSTS (comma-separated).",
        show_default=False,
    ),
]


QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="No progress bars. The summary line and the reasons inputs were skipped still go to stderr.",
    ),
]

WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        "-j",
        min=1,
        metavar="N",
        help="Analyse in N processes (each loads the model once); this process alone writes the database.",
    ),
]


# --------------------------------------------------------------------------- plumbing


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


_state = {"verbose": 0}


def _setup_logging(verbose: int) -> None:
    _state["verbose"] = verbose
    root = logging.getLogger()
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s: %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose > 1 else logging.INFO if verbose == 1 else logging.WARNING)


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _say(message: str) -> None:
    typer.echo(message, err=True)


@contextmanager
def _errors() -> Iterator[None]:
    """Typed errors become one stderr line and an exit code; so do unexpected ones."""
    try:
        yield
    except (typer.Exit, click.exceptions.ClickException, click.exceptions.Abort):
        raise
    except UsageError as exc:
        _say(f"error: {exc}")
        raise typer.Exit(EXIT_USAGE) from exc
    except CorroborateError as exc:
        _say(f"error: {exc}")
        raise typer.Exit(EXIT_FAILED) from exc
    except KeyboardInterrupt as exc:
        _say("interrupted")
        raise typer.Exit(130) from exc
    except Exception as exc:
        log.debug("unexpected error", exc_info=True)
        hint = "" if _state["verbose"] > 1 else " (run with -vv for the traceback)"
        _say(f"error: unexpected {type(exc).__name__}: {exc}{hint}")
        raise typer.Exit(EXIT_FAILED) from exc


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"corroborate {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output on stderr (-vv: debug).")
    ] = 0,
) -> None:
    """Who says so, on whose authority: sourcing analysis for news articles."""
    _setup_logging(verbose)


# --------------------------------------------------------------------------- commands


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="Files (.txt, .html, .json, .jsonl, .warc, .warc.gz), directories (searched recursively) "
            "or http(s) URLs (fetched).",
            show_default=False,
        ),
    ],
    db: DbOption = None,
    outlet: Annotated[
        str | None, typer.Option(metavar="NAME", help="Outlet for inputs that do not name one.")
    ] = None,
    published: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Publication date (ISO 8601) for inputs that do not give one."),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="URL for the one article that does not give its own (usage error if several would get it).",
        ),
    ] = None,
    mode: ModeOption = Mode.accurate,
    allow_host: AllowHostOption = None,
    workers: WorkersOption = 1,
    quiet: QuietOption = False,
) -> None:
    """Read articles, analyse their sourcing and store them (already stored ones are left alone)."""
    from .ingest import Defaults, iter_inputs
    from .pipeline import parse_published
    from .store import open_store, resolve_db_url

    with _errors():
        try:
            day = parse_published(published) if published else None
        except UsageError as exc:
            raise UsageError(exc.message, input_name="--published") from exc
        resolve_db_url(db)
        items = iter_inputs(
            paths, Defaults(outlet=outlet, published=day, url=url), allow_hosts=allow_host or ()
        )
        if url:
            items = check_url_default(list(items), url)
        with open_store(db) as store, Progress("ingesting", unit="articles", enabled=not quiet) as progress:
            counts = ingest_items(store, items, progress, mode.value, workers=workers)
        _say(f"ingested {counts.ingested}, already stored {counts.already_stored}, skipped {counts.skipped}")
        code = exit_code(done=counts.ingested + counts.already_stored, failed=counts.skipped)
        if code == EXIT_FAILED and not counts.skipped:
            _say("error: no articles found in the given paths")
    raise typer.Exit(code)


@app.command()
def report(
    db: DbOption = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.md,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", metavar="FILE", help="Write to this file instead of stdout.")
    ] = None,
    story: Annotated[
        str | None,
        typer.Option(
            "--story",
            metavar="ID",
            help="A story brief instead: claims with status and sourcing, conflicts, relay graph, timeline "
            "(md, json or html).",
        ),
    ] = None,
) -> None:
    """Report the sourcing of every stored article (Markdown, JSON, HTML or CSV), or one story's brief."""
    from .report import render
    from .store import open_store

    with _errors():
        if story is not None and fmt is ReportFormat.csv:
            raise UsageError("a story brief is md, json or html, not csv", input_name="--format")
        with open_store(db, create=False) as store:
            if story is not None:
                from .story_brief import render as render_brief
                from .story_service import load_story

                text = render_brief(load_story(store, story), fmt.value)
                analyses = [story]
            else:
                analyses = list(store.iter_analyses())
            where = store.display_name
        if not analyses:
            raise CorroborateError(
                "no articles stored yet; run `corroborate ingest PATH...` first", input_name=where
            )
        if story is None:
            text = render(analyses, fmt.value)
        if out is not None:
            try:
                out.write_text(text, encoding="utf-8", newline="")
            except OSError as exc:
                raise CorroborateError(
                    f"cannot write the report: {exc.strerror or exc}", input_name=str(out)
                ) from exc
            what = f"story {story}" if story is not None else f"{len(analyses)} articles"
            _say(f"wrote {fmt.value} report on {what} to {out}")
        elif fmt is ReportFormat.md and stdout_is_terminal():
            from rich.console import Console
            from rich.markdown import Markdown

            Console().print(Markdown(text))
        else:
            typer.echo(text, nl=False)


@app.command()
def reprocess(
    db: DbOption = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Re-analyse every article, not only those from an older extractor.")
    ] = False,
    mode: ModeOption = Mode.accurate,
    quiet: QuietOption = False,
) -> None:
    """Re-analyse stored articles analysed by another extractor version (all with --all)."""
    from .pipeline import extractor_version
    from .store import open_store

    with _errors():
        version = extractor_version(mode.value)
        with open_store(db, create=False) as store:
            total = store.count()
            if total == 0:
                raise CorroborateError(
                    "no articles stored yet; run `corroborate ingest PATH...` first",
                    input_name=store.display_name,
                )
            ids = store.ids() if all_ else store.stale(version)
            if not ids:
                _say(f"nothing to reprocess: all {total} articles were analysed by {version}")
                raise typer.Exit(EXIT_OK)
            with Progress("reprocessing", total=len(ids), unit="articles", enabled=not quiet) as progress:
                done, failed = reprocess_store(store, ids, progress, mode.value)
        tail = f", failed {failed}" if failed else ""
        _say(f"reprocessed {done} of {total} articles with {version}{tail}")
    raise typer.Exit(exit_code(done=done, failed=failed))


@app.command()
def attributions(
    paths: Annotated[list[str], typer.Argument(metavar="PATH", help="UTF-8 text files.", show_default=False)],
    fmt: Annotated[LinesFormat, typer.Option("--format", "-f", help="Output format.")] = LinesFormat.jsonl,
    mode: ModeOption = Mode.accurate,
    quiet: QuietOption = False,
) -> None:
    """Print the attributions of each text file as one JSON line (no database).

    Offsets index the file's text as read with open(path, encoding="utf-8").
    """
    with _errors():
        ok = failed = 0
        with Progress("parsing", total=len(paths), unit="files", enabled=not quiet) as progress:
            for path, line, error in attribution_lines(paths, progress, mode=mode.value):
                if error is None:
                    ok += 1
                else:
                    failed += 1
                    progress.say(f"skipped {path}: {error}")
                typer.echo(json.dumps(line, ensure_ascii=False))
    raise typer.Exit(exit_code(done=ok, failed=failed))


# --------------------------------------------------------------------------- commands from other modules

# Each surface registers its commands on ``app`` in its own module (they import ``app``, ``_errors``
# and the option types from here, so this import stays last).
from . import cli_batch, cli_sources, cli_stance, cli_stories, cli_web  # noqa: E402,F401

if __name__ == "__main__":  # pragma: no cover
    # Run as a script, this file is ``__main__``; the command modules registered themselves on the
    # ``app`` of the imported ``corroborate.cli``, so run that one.
    from corroborate.cli import app as _app

    _app()
