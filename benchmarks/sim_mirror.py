"""A simulated national mirror: many portal hosts on loopback, served by one asyncio process.

Every 127.0.x.y address is a separate host (Linux routes all of 127/8 to lo), so per-host
politeness applies to each. Each host has a robots.txt, a two-page 年报 column and report pages,
answers with a deterministic latency per path, and honours If-None-Match with 304.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import socket
import zlib

REPORT_BODY = ("<p>" + "政府信息公开工作年度报告正文。" * 400 + "</p>").encode()


def host_address(index: int) -> str:
    """The loopback address of host ``index`` (250 hosts per 127.0.x.0/24)."""
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


def page(host: str, path: str, reports_per_page: int) -> bytes | None:
    """The body of ``path`` on any host: robots.txt, two 年报 list pages, report pages; None for a 404."""
    if path == "/robots.txt":
        return b"User-agent: *\nDisallow: /admin/\n"
    if path in ("/nb/index.html", "/nb/index_1.html"):
        offset = 0 if path.endswith("index.html") else reports_per_page
        items = "".join(f'<li><a href="r{offset + i}.html">某县{2000 + offset + i}年政府信息公开工作年度报告</a></li>'
                        for i in range(reports_per_page))
        pager = '<a href="index_1.html">下一页</a>' if offset == 0 else ""
        return f"<html><head><meta charset='utf-8'></head><body><ul>{items}</ul>{pager}</body></html>".encode()
    if path.startswith("/nb/r") and path.endswith(".html"):
        # each report its own bytes, as real ones are: each is a new blob and a full WARC record
        title = f"<h1>{host}{path}</h1>".encode()
        return b"<html><head><meta charset='utf-8'></head><body><div class='TRS_Editor'>" + title + REPORT_BODY \
            + b"</div></body></html>"
    return None


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, reports_per_page: int,
                 latency_ms: tuple[int, int]) -> None:
    """Serve one keep-alive connection, with a deterministic per-path latency and 304s to a matching If-None-Match."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
            body = page(headers.get("host", ""), path, reports_per_page)
            low, high = latency_ms
            await asyncio.sleep((low + zlib.crc32(path.encode()) % max(1, high - low)) / 1000)
            if body is None:
                status, body, extra = "404 Not Found", b"not found", ""
            else:
                etag = '"' + hashlib.md5(body).hexdigest()[:16] + '"'
                if headers.get("if-none-match") == etag:
                    status, body, extra = "304 Not Modified", b"", f"ETag: {etag}\r\n"
                else:
                    status, extra = "200 OK", f"ETag: {etag}\r\n"
            ctype = "text/plain" if path.endswith(".txt") else "text/html; charset=utf-8"
            writer.write(f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
                         .encode() + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        return
    finally:
        writer.close()


def _serve(port_queue, reports_per_page: int, latency_ms: tuple[int, int]) -> None:
    async def main():
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # 0.0.0.0 because one socket must answer every 127.x address; the benchmark never leaves loopback
        sock.bind(("0.0.0.0", 0))
        server = await asyncio.start_server(lambda r, w: handle(r, w, reports_per_page, latency_ms), sock=sock,
                                            backlog=4096)
        port_queue.put(sock.getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


class MirrorServer:
    """The mirror in its own process, so serving never competes with the crawler for the GIL."""

    def __init__(self, reports_per_page: int = 5, latency_ms: tuple[int, int] = (20, 150)):
        queue = multiprocessing.Queue()
        self.process = multiprocessing.Process(target=_serve, args=(queue, reports_per_page, latency_ms), daemon=True)
        self.process.start()
        self.port = queue.get(timeout=30)

    def seed(self, index: int) -> str:
        """The seed (first list page) URL of host ``index``."""
        return f"http://{host_address(index)}:{self.port}/nb/index.html"

    def close(self) -> None:
        """Stop the server process."""
        self.process.terminate()
        self.process.join(10)
