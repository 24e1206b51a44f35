"""The polite client against a local server that misbehaves like real portals."""

import json

import pytest

from scrapers.http import ClientConfig, PoliteClient, is_js_challenge
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
    )
    for k, v in overrides.items():
        setattr(config, k, v)
    client = PoliteClient(config)
    client.trust_hosts(["127.0.0.1"])
    return client


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
