"""The polite client against a local server that misbehaves like real portals."""

import ipaddress
import json

import pytest

from scrapers.http import (
    ClientConfig,
    FetchFailure,
    PoliteClient,
    is_js_challenge,
    parse_network_endpoint,
    unroutable_reason,
)
from tests.hostile_server import GBK_PAGE, hostile_server
from xxgk.encoding import decode_html


@pytest.fixture(scope="module")
def server():
    with hostile_server() as (base, state):
        yield base, state


def make_client(**overrides) -> PoliteClient:
    config = ClientConfig(
        per_host_delay=0.0, backoff_base=0.01, backoff_max=1.5, read_timeout=0.5, deadline=2.0,
        max_bytes=1024 * 1024, max_retries=3, min_rate_grace=60.0,
        allow_private=True,  # the local test server; the SSRF guard has its own tests
    )
    for k, v in overrides.items():
        setattr(config, k, v)
    return PoliteClient(config)


def test_ok_page_lands_with_headers(server):
    base, _ = server
    result = make_client().fetch(base + "/ok.html")
    assert result.ok and result.status == 200
    assert result.body.decode() == "<html><body>你好</body></html>"
    assert result.content_type == "text/html"


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/slow-drip", "deadline_exceeded"),
        ("/500", "server_error"),
        ("/reset", "connection_reset"),
        ("/truncated", "truncated"),
        ("/loop-a", "redirect_loop"),
        ("/bomb", "decompression_bomb"),
        ("/big", "too_large"),
        ("/nowhere", "not_found"),
        ("/challenge", "js_challenge"),
        ("/private/secret.html", "robots_disallowed"),
        ("/hang", "timeout"),
    ],
)
def test_each_fault_is_a_failure_with_its_reason(server, path, reason):
    base, _ = server
    result = make_client(max_retries=1).fetch(base + path, allowed_hosts={base.split("//")[1]})
    assert not result.ok
    assert result.failure == reason, result.failure_detail


def test_offsite_redirect_is_refused_without_a_request(server):
    base, _ = server
    client = make_client()
    result = client.fetch(base + "/redirect-offsite", allowed_hosts={base.split("//")[1]})
    assert result.failure == "offsite"
    assert all("offsite.example.invalid" not in url for url in client.requests_made)


def test_retries_are_bounded_and_recover(server):
    base, state = server
    result = make_client().fetch(base + "/flaky")
    assert result.ok and result.attempts == 3
    assert state.hits["/flaky"] == 3
    state.hits.pop("/500", None)
    failed = make_client(max_retries=2).fetch(base + "/500")
    assert failed.failure == "server_error" and state.hits["/500"] == 3  # 1 try + 2 retries


def test_429_honours_retry_after(server):
    base, _ = server
    result = make_client().fetch(base + "/429")
    assert result.ok and result.attempts == 2
    assert result.elapsed >= 0.9  # Retry-After: 1 wins over the 0.01 s backoff


def test_gzip_and_raw_deflate_are_undone(server):
    base, _ = server
    client = make_client()
    assert client.fetch(base + "/gzip").body.decode() == "压缩的页面"
    assert client.fetch(base + "/deflate-raw").body.decode() == "原始deflate"


def test_gb2312_declared_page_decodes_as_gb18030(server):
    base, _ = server
    result = make_client().fetch(base + "/gbk.html")
    with pytest.raises(UnicodeDecodeError):
        result.body.decode("gb2312")  # 镕 is outside GB2312: trusting the label would fail
    assert decode_html(result.body, result.headers.get("content-type")) == GBK_PAGE


def test_private_addresses_are_refused_unless_trusted(server):
    base, _ = server
    client = PoliteClient(ClientConfig(per_host_delay=0.0))
    result = client.fetch(base + "/ok.html")
    assert result.failure == "private_address"
    assert client.requests_made == []


@pytest.mark.parametrize("address", [
    "100.64.0.1",          # shared address space (carrier-grade NAT)
    "224.0.0.1", "ff02::1",  # multicast
    "2002:7f00:1::",       # 6to4 of 127.0.0.1
    "2002:a00:1::",        # 6to4 of 10.0.0.1
    "::ffff:127.0.0.1",    # IPv4-mapped
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (cloud metadata)
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo (client 10.0.0.1)
    "0.0.0.0", "127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "fe80::1", "fc00::1", "240.0.0.1",
])
def test_addresses_that_are_not_globally_routable_are_refused(address):
    assert unroutable_reason(ipaddress.ip_address(address)) is not None
    client = PoliteClient(ClientConfig(per_host_delay=0.0))
    with pytest.raises(FetchFailure) as refused:
        client.check_address(address, 80)
    assert refused.value.reason == "private_address"


@pytest.mark.parametrize("address", ["8.8.8.8", "2400:3200::1", "2002:808:808::"])
def test_globally_routable_addresses_pass(address):
    assert unroutable_reason(ipaddress.ip_address(address)) is None


def test_an_allowed_endpoint_opens_its_port_only(server):
    base, _ = server
    port = int(base.rsplit(":", 1)[1])
    by_network = PoliteClient(ClientConfig(per_host_delay=0.0), allowed_networks=[f"127.0.0.0/8:{port}"])
    by_url = PoliteClient(ClientConfig(per_host_delay=0.0))
    by_url.trust_hosts([base + "/ok.html"])
    for client in (by_network, by_url):
        assert client.fetch(base + "/ok.html").ok
        other = client.fetch(f"http://127.0.0.1:{port + 1}/ok.html")
        assert other.failure == "private_address", other
        assert not any(f":{port + 1}/" in url for url in client.requests_made)


def test_an_allow_list_entry_without_a_port_is_refused():
    for entry in ("127.0.0.0/8", "10.0.0.1", "fd00::/8"):
        with pytest.raises(ValueError, match="port"):
            parse_network_endpoint(entry)
    with pytest.raises(ValueError, match="port"):
        PoliteClient(ClientConfig()).trust_hosts(["localhost"])
    assert parse_network_endpoint("[::1]:8080") == (ipaddress.ip_network("::1/128"), 8080)


def test_conditional_get_returns_not_modified(server):
    base, _ = server
    client = make_client()
    first = client.fetch(base + "/r/2023.html")
    again = client.fetch(base + "/r/2023.html", etag=first.headers["etag"])
    assert again.not_modified and again.status == 304


def test_js_challenge_detection_needs_more_than_a_status():
    assert is_js_challenge(412, {}, b"<script>document.cookie='x';location.reload()</script>", "http://a/")
    assert not is_js_challenge(404, {}, b"<html>not found</html>", "http://a/")
    assert is_js_challenge(200, {"Set-Cookie": "wzws_cid=1"}, b"", "http://a/")


def test_slow_hosts_get_slower_requests_and_recover(server):
    base, _ = server
    client = make_client(slow_response=0.1)
    client.fetch(base + "/slowish")  # 0.2 s: slower than the 0.1 s threshold
    gate = client._gate(base.split("//")[1])
    assert gate.extra_delay >= 0.2
    slowed = gate.extra_delay
    client.fetch(base + "/ok.html")
    assert gate.extra_delay < slowed


def test_slow_drip_is_cut_off_by_the_minimum_rate_before_the_deadline(server):
    base, _ = server
    result = make_client(deadline=30.0, min_rate_grace=0.5, min_rate=100.0).fetch(base + "/slow-drip")
    assert result.failure == "deadline_exceeded" and "slow drip" in result.failure_detail
    assert result.elapsed < 3


def test_requests_identify_the_crawler_and_keep_the_portals_session_cookie(server):
    base, _state = server
    client = make_client()
    assert client.fetch(base + "/whoami").ok
    client.fetch(base + "/session")
    echo = json.loads(client.fetch(base + "/whoami").body)
    assert echo["User-Agent"].startswith("xxgk/") and "research crawler" in echo["User-Agent"]
    assert "gzip" in echo["Accept-Encoding"]
    assert echo["Cookie"] == "JSESSIONID=s1"


def test_a_ca_bundle_named_in_the_environment_is_used_with_or_without_a_proxy(monkeypatch):
    from scrapers import http

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/corp-ca.pem")
    for proxied in (False, True):
        monkeypatch.setattr(http, "_proxies_configured", lambda proxied=proxied: proxied)
        client = PoliteClient(ClientConfig())
        assert client.session.verify == "/etc/ssl/corp-ca.pem"
        assert client.session.trust_env is proxied  # requests resolves proxies per URL only when one is set


def test_the_connection_goes_to_the_address_the_guard_checked(monkeypatch):
    """DNS rebinding: the guard's lookup answers an allowed address, the connection's lookup a
    forbidden one. The connection must go where the guard looked."""
    import http.server
    import socket
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = f"host {self.headers['Host']}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    real_getaddrinfo = socket.getaddrinfo
    answers = []

    def rebinding(host, *args, **kwargs):
        if host != "rebind.example":
            return real_getaddrinfo(host, *args, **kwargs)
        answers.append(host)
        # first the allowed address, then one nothing may reach (and where nothing listens)
        address = "127.0.0.2" if len(answers) == 1 else "127.0.0.3"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    try:
        client = PoliteClient(ClientConfig(per_host_delay=0.0, obey_robots=False),
                              allowed_networks=[f"127.0.0.2/32:{port}"])
        result = client.fetch(f"http://rebind.example:{port}/report.html")
        again = client.fetch(f"http://rebind.example:{port}/other.html")
    finally:
        server.shutdown()
        server.server_close()
    assert result.ok, result
    assert result.body == f"host rebind.example:{port}".encode()  # the name kept in the Host header
    assert again.ok and len(answers) == 1  # one lookup, by the guard; the connection never asks again
