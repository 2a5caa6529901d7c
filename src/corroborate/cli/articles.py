"""Article commands: ingest, report, reprocess, attributions.

The stages a command runs (the store, the pipeline, the renderers) are imported inside it, so that
``--help`` and usage errors answer at once instead of after loading SQLAlchemy and spaCy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from corroborate.app.runner import (
    EXIT_FAILED,
    EXIT_OK,
    Progress,
    attribution_lines,
    exit_code,
)
from corroborate.cli.common import (
    DEFAULT_MODE_CHOICE,
    AllowHostOption,
    DbOption,
    LinesFormat,
    ModeOption,
    QuietOption,
    ReportFormat,
    WorkersOption,
    _errors,
    _say,
    command,
    stdout_is_terminal,
)
from corroborate.errors import CorroborateError, UsageError

# --------------------------------------------------------------------------- commands


@command()
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
    mode: ModeOption = DEFAULT_MODE_CHOICE,
    allow_host: AllowHostOption = None,
    workers: WorkersOption = 1,
    quiet: QuietOption = False,
) -> None:
    """Read articles, analyse their sourcing and store them (already stored ones are left alone)."""
    from corroborate.analysis.pipeline import parse_published
    from corroborate.app.ingest import check_url_default, ingest_items
    from corroborate.ingest.inputs import iter_inputs
    from corroborate.ingest.records import Defaults
    from corroborate.store.articles import open_store
    from corroborate.store.database import resolve_db_url

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


@command()
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
    from corroborate.report.render import render
    from corroborate.store.articles import open_store

    with _errors():
        if story is not None and fmt is ReportFormat.csv:
            raise UsageError("a story brief is md, json or html, not csv", input_name="--format")
        with open_store(db, create=False) as store:
            if story is not None:
                from corroborate.app.stories import load_story
                from corroborate.report.story_brief import render as render_brief

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


@command()
def reprocess(
    db: DbOption = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Re-analyse every article, not only those from an older extractor.")
    ] = False,
    mode: ModeOption = DEFAULT_MODE_CHOICE,
    quiet: QuietOption = False,
) -> None:
    """Re-analyse stored articles analysed by another extractor version (all with --all)."""
    from corroborate.analysis.pipeline import extractor_version
    from corroborate.app.ingest import reprocess_store
    from corroborate.store.articles import open_store

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


@command()
def attributions(
    paths: Annotated[list[str], typer.Argument(metavar="PATH", help="UTF-8 text files.", show_default=False)],
    fmt: Annotated[LinesFormat, typer.Option("--format", "-f", help="Output format.")] = LinesFormat.jsonl,
    mode: ModeOption = DEFAULT_MODE_CHOICE,
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
