"""Numbers stated in prose: narrative KPIs of every era and the 2008-era statistics in words.

Patterns run on the folded text (same length as the stored text), or on a view with line
breaks removed when the text is hard-wrapped (PDF), with an index map back to the text.
Each KPI takes the first statement that passes its filters: later figures of the same kind
are usually sub-channels, categories or cumulative totals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xxgk.parsing.facts import make_fact, quality_issue
from xxgk.parsing.labels import kpi_unit
from xxgk.parsing.numbers import QUANTITY, Number, number_from_match, quantity_pattern
from xxgk.parsing.scan import Scanner


@dataclass
class ProseView:
    """The text the prose patterns run on, with where each character sits in the stored text."""

    text: str
    index: list[int] | None  # position in the stored text of each character of ``text``

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the view as a span of the stored text."""
        if self.index is None:
            return start, end
        return self.index[start], self.index[end - 1] + 1


def prose_view(fold_text: str, hard_wrapped: bool) -> ProseView:
    """The folded text, with line breaks removed when it is hard-wrapped (PDF)."""
    if not hard_wrapped:
        return ProseView(fold_text, None)
    index: list[int] = []
    for m in re.finditer(r"[^\n]+", fold_text):
        index.extend(range(m.start(), m.end()))
    return ProseView(fold_text.replace("\n", ""), index)


def is_hard_wrapped(text: str) -> bool:
    """Most lines are short and end mid-sentence: text wrapped at a fixed width."""
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 10:
        return False
    unfinished = sum(1 for line in lines if not line.rstrip().endswith(("。", ":", ":", ";", ")", "）", "|")))
    mean_length = sum(len(line) for line in lines) / len(lines)
    return mean_length < 45 and unfinished / len(lines) > 0.5


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern.replace("QTY", QUANTITY))


_SUB_SCOPE = re.compile(r"及其部门|市级机关|各区|县\(区\)|区\(市\)|本级")
_CLAUSE_BREAK = re.compile(r"[,，。;；:：\n]")
_SENTENCE_BREAK = re.compile(r"[。;；\n]")
_WEBSITE = re.compile(r"网站|门户网|政府网|政务网|官网")
_OTHER_CHANNEL = re.compile(r"微信|微博|新媒体|公众号|专栏|公报|政报|客户端|报纸|电视|媒体|广播|头条|抖音|快手|视频号|政务号|"
                            r"小程序|短信")
_PROACTIVE = _rx(r"(?:主动公开|公开发布|公开上传|发布|公开|上传)了?(?P<obj>(?:各类)?(?:政府)?信息)数?\s*"
                 r"(?:共计|共有|总计|共|达|有)?\s*QTY\s*条")
# the count before the noun ("公开发布67条政府信息"), or no noun after 主动公开 ("主动公开907条"); never
# 政务信息, the news of government work, which is not the regulation's 政府信息 (gold dev/029)
_PROACTIVE_NUMBER_FIRST = _rx(r"(?:主动公开|公开发布|发布|公开)了?\s*QTY\s*条(?:各类)?政府信息")
_PROACTIVE_BARE = _rx(r"主动公开了?\s*QTY\s*条")
# "主动公开…等内容N条", "主动公开规划信息、统计信息…等共计80余条"; never "…等动态信息590条", one
# category of a list ("…等信息87条,公开助企纾困信息136条")
_PROACTIVE_CONTENT = _rx(r"主动公开(?:[^,。;\n]{2,40}?等内容|[^,。;\n]{2,60}?等\s*(?:共计|合计|总计|共))\s*QTY\s*条")
# "since the regulation took effect" totals; 今年以来 and 全年累计 are the year itself
_CUMULATIVE_BEFORE = re.compile(r"(?<!今年)(?<!本年)(?<!年初)以来|历年|(?<!年)(?<!年度)累计")
# "2019年我镇在目录系统累计主动公开…": 累计 after the year in the same sentence is the year's
# total; 截至 / 以来 / 历年 still mean since the beginning
_SINCE_EVER = re.compile(r"截至|截止|以来|历年|至今")
_YEAR_IN_SENTENCE = re.compile(r"(?:19|20)\d{2}\s*年(?!\s*\d)")

_SIMPLE_PATTERNS: tuple[tuple[str, re.Pattern, str | None], ...] = (
    ("applications_received", _rx(r"(?:共|全年)?(?:受理|收到|接到|接收|提交|提出)了?(?:群众|公众|社会公众|公民|市民|申请人)?"
                                  r"(?:各类)?(?:政府信息公开|依申请公开|政府信息依申请公开|"
                                  r"信息公开)(?:政府信息)?(?:申请|事项)\s*QTY\s*(?:件|宗|条|个)"), None),
    # "收到群众依申请公开1件": the requests named by the procedure alone
    ("applications_received", _rx(r"(?:共|全年)?(?:受理|收到|接到|接收)了?(?:答复)?(?:群众|公众|社会公众|公民|市民|申请人)?"
                                  r"(?:政府信息)?依申请公开(?:件|申请|信息)?\s*QTY\s*(?:件|宗)"), None),
    ("applications_received", _rx(r"(?:共|全年)?(?:受理|收到|接到)了?\s*QTY\s*(?:件|宗|条|个)(?:政府信息公开|依申请公开|信息公开)申请"),
     None),
    ("applications_received", _rx(r"(?:共|全年)?(?:受理|收到|接到|接收)了?(?P<middle>[^,。;，]{0,16}?)(?:公开)?申请(?:共|合计)?\s*QTY\s*"
                                  r"(?:件|宗|条|个|份)"), "not-cases"),
    # "共收到申请政府信息公开26件": the request named after 申请
    ("applications_received", _rx(r"(?:共|全年)?(?:受理|收到|接到)了?申请(?:政府信息公开|公开政府信息)\s*QTY\s*(?:件|宗)"), None),
    ("applications_received_natural_person", _rx(r"其中\s*,?\s*自然人(?:申请|提出)?\s*QTY\s*件"), "2019+"),
    ("results_total", _rx(r"答复(?:政府信息公开申请)?\s*QTY\s*件\s*[(（]\s*含上一?年度?(?:结转|转结)"), "2019+"),
    ("applications_carried_in", _rx(r"含(?:上一?年度?|(?:19|20)\d{2}\s*年度?)(?:结转|转结)的?(?:政府信息公开)?(?:申请)?"
                                    r"\s*QTY\s*件"), "2019+"),
    ("applications_carried_forward", _rx(r"另有\s*QTY\s*件(?:申请)?(?:转结|结转|顺延)(?:到|至)?下一?年度"), "2019+"),
    # "…申请…办结34件,转结下年度继续办理0件" / "结转下一年2件"
    ("applications_carried_forward", _rx(r"(?:转结|结转)(?:到|至)?下一?年度?(?:继续办理)?\s*QTY\s*件"), "2019+ applications"),
    # the outcomes as a breakdown of the year's applications ("其中,予以公开7件、部分公开5件"), never a
    # clause of their own ("政府…予以公开2件;部门…": one part of the body's figures)
    ("result_granted", _rx(r"其中\s*[,，:：]?\s*予以公开\s*QTY\s*件"), "2019+ applications"),
    ("result_partially_granted", _rx(r"其中\s*[,，:：]?\s*予以公开\s*\d+\s*件\s*[、,，]\s*部分公开\s*QTY\s*件"),
     "2019+ applications"),
    # never one count of both ("涉行政复议、行政诉讼案件7件"): which part is whose is not said
    ("admin_reconsideration_total", _rx(r"(?<!诉讼、)(?<!诉讼和)(?<!诉讼及)(?<!诉讼与)行政复议(?:申请|案件)?\s*QTY\s*"
                                        r"(?:件|起|宗)"), None),
    ("admin_litigation_total", _rx(r"(?<!复议、)(?<!复议和)(?<!复议及)(?<!复议与)行政诉讼(?:案件)?\s*QTY\s*(?:件|起|宗)"), None),
    ("replies_denied_total", _rx(r"(?:共有)?\s*QTY\s*(?:宗|件|条)不予公开"), "2008"),
    ("replies_denied_total", _rx(r"不予公开(?:的)?(?:政府信息)?\s*QTY\s*(?:宗|件|条)"), "2008"),
    ("hot_topic_responses", _rx(r"回应公众关注热点或重大舆情数?\s*QTY\s*(?:次|条|个|件)"), None),
    ("press_conferences", _rx(r"新闻发布会\s*QTY\s*场"), None),
    # "本年度共举办79次新闻发布会": the count before the noun
    ("press_conferences", _rx(r"(?:举办|召开|组织召开)了?\s*QTY\s*(?:次|场)(?:新闻发布会)"), None),
    # never a category joined to another ("法规文件及解读2条")
    ("policy_interpretations", _rx(r"(?<![及和与])(?:政策)?解读(?:信息|文件|稿件|材料)?\s*QTY\s*(?:篇|条|个|件)"), None),
    ("fee_income_yuan", _rx(r"信息处理费\s*QTY\s*元"), None),
    # "政府信息公开专栏全年访问量达26万多人次" (never a page's own hit counter "访问量:0", which has no 次)
    ("page_views", _rx(r"(?:专栏|专题|网站|网页|门户)[^。,;，；\n]{0,12}?(?:访问量|浏览量|点击量|访问人次)"
                       r"(?:达到?|为|共|约)?\s*QTY\s*(?:人次|次)"), "2008 this year"),
    ("consultations_total", _rx(r"(?:受理|接受|接待|处理|答复)(?:群众|公众|市民|社会)?(?:各类)?咨询\s*QTY\s*(?:人次|次|件|个)"), "2008"),
    ("staff_fulltime", _rx(r"(?:全职|专职)(?:工作)?(?:人员)?\s*QTY\s*(?:人|名)"), "2008"),
    # "配备了4名政府信息公开全职工作人员,60名兼职工作人员"
    ("staff_fulltime", _rx(r"QTY\s*(?:名|人)(?:政府信息公开|信息公开)?(?:全职|专职)(?:工作)?人员"), "2008"),
    ("staff_parttime", _rx(r"兼职(?:工作)?(?:人员)?\s*QTY\s*(?:人|名)"), "2008"),
    ("staff_parttime", _rx(r"QTY\s*(?:名|人)(?:政府信息公开|信息公开)?兼职(?:工作)?人员"), "2008"),
    ("fees_collected_yuan", _rx(r"收取[^。;,]{0,16}?费用?(?:共计|合计|共)?\s*QTY\s*元"), "2008"),
    ("proactive_full_text_electronic_items", _rx(r"全文电子化的?(?:主动公开)?(?:政府)?信息(?:数)?\s*QTY\s*条"), "2008"),
    ("replies_total", _rx(r"(?:已|共)?答复(?:申请)?(?:人)?\s*QTY\s*(?:件|宗|条)"), "2008 not other requests"),
    ("replies_partially_granted", _rx(r"(?:同意)?部分公开的?\s*QTY\s*(?:件|宗|条)"), "2008"),
    ("replies_granted", _rx(r"(?<!部分)(?:同意|予以)公开的?\s*QTY\s*(?:件|宗|条)"), "2008"),
    ("replies_info_not_exist", _rx(r"(?:政府)?信息不存在的?\s*QTY\s*(?:件|宗|条)"), "2008"),
    ("replies_not_held_by_agency", _rx(r"(?:非本(?:机关|部门|单位)(?:掌握|政府信息)?|不属于本(?:机关|部门|单位)"
                                       r"(?:公开|掌握)?(?:范围)?)的?\s*QTY\s*(?:件|宗|条)"), "2008"),
    ("replies_unclear", _rx(r"申请内容不明确的?\s*QTY\s*(?:件|宗|条)"), "2008"),
    ("application_reception_points", _rx(r"(?:设立|设置)?(?:依申请公开)?受理点\s*QTY\s*个"), "2008"),
    ("application_reception_points", _rx(r"(?:设立|设置|设有)了?\s*QTY\s*个(?:专门的)?(?:政府)?(?:信息)?(?:公开)?"
                                         r"(?:申请)?受理点"), "2008"),
    ("applications_in_person", _rx(r"当面(?:申请|提出|提交)(?:的)?(?:申请)?\s*QTY\s*(?:件|宗|条|个|份)"), "2008"),
    ("applications_online", _rx(r"(?:网上|网络|互联网|在线)(?:申请|提出|提交)(?:的)?(?:申请)?\s*QTY\s*(?:件|宗|条|个|份)"), "2008"),
    ("applications_letter", _rx(r"信函(?:申请|提出|提交)(?:的)?(?:申请)?\s*QTY\s*(?:件|宗|条|个|份)"), "2008"),
    ("applications_fax", _rx(r"传真(?:申请|提出|提交)(?:的)?(?:申请)?\s*QTY\s*(?:件|宗|条|个|份)"), "2008"),
    ("applications_email", _rx(r"电子邮件(?:申请|提出|提交)(?:的)?(?:申请)?\s*QTY\s*(?:件|宗|条|个|份)"), "2008"),
    ("admin_license_decisions", _rx(r"行政许可[^。,;]{0,12}?处理决定数量\s*QTY\s*(?:项|件|个)"), "restated"),
    ("admin_license_decisions", _rx(r"办理行政许可(?:事项)?\s*QTY\s*(?:项|件|个)"), "restated"),
    # "全年共制定0条行政规范性文件"
    ("normative_docs_issued", _rx(r"(?:制定|制发|印发|出台)了?\s*QTY\s*(?:条|件|个|份)(?:行政)?规范性文件"), "restated"),
    ("admin_penalty_decisions", _rx(r"行政处罚\s*QTY\s*(?:项|件)"), "restated"),
    ("admin_coercion_decisions", _rx(r"行政强制\s*QTY\s*(?:项|件)"), "restated"),
)
# the same matches, found without trying each pattern at every position of the report
_SIMPLE_SCANNERS = tuple((kpi, Scanner(pattern), flag) for kpi, pattern, flag in _SIMPLE_PATTERNS)
_RESTATED_NORMATIVE = _rx(r"规范性文件\s*[:]?\s*制发件数\s*" + quantity_pattern("a_") + r"\s*件\s*[,]?\s*废止件数\s*" + quantity_pattern("b_")
                          + r"\s*件\s*[,]?\s*现行有效件数\s*" + quantity_pattern("c_") + r"\s*件")
_RESTATED_FEE = _rx(r"行政事业性收费\s*QTY\s*(?P<unit>万元|元)")

_ELECTRONIC_RATE = re.compile(r"全文电子化率?(?:达到?|为|是)?\s*(?P<pct>\d+(?:\.\d+)?)\s*%")
_ZERO_TOPICS = (
    ("applications_received", re.compile(r"(?:(?:没有|未)(?:发生|收到|接到|受理)?|无(?:受理|收到|接到))[^。;,]{0,20}?"
                                         r"(?:依申请公开|信息公开申请|公开申请|公开政府信息的申请)"
                                         r"|(?:没有|未)[^。;]{0,6}申请[^。;]{0,4}依申请公开")),
)
_CASES_OR_COMPLAINTS = re.compile(r"复议|诉讼|申诉|投诉|举报")
# 未经复议 (table 四's header) and 尚未审结 are not statements that nothing happened
_ZERO_CASES = re.compile(r"(?:(?<!尚)未(?!经)|没有)(?:发生|接到|收到|出现)?[^。;|\n]{0,24}?(复议|诉讼|申诉)")
_HEADING_NONE = re.compile(r"(?m)^[^\n]{0,30}(复议|诉讼|申诉|依申请公开)[^\n]{0,20}\n\s*\(\s*无\s*\)\s*$")
# "(二)依申请公开情况\n本年度,未接到群众要求公开的信息。": under its heading, a first sentence that
# nobody asked
_HEADING_NO_REQUESTS = re.compile(r"(?m)^[^\n]{0,12}(?:依申请公开|收到和处理政府信息公开申请)[^\n]{0,12}\n"
                                  r"(?P<sentence>[^\n。]{0,30}?(?:没有|未)(?:收到|接到|受理|发生)[^\n。\d]{0,30}。)")
_CHANNEL_WORDS = (("当面", "applications_in_person"), ("信函", "applications_letter"), ("网络", "applications_online"),
                  ("网上", "applications_online"), ("互联网", "applications_online"), ("传真", "applications_fax"),
                  ("电子邮件", "applications_email"), ("其他形式", "applications_other_channel"))
_NOT_AN_APPLICATION = re.compile(r"复议|诉讼|投诉|举报|信访|咨询|办理|行政许可|审批")
_CHANNEL_RE = re.compile("|".join(word for word, _ in _CHANNEL_WORDS))
_CHANNEL_KPI = dict(_CHANNEL_WORDS)
_RESPECTIVELY = _rx(r"分别为\s*[:]?\s*")
_LIST_NUMBER = _rx(r"QTY\s*(?:宗|件|条|个)")


def _era_allows(flag: str | None, era: str | None) -> bool:
    if flag in (None, "restated", "not-cases"):
        return True
    if flag == "2019+ applications":
        flag = "2019+"
    if flag in ("2008 this year", "2008 not other requests"):
        flag = "2008"
    if flag == "2008":
        return era == "2008_regulation"
    return era in ("2019_trial_format", "2021_format")


def extract_prose(view: ProseView, era: str | None, original: str | None, *, has_table2: bool,
                  issues: list) -> list[dict]:
    """The narrative facts of a report: each KPI from its first statement that passes its filters."""
    text = view.text
    facts: list[dict] = []
    found: set[str] = set()

    def emit(kpi: str, number: Number, start: int, end: int, unit: str | None = None) -> None:
        if kpi in found:
            return
        found.add(kpi)
        char_start, char_end = view.span(start, end)
        raw = (original or text)[char_start:char_end] if original is not None else text[start:end]
        facts.append(make_fact(kpi, number.value, source="narrative", unit=unit or kpi_unit(kpi),
                               qualifier=number.qualifier, raw_text=raw, char_start=char_start, char_end=char_end))

    _proactive(text, era, emit, issues)
    _simple(text, era, emit, found, has_table2=has_table2)
    if not has_table2:
        _restated(text, emit)
    _channels(text, emit)
    if era in ("2019_trial_format", "2021_format"):
        _applicant_breakdown(text, emit)
    rate = _ELECTRONIC_RATE.search(text)
    if rate and era == "2008_regulation":
        emit("proactive_full_text_electronic_rate_pct", Number(float(rate.group("pct")), None, None),
             rate.start("pct"), rate.end())
    _zeros(text, emit, found, era)
    return facts


def _simple(text: str, era: str | None, emit, found: set[str], *, has_table2: bool) -> None:
    """The first statement of each KPI one pattern reads (_SIMPLE_PATTERNS), where its era allows;
    never one of several in a sentence ("市政府发布同步解读12件,各部门发布政策解读607条": parts, no whole)."""
    for kpi, scanner, flag in _SIMPLE_SCANNERS:
        if kpi in found or not _era_allows(flag, era) or (flag == "restated" and has_table2):
            continue
        parts_until = -1
        for m in scanner.finditer(text):
            if m.start() < parts_until or _filtered_out(flag, text, m):
                continue
            carried_in = _INCLUDES_CARRIED_IN.match(text, m.end()) if kpi == "applications_received" else None
            if carried_in and carried_in.group("count") != "0":
                continue  # "受理申请40件(含上年结转6件)": the new ones are not printed (with 0, they are all)
            sentence_end = _sentence_end(text, m.end())
            other = scanner.pattern.search(text, m.end(), sentence_end)
            if other and "其中" not in text[m.end():other.start()]:  # "205篇,其中文字解读144篇": the whole first
                parts_until = sentence_end
                continue
            number = number_from_match(m)
            if number is None:
                continue
            emit(kpi, number, m.start("num"), m.end())
            break


_INCLUDES_CARRIED_IN = re.compile(r"\s*[(（]\s*(?:含|包括|包含)[^)）]{0,12}?(?:结转|转结)[^)）\d]{0,6}?(?P<count>\d*)")


def _filtered_out(flag: str | None, text: str, m: re.Match) -> bool:
    """A statement its pattern's flag rules out."""
    if flag == "not-cases":
        return _NOT_AN_APPLICATION.search(m.group("middle")) is not None  # 复议申请, 投诉举报: other requests
    if flag == "2019+ applications":
        return not _about_applications(text, m.start())  # 办结, 予以公开 of hotline calls or letters
    if flag == "2008 this year":
        return _since_ever(text, m.start("num"))  # 开通以来累计访问量: not the year's
    if flag == "2008 not other requests":
        return _about_other_requests(text, m.start())  # 答复 of letters, a mailbox or a hotline
    return False


def _sentence_end(text: str, position: int) -> int:
    end_match = _SENTENCE_BREAK.search(text, position)
    return end_match.start() if end_match else len(text)


def _sentence_start(text: str, position: int, reach: int) -> int:
    """Where the sentence holding ``position`` starts, looking back at most ``reach`` characters."""
    floor = max(0, position - reach)
    return max((b.end() for b in _SENTENCE_BREAK.finditer(text, floor, position)), default=floor)


def _since_ever(text: str, position: int) -> bool:
    """The sentence up to ``position`` counts since the beginning (开通以来, 累计, 截至)."""
    head = text[_sentence_start(text, position, 80):position]
    return bool(_CUMULATIVE_BEFORE.search(head) or _SINCE_EVER.search(head))


_APPLICATIONS = re.compile(r"依申请公开|信息公开申请|公开申请|申请公开")
_OTHER_REQUESTS = re.compile(r"热线|信箱|留言|咨询|投诉|举报|信访|建议|提案|复议|诉讼")


def _about_applications(text: str, position: int) -> bool:
    """The sentence around ``position`` is about disclosure applications, and only them."""
    start = _sentence_start(text, position, 150)
    end_match = _SENTENCE_BREAK.search(text, position)
    sentence = text[start:end_match.start() if end_match else len(text)]
    if sentence.lstrip().startswith("其中") and start > 1:
        # "…受理依申请公开34件。其中,予以公开7件…": the breakdown of the sentence before
        sentence = text[_sentence_start(text, start - 1, 150):start] + sentence
    return bool(_APPLICATIONS.search(sentence)) and not _OTHER_REQUESTS.search(sentence)


_LETTERS_AND_CALLS = re.compile(r"来信|来电|来访|信箱|留言|热线|咨询|信访|投诉|举报|建议|提案")


def _about_other_requests(text: str, position: int) -> bool:
    """The sentence holding ``position`` is about letters, mailboxes, calls or petitions."""
    return _LETTERS_AND_CALLS.search(text, _sentence_start(text, position, 150), _sentence_end(text, position)) \
        is not None


def _restated(text: str, emit) -> None:
    """Table 二's normative documents and fees restated in prose, for a report without table 二."""
    m = _RESTATED_NORMATIVE.search(text)
    if m:
        for prefix, kpi in (("a_", "normative_docs_issued"), ("b_", "normative_docs_repealed"),
                            ("c_", "normative_docs_in_force")):
            number = number_from_match(m, prefix)
            if number is not None:
                emit(kpi, number, m.start(prefix + "num"), m.end(prefix + "num"))
    m = _RESTATED_FEE.search(text)
    if m:
        number = number_from_match(m)
        if number is not None and (number.value == 0 or m.group("unit") == "万元"):
            emit("admin_fee_amount_wan_yuan", number, m.start("num"), m.end())


def _proactive(text: str, era: str | None, emit, issues: list) -> None:
    decided: set[str] = set()
    candidates = [m for pattern in (_PROACTIVE, _PROACTIVE_CONTENT, _PROACTIVE_NUMBER_FIRST, _PROACTIVE_BARE)
                  for m in pattern.finditer(text)]
    candidates.sort(key=lambda m: m.start())
    for m in candidates:
        after = text[m.end():m.end() + 1]
        if after == "、":
            continue  # one category of a list without a stated total
        sentence_start = _sentence_start(text, m.start(), 80)
        sentence_head = text[sentence_start:m.start()]
        cumulative = _CUMULATIVE_BEFORE.search(sentence_head)
        if cumulative and (cumulative.group(0) != "累计" or _SINCE_EVER.search(sentence_head)
                           or not _YEAR_IN_SENTENCE.search(sentence_head[:cumulative.start()])):
            continue
        clause_start = max((b.end() for b in _CLAUSE_BREAK.finditer(text, sentence_start, m.start())),
                           default=sentence_start)
        clause = text[clause_start:m.end()]
        joined = re.search(r"和|、|及|与", clause[:m.start() - clause_start])
        if _OTHER_CHANNEL.search(clause) and not (joined and _WEBSITE.search(clause)):
            continue  # new media, gazette or press alone: a channel without a KPI name
        if not _WEBSITE.search(clause) and not _OTHER_CHANNEL.search(clause) and \
                _OTHER_CHANNEL.search(sentence_head) and not _WEBSITE.search(sentence_head):
            continue  # "共发行《兰州政报》12期,发布政府信息662条": the channel named earlier in the sentence
        if era == "2008_regulation" and "政府" not in m.group(0) and _WEBSITE.search(clause) and \
                _has_government_part(text, m.end()):
            # "网站发布各类信息8632条,其中,发布政府信息公开信息共399条": which of the two the year's
            # proactive figure is, the sentence does not say; neither is taken
            decided.add("proactive_items_total")
            continue
        if _SUB_SCOPE.search(clause):
            continue  # the city's own organs or the districts: a part of the total
        # "通过政府网站及局官网公开": websites joined to websites are still the website channel
        website_only = bool(_WEBSITE.search(clause)) and not _OTHER_CHANNEL.search(clause) and \
            (not joined or len(_WEBSITE.findall(clause)) >= 2)
        kpi = "proactive_items_website" if website_only and era != "2008_regulation" else "proactive_items_total"
        if kpi in decided:
            continue
        decided.add(kpi)
        number = number_from_match(m)
        if number is None:
            continue
        if m.group("scale") and float(m.group("num").replace(",", "")) >= 10_000:
            issues.append(quality_issue("implausible-unit", "warning",
                                        f"{m.group(0)!r}: a 万 figure with a five-digit mantissa is a unit error",
                                        {"kpi": kpi, "raw": m.group(0)}))
            continue
        emit(kpi, number, m.start("num"), m.end())


_APPLICANT_BREAKDOWN = re.compile(r"其中\s*,?\s*自然人(?:申请|提出)?\s*\d")
_APPLICANT_COLUMNS = (
    ("applications_received_commercial_enterprise", _rx(r"商业企业(?:申请|提出)?\s*QTY\s*件")),
    ("applications_received_research_institution", _rx(r"科研机构(?:申请|提出)?\s*QTY\s*件")),
    ("applications_received_social_welfare_org", _rx(r"社会公益组织(?:申请|提出)?\s*QTY\s*件")),
    ("applications_received_legal_service_org", _rx(r"法律服务机构(?:申请|提出)?\s*QTY\s*件")),
    # never 法人或其他组织, the sum of every column but the natural persons'
    ("applications_received_other_org", _rx(r"(?<![或和及与、])其他(?:组织)?(?:申请|提出)?\s*QTY\s*件")),
)


def _applicant_breakdown(text: str, emit) -> None:
    """The rest of "其中,自然人申请1387件,商业企业申请44件,…,其他申请5件": each applicant column named
    in the same sentence as the natural persons, after them."""
    m = _APPLICANT_BREAKDOWN.search(text)
    if not m:
        return
    sentence = (m.start(), _sentence_end(text, m.end()))
    for kpi, pattern in _APPLICANT_COLUMNS:
        column = pattern.search(text, *sentence)
        number = number_from_match(column) if column else None
        if number is not None:
            emit(kpi, number, column.start("num"), column.end())


def _has_government_part(text: str, position: int) -> bool:
    """The sentence goes on with 其中 and a figure of 政府信息 (the website's news were the whole)."""
    rest = text[position:_sentence_end(text, position)]
    at = rest.find("其中")
    return at != -1 and _PROACTIVE.search(rest, at) is not None and "政府信息" in rest[at:]


def _channels(text: str, emit) -> None:
    for m in _RESPECTIVELY.finditer(text):
        sentence_start = _sentence_start(text, m.start(), 120)
        head = text[sentence_start:m.start()]
        if "申请" not in head:
            continue
        names = []
        for word_match in _CHANNEL_RE.finditer(head):
            kpi = _CHANNEL_KPI[word_match.group(0)]
            if kpi not in names:
                names.append(kpi)
        numbers = []
        position = m.end()
        while len(numbers) < len(names):
            n = _LIST_NUMBER.match(text, position)
            if not n:
                break
            numbers.append(n)
            position = n.end()
            if text[position:position + 1] in ("、", ",", "，"):
                position += 1
        if names and len(numbers) == len(names):
            for kpi, n in zip(names, numbers):
                number = number_from_match(n)
                if number is not None:
                    emit(kpi, number, n.start("num"), n.end())


_ZERO = Number(0.0, None, None)
_CASE_TOPICS = {"复议": "admin_reconsideration_total", "诉讼": "admin_litigation_total", "申诉": "admin_complaints_total"}


def _zeros(text: str, emit, found: set[str], era: str | None) -> None:
    """Statements that nothing happened (没有收到…申请, 未发生…诉讼, a heading over "(无)"): zeros."""
    for kpi, pattern in _ZERO_TOPICS:
        if kpi in found:
            continue
        for m in pattern.finditer(text):
            clause_end = _CLAUSE_BREAK.search(text, m.end())
            if _CASES_OR_COMPLAINTS.search(text, m.start(), clause_end.start() if clause_end else len(text)):
                continue  # "没有出现因依申请公开引发的行政复议": no cases, said of applications
            emit(kpi, _ZERO, m.start(), m.end())
            break
    _no_cases(text, emit, found)
    fees = re.search(r"(?:未|没有|不)收取(?:任何)?(?:相关)?费用", text)
    if fees and era == "2008_regulation" and "fees_collected_yuan" not in found:
        emit("fees_collected_yuan", _ZERO, fees.start(), fees.end())
    consult = re.search(r"(?:未|没有)(?:收到|接到)[^。;]{0,20}咨询", text)
    if consult and "consultations_total" not in found:
        emit("consultations_total", _ZERO, consult.start(), consult.end())
    _headings_over_none(text, emit, found)


def _no_cases(text: str, emit, found: set[str]) -> None:
    """未发生 / 没有 … 复议, 诉讼, 申诉 in a sentence with no number: that kind of case is zero."""
    for m in _ZERO_CASES.finditer(text):
        sentence_end = _SENTENCE_BREAK.search(text, m.end())
        sentence = text[m.start():sentence_end.start() if sentence_end else len(text)]
        if re.search(r"\d|\|", sentence) or re.search(r"费用|支出|经费", sentence):
            continue  # a figure in the sentence, or the costs of cases ("未产生与诉讼有关的费用"), not their number
        for word, kpi in _CASE_TOPICS.items():
            if word in sentence and kpi not in found:
                emit(kpi, _ZERO, m.start(), m.start() + len(sentence))


def _headings_over_none(text: str, emit, found: set[str]) -> None:
    """A section heading (依申请公开, 复议, 诉讼, 申诉) over a line that says (无), or the
    依申请公开 heading over a sentence that nothing was asked."""
    m = _HEADING_NO_REQUESTS.search(text)
    if m and "applications_received" not in found and not re.search(r"复议|诉讼", m.group("sentence")):
        emit("applications_received", _ZERO, m.start("sentence"), m.end("sentence"))
    for m in _HEADING_NONE.finditer(text):
        heading = m.group(0)
        if "依申请公开" in heading and "复议" not in heading:
            if "applications_received" not in found:
                emit("applications_received", _ZERO, m.start(), m.end())
            continue
        for word, kpi in _CASE_TOPICS.items():
            if word in heading and kpi not in found:
                emit(kpi, _ZERO, m.start(), m.end())
