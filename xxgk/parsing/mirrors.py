"""The suspect-mirror flag: gambling spam that hijacked copies inject, or a host outside gov.cn."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .normalize import fold

# gambling strings injected by hijacked mirrors; words that also occur in real reports (彩票 of the
# welfare lottery, 澳门 in Guangdong reports) are left out. Plain substrings (lower case) where they
# can be: one regex alternation tried at every position cost more than the rest of the flag's work.
# Folded as the text is (fold writes 线上 as 在线: "线上app官网" had never matched)
_SPAM_WORDS = tuple(fold(word).lower() for word in (
    "博彩", "娱乐城", "娱乐娱城", "体育投注", "体育在线", "买球", "欧洲杯", "世界杯竞猜", "威廉希尔", "百家乐", "葡京", "赌场",
    "真人娱乐", "彩票投注", "线上app官网", "app store"))
_BET_NUMBER = re.compile(r"bet\d|\dbet")
_KNOWN_HOSTS = ("gov.cn",)


def is_suspect_mirror(url: str | None, fold_text: str) -> bool:
    """The page carries injected gambling spam, or was served by a host outside gov.cn."""
    if _has_spam(fold_text[:8000].lower()):
        return True
    if not url:
        return False
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return False
    return not any(host == known or host.endswith("." + known) for known in _KNOWN_HOSTS)


def _has_spam(window: str) -> bool:
    return any(word in window for word in _SPAM_WORDS) or ("bet" in window and _BET_NUMBER.search(window) is not None)
