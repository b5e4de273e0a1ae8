"""The command line: import, issues, show, export (its JSON shape pinned) and demo."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from policydigest.cli import app
from policydigest.desk.accounts import Accounts
from policydigest.enrichment import Enrichment
from policydigest.store import open_store
from tests.conftest import FIXTURES, SAMPLE_DIR

runner = CliRunner()
ARTICLE_KEYS = {"id", "column", "title", "source", "url", "body", "toc_page"}
ISSUE_KEYS = {"series", "number", "total_number", "date", "cover_headline", "toc", "articles"}


def invoke(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.output


def test_import_reports_each_file_and_exits_nonzero_when_some_failed(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    code, output = invoke(
        db, "import", str(SAMPLE_DIR / "sample-bulletin-no8.txt"), str(FIXTURES / "bad" / "empty.txt")
    )
    assert code == 1
    assert "新建" in output and "空文件" in output and "2 个文件中 1 个失败" in output


def test_import_json_report_is_machine_readable(tmp_path: Path) -> None:
    code, output = invoke(tmp_path / "s.db", "import", "--json", str(SAMPLE_DIR))
    assert code == 0
    report = json.loads(output)
    assert report["counts"] == {"created": 2}
    assert {f["articles"] for f in report["files"]} == {14, 9}


def test_export_has_the_documented_shape(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    invoke(db, "import", str(SAMPLE_DIR))
    code, output = invoke(db, "export", "--format", "json")
    assert code == 0
    issues = json.loads(output)["issues"]
    assert [i["total_number"] for i in issues] == [57, 58]
    first = issues[0]
    assert set(first) >= ISSUE_KEYS and first["date"] == "2025-03-14"
    assert set(first["toc"][0]) == {"column", "title", "page"}
    assert all(set(a) >= ARTICLE_KEYS for a in first["articles"])
    unlisted = [a for a in first["articles"] if a["toc_page"] is None]
    assert len(unlisted) == 1
    assert any(a["source"] is None for a in first["articles"]) and any(a["url"] is None for a in first["articles"])
    assert all("\n" in a["body"] or len(a["body"]) > 50 for a in first["articles"])


def test_export_jsonl_gives_one_issue_per_line_and_filters_by_issue(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    invoke(db, "import", str(SAMPLE_DIR))
    code, output = invoke(db, "export", "--format", "jsonl", "--issue", "58")
    assert code == 0
    lines = output.strip().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["number"] == 9


def test_show_prints_masthead_contents_and_articles(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    invoke(db, "import", str(SAMPLE_DIR))
    code, output = invoke(db, "show", "57")
    assert code == 0
    assert "本期要目" in output and "数谷动态" in output and "总第57期" in output


def test_show_of_a_missing_issue_says_what_to_do(tmp_path: Path) -> None:
    code, output = invoke(tmp_path / "s.db", "show", "999")
    assert code == 1 and "policydigest issues" in output


def test_issues_lists_newest_first(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    invoke(db, "import", str(SAMPLE_DIR))
    code, output = invoke(db, "issues")
    assert code == 0 and output.index("58") < output.index("57")


def test_demo_imports_the_samples_then_drafts_publishes_and_renders_the_next_issue(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "demo.db").exists()
    assert "总第58期" in result.output
    assert "已起草 第10期 总第59期（2025-03-28）" in result.output
    pdf, html = out / "数字经济观察-2025-10-59.pdf", out / "数字经济观察-2025-10-59.html"
    assert pdf.read_bytes()[:5] == b"%PDF-" and '<html lang="zh-CN">' in html.read_text(encoding="utf-8")
    assert str(pdf) in result.output and str(html) in result.output
    printed = re.findall(r"(demo-\w+)\s+(\w+)\s+密码：(\S+)", result.output)
    assert [role for _, role, _ in printed] == ["contributor", "editor", "chief", "admin"]
    accounts = Accounts(open_store(f"sqlite:///{out / 'demo.db'}"))
    assert all(accounts.authenticate(name, password).role.value == role for name, role, password in printed)
    assert "serve" in result.output and "/login" in result.output


def test_import_enriches_the_new_articles_unless_told_not_to(tmp_path: Path) -> None:
    enriched_db, plain_db = tmp_path / "e.db", tmp_path / "p.db"
    invoke(enriched_db, "import", str(SAMPLE_DIR / "sample-bulletin-no8.txt"))
    invoke(plain_db, "import", "--no-enrich", str(SAMPLE_DIR / "sample-bulletin-no8.txt"))
    enriched = open_store(f"sqlite:///{enriched_db}").get_issue(57).articles
    plain = open_store(f"sqlite:///{plain_db}").get_issue(57).articles
    assert all({"facts", "topics", "column", "summary"} <= set(a.enrichment.stored()) for a in enriched)
    assert all(a.enrichment == Enrichment() for a in plain)
