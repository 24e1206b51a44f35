"""Crawl one portal: list pages → report pages → attachments, landing every body as it comes.

Each response is landed (or its failure recorded) the moment it ends, so a crawl killed
half-way loses nothing and a re-run resumes: unchanged reports are skipped by conditional GET
or by content hash. A portal that yields no report is a failure (health ``empty``), never a
quiet success.
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from scrapers.discovery import discover
from scrapers.http import FetchResult, PoliteClient
from scrapers.portals import Portal
from xxgk.encoding import decode_html
from xxgk.rawstore import RawStore

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")

# health of a portal after a crawl; everything but "ok" is a failure the on-call person sees
HEALTH_BY_SEED_FAILURE = {
    "js_challenge": "needs_browser",
    "robots_disallowed": "robots_disallowed",
    "not_found": "moved",
    "offsite": "moved",
    "redirect_loop": "moved",
    "too_many_redirects": "moved",
    "rate_limited": "blocked",
    "http_error": "blocked",
}


@dataclass
class PortalCrawl:
    portal_id: str
    run_id: str
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    health: str = "ok"
    health_reason: str | None = None
    pages_fetched: int = 0
    reports_found: int = 0
    reports_landed: int = 0
    attachments_landed: int = 0
    documents: list[dict] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "portal_id": self.portal_id,
            "health": self.health,
            "health_reason": self.health_reason,
            "pages_fetched": self.pages_fetched,
            "reports_found": self.reports_found,
            "reports_landed": self.reports_landed,
            "attachments_landed": self.attachments_landed,
            "failures": len(self.failures),
        }


def looks_like_html(result: FetchResult) -> bool:
    if result.content_type in HTML_TYPES:
        return True
    head = (result.body or b"")[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


class PortalCrawler:
    def __init__(self, portal: Portal, client: PoliteClient, store: RawStore, run_id: str):
        self.portal = portal
        self.client = client
        self.store = store
        self.crawl = PortalCrawl(portal_id=portal.id, run_id=run_id)
        self.attempted: set[str] = set()

    def run(self) -> PortalCrawl:
        portal, crawl = self.portal, self.crawl
        lists: deque[tuple[str, str, str | None, str | None]] = deque(
            (url, "seed", None, None) for url in portal.seed_urls
        )
        reports: dict[str, tuple[str, str]] = {}
        attachments: dict[str, tuple[str, str]] = {}
        seed_failures: list[str] = []
        while lists and crawl.pages_fetched < portal.max_pages:
            url, role, referrer, text = lists.popleft()
            if url in self.attempted:
                continue
            result = self._fetch_and_land(url, role if role == "seed" else "list", referrer, text, conditional=False)
            if not result.ok:
                if role == "seed":
                    seed_failures.append(result.failure)
                continue
            crawl.pages_fetched += 1
            if not looks_like_html(result):
                continue
            for link in discover(decode_html(result.body, result.headers.get("content-type")), result.final_url,
                                 portal.selectors):
                if link.kind in ("list", "page"):
                    lists.append((link.url, "list", result.final_url, link.text))
                elif link.kind == "report":
                    reports.setdefault(link.url, (link.text, result.final_url))
                elif link.kind == "attachment":
                    attachments.setdefault(link.url, (link.text, result.final_url))
        crawl.reports_found = len(reports)
        for url, (text, referrer) in reports.items():
            result = self._fetch_and_land(url, "report", referrer, text, conditional=True)
            if not result.ok:
                continue
            crawl.reports_landed += 1
            if result.body and looks_like_html(result):
                for link in discover(decode_html(result.body, result.headers.get("content-type")), result.final_url):
                    if link.kind == "attachment":
                        attachments.setdefault(link.url, (link.text or text, url))
        for url, (text, referrer) in attachments.items():
            result = self._fetch_and_land(url, "attachment", referrer, text, conditional=True)
            if result.ok:
                crawl.attachments_landed += 1
        self._set_health(seed_failures)
        crawl.finished_at = datetime.now(UTC)
        return crawl

    def _set_health(self, seed_failures: list[str]) -> None:
        crawl = self.crawl
        if crawl.reports_landed or crawl.attachments_landed:
            crawl.health = "ok"
        elif seed_failures and crawl.pages_fetched == 0:
            reason = seed_failures[0]
            crawl.health = HEALTH_BY_SEED_FAILURE.get(reason, "unreachable")
            crawl.health_reason = f"seed URL failed: {reason}"
        elif crawl.reports_found:
            crawl.health = "failing"
            crawl.health_reason = f"{crawl.reports_found} reports found, none could be fetched"
        else:
            crawl.health = "empty"
            crawl.health_reason = f"{crawl.pages_fetched} list pages fetched, no report links found"

    def _fetch_and_land(self, url, role, referrer, link_text, *, conditional: bool) -> FetchResult:
        self.attempted.add(url)
        host = urlsplit(url).netloc.lower()
        etag = last_modified = previous_sha = None
        if conditional:
            etag, last_modified, previous_sha = self.store.last_validators(url)
        if host not in self.portal.hosts:
            # refused before any request: links off the portal's own hosts are recorded, never followed
            result = FetchResult(url=url, failure="offsite", failure_detail=f"{host} is not a host of {self.portal.id}")
        else:
            result = self.client.fetch(url, allowed_hosts=self.portal.hosts, etag=etag, last_modified=last_modified)
        common = dict(run_id=self.crawl.run_id, portal_id=self.portal.id, role=role, referrer=referrer,
                      link_text=link_text)
        if result.not_modified and previous_sha:
            self.store.record_fetch(
                **common, url=url, final_url=result.final_url, status=result.status, headers=result.headers,
                fetched_at=result.fetched_at, sha256=previous_sha, size=None, content_type=result.content_type,
                outcome="not_modified",
            )
            if self.store.warc and (first := self.store.first_capture(previous_sha)):
                self.store.warc.revisit(url, result.status, result.headers, None, result.fetched_at, previous_sha,
                                        *first)
            self.crawl.documents.append({"url": url, "sha256": previous_sha, "content_type": result.content_type})
            result.body = self.store.read(previous_sha)
            return result
        if result.ok:
            sha = self.store.land(result=result, **common)
            self.crawl.documents.append({"url": url, "sha256": sha, "content_type": result.content_type})
        else:
            self.store.record_fetch(
                **common, url=url, final_url=result.final_url, status=result.status, headers=result.headers,
                fetched_at=result.fetched_at, sha256=None, size=None, content_type=result.content_type,
                outcome="failed", failure_reason=result.failure, failure_detail=result.failure_detail,
            )
            self.crawl.failures.append({"url": url, "reason": result.failure, "detail": result.failure_detail})
            log.info("%s: %s failed: %s (%s)", self.portal.id, url, result.failure, result.failure_detail)
        return result


def crawl_portal(portal: Portal, client: PoliteClient, store: RawStore, run_id: str | None = None) -> PortalCrawl:
    run_id = run_id or uuid.uuid4().hex
    store.open_warc(run_id)
    crawl = PortalCrawler(portal, client, store, run_id).run()
    store.record_portal_run(crawl.run_id, crawl.portal_id, crawl.summary(), crawl.started_at, crawl.finished_at)
    return crawl


def adhoc_portal(urls: list[str]) -> Portal:
    """A portal made of the URLs given on the command line, allowed on their own hosts only."""
    name = ", ".join(sorted({urlsplit(u).netloc for u in urls}))
    return Portal(id="adhoc", name=name, province_code="", level="", seed_urls=tuple(urls),
                  max_pages=200)

