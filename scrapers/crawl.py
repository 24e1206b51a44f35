"""Crawl one portal: list pages → report pages → attachments, landing every body as it comes.

Each response is landed (or its failure recorded) the moment it ends, so a crawl killed
half-way loses nothing and a re-run resumes: unchanged reports are skipped by conditional GET
or by content hash. A portal that yields no report is a failure (health ``empty``), never a
quiet success.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
import uuid
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from scrapers import discovery
from scrapers.discovery import Link, discover
from scrapers.families import default_selectors
from scrapers.http import FetchResult, PoliteClient, drive
from scrapers.portals import Portal
from scrapers.health import HEALTH_BY_SEED_FAILURE
from xxgk import encoding
from xxgk.encoding import decode_html
from xxgk.rawstore import RawStore, safe_name

log = logging.getLogger(__name__)

REVALIDATE_AFTER = timedelta(days=7)
ROBOTS_MAX_AGE = timedelta(hours=20)  # RFC 9309 allows 24 h; under a day, so each nightly run re-reads it
HTML_TYPES = ("text/html", "application/xhtml+xml")

@dataclass(frozen=True)
class CrawlLimits:
    """Bounds of one portal's crawl besides the portal's own page cap (``Portal.max_pages``): the
    report links it follows, its time, and the time of the whole run it belongs to (an absolute
    ``stop_at``, so portals that start late get what is left). A crawl that hits one stops,
    keeps what landed, and says so in its health reason (``truncated: …``)."""

    max_reports: int = 5000
    portal_seconds: float = 2 * 3600
    stop_at: datetime | None = None


@dataclass
class PortalCrawl:
    """What one portal's crawl did: counts, the documents landed or known, the failures, and its health."""

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
    known_skipped: int = 0
    # the limit the crawl stopped at ("page cap: …", "report cap: …", "deadline: …"), or None
    truncated: str | None = None
    documents: list[dict] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)

    def summary(self) -> dict:
        """The crawl's figures as raw.portal_runs records them (failures counted, documents left out)."""
        return {
            "portal_id": self.portal_id,
            "health": self.health,
            "health_reason": self.health_reason,
            "pages_fetched": self.pages_fetched,
            "reports_found": self.reports_found,
            "reports_landed": self.reports_landed,
            "attachments_landed": self.attachments_landed,
            "known_skipped": self.known_skipped,
            "truncated": self.truncated,
            "failures": len(self.failures),
        }


def looks_like_html(body: bytes, content_type: str | None) -> bool:
    """Whether a body is an HTML page: by its Content-Type, else by how its first bytes start."""
    if content_type in HTML_TYPES:
        return True
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


# A report page's only links we follow are attachments, and an attachment link's href ends in one
# of these extensions; pages without one in their bytes (most) are not parsed at all.
ATTACHMENT_HINT = re.compile(rb"\.(?:pdf|docx?|wps|xlsx?|et)\b", re.I)


def may_link_attachments(body: bytes) -> bool:
    """Whether a page's bytes could hold an attachment link (False: no need to parse it for one)."""
    if body[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: the ASCII extensions are not contiguous bytes
        return True
    return ATTACHMENT_HINT.search(body) is not None


@dataclass
class Page:
    """A response the crawl has (fetched now, or landed before and not due): its body is read
    from the store only when something needs it, which on a no-change night is almost never."""

    url: str  # the final URL, after redirects
    sha256: str
    content_type: str | None
    changed: bool
    store: RawStore
    _body: bytes | None = None

    @property
    def body(self) -> bytes:
        """The body, read from the raw store on first use."""
        if self._body is None:
            self._body = self.store.read(self.sha256)
        return self._body

    def is_html(self) -> bool:
        """Whether the page is HTML, by Content-Type or, failing that, by its bytes."""
        return self.content_type in HTML_TYPES or looks_like_html(self.body, self.content_type)


class LinkCache:
    """The links found on each page of one portal, kept in DIR/cache/links/<portal>.json.

    Links are a pure function of the page's bytes, its URL, the selectors and the discovery
    code, and all four are in each entry's key, so a page that did not change is not read nor
    parsed again (parsing was a fifth of a no-change night's CPU, reading the bodies a third).
    One file per portal: a no-change night opens it once. Deleting the folder loses nothing.
    """

    # the entry format (url, text, kind, listed date) is part of the code: caches of another one are re-read
    FORMAT = b"links-v2: url, text, kind, listed_date"
    CODE = hashlib.sha256(FORMAT + Path(discovery.__file__).read_bytes()
                          + Path(encoding.__file__).read_bytes()).hexdigest()[:16]

    def __init__(self, data_dir, portal_id: str):
        self.path = Path(data_dir) / "cache" / "links" / f"{safe_name(portal_id)}.json"
        self._entries = self._load()
        self._used: dict[str, list] = {}
        self._missed = False

    def _load(self) -> dict[str, list]:
        try:
            cache = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except ValueError as exc:  # a damaged cache is rebuilt, never trusted
            log.warning("link cache %s unreadable (%s): parsing its pages again", self.path, exc)
            return {}
        # links found by other discovery code are not these links
        if not isinstance(cache, dict) or cache.get("code") != self.CODE or not isinstance(cache.get("entries"), dict):
            return {}
        return cache["entries"]

    @staticmethod
    def _key(page: Page, purpose: str, selectors: dict[str, str]) -> str:
        return "\x1f".join([purpose, page.sha256, page.content_type or "", page.url,
                            json.dumps(selectors, sort_keys=True) if selectors else ""])

    def _cached(self, key: str, find: Callable[[], list[Link]]) -> list[Link]:
        entry = self._entries.get(key)
        if isinstance(entry, list):
            try:
                links = [Link(*fields) for fields in entry]
            except TypeError as exc:
                log.warning("link cache entry in %s unreadable (%s): parsing the page again", self.path, exc)
            else:
                self._used[key] = entry
                return links
        links = find()
        self._used[key] = [[link.url, link.text, link.kind, link.listed_date] for link in links]
        self._missed = True
        return links

    def links(self, page: Page, selectors: dict[str, str]) -> list[Link]:
        """Every link of a list page."""
        return self._cached(self._key(page, "list", selectors),
                            lambda: discover(decode_html(page.body, page.content_type), page.url, selectors))

    def attachments(self, page: Page) -> list[Link]:
        """The attachment links of a report page (most have none, and their bytes say so)."""
        def find() -> list[Link]:
            if not page.is_html() or not may_link_attachments(page.body):
                return []
            return [link for link in discover(decode_html(page.body, page.content_type), page.url)
                    if link.kind == "attachment"]
        return self._cached(self._key(page, "attachments", {}), find)

    def save(self) -> None:
        """Keep the entries this crawl used; written only when a page was parsed anew."""
        if not self._missed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.tmp")
        tmp.write_text(json.dumps({"code": self.CODE, "entries": self._used}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)


class PortalCrawler:
    """Crawl one portal. A URL landed before is requested again only when due.

    Due means: never landed (a run killed half-way resumes here), a seed (always re-read, with
    a conditional GET), a list page or report whose referring page changed this run (items shift
    down the pagination; an edited report's entry changes its date), or a last check older than
    ``revalidate_after`` (reports get edited and
    back-dated after publication; a weekly check catches it without re-reading every report
    every night). Everything else is read from the raw store, so a no-change night costs about
    one request per portal.
    """

    def __init__(self, portal: Portal, client: PoliteClient, store: RawStore,
                 revalidate_after: timedelta = REVALIDATE_AFTER, limits: CrawlLimits | None = None):
        self.portal = portal
        self.limits = limits or CrawlLimits()
        self.started = time.monotonic()
        self.client = client
        self.store = store
        self.crawl = PortalCrawl(portal_id=portal.id, run_id=store.run_id)
        self.attempted: set[str] = set()
        self.revalidate_after = revalidate_after
        self.known = store.known
        self.selectors = default_selectors(portal)
        self.now = datetime.now(UTC)
        self.links = LinkCache(store.data_dir, portal.id)
        client.on_robots = self._land_robots
        self._preload_robots()

    def _preload_robots(self) -> None:
        """A robots.txt this portal landed within ROBOTS_MAX_AGE is read from the store, not fetched:
        a re-run the same night then costs no robots request per host."""
        for host in self.portal.hosts:
            for scheme in ("http", "https"):
                origin = f"{scheme}://{host}"
                known = self.known.get(origin + "/robots.txt")
                if known is not None and self.now - known.last_checked < ROBOTS_MAX_AGE:
                    self.client.preload_robots(origin, self.store.read(known.sha256))

    def _land_robots(self, result: FetchResult) -> None:
        """Every robots.txt answer goes in the manifest: what the portal allowed, and when."""
        common = dict(role="robots", referrer=None, link_text=None)
        if result.ok:  # a 3xx lands as an empty body with its status: read as "no robots.txt"
            self.store.land(result=result, **common)
        else:
            self.store.record_failure(result, **common)

    def _due(self, url: str, referrer_changed: bool) -> bool:
        known = self.known.get(url)
        return known is None or referrer_changed or self.now - known.last_checked > self.revalidate_after

    def _get(self, url, role, referrer, text, referrer_changed,
             listed_date: str | None = None) -> Generator[float, None, Page | None]:
        """The Page of ``url``, from the network when due, else from the store; None when it failed."""
        if not self._due(url, referrer_changed):
            known = self.known[url]
            self.crawl.known_skipped += 1
            self.crawl.documents.append({"url": url, "sha256": known.sha256, "content_type": known.content_type,
                                         "new": False})
            return Page(url, known.sha256, known.content_type, changed=False, store=self.store)
        result, sha = yield from self._fetch_and_land(url, role, referrer, text, listed_date)
        if sha is None:
            return None
        known = self.known.get(url)
        return Page(result.final_url or url, sha, result.content_type, changed=known is None or known.sha256 != sha,
                    store=self.store, _body=None if result.not_modified else result.body)

    def _out_of_time(self) -> str | None:
        """The deadline passed, if one did: the portal's own or the run's."""
        if time.monotonic() - self.started > self.limits.portal_seconds:
            return f"deadline: {self.limits.portal_seconds:,.0f} s for the portal"
        if self.limits.stop_at is not None and datetime.now(UTC) >= self.limits.stop_at:
            return f"deadline: the run's, {self.limits.stop_at:%Y-%m-%d %H:%M:%S} UTC"
        return None

    def _deadline_passed(self) -> bool:
        """True (and the crawl marked truncated) once a deadline has passed."""
        late = self._out_of_time()
        if late is not None:
            self._stop(late)
        return late is not None

    def _stop(self, reason: str) -> None:
        if self.crawl.truncated is None:
            self.crawl.truncated = reason
            log.warning("%s: crawl truncated (%s)", self.portal.id, reason)

    def run(self) -> PortalCrawl:
        """Crawl in this thread, sleeping through each wait for the host's turn."""
        return drive(self.steps())

    def steps(self) -> Generator[float, None, PortalCrawl]:
        """The crawl as a generator of waits for a host's turn (see scrapers.schedule); returns the PortalCrawl."""
        reports, attachments, seed_failures = yield from self._read_lists()
        yield from self._read_reports(reports, attachments)
        yield from self._read_attachments(attachments)
        self.links.save()
        self._set_health(seed_failures)
        self.crawl.finished_at = datetime.now(UTC)
        return self.crawl

    def _read_lists(self) -> Generator[float, None, tuple[dict, dict, list[str]]]:
        """Seeds and list pages, breadth first up to the page cap: the report links found (url →
        (text, referrer, listed on a changed page, listed date)), the attachment links (url → (text,
        referrer, listed date)) and the failure reason of each seed that failed."""
        portal, crawl = self.portal, self.crawl
        lists: deque[tuple[str, str, str | None, str | None, bool]] = deque(
            (url, "seed", None, None, True) for url in portal.seed_urls
        )
        reports: dict[str, tuple[str, str, bool, str | None]] = {}
        attachments: dict[str, tuple[str, str, str | None]] = {}
        seed_failures: list[str] = []
        while lists and crawl.pages_fetched < portal.max_pages:
            if self._deadline_passed():
                break
            url, role, referrer, text, referrer_changed = lists.popleft()
            if url in self.attempted:
                continue
            self.attempted.add(url)
            page = yield from self._get(url, role, referrer, text, referrer_changed)
            if page is None:
                if role == "seed":
                    seed_failures.append(crawl.failures[-1]["reason"])
                continue
            crawl.pages_fetched += 1
            if page.is_html():
                self._queue_links(page, role, lists, reports, attachments)
        if any(item[0] not in self.attempted for item in lists) and crawl.pages_fetched >= portal.max_pages:
            self._stop(f"page cap: {portal.max_pages} list pages read, more were linked")
        return reports, attachments, seed_failures

    def _queue_links(self, page: Page, role: str, lists: deque, reports: dict, attachments: dict) -> None:
        """Sort a list page's links into the list pages still to read, the reports and the attachments."""
        for link in self.links.links(page, self.selectors):
            if link.kind in ("list", "page") or (link.kind == "hub" and role == "seed"):
                lists.append((link.url, "list", page.url, link.text, page.changed))
            elif link.kind == "report":
                # a report listed on a list page that changed is re-read: the change may be its
                # own entry (an edit, a moved date); an unchanged list waits for the weekly check
                text, referrer, changed, listed = reports.setdefault(
                    link.url, (link.text, page.url, page.changed, link.listed_date))
                if page.changed and not changed:
                    reports[link.url] = (text, referrer, True, listed)
            elif link.kind == "attachment":
                attachments.setdefault(link.url, (link.text, page.url, link.listed_date))

    def _read_reports(self, reports: dict, attachments: dict) -> Generator[float, None, None]:
        """Report pages up to the report cap, adding the attachments they link to ``attachments``."""
        crawl = self.crawl
        crawl.reports_found = len(reports)
        if len(reports) > self.limits.max_reports:
            # list pages put the newest first: the first links found are the ones a night is for
            self._stop(f"report cap: {self.limits.max_reports:,} of {len(reports):,} report links followed")
            reports = dict(list(reports.items())[: self.limits.max_reports])
        for url, (text, referrer, listed_on_changed_page, listed) in reports.items():
            if self._deadline_passed():
                break
            self.attempted.add(url)
            page = yield from self._get(url, "report", referrer, text, listed_on_changed_page, listed)
            if page is None:
                continue
            crawl.reports_landed += 1
            # a report's attachment is that report as its list page named and dated it (a date
            # beside the link in the report's own body is no list page's)
            for link in self.links.attachments(page):
                attachments.setdefault(link.url, (link.text or text, url, listed))

    def _read_attachments(self, attachments: dict) -> Generator[float, None, None]:
        """Every attachment linked from a list or report page, until a deadline."""
        for url, (text, referrer, listed) in attachments.items():
            if self._deadline_passed():
                break
            self.attempted.add(url)
            page = yield from self._get(url, "attachment", referrer, text, False, listed)
            if page is not None:
                self.crawl.attachments_landed += 1

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
        if crawl.truncated:
            crawl.health_reason = "; ".join(filter(None, (crawl.health_reason, f"truncated: {crawl.truncated}")))

    def _fetch_and_land(self, url, role, referrer, link_text,
                        listed_date: str | None = None) -> Generator[float, None, tuple[FetchResult, str | None]]:
        """Request ``url`` (conditionally when it landed before) and land or record the outcome."""
        host = urlsplit(url).netloc.lower()
        etag, last_modified, previous_sha = self.store.validators(url)
        if host not in self.portal.hosts:
            # refused before any request: links off the portal's own hosts are recorded, never followed
            result = FetchResult(url=url, failure="offsite", failure_detail=f"{host} is not a host of {self.portal.id}")
        else:
            result = yield from self.client.fetch_steps(url, allowed_hosts=self.portal.hosts, etag=etag,
                                                        last_modified=last_modified)
        common = dict(role=role, referrer=referrer, link_text=link_text, listed_date=listed_date)
        if result.not_modified and not previous_sha:
            result.failure, result.failure_detail = "http_error", "304 Not Modified to an unconditional request"
        if result.not_modified and previous_sha:
            known = self.known.get(url)
            result.headers.setdefault("content-type", known.content_type if known and known.content_type else "")
            self.store.record_fetch(
                **common, url=url, final_url=result.final_url, status=result.status, headers=result.headers,
                fetched_at=result.fetched_at, sha256=previous_sha, size=None, content_type=result.content_type,
                outcome="not_modified",
            )
            if self.store.warc and (first := self.store.first_capture(previous_sha)):
                self.store.warc.revisit(url, result.status, result.headers, None, result.fetched_at, previous_sha,
                                        *first)
            self.crawl.documents.append({"url": url, "sha256": previous_sha, "content_type": result.content_type,
                                         "new": False})
            return result, previous_sha
        if result.ok:
            sha, is_new = self.store.land(result=result, **common)
            self.crawl.documents.append({"url": url, "sha256": sha, "content_type": result.content_type,
                                         "new": is_new})
        else:
            self.store.record_failure(result, **common)
            self.crawl.failures.append({"url": url, "reason": result.failure, "detail": result.failure_detail})
            log.info("%s: %s failed: %s (%s)", self.portal.id, url, result.failure, result.failure_detail)
            return result, None
        return result, sha


def crawl_portal(portal: Portal, client: PoliteClient, store: RawStore,
                 limits: CrawlLimits | None = None) -> PortalCrawl:
    """Crawl one portal into ``store`` in this thread; see :func:`crawl_portal_steps`."""
    return drive(crawl_portal_steps(portal, client, store, limits))


def crawl_portal_steps(portal: Portal, client: PoliteClient, store: RawStore,
                       limits: CrawlLimits | None = None) -> Generator[float, None, PortalCrawl]:
    """Crawl one portal into ``store`` (its run id and known URLs) and record the portal's health."""
    crawl = yield from PortalCrawler(portal, client, store, limits=limits).steps()
    store.record_portal_run(crawl.summary(), crawl.started_at, crawl.finished_at)
    return crawl


def adhoc_portal(urls: list[str]) -> Portal:
    """A portal made of the URLs given on the command line, allowed on their own hosts only."""
    name = ", ".join(sorted({urlsplit(u).netloc for u in urls}))
    return Portal(id="adhoc", name=name, province_code="", level="", seed_urls=tuple(urls),
                  max_pages=200)

