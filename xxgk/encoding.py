"""Bytes to text for Chinese government pages.

Order: BOM, then the charset in the Content-Type header, then a <meta> charset, then a sniff.
gb2312 and gbk are read as GB18030 (their superset): old CMS templates declare gb2312 while
serving characters outside it. requests' own guess (ISO-8859-1 for text/html) is never used.
"""

from __future__ import annotations

import codecs
import re

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
GB_FAMILY = {"gb2312", "gbk", "gb_2312-80", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def normalise_charset(name: str | None) -> str | None:
    """The Python codec for a declared charset: the GB family as gb18030, big5 as big5hkscs (their supersets);
    None when empty or unknown."""
    if not name:
        return None
    name = name.strip().lower()
    if name in GB_FAMILY:
        return "gb18030"
    if name in ("utf8", "utf-8"):
        return "utf-8"
    if name == "big5":
        return "big5hkscs"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def detect_encoding(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(encoding, how it was decided): 'bom', 'header', 'meta' or 'sniff'."""
    for bom, name in BOMS:
        if body.startswith(bom):
            return name, "bom"
    if content_type:
        m = HEADER_CHARSET.search(content_type)
        charset = normalise_charset(m.group(1)) if m else None
        if charset and _decodes(body, charset):
            return charset, "header"
    m = META_CHARSET.search(body[:4096])
    if m:
        charset = normalise_charset(m.group(1).decode("ascii", "replace"))
        if charset and _decodes(body, charset):
            return charset, "meta"
    if _decodes(body, "utf-8"):
        return "utf-8", "sniff"
    if _decodes(body, "gb18030"):
        return "gb18030", "sniff"
    return "utf-8", "sniff"


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """A page's text in the detected encoding; undecodable bytes become U+FFFD rather than failing."""
    encoding, _how = detect_encoding(body, content_type)
    return body.decode(encoding, errors="replace")
