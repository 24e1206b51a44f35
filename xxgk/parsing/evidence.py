"""Where a report comes from, witness by witness (the host that served it, its portal, the link,
the title, the text), and the division the site stands for."""

from __future__ import annotations

import re
from collections import Counter

from xxgk.parsing import gazetteer as gz
from xxgk.parsing.facts import quality_issue
from xxgk.parsing.normalize import fold, to_simplified


def site_evidence(*, url: str | None, portal_name: str | None, portal_province: str | None,
                  link_text: str | None, title: str | None, fold_text: str,
                  year: int | None) -> list[gz.Evidence]:
    """What each witness says about where the report comes from, strongest first: the
    government host that served it, the portal registered for that host, the link that named
    it, its title, and the divisions its text names unambiguously."""
    evidence: list[gz.Evidence] = []
    host = gz.host_evidence(url, year=year)
    if host:
        evidence.append(gz.Evidence("url", tuple(d for options in host for d in options), host[-1]))
    portal: list[gz.Division] = []
    if portal_name:
        portal += [d for d in gz.parse_chain(fold(to_simplified(portal_name)), year=year)[0]
                   if isinstance(d, gz.Division)]
    deepest = tuple(portal[-1:])
    if portal_province:
        portal += [d for d in gz.candidates(portal_province) if d.level == "province"]
    if portal:
        evidence.append(gz.Evidence("portal", tuple(portal), deepest or tuple(portal[-1:])))
    for source, text in (("link_text", link_text), ("title", title)):
        if text:
            found = gz.find_places(fold(to_simplified(text)), year)
            if found:
                evidence.append(gz.Evidence(source, found))
    head = fold_text[:8000]
    found = tuple(d for d in gz.find_places(head, year) if not _named_only_as_elsewhere(d, head))
    found += tuple(d for d in gz.credit_code_divisions(head[:3000], year) + gz.zone_cities(head[:3000], year)
                   + gz.new_area_divisions(head[:3000], year) if d not in found)
    if found:
        evidence.append(gz.Evidence("text", found))
    return evidence


# a place a report names as the object of its aid, visits or lessons (对口支持都江堰市, 赴浙江学习,
# 与黔东南州结对) is another body's place, not the report's
_ELSEWHERE = re.compile(r"(?:对口(?:支援|支持|帮扶|协作)|援助|援建|帮扶|结对|协作|支援|赴|前往|学习|借鉴|考察|"
                        r"东西部|援)[^。，,；;\n]{0,6}$")


def _named_only_as_elsewhere(division: gz.Division, text: str) -> bool:
    """Every mention of the division in ``text`` reads as another place the report deals with."""
    names = {division.name} | ({division.short} if division.short and len(division.short) >= 2 else set())
    starts = [m.start() for name in names for m in re.finditer(re.escape(name), text)]
    return bool(starts) and all(_ELSEWHERE.search(text[max(0, start - 12):start]) for start in starts)


def site_division(evidence: list[gz.Evidence]) -> tuple[gz.Division | None, str | None]:
    """The most specific division the site (host, then portal) stands for, when it is one."""
    for witness in evidence:
        if witness.source not in ("url", "portal"):
            continue
        innermost = witness.innermost
        if not innermost:
            continue
        mention = innermost[0] if len(innermost) == 1 else gz.Unresolved("site", innermost)
        others = [w for w in evidence if w is not witness]
        division, _used = gz.resolve(mention, others)
        if division is not None:
            return division, witness.source
    return None, None


def record_ambiguous_site(evidence: list[gz.Evidence], issuer: str, issues: list) -> None:
    """The site could stand for several divisions (weibin.gov.cn: 渭滨区 or 卫滨区) and nothing
    else said which: the issuer keeps the name it was printed with, and the candidates are kept."""
    for witness in evidence:
        if witness.source in ("url", "portal") and len(witness.innermost) > 1:
            issues.append(quality_issue("place-ambiguous", "warning",
                                        f"the {witness.source} names {len(witness.innermost)} divisions and nothing "
                                        f"else picks one: {issuer} left without its area",
                                        {"issuer": issuer, "witness": witness.source,
                                         "candidates": [f"{d.province}{d.prefecture}{d.name} ({d.code})"
                                                        for d in witness.innermost]}))
            return


def text_county(fold_text: str, evidence: list[gz.Evidence], year: int | None) -> gz.Division | None:
    """The county a township report's text is about: the one county it names, or the county
    whose short name it repeats ('中国永嘉'), inside what the other witnesses allow."""
    text = next((w for w in evidence if w.source == "text"), None)
    counties = {d for d in (text.divisions if text else ()) if d.level == "county"}
    if len(counties) == 1:
        return counties.pop()
    if counties:
        return None  # several counties named: not ours to pick
    allowed = [d for w in evidence if w.source != "text" for d in w.divisions]
    cities = [d for d in (text.divisions if text else ()) if d.level == "city"]
    return gz.find_short_county(fold_text[:8000], within=tuple(allowed or cities), year=year)


def dominant_province(evidence: list[gz.Evidence], share: float = 0.75) -> tuple[str | None, str | None]:
    """A province every witness agrees on, or the one the text names in ``share`` of its mentions.

    Reports name other provinces (学习浙江经验); one mention of them must not move the report."""
    for witness in evidence:
        provinces = Counter(d.province for d in witness.divisions)
        if not provinces:
            continue
        province, count = provinces.most_common(1)[0]
        if witness.source != "text" and len(provinces) == 1:
            return province, witness.source
        if witness.source == "text" and count >= share * sum(provinces.values()):
            return province, "text"
    return None, None
