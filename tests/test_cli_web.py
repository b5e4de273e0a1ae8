"""The web-ingest commands: add (with --json), crawl, sources; private addresses refused from the CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from policydigest.cli import app

FIXTURES = Path(__file__).parent / "fixtures" / "web"


@pytest.fixture
def cli_env(web: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Environment for the CLI: a store in tmp_path and 127.0.0.1 allowed; returns the store path."""
    db = tmp_path / "store.db"
    monkeypatch.setenv("POLICYDIGEST_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("POLICYDIGEST_FETCH_ALLOWED_NETWORKS", '["127.0.0.1/32"]')
    monkeypatch.setenv("POLICYDIGEST_FETCH_HOST_DELAY", "0")
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.delenv("POLICYDIGEST_CONFIG", raising=False)
    return db


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_add_url_stores_the_article_and_json_shows_what_was_extracted(web: Any, cli_env: Path) -> None:
    result = invoke("add", "--json", web.url("/redirect/1/art/2024/art_102.html"))
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [(p["status"], p["article_id"]) for p in payload] == [("stored", 1)]
    article = payload[0]["article"]
    assert article["title"] == "明湖市2024年算力券申领工作启动"
    assert article["published"] == "2024-05-08"
    assert article["source"] == "明湖市数据资源局"
    assert article["url"] == web.url("/art/2024/art_102.html")
    assert article["blocks"][0]["text"].startswith("为降低中小企业算力使用成本")
    assert [p["kind"] for p in article["provenance"]] == ["web"]
    with sqlite3.connect(cli_env) as connection:
        final_url, redirects = connection.execute("select final_url, redirects from seen_items").fetchone()
    assert final_url == web.url("/art/2024/art_102.html")
    [hop] = json.loads(redirects)
    assert hop["url"] == web.url("/redirect/1/art/2024/art_102.html") and hop["location"] == final_url


def test_adding_the_same_url_again_fetches_nothing(web: Any, cli_env: Path) -> None:
    url = web.url("/art/2024/art_103.html")
    invoke("add", url)
    web.state.reset()
    result = invoke("add", url)
    assert result.exit_code == 0
    assert "已存在" in result.stdout
    assert web.state.paths() == []


def test_add_file_decodes_a_gbk_page_and_stores_it(cli_env: Path, tmp_path: Path) -> None:
    saved = tmp_path / "保存的网页.html"
    shutil.copy(FIXTURES / "art" / "2024" / "art_106.html", saved)
    result = invoke("add", "--json", str(saved))
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)
    assert entry["status"] == "stored"
    assert entry["article"]["title"] == "明湖市推进政务数据共享交换平台升级改造"
    assert entry["article"]["provenance"][0]["kind"] == "file"


def test_one_bad_input_does_not_stop_the_others(web: Any, cli_env: Path, tmp_path: Path) -> None:
    result = invoke(
        "add", "--json", str(tmp_path / "missing.html"), web.url("/gone"), web.url("/art/2024/art_104.html")
    )
    assert result.exit_code == 1
    statuses = [entry["status"] for entry in json.loads(result.stdout)]
    assert statuses == ["failed", "failed", "stored"]


def test_add_refuses_a_private_address_with_a_clear_error(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POLICYDIGEST_FETCH_ALLOWED_NETWORKS")
    result = invoke("add", "--json", "http://192.168.1.10/notice.html")
    assert result.exit_code == 1
    [entry] = json.loads(result.stdout)
    assert entry["status"] == "blocked"
    assert "192.168.1.10 是内网地址" in entry["reason"]
    assert "fetch_allow_private" in entry["reason"]


def test_crawl_and_sources_commands_show_runs_and_health(web: Any, cli_env: Path, tmp_path: Path) -> None:
    catalogue = tmp_path / "sources.toml"
    catalogue.write_text(
        f'[[source]]\nname = "明湖·RSS"\nkind = "feed"\nurl = "{web.url("/feeds/rss.xml")}"\n\n'
        f'[[source]]\nname = "明湖·改版"\nkind = "listing"\nurl = "{web.url("/list/redesigned.html")}"\n'
        f"interval_minutes = 1\n\n"
        f'[[source]]\nname = "明湖·未跑"\nkind = "feed"\nurl = "{web.url("/feeds/atom.xml")}"\nenabled = false\n',
        encoding="utf-8",
    )
    crawl = invoke("crawl", "--catalogue", str(catalogue))
    assert crawl.exit_code == 0, crawl.output
    assert "入库 3 篇，重复 0 篇" in crawl.stdout
    for _ in range(2):
        invoke("crawl", "--catalogue", str(catalogue), "--force")
    sources = invoke("sources", "--catalogue", str(catalogue), "--json")
    assert sources.exit_code == 0
    health = {row["name"]: row for row in json.loads(sources.stdout)}
    assert health["明湖·RSS"]["health"] == "ok" and health["明湖·RSS"]["items_per_week"] == 0.75, health["明湖·RSS"]
    assert health["明湖·改版"]["health"] == "failing"
    assert any(flag.startswith("列表页连续") for flag in health["明湖·改版"]["flags"])
    assert health["明湖·未跑"]["health"] == "never run"
    table = invoke("sources", "--catalogue", str(catalogue))
    assert table.exit_code == 0 and "明湖" in table.stdout


def test_crawl_with_a_broken_catalogue_is_one_clear_error(cli_env: Path, tmp_path: Path) -> None:
    catalogue = tmp_path / "sources.toml"
    catalogue.write_text('[[source]]\nname = "坏"\nkind = "podcast"\nurl = "https://e.org/"\n', encoding="utf-8")
    with pytest.raises(Exception, match="来源 '坏'"):
        invoke("crawl", "--catalogue", str(catalogue))


def test_sources_test_shows_what_a_run_would_fetch_and_stores_nothing(web: Any, cli_env: Path, tmp_path: Path) -> None:
    catalogue = tmp_path / "sources.toml"
    catalogue.write_text(
        f'[[source]]\nname = "明湖·分页"\nkind = "listing"\nurl = "{web.url("/legacy/index.html")}"\n'
        'pages = 5\npage_url = "index_{n}.html"\nattachments = "list"\n\n'
        f'[[source]]\nname = "明湖·通知"\nkind = "listing"\nurl = "{web.url("/notice/index.html")}"\n'
        'selector = "ul.list a"\nattachments = "list"\n',
        encoding="utf-8",
    )
    paged = invoke("sources", "test", "明湖·分页", "--catalogue", str(catalogue), "--items", "2")
    assert paged.exit_code == 0, paged.output
    assert "列表页 5 个，链接 15 个" in paged.stdout
    assert paged.stdout.count("关于开展第") == 2
    notice = invoke("sources", "test", "明湖·通知", "--catalogue", str(catalogue))
    assert "附件 1.明湖市公共数据授权运营实施方案.pdf" in notice.stdout
    assert "附件读取已关闭" in notice.stdout
    assert not cli_env.exists() or sqlite3.connect(cli_env).execute("select count(*) from articles").fetchone() == (0,)
    unknown = invoke("sources", "test", "没有", "--catalogue", str(catalogue))
    assert unknown.exit_code == 1
