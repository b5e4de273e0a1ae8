"""The search and reindex commands."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from policydigest.cli import app
from policydigest.search.facets import FACETS
from policydigest.search.results import Answer, SearchHit
from tests.conftest import SAMPLE_DIR

runner = CliRunner()


def invoke(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.output


def test_imported_articles_are_found_and_the_json_has_the_documented_shape(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert invoke(db, "import", str(SAMPLE_DIR))[0] == 0
    code, output = invoke(db, "search", "數據要素", "--json", "--limit", "3")
    assert code == 0
    result = json.loads(output)
    assert result["searched"] == "数据要素"
    assert result["total"] >= 2
    assert all(set(hit) == set(SearchHit.model_fields) for hit in result["hits"])
    assert set(result) == {"query", "notes", *Answer.model_fields}  # the API's answer without its paging
    assert "数据要素" in result["hits"][0]["title"]
    assert set(result["facets"]) == {"column", "region", "authority", "kind", "topic", "issue", "source"}
    assert sum(c["count"] for c in result["facets"]["issue"]) >= result["total"]


def test_filters_on_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    invoke(db, "import", str(SAMPLE_DIR))
    code, output = invoke(db, "search", "--column", "数谷动态", "--since", "2025-03-15", "--json")
    assert code == 0
    hits = json.loads(output)["hits"]
    assert hits and all(h["column"] == "数谷动态" and h["date"] >= "2025-03-15" for h in hits)


def test_plain_output_lists_titles_and_counts(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    invoke(db, "import", str(SAMPLE_DIR))
    code, output = invoke(db, "search", "算力")
    assert code == 0
    assert "篇文章" in output and "算力" in output and "栏目：" in output


def test_a_bad_date_is_a_clear_error(tmp_path: Path) -> None:
    code, output = invoke(tmp_path / "s.db", "search", "算力", "--since", "yesterday")
    assert code == 1
    assert "检索条件有误：since：应为日期" in output


def test_reindex_rebuilds_the_index_from_the_store(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    invoke(db, "import", str(SAMPLE_DIR))
    code, output = invoke(db, "reindex")
    assert code == 0
    assert "已为 22 篇文章建立索引" in output
    assert (tmp_path / "s.db.search" / "tantivy").is_dir()


def test_every_facet_is_an_option_that_filters_like_its_count(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    invoke(db, "import", str(SAMPLE_DIR))
    everything = json.loads(invoke(db, "search", "--json")[1])
    for facet in FACETS:
        top = everything["facets"][facet.name][0]
        code, output = invoke(db, "search", f"--{facet.param}", top["value"], "--json")
        assert code == 0, output
        assert json.loads(output)["total"] == top["count"], facet.name


def test_bad_input_on_the_command_line_gives_results_or_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    invoke(db, "import", str(SAMPLE_DIR))
    for text in ("", "数据要素" * 2500, '"数据要素', "“算力", "-", "*", "( + )", "算\x00力", "AI大模型 данные 数据"):
        code, output = invoke(db, "search", text, "--json", "--limit", "3")
        assert code == 0, (text[:20], output)
        result = json.loads(output)
        assert result["hits"] or result["notes"], text[:20]
    code, output = invoke(db, "search", "数据要素" * 2500, "--limit", "1")
    assert code == 0 and "查询过长，只检索了前1000个字符。" in output


def test_the_command_says_what_else_it_searched_and_exact_turns_it_off(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    invoke(db, "import", str(SAMPLE_DIR))
    code, output = invoke(db, "search", "数交所", "--json")
    assert code == 0
    understood = json.loads(output)
    assert "数据交易所" in understood["also_searched"] and understood["total"] >= 1
    assert any(note.startswith("也搜索了：") for note in understood["notes"])
    exact = json.loads(invoke(db, "search", "数交所", "--exact", "--json")[1])
    assert exact["also_searched"] == [] and exact["total"] < understood["total"]
    code, output = invoke(db, "search", "算力 量子霸权")
    assert code == 0 and "没有同时包含全部词语的结果，以下结果包含：算力" in output
