"""The suspect-mirror flag: gambling spam that hijacked copies inject, or a host outside gov.cn."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# gambling strings injected by hijacked mirrors; words that also occur in real reports (彩票 of the
# welfare lottery, 澳门 in Guangdong reports) are left out
_SPAM_WORDS = re.compile(r"博彩|娱乐城|娱乐娱城|体育投注|体育在线|买球|欧洲杯|世界杯竞猜|威廉希尔|bet\d+|\d+bet|百家乐|葡京|赌场|"
                         r"真人娱乐|彩票投注|线上app官网|App Store", re.IGNORECASE)
_KNOWN_HOSTS = ("gov.cn",)


def is_suspect_mirror(url: str | None, fold_text: str) -> bool:
    """The page carries injected gambling spam, or was served by a host outside gov.cn."""
    if _SPAM_WORDS.search(fold_text, 0, 8000):
        return True
    if not url:
        return False
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return False
    return not any(host == known or host.endswith("." + known) for known in _KNOWN_HOSTS)
