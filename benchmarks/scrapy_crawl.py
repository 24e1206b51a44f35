"""The benchmark's crawl done by Scrapy, under the same politeness settings as ours.

Run by benchmarks/run.py in its own virtualenv (Scrapy is a benchmark-only dependency; its
Twisted stack stays out of the product's environment):

    .venv-bench/bin/python benchmarks/scrapy_crawl.py SEEDS_FILE DELAY BLOB_DIR

Same work per host as our crawler: robots.txt obeyed, one request at a time per host with
``DELAY`` seconds start to start (Scrapy's DOWNLOAD_DELAY, not randomised), list pages and
their 下一页 links, then every report linked by anchor text, each body stored under its
sha256. Scrapy's broad-crawl settings (its own documentation's advice for many domains) are
used, so it is measured at its best. Prints one JSON object with the request count and the
crawl's wall time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time

import scrapy
from scrapy.crawler import CrawlerProcess

REPORT_TEXT = re.compile(r"年报|年度报告")
NEXT_TEXT = re.compile(r"^\s*(下一?页|尾页)\s*$")


class MirrorSpider(scrapy.Spider):
    """List pages and their 下一页 links, then every report they link to, each body stored under its sha256."""

    name = "mirror"

    def __init__(self, seeds: list[str], blob_dir: str, **kwargs):
        super().__init__(**kwargs)
        self.seeds = seeds
        self.blob_dir = blob_dir
        self.bodies = 0

    async def start(self):
        """A request for each seed list page."""
        for url in self.seeds:
            yield scrapy.Request(url, callback=self.parse_list)

    def store(self, response) -> None:
        """Write the body under its sha256 unless it is already there, and count it."""
        sha = hashlib.sha256(response.body).hexdigest()
        path = os.path.join(self.blob_dir, sha)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(response.body)
        self.bodies += 1

    def parse_list(self, response):
        """Store a list page and follow its next-page and report links."""
        self.store(response)
        for a in response.css("a[href]"):
            text = " ".join(a.css("::text").getall())
            if NEXT_TEXT.match(text):
                yield response.follow(a, callback=self.parse_list)
            elif REPORT_TEXT.search(text):
                yield response.follow(a, callback=self.parse_report)

    def parse_report(self, response):
        """Store a report page."""
        self.store(response)


def main(seeds_file: str, delay: float, blob_dir: str) -> None:
    """Crawl the seeds in ``seeds_file`` with Scrapy and print the request count, bodies and wall time as JSON."""
    with open(seeds_file, encoding="utf-8") as f:
        seeds = [line.strip() for line in f if line.strip()]
    process = CrawlerProcess(settings={
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": delay,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "CONCURRENT_REQUESTS": max(16, 2 * len(seeds)),
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        "AUTOTHROTTLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "RETRY_ENABLED": True,
        "DOWNLOAD_TIMEOUT": 15,
        "REACTOR_THREADPOOL_MAXSIZE": 20,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "USER_AGENT": "xxgk-benchmark-scrapy",
    })
    crawler = process.create_crawler(MirrorSpider)
    started = time.monotonic()
    process.crawl(crawler, seeds=seeds, blob_dir=blob_dir)
    process.start()
    elapsed = time.monotonic() - started
    stats = crawler.stats.get_stats()
    print(json.dumps({
        "elapsed": elapsed,
        "requests": stats.get("downloader/request_count", 0),
        "responses_200": stats.get("downloader/response_status_count/200", 0),
        "bodies": crawler.spider.bodies,
    }))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), sys.argv[3])
