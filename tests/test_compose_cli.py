"""The compose command line: draft, its editing commands, publish and render, on a real store."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from policydigest.cli import app
from policydigest.store import open_store
from tests.compose_support import NEXT_ISSUE_DATE, article_id, sample_store

runner = CliRunner()


def run(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.output


@pytest.fixture
def db(tmp_path: Path) -> Path:
    sample_store(tmp_path)
    return tmp_path / "store.db"


def test_draft_then_edit_then_publish_then_render(db: Path, tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{db}")
    guizhou = article_id(store, "贵州印发《算力产业")
    report = article_id(store, "《2025中国数据交易市场研究报告》")

    code, out = run(db, "draft", "--date", NEXT_ISSUE_DATE.isoformat(), "--max-per-column", "3")
    assert code == 0, out
    assert "第10期 总第59期" in out and "接续总第58期" in out and "封面标题" in out
    assert "国家级" in out and "分 =" in out

    for args in (
        ("move", str(guizhou), "国策要论", "--position", "1"),
        ("retitle", str(guizhou), "贵州部署算力产业三年行动"),
        ("set-cover", "--article", str(guizhou)),
        ("drop", str(report), "--reason", "篇幅"),
    ):
        code, out = run(db, "draft", *args)
        assert code == 0, (args, out)
    code, out = run(db, "draft", "show", "--all")
    assert code == 0
    assert "封面标题：贵州部署算力产业三年行动" in out and "编辑撤下：篇幅" in out and "重复" in out

    code, out = run(db, "publish", "59", "--no-pages")
    assert code == 0, out
    code, out = run(db, "show", "59")
    assert code == 0 and "贵州部署算力产业三年行动" in out

    target = tmp_path / "issue.docx"
    code, out = run(db, "render", "59", "--format", "docx", "--out", str(target))
    assert code == 0, out
    document = docx.Document(io.BytesIO(target.read_bytes()))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 2"]
    assert headings[0] == "贵州部署算力产业三年行动"


def test_an_open_draft_can_be_previewed_with_render(db: Path, tmp_path: Path) -> None:
    run(db, "draft", "--date", NEXT_ISSUE_DATE.isoformat())
    target = tmp_path / "preview.md"
    code, out = run(db, "render", "59", "--format", "md", "--out", str(target))
    assert code == 0 and "草稿预览" in out
    assert target.read_text(encoding="utf-8").startswith("追踪数字经济政策脉搏")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("draft", "move", "GUIZHOU", "体育"), "没有栏目 '体育'"),
        (("draft", "show", "--issue", "77"), "没有总第77期的草稿"),
        (("publish",), "没有未出版的草稿"),
        (("render", "77"), "没有总第77期的草稿"),
        (("draft", "--date", "28/03/2025"), "应为日期"),
    ],
)
def test_mistakes_get_one_line_and_a_failing_exit(db: Path, args: tuple[str, ...], message: str) -> None:
    if "GUIZHOU" in args:
        run(db, "draft", "--date", NEXT_ISSUE_DATE.isoformat())
        guizhou = str(article_id(open_store(f"sqlite:///{db}"), "贵州印发《算力产业"))
        args = tuple(guizhou if a == "GUIZHOU" else a for a in args)
    result = runner.invoke(app, ["--db", str(db), *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
