"""Text is cleaned once at the model boundary, whatever the way in: C0/C1 controls (but tab and newline),
lone surrogates and bidi controls never reach the store or any output."""

from __future__ import annotations

from pathlib import Path

import pytest

from policydigest.ingest.add import add_file
from policydigest.ingest.extract import extract_page
from policydigest.ingest.importer import import_file
from policydigest.model import Article, Block, Issue, Provenance
from policydigest.safetext import clean_text
from policydigest.settings import Settings
from policydigest.store import open_store
from tests.conftest import SAMPLE_DIR

#: One of each kind of character that must not survive, by name.
UNSAFE = {
    "nul": "\x00",
    "form feed": "\x0c",
    "vertical tab": "\x0b",
    "escape": "\x1b",
    "delete": "\x7f",
    "c1 next line": "\x85",
    "c1 csi": "\x9b",
    "lone high surrogate": "\ud800",
    "lone low surrogate": "\udfff",
    "right-to-left override": "\u202e",
    "left-to-right embedding": "\u202a",
    "first strong isolate": "\u2068",
    "noncharacter": "\uffff",
}
#: What a UTF-8 text file can hold (a NUL makes it binary, a lone surrogate is not UTF-8).
IN_TEXT_FILES = [kind for kind in UNSAFE if kind != "nul" and "surrogate" not in kind]
COVER = "国家数据局等4部门部署开展数据流通利用设施建设试点"


@pytest.mark.parametrize("kind", UNSAFE)
def test_every_unsafe_character_kind_is_removed(kind: str) -> None:
    assert clean_text(f"数据{UNSAFE[kind]}要素") == "数据要素"


def test_tabs_and_newlines_stay_and_carriage_returns_become_newlines() -> None:
    assert clean_text("甲\t乙\r\n丙\r丁\n戊") == "甲\t乙\n丙\n丁\n戊"


@pytest.mark.parametrize("kind", UNSAFE)
def test_every_text_field_of_the_model_is_cleaned_whatever_the_way_in(kind: str) -> None:
    bad = UNSAFE[kind]
    data = {
        "series": f"数字经济观察{bad}",
        "number": 1,
        "total_number": 2,
        "date": "2025-03-14",
        "cover_headline": f"{bad}头条",
        "masthead": {"contacts": {f"邮箱{bad}": f"a{bad}@example.org"}, "roles": [{"role": "主编", "names": [bad]}]},
        "toc": [{"column": "国策要论", "title": f"标题{bad}"}],
        "articles": [
            {
                "title": f"标题{bad}",
                "url": f"https://example.org/{bad}a",
                "blocks": [{"kind": "table", "rows": [[f"单元{bad}格"]]}],
                "enrichment": {"facts": {"documents": [f"《方案{bad}》"]}},
            }
        ],
        "back_matter": [{"heading": f"主编简介{bad}", "blocks": [{"kind": "paragraph", "text": bad}]}],
    }
    built = [Issue.model_validate(data)]
    if kind not in ("lone high surrogate", "lone low surrogate"):  # JSON text cannot hold them as str
        built.append(Issue.model_validate_json(Issue.model_validate(data).model_dump_json()))
    for issue in built:
        dumped = issue.model_dump_json()
        assert bad not in dumped and "\\u" + f"{ord(bad):04x}" not in dumped.lower()
    made = Article(title=f"标{bad}题", blocks=[Block.paragraph(f"段{bad}落"), Block.table([[bad]])])
    assert made.title == "标题" and made.body == "段落\n"


@pytest.mark.parametrize("kind", IN_TEXT_FILES)
def test_a_bulletin_whose_cover_line_holds_a_control_character_is_stored_clean(kind: str, tmp_path: Path) -> None:
    text = (SAMPLE_DIR / "sample-bulletin-no8.txt").read_text(encoding="utf-8")
    assert COVER in text
    path = tmp_path / "issue.txt"
    path.write_text(text.replace(COVER, f"{UNSAFE[kind]}{COVER}", 1), encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    result = import_file(path, store, Settings())
    assert result.status != "failed", result.reason
    stored = store.get_issue(57)
    assert COVER in stored.cover_headline and UNSAFE[kind] not in stored.model_dump_json()


# ---- only http(s) addresses are stored ------------------------------------------------------------

NOT_HTTP = (
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.org/a",
    "//example.org/a",
    "/relative/a.html",
    "https:///no-host",
    'https://example.org/"onmouseover="alert(1)',
)
CANONICAL_PAGE = """<html><head><meta charset="utf-8"><title>关于数据要素的通知</title>
<link rel="canonical" href="{href}"></head><body><h1>关于数据要素的通知</h1>
<div class="content"><p>为推进数据要素市场化配置改革，某市数据局组织开展专项工作，各区县应当完成数据资源目录的编制。</p>
<p>各单位应当于规定时间内完成本地数据资源目录的编制和报送工作，确保数据资源目录的准确性和完整性。</p></div></body></html>"""


@pytest.mark.parametrize("url", NOT_HTTP)
def test_an_article_keeps_no_link_that_is_not_http(url: str) -> None:
    assert Article(title="标题", url=url).url is None
    assert Article.model_validate({"title": "标题", "url": url}).url is None
    assert Issue.model_validate(
        {"series": "s", "number": 1, "total_number": 1, "date": "2025-01-01", "articles": [{"title": "t", "url": url}]}
    ).articles[0].url is None


@pytest.mark.parametrize("url", NOT_HTTP)
def test_a_web_provenance_must_be_an_http_address(url: str) -> None:
    with pytest.raises(ValueError, match="http"):
        Provenance(kind="web", location=url)
    assert Provenance(kind="file", location="/data/page.html").location == "/data/page.html"


@pytest.mark.parametrize("href", ["javascript:alert(1)", "data:text/html,x", "vbscript:x"])
def test_a_page_whose_canonical_link_is_not_http_keeps_its_own_address(href: str, tmp_path: Path) -> None:
    page = extract_page(CANONICAL_PAGE.format(href=href).encode(), url="https://www.example.gov.cn/a.html")
    assert page is not None and page.to_article().url == "https://www.example.gov.cn/a.html"
    saved = tmp_path / "page.html"
    saved.write_text(CANONICAL_PAGE.format(href=href), encoding="utf-8")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'store.db'}", enrich_on_import=False)
    store = open_store(settings.database_url)
    outcome = add_file(saved, settings, store)
    assert outcome.status == "stored" and outcome.article_id is not None
    assert [article.url for article, _day in store.articles_for_enrichment()] == [None]


def test_a_bulletin_whose_original_link_is_not_http_stores_no_link(tmp_path: Path) -> None:
    text = (SAMPLE_DIR / "sample-bulletin-no8.txt").read_text(encoding="utf-8")
    first = "https://www.example.gov.cn/nda/zcfb/2025 03/t20250310_1001.html"
    path = tmp_path / "issue.txt"
    path.write_text(text.replace(first, "javascript:alert(document.cookie)", 1), encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    assert import_file(path, store, Settings(enrich_on_import=False)).status != "failed"
    urls = [article.url for article in store.get_issue(57).articles]
    assert all(url is None or url.startswith("https://") for url in urls) and None in urls
