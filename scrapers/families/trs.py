"""TRS WCM, the most common government CMS (PORTALS.md, "Platform families")."""

from __future__ import annotations

from scrapers.families._common import BODY_CONTAINERS, ordered

FAMILY = {
    "name": "trs",
    "recognise": "createPageHTML(...) / countPage script, .TRS_Editor or .trs_editor_view body, "
                 "<meta name=\"ArticleTitle\">, article urls ./YYYYMM/tYYYYMMDD_<id>.html",
    "body_containers": ordered((".TRS_Editor", ".trs_editor_view"), BODY_CONTAINERS),
    "pagination": "index_{n}.html",
    "quirks": [
        "the first page is index.html, the second index_1.html: page n (1-based) is index_{n-1}",
        "the page count sits in a script (countPage, createPageHTML(total, current, \"index\", \"html\"))",
        "some sites serve .shtml (昆明: index_{n}.shtml); the extension of the list url is kept",
        "issuer and date often sit in <meta name=\"ContentSource\"> / <meta name=\"PubDate\">, not the body",
    ],
}
