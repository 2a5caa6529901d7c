"""Fetching: `corroborate watch` (issue 6). `ingest URL` and `ingest FILE.warc.gz` live in `ingest`."""

from __future__ import annotations

from typing import Annotated

import typer

from corroborate.cli.common import (
    DEFAULT_MODE_CHOICE,
    AllowHostOption,
    DbOption,
    ModeOption,
    _errors,
    _say,
    command,
)
from corroborate.errors import UsageError


@command()
def watch(
    feeds: Annotated[
        list[str],
        typer.Argument(metavar="FEED_URL", help="RSS or Atom feed URLs (http or https).", show_default=False),
    ],
    interval: Annotated[
        float,
        typer.Option(
            "--interval", metavar="SECONDS", min=1.0, help="Seconds from the start of one poll to the next."
        ),
    ] = 300.0,
    db: DbOption = None,
    once: Annotated[bool, typer.Option("--once", help="Poll each feed once and exit.")] = False,
    allow_host: AllowHostOption = None,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="No progress bars or per-feed lines (failures are still reported)."
        ),
    ] = False,
    mode: ModeOption = DEFAULT_MODE_CHOICE,
) -> None:
    """Poll RSS/Atom feeds and store their new articles, every --interval seconds (Ctrl-C stops) or --once.

    Polls are conditional (ETag, Last-Modified); pages are fetched politely (robots.txt, one request at
    a time per host) and only from public addresses unless --allow-host says otherwise.
    """
    from corroborate.app.feeds import Watcher, watch_exit_code
    from corroborate.ingest.fetch import Fetcher, is_web_url
    from corroborate.store.articles import open_store
    from corroborate.store.database import resolve_db_url

    with _errors():
        for feed in feeds:
            if not is_web_url(feed):
                raise UsageError(f"not an http(s) URL: {feed!r}", input_name="FEED_URL")
        resolve_db_url(db)
        with open_store(db) as store, Fetcher(allow_hosts=allow_host or ()) as fetcher:
            watcher = Watcher(store, fetcher, feeds, mode=mode.value, quiet=quiet)
            counts = watcher.run(interval=interval, once=once)
        if quiet:  # otherwise each round has printed its own summary
            _say(counts.summary())
        code = watch_exit_code(counts)
    raise typer.Exit(code)
