"""Every fact carries the sentence (or table line) around its span, for a reader to check it in its words."""

from xxgk.parsing import extract_document
from xxgk.parsing.facts import CONTEXT_CHARS, sentence_context


def test_the_sentence_around_a_span_stops_at_sentence_ends_and_line_breaks():
    text = "一、概述。2015年，全市共收到政府信息公开申请1207宗，办结率100%。二、其他\n下一行"
    start = text.index("1207宗")
    before, after = sentence_context(text, start, start + len("1207宗"))
    assert before == "2015年，全市共收到政府信息公开申请"
    assert after == "，办结率100%。"
    start = text.index("其他")
    assert sentence_context(text, start, start + 2) == ("二、", "")


def test_context_is_bounded_and_absent_without_a_span():
    text = "甲" * 500 + "12" + "乙" * 500
    before, after = sentence_context(text, 500, 502)
    assert before == "甲" * CONTEXT_CHARS and after == "乙" * CONTEXT_CHARS
    assert sentence_context(text, None, None) == (None, None)
    assert sentence_context(text, 10, 5000) == (None, None)  # a span outside the text is not guessed at


def test_extracted_facts_carry_the_words_around_their_number():
    body = ("<html><head><title>2015年东莞市政府信息公开工作年度报告</title></head><body><div class='article'>"
            "<h1>2015年东莞市政府信息公开工作年度报告</h1><p>2015年，全市共收到政府信息公开申请1207宗，办结率为100%。</p>"
            "</div></body></html>").encode()
    extraction = extract_document(body, content_type="text/html", url="http://www.dg.gov.cn/x.html")
    facts = [f for f in extraction.facts if f["kpi"] == "applications_received"]
    assert facts, extraction.facts
    fact = facts[0]
    assert extraction.text[fact["char_start"]:fact["char_end"]] == fact["raw_text"]
    assert fact["context_before"].endswith("全市共收到政府信息公开申请")
    assert fact["context_after"].startswith("，办结率")


def _context_by_scanning(text, start, end):
    """The definition, read character by character: back to the last break, on to the next one."""
    begin = start
    while begin > 0 and start - begin < CONTEXT_CHARS and text[begin - 1] not in "。！？；\n":
        begin -= 1
    stop = end
    while stop < len(text) and stop - end < CONTEXT_CHARS:
        stop += 1
        if text[stop - 1] in "。！？；\n":
            stop -= text[stop - 1] == "\n"  # a sentence end is kept, a line break is not
            break
    return text[begin:start], text[end:stop]


def test_context_with_precomputed_breaks_matches_a_character_scan():
    import random

    from xxgk.parsing.facts import sentence_breaks

    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice("甲乙12。；！？\n,") for _ in range(rng.randint(0, 400)))
        breaks = sentence_breaks(text)
        for _ in range(10):
            start = rng.randint(0, len(text))
            end = rng.randint(start, len(text))
            assert sentence_context(text, start, end, breaks) == _context_by_scanning(text, start, end), (text, start, end)
