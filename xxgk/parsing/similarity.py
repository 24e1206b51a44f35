"""Sentence fingerprints for 雷同: a report copied from the previous year's, numbers changed.

Each sentence, with its digits and spaces taken out, is hashed; two reports are compared by
the Jaccard index of their sets of sentence hashes (``marts.fct_reports.previous_year_similarity``).
A copy that only updates the figures keeps nearly every sentence; two honest reports of one body
share their boilerplate (the 条例 citations, section headings) and little else. Sentences under
``MIN_CHARS`` are headings and table cells, and say nothing about copying.
"""

from __future__ import annotations

import hashlib
import re

MIN_CHARS = 12
MAX_SENTENCES = 600
_SENTENCE_END = re.compile(r"[。！？；;!?\n]+")
_NOISE = re.compile(r"[\s\d０-９,，.．、%％()（）〔〕\[\]“”\"'：:|—\-－]+")


def sentence_hashes(text: str) -> list[int]:
    """Sorted distinct signed 64-bit hashes of the report's sentences, digits removed."""
    hashes = set()
    for sentence in _SENTENCE_END.split(text):
        core = _NOISE.sub("", sentence)
        if len(core) < MIN_CHARS:
            continue
        digest = hashlib.blake2b(core.encode("utf-8"), digest_size=8).digest()
        hashes.add(int.from_bytes(digest, "big", signed=True))
        if len(hashes) >= MAX_SENTENCES:
            break
    return sorted(hashes)


def jaccard(a: list[int], b: list[int]) -> float | None:
    """What marts.fct_reports computes in SQL, for tests and for picking the threshold."""
    union = set(a) | set(b)
    return len(set(a) & set(b)) / len(union) if union else None
