"""The SSRF guard: fetch only from public addresses, checked where the socket is opened.

:func:`blocked_reason` refuses private, loopback, link-local, multicast, reserved, unspecified and
other non-global addresses, IPv4 and IPv6, including IPv4 addresses embedded in IPv4-mapped
(``::ffff:a.b.c.d``), 6to4, Teredo and NAT64 (``64:ff9b::/96``) IPv6 addresses. An
:class:`AllowList` (``--allow-host``, ``$CORROBORATE_ALLOW_HOSTS``) names exceptions: host names
(exact, case-insensitive), addresses, or networks (``10.0.0.0/8``).

How it is wired into httpx: :class:`GuardedTransport` is an ``httpx.HTTPTransport`` whose httpcore
connection pool uses :class:`GuardedBackend` as its network backend. When httpcore opens a
connection, the backend resolves the host once (``socket.getaddrinfo``), checks *every* address it
got (one bad address refuses the host) and opens the TCP socket to one of those checked addresses
itself. Nothing resolves the name a second time, so DNS rebinding between the check and the
connection has nothing to exploit, and pooled keep-alive connections only ever lead to checked
addresses. TLS still verifies the certificate against the host name (SNI is the host name).
The client must not use proxies (``trust_env=False``): a proxy would resolve names for us.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpcore
import httpx

from corroborate.errors import IngestError

ENV_ALLOW_HOSTS = "CORROBORATE_ALLOW_HOSTS"
CONNECT_ADDRESSES = 3  # a host's checked addresses tried in turn; more only slows a dead host's failure
MAX_CONNECTIONS = 20  # one client's connection pool, shared by the threads fetching through it
KEEPALIVE_EXPIRY_S = 5.0  # an idle pooled connection is closed after this many seconds
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]


# --------------------------------------------------------------------------- errors


class FetchError(IngestError):
    """A URL could not be fetched; ``transient`` errors (network, 429, 5xx) may work later."""

    code = "E110"

    def __init__(
        self,
        message: str,
        *,
        input_name: str | None = None,
        transient: bool = False,
        status: int | None = None,
    ) -> None:
        super().__init__(message, input_name=input_name)
        self.transient = transient
        self.status = status


class BlockedAddress(FetchError):
    """The SSRF guard refused a URL: its host is (or resolves to) a non-public address."""

    code = "E111"


# --------------------------------------------------------------------------- the SSRF guard


def blocked_reason(ip: Address) -> str | None:
    """Why ``ip`` may not be fetched from (e.g. ``"loopback address"``), or None if it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d reaches a.b.c.d
            return blocked_reason(ip.ipv4_mapped)
        embedded = [ip.sixtofour, ip.teredo[1] if ip.teredo else None]
        if ip in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        for inner in embedded:
            reason = blocked_reason(inner) if inner is not None else None
            if reason:
                return f"{reason} inside {ip}"
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    )
    for name, hit in checks:
        if hit:
            return f"{name} address"
    return None


def _ip_literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class AllowList:
    """Exceptions to the guard: host names (exact, case-insensitive), addresses and networks."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        """From comma-separated entries: ``news.internal``, ``127.0.0.1``, ``::1``, ``10.0.0.0/8``."""
        hosts: set[str] = set()
        networks: list[Network] = []
        for raw in entries:
            for part in raw.split(","):
                entry = part.strip().lower().rstrip(".").strip("[]")
                if not entry:
                    continue
                try:
                    networks.append(ipaddress.ip_network(entry, strict=False))
                except ValueError:
                    hosts.add(entry)
        return cls(frozenset(hosts), tuple(networks))

    @classmethod
    def from_env(cls, extra: Iterable[str] = ()) -> AllowList:
        """``$CORROBORATE_ALLOW_HOSTS`` plus ``extra`` (the ``--allow-host`` values)."""
        return cls.parse([os.environ.get(ENV_ALLOW_HOSTS, ""), *extra])

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def allows_ip(self, ip: Address) -> bool:
        forms = [ip, ip.ipv4_mapped] if isinstance(ip, ipaddress.IPv6Address) else [ip]
        return any(form is not None and form in net for form in forms for net in self.networks)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (``socket.getaddrinfo``), in the resolver's order."""
    found: list[str] = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = str(sockaddr[0])
        if address not in found:
            found.append(address)
    return found


class AddressGuard:
    """Resolves a host and refuses it unless every address it resolves to is public (or allowed)."""

    def __init__(self, allow: AllowList | None = None, resolver: Resolver | None = None) -> None:
        self.allow = allow or AllowList()
        self.resolver = resolver or system_resolver

    def check_ip(self, ip: Address, host: str) -> None:
        if self.allow.allows_host(host) or self.allow.allows_ip(ip):
            return
        reason = blocked_reason(ip)
        if reason:
            shown = "" if _ip_literal(host) == ip else f" resolves to {ip}, which"
            raise BlockedAddress(
                f"refused: {host}{shown} is a {reason} (add it with --allow-host or "
                f"{ENV_ALLOW_HOSTS} to fetch from it)",
                input_name=host,
            )

    def check_url(self, url: httpx.URL, origin: str) -> None:
        """Before any connection: an http(s) URL with a host; an address literal is checked now."""
        if url.scheme not in ("http", "https"):
            raise BlockedAddress(
                f"refused: only http and https URLs are fetched, not {url.scheme!r}", input_name=origin
            )
        if not url.host:
            raise FetchError("URL has no host", input_name=origin)
        literal = _ip_literal(url.host)
        if literal is not None:
            try:
                self.check_ip(literal, url.host)
            except BlockedAddress as exc:
                raise BlockedAddress(exc.message, input_name=origin) from None

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses to connect to: all of them checked, or BlockedAddress."""
        literal = _ip_literal(host)
        if literal is not None:
            addresses = [str(literal)]
        else:
            try:
                addresses = self.resolver(host, port)
            except (OSError, UnicodeError) as exc:
                raise FetchError(f"cannot resolve {host}: {exc}", input_name=host, transient=True) from exc
            if not addresses:
                raise FetchError(f"cannot resolve {host}: no addresses", input_name=host, transient=True)
        for address in addresses:
            self.check_ip(ipaddress.ip_address(address), host)
        return addresses


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to addresses the guard has just checked."""

    def __init__(self, guard: AddressGuard) -> None:
        self.guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable | None = None,
    ) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in self.guard.resolve(host, port)[:CONNECT_ADDRESSES]:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last


class GuardedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` whose connection pool opens sockets through :class:`GuardedBackend`.

    httpx has no public hook for the network backend, so the pool built by the parent class is
    replaced by one built the same way with our backend (no proxy, HTTP/1.1, certificates verified).
    """

    def __init__(self, guard: AddressGuard, *, max_connections: int = MAX_CONNECTIONS) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=KEEPALIVE_EXPIRY_S,
            network_backend=GuardedBackend(guard),
        )
