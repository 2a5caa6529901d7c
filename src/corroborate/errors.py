"""Typed exceptions. Every error names the input it is about."""

from __future__ import annotations


class CorroborateError(Exception):
    """Base class of every error Corroborate raises on purpose."""

    code = "E000"

    def __init__(self, message: str, *, input_name: str | None = None) -> None:
        self.input_name = input_name
        self.message = message
        super().__init__(f"{input_name}: {message}" if input_name else message)


def failure_message(exc: BaseException) -> str:
    """What to tell the user about an article whose analysis failed: a typed error's own message, else
    the exception's type and text."""
    if isinstance(exc, CorroborateError):
        return exc.message
    return f"analysis failed ({type(exc).__name__}: {exc})"


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived during a run that set a handler for it: unwind as Ctrl-C does (stop the worker
    processes, roll back the write in progress); the command line exits 143."""


class IngestError(CorroborateError):
    """An input could not be turned into an article. The batch goes on."""

    code = "E100"


class UndecodableInput(IngestError):
    code = "E101"


class BinaryInput(IngestError):
    code = "E102"


class EmptyText(IngestError):
    code = "E103"


class TooLarge(IngestError):
    code = "E104"


class NoArticle(IngestError):
    code = "E105"


class NotEnglish(IngestError):
    code = "E106"


class BadRecord(IngestError):
    """A JSON/JSONL record is malformed or lacks `text`/`html`."""

    code = "E107"


class UnsupportedFormat(IngestError):
    code = "E108"


class StoreError(CorroborateError):
    code = "E200"


class ModelError(CorroborateError):
    """The NLP pipeline or a trained model could not be loaded."""

    code = "E300"


class UsageError(CorroborateError):
    code = "E400"


class NotFound(CorroborateError):
    """A story, article or outlet asked for by id or name does not exist."""


class AnalysisFailed(CorroborateError):
    """Analysing one article failed (in a worker process, or the worker died). The run goes on."""

    code = "E301"


class ModelUnavailable(ModelError):
    """A mode needs an optional extra or model files that are not installed."""

    code = "E302"
