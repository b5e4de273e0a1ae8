"""The command line speaks Simplified Chinese: every help text, and what its error paths print.

An English sentence is caught by a heuristic: three ASCII words in a row, once commands, option
names, setting names, paths and URLs are taken out (those are fixed interface names, not prose).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from policydigest.cli import app
from policydigest.console import console, state
from policydigest.settings import Settings
from tests.conftest import FIXTURES, SAMPLE_DIR

runner = CliRunner()
COMMAND = typer.main.get_command(app)

# Interface names a message may quote: `policydigest draft show --all`, ~/x.db, http://…, enrich_stages, NAME.
_QUOTED = re.compile(r"`[^`]*`")
_INVOCATION = re.compile(r"policydigest(?:\s+(?:[!-~]*[/.=][!-~]*|[a-z][a-z-]*|--?[a-z-]+|[A-Z]+|\d+)(?![!-~]))*")
_INTERFACE = re.compile(r"\S*(?:://|/|\\|_|@|=)\S*|--?[\w-]+|\b[A-Z][A-Z0-9]+\b|\b\w*\d\w*\b|\b\w+\.\w+\b")
_SENTENCE = re.compile(r"\b[A-Za-z]+(?: [A-Za-z]+){2,}\b")


def english_sentences(text: str) -> list[str]:
    """The runs of three or more English words in text, interface names left out.

    >>> english_sentences("错误：没有总第999期（请先运行 `policydigest issues`）")
    []
    >>> english_sentences("error: no such issue")
    ['error: no such issue']
    """
    found = []
    for line in text.splitlines():
        prose = _INTERFACE.sub(" ", _INVOCATION.sub(" ", _QUOTED.sub(" ", line)))
        if _SENTENCE.search(prose):
            found.append(line.strip())
    return found


def test_the_heuristic_tells_prose_from_interface_names() -> None:
    assert not english_sentences("用法：policydigest sources test NAME；见 policydigest --db x.db draft show --all")
    assert not english_sentences("设置 smtp_host（见 `policydigest config`），地址 http://127.0.0.1:8000/a b")
    assert english_sentences("no bulletin files found")
    assert english_sentences("已写入 3 期 to the file")


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


# typer's completion options get their Chinese help only once a context is made; the rendered help shows it.
TYPER_OWN = {"install_completion", "show_completion"}
ALL_COMMANDS = list(_commands(COMMAND))


@pytest.mark.parametrize("path, command", ALL_COMMANDS, ids=[" ".join(p) or "policydigest" for p, _ in ALL_COMMANDS])
def test_every_help_text_is_chinese(path: tuple[str, ...], command: Any) -> None:
    texts = [command.help or "", command.short_help or ""]
    texts += [getattr(param, "help", None) or "" for param in command.params if param.name not in TYPER_OWN]
    english = [s for text in texts for s in english_sentences(text)]
    assert not english, f"{' '.join(path)}: {english}"
    result = runner.invoke(app, [*path, "--help"], prog_name="policydigest", terminal_width=200)
    assert result.exit_code == 0, result.output
    assert not english_sentences(result.output), result.output


# typer's and click's own words, which the heuristic (three words in a row) would let through alone.
LIBRARY_WORDS = re.compile(r"Usage|Options|Arguments|Commands|Error|Missing|Invalid|No such|Try|Got|Show this")


@pytest.mark.parametrize("path", [(), ("draft",), ("draft", "show"), ("show",)], ids=lambda p: " ".join(p) or "root")
def test_help_pages_frame_their_texts_in_chinese(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"], terminal_width=200)
    assert "用法：" in result.output and "选项" in result.output and "显示此帮助并退出" in result.output
    assert not LIBRARY_WORDS.search(result.output), result.output


USAGE_ERRORS: list[tuple[str, ...]] = [
    ("show",),
    ("frobnicate",),
    ("show", "1", "2"),
    ("show", "--bogus"),
    ("export", "--issue", "abc"),
    ("export", "--format", "xml"),
    ("export", "--out"),
    ("draft", "--max-per-column", "0"),
]


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=" ".join)
def test_usage_errors_from_typer_and_click_are_chinese(args: tuple[str, ...]) -> None:
    result = runner.invoke(app, list(args), prog_name="policydigest", terminal_width=200)
    assert result.exit_code == 2 and "错误" in result.output
    assert not LIBRARY_WORDS.search(result.output) and not english_sentences(result.output), result.output


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty store's path, with the search index and catalogue beside it and no mail server set."""
    monkeypatch.setenv("POLICYDIGEST_INDEX_PATH", str(tmp_path / "index"))
    for name in ("SMTP_HOST", "DELIVERY_SECRET", "PUBLIC_URL", "MAIL_FROM"):
        monkeypatch.delenv(f"POLICYDIGEST_{name}", raising=False)
    state.settings = None
    return tmp_path / "store.db"


def _bad_files(folder: Path) -> dict[str, Path]:
    files = {
        "empty": folder / "empty.txt",
        "binary": folder / "binary.txt",
        "plain": folder / "plain.txt",
        "csv": folder / "no-email.csv",
        "catalogue": folder / "bad.toml",
        "backup": folder / "taken.db",
    }
    files["empty"].write_text("", encoding="utf-8")
    files["binary"].write_bytes(bytes(range(256)) * 4)
    files["plain"].write_text("今天天气很好。\n没有期号，也没有目录。\n", encoding="utf-8")
    files["csv"].write_text("name\n张三\n", encoding="utf-8")
    files["catalogue"].write_text("[[source]]\nname = 1\n", encoding="utf-8")
    files["backup"].write_bytes(b"x")
    return files


ERROR_PATHS: list[tuple[str, ...]] = [
    ("show", "999"),
    ("show", "abc"),
    ("export", "--issue", "999"),
    ("import", "{missing}"),
    ("import", "{empty}", "{binary}", "{plain}"),
    ("issues",),
    ("draft", "--date", "28.3.2025"),
    ("draft", "show"),
    ("draft", "move", "1", "国策要论"),
    ("draft", "set-cover"),
    ("publish",),
    ("render", "999"),
    ("enrich",),
    ("enrich", "--all", "--stage", "nonsense"),
    ("enrich", "--issue", "999"),
    ("analyze", "{empty}"),
    ("fit-columns",),
    ("search", "--since", "yesterday"),
    ("search", "数据"),
    ("jobs",),
    ("worker", "--once"),
    ("crawl", "--catalogue", "{catalogue}"),
    ("sources", "frobnicate"),
    ("sources", "test", "nowhere", "--catalogue", "{catalogue}"),
    ("backup", "{backup}"),
    ("restore", "--yes", "{missing}"),
    ("send", "999"),
    ("subscribers", "add", "not-an-address"),
    ("subscribers", "import", "{csv}"),
    ("subscribers", "import", "{missing}"),
    ("subscribers", "delete", "nobody@example.org"),
    ("bounces", "{missing}"),
    ("alerts", "run"),
    ("users", "add", "reader", "--role", "editor"),
    ("users", "token", "nobody"),
    ("follow-ups", "不存在的文件"),
    ("targets", "--due-before", "soon"),
    ("compare", "1"),
    ("compare", "998", "999"),
]


@pytest.mark.parametrize("args", ERROR_PATHS, ids=[" ".join(a) for a in ERROR_PATHS])
def test_error_paths_say_what_went_wrong_in_chinese(db: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    files = {name: str(path) for name, path in _bad_files(tmp_path).items()} | {"missing": str(tmp_path / "nothing")}
    result = runner.invoke(app, ["--db", str(db), *(a.format(**files) for a in args)], terminal_width=200)
    assert not english_sentences(result.output), result.output


def test_an_import_reports_files_warnings_and_failures_in_chinese(db: Path) -> None:
    imported = runner.invoke(app, ["--db", str(db), "import", str(SAMPLE_DIR)])
    bad = runner.invoke(app, ["--db", str(db), "import", str(FIXTURES / "bad")])
    assert imported.exit_code == 0 and "警告" in imported.output and bad.exit_code == 1
    # The articles' own text may quote English names; the report around it may not.
    report = re.sub(r"«[^»]*»", "", imported.output + bad.output)
    assert not english_sentences(report)


def test_config_lists_every_setting_in_chinese(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 400)  # one row per line, so each title shows whole
    result = runner.invoke(app, ["--db", str(db), "config"])
    assert result.exit_code == 0
    for name, field in Settings.model_fields.items():
        assert name in result.output and (field.title or "") in result.output
    # Values (a user agent, a sender address) may be English; the texts around them may not.
    assert not english_sentences("\n".join(field.title or "" for field in Settings.model_fields.values()))
    assert not english_sentences(result.output.split("\n", 2)[1])


def test_config_as_json_keeps_the_english_descriptions(db: Path) -> None:
    result = runner.invoke(app, ["--db", str(db), "config", "--json"], terminal_width=400)
    listed = {entry["name"]: entry for entry in json.loads(result.output)}
    assert listed.keys() == Settings.model_fields.keys()
    assert listed["web_port"]["value"] == 8000 and listed["web_port"]["description"] == (
        Settings.model_fields["web_port"].description
    )
