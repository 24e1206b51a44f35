"""A pattern's scan that skips positions gives exactly the matches ``finditer`` gives."""

from __future__ import annotations

import random
import re
from functools import lru_cache
from pathlib import Path

import pytest

from xxgk.parsing.normalize import fold
from xxgk.parsing.prose import _SIMPLE_PATTERNS
from xxgk.parsing.scan import Scanner, first_characters, required_words

from .conftest import GOLD

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wild"


@pytest.mark.parametrize("pattern,first", [
    (r"(?:共|全年)?(?:受理|收到)了?\d+件", "全共受收"),
    (r"(?<![及和与])(?:政策)?解读\d+篇", "政解"),  # a look-behind consumes nothing
    (r"[甲乙]?丙", "丙乙甲"),
    (r"\s*\d+件", None),  # a category: not a finite set of characters
    (r"[a-z]x", None),  # a range
    (r"(?:共)?", None),  # a match can be empty
    (r"(?i)abc", None),  # case folded
])
def test_first_characters(pattern, first):
    assert first_characters(re.compile(pattern)) == first


@pytest.mark.parametrize("pattern,words", [
    (r"\d+(?:宗|件)不予公开", ("不予公开",)),
    (r"(?:全职|专职)(?:工作)?人员\s*\d+", ("全职", "专职")),  # the group of literals beats the shorter run
    (r"(?:网上|互联网)?申请", ("申请",)),  # an optional group is no requirement
    (r"\d+(?:件|宗)", ("件", "宗")),
    (r"\d+[件宗]?", None),
])
def test_required_words(pattern, words):
    assert required_words(re.compile(pattern)) == words


@lru_cache(maxsize=1)
def _texts() -> list[str]:
    paths = sorted(FIXTURES.glob("*.txt")) + sorted((GOLD / "dev").glob("*.txt"))
    assert len(paths) >= 50
    return [fold(p.read_text(encoding="utf-8")) for p in paths]


def _spans(matches) -> list[tuple]:
    return [(m.span(), m.groupdict()) for m in matches]


@pytest.mark.parametrize("kpi,pattern", [(kpi, pattern) for kpi, pattern, _flag in _SIMPLE_PATTERNS])
def test_prose_patterns_scan_as_finditer_on_real_reports(kpi, pattern):
    scanner = Scanner(pattern)
    for text in _texts():
        assert _spans(scanner.finditer(text)) == _spans(pattern.finditer(text)), kpi


def test_a_scan_resumes_after_each_match_as_finditer_does():
    # overlapping candidates: 共受理 starts a match at 共, and 受 inside it must not start another
    pattern = re.compile(r"(?:共)?受理\d+件(?:受理)?")
    text = "共受理3件受理4件,受理5件"
    assert _spans(Scanner(pattern).finditer(text)) == _spans(pattern.finditer(text))
    rng = random.Random(11)
    for _ in range(3000):
        sample = "".join(rng.choice(["共", "受理", "3", "件", ",", "全年", "收到"]) for _ in range(rng.randint(0, 12)))
        assert _spans(Scanner(pattern).finditer(sample)) == _spans(pattern.finditer(sample)), sample
