"""Hanweb JCMS (大汉): col/col<id>/index.html lists, art_<col>_<id>.html articles, module/xxgk/search.jsp."""

from __future__ import annotations

from scrapers.families._common import BODY_CONTAINERS, ordered

FAMILY = {
    "name": "hanweb",
    "recognise": "urls col/col<id>/index.html or art/YYYY/M/D/art_<col>_<id>.html; module/xxgk/search.jsp, "
                 "module/download/downfile.jsp, jcms scripts in the page",
    "body_containers": ordered(("#zoom", ".article-content"), BODY_CONTAINERS),
    "pagination": "index.html?uid=…&pageNum={n}",
    "quirks": [
        "list pages are col/col<id>/index.html?uid=<block>&pageNum=N, N from 1; other query keys must be kept",
        "the disclosure module module/xxgk/search.jsp is queried by post (divid, i_id, webid): a get is empty",
        "attachments come through module/download/downfile.jsp?…, so the extension is not in the path",
        "list items are often inside <script type=\"text/xml\"> <record><![CDATA[…]]></record> blocks",
    ],
}
