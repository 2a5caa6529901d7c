"""The fetcher: SSRF guard, robots.txt, politeness, retries, redirects, limits; `ingest URL`.

Everything runs against a local server on 127.0.0.1 (``local_web``); nothing leaves the machine.
Host names other than 127.0.0.1 are resolved by a fake resolver handed to the Fetcher.
"""

from __future__ import annotations

import ipaddress
import sqlite3
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

import local_web
from corroborate.cli.main import app
from corroborate.ingest.fetch import (
    USER_AGENT,
    Fetcher,
    FetchError,
    ResponseTooLarge,
    RobotsDisallowed,
    UnsupportedContent,
)
from corroborate.ingest.netguard import (
    AddressGuard,
    AllowList,
    BlockedAddress,
    GuardedBackend,
    blocked_reason,
)
from corroborate.ingest.pages import decode_html
from local_web import LocalWeb

web, fast_fetch, fake_analysis = local_web.web, local_web.fast_fetch, local_web.fake_analysis  # fixtures

pytestmark = pytest.mark.usefixtures("fast_fetch")

LOCAL = ["127.0.0.1"]


def _fetcher(**kwargs) -> Fetcher:
    kwargs.setdefault("delay", 0.0)
    return Fetcher(**kwargs)


# --------------------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space (CGNAT)
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
    ],
)
def test_non_public_addresses_are_blocked(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is None


def test_every_resolved_address_is_checked() -> None:
    guard = AddressGuard(resolver=lambda host, port: ["93.184.215.14", "10.0.0.7"])
    with pytest.raises(BlockedAddress, match=r"mixed\.test resolves to 10\.0\.0\.7, which is a private"):
        guard.resolve("mixed.test", 80)


def test_allow_list_takes_hosts_addresses_and_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORROBORATE_ALLOW_HOSTS", " Intranet.Example. , 10.0.0.0/8")
    allow = AllowList.from_env(["::1", "[fd00::5]"])
    assert allow.allows_host("intranet.example")
    assert allow.allows_ip(ipaddress.ip_address("10.9.8.7"))
    assert allow.allows_ip(ipaddress.ip_address("::ffff:10.9.8.7"))
    assert allow.allows_ip(ipaddress.ip_address("::1"))
    assert allow.allows_ip(ipaddress.ip_address("fd00::5"))
    assert not allow.allows_ip(ipaddress.ip_address("127.0.0.1"))
    guard = AddressGuard(allow, resolver=lambda host, port: ["192.168.0.9"])
    assert guard.resolve("intranet.example", 443) == ["192.168.0.9"]
    with pytest.raises(BlockedAddress):
        guard.resolve("other.example", 443)


def test_the_backend_checks_the_address_it_connects_to() -> None:
    backend = GuardedBackend(AddressGuard(resolver=lambda host, port: ["169.254.169.254"]))
    with pytest.raises(BlockedAddress, match="link-local"):
        backend.connect_tcp("metadata.test", 80, timeout=1)


# --------------------------------------------------------------------------- the guard in the fetcher


def test_loopback_is_refused_without_allow_host(web: LocalWeb) -> None:
    web.page("/news/library", "library.html")
    with _fetcher() as fetcher, pytest.raises(BlockedAddress) as caught:
        fetcher.fetch(web.url("/news/library"))
    assert str(caught.value).startswith(
        web.url("/news/library") + ": refused: 127.0.0.1 is a loopback address"
    )
    assert web.hits == []


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1]:9/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://192.168.1.1/admin",
        "http://[::ffff:192.168.0.1]/",
        "http://0.0.0.0:9/",
    ],
)
def test_private_and_metadata_literals_are_refused(url: str) -> None:
    with _fetcher(allow_hosts=LOCAL) as fetcher, pytest.raises(BlockedAddress, match="refused"):
        fetcher.fetch(url)


def test_names_resolving_to_private_addresses_are_refused(web: LocalWeb) -> None:
    resolver = {"metadata.test": ["169.254.169.254"], "lan.test": ["192.168.7.7"]}
    with _fetcher(resolver=lambda host, port: resolver[host]) as fetcher:
        for host in resolver:
            with pytest.raises(BlockedAddress, match=f"{host} resolves to"):
                fetcher.fetch(f"http://{host}/page")


def test_non_http_schemes_are_refused() -> None:
    with _fetcher(allow_hosts=LOCAL) as fetcher, pytest.raises(BlockedAddress, match="only http and https"):
        fetcher.fetch("file:///etc/passwd")


def test_allow_host_lets_the_local_server_through(web: LocalWeb) -> None:
    web.page("/news/library", "library.html")
    with _fetcher(allow_hosts=LOCAL) as fetcher:
        result = fetcher.fetch(web.url("/news/library"))
    assert result.status == 200 and b"Riverside" in result.content
    assert result.content_type == "text/html" and result.charset == "utf-8"
    assert all(hit.headers["user-agent"] == USER_AGENT for hit in web.hits)
    assert USER_AGENT.startswith("Corroborate/")


def test_allow_hosts_from_the_environment(web: LocalWeb, monkeypatch: pytest.MonkeyPatch) -> None:
    web.page("/news/library", "library.html")
    monkeypatch.setenv("CORROBORATE_ALLOW_HOSTS", "example.org, 127.0.0.1")
    with _fetcher() as fetcher:
        assert fetcher.fetch(web.url("/news/library")).status == 200


def test_connects_to_the_checked_address_not_a_second_lookup(web: LocalWeb) -> None:
    """The name is resolved once, by the guard; the socket goes to that address (no rebinding window)."""
    web.page("/news/library", "library.html")
    lookups: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    with _fetcher(allow_hosts=LOCAL, resolver=resolver) as fetcher:
        result = fetcher.fetch(f"http://courier.test:{web.server.server_port}/news/library")
    assert result.status == 200
    assert web.hits_for("/news/library")[0].headers["host"].startswith("courier.test:")
    assert set(lookups) == {"courier.test"}  # never the system resolver: courier.test does not exist


def test_redirect_to_a_private_address_is_refused(web: LocalWeb) -> None:
    web.add("/go-metadata", 302, Location="http://169.254.169.254/latest/meta-data/")
    web.add("/go-v6", 301, Location=f"http://[::1]:{web.server.server_port}/news/library")
    web.add("/go-lan", 307, Location="http://lan.test/")
    web.page("/news/library", "library.html")
    with _fetcher(allow_hosts=LOCAL, resolver=lambda host, port: ["10.1.1.1"]) as fetcher:
        for path, reason in [("/go-metadata", "link-local"), ("/go-v6", "loopback"), ("/go-lan", "private")]:
            with pytest.raises(BlockedAddress, match=reason) as caught:
                fetcher.fetch(web.url(path))
            assert caught.value.input_name == web.url(path)
    assert "/news/library" not in web.paths()


# --------------------------------------------------------------------------- redirects, limits, types


def test_redirects_are_followed_up_to_five(web: LocalWeb) -> None:
    web.add("/a", 301, Location="/b")
    web.add("/b", 302, Location=web.url("/news/library"))
    web.page("/news/library", "library.html")
    for i in range(7):
        web.add(f"/loop{i}", 302, Location=f"/loop{i + 1}")
    with _fetcher(allow_hosts=LOCAL) as fetcher:
        result = fetcher.fetch(web.url("/a"))
        assert result.final_url == web.url("/news/library") and result.url == web.url("/a")
        with pytest.raises(FetchError, match="more than 5 redirects"):
            fetcher.fetch(web.url("/loop0"))
    assert "/loop5" in web.paths() and "/loop6" not in web.paths()


def test_only_html_is_accepted_and_size_is_capped(web: LocalWeb) -> None:
    web.add("/logo.png", 200, b"\x89PNG....", Content_Type="image/png")
    web.add("/big", 200, "<p>" + "x" * 5000 + "</p>", Content_Type="text/html")
    with _fetcher(allow_hosts=LOCAL, max_bytes=1000) as fetcher:
        with pytest.raises(UnsupportedContent, match="image/png"):
            fetcher.fetch(web.url("/logo.png"))
        with pytest.raises(ResponseTooLarge, match="1,000-byte cap"):
            fetcher.fetch(web.url("/big"))


def test_http_errors_name_the_url(web: LocalWeb) -> None:
    with _fetcher(allow_hosts=LOCAL) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(web.url("/missing"))
    assert caught.value.status == 404 and not caught.value.transient
    assert str(caught.value).startswith(web.url("/missing") + ": HTTP 404")


# --------------------------------------------------------------------------- retries


def test_503_and_429_are_retried_with_retry_after(web: LocalWeb) -> None:
    replies = iter([(503, {"Retry-After": "0"}, b""), (429, {"Retry-After": "0"}, b"")])

    def flaky(hit):
        return next(replies, (200, {"Content-Type": "text/html"}, b"<p>finally</p>"))

    web.routes["/flaky"] = flaky
    with _fetcher(allow_hosts=LOCAL) as fetcher:
        assert fetcher.fetch(web.url("/flaky")).content == b"<p>finally</p>"
    assert len(web.hits_for("/flaky")) == 3


def test_retries_give_up_and_say_so(web: LocalWeb) -> None:
    web.add("/down", 500)
    web.add("/later", 503, Retry_After="3600")
    with _fetcher(allow_hosts=LOCAL, retries=2) as fetcher:
        with pytest.raises(FetchError, match="HTTP 500") as caught:
            fetcher.fetch(web.url("/down"))
        assert caught.value.transient
        with pytest.raises(FetchError, match="retry after 3600 s, over the 120 s cap"):
            fetcher.fetch(web.url("/later"))
    assert len(web.hits_for("/down")) == 3
    assert len(web.hits_for("/later")) == 1


def _closed_port() -> int:
    """A local port with nothing listening on it."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_errors_are_retried_then_reported() -> None:
    port = _closed_port()
    fetcher = _fetcher(allow_hosts=LOCAL, retries=1, respect_robots=False)
    with fetcher, pytest.raises(FetchError, match=r"ConnectError.*after 2 attempts") as caught:
        fetcher.fetch(f"http://127.0.0.1:{port}/")
    assert caught.value.transient


# --------------------------------------------------------------------------- robots.txt, politeness


def test_robots_txt_is_fetched_once_and_obeyed(web: LocalWeb) -> None:
    web.page("/robots.txt", "robots.txt", content_type="text/plain")
    web.page("/news/library", "library.html")
    web.page("/private/memo", "water.html")
    with _fetcher(allow_hosts=LOCAL) as fetcher:
        assert fetcher.fetch(web.url("/news/library")).status == 200
        with pytest.raises(RobotsDisallowed, match="robots.txt of 127.0.0.1 disallows /private/memo"):
            fetcher.fetch(web.url("/private/memo"))
        assert fetcher.fetch(web.url("/news/library")).status == 200
    assert web.paths() == ["/robots.txt", "/news/library", "/news/library"]
    assert web.hits_for("/robots.txt")[0].headers["user-agent"] == USER_AGENT


def test_unreachable_robots_txt_disallows_and_missing_allows(web: LocalWeb) -> None:
    web.add("/robots.txt", 503)
    web.page("/news/library", "library.html")
    with _fetcher(allow_hosts=LOCAL, retries=0) as fetcher, pytest.raises(RobotsDisallowed):
        fetcher.fetch(web.url("/news/library"))
    del web.routes["/robots.txt"]  # now a 404: everything allowed
    with _fetcher(allow_hosts=LOCAL) as fetcher:
        assert fetcher.fetch(web.url("/news/library")).status == 200


def test_one_request_at_a_time_per_host_with_a_delay(web: LocalWeb) -> None:
    import time

    def slow(hit):
        time.sleep(0.05)
        return 200, {"Content-Type": "text/html"}, b"<p>slow</p>"

    for i in range(4):
        web.routes[f"/slow{i}"] = slow
    with _fetcher(allow_hosts=LOCAL, delay=0.1) as fetcher:
        threads = [threading.Thread(target=fetcher.fetch, args=(web.url(f"/slow{i}"),)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert web.max_active == 1
    hits = sorted(web.hits, key=lambda hit: hit.started)
    assert len(hits) == 5  # robots.txt and four pages
    gaps = [later.started - earlier.ended for earlier, later in zip(hits, hits[1:], strict=False)]
    assert min(gaps) >= 0.09


# --------------------------------------------------------------------------- decoding, `ingest URL`


def test_decode_html_prefers_the_header_then_utf8_then_meta() -> None:
    assert decode_html("café".encode("latin-1"), "iso-8859-1") == "café"
    assert decode_html("café".encode()) == "café"
    page = '<meta charset="windows-1252"><p>caf\xe9</p>'.encode("cp1252")
    assert "café" in decode_html(page)


@pytest.mark.usefixtures("fake_analysis")
def test_ingest_a_url_through_the_cli(web: LocalWeb, tmp_path: Path) -> None:
    web.page("/news/library", "library.html")
    db = tmp_path / "news.db"
    runner = CliRunner()
    refused = runner.invoke(app, ["ingest", web.url("/news/library"), "--db", str(db)])
    assert refused.exit_code == 1
    assert "refused: 127.0.0.1 is a loopback address" in refused.stderr
    assert web.hits == []

    url = web.url("/news/library")
    result = runner.invoke(app, ["ingest", url, "--db", str(db), "--allow-host", "127.0.0.1"])
    assert result.exit_code == 0, result.stderr
    assert "ingested 1, already stored 0, skipped 0" in result.stderr
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url, outlet, title, published FROM articles").fetchall()
    assert rows == [
        (url, "The Valley Courier", "Riverside library reopens after flood repairs", "2025-02-03")
    ]

    again = runner.invoke(
        app, ["ingest", url, web.url("/missing"), "--db", str(db), "--allow-host", "127.0.0.1"]
    )
    assert again.exit_code == 3
    assert "ingested 0, already stored 1, skipped 1" in again.stderr
    assert f"skipped {web.url('/missing')}: HTTP 404" in again.stderr


# --------------------------------------------------------------------------- SSRF address forms (issue 20)

# Each names the local test server (127.0.0.1) or the metadata address in another spelling. The fetcher
# uses the system resolver here (numeric forms need no DNS), with no allow list: all must be refused
# before any connection, directly and as the target of a redirect.
SSRF_FORMS = [
    "http://2130706433:{port}/secret",  # decimal
    "http://0177.0.0.1:{port}/secret",  # octal
    "http://017700000001:{port}/secret",  # octal, one number
    "http://0x7f.0.0.1:{port}/secret",  # hex
    "http://0x7f000001:{port}/secret",  # hex, one number
    "http://127.1:{port}/secret",  # short form
    "http://[::ffff:127.0.0.1]:{port}/secret",  # IPv4-mapped IPv6
    "http://[::ffff:7f00:1]:{port}/secret",
    "http://[::1]:{port}/secret",
    "http://user@127.0.0.1:{port}/secret",  # userinfo before the host
    "http://user:pw@localhost:{port}/secret",
    "http://127.0.0.1.:{port}/secret",  # trailing dot
    "http://LOCALHOST:{port}/secret",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://0xa9fea9fe/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/latest/meta-data/",
    "http://0.0.0.0:{port}/secret",
    "http://0:{port}/secret",
]


def _refused(error: FetchError) -> bool:
    """Refused by the guard, or not even a URL to httpx (octal forms), or a name that does not resolve."""
    reasons = ("cannot resolve", "not a valid URL", "Invalid URL in location header")
    return isinstance(error, BlockedAddress) or any(reason in error.message for reason in reasons)


@pytest.mark.parametrize("form", SSRF_FORMS)
def test_ssrf_address_forms_are_refused(web: LocalWeb, form: str) -> None:
    web.page("/secret", "library.html")
    url = form.format(port=web.server.server_port)
    with _fetcher(retries=0) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    assert _refused(caught.value), caught.value
    assert web.hits == []


@pytest.mark.parametrize("form", SSRF_FORMS)
def test_ssrf_address_forms_are_refused_after_a_redirect(web: LocalWeb, form: str) -> None:
    """A public-looking host (resolved to the local server only for this test) redirects to each form."""
    web.page("/secret", "library.html")
    web.page("/robots.txt", "robots.txt", content_type="text/plain")
    web.add("/go", 302, Location=form.format(port=web.server.server_port))
    resolver = {"news.test": ["127.0.0.1"]}

    def resolve(host: str, port: int) -> list[str]:
        import socket

        if host in resolver:
            return resolver[host]
        return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})

    fetcher = _fetcher(retries=0, allow_hosts=["news.test"], resolver=resolve)
    with fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(f"http://news.test:{web.server.server_port}/go")
    assert _refused(caught.value), caught.value
    assert "/secret" not in web.paths()
