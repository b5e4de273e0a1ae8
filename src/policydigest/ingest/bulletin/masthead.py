"""The cover and masthead page: series, date, 第N期, 总第M期, cover headline, roles, disclaimer."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from policydigest.errors import NotABulletinError
from policydigest.ingest.bulletin.lines import DATE, NUMBER, TOTAL, SourceLine
from policydigest.ingest.bulletin.text import normalize_text
from policydigest.model import Masthead, MastheadRole

HEADER_SEARCH_LINES = 80
TOC_HEADING = "本期要目"
# Masthead keys as printed (spaces inside removed), longest first so 总编辑 wins over 编辑.
ROLE_KEYS = (
    "副总编辑",
    "执行编辑",
    "责任编辑",
    "美术编辑",
    "总编辑",
    "联合主编",
    "学术支持",
    "编委会",
    "主编",
    "主办",
    "承办",
    "协办",
    "编辑",
)
UNIT_KEYS = ("指导单位",)
CONTACT_KEYS = ("咨询电话", "联系电话", "电子邮箱", "新媒体", "微信公众号", "网址", "电话", "传真", "邮箱")
ADDRESS_KEYS = ("编辑地址", "通讯地址", "地址")
DISCLAIMER = re.compile(r"^\s*声\s*明\s*[:：]?\s*")


@dataclass
class Header:
    """What the cover and masthead page say."""

    series: str
    date: dt.date
    number: int
    total_number: int
    cover_headline: str
    masthead: Masthead
    disclaimer: str | None
    toc_start: int  # index of the 本期要目 line, or of the first line after the masthead


def _find_header_line(lines: list[SourceLine]) -> int:
    for i, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        window = " ".join(other.text for other in lines[i : i + 4])
        if DATE.search(line.text) and NUMBER.search(window) and TOTAL.search(window):
            return i
    raise NotABulletinError(
        f"不是简报：前 {HEADER_SEARCH_LINES} 行里没有含日期、第N期和总第M期的报头"
    )


def _key_and_value(text: str, keys: tuple[str, ...]) -> tuple[str, str] | None:
    """Split ``主 编 某研究院`` into (主编, 某研究院), allowing spaces inside the key."""
    for key in keys:
        pattern = r"\s*".join(map(re.escape, key)) + r"(?:\s*[:：]\s*|\s+|$)"
        match = re.match(pattern, text)
        if match:
            return key, text[match.end() :].strip()
    return None


def split_names(value: str) -> list[str]:
    """Names as typeset in a masthead: two-character names are padded (``程 茹``).

    >>> split_names("宋希贤 程 茹 杨 婷 熊灵犀")
    ['宋希贤', '程茹', '杨婷', '熊灵犀']
    >>> split_names("某某数字经济研究院")
    ['某某数字经济研究院']
    """
    tokens = value.split()
    if not tokens or any(len(token) > 4 for token in tokens):
        return [normalize_text(value)] if value.strip() else []
    names: list[str] = []
    pending = ""
    for token in tokens:
        if len(token) == 1:
            pending += token
            if len(pending) == 2:
                names.append(pending)
                pending = ""
        else:
            if pending:
                names.append(pending)
                pending = ""
            names.append(token)
    if pending:
        names.append(pending)
    return names


def _parse_masthead_fields(lines: list[SourceLine], masthead: Masthead) -> str | None:
    """Fill ``masthead`` from key/value lines; return the disclaimer if one is printed."""
    disclaimer: str | None = None
    current: tuple[str, str] | None = None  # (kind, key)
    for line in lines:
        text = line.text
        if not text:
            continue
        if DISCLAIMER.match(text):
            disclaimer = normalize_text(DISCLAIMER.sub("", text, count=1))
            current = ("disclaimer", "")
            continue
        found = None
        for kind, keys in (
            ("unit", UNIT_KEYS),
            ("role", ROLE_KEYS),
            ("contact", CONTACT_KEYS),
            ("address", ADDRESS_KEYS),
        ):
            pair = _key_and_value(text, keys)
            if pair:
                found = (kind, *pair)
                break
        if found:
            kind, key, value = found
            current = (kind, key)
        elif current is not None:
            kind, key = current
            value = text
        else:
            continue
        _add_field(masthead, kind, key, value, continuation=found is None)
        if kind == "disclaimer" and disclaimer is not None:
            disclaimer += normalize_text(value)
    return disclaimer


def _add_field(masthead: Masthead, kind: str, key: str, value: str, *, continuation: bool) -> None:
    if kind == "unit":
        masthead.guiding_units.extend(split_names(value) if len(value) < 8 else [normalize_text(value)])
    elif kind == "role":
        role = next((r for r in masthead.roles if r.role == key), None)
        if role is None:
            role = MastheadRole(role=key, names=[])
            masthead.roles.append(role)
        role.names.extend(split_names(value))
    elif kind == "contact":
        previous = masthead.contacts.get(key, "")
        masthead.contacts[key] = normalize_text(f"{previous} {value}" if continuation else value)
    elif kind == "address":
        masthead.address = normalize_text((masthead.address or "") + value)


def _starts_masthead(text: str) -> bool:
    keys = UNIT_KEYS + ROLE_KEYS + CONTACT_KEYS + ADDRESS_KEYS
    return bool(DISCLAIMER.match(text)) or (_key_and_value(text, keys) is not None and len(text) < 40)


def parse_header(lines: list[SourceLine]) -> Header:
    """Read the cover and masthead page; raise ``NotABulletinError`` when there is none."""
    head = _find_header_line(lines)
    window = " ".join(line.text for line in lines[head : head + 4])
    date_match, number, total = DATE.search(lines[head].text), NUMBER.search(window), TOTAL.search(window)
    assert date_match and number and total  # guaranteed by _find_header_line
    try:
        date = dt.date(*(int(part) for part in date_match.groups()))
    except ValueError as exc:
        raise NotABulletinError(f"不是简报：报头日期 {date_match.group(0)} 无效") from exc
    before = [line.text for line in lines[:head] if line.text]
    toc_index = next((i for i, line in enumerate(lines) if line.text.replace(" ", "") == TOC_HEADING), None)
    rest_end = toc_index if toc_index is not None else len(lines)
    # The series title is the cover line the masthead page repeats; slogan above, strapline below.
    later = {line.text for line in lines[head + 1 : rest_end]}
    series_at = next((i for i, text in enumerate(before) if text in later), max(len(before) - 2, 0))
    series = before[series_at] if before else ""
    masthead = Masthead(
        slogan=normalize_text(" ".join(before[:series_at])) or None,
        strapline=normalize_text(" ".join(before[series_at + 1 :])) or None,
    )
    # Cover headline: the lines after the header up to the repeated series title (masthead page).
    cover: list[str] = []
    i = head + 1
    while i < rest_end and lines[i].text != series and not _starts_masthead(lines[i].text):
        if lines[i].text and not (NUMBER.search(lines[i].text) and TOTAL.search(lines[i].text)):
            cover.append(lines[i].text)
        i += 1
    masthead_lines = [
        line
        for line in lines[i:rest_end]
        if not DATE.search(line.text)
        and line.text != series
        and not (NUMBER.search(line.text) and TOTAL.search(line.text))
    ]
    disclaimer = _parse_masthead_fields(masthead_lines, masthead)
    return Header(
        series=normalize_text(series) or "未命名简报",
        date=date,
        number=int(number.group(1)),
        total_number=int(total.group(1)),
        cover_headline=" ".join(normalize_text(text) for text in cover[:3]),
        masthead=masthead,
        disclaimer=disclaimer,
        toc_start=toc_index if toc_index is not None else rest_end,
    )
