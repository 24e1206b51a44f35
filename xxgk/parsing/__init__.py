"""Parsing: pure functions from landed bytes to typed records (never the network).

``extract_document(body, content_type=, url=, hints=)`` returns an ``Extraction`` whose
``document`` matches the columns of ``parsed.documents`` (without sha256, parser_version and
parsed_at), whose ``facts`` match ``parsed.facts`` (without sha256 and fact_seq), and whose
``issues`` match ``parsed.quality_issues``; ``text`` is what the facts' spans index into.
"""

from xxgk.parsing.extract import PARSER_VERSION, Extraction, extract_document, warm_up

__all__ = ["PARSER_VERSION", "Extraction", "extract_document", "warm_up"]
