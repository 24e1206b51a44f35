"""Sentence fingerprints for 雷同 (copied reports), on real texts."""

from __future__ import annotations

import itertools
import re

from xxgk.parsing import extract_document
from xxgk.parsing.similarity import jaccard, sentence_hashes



def _text(path) -> str:
    return extract_document(path.read_bytes(), content_type="text/plain").text


def test_a_copy_with_new_figures_is_the_same_text(gold_dir):
    text = _text(gold_dir / "huaian_2024.txt")
    copied = re.sub(r"\d+", lambda m: str(int(m.group()) * 3 + 1), text)
    assert jaccard(sentence_hashes(text), sentence_hashes(copied)) >= 0.95


def test_different_reports_share_little(gold_dir):
    texts = [_text(p) for p in sorted(gold_dir.glob("seeds/*.txt")) + [gold_dir / "huaian_2024.txt"]]
    scores = [jaccard(sentence_hashes(a), sentence_hashes(b)) for a, b in itertools.combinations(texts, 2)]
    assert max(s for s in scores if s is not None) < 0.5  # well under the 0.8 of marts.fct_reports


def test_a_rewritten_half_is_not_a_copy(gold_dir):
    text = _text(gold_dir / "huaian_2024.txt")
    sentences = text.split("。")
    half = "。".join(s if i % 2 else s[::-1] for i, s in enumerate(sentences))
    assert jaccard(sentence_hashes(text), sentence_hashes(half)) < 0.8
