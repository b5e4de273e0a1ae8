"""Text is cleaned once at the model boundary, whatever the way in: C0/C1 controls (but tab and newline),
lone surrogates and bidi controls never reach the store or any output."""

from __future__ import annotations

from pathlib import Path

import pytest

from policydigest.ingest.importer import import_file
from policydigest.model import Article, Block, Issue
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
