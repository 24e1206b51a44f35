"""Helpers shared by the family modules (kept tiny: the families are data first)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# PORTALS.md "Body containers, in the order worth trying"; families put their own first
BODY_CONTAINERS = (
    "#ivs_content", "#webeditorview", ".TRS_Editor", ".trs_editor_view", ".Custom_UnionStyle", "#zoom",
    "#zoomcon", ".article-content", ".xxgk_content", ".zw-content", "div.activity",
)
# the anchors discovery already reads by text; a css version for portals that want it explicit
NEXT_PAGE = "a.next, a.next-page, a[title='下一页']"


def ordered(*groups: tuple[str, ...]) -> tuple[str, ...]:
    """Concatenate selector tuples, first occurrence wins (a family's own containers go first)."""
    seen: dict[str, None] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item, None)
    return tuple(seen)


def with_query(url: str, **params: str) -> str:
    """``url`` with the given query parameters set, every other parameter kept in its place."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    keys = {k for k, _ in query}
    query = [(k, params.get(k, v)) for k, v in query]
    query += [(k, v) for k, v in params.items() if k not in keys]
    return urlunsplit(parts._replace(query=urlencode(query)))
