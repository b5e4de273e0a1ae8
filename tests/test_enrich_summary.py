"""Leads, extractive summaries, and the optional abstractive summariser against a local fake API."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from policydigest.enrich.summary import MAX_CHARS, AbstractiveSummarizer, lead, sentences, summarize

ARTICLES = Path(__file__).parent / "fixtures" / "enrich" / "articles"


def read(name: str) -> tuple[str, str]:
    title, _, body = (ARTICLES / f"{name}.txt").read_text("utf-8").partition("\n")
    return title, body


@pytest.mark.parametrize("name", sorted(p.stem for p in ARTICLES.glob("*.txt")))
def test_summaries_fit_in_120_characters_and_start_with_the_lead(name: str) -> None:
    title, body = read(name)
    result = summarize(title, body)
    assert 0 < len(result.extractive) <= MAX_CHARS
    assert 0 < len(result.lead) <= MAX_CHARS
    assert "\n" not in result.lead
    assert result.extractive.startswith(result.lead.rstrip("…"))


def test_lead_skips_the_purpose_clauses_and_asides() -> None:
    title, body = read("national_public_data")
    assert (
        lead(title, body)
        == "国家数据局会同国家发展改革委、财政部等4部门印发《关于加快公共数据资源开发利用的实施意见》。"
    )


def test_lead_is_the_news_not_a_date_line() -> None:
    title, body = read("ningxia_computing_plan")
    assert lead(title, body).startswith("日前，宁夏回族自治区发展和改革委员会等5部门联合印发")


def test_summary_prefers_sentences_with_the_plan_s_figures() -> None:
    body = (
        "近日，某省印发数据资产入表措施。"
        "会议要求各地认真学习领会有关精神，切实抓好贯彻落实工作。"
        "措施提出，到2026年底，全省完成数据资产入表的企业达到500家。"
    )
    summary = summarize("某省印发数据资产入表措施", body).extractive
    assert "500家" in summary


def test_source_lines_and_qr_code_furniture_are_not_sentences() -> None:
    text = "某部发布《通知》。\n扫描二维码可阅读或下载原文件\n原文链接：https://example.org/a\n（来源：某部）"
    assert sentences(text) == ["某部发布《通知》。"]


@pytest.mark.parametrize("body", ["", "，。！？", "\n\n\n"])
def test_empty_body_falls_back_to_the_title(body: str) -> None:
    result = summarize("某省发布数字经济工作要点", body)
    assert result.lead == result.extractive == "某省发布数字经济工作要点"


def test_empty_article_gives_empty_summary() -> None:
    result = summarize("", "")
    assert result.result().model_dump() == {"lead": "", "summary": "", "extractive": "", "method": "extractive"}


def test_one_long_sentence_is_clipped_at_a_clause() -> None:
    body = "，".join(f"推进第{i}项重点任务" for i in range(60)) + "。"
    result = summarize("标题", body)
    assert len(result.extractive) <= MAX_CHARS and result.extractive.endswith("…")
    assert "，…" not in result.extractive


# ---- abstractive summaries against a fake OpenAI-compatible server on 127.0.0.1 -------------------


@dataclass
class FakeAPI:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    answer: Any = None


@pytest.fixture
def fake_api() -> Iterator[FakeAPI]:
    state = FakeAPI(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            state.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "json": json.loads(self.rfile.read(length)),
                }
            )
            payload = json.dumps(state.answer).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield state
    server.shutdown()
    server.server_close()


def chat_answer(content: str) -> dict[str, Any]:
    return {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}


def test_abstractive_summary_comes_from_the_endpoint(fake_api: FakeAPI) -> None:
    fake_api.answer = chat_answer("宁夏5部门印发算力方案，到2027年算力规模超50EFLOPS，设立算力券。")
    summarizer = AbstractiveSummarizer(fake_api.url, model="qwen-test", api_key="sk-test", timeout=5)
    result = summarize(*read("ningxia_computing_plan"), abstractive=summarizer)
    summarizer.close()
    assert result.text == "宁夏5部门印发算力方案，到2027年算力规模超50EFLOPS，设立算力券。"
    assert result.result().method == "abstractive"
    assert result.extractive  # the extractive summary is kept beside it
    request = fake_api.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["authorization"] == "Bearer sk-test"
    assert request["json"]["model"] == "qwen-test"
    assert "宁夏" in request["json"]["messages"][-1]["content"]


def test_overlong_abstractive_summary_is_clipped(fake_api: FakeAPI) -> None:
    fake_api.answer = chat_answer("，".join(["这是一段很长的摘要"] * 40))
    summarizer = AbstractiveSummarizer(fake_api.url, model="m", timeout=5)
    text = summarizer.summarize("标题", "正文。")
    assert text is not None and len(text) <= MAX_CHARS


@pytest.mark.parametrize(
    ("status", "answer", "reason"),
    [
        (500, {"error": "boom"}, "answered 500"),
        (200, {"unexpected": True}, "OpenAI-compatible"),
        (200, chat_answer("   "), "empty summary"),
    ],
)
def test_endpoint_failures_fall_back_to_extractive(
    fake_api: FakeAPI, caplog: pytest.LogCaptureFixture, status: int, answer: Any, reason: str
) -> None:
    fake_api.status, fake_api.answer = status, answer
    summarizer = AbstractiveSummarizer(fake_api.url, model="m", timeout=5)
    with caplog.at_level(logging.WARNING, logger="policydigest.enrich.summary"):
        result = summarize(*read("shandong_data_assets"), abstractive=summarizer)
    assert result.abstractive is None and result.text == result.extractive
    assert reason in caplog.text


def test_unreachable_endpoint_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    summarizer = AbstractiveSummarizer("http://127.0.0.1:9/v1", model="m", timeout=1)
    with caplog.at_level(logging.WARNING, logger="policydigest.enrich.summary"):
        assert summarizer.summarize("标题", "正文。") is None
    assert "unreachable" in caplog.text


def test_api_key_is_not_logged(fake_api: FakeAPI, caplog: pytest.LogCaptureFixture) -> None:
    fake_api.status, fake_api.answer = 401, {"error": "bad key"}
    summarizer = AbstractiveSummarizer(fake_api.url, model="m", api_key="sk-secret-123", timeout=5)
    with caplog.at_level(logging.DEBUG):
        summarizer.summarize("标题", "正文。")
    assert "sk-secret-123" not in caplog.text


def test_summary_stage_uses_the_endpoint_and_the_key_from_the_environment(
    fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policydigest.enrich.pipeline import SummaryStage
    from policydigest.model import Article, Block
    from policydigest.settings import Settings

    fake_api.answer = chat_answer("山东印发数据资产入表措施，首次入表最高补助50万元。")
    monkeypatch.setenv("MY_SUMMARY_KEY", "sk-from-env")
    settings = Settings(
        summary_endpoint=fake_api.url, summary_model="local-model", summary_api_key_env="MY_SUMMARY_KEY"
    )
    stage = SummaryStage(settings)
    title, body = read("shandong_data_assets")
    result = stage(Article(title=title, blocks=[Block.paragraph(body)])).enrichment.summary
    assert result is not None and result.method == "abstractive" and result.summary.startswith("山东印发")
    assert fake_api.requests[0]["authorization"] == "Bearer sk-from-env"
    assert stage.version == "1:local-model"


def test_summaries_are_extractive_by_default() -> None:
    from policydigest.enrich.pipeline import SummaryStage
    from policydigest.settings import Settings

    assert SummaryStage(Settings()).abstractive is None
