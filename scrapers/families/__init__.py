"""CMS families: one thin module per family, each a ``FAMILY`` config dict and nothing else.

``FAMILY`` holds the name, how to recognise it and its pagination (shown on docs/portals.md),
its body containers (its own first, then the one list in xxgk/parsing/labels/body_containers.csv)
and quirks. The registry names a family per portal; the crawl reads the containers through
``default_selectors`` and stores them with the portal snapshot (raw.portals.selectors).
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

FAMILIES: dict[str, ModuleType] = {
    m.FAMILY["name"]: m for m in (json_api, gkmlpt, unified_platform, hanweb, aspnet, jsp_list, trs, numbered, generic)
}


def family_for(name: str | None) -> ModuleType:
    """The module of family ``name``; unknown or empty names fall back to ``generic``."""
    return FAMILIES.get((name or "generic").lower(), generic)


def body_containers(portal) -> tuple[str, ...]:
    """Body selectors to try in order: the portal's own ``body`` first, then its family's list."""
    own = tuple(s.strip() for s in portal.selectors.get("body", "").split(",") if s.strip())
    family = family_for(portal.family).FAMILY["body_containers"]
    return own + tuple(s for s in family if s not in own)


def default_selectors(portal) -> dict[str, str]:
    """The selectors the crawler should pass to ``discover``: the portal's own, with ``body`` made
    the full container list.

    ``body`` is the comma-joined container list of ``body_containers`` (a css group matches in
    document order; callers that need the priority order use ``body_containers``).
    """
    merged = dict(portal.selectors)
    merged["body"] = ", ".join(body_containers(portal))
    return merged
