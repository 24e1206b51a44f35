"""A local HTTP server that misbehaves the way government portals do, for client and crawl tests."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
import zlib
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROBOTS_TXT = b"User-agent: *\nDisallow: /private/\n"

GBK_PAGE = '<html><head><meta charset="gb2312"><title>年报</title></head><body>朱镕基 2009年度报告</body></html>'

LIST_PAGE = """<html><head><meta charset="utf-8"></head><body>
<ul>
<li><a href="/r/2023.html">某市2023年政府信息公开工作年度报告</a></li>
<li><a href="/r/2023-copy.html">某市2023年政府信息公开工作年度报告（转载）</a></li>
<li><a href="/r/2022.html">某市2022年政府信息公开工作年度报告</a></li>
<li><a href="/r/missing.html">某市2021年政府信息公开工作年度报告</a></li>
<li><a href="/private/2020.html">某市2020年政府信息公开工作年度报告</a></li>
<li><a href="http://offsite.example.invalid/2019.html">某市2019年政府信息公开工作年度报告</a></li>
<li><a href="/news/1.html">市政府召开常务会议</a></li>
</ul>
<div class="page"><a href="/list_1.html">下一页</a></div>
</body></html>"""

LIST_PAGE_2 = """<html><head><meta charset="utf-8"></head><body>
<a href="/r/2018.html">某市2018年政府信息公开工作年度报告</a>
<a href="/redirect-offsite">某市2017年政府信息公开工作年度报告</a>
</body></html>"""

FAULTS = ["/slow-drip", "/500", "/429", "/reset", "/truncated", "/loop-a", "/gzip", "/deflate-raw", "/gbk.html",
          "/big", "/bomb", "/nowhere", "/challenge", "/private/2016.html", "/redirect-offsite", "/flaky"]
HOSTILE_INDEX = "<html><head><meta charset='utf-8'></head><body>" + "".join(
    f'<a href="{path}">某县{2000 + i}年政府信息公开工作年度报告</a>' for i, path in enumerate(FAULTS)
) + '<a href="http://evil.example.invalid/r.html">某县2099年政府信息公开工作年度报告</a>' \
    '<a href="/r/2023.html">某县2023年政府信息公开工作年度报告</a>' \
    '<a href="/r/2023-copy.html">某县2023年政府信息公开工作年度报告(重复链接)</a></body></html>'

REPORT = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="TRS_Editor"><p>{title}</p><p>一、总体情况</p>
<p>附件：<a href="/files/{year}.docx">{title}.docx</a></p></div></body></html>"""


class State:
    def __init__(self):
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()

    def hit(self, path: str) -> int:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State

    def log_message(self, *args):  # keep test output readable
        return

    def send_body(self, body: bytes, status: int = 200, content_type="text/html; charset=utf-8", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path
        n = self.state.hit(path)
        if path == "/robots.txt":
            return self.send_body(ROBOTS_TXT, content_type="text/plain")
        if path == "/hostile/index.html":
            return self.send_body(HOSTILE_INDEX.encode())
        if path == "/list.html":
            return self.send_body(LIST_PAGE.encode())
        if path == "/list_1.html":
            return self.send_body(LIST_PAGE_2.encode())
        if path.startswith("/r/") and path != "/r/missing.html":
            year = path[3:7]
            if self.headers.get("If-None-Match") == f'"{year}"':
                return self._not_modified(year)
            # /r/2023-copy.html serves the very same bytes as /r/2023.html: one page under two URLs
            body = REPORT.format(title=f"某市{year}年政府信息公开工作年度报告", year=year).encode()
            return self.send_body(body, headers={"ETag": f'"{year}"'})
        if path.startswith("/files/"):
            return self.send_body(b"PK\x03\x04 fake docx " + path.encode(), content_type="application/octet-stream")
        if path == "/ok.html":
            return self.send_body("<html><body>你好</body></html>".encode())
        if path == "/session":  # a CMS session cookie, which later pages of a list may need
            return self.send_body(b"<html>ok</html>", headers={"Set-Cookie": "JSESSIONID=s1; Path=/"})
        if path == "/whoami":
            echo = {k: self.headers.get(k) for k in ("User-Agent", "Accept-Encoding", "Cookie")}
            return self.send_body(json.dumps(echo).encode(), content_type="application/json")
        if path == "/gbk.html":
            return self.send_body(GBK_PAGE.encode("gb18030"), content_type="text/html")
        if path == "/slow-drip":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except (BrokenPipeError, ConnectionResetError):
                return
            return
        if path == "/slowish":
            time.sleep(0.2)
            return self.send_body(b"<html>eventually</html>")
        if path == "/hang":
            time.sleep(3)
            return self.send_body(b"late")
        if path == "/500":
            return self.send_body(b"oops", status=500)
        if path == "/flaky":
            return self.send_body(b"oops", status=503) if n < 3 else self.send_body(b"<html>ok now</html>")
        if path == "/429":
            if n < 2:
                return self.send_body(b"slow down", status=429, headers={"Retry-After": "1"})
            return self.send_body(b"<html>thanks</html>")
        if path == "/reset":
            # linger 0 turns close() into a TCP RST; the makefile objects hold the fd open until closed too
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.rfile.close()
            self.wfile.close()
            self.connection.close()
            self.close_connection = True
            return
        if path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"y" * 100)
            self.wfile.flush()
            self.close_connection = True
            return
        if path == "/loop-a":
            return self.send_body(b"", status=302, headers={"Location": "/loop-b"})
        if path == "/loop-b":
            return self.send_body(b"", status=302, headers={"Location": "/loop-a"})
        if path == "/redirect-offsite":
            return self.send_body(b"", status=302, headers={"Location": "http://offsite.example.invalid/x"})
        if path == "/gzip":
            return self.send_body(gzip.compress("压缩的页面".encode()), headers={"Content-Encoding": "gzip"})
        if path == "/deflate-raw":
            c = zlib.compressobj(wbits=-zlib.MAX_WBITS)
            body = c.compress("原始deflate".encode()) + c.flush()
            return self.send_body(body, headers={"Content-Encoding": "deflate"})
        if path == "/bomb":
            return self.send_body(gzip.compress(b"\0" * (20 * 1024 * 1024)), headers={"Content-Encoding": "gzip"})
        if path == "/big":
            return self.send_body(b"z" * (3 * 1024 * 1024))
        if path == "/challenge":
            script = b"<html><script>document.cookie='wzws_cid=abc';location.reload();</script></html>"
            return self.send_body(script, status=412)
        return self.send_body(b"not here", status=404)

    def _not_modified(self, year):
        self.send_response(304)
        self.send_header("ETag", f'"{year}"')
        self.send_header("Content-Length", "0")
        self.end_headers()


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # the crawler hangs up on bombs and oversized bodies on purpose; anything else is a bug
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError)):
            super().handle_error(request, client_address)


@contextmanager
def hostile_server():
    state = State()
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = QuietServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
