"""Summaries: a one-line lead and an extractive summary of at most 120 characters.

An abstractive summary from any OpenAI-compatible endpoint (``/chat/completions``) can be switched
on in settings (``summary_endpoint``); it is off by default, and when the endpoint fails the
extractive summary stands and the reason is logged.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass

from policydigest.enrich.segment import Segmenter, get_segmenter
from policydigest.enrichment import SummaryResult

log = logging.getLogger(__name__)

MAX_CHARS = 120
#: Sentence ends: Chinese and Latin terminators, and line breaks (paragraphs).
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*[”’」』）)]*")
#: Asides that add nothing to a summary: （以下简称《通知》）, （来源：…）.
_ASIDE = re.compile(r"[（(](?:以下简称|下称|简称|来源)[^（）()]*[）)]")
#: Verbs that say something happened: the sentence that carries the news.
_EVENT = re.compile(r"印发|发布|出台|召开|启动|上线|提出|公布|举办|举行|签署|完成|获悉|显示|通过|施行|宣布")
#: Openings that give the purpose or basis, not the news (为深入贯彻…，…，X印发《Y》).
_PREAMBLE = re.compile(r"^(?:为了?|根据|按照|依据|围绕|贯彻|落实|聚焦|立足|对标)")
#: Lines that are furniture, not content.
_FURNITURE = re.compile(r"扫描二维码|原文链接|阅读原文|点击查看|来源[：:]")
#: Book titles, masked so that a verb inside 《…》 is not taken for the news.
_BOOK_TITLE = re.compile(r"《[^》]*》")
_CLAUSE_END = "，,；;：:、"


@dataclass(frozen=True)
class Summary:
    """What the summary stage stores."""

    lead: str
    extractive: str
    abstractive: str | None = None

    @property
    def text(self) -> str:
        """The summary to show: abstractive when there is one."""
        return self.abstractive or self.extractive

    def result(self) -> SummaryResult:
        """The form stored in ``article.enrichment.summary``."""
        return SummaryResult(
            lead=self.lead,
            summary=self.text,
            extractive=self.extractive,
            method="abstractive" if self.abstractive else "extractive",
        )


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, asides removed, white space squeezed.

    >>> sentences("工信部发布《通告》（以下简称《通告》）。部署试点！\\n（来源：工业和信息化部）")
    ['工信部发布《通告》。', '部署试点！']
    """
    out = []
    for match in _SENTENCE.finditer(_ASIDE.sub("", text)):
        sentence = " ".join(match.group().split())
        if not any(ch.isalnum() for ch in sentence) or _FURNITURE.search(sentence):
            continue
        # A short line without a full stop is a sub-heading or caption, not a sentence.
        if len(sentence) < 20 and sentence[-1] not in "。！？；!?;”）)":
            continue
        out.append(sentence)
    return out


def clip(text: str, limit: int = MAX_CHARS) -> str:
    """``text`` cut to at most ``limit`` characters, at a clause boundary when one is near.

    >>> clip("一二三，四五六七八九", 6)
    '一二三…'
    >>> clip("短句。", 6)
    '短句。'
    """
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = max(head.rfind(mark) for mark in _CLAUSE_END)
    if cut >= limit // 2:
        head = head[:cut]
    return head.rstrip(_CLAUSE_END + " ") + "…"


def _event_at(sentence: str) -> int:
    """Where the first news verb outside 《…》 is, or -1."""
    masked = _BOOK_TITLE.sub(lambda m: "□" * len(m.group()), sentence)
    match = _EVENT.search(masked)
    return match.start() if match else -1


def _strip_preamble(sentence: str) -> str:
    """Drop opening clauses that only give the purpose or basis: keep what happened.

    >>> _strip_preamble("为加快发展数字经济，推进改革，某省日前印发《方案》，提出十条措施。")
    '某省日前印发《方案》，提出十条措施。'
    """
    if not _PREAMBLE.match(sentence):
        return sentence
    at = _event_at(sentence)
    if at < 0:
        return sentence
    cut = max(sentence.rfind("，", 0, at), sentence.rfind(",", 0, at))
    return sentence[cut + 1 :].lstrip() if cut >= 0 else sentence


def lead(title: str, body: str) -> str:
    """One line that says what happened: the first news-bearing sentence of the body.

    >>> lead("标题", "为加快发展数字经济，近日，某省印发《方案》（以下简称《方案》）。方案提出三项任务。")
    '某省印发《方案》。'
    >>> lead("只有标题", "")
    '只有标题'
    """
    return clip(_lead_sentence(title, sentences(body)))


def _lead_sentence(title: str, found: list[str]) -> str:
    chosen = next((s for s in found[:4] if _event_at(s) >= 0), found[0] if found else " ".join(title.split()))
    return _strip_preamble(chosen)


def extractive_summary(title: str, body: str, *, segmenter: Segmenter | None = None) -> str:
    """At most 120 characters of the article's most central sentences, in their order.

    The lead comes first; the room left goes to the sentences that hold most of the article's
    frequent words and the title's words, early ones and ones with figures preferred.

    >>> news = "近日，某省印发算力方案。方案提出，到2027年算力规模超过50EFLOPS。"
    >>> summary = extractive_summary("某省发布算力方案", news + "会议还讨论了其他事项。" * 20)
    >>> summary.startswith(news), len(summary) <= 120
    (True, True)
    """
    return _extractive(title, sentences(body), segmenter or get_segmenter())


def _extractive(title: str, raw: list[str], seg: Segmenter) -> str:
    found = [_strip_preamble(s) for s in raw[:60]]
    if not found:
        return clip(" ".join(title.split()))
    first = _lead_sentence(title, found)
    # Title and sentences go to the segmenter in one call.
    title_cut, *cut = seg.cut_many([title, *found])
    words = [[w for w in sentence_words if len(w) > 1] for sentence_words in cut]
    frequency = Counter(w for sentence_words in words for w in set(sentence_words))
    title_words = {w for w in title_cut if len(w) > 1}
    scores = []
    for position, (sentence, sentence_words) in enumerate(zip(found, words, strict=True)):
        if not sentence_words:
            scores.append(0.0)
            continue
        centrality = sum(math.log1p(frequency[w]) for w in set(sentence_words)) / math.sqrt(len(sentence_words))
        overlap = len(title_words & set(sentence_words))
        figures = 0.5 if re.search(r"\d", sentence) else 0.0
        scores.append((centrality + overlap + figures) / (1 + 0.15 * position))
    # News is told lead first: keep the lead, then fill the room with the most central sentences.
    if len(first) >= MAX_CHARS:
        return clip(first)
    lead_index = found.index(first)
    chosen = [lead_index]
    used = len(first)
    for index in sorted(range(len(found)), key=lambda i: -scores[i]):
        if index != lead_index and used + len(found[index]) <= MAX_CHARS:
            chosen.append(index)
            used += len(found[index])
    # A clause cut at "；" reads as unfinished when it ends the summary.
    text = "".join(found[i] for i in sorted(chosen))
    return text[:-1] + "。" if text.endswith(("；", ";")) else text


class AbstractiveSummarizer:
    """Summaries from an OpenAI-compatible chat endpoint; ``None`` (and a log line) when it fails.

    >>> AbstractiveSummarizer("http://127.0.0.1:9/v1", model="m", timeout=0.5).summarize("t", "b") is None
    True
    """

    PROMPT = (
        "你是数字经济政策简报的编辑。请用不超过120个汉字概括下面这篇文章：谁、做了什么、"
        "关键目标或金额。只输出摘要本身。"
    )

    def __init__(self, endpoint: str, *, model: str, api_key: str | None = None, timeout: float = 30.0) -> None:
        import httpx  # only when abstractive summaries are on: keeps the pipeline's cold start short

        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.url = endpoint.rstrip("/") + "/chat/completions"
        self.model = model
        self._client = httpx.Client(headers=headers, timeout=timeout)

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def summarize(self, title: str, body: str) -> str | None:
        """The endpoint's summary of the article, clipped to 120 characters."""
        payload = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": self.PROMPT},
                {"role": "user", "content": f"{title}\n{body[:6000]}"},
            ],
        }
        import httpx

        try:
            response = self._client.post(self.url, json=payload)
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
        except httpx.HTTPStatusError as exc:
            log.warning("abstractive summary skipped: %s answered %s", self.url, exc.response.status_code)
            return None
        except httpx.HTTPError as exc:
            log.warning("abstractive summary skipped: %s unreachable (%s)", self.url, type(exc).__name__)
            return None
        except (ValueError, KeyError, IndexError, TypeError):
            log.warning("abstractive summary skipped: %s did not answer like an OpenAI-compatible API", self.url)
            return None
        text = " ".join(str(content).split()) if content else ""
        if not text:
            log.warning("abstractive summary skipped: %s returned an empty summary", self.url)
            return None
        if len(text) > MAX_CHARS:
            log.info("abstractive summary clipped from %d to %d characters", len(text), MAX_CHARS)
        return clip(text)


def summarize(
    title: str,
    body: str,
    *,
    abstractive: AbstractiveSummarizer | None = None,
    segmenter: Segmenter | None = None,
) -> Summary:
    """Lead, extractive summary and, when a summariser is given, the abstractive one.

    >>> summarize("标题", "某部印发《通知》。要求各地落实。").lead
    '某部印发《通知》。'
    """
    found = sentences(body)
    extractive = _extractive(title, found, segmenter or get_segmenter())
    generated = abstractive.summarize(title, body) if abstractive and (title.strip() or body.strip()) else None
    return Summary(lead=clip(_lead_sentence(title, found)), extractive=extractive, abstractive=generated)
