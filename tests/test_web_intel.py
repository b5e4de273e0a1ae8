"""The intelligence pages and their API: documents, follow-ups, targets with downloads, compare, trends."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from intel_samples import sample_site
from policydigest.web.app import create_app


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
    assert any(r["reason"] == "落实本文件" for r in data["related"])


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
    assert book.active is not None and book.active.max_row == 4  # header + three targets


def test_compare_page_and_its_spreadsheet_align_targets(client: TestClient) -> None:
    plan, local = _document_id(client, "“算力强基”"), _document_id(client, "云南省")
    page = client.get("/compare", params={"ids": f"d{plan},d{local}"})
    assert page.status_code == 200 and "算力规模" in page.text
    download = client.get("/compare", params={"ids": f"d{plan},d{local}", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(download.content))
    assert sheet.active is not None and sheet.active.max_row >= 7


def test_trends_draw_svg_charts_with_their_data_tables(client: TestClient) -> None:
    page = client.get("/trends")
    assert page.status_code == 200 and page.text.count("<svg") == 2 and "<table>" in page.text
    assert "http" not in page.text.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")

