"""The one polite HTTP client every portal module goes through.

Government portals time out, throttle, drip bodies, lie about charsets and sizes, and sit
behind JavaScript challenges. Every request here is bounded (connect / read timeouts, a total
deadline per response, a size cap on the wire *and* after decompression, bounded retries), is
polite (robots.txt per RFC 9309, one request at a time per host with a delay, backoff on
429/503 honouring Retry-After, an identifying User-Agent) and stays on the portal's own hosts.

A fetch never raises for a bad server: it returns a :class:`FetchResult` whose ``failure``
carries a reason from :data:`FAILURE_REASONS`.
"""

from __future__ import annotations

import email.utils
import functools
import ipaddress
import logging
import os
import random
import socket
import threading
import time
import urllib.request
import zlib
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests
import urllib3

from xxgk import __version__

log = logging.getLogger(__name__)

T = TypeVar("T")

USER_AGENT = (
    f"xxgk/{__version__} (research crawler of government information-disclosure annual reports; "
    "+https://github.com/xxgk/xxgk)"
)

# The fixed failure taxonomy: every URL that does not land gets exactly one of these.
FAILURE_REASONS = {
    "timeout": "no response within the connect/read timeout",
    "deadline_exceeded": "the response took longer than the total deadline (slow-drip body)",
    "connect_error": "connection refused or DNS failure",
    "connection_reset": "connection reset or closed mid-response",
    "tls_error": "TLS handshake or certificate failure",
    "truncated": "body shorter than its Content-Length",
    "too_large": "body over the size cap (cut off while streaming)",
    "decompression_bomb": "decompressed body over the size cap",
    "bad_content_encoding": "gzip/deflate body that does not decompress",
    "not_found": "404 or 410",
    "http_error": "another 4xx status",
    "server_error": "5xx status after retries",
    "rate_limited": "429 after retries",
    "redirect_loop": "a redirect chain that revisits a URL",
    "too_many_redirects": "more redirects than allowed",
    "offsite": "URL or redirect outside the portal's own hosts",
    "private_address": "host resolves to an address that is not globally routable (private, loopback, "
                       "link-local, shared, multicast, reserved, or one of these embedded in IPv6)",
    "robots_disallowed": "robots.txt disallows the path (or robots.txt was unreachable)",
    "js_challenge": "a JavaScript anti-bot challenge page (needs a browser)",
    "unsupported_scheme": "not http(s)",
}

RETRYABLE = {"timeout", "connect_error", "connection_reset", "server_error", "rate_limited", "truncated"}


@dataclass
class ClientConfig:
    """How politely and how far one client fetches: timeouts and deadlines in seconds, sizes in bytes,
    retries and backoff, redirects, and the SSRF and robots.txt guards."""

    connect_timeout: float = 10.0
    read_timeout: float = 15.0
    # total time per response; a body arriving slower than min_rate after the grace period is a
    # slow drip and is cut off early (each chunk can beat the read timeout while the whole never ends)
    deadline: float = 120.0
    min_rate: float = 2048.0
    min_rate_grace: float = 10.0
    max_bytes: int = 50 * 1024 * 1024
    per_host_delay: float = 1.0
    max_retries: int = 3
    timeout_retries: int = 1  # a host that did not answer in read_timeout rarely answers the 3rd time
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    max_redirects: int = 5
    # a response slower than this makes us slower too: the host's delay grows to its latency
    slow_response: float = 5.0
    allow_private: bool = False
    obey_robots: bool = True
    user_agent: str = USER_AGENT


@dataclass
class FetchResult:
    """One URL's outcome: the final response, or the failure (a FAILURE_REASONS key) and why."""

    url: str
    final_url: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    failure: str | None = None
    failure_detail: str | None = None
    attempts: int = 0
    elapsed: float = 0.0
    time_to_headers: float = 0.0
    not_modified: bool = False

    @property
    def ok(self) -> bool:
        """Nothing failed and there is a body (empty for a redirect or a 304 Not Modified)."""
        return self.failure is None and self.body is not None

    @property
    def content_type(self) -> str | None:
        """The media type of the response, lower case, without parameters; None when not sent."""
        value = self.headers.get("content-type") or self.headers.get("Content-Type")
        return value.split(";")[0].strip().lower() if value else None


class FetchFailure(Exception):
    """A fetch that failed for one of FAILURE_REASONS; ``retry_after`` is the response's Retry-After in seconds, if any."""

    def __init__(self, reason: str, detail: str = "", status: int | None = None):
        assert reason in FAILURE_REASONS, reason
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.status = status
        self.retry_after: float | None = None


class _HostGate:
    """One request at a time per host, their starts at least ``delay`` seconds apart.

    Start-to-start spacing is the politeness rate itself (1/delay per host), as Scrapy's
    DOWNLOAD_DELAY measures it. The gate never sleeps: :meth:`reserve` says how long to wait,
    so a crawl waiting for its host's turn need not hold a thread (see scrapers.schedule).
    """

    # how soon to ask again while another request to the host is in flight
    BUSY_RECHECK = 0.01

    def __init__(self):
        self._lock = threading.Lock()
        self.extra_delay = 0.0
        self.next_allowed = 0.0
        self.busy = False

    def reserve(self, delay: float) -> float:
        """0.0 when the caller may send its request now (it must :meth:`release` after), else the seconds to wait.

        ``delay`` is the caller's own: the next request to the host, whoever sends it, waits that long.
        """
        with self._lock:
            now = time.monotonic()
            wait = self.next_allowed - now
            if self.busy:
                return max(wait, self.BUSY_RECHECK)
            if wait > 0:
                return wait
            self.busy = True
            self.next_allowed = now + delay + self.extra_delay
            return 0.0

    def release(self) -> None:
        with self._lock:
            self.busy = False

    def slow_down(self, seconds: float) -> None:
        """Every later request to this host waits at least ``seconds`` more (an overloaded host)."""
        with self._lock:
            self.extra_delay = max(self.extra_delay, seconds)

    def recover(self) -> None:
        with self._lock:
            self.extra_delay /= 2

    def hold_off(self, seconds: float) -> None:
        """No request to this host for ``seconds`` (a retry's backoff holds back every request to it)."""
        with self._lock:
            self.next_allowed = max(self.next_allowed, time.monotonic() + seconds)


class HostGates:
    """The gate of every host, shared by all clients of one process so that two portals on one
    host are polite to it together."""

    def __init__(self):
        self._lock = threading.Lock()
        self._gates: dict[str, _HostGate] = {}

    def get(self, netloc: str) -> _HostGate:
        """The gate of ``netloc``, made on first use."""
        with self._lock:
            gate = self._gates.get(netloc)
            if gate is None:
                gate = self._gates[netloc] = _HostGate()
            return gate


# A fetch is written as a generator of waits: it yields the seconds to wait before its host's
# next turn and returns its FetchResult. ``drive`` sleeps through the waits in the calling thread;
# scrapers.schedule parks the waiting generator in a heap instead.
Steps = Generator[float, None, "FetchResult"]


def drive(steps: Generator[float, None, T]) -> T:
    """Run a generator of waits to its end in this thread, sleeping through each wait."""
    try:
        wait = next(steps)
        while True:
            time.sleep(wait)
            wait = next(steps)
    except StopIteration as stop:
        return stop.value


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())



def pinned_adapter(pins: dict[str, str]) -> requests.adapters.HTTPAdapter:
    """A transport adapter whose connections go to ``pins[host]`` when the host is pinned, while
    the Host header, SNI and certificate checks keep the name (only the socket's address changes).
    Through a proxy the proxy resolves names, and nothing is pinned."""
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class Pinned:
        def _new_conn(self):
            address = pins.get(self._dns_host.rstrip(".").lower())
            if address is None:
                return super()._new_conn()
            named, self._dns_host = self._dns_host, address
            try:
                return super()._new_conn()
            finally:
                self._dns_host = named

    class PinnedHTTPConnection(Pinned, HTTPConnection):
        pass

    class PinnedHTTPSConnection(Pinned, HTTPSConnection):
        pass

    class PinnedHTTPPool(HTTPConnectionPool):
        ConnectionCls = PinnedHTTPConnection

    class PinnedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = PinnedHTTPSConnection

    class PinnedAdapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": PinnedHTTPPool, "https": PinnedHTTPSPool}

    return PinnedAdapter()


# --- the SSRF guard's address rules ------------------------------------------------------------

# IPv6 forms that carry an IPv4 address the connection may end up at (RFC 6052 NAT64, the
# local-use NAT64 prefix of RFC 8215); 6to4, Teredo and IPv4-mapped have ipaddress properties
NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for: IPv4-mapped, 6to4, Teredo (server and
    client) and NAT64."""
    found = [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
    if address.teredo:
        found.extend(address.teredo)
    if any(address in prefix for prefix in NAT64_PREFIXES):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def unroutable_reason(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why a crawler must not connect to ``address``, or None for a globally routable one.
    ``is_global`` leaves out shared address space (100.64.0.0/10) and private ranges, but counts
    multicast as global and knows nothing of IPv4 embedded in IPv6, so both are checked too."""
    if address.is_multicast:
        return "multicast"
    if not address.is_global:
        return "not globally routable"
    if isinstance(address, ipaddress.IPv6Address):
        for inner in embedded_ipv4(address):
            reason = unroutable_reason(inner)
            if reason:
                return f"embeds {inner}: {reason}"
    return None


DEFAULT_PORTS = {"http": 80, "https": 443}


def url_port(parts) -> int:
    """The port a split URL connects to (its scheme's default when none is written)."""
    return parts.port or DEFAULT_PORTS.get(parts.scheme, 80)


def parse_endpoint(text: str) -> tuple[str, int]:
    """``host:port``, ``[v6]:port`` or a URL → (lowercase host, port). A port is required: an
    entry that named a host alone would open every service on it."""
    parts = urlsplit(text if "//" in text else f"//{text}")
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"not a host:port endpoint: {text!r}") from exc
    if port is None and parts.scheme in DEFAULT_PORTS:
        port = DEFAULT_PORTS[parts.scheme]
    if not host or port is None:
        raise ValueError(f"an allowed endpoint needs a host and a port (e.g. 127.0.0.1:8080): {text!r}")
    return host, port


def parse_network_endpoint(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, int]:
    """``CIDR:port`` (``127.0.0.0/8:8080``, ``[::1]:8080``, ``10.0.0.5:80``) → (network, port)."""
    network, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not network:
        raise ValueError(f"an allowed network needs a port (e.g. 127.0.0.0/8:8080): {text!r}")
    network = network.removeprefix("[").replace("]", "")
    try:
        return ipaddress.ip_network(network, strict=False), int(port)
    except ValueError as exc:
        raise ValueError(f"not a network:port entry: {text!r} ({exc})") from exc


def is_js_challenge(status: int | None, headers: dict[str, str], body: bytes, url: str) -> bool:
    """瑞数-style anti-bot pages: 412/521 (sometimes 202) with a script that sets a cookie and reloads."""
    if "wzwschallenge" in url or "wzwsrs" in url:
        return True
    cookies = " ".join(v for k, v in headers.items() if k.lower() == "set-cookie").lower()
    if any(name in cookies for name in ("wzws_cid", "80s=", "80t=", "__jsl_clearance", "acw_sc__v2")):
        return True
    if status in (412, 521) or (status == 202 and len(body) < 20000):
        head = body[:20000].lower()
        return b"<script" in head and (b"cookie" in head or b"eval(" in head or b"reload" in head)
    return False


class PoliteClient:
    """Fetch URLs for one crawl. Thread-safe; many hosts in parallel, one request per host."""

    def __init__(self, config: ClientConfig | None = None, allowed_networks: list[str] | None = None,
                 gates: HostGates | None = None):
        self.config = config or ClientConfig()
        self.session = requests.Session()
        # the address the SSRF guard checked is the one connected to (DNS rebinding): host → address
        self.pinned_addresses: dict[str, str] = {}
        adapter = pinned_adapter(self.pinned_addresses)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"User-Agent": self.config.user_agent, "Accept-Encoding": "gzip, deflate"})
        # requests re-reads the proxy environment on every request (a sixth of a request's CPU);
        # read it once, and keep requests' per-URL NO_PROXY handling only where proxies are set.
        # Session.send (see _request) does not read the CA bundle variables, so they are read here.
        if not _proxies_configured():
            self.session.trust_env = False
        self.session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        self._gates = gates or HostGates()
        self._robots: dict[str, RobotFileParser | bool] = {}
        self._lock = threading.Lock()
        self.allowed_networks = [parse_network_endpoint(n) for n in (allowed_networks or [])]
        self.trusted_endpoints: set[tuple[str, int]] = set()
        self.requests_made: list[str] = []
        # told of every robots.txt response, so the crawler can land it (evidence of what the
        # portal allowed, and a cache for tomorrow's run)
        self.on_robots: Callable[[FetchResult], None] | None = None

    def close(self) -> None:
        """Close the session's connections."""
        self.session.close()

    # --- guards -----------------------------------------------------------------------------

    def _gate(self, netloc: str) -> _HostGate:
        return self._gates.get(netloc)

    def trust_hosts(self, endpoints) -> None:
        """Endpoints (``host:port``) a person named explicitly (``xxgk crawl URL``) may resolve to a
        private address: that port only, never the host's others."""
        self.trusted_endpoints.update(parse_endpoint(e) for e in endpoints)

    def check_address(self, host: str, port: int) -> None:
        """SSRF guard: refuse a host that resolves to an address that is not globally routable
        (see :func:`unroutable_reason`), unless the endpoint is trusted or allow-listed."""
        if self.config.allow_private or (host.lower(), port) in self.trusted_endpoints:
            return
        # a host is looked up once per client (one portal's crawl): the connection then goes to
        # that checked address, so a second lookup cannot answer otherwise (DNS rebinding)
        pinned = self.pinned_addresses.get(host.lower())
        if pinned is None:
            try:
                infos = socket.getaddrinfo(host, port)
            except socket.gaierror as exc:
                raise FetchFailure("connect_error", f"DNS lookup failed for {host}: {exc}") from exc
            addresses = [info[4][0].split("%", 1)[0] for info in infos]
        else:
            addresses = [pinned]
        for text in addresses:
            address = ipaddress.ip_address(text)
            if any(address in net and port == net_port for net, net_port in self.allowed_networks):
                continue
            reason = unroutable_reason(address)
            if reason:
                raise FetchFailure("private_address", f"{host}:{port} resolves to {address} ({reason})")
        if pinned is None:
            with self._lock:
                self.pinned_addresses.setdefault(host.lower(), addresses[0])

    def _robots_allows(self, url: str) -> Generator[float, None, bool]:
        """RFC 9309: a 4xx robots.txt allows everything; 5xx or unreachable disallows for now."""
        if not self.config.obey_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            cached = self._robots.get(origin)
        if cached is None:
            cached = yield from self._load_robots(origin)
            with self._lock:
                self._robots[origin] = cached
        if isinstance(cached, bool):
            return cached
        return cached.can_fetch(self.config.user_agent, url)

    def preload_robots(self, origin: str, body: bytes) -> None:
        """Use a robots.txt fetched recently (RFC 9309 lets a crawler cache it up to 24 hours)."""
        with self._lock:
            self._robots[origin] = _robots_parser(body)

    def _load_robots(self, origin: str) -> Generator[float, None, RobotFileParser | bool]:
        result = yield from self._fetch_once(origin + "/robots.txt", max_bytes=512 * 1024, etag=None, last_modified=None)
        result.final_url = result.final_url or result.url
        if self.on_robots is not None:
            self.on_robots(result)
        if result.failure in ("not_found", "http_error"):
            return True
        if result.failure or result.status is None or result.status >= 500:
            log.warning("robots.txt of %s unavailable (%s): disallowing for now", origin, result.failure)
            return False
        if result.status in (301, 302, 303, 307, 308):
            # RFC 9309 asks to follow up to five redirects; we do not, and read a redirect as
            # "no robots.txt here" (a 3xx is not an error, and the pages stay on the portal's hosts)
            return True
        return _robots_parser(result.body)

    # --- fetching ---------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        allowed_hosts: frozenset[str] | set[str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """Fetch ``url`` with retries, following redirects only within ``allowed_hosts``."""
        return drive(self.fetch_steps(url, allowed_hosts=allowed_hosts, etag=etag, last_modified=last_modified))

    def fetch_steps(
        self,
        url: str,
        *,
        allowed_hosts: frozenset[str] | set[str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Steps:
        """:meth:`fetch` as a generator of waits (see :func:`drive`)."""
        start = time.monotonic()
        result = FetchResult(url=url)
        attempt = 0
        while True:
            attempt += 1
            try:
                result = yield from self._fetch_following(url, allowed_hosts, etag, last_modified)
                result.attempts = attempt
                result.elapsed = time.monotonic() - start
                self._adapt_delay(url, result.time_to_headers)
                return result
            except FetchFailure as failure:
                result = FetchResult(
                    url=url, status=failure.status, failure=failure.reason, failure_detail=failure.detail
                )
                result.attempts = attempt
                limit = self.config.timeout_retries if failure.reason == "timeout" else self.config.max_retries
                if failure.reason not in RETRYABLE or attempt > limit:
                    result.elapsed = time.monotonic() - start
                    return result
                self._backoff(url, attempt, failure)

    def _adapt_delay(self, url: str, latency: float) -> None:
        """Grow a slow host's delay to its latency; let it shrink back by halves once it recovers.

        Latency is the time to the response headers: a slow body (a big PDF, a slow drip) is
        about one URL, a slow answer is about the host.
        """
        gate = self._gate(urlsplit(url).netloc.lower())
        if latency > self.config.slow_response:
            gate.slow_down(min(self.config.backoff_max, latency))
        else:
            gate.recover()

    def _backoff(self, url: str, attempt: int, failure: FetchFailure) -> None:
        """Wait before a retry: exponential with jitter, at least Retry-After.

        The wait is booked on the host's gate, so it also holds back our other requests to that
        host. Only overload signals (429, 503, timeouts) slow the host down for the rest of the
        crawl; a 500 on one broken page says nothing about the others.
        """
        delay = min(self.config.backoff_max, self.config.backoff_base * 2 ** (attempt - 1))
        delay *= 0.5 + random.random()  # jitter: many nightly crawlers must not retry in lockstep
        if failure.retry_after is not None:
            delay = min(self.config.backoff_max, max(delay, failure.retry_after))
        gate = self._gate(urlsplit(url).netloc.lower())
        if failure.reason in ("rate_limited", "timeout") or failure.status == 503:
            gate.slow_down(delay)
        log.info("retrying %s in %.1fs after %s (attempt %d)", url, delay, failure.reason, attempt)
        gate.hold_off(delay)

    def _fetch_following(self, url, allowed_hosts, etag, last_modified) -> Steps:
        seen = {url}
        current = url
        for _ in range(self.config.max_redirects + 1):
            yield from self._check_url(current, allowed_hosts)
            result = yield from self._fetch_once(current, max_bytes=self.config.max_bytes, etag=etag, last_modified=last_modified)
            if result.failure:
                exc = FetchFailure(result.failure, result.failure_detail or "", result.status)
                exc.retry_after = parse_retry_after(result.headers.get("retry-after"))
                raise exc
            if result.status in (301, 302, 303, 307, 308):
                location = result.headers.get("location")
                if not location:
                    raise FetchFailure("http_error", f"redirect without Location from {current}", result.status)
                target = urljoin(current, location)
                if target in seen:
                    raise FetchFailure("redirect_loop", f"{current} -> {target}", result.status)
                seen.add(target)
                current = target
                continue
            result.url = url
            result.final_url = current
            return result
        raise FetchFailure("too_many_redirects", f"more than {self.config.max_redirects} from {url}")

    def _check_url(self, url: str, allowed_hosts) -> Generator[float, None, None]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchFailure("unsupported_scheme", url)
        netloc = parts.netloc.lower()
        if allowed_hosts is not None and netloc not in allowed_hosts:
            raise FetchFailure("offsite", f"{netloc} is not one of {sorted(allowed_hosts)}")
        self.check_address(parts.hostname or "", url_port(parts))
        if not (yield from self._robots_allows(url)):
            raise FetchFailure("robots_disallowed", url)

    def _fetch_once(self, url: str, *, max_bytes: int, etag, last_modified) -> Steps:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        gate = self._gate(urlsplit(url).netloc.lower())
        while (wait := gate.reserve(self.config.per_host_delay)) > 0:
            yield wait
        try:
            with self._lock:
                self.requests_made.append(url)
            return self._request(url, headers, max_bytes)
        finally:
            gate.release()

    def _request(self, url: str, headers: dict, max_bytes: int) -> FetchResult:
        cfg = self.config
        started = time.monotonic()
        # prepared here and handed to Session.send: Session.request merges session settings through
        # requests' runtime Protocol checks, a sixth of a request's CPU on Python 3.11, for settings
        # we do not use (auth, params, hooks); headers and cookies are merged the same way here
        prepared = requests.PreparedRequest()
        prepared.prepare(method="GET", url=url, headers={**self.session.headers, **headers},
                         cookies=self.session.cookies, hooks=requests.hooks.default_hooks())
        try:
            response = self.session.send(
                prepared,
                stream=True,
                allow_redirects=False,
                timeout=(cfg.connect_timeout, cfg.read_timeout),
            )
        except requests.exceptions.SSLError as exc:
            return FetchResult(url=url, failure="tls_error", failure_detail=str(exc)[:500])
        except requests.exceptions.ConnectTimeout as exc:
            return FetchResult(url=url, failure="timeout", failure_detail=f"connect: {exc}"[:500])
        except requests.exceptions.ReadTimeout as exc:
            return FetchResult(url=url, failure="timeout", failure_detail=f"read: {exc}"[:500])
        except requests.exceptions.ConnectionError as exc:
            reason = "connection_reset" if _is_reset(exc) else "connect_error"
            return FetchResult(url=url, failure=reason, failure_detail=str(exc)[:500])
        with response:
            result = FetchResult(
                url=url,
                final_url=url,
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                time_to_headers=time.monotonic() - started,
            )
            if response.status_code in (301, 302, 303, 307, 308, 304):
                result.not_modified = response.status_code == 304
                result.body = b""
                return result
            try:
                body = _read_bounded(response, max_bytes, started, cfg)
            except FetchFailure as failure:
                result.failure, result.failure_detail = failure.reason, failure.detail
                return result
            result.fetched_at = datetime.now(UTC)
            if is_js_challenge(response.status_code, result.headers, body, url):
                result.failure, result.failure_detail = "js_challenge", f"status {response.status_code}"
                result.body = body
                return result
            status = response.status_code
            if status in (404, 410):
                result.failure, result.failure_detail = "not_found", f"status {status}"
            elif status == 429:
                result.failure, result.failure_detail = "rate_limited", "status 429"
            elif status >= 500:
                result.failure, result.failure_detail = "server_error", f"status {status}"
            elif status >= 400:
                result.failure, result.failure_detail = "http_error", f"status {status}"
            else:
                result.body = body
            return result


@functools.cache
def _proxies_configured() -> bool:
    """Whether the environment names a proxy; read once per process (each portal has a client)."""
    return bool(urllib.request.getproxies())


def _robots_parser(body: bytes) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(body.decode("utf-8", errors="replace").splitlines())
    return parser


def _is_reset(exc: BaseException) -> bool:
    text = repr(exc).lower()
    return any(s in text for s in ("reset", "remotedisconnected", "aborted", "broken pipe", "protocolerror"))


def _read_bounded(response: requests.Response, max_bytes: int, started: float, cfg: ClientConfig) -> bytes:
    """Stream the body, undoing content-encoding ourselves so both wire and decoded size are capped."""
    deadline = started + cfg.deadline
    encoding = (response.headers.get("content-encoding") or "").strip().lower()
    decoder = _content_decoder(encoding)
    declared = response.headers.get("content-length")
    raw = response.raw
    # the drip rate counts from the headers: time spent queued or connecting is not the body's
    body_started = time.monotonic()
    wire = 0
    chunks: list[bytes] = []
    decoded_size = 0
    while True:
        _check_pace(wire, deadline, body_started, cfg)
        chunk = _read_chunk(raw)
        if not chunk:
            break
        wire += len(chunk)
        if wire > max_bytes:
            raise FetchFailure("too_large", f"more than {max_bytes} bytes on the wire")
        if decoder is None:
            chunks.append(chunk)
            decoded_size += len(chunk)
        else:
            decoded_size = _inflate(decoder, chunk, chunks, decoded_size, max_bytes, encoding)
    if declared and declared.isdigit() and wire < int(declared):
        raise FetchFailure("truncated", f"{wire} of {declared} bytes")
    return b"".join(chunks)


def _content_decoder(encoding: str):
    """A decompressor for a gzip or deflate body; None for an identity (or unknown) encoding, kept as sent."""
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return _DeflateDecoder()
    return None


def _check_pace(wire: int, deadline: float, body_started: float, cfg: ClientConfig) -> None:
    """Raise deadline_exceeded past the response's deadline, or when after the grace period the
    body has come slower than ``cfg.min_rate`` bytes a second (a slow drip)."""
    now = time.monotonic()
    if now > deadline:
        raise FetchFailure("deadline_exceeded", f"after {wire} bytes")
    elapsed = now - body_started
    if elapsed > cfg.min_rate_grace and wire / elapsed < cfg.min_rate:
        raise FetchFailure("deadline_exceeded", f"slow drip: {wire} bytes in {elapsed:.0f}s")


def _read_chunk(raw) -> bytes:
    """The next bytes that have arrived (b"" at the end), transport errors as FetchFailures."""
    try:
        # read1 returns what has arrived; read(n) would block until n bytes, hiding a slow drip
        return raw.read1(64 * 1024, decode_content=False)
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.IncompleteRead) as exc:
        reason = "truncated" if "IncompleteRead" in repr(exc) else "connection_reset"
        raise FetchFailure(reason, str(exc)[:300]) from exc
    except (TimeoutError, urllib3.exceptions.ReadTimeoutError) as exc:
        raise FetchFailure("timeout", f"read: {exc}"[:300]) from exc
    except (ConnectionError, OSError) as exc:
        raise FetchFailure("connection_reset", str(exc)[:300]) from exc


def _inflate(decoder, chunk: bytes, chunks: list[bytes], decoded_size: int, max_bytes: int, encoding: str) -> int:
    """Decompress one wire chunk onto ``chunks``; returns the decoded size so far."""
    try:
        # max_length bounds each step's output: a gzip bomb never inflates past the cap in memory
        data = decoder.decompress(chunk, max_bytes + 1 - decoded_size)
        while data:
            decoded_size += len(data)
            chunks.append(data)
            if decoded_size > max_bytes:
                raise FetchFailure("decompression_bomb", f"{encoding} body over {max_bytes} bytes")
            if not decoder.unconsumed_tail:
                break
            data = decoder.decompress(decoder.unconsumed_tail, max_bytes + 1 - decoded_size)
    except zlib.error as exc:
        raise FetchFailure("bad_content_encoding", str(exc)) from exc
    return decoded_size


class _DeflateDecoder:
    """'deflate' is zlib-wrapped by the spec but raw deflate on some servers; accept both."""

    def __init__(self):
        self._obj = zlib.decompressobj()
        self._first = True

    @property
    def unconsumed_tail(self) -> bytes:
        return self._obj.unconsumed_tail

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._first:
            self._first = False
            try:
                return self._obj.decompress(data, max_length)
            except zlib.error:
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._obj.decompress(data, max_length)
