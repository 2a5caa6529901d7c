"""Stories: ``corroborate stories`` and ``corroborate facts`` (issue 4)."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from corroborate.app.runner import EXIT_OK
from corroborate.cli.common import DbOption, _errors, _say, command
from corroborate.errors import CorroborateError, UsageError


class StoriesFormat(StrEnum):
    md = "md"
    json = "json"


class FactsFormat(StrEnum):
    md = "md"
    json = "json"
    csv = "csv"


@command()
def stories(
    db: DbOption = None,
    fmt: Annotated[StoriesFormat, typer.Option("--format", "-f", help="Output format.")] = StoriesFormat.md,
    from_batch: Annotated[
        Path | None,
        typer.Option(
            "--from-batch",
            metavar="DIR",
            help="First store the output of `corroborate batch` (DIR) in the database and group it.",
        ),
    ] = None,
) -> None:
    """List every story (one-article stories included) with its articles and claims."""
    from corroborate.app.stories import group_pending, load_stories
    from corroborate.report.common import md_escape
    from corroborate.store.articles import open_store
    from corroborate.types import to_json

    with _errors():
        with open_store(db, create=from_batch is not None) as store:
            if from_batch is not None:
                stored = _store_batch(store, from_batch)
                _say(f"stored {stored} new articles from {from_batch}")
            group_pending(store)
            reports = load_stories(store)
        if fmt is StoriesFormat.json:
            payload = {"stories": to_json(reports)}
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        if not reports:
            _say("no stories yet; run `corroborate ingest PATH...` first")
            raise typer.Exit(EXIT_OK)
        lines = [f"# Stories ({len(reports)})", ""]
        for report in reports:
            data = to_json(report)
            dates = " to ".join(
                dict.fromkeys(d for d in (data["first_published"], data["last_published"]) if d)
            )
            lines.append(f"## {md_escape(data['title'] or '(untitled)')}")
            lines.append("")
            lines.append(
                f"`{data['id']}` · {len(data['articles'])} articles" + (f" · {dates}" if dates else "")
            )
            lines.append("")
            for art in data["articles"]:
                copy = f" (copy of {art['copy_of']})" if art["copy_of"] else ""
                lines.append(
                    f"- {art['id']}: {md_escape(art['outlet'] or '?')}, {art['published'] or 'undated'}: "
                    f"{md_escape(art['title'] or '(untitled)')}{copy}"
                )
            if data["claims"]:
                lines += ["", "| claim | status | sourcing |", "| --- | --- | --- |"]
                for claim in data["claims"][:10]:
                    lines.append(
                        f"| {md_escape(_short(claim.get('text', '')))} | {claim.get('status', '')} | "
                        f"{claim.get('sourcing', '')} |"
                    )
                if len(data["claims"]) > 10:
                    lines.append(f"\n… and {len(data['claims']) - 10} more claims (`--format json` has all).")
            lines.append("")
        typer.echo("\n".join(lines))


@command()
def facts(
    db: DbOption = None,
    story: Annotated[
        str | None, typer.Option("--story", metavar="ID", help="Only this story's articles.")
    ] = None,
    fmt: Annotated[FactsFormat, typer.Option("--format", "-f", help="Output format.")] = FactsFormat.md,
) -> None:
    """Figures and dates (money, percentages, counts, dates) with their offsets, and the conflicts."""
    from corroborate.app.stories import group_pending, members
    from corroborate.facts.figures import find_conflicts
    from corroborate.store.articles import open_store
    from corroborate.types import to_json

    with _errors():
        with open_store(db, create=False) as store:
            if story is not None:
                group_pending(store)
                loaded = [(m.article_id, m.analysis, m.copy_of) for m in members(store, story)]
            else:
                loaded = [(i, a, None) for i, a in store.iter_analyses()]
        rows = [
            {"article_id": article_id, "outlet": analysis.article.outlet, "index": i, **to_json(fact)}
            for article_id, analysis, _ in loaded
            for i, fact in enumerate(analysis.facts)
        ]
        conflicts = find_conflicts(
            [(article_id, f) for article_id, analysis, copy in loaded if copy is None for f in analysis.facts]
        )
        if fmt is FactsFormat.json:
            payload = {"facts": rows, "conflicts": to_json(conflicts)}
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        elif fmt is FactsFormat.csv:
            typer.echo(_facts_csv(rows), nl=False)
        else:
            typer.echo(_facts_md(rows, conflicts))
        if not rows:
            _say("no facts found" + (f" in story {story}" if story else ""))


def _facts_csv(rows: list[dict]) -> str:
    columns = [
        "article_id", "outlet", "index", "kind", "start", "end", "text", "value", "value_high", "unit",
        "date_start", "date_end", "future", "quantity", "linked",
    ]  # fmt: skip
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        flat = {k: v for k, v in row.items() if k != "span"}
        flat.update(start=row["span"]["start"], end=row["span"]["end"], text=row["span"]["text"])
        writer.writerow(flat)
    return buf.getvalue()


def _facts_md(rows: list[dict], conflicts) -> str:
    from corroborate.report.common import md_escape

    lines = [f"# Facts ({len(rows)})", "", "| article | kind | text | value | unit | window | quantity |"]
    lines.append("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        value = "" if r["value"] is None else f"{r['value']:g}"
        if r["value_high"] is not None:
            value += f"–{r['value_high']:g}"
        window = " – ".join(dict.fromkeys(d for d in (r["date_start"], r["date_end"]) if d))
        if r["future"]:
            window += " (future)"
        lines.append(
            f"| {r['article_id']} | {r['kind']} | {md_escape(r['span']['text'])} | {value} | "
            f"{md_escape(r['unit'] or '')} | {window} | {md_escape(r['quantity'] or '')} |"
        )
    lines += ["", f"## Conflicts ({len(conflicts)})", ""]
    for c in conflicts:
        values = "; ".join(f"article {aid}: {md_escape(f.span.text)}" for aid, f in c.values)
        lines.append(f"- {md_escape(c.quantity)}: {values}")
    return "\n".join(lines)


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _store_batch(store, directory: Path) -> int:
    """Save the articles and analyses of a `corroborate batch` output directory; returns how many were new."""
    try:
        from corroborate.batch.job import load_batch
    except ImportError as exc:  # pragma: no cover - batch ships with corroborate
        raise CorroborateError(f"cannot read batch output: {exc}", input_name=str(directory)) from exc
    if not directory.is_dir():
        raise UsageError("not a directory written by `corroborate batch`", input_name=str(directory))
    from corroborate.store.stories import save_story_features

    new = 0
    for article, analysis, features in load_batch(directory, story_features=True):
        article_id, created = store.save(article, analysis)
        new += created
        if created and features:  # computed on the executors: grouping only assigns
            save_story_features(store, article_id, features)
    return new
