"""What every CLI command shares: option types, output formats, logging, the error handler and the
command registry (``@command``), which ``cli.main`` reads to build the typer app."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import click
import typer

from corroborate.analysis.modes import ALIASES, DEFAULT_MODE, MODES
from corroborate.app.runner import (
    EXIT_FAILED,
    EXIT_USAGE,
)
from corroborate.errors import CorroborateError, Terminated, UsageError
from corroborate.report.render import REPORT_FORMATS

log = logging.getLogger("corroborate")


COMMANDS: list[tuple[Callable[..., Any], dict[str, Any]]] = []


def command(**kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a CLI command (``typer.Typer.command`` arguments); ``cli.main`` adds them in import order."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        COMMANDS.append((fn, kwargs))
        return fn

    return register


ReportFormat = StrEnum("ReportFormat", {name: name for name in REPORT_FORMATS})


class LinesFormat(StrEnum):
    jsonl = "jsonl"


Mode = StrEnum("Mode", {name: name for name in (*MODES, *ALIASES)})
"""The --mode choices: the registered extraction modes (``analysis.modes.MODES``) and their old names."""
DEFAULT_MODE_CHOICE = Mode(DEFAULT_MODE)

ModeOption = Annotated[
    Mode,
    typer.Option(
        "--mode",
        help="Attribution extractor: " + ", ".join(f"{m.name} ({m.summary})" for m in MODES.values()) + ".",
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

LIBRARY_LOG_ENV = "CORROBORATE_LIBRARY_LOG"
LIBRARY_LOG_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
    "off": logging.CRITICAL + 10,
}


class _Levels(logging.Filter):
    """Our own records (``corroborate.*``) at ``ours``; every library's (trafilatura, htmldate, ...)
    at ``libraries``, so their warnings about the pages they read stay out of the way by default."""

    def __init__(self, ours: int, libraries: int) -> None:
        super().__init__()
        self.ours, self.libraries = ours, libraries

    def filter(self, record: logging.LogRecord) -> bool:
        mine = record.name == "corroborate" or record.name.startswith("corroborate.")
        return record.levelno >= (self.ours if mine else self.libraries)


def library_log_level(name: str | None, verbose: int) -> int:
    """The level of library log lines: ``name`` (--library-log, else $CORROBORATE_LIBRARY_LOG), else off
    (debug with -vv)."""
    name = (name or os.environ.get(LIBRARY_LOG_ENV) or "").strip().lower()
    if not name:
        return logging.DEBUG if verbose > 1 else LIBRARY_LOG_LEVELS["off"]
    if name not in LIBRARY_LOG_LEVELS:
        raise UsageError(
            f"{name!r} is not a log level; choose one of {', '.join(LIBRARY_LOG_LEVELS)}",
            input_name=f"--library-log (or ${LIBRARY_LOG_ENV})",
        )
    return LIBRARY_LOG_LEVELS[name]


def _setup_logging(verbose: int, library_log: str | None = None) -> None:
    _state["verbose"] = verbose
    ours = logging.DEBUG if verbose > 1 else logging.INFO if verbose == 1 else logging.WARNING
    libraries = library_log_level(library_log, verbose)
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, _StderrHandler)), None)
    if handler is None:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s: %(name)s: %(message)s"))
        root.addHandler(handler)
    for old in [f for f in handler.filters if isinstance(f, _Levels)]:
        handler.removeFilter(old)
    handler.addFilter(_Levels(ours, libraries))
    root.setLevel(min(ours, libraries))


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
    except Terminated as exc:
        _say("terminated")
        raise typer.Exit(128 + signal.SIGTERM) from exc
    except KeyboardInterrupt as exc:
        _say("interrupted")
        raise typer.Exit(130) from exc
    except Exception as exc:
        log.debug("unexpected error", exc_info=True)
        hint = "" if _state["verbose"] > 1 else " (run with -vv for the traceback)"
        _say(f"error: unexpected {type(exc).__name__}: {exc}{hint}")
        raise typer.Exit(EXIT_FAILED) from exc
