"""``corroborate batch``: ingest, clean, attributions and facts as a PySpark job, written as Parquet.

The driver expands the input glob (sorted; directories are expanded the way ``ingest`` walks them)
and shares the file paths out; each task reads its files with ``ingest.iter_inputs`` and analyses
them in ``nlp.pipe`` batches (``batch_io.analyze_partition``; the model loads once per executor
process). A bad record (unreadable file, bad JSON line, not English, analysis error) becomes a row
of the errors table; it never fails the job. The same article (same URL, or same outlet and text)
given twice is kept once, and the later copies are listed in the errors table as ``duplicate``.

Output: ``DIR/articles``, ``DIR/attributions``, ``DIR/facts``, ``DIR/errors``, one Parquet dataset
each, joined by ``article_id`` (schemas in :mod:`corroborate.batch.io`). Read it back with
:func:`load_batch` (pyarrow, no Spark).

PySpark is optional (``pip install 'corroborate[spark]'``) and imported only here, lazily.
"""

from __future__ import annotations

import functools
import glob
import logging
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corroborate.analysis.modes import DEFAULT_MODE, mode_named
from corroborate.batch.io import (
    SPARK_HINT,
    STAGE_DUPLICATE,
    TABLES,
    BatchFailed,
    SparkUnavailable,
    analyze_partition,
    load_batch,
    record_ddl,
)
from corroborate.errors import CorroborateError, UsageError

__all__ = ["BatchResult", "BatchFailed", "SparkUnavailable", "expand_inputs", "load_batch", "run_batch"]

log = logging.getLogger(__name__)

DEFAULT_MASTER = "local[*]"
TASKS_PER_CORE = 4
_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class BatchResult:
    """What a batch run wrote (row counts per table) and how long it took."""

    output: str
    files: int
    articles: int
    attributions: int
    facts: int
    errors: int
    duplicates: int
    elapsed_s: float


# --------------------------------------------------------------------------- driver-side checks


def expand_inputs(pattern: str) -> list[tuple[str, str | None]]:
    """The input files a glob names, sorted, as ``(path, problem)``; ``problem`` is a reason when a
    directory could not be read. ``**`` matches across directories; a matched directory is expanded
    the way ``corroborate ingest`` walks one, and ``NAME.meta.json`` sidecars are left to their article.
    Raises UsageError when nothing matches."""
    from corroborate.ingest.files import SIDECAR_SUFFIX
    from corroborate.ingest.inputs import article_files
    from corroborate.ingest.records import IngestFailure

    matches = sorted(glob.glob(os.path.expanduser(pattern), recursive=True))
    if not matches:
        what = "no files match" if _GLOB_CHARS.search(pattern) else "no such file or directory:"
        raise UsageError(f"{what} {pattern!r}", input_name="--input")
    found: dict[str, str | None] = {}
    for match in matches:
        if os.path.isdir(match):
            for item in article_files(match):
                if isinstance(item, IngestFailure):
                    found.setdefault(item.origin, str(item.error.message))
                else:
                    found.setdefault(os.path.normpath(item), None)
        elif not match.lower().endswith(SIDECAR_SUFFIX):
            found.setdefault(os.path.normpath(match), None)
    if not found:
        raise UsageError(f"no article files under {pattern!r}", input_name="--input")
    return sorted(found.items())


def _is_uri(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def check_output(output: str, overwrite: bool) -> None:
    """A local output that exists is refused unless ``overwrite``; a file is always refused."""
    if _is_uri(output):
        return  # checked through Hadoop's file system once Spark runs
    path = Path(output.removeprefix("file://"))
    if path.exists() and not path.is_dir():
        raise UsageError("exists and is not a directory", input_name=f"--output {output}")
    if path.exists() and not overwrite:
        raise UsageError(
            "output directory already exists; pass --overwrite to replace it", input_name=f"--output {output}"
        )


def _check_remote_output(spark: Any, output: str, overwrite: bool) -> None:
    jvm = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(output)
    filesystem = hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if filesystem.exists(hadoop_path) and not overwrite:
        raise UsageError(
            "output directory already exists; pass --overwrite to replace it", input_name=f"--output {output}"
        )


# --------------------------------------------------------------------------- Spark


def _pyspark() -> Any:
    try:
        import pyarrow  # noqa: F401
        import pyspark
    except ImportError as exc:
        raise SparkUnavailable(
            f"`corroborate batch` needs PySpark and pyarrow ({exc.name} is missing); {SPARK_HINT}",
            input_name="batch",
        ) from exc
    return pyspark


def spark_session(master: str = DEFAULT_MASTER, app_name: str = "corroborate-batch") -> Any:
    """A SparkSession on ``master`` (an active one is reused as it is). Raises SparkUnavailable."""
    _pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if master.startswith("local"):
        # Executors are Python processes on this machine: the same interpreter, so the same packages.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.python.worker.reuse", "true")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if master.startswith("local"):
        builder = builder.config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8")
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # no Java, a bad master URL, a cluster that cannot be reached
        raise SparkUnavailable(
            f"cannot start Spark on {master!r} ({_first_line(exc)}); Spark needs Java 17 or newer "
            "(java on PATH or JAVA_HOME set)",
            input_name="--master",
        ) from exc
    spark.sparkContext.setLogLevel("WARN")
    return spark


def _first_line(exc: BaseException) -> str:
    """The most telling line of a (possibly Java-wrapped) exception message."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    for line in reversed(lines):  # the Python exception raised inside a task, if there is one
        if re.match(r"^[\w.]*(Error|Exception|Unavailable|Failed)\b[^(]*:", line) and "Py4J" not in line:
            return line[:500]
    return (lines[0] if lines else type(exc).__name__)[:500]


def _build_tables(spark: Any, tasks: list[tuple[int, str, str | None]], mode: str, partitions: int) -> dict:
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    rdd = spark.sparkContext.parallelize(tasks, partitions)
    records = rdd.mapPartitions(functools.partial(analyze_partition, mode=mode))
    frame = spark.createDataFrame(records, schema=record_ddl()).persist(StorageLevel.MEMORY_AND_DISK)

    order = ["file_index", "record_index"]
    first_seen = Window.partitionBy("article_id").orderBy(*order)
    ranked = (
        frame.where(F.col("article").isNotNull())
        .withColumn("_rank", F.row_number().over(first_seen))
        .withColumn("_first", F.first("origin").over(first_seen))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    kept = ranked.where(F.col("_rank") == 1)
    articles = kept.select("article_id", "origin", *order, "article.*").orderBy(*order)
    attributions = kept.select("article_id", F.inline("attributions")).sortWithinPartitions(
        "article_id", "seq"
    )
    facts = kept.select("article_id", F.inline("facts")).sortWithinPartitions("article_id", "seq")
    duplicates = ranked.where(F.col("_rank") > 1).select(
        "origin",
        *order,
        "article_id",
        F.lit(STAGE_DUPLICATE).alias("stage"),
        F.lit("DuplicateArticle").alias("error"),
        F.lit(None).cast("string").alias("code"),
        F.concat(
            F.lit("the same article (same URL, or same outlet and text) as "),
            F.col("_first"),
            F.lit(", which is kept"),
        ).alias("reason"),
    )
    errors = (  # few rows: one file, in input order, without a sampling job
        frame.where(F.col("error").isNotNull())
        .select("origin", *order, "article_id", "error.*")
        .unionByName(duplicates)
        .coalesce(1)
        .sortWithinPartitions(*order)
    )
    return {
        "articles": articles,
        "attributions": attributions,
        "facts": facts,
        "errors": errors,
        "_cached": (ranked, frame),
    }


def _count_written(spark: Any, base: str) -> tuple[dict[str, int], int]:
    """Rows per table as written (Parquet footers, read with pyarrow when local), and duplicates."""
    if _is_uri(base):
        counts = {name: spark.read.parquet(f"{base}/{name}").count() for name in TABLES}
        return counts, spark.read.parquet(f"{base}/errors").where(f"stage = '{STAGE_DUPLICATE}'").count()
    import pyarrow.parquet as pq

    root = Path(base.removeprefix("file://"))
    counts = {
        name: sum(pq.read_metadata(f).num_rows for f in sorted((root / name).glob("*.parquet")))
        for name in TABLES
    }
    stages = [
        pq.read_table(f, columns=["stage"]).column("stage")
        for f in sorted((root / "errors").glob("*.parquet"))
    ]
    duplicates = sum(chunk.to_pylist().count(STAGE_DUPLICATE) for chunk in stages)
    return counts, duplicates


def run_batch(
    input_glob: str,
    output: str,
    *,
    master: str = DEFAULT_MASTER,
    overwrite: bool = False,
    mode: str = DEFAULT_MODE,
    partitions: int | None = None,
) -> BatchResult:
    """Run the batch job and write the four tables under ``output``.

    An already active SparkSession is used as it is (and left running); otherwise one is started on
    ``master`` and stopped at the end. ``partitions`` defaults to 4 tasks per core, at most one per file.
    Raises UsageError (bad glob, existing output, unknown mode), SparkUnavailable, BatchFailed.
    """
    mode_named(mode)  # a UsageError for an unknown mode
    if partitions is not None and partitions < 1:
        raise UsageError("must be at least 1", input_name="--partitions")
    check_output(output, overwrite)
    inputs = expand_inputs(input_glob)
    _pyspark()
    from pyspark.sql import SparkSession

    started = time.perf_counter()
    owned = SparkSession.getActiveSession() is None
    spark = spark_session(master)
    cached: tuple = ()
    try:
        if _is_uri(output):
            _check_remote_output(spark, output, overwrite)
        tasks = [(i, path, problem) for i, (path, problem) in enumerate(inputs)]
        slices = partitions or max(1, min(len(tasks), spark.sparkContext.defaultParallelism * TASKS_PER_CORE))
        log.info("batch: %d input files in %d tasks on %s", len(tasks), slices, spark.sparkContext.master)
        tables = _build_tables(spark, tasks, mode, slices)
        cached = tables.pop("_cached")
        base = output.rstrip("/")
        for name in TABLES:
            tables[name].write.mode("overwrite" if overwrite else "errorifexists").parquet(f"{base}/{name}")
        counts, duplicates = _count_written(spark, base)
    except CorroborateError:
        raise
    except Exception as exc:
        log.debug("the Spark job failed", exc_info=True)
        raise BatchFailed(f"the Spark job failed: {_first_line(exc)}", input_name="batch") from exc
    finally:
        for frame in cached:
            frame.unpersist()
        if owned:
            spark.stop()
    return BatchResult(
        output=output,
        files=len(inputs),
        articles=counts["articles"],
        attributions=counts["attributions"],
        facts=counts["facts"],
        errors=counts["errors"],
        duplicates=duplicates,
        elapsed_s=time.perf_counter() - started,
    )
