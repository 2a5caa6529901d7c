"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against a live server.

They open the stories page, open the seed story, open a claim and follow it into the article, where
its sources are highlighted; click attributions; upload an article through the form; check that
hostile content stays inert; and save screenshots at 1280 and 390 px wide under build/screenshots/.

Without Chromium the module is skipped ("chromium not installed (apt-get install chromium)"),
except under CI (env CI set), where that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from pathlib import Path

import pytest

from web_support import (
    HOSTILE_OUTLET,
    HOSTILE_TEXT,
    HOSTILE_TITLE,
    HOSTILE_URL,
    ROOT,
    TOKEN,
    Seeded,
    live_server,
    seed_store,
)

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "build" / "screenshots"
WIDTHS = (1280, 390)
MISSING = "chromium not installed (apt-get install chromium)"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests, not skip them", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


if not CHROMIUM.exists():
    _unavailable(MISSING)
try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    _unavailable("playwright not installed (pip install 'corroborate[browser]')")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    url = "sqlite:///" + str(tmp_path_factory.mktemp("webbrowser") / "web.db")
    return Seeded(url, seed_store(url))


@pytest.fixture(scope="module")
def base(seeded: Seeded):
    with live_server(seeded.url) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


class Watched:
    """A page plus the JavaScript errors and dialogs it produced."""

    def __init__(self, browser: Browser, width: int) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page: Page = self.context.new_page()
        self.width = width
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def shot(self, name: str, *, full_page: bool = True) -> Path:
        path = SHOTS / f"{name}-{self.width}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def no_sideways_scroll(self) -> None:
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{self.page.url} scrolls sideways by {overflow}px at {self.width}px"

    def close(self) -> None:
        assert not self.errors, self.errors
        assert not self.dialogs, self.dialogs
        self.context.close()


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def tab(request: pytest.FixtureRequest, browser: Browser):
    watched = Watched(browser, request.param)
    yield watched
    watched.close()


def test_open_a_claim_and_see_its_sources_highlighted_in_the_article(
    tab: Watched, base: str, seeded: Seeded
) -> None:
    page = tab.page
    page.goto(base + "/stories")
    expect(page.locator("h1")).to_have_text("Stories")
    tab.no_sideways_scroll()
    tab.shot("stories")

    page.locator(f'a[href="/stories/{seeded.story_id}"]').click()
    expect(page).to_have_url(f"{base}/stories/{seeded.story_id}")
    expect(page.locator("#claims")).to_be_visible()
    expect(page.locator("#timeline")).to_be_visible()
    tab.no_sideways_scroll()
    tab.shot("story")

    claim = page.locator("li.claim").filter(has=page.locator(".excerpt .r-source")).first
    claim.locator("summary").click()
    expect(claim.locator("details")).to_have_attribute("open", "")
    sources = claim.locator(".excerpt .m.r-source.on")
    expect(sources.first).to_be_visible()
    expect(claim.locator("table.sources")).to_be_visible()
    claim.screenshot(path=str(SHOTS / f"claim-{tab.width}.png"))
    other = page.locator("li.claim").last  # claims open from the keyboard too
    other.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(other.locator("details")).to_have_attribute("open", "")

    source_text = sources.first.inner_text()
    claim.locator("a.in-article").first.click()
    expect(page).to_have_url(re.compile(r"/articles/\d+\?source=\d+-\d+.*#hl$"))
    highlighted = page.locator("#article-text .hl-source")
    expect(highlighted.first).to_be_visible()
    expect(highlighted.first).to_be_in_viewport()
    assert source_text.strip() in " ".join(highlighted.all_inner_texts())
    expect(page.locator("#article-text .hl-mention").first).to_be_visible()
    tab.no_sideways_scroll()
    tab.shot("article-claim", full_page=False)


def test_click_an_attribution_to_see_source_cue_kind_certainty(
    tab: Watched, base: str, seeded: Seeded
) -> None:
    page = tab.page
    page.goto(f"{base}/articles/{seeded.article_ids[0]}")
    panel = page.locator("#att-panel")
    mark = page.locator("#article-text .m.r-source[data-att]").first
    mark.click()
    for label in ("Source", "Cue", "Kind", "Certainty"):
        expect(panel.locator("dt", has_text=label)).to_be_visible()
    seq = mark.get_attribute("data-att").split()[0]
    expect(panel.locator("h3")).to_have_text(f"Attribution #{seq}")
    expect(page.locator(f'#article-text .m.on[data-att~="{seq}"]').first).to_be_visible()
    tab.no_sideways_scroll()
    tab.shot("article")

    # Keyboard: the skip link comes first; a source mark and the list buttons work with Enter.
    page.goto(f"{base}/articles/{seeded.article_ids[1]}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.locator("#article-text .m.r-source[tabindex='0']").first.focus()
    page.keyboard.press("Enter")
    expect(panel.locator("h3")).to_be_visible()
    page.locator(".att-btn").nth(1).focus()
    page.keyboard.press("Enter")
    expect(panel.locator("h3")).to_have_text("Attribution #2")


def test_upload_an_article_through_the_form(browser: Browser, base: str, tmp_path: Path) -> None:
    tab = Watched(browser, 1280)
    page = tab.page
    page.goto(base + "/ingest")
    page.get_by_label("Token").fill("wrong token")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#form-error")).to_contain_text("not the server's token")
    assert tab.errors == ["Failed to load resource: the server responded with a status of 403 (Forbidden)"]
    tab.errors.clear()  # the refused token is answered 403, as it should be
    page.get_by_label("Token").fill(TOKEN)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#ingest-form")).to_be_visible()
    tab.shot("ingest")

    upload = tmp_path / "ferry.txt"
    upload.write_text(
        "Harbour master Tom Reyes said on Thursday that the island ferry service will resume next month. "
        "Two deckhands, who asked not to be named, told the Island Post that the repairs were rushed.\n",
        encoding="utf-8",
    )
    page.set_input_files("#file", str(upload))
    page.get_by_label("Title").fill("Ferry service to resume")
    page.get_by_label("Outlet").fill("Island Post")
    page.get_by_role("button", name="Analyse and store").click()
    page.wait_for_url(re.compile(r"/articles/\d+\?ingested=1$"), timeout=120_000)
    expect(page.locator("#ingest-notice")).to_contain_text("Ingested as article")
    expect(page.locator("h1")).to_have_text("Ferry service to resume")
    expect(page.locator("#article-text .m[data-att]").first).to_be_visible()
    tab.shot("ingested")

    page.goto(base + "/stories")
    expect(page.get_by_role("link", name="Ferry service to resume")).to_be_visible()
    page.goto(base + "/articles")
    expect(page.get_by_role("link", name="Ferry service to resume")).to_be_visible()
    tab.close()


def test_hostile_article_is_inert_in_the_browser(tab: Watched, base: str) -> None:
    record = {"text": HOSTILE_TEXT, "title": HOSTILE_TITLE, "outlet": HOSTILE_OUTLET, "url": HOSTILE_URL}
    request = urllib.request.Request(
        base + "/api/v1/articles",
        data=json.dumps(record).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        created = json.loads(response.read())
    page = tab.page
    paths = [f"/articles/{created['id']}", "/articles", "/stories", "/outlets"]
    if created["story_id"]:
        paths.append(f"/stories/{created['story_id']}")
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__xss") == "undefined", path
    page.goto(f"{base}/articles/{created['id']}")
    expect(page.locator("h1")).to_have_text(HOSTILE_TITLE)  # shown as text
    page.locator("#article-text").hover()
    assert page.locator("#article-text script, #article-text img, #article-text a").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    tab.shot("hostile")


@pytest.mark.parametrize("path", ["/outlets", "/articles", "/ingest"])
def test_other_pages_fit_both_widths(tab: Watched, base: str, path: str) -> None:
    tab.page.goto(base + path)
    expect(tab.page.locator("main h1")).to_be_visible()
    tab.no_sideways_scroll()
    tab.shot(path.strip("/"))


def test_check_a_claim_from_a_story_and_from_the_form(tab: Watched, base: str, seeded: Seeded) -> None:
    page = tab.page
    page.goto(f"{base}/stories/{seeded.story_id}")
    claim = page.locator("li.claim").first
    claim.locator("summary").click()
    claim_text = claim.locator(".claim-text").inner_text()
    claim.locator("a.check-link").click()
    expect(page).to_have_url(re.compile(r"/check\?claim="))
    expect(page.locator("#claim")).to_have_value(claim_text)
    expect(page.locator("#verdict")).to_be_visible()
    expect(page.locator("#check-summary")).not_to_be_empty()
    expect(page.locator("#check-counts")).to_contain_text("Independent sources")
    articles = page.locator(".stance-group .checked-article")
    expect(articles.first).to_be_visible()  # the story's own articles address its claim
    expect(page.locator(".stance-group .excerpt mark.hl-mention").first).to_be_visible()
    tab.no_sideways_scroll()
    tab.shot("check")

    page.locator('nav a[href="/check"]').click()
    page.locator("#claim").fill("Volcano erupts beneath the Antarctic ice sheet")
    page.locator(".check-form button").click()
    expect(page.locator("#verdict")).to_have_text("unverified")
    expect(page.locator("#check-result .empty")).to_have_text("No stored article addresses this claim.")
    tab.no_sideways_scroll()
