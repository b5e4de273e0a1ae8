"""Money: amounts with currency (100万元 → 1000000 CNY) and their kind; subsidy ratios (给予30%补贴).

The kind is read from the clause around the amount, first cue wins:
cap (最高/不超过 right before) › total (价值/总额 right before) › award (奖励) › subsidy (补贴, 补助,
支持) › investment (投资) › total (累计, 规模, 安排 in the clause) › other.
A percentage is a money fact (kind "ratio") only in a clause about a subsidy or award.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from policydigest.enrich.facts.model import MoneyFact, MoneyKind
from policydigest.enrich.facts.quantities import MULTIPLIER, NUMBER, parse_number

_CURRENCIES = {
    "美元": "USD",
    "欧元": "EUR",
    "英镑": "GBP",
    "日元": "JPY",
    "港元": "HKD",
    "港币": "HKD",
    "元人民币": "CNY",
    "元": "CNY",
}
# Amounts start with a digit or a Chinese numeral before 万/亿 (千亿元): find those starts first.
_START = re.compile(r"\d+|[一两二三四五六七八九十百千]+(?=万亿|亿|万)")
_NOT_BEFORE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,数几上")
_AMOUNT = re.compile(
    rf"(?:(?P<num>{NUMBER})|(?P<cn>[一两二三四五六七八九十百千]+))"
    rf"\s*(?P<mult>{MULTIPLIER})?\s*(?P<cur>美元|欧元|英镑|日元|港元|港币|元人民币|元)(?!宇宙|素|旦)(?:人民币)?"
)
_PERCENT = re.compile(rf"(?P<num>{NUMBER})\s*[%％]")
_CLAUSE_END = re.compile(r"[，,。；;：:\n]")
_CAP_BEFORE = re.compile(r"(?:最高|不超过|最多|上限|封顶)[^，,。；\d]{0,3}$")
_CAP_AFTER = re.compile(r"\s*(?:以内|封顶|为限)")
_THRESHOLD_BEFORE = re.compile(r"(?:达到|超过|高于|达)\s*$")
_TOTAL_BEFORE = re.compile(r"(?:价值|总额|总金额|总计|合计|共计|总规模|估值)[^，,。；\d]{0,4}$")
_CUES: tuple[tuple[MoneyKind, re.Pattern[str]], ...] = (
    ("award", re.compile("奖励|奖金")),
    ("subsidy", re.compile("补贴|补助|资助|奖补|扶持|支持")),
    ("investment", re.compile("投资|投入")),
    ("total", re.compile("累计|规模|安排|设立|预算|总量|价值|估值")),
)
_RATIO_CUES = re.compile("补贴|补助|奖励|奖补|资助")


def _clause(text: str, bounds: list[int], start: int, end: int) -> tuple[str, str]:
    """The clause text before and after a span; ``bounds`` are the clause ends of ``text``."""
    index = bisect_left(bounds, start)
    left = bounds[index - 1] + 1 if index else 0
    right = bounds[bisect_left(bounds, end)] if bisect_left(bounds, end) < len(bounds) else len(text)
    return text[max(left, start - 80) : start], text[end : min(right, end + 80)]


def money_kind(before: str, after: str) -> MoneyKind:
    """The kind of an amount from the clause text before and after it.

    >>> money_kind("同一企业年度最高不超过", "")
    'cap'
    >>> money_kind("对首次认定的企业，分别给予", "奖励")
    'award'
    >>> money_kind("公布了一项价值", "的投资计划")
    'total'
    """
    if _CAP_BEFORE.search(before) or _CAP_AFTER.match(after):
        return "cap"
    if after.startswith("以上的") or (after.startswith("的") and _THRESHOLD_BEFORE.search(before)):
        return "other"  # a condition: 合同总金额达到300万元的数商
    if _TOTAL_BEFORE.search(before):
        return "total"
    clause = before + after
    return next((kind for kind, cue in _CUES if cue.search(clause)), "other")


def extract_money(text: str) -> list[MoneyFact]:
    """Every amount of money and every subsidy ratio, in text order.

    >>> [(m.amount, m.currency, m.kind) for m in extract_money("给予一次性最高300万元奖励，投资2.85亿美元")]
    [(3000000.0, 'CNY', 'cap'), (285000000.0, 'USD', 'investment')]
    >>> [(m.kind, m.ratio) for m in extract_money("按投资额的30%给予补贴")]
    [('ratio', 0.3)]
    """
    facts: list[MoneyFact] = []
    bounds: list[int] | None = None
    for start in _START.finditer(text):
        if start.start() and text[start.start() - 1] in _NOT_BEFORE:
            continue
        if bounds is None:
            bounds = [m.start() for m in _CLAUSE_END.finditer(text)]
        if ("%" in text[start.start() : start.start() + 14] or "％" in text[start.start() : start.start() + 14]) and (
            percent := _PERCENT.match(text, start.start())
        ):
            ratio = _ratio(text, bounds, percent)
            if ratio is not None:
                facts.append(ratio)
            continue
        window = text[start.start() : start.start() + 16]
        if "元" not in window:
            continue
        match = _AMOUNT.match(text, start.start())
        if match is None:
            continue
        amount = parse_number(match.group("num") or match.group("cn"), match.group("mult"))
        if amount is None:
            continue
        before, after = _clause(text, bounds, match.start(), match.end())
        facts.append(
            MoneyFact.model_construct(
                text=match.group(0),
                start=match.start(),
                end=match.end(),
                amount=amount,
                currency=_CURRENCIES[match.group("cur")],
                kind=money_kind(before, after),
                ratio=None,
            )
        )
    return facts


def _ratio(text: str, bounds: list[int], match: re.Match[str]) -> MoneyFact | None:
    """A percentage as a subsidy ratio, or None when its clause is not about a subsidy."""
    before, after = _clause(text, bounds, match.start(), match.end())
    value = parse_number(match.group("num"))
    if value is None or not _RATIO_CUES.search(before + after):
        return None
    return MoneyFact.model_construct(
        text=match.group(0),
        start=match.start(),
        end=match.end(),
        amount=value / 100,
        currency="%",
        kind="ratio",
        ratio=value / 100,
    )
