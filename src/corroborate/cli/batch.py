"""Spark batch: `corroborate batch` (issue 6)."""

from __future__ import annotations

from typing import Annotated

import typer

from corroborate.app.runner import exit_code
from corroborate.cli.common import DEFAULT_MODE_CHOICE, ModeOption, _errors, _say, command


@command()
def batch(
    input_glob: Annotated[
        str,
        typer.Option(
            "--input",
            metavar="GLOB",
            help="Input files: .jsonl, .json, .txt, .html or .warc (quote the glob; ** matches folders).",
            show_default=False,
        ),
    ],
    output: Annotated[
        str,
        typer.Option(
            "--output",
            metavar="DIR",
            help="Output folder: articles/, attributions/, facts/ and errors/ Parquet datasets.",
            show_default=False,
        ),
    ],
    master: Annotated[str, typer.Option("--master", metavar="URL", help="Spark master URL.")] = "local[*]",
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace an existing output folder.")
    ] = False,
    mode: ModeOption = DEFAULT_MODE_CHOICE,
    partitions: Annotated[
        int | None,
        typer.Option(
            "--partitions", metavar="N", help="Spark tasks (default: 4 per core, at most one per file)."
        ),
    ] = None,
) -> None:
    """Analyse many articles as a PySpark job and write Parquet tables (needs PySpark and Java 17+)."""
    from corroborate.batch.job import run_batch

    with _errors():
        result = run_batch(
            input_glob, output, master=master, overwrite=overwrite, mode=mode.value, partitions=partitions
        )
        dup = f" ({result.duplicates} duplicates)" if result.duplicates else ""
        _say(
            f"wrote {result.articles} articles, {result.attributions} attributions, {result.facts} facts "
            f"and {result.errors} errors{dup} from {result.files} files to {output} "
            f"in {result.elapsed_s:.1f} s"
        )
    raise typer.Exit(
        exit_code(done=result.articles + result.duplicates, failed=result.errors - result.duplicates)
    )
