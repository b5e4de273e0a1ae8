"""The intelligence pages and their API: documents, follow-ups, targets with downloads, compare, trends."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from intel_samples import enriched, sample_site
from policydigest.intel import intel_behind, update_intel
from policydigest.intel.state import read_state
from policydigest.store import Store, open_store
from policydigest.store.intel_schema import IntelBuiltRow
from policydigest.web.app import create_app
from tests.desk_support import make_users


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = sample_site(tmp_path_factory.mktemp("intel-web"))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _document_id(client: TestClient, name: str) -> int:
    documents: list[dict[str, Any]] = client.get("/api/v1/documents").json()["documents"]
    return next(d["id"] for d in documents if d["name"].startswith(name))


def test_the_document_page_shows_issuer_government_and_the_provinces_that_followed(client: TestClient) -> None:
    plan = _document_id(client, "“算力强基”")
    page = client.get(f"/documents/{plan}")
    assert page.status_code == 200
    assert "国家数据局" in page.text and "云南省" in page.text and "贯彻落实" in page.text
    data = client.get(f"/api/v1/documents/{plan}").json()
    assert {f["region"] for f in data["follow_ups"]} == {"云南省", "昆明市"}
    assert {(r["kind"], r["reason"]) for r in data["related"]} >= {("document", "cited_by"), ("article", "cited_by")}


def test_a_document_without_follow_ups_says_so(client: TestClient) -> None:
    local = _document_id(client, "云南省")
    assert client.get(f"/api/v1/documents/{local}").json()["no_follow_ups"] == "暂无下级落实文件或文章"
    assert "暂无下级落实文件或文章" in client.get(f"/documents/{local}").text


def test_unknown_documents_and_bad_comparisons_get_the_one_error_shape_in_chinese(client: TestClient) -> None:
    missing = client.get("/api/v1/documents/9999")
    assert missing.status_code == 404 and "没有编号为 9999" in missing.json()["error"]["message"]
    too_many = client.get("/api/v1/compare", params={"ids": ",".join(str(n) for n in range(1, 11))})
    assert too_many.status_code == 422 and too_many.json()["error"]["details"][0]["location"] == "query.ids"
    unknown = client.get("/api/v1/compare", params={"ids": "1,9999"})
    assert unknown.status_code == 404 and "没有编号为 9999 的文章" in unknown.json()["error"]["message"]


def test_targets_filter_by_region_and_download_as_csv_and_xlsx(client: TestClient) -> None:
    items = client.get("/api/v1/targets", params={"region": "云南"}).json()["items"]
    assert {t["metric"] for t in items} == {"算力规模", "算力枢纽"}
    assert client.get("/api/v1/targets", params={"due_before": "2026-01-01"}).json()["total"] == 0
    csv_text = client.get("/targets", params={"region": "云南", "format": "csv"}).content.decode("utf-8-sig")
    assert "算力枢纽" in csv_text
    book = load_workbook(io.BytesIO(client.get("/targets", params={"format": "xlsx"}).content))
    assert book.active is not None and book.active.max_row == 5  # header + four public targets


def test_compare_page_and_its_spreadsheet_align_targets(client: TestClient) -> None:
    plan, local = _document_id(client, "“算力强基”"), _document_id(client, "云南省")
    page = client.get("/compare", params={"ids": f"d{plan},d{local}"})
    assert page.status_code == 200 and "算力规模" in page.text
    download = client.get("/compare", params={"ids": f"d{plan},d{local}", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(download.content))
    assert sheet.active is not None and sheet.active.max_row >= 7


def test_trends_draw_svg_charts_with_their_data_tables(client: TestClient) -> None:
    page = client.get("/trends")
    assert page.status_code == 200 and page.text.count("<svg") == 6 and page.text.count("<table>") == 6
    assert "http" not in page.text.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")


def test_trends_count_by_topic_region_issuer_and_kind_with_the_articles_behind_each_point(client: TestClient) -> None:
    trends = {t["name"]: t for t in client.get("/api/v1/trends").json()["items"]}
    assert {"topics", "regions", "issuers", "kinds", "levels", "targets"} <= set(trends)
    topics = [(p["x"], p["series"], p["n"], p["article_ids"]) for p in trends["topics"]["points"]]
    assert topics == [("2025-03", "算力", 2, [1, 2]), ("2025-06", "算力", 1, [4])]
    issuers = {p["series"]: p["article_ids"] for p in trends["issuers"]["points"]}
    assert issuers == {"国家数据局": [1], "云南省人民政府办公厅": [2]}
    assert {p["series"] for p in trends["kinds"]["points"]} == {"计划", "方案"}
    assert '<a href="/articles/4"' in client.get("/trends").text


def test_a_national_document_shows_which_provinces_followed_when_and_which_have_not_yet(client: TestClient) -> None:
    plan = _document_id(client, "“算力强基”")
    spread = client.get(f"/api/v1/documents/{plan}/diffusion").json()
    assert [(p["province"], p["date"], p["region"], p["follow_ups"]) for p in spread["followed"]] == [
        ("云南省", "2025-03-20", "昆明市", 2)
    ]
    assert len(spread["pending"]) == 30 and "云南省" not in spread["pending"] and "北京市" in spread["pending"]
    assert client.get(f"/api/v1/documents/{plan}").json()["diffusion"] == spread
    page = client.get(f"/documents/{plan}").text
    assert "各省落实情况" in page and page.count("<svg") == 1 and "尚未见落实的省份" in page


def test_a_provincial_document_has_no_province_table_and_its_diffusion_api_says_why(client: TestClient) -> None:
    local = _document_id(client, "云南省")
    assert client.get(f"/api/v1/documents/{local}").json()["diffusion"] is None
    answer = client.get(f"/api/v1/documents/{local}/diffusion")
    assert answer.status_code == 404 and "不是国家级文件" in answer.json()["error"]["message"]
    assert "各省落实情况" not in client.get(f"/documents/{local}").text


def test_related_policies_give_their_reason_on_document_and_article_pages(client: TestClient) -> None:
    local = _document_id(client, "云南省")
    related = client.get(f"/api/v1/documents/{local}/related").json()["items"]
    reasons = {(r["kind"], r["id"]): (r["reason"], r["detail"]) for r in related}
    assert reasons[("document", _document_id(client, "“算力强基”"))][0] == "cites"
    assert reasons[("article", 4)] == ("targets", "算力规模（云南省）")
    of_article = {(r["kind"], r["id"]): r["reason"] for r in client.get("/api/v1/articles/2/related").json()["items"]}
    assert of_article[("document", local)] == "announces" and of_article[("article", 3)] == "programme"
    page = client.get("/articles/2").text
    assert "相关政策" in page and "相同目标（同一指标与地区）：算力规模（云南省）" in page
    assert client.get("/api/v1/articles/9999/related").json()["error"]["message"] == "没有编号为 9999 的文章"


def test_a_target_lists_later_mentions_of_its_metric_and_region_as_progress(client: TestClient) -> None:
    items = client.get("/api/v1/targets", params={"region": "云南"}).json()["items"]
    scale = next(t for t in items if t["metric"] == "算力规模" and t["article_id"] == 2)
    assert [(p["article_id"], p["date"], p["value"]) for p in scale["progress"]] == [(4, "2025-06-02", 12.0)]
    assert next(t for t in items if t["article_id"] == 4)["progress"] == []
    assert '<a href="/articles/4">2025-06-02：' in client.get("/targets", params={"region": "云南"}).text


def test_anonymous_readers_see_no_trace_of_an_unvetted_article_in_the_intelligence(client: TestClient) -> None:
    names = [d["name"] for d in client.get("/api/v1/documents").json()["documents"]]
    assert not any(name.startswith("浙江省") for name in names)
    plan = _document_id(client, "“算力强基”")
    document = client.get(f"/api/v1/documents/{plan}").json()
    assert 5 not in document["document"]["article_ids"] and "浙江省" in document["diffusion"]["pending"]
    assert all(f["article_id"] != 5 for f in document["follow_ups"])
    assert all(r["id"] != 5 for r in document["related"] if r["kind"] == "article")
    traces = ("浙江省人民政府办公厅", "浙江省算力强基", "20EFLOPS", "2025-03-10")
    for path in ("/documents", f"/documents/{plan}", "/targets", "/trends", "/articles/2", "/api/v1/trends"):
        assert not [t for t in traces if t in client.get(path).text], path
    assert client.get("/api/v1/targets", params={"region": "浙江"}).json()["total"] == 0
    assert client.get("/api/v1/compare", params={"ids": "1,5"}).status_code == 404
    assert client.get("/api/v1/articles/5/related").status_code == 404
    hidden = client.get("/api/v1/documents/3")
    assert hidden.status_code == 404 and hidden.json()["error"]["message"] == "没有编号为 3 的政策文件"


def test_an_open_library_shows_the_unvetted_article_too(tmp_path: Path) -> None:
    with TestClient(create_app(sample_site(tmp_path, web_open_library=True))) as opened:
        names = [d["name"] for d in opened.get("/api/v1/documents").json()["documents"]]
        assert any(name.startswith("浙江省") for name in names)
        plan = _document_id(opened, "“算力强基”")
        followed = opened.get(f"/api/v1/documents/{plan}/diffusion").json()["followed"]
        assert [p["province"] for p in followed] == ["浙江省", "云南省"]



#: A province following the national plan, stored later by a writer.
SHANDONG = (
    "山东省印发算力实施方案",
    "为贯彻落实《“算力强基”三年行动计划（2025—2027年）》，山东省人民政府办公厅印发"
    "《山东省算力强基实施方案（2025—2027年）》。",
)
INTEL_PAGES = ("/documents", "/documents/1", "/targets", "/trends", "/compare?ids=1,2", "/articles/2")
UPDATING = "情报更新中"


def _built(store: Store) -> tuple[int, int | None]:
    """How many articles have intelligence rows, and the change the tables were built at."""
    state = read_state(store)
    with store.session() as session:
        return len(session.scalars(select(IntelBuiltRow.article_id)).all()), state and state.change


def test_pages_after_another_process_writes_show_the_last_build_say_it_is_updating_and_build_nothing(
    tmp_path: Path,
) -> None:
    settings = sample_site(tmp_path, web_open_library=True)
    with TestClient(create_app(settings)) as client:
        assert UPDATING not in client.get("/documents").text
        worker = open_store(settings.database_url)  # a writer in another process (no builder here)
        with worker.session() as session, session.begin():
            worker.upsert_article(session, enriched(*SHANDONG, published=dt.date(2025, 4, 2)))
        before = _built(worker)
        for path in INTEL_PAGES:
            answer = client.get(path)
            assert answer.status_code == 200, path
            assert "山东省算力强基" not in answer.text, path
            assert (UPDATING in answer.text) == (path != "/articles/2"), path
        assert _built(worker) == before and intel_behind(worker)  # reading built nothing
        assert update_intel(worker) == 1  # what the writer's builder does after its commit
        page = client.get("/documents").text
        assert UPDATING not in page and "山东省算力强基实施方案" in page


def test_an_article_the_desk_adds_by_url_is_built_before_the_desk_request_returns(
    tmp_path: Path, web: Any
) -> None:
    settings = sample_site(
        tmp_path, web_open_library=True, web_secret_key="k" * 32, fetch_allowed_networks=["127.0.0.1/32"],
        fetch_host_delay=0.0,
    )
    store = open_store(settings.database_url)
    tokens = make_users(store)
    with TestClient(create_app(settings)) as client:
        added = client.post(
            "/api/v1/desk/inbox/urls",
            json={"url": web.url("/art/2024/art_101.html")},
            headers={"Authorization": f"Bearer {tokens['editor']}"},
        )
        assert added.status_code == 200, added.text
        assert not intel_behind(store)
        # Built during the desk's own request, after the add enriched the article.
        with store.session() as session:
            assert added.json()["article_id"] in session.scalars(select(IntelBuiltRow.article_id)).all()
        assert UPDATING not in client.get("/documents").text
