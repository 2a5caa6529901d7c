"""The Spark-free half of ``corroborate batch``: table schemas, the per-partition analysis that runs
on the executors, and :func:`load_batch`, which reads a batch output back with pyarrow.

Tables (one Parquet dataset each under the output directory, joined by ``article_id``):

* ``articles``: ``article_id, origin, file_index, record_index, url, outlet, title, published, text,
  text_sha256, identity_key, extractor, boilerplate[], damage[]``
* ``attributions``: ``article_id, seq, source_*, cue_*, content_*, channel_* (start, end, text),
  source_kind, certainty, direct, source_entity_* (name, start, end), extractor``
* ``facts``: ``article_id, seq, kind, start, end, text, value, value_high, unit, date_start,
  date_end, future, quantity, linked``
* ``errors``: ``origin, file_index, record_index, article_id, stage, error, code, reason``

``article_id`` is the first 24 hex digits of the sha256 of the store's identity key
(``store.identity_key``: the URL, or the outlet and the text's hash), so a re-run gives the same ids.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from corroborate.analysis.modes import DEFAULT_MODE
from corroborate.errors import CorroborateError, UsageError
from corroborate.types import (
    Analysis,
    Article,
    Attribution,
    Boilerplate,
    DamageFlag,
    Entity,
    Fact,
    Span,
)

log = logging.getLogger(__name__)

TABLES = ("articles", "attributions", "facts", "errors")
ARTICLE_ID_CHARS = 24
ANALYSIS_BATCH = 32  # articles per nlp.pipe batch inside a partition
SPARK_HINT = "pip install 'corroborate[spark]'"

# Stages named in the errors table.
STAGE_INGEST = "ingest"
STAGE_ANALYSIS = "analysis"
STAGE_DUPLICATE = "duplicate"


class SparkUnavailable(CorroborateError):
    """PySpark, pyarrow or Java is missing, or Spark cannot start."""

    code = "E500"


class BatchFailed(CorroborateError):
    """The Spark job itself failed (not one bad record: those go to the errors table)."""

    code = "E501"


# --------------------------------------------------------------------------- schemas

_RANGE = "array<struct<kind:string,`start`:int,`end`:int,snippet:string>>"
ARTICLE_FIELDS: tuple[tuple[str, str], ...] = (
    ("url", "string"),
    ("outlet", "string"),
    ("title", "string"),
    ("published", "date"),
    ("text", "string"),
    ("text_sha256", "string"),
    ("identity_key", "string"),
    ("extractor", "string"),
    ("boilerplate", _RANGE),
    ("damage", _RANGE),
    ("story_features", "string"),  # StoryFeatures JSON, computed on the executor (None if it failed)
)
_SPANS = ("source", "cue", "content", "channel")
ATTRIBUTION_FIELDS: tuple[tuple[str, str], ...] = (
    ("seq", "int"),
    *(
        (f"{p}_{part}", "string" if part == "text" else "int")
        for p in _SPANS
        for part in ("start", "end", "text")
    ),
    ("source_kind", "string"),
    ("certainty", "string"),
    ("direct", "boolean"),
    ("source_entity_name", "string"),
    ("source_entity_start", "int"),
    ("source_entity_end", "int"),
    ("extractor", "string"),
)
FACT_FIELDS: tuple[tuple[str, str], ...] = (
    ("seq", "int"),
    ("kind", "string"),
    ("start", "int"),
    ("end", "int"),
    ("text", "string"),
    ("value", "double"),
    ("value_high", "double"),
    ("unit", "string"),
    ("date_start", "date"),
    ("date_end", "date"),
    ("future", "boolean"),
    ("quantity", "string"),
    ("linked", "int"),
)
ERROR_FIELDS: tuple[tuple[str, str], ...] = (
    ("stage", "string"),
    ("error", "string"),
    ("code", "string"),
    ("reason", "string"),
)
KEY_FIELDS: tuple[tuple[str, str], ...] = (
    ("file_index", "int"),
    ("record_index", "int"),
    ("origin", "string"),
    ("article_id", "string"),
)


def _struct(fields: Iterable[tuple[str, str]]) -> str:
    return "struct<" + ",".join(f"`{name}`:{kind}" for name, kind in fields) + ">"


def record_ddl() -> str:
    """Spark DDL of the one intermediate row per input record (an article or an error)."""
    columns = [
        *(f"`{name}` {kind}" for name, kind in KEY_FIELDS),
        f"article {_struct(ARTICLE_FIELDS)}",
        f"attributions array<{_struct(ATTRIBUTION_FIELDS)}>",
        f"facts array<{_struct(FACT_FIELDS)}>",
        f"error {_struct(ERROR_FIELDS)}",
    ]
    return ", ".join(columns)


def article_id(article: Article) -> str:
    """Deterministic id of ``article``: a sha256 prefix of its store identity key."""
    from corroborate.store.articles import identity_key

    return hashlib.sha256(identity_key(article).encode("utf-8")).hexdigest()[:ARTICLE_ID_CHARS]


# --------------------------------------------------------------------------- rows (executor side)


def _article_row(article: Article, analysis: Analysis, story_features: str | None = None) -> tuple:
    from corroborate.store.articles import identity_key

    return (
        article.url,
        article.outlet,
        article.title,
        article.published,
        article.text,
        hashlib.sha256(article.text.encode("utf-8")).hexdigest(),
        identity_key(article),
        analysis.extractor,
        [(b.kind, b.start, b.end, b.snippet) for b in analysis.boilerplate],
        [(d.kind, d.start, d.end, d.snippet) for d in analysis.damage],
        story_features,
    )


def _span_cells(span: Span | None) -> tuple:
    return (None, None, None) if span is None else (span.start, span.end, span.text)


def _attribution_rows(analysis: Analysis) -> list[tuple]:
    return [
        (
            seq,
            *_span_cells(a.source),
            *_span_cells(a.cue),
            *_span_cells(a.content),
            *_span_cells(a.channel),
            a.source_kind,
            a.certainty,
            bool(a.direct),
            *(
                (None, None, None)
                if a.source_entity is None
                else (a.source_entity.name, a.source_entity.start, a.source_entity.end)
            ),
            a.extractor or analysis.extractor,
        )
        for seq, a in enumerate(analysis.attributions)
    ]


def _fact_rows(analysis: Analysis) -> list[tuple]:
    return [
        (
            seq,
            f.kind,
            f.span.start,
            f.span.end,
            f.span.text,
            None if f.value is None else float(f.value),
            None if f.value_high is None else float(f.value_high),
            f.unit,
            f.date_start,
            f.date_end,
            bool(f.future),
            f.quantity,
            f.linked,
        )
        for seq, f in enumerate(analysis.facts)
    ]


def _error_record(file_index: int, record_index: int, origin: str, stage: str, exc: BaseException) -> tuple:
    from corroborate.app.ingest import failure_reason

    if isinstance(exc, CorroborateError):
        reason = failure_reason(origin, exc)
    else:
        reason = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    error = (stage, type(exc).__name__, getattr(exc, "code", None), reason)
    return (file_index, record_index, origin, None, None, [], [], error)


# Per Python worker process (Spark reuses workers between tasks): mode -> extractor version.
_LOADED: dict[str, str] = {}


def _warm_up(mode: str) -> None:
    """Load the spaCy pipeline and the mode's extractor once per executor process."""
    if mode not in _LOADED:
        from corroborate.analysis.pipeline import extractor_for
        from corroborate.text.nlp import load_nlp

        load_nlp()
        _LOADED[mode] = extractor_for(mode)[1]


def _story_features(articles: list[Article]) -> list[str | None]:
    """Story features (JSON) of the analysed articles, on the executor: spaCy entities, facts and the
    embedding are the parallel part of story grouping; the store's single writer only assigns."""
    from corroborate.stories.features import features_for

    try:
        return [f.to_json() for f in features_for(articles)]
    except Exception:  # grouping computes them again on the driver
        log.warning("story features failed for a batch of %d articles", len(articles), exc_info=True)
        return [None] * len(articles)


def _analyse(pending: list[tuple[int, int, Any]], mode: str) -> Iterator[tuple]:
    from corroborate.analysis.pipeline import analyze_batch

    analyses = analyze_batch([item.article for _, _, item in pending], mode)
    features = iter(_story_features([a.article for a in analyses if not isinstance(a, Exception)]))
    for (file_index, record_index, item), analysis in zip(pending, analyses, strict=True):
        if isinstance(analysis, Exception):
            yield _error_record(file_index, record_index, item.origin, STAGE_ANALYSIS, analysis)
            continue
        try:
            row = (
                file_index,
                record_index,
                item.origin,
                article_id(item.article),
                _article_row(item.article, analysis, next(features)),
                _attribution_rows(analysis),
                _fact_rows(analysis),
                None,
            )
        except Exception as exc:  # a value the tables cannot hold: report it, keep going
            log.debug("cannot convert %s", item.origin, exc_info=True)
            yield _error_record(file_index, record_index, item.origin, STAGE_ANALYSIS, exc)
            continue
        yield row


def analyze_partition(
    tasks: Iterable[tuple[int, str, str | None]], mode: str = DEFAULT_MODE, batch_size: int = ANALYSIS_BATCH
) -> Iterator[tuple]:
    """Executor side: read each ``(file_index, path, problem)`` with ``ingest.iter_inputs``, analyse
    the articles in ``nlp.pipe`` batches, and yield one record (``record_ddl``) per article or error.

    ``problem`` is a reason found on the driver (an unreadable directory): it becomes an error row.
    Nothing here raises for a bad record; only a missing model (``ModelError``) stops the task.
    """
    from corroborate.errors import IngestError
    from corroborate.ingest.inputs import iter_inputs
    from corroborate.ingest.records import IngestFailure

    _warm_up(mode)
    pending: list[tuple[int, int, Any]] = []
    for file_index, path, problem in tasks:
        if problem is not None:
            yield _error_record(file_index, 0, path, STAGE_INGEST, IngestError(problem, input_name=path))
            continue
        found_iter = iter(iter_inputs([path]))
        record_index = 0
        while True:
            try:
                found = next(found_iter)
            except StopIteration:
                break
            except Exception as exc:  # the reader itself broke on this input
                yield _error_record(file_index, record_index, path, STAGE_INGEST, exc)
                break
            if isinstance(found, IngestFailure):
                yield _error_record(file_index, record_index, found.origin, STAGE_INGEST, found.error)
            else:
                pending.append((file_index, record_index, found))
                if len(pending) >= batch_size:
                    yield from _analyse(pending, mode)
                    pending = []
            record_index += 1
    if pending:
        yield from _analyse(pending, mode)


# --------------------------------------------------------------------------- reading a batch back


def _parquet_files(directory: str | Path, table: str) -> tuple[Any, list[str]]:
    """(pyarrow filesystem, sorted part files) of one table; local paths or any URI pyarrow reads."""
    try:
        from pyarrow import fs as pafs
    except ImportError as exc:
        raise SparkUnavailable(f"pyarrow is not installed; {SPARK_HINT}", input_name="batch") from exc
    text = str(directory)
    if "://" in text:
        filesystem, base = pafs.FileSystem.from_uri(text)
    else:
        filesystem, base = pafs.LocalFileSystem(), str(Path(text).resolve())
    base = f"{base.rstrip('/')}/{table}"
    info = filesystem.get_file_info(base)
    if info.type != pafs.FileType.Directory:
        raise UsageError(
            f"not a `corroborate batch` output: no {table}/ dataset in it", input_name=str(directory)
        )
    infos = filesystem.get_file_info(pafs.FileSelector(base, recursive=True))
    files = sorted(
        i.path
        for i in infos
        if i.type == pafs.FileType.File
        and i.base_name.endswith(".parquet")
        and not i.base_name.startswith(("_", "."))
    )
    return filesystem, files


def _read_table(directory: str | Path, table: str, columns: list[str]) -> Any:
    """One whole table (only ``columns``), sorted by (article_id, seq), as a pyarrow Table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    filesystem, files = _parquet_files(directory, table)
    parts = [pq.read_table(f, columns=columns, filesystem=filesystem) for f in files]
    if not parts:
        return None
    return pa.concat_tables(parts).sort_by([("article_id", "ascending"), ("seq", "ascending")])


class _Grouped:
    """Rows of a table sorted by article_id, sliced per article without leaving Arrow memory."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.slices: dict[str, tuple[int, int]] = {}
        if table is None:
            return
        ids = table.column("article_id").to_pylist()
        start = 0
        for i in range(1, len(ids) + 1):
            if i == len(ids) or ids[i] != ids[start]:
                self.slices[ids[start]] = (start, i - start)
                start = i

    def rows(self, key: str) -> list[dict]:
        found = self.slices.get(key)
        return [] if found is None else self.table.slice(*found).to_pylist()


def _span(row: dict, prefix: str) -> Span | None:
    start = row[f"{prefix}_start"]
    return None if start is None else Span(start, row[f"{prefix}_end"], row[f"{prefix}_text"] or "")


def _attribution(row: dict) -> Attribution:
    return Attribution(
        source=_span(row, "source"),
        cue=_span(row, "cue"),
        content=_span(row, "content"),
        source_kind=row["source_kind"],
        certainty=row["certainty"],
        direct=bool(row["direct"]),
        channel=_span(row, "channel"),
        source_entity=None
        if row.get("source_entity_name") is None
        else Entity(row["source_entity_name"], row["source_entity_start"], row["source_entity_end"]),
        extractor=row["extractor"],
    )


def _fact(row: dict) -> Fact:
    return Fact(
        kind=row["kind"],
        span=Span(row["start"], row["end"], row["text"]),
        value=row["value"],
        value_high=row["value_high"],
        unit=row["unit"],
        date_start=row["date_start"],
        date_end=row["date_end"],
        future=bool(row["future"]),
        quantity=row["quantity"],
        linked=row["linked"],
    )


def load_batch(directory: str | Path, story_features: bool = False) -> Iterator[tuple]:
    """The articles of a ``corroborate batch`` output with their analyses, in input order.

    With ``story_features``, each item is ``(article, analysis, features)``, ``features`` being the
    story features JSON computed on the executors (None when absent). Reads the Parquet datasets
    with pyarrow (no Spark). Articles are streamed; attributions and facts
    are held in Arrow memory, sorted by ``article_id``. Raises UsageError when ``directory`` is not a
    batch output, SparkUnavailable when pyarrow is missing.
    """
    import pyarrow.parquet as pq

    filesystem, article_files = _parquet_files(directory, "articles")
    attributions = _Grouped(
        _read_table(directory, "attributions", ["article_id", *(n for n, _ in ATTRIBUTION_FIELDS)])
    )
    facts = _Grouped(_read_table(directory, "facts", ["article_id", *(n for n, _ in FACT_FIELDS)]))
    for path in article_files:
        with filesystem.open_input_file(path) as handle:
            parquet = pq.ParquetFile(handle)
            present = set(parquet.schema_arrow.names)
            columns = ["article_id", *(n for n, _ in ARTICLE_FIELDS if n in present)]
            for batch in parquet.iter_batches(batch_size=256, columns=columns):
                for row in batch.to_pylist():
                    article = Article(
                        text=row["text"],
                        title=row["title"],
                        outlet=row["outlet"],
                        url=row["url"],
                        published=row["published"],
                    )
                    key = row["article_id"]
                    item = (
                        article,
                        Analysis(
                            article=article,
                            boilerplate=tuple(Boilerplate(**b) for b in row["boilerplate"] or ()),
                            damage=tuple(DamageFlag(**d) for d in row["damage"] or ()),
                            attributions=tuple(_attribution(r) for r in attributions.rows(key)),
                            extractor=row["extractor"],
                            facts=tuple(_fact(r) for r in facts.rows(key)),
                        ),
                    )
                    yield (*item, row.get("story_features")) if story_features else item
