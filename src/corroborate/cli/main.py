"""The ``corroborate`` command line: the typer app, its global options, and every command module's
commands (registered through ``cli.common.command``, so no command module imports this one)."""

from __future__ import annotations

from typing import Annotated

import typer

from corroborate.app.runner import EXIT_OK, EXIT_USAGE
from corroborate.cli import articles, batch, check, sources, stance, stories, web  # noqa: F401  (they register)
from corroborate.cli.common import COMMANDS, LIBRARY_LOG_ENV, _setup_logging
from corroborate.errors import UsageError

app = typer.Typer(
    name="corroborate",
    help="Who says so, on whose authority: sourcing analysis for news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from corroborate._version import __version__

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
    library_log: Annotated[
        str | None,
        typer.Option(
            "--library-log",
            metavar="LEVEL",
            help="Show the log lines of the libraries we use (trafilatura, ...) from LEVEL up: debug, info, "
            f"warning, error, critical or off. Default: ${LIBRARY_LOG_ENV}, else off (debug with -vv).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Who says so, on whose authority: sourcing analysis for news articles."""
    try:
        _setup_logging(verbose, library_log)
    except UsageError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from exc


for _fn, _kwargs in COMMANDS:
    app.command(**_kwargs)(_fn)

if __name__ == "__main__":  # pragma: no cover
    app()
