"""A claim check as Markdown for the terminal: verdict, summary, counts, then the articles by stance, each
with its evidence passages and who says them. Pure: a :class:`CheckResult` in, a string out."""

from __future__ import annotations

from corroborate.corroboration.check import LISTED_STANCES, CheckResult, Evidence
from corroborate.report.common import md_escape

_HEADINGS = {"supports": "Supports", "refutes": "Refutes", "discusses": "Discusses"}


def _who(ev: Evidence) -> str:
    if ev.source is None:
        return "the outlet itself" if ev.source_kind == "outlet" else "no named source"
    return f"{md_escape(' '.join(ev.source.text.split()))} ({ev.source_kind})"


def check_markdown(result: CheckResult) -> str:
    """The Markdown of one check."""
    lines = [
        f"# Check: {md_escape(result.claim)}",
        "",
        f"**Verdict: {result.verdict}.** {md_escape(result.summary)}",
        "",
        f"Independent sources: {result.independent_sources} "
        f"(named {result.named_sources}, anonymous {result.anonymous_sources}) · "
        f"articles: {len(result.articles)}",
        "",
        "_A verdict describes the sourcing of the stored coverage, not whether the claim is true._",
    ]
    for stance in LISTED_STANCES:
        group = [a for a in result.articles if a.stance == stance]
        if not group:
            continue
        lines += ["", f"## {_HEADINGS[stance]} ({len(group)})", ""]
        for art in group:
            head = f"- **{md_escape(art.outlet or '(unknown outlet)')}**, {art.published or 'undated'}: "
            title = md_escape(art.title or "(untitled)")
            head += f"[{title}](<{art.url}>)" if art.url else title
            head += f" · article {art.id} · relevance {art.score:.2f}"
            if art.copy_of is not None:
                head += f" · copy of {art.copy_of}"
            lines.append(head)
            for ev in art.evidence:
                lines.append(f"  > {md_escape(' '.join(ev.text.split()))}")
                lines.append(f"  > — {_who(ev)}, {ev.certainty} [{ev.start}:{ev.end}]")
    return "\n".join(lines) + "\n"
