"""Quantitative targets: ``到2026年，全省算力规模超过30EFLOPS`` → 2026, 算力规模, >, 30, EFLOPS.

A quantity (number + unit) is a target when a deadline (到2026年, 2025年7月底前, 今年内, 年内, a period
before yearly targets: 2024—2026年，每年…) governs it, or when it carries a threshold (以上, 超过,
不低于 …) in a sentence that sets goals. A deadline governs the rest of its paragraph, and a paragraph
broken mid-sentence by a page break continues. Numbers may be Chinese when they cannot be a count
word (一万家, 三十家, 三成 = 30%; not 一批, 两个). Statistics (截至…, 同比, 目前) and conditions
(超过100万用户的平台, 营收超百亿元企业, 对…的企业给予…, 申请企业须…) are not targets.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Callable

from policydigest.enrich.facts.model import Comparator, TargetFact
from policydigest.enrich.facts.quantities import MULTIPLIER, NUMBER, parse_number

_CN_NUMBER = "[一二两三四五六七八九十百千]+"

_UNITS = (
    "EFLOPS|PFLOPS|TFLOPS|EFlops|PFlops|TFlops|EB|PB|TB|GB|ms|个百分点|%|％|亿元|万元|美元|元|"
    "家次|人次|个|家|项|座|人|件|台|套|场|次|条|所|款|种|户|部|倍|名|批|万吨|吨|千瓦|公里|亩|平方米|块"
)
_START = re.compile(rf"\d+|{_CN_NUMBER}")
_NOT_BEFORE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,")
#: Before a Chinese number these make it vague or ordinal (数十家, 上百家, 近千家, 第三十个).
_NOT_BEFORE_CN = frozenset("数上几近逾第每")
_IDIOMS = ("万户", "争鸣", "齐放")
_QUANTITY = re.compile(
    rf"(?:(?P<low>{NUMBER})\s*[—–\-~～至]\s*)?(?P<num>{NUMBER})\s*(?P<mult>{MULTIPLIER})?\s*"
    rf"(?P<unit>{_UNITS})(?![A-Za-z])\s*(?P<post>以上|以下|以内|左右|余)?"
)
# 成 is tenths (三成 = 30%); the never-matching ``low`` keeps the groups of _QUANTITY.
_CN_QUANTITY = re.compile(
    rf"(?:(?P<low>(?!x)x))?(?P<num>{_CN_NUMBER})(?P<mult>万亿|亿|万)?(?P<unit>成|{_UNITS})(?![A-Za-z])"
    r"\s*(?P<post>以上|以下|以内|左右|余)?"
)
_PRE = re.compile(r"(?:不低于|不少于|不超过|不高于|超过|突破|达到|高于|低于|大于|少于|至少|达|超)\s*$")
_DEADLINE = re.compile(
    r"(?:到|(?<!截)至)\s*(?P<a>\d{4})\s*年"
    r"|(?P<b>\d{4})\s*年(?:\s*\d{1,2}\s*月)?\s*(?:底|末)?\s*(?:前|以前)"
    r"|(?P<rel>今年)(?:内|底)?(?!以来|是|早|初|上半年|一季度)(?=[\u4e00-\u9fff，,])"
    # A period before yearly or period targets (2024—2026年，每年新增…): due at its end.
    r"|(?<![（(\d])\d{4}\s*年?\s*[—–\-~～]\s*(?P<end>\d{4})\s*年(?=\s*(?:[，,]|每年|期间))"
    r"|(?<![\d一二两三四五六七八九十几])(?P<within>年内)(?=[\u4e00-\u9fff])"
)
_GOAL = re.compile(r"力争|目标|推动|培育|建成|打造|新增|争创|确保|实现|形成|建立|建设|集聚|提出|明确|计划|将")
_STATISTIC = re.compile(r"截至|同比|目前|已|去年|上年")
_FILLER = re.compile(r"^(?:全省|全市|全国|全区|我省|我市|本市|力争|实现|推动|累计|其中|着力|努力|并|且|共|以|在)+")
_SENTENCE = re.compile(r"[。；;！？!?]")
_SPLIT = re.compile(r"[，,。；;：:、]")
_PAREN = re.compile(r"（[^（）]*）|\([^()]*\)")
_MONEY_RULE = re.compile(r"最高|不超过|奖励|补贴|补助|资助|支持|给予")
_FROM_YEAR = re.compile(r"从\s*\d{4}\s*年|\d{4}\s*年?\s*$")
_CLAUSE_END = re.compile(r"[，,。；;\n]")
_RATIO_RULE = re.compile(r"奖励|补贴|补助|资助|奖补|给予")
#: A sentence granting support to whoever meets its conditions (对…的企业，给予…; 申请企业须…).
_CONDITION = re.compile(
    r"^(?:对|凡|符合)[^。；]*(?:给予|奖励|补贴|补助|资助|奖补|发放)|^申请[^。；，]{0,8}(?:须|需|应)"
)
_COMPARATORS: dict[str, Comparator] = {
    "超过": ">",
    "超": ">",
    "突破": ">",
    "高于": ">",
    "大于": ">",
    "达到": ">=",
    "达": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "至少": ">=",
    "以上": ">=",
    "余": ">",
    "不超过": "<=",
    "不高于": "<=",
    "以内": "<=",
    "以下": "<=",
    "低于": "<",
    "少于": "<",
    "左右": "=",
}
_UNIT_CASE = {
    "EFlops": "EFLOPS",
    "PFlops": "PFLOPS",
    "TFlops": "TFLOPS",
    "％": "%",
    "亿元": "元",
    "万元": "元",
}
_UNIT_SCALE = {"亿元": 1e8, "万元": 1e4}


def _clean(subject: str) -> str:
    subject = re.sub(r"\*\*|\s+", "", subject)
    return _FILLER.sub("", subject).strip("“”\"'的和及与）)】」")


def _subject(text: str, match: re.Match[str], window_start: int, pre: str) -> str:
    """The thing measured: the words before a prefix comparator, else the noun phrase after."""
    window = _PAREN.sub("", text[max(window_start, match.start() - 40) : match.start() - len(pre)]).rstrip()
    before = _clean(_SPLIT.split(window)[-1])
    after = _clean(re.split(r"[和及与]\s*\d", _SPLIT.split(_PAREN.sub("", text[match.end() : match.end() + 40]))[0])[0])
    return (before or after) if pre else (after or before)


def _comparator(match: re.Match[str], pre: str) -> Comparator:
    post = match.group("post")
    if post == "左右":
        return "="
    for word in (post, pre.strip()):
        if word:
            return _COMPARATORS[word]
    return ">=" if match.group("low") else "="


def _is_money_rule(text: str, match: re.Match[str], sentence_start: int) -> bool:
    """Amounts in subsidy rules (最高不超过100万元) and conditions (1亿元以上规上企业) are not targets."""
    clause_start = max((m.end() for m in _SPLIT.finditer(text, sentence_start, match.start())), default=sentence_start)
    if match.group("unit") in {"%", "％", "成"}:
        clause_end = _CLAUSE_END.search(text, match.end())
        return bool(_RATIO_RULE.search(text, clause_start, clause_end.start() if clause_end else len(text)))
    if match.group("unit") not in {"元", "亿元", "万元", "美元"}:
        return False
    if _MONEY_RULE.search(text, clause_start, match.end() + 8):
        return True
    following = text[match.end() : match.end() + 1]
    # 1亿元以上规上企业, 营收超百亿元企业, 百亿元级: an amount qualifying the noun after it.
    if text.startswith(("级", "企业"), match.end()):
        return True
    qualifies = match.group("post") == "以上" or _PRE.search(text, max(0, match.start() - 2), match.start())
    return bool(qualifies) and "\u4e00" <= following <= "\u9fff"


def _is_deadline(text: str, mark: re.Match[str], published: dt.date | None) -> bool:
    """Not a deadline: 今年 with no date to resolve it, a year already past, 2016年至2018年."""
    year = mark.group("a") or mark.group("b") or mark.group("end")
    if not year:
        return published is not None
    if published is not None and int(year) < published.year:
        return False
    return _FROM_YEAR.search(text, max(0, mark.start() - 10), mark.start()) is None


def _duplicate(fact: TargetFact, facts: list[TargetFact]) -> bool:
    """The same target stated twice (a summary, then the details)."""
    return any(
        (f.deadline_year, f.comparator, f.value, f.unit) == (fact.deadline_year, fact.comparator, fact.value, fact.unit)
        and (f.subject in fact.subject or fact.subject in f.subject)
        for f in facts
    )


def extract_targets(
    text: str,
    published: dt.date | None = None,
    region_for: Callable[[str], str | None] = lambda clause: None,
) -> list[TargetFact]:
    """Every quantitative target, in text order; ``region_for(clause)`` names its region.

    >>> [(t.deadline_year, t.subject, t.comparator, t.value, t.unit)
    ...  for t in extract_targets("到2026年，全省算力规模超过30EFLOPS，推动1.5万家以上中小企业上云。")]
    [(2026, '算力规模', '>', 30.0, 'EFLOPS'), (2026, '中小企业上云', '>=', 15000.0, '家')]
    """
    facts: list[TargetFact] = []
    excluded = [(m.start(), m.end()) for m in re.finditer(r"《[^《》]{0,200}》", text)]
    marks = list(_DEADLINE.finditer(text)) if "年" in text else []
    sentence_ends = [m.start() for m in _SENTENCE.finditer(text)]
    deadline: int | None = None
    mark_index, para_start, last_mark_end, consumed = 0, 0, 0, 0
    excluded_starts = [s for s, _ in excluded]
    for start in _START.finditer(text):
        position = start.start()
        if position < consumed or (position and text[position - 1] in _NOT_BEFORE):
            continue
        chinese = not start.group().isdigit()
        if chinese and position and text[position - 1] in _NOT_BEFORE_CN:
            continue
        inside = bisect_left(excluded_starts, position + 1) - 1
        if inside >= 0 and position < excluded[inside][1]:
            continue  # a number inside a document title
        match = (_CN_QUANTITY if chinese else _QUANTITY).match(text, position)
        if match is None:
            continue
        consumed = match.end()
        newline = text.rfind("\n", 0, match.start())
        if newline >= para_start:
            # A new paragraph resets the deadline, unless the old one was cut by a page break.
            previous = text[para_start:newline].rstrip()
            if not previous or previous[-1] in "。！？；!?：:":
                deadline, para_start = None, newline + 1
        while mark_index < len(marks) and marks[mark_index].start() < match.start():
            mark = marks[mark_index]
            if mark.start() >= para_start and _is_deadline(text, mark, published):
                year = mark.group("a") or mark.group("b") or mark.group("end")
                deadline = int(year) if year else published.year if published else None
                last_mark_end = mark.end()
            mark_index += 1
        index = bisect_left(sentence_ends, match.start())
        sentence_start = max(sentence_ends[index - 1] + 1 if index else 0, para_start)
        following = bisect_left(sentence_ends, match.end())
        sentence = text[sentence_start : sentence_ends[following] + 1 if following < len(sentence_ends) else len(text)]
        governed = last_mark_end > para_start or deadline is not None
        pre_match = _PRE.search(text, max(0, match.start() - 4), match.start())
        pre = pre_match.group(0) if pre_match else ""
        threshold = bool(pre or match.group("post"))
        if _STATISTIC.search(text, sentence_start, match.start()) and last_mark_end <= sentence_start:
            continue
        if not governed and not (threshold and _GOAL.search(sentence)):
            continue
        if text.startswith("的", match.end()) or _is_money_rule(text, match, sentence_start):
            continue  # a condition (超过100万用户的平台) or a subsidy rule, not a target
        if _CONDITION.search(text[sentence_start : match.start()].lstrip()):
            continue
        value = parse_number(match.group("low") or match.group("num"), match.group("mult"))
        unit = match.group("unit")
        count_word = chinese and unit != "成" and value is not None and value < 10
        if value is None or count_word or (chinese and text.startswith(_IDIOMS, match.end())):
            continue  # 一批, 两个, 千家万户: a count word or an idiom, not a figure
        if unit == "成":
            value, unit = value * 10, "%"
        fact = TargetFact.model_construct(
            text=text[match.start() - len(pre) : match.end()].strip(),
            start=match.start() - len(pre),
            end=match.end(),
            deadline_year=deadline,
            subject=_subject(text, match, max(sentence_start, last_mark_end), pre),
            comparator=_comparator(match, pre),
            value=value * _UNIT_SCALE.get(unit, 1.0),
            unit=_UNIT_CASE.get(unit, unit),
            region=region_for(text[sentence_start : match.end()]),
        )
        if not _duplicate(fact, facts):
            facts.append(fact)
    return facts
