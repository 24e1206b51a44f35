"""CMS families: one thin module per family, each a ``FAMILY`` metadata dict plus pure helpers.

Every module exposes ``FAMILY`` (name, how to recognise it, default selectors, body containers in
the PORTALS.md order, pagination template, quirks), ``detect(html, url) -> bool`` and
``page_urls(list_url, total_pages) -> list[str]``. The registry names a family per portal;
``detect_family`` guesses one for an unconfigured page.
"""

from __future__ import annotations

from types import ModuleType

from scrapers.families import (
    aspnet,
    generic,
    gkmlpt,
    hanweb,
    json_api,
    jsp_list,
    numbered,
    trs,
    unified_platform,
)

# detection order: the most specific markers first; trs last before generic because its
# markers (countPage, TRS_Editor) are also copied into other templates
DETECTION_ORDER: tuple[ModuleType, ...] = (
    json_api, gkmlpt, unified_platform, hanweb, aspnet, jsp_list, trs, numbered,
)
FAMILIES: dict[str, ModuleType] = {
    m.FAMILY["name"]: m for m in (*DETECTION_ORDER, generic)
}


def family_for(name: str | None) -> ModuleType:
    """The module of family ``name``; unknown or empty names fall back to ``generic``."""
    return FAMILIES.get((name or "generic").lower(), generic)


def detect_family(html: str, url: str) -> str:
    """Name of the first family whose markers appear in ``html`` / ``url`` (``generic`` if none)."""
    for module in DETECTION_ORDER:
        if module.detect(html, url):
            return module.FAMILY["name"]
    return "generic"


def body_containers(portal) -> tuple[str, ...]:
    """Body selectors to try in order: the portal's own ``body`` first, then its family's list."""
    own = tuple(s.strip() for s in portal.selectors.get("body", "").split(",") if s.strip())
    family = family_for(portal.family).FAMILY["body_containers"]
    return own + tuple(s for s in family if s not in own)


def default_selectors(portal) -> dict[str, str]:
    """The selectors the crawler should pass to ``discover``: family defaults under the portal's own.

    Family defaults never add ``list_links``: discovery treats that key as exclusive (anchor-text
    report discovery is switched off), so only a portal that has been looked at may set it.
    ``body`` is the comma-joined container list of ``body_containers`` (a css group matches in
    document order; callers that need the priority order use ``body_containers``).
    """
    merged = {k: v for k, v in family_for(portal.family).FAMILY["selectors"].items() if k != "list_links"}
    merged.update(portal.selectors)
    merged["body"] = ", ".join(body_containers(portal))
    return merged


def page_urls(family: str | None, list_url: str, total_pages: int) -> list[str]:
    """Every page of a list of ``total_pages`` pages, numbered the way ``family`` numbers them."""
    return family_for(family).page_urls(list_url, total_pages)
