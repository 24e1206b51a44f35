"""``pattern.finditer`` without trying the pattern at every position of a report.

Python's regex engine skips ahead only to a literal prefix, or to a set of first characters when
every branch opens with a literal. A prose pattern that opens with an optional word
(``(?:共|全年)?受理…``), a look-behind or a quantity (``\\s*\\d…``) is tried at each of a report's
thousands of positions, which cost more than the rest of prose extraction. Read from the pattern
itself, two facts let a scan skip that work and give exactly the same matches:

- the characters a match can start with (when they are a finite set of literal characters): the
  pattern is tried only where one of them stands;
- words one of which every match contains: without any of them in the text there is no match.
"""

from __future__ import annotations

import re
import re._constants as sre  # the parsed form of a pattern: re's own parser, stable across 3.11+
import re._parser as sre_parse
from collections.abc import Iterator

_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)


class _Unknown(Exception):
    """The pattern uses a construct whose first characters are not a finite literal set."""


def _first(items: list) -> tuple[set[str], bool]:
    """(the characters a match of this sequence can start with, whether it can match empty)."""
    chars: set[str] = set()
    for op, av in items:
        first, empty = _first_of_item(op, av)
        chars |= first
        if not empty:
            return chars, False
    return chars, True


def _first_of_item(op, av) -> tuple[set[str], bool]:
    """(the characters one parsed item can start with, whether it can match empty)."""
    if op in _ZERO_WIDTH:
        return set(), True  # a look-around or an anchor consumes nothing: the next item starts the match
    if op is sre.LITERAL:
        return {chr(av)}, False
    if op is sre.IN:
        if not all(kind is sre.LITERAL for kind, _value in av):
            raise _Unknown  # a range, a category or a negated set
        return {chr(value) for _kind, value in av}, False
    if op is sre.BRANCH:
        chars, nullable = set(), False
        for alternative in av[1]:
            first, empty = _first(alternative)
            chars |= first
            nullable = nullable or empty
        return chars, nullable
    if op is sre.SUBPATTERN:
        return _first(av[-1])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, item = av
        first, empty = _first(item)
        return first, empty or low == 0
    raise _Unknown


def first_characters(pattern: re.Pattern) -> str | None:
    """The characters every match of ``pattern`` starts with, or None when they are not known."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        chars, empty = _first(list(sre_parse.parse(pattern.pattern, pattern.flags)))
    except _Unknown:
        return None
    return None if empty or not chars else "".join(sorted(chars))


def _literal_words(items: list) -> list[str] | None:
    """The words an alternative consisting only of literal characters spells, else None."""
    word = []
    for op, av in items:
        if op is not sre.LITERAL:
            return None
        word.append(chr(av))
    return ["".join(word)] if word else None


def required_words(pattern: re.Pattern) -> tuple[str, ...] | None:
    """Words one of which every match of ``pattern`` contains (the longest such set found among
    its top-level items: a run of literals, or a group of literal alternatives), else None."""
    if pattern.flags & re.IGNORECASE:
        return None
    best: list[str] | None = None
    run: list[str] = []
    candidates: list[list[str]] = []
    for op, av in list(sre_parse.parse(pattern.pattern, pattern.flags)) + [(None, None)]:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append(["".join(run)])
            run = []
        if op is sre.SUBPATTERN:
            op, av = (av[-1][0] if len(av[-1]) == 1 else (None, None))
        if op is sre.BRANCH:
            words = [_literal_words(alternative) for alternative in av[1]]
            if all(words):
                candidates.append([w for found in words for w in found])
        elif op is sre.IN and all(kind is sre.LITERAL for kind, _value in av):
            candidates.append([chr(value) for _kind, value in av])  # (?:件|宗) compiles to a set
    for words in candidates:
        if best is None or min(map(len, words)) > min(map(len, best)):
            best = words
    return tuple(best) if best else None


class Scanner:
    """A compiled pattern with what lets it skip the positions no match can start at."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        first = first_characters(pattern)
        self._starts = re.compile("[" + re.escape(first) + "]") if first else None
        self._words = required_words(pattern)

    def finditer(self, text: str) -> Iterator[re.Match]:
        """Exactly ``self.pattern.finditer(text)``."""
        if self._words is not None and not any(word in text for word in self._words):
            return iter(())
        if self._starts is None:
            return self.pattern.finditer(text)
        return self._from_starts(text)

    def _from_starts(self, text: str) -> Iterator[re.Match]:
        resume = 0
        for start in self._starts.finditer(text):
            if start.start() < resume:
                continue  # inside the previous match, as finditer resumes at its end
            m = self.pattern.match(text, start.start())
            if m:
                yield m
                resume = m.end()
