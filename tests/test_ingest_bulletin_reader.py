"""Reading bulletin files: encodings and bad input, each with a one-line reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from policydigest.errors import BadInputError, BinaryInputError, EmptyInputError, NotABulletinError, TruncatedInputError
from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.ingest.decoding import decode_text
from tests.conftest import FIXTURES, load_expected
from tests.test_ingest_bulletin_parse import assert_matches_expected

BAD = FIXTURES / "bad"


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        ("empty.txt", EmptyInputError, "空文件"),
        ("whitespace-only.txt", EmptyInputError, "只有空白"),
        ("binary.txt", BinaryInputError, "二进制"),
        ("not-a-bulletin.txt", NotABulletinError, "没有含日期"),
        ("truncated-bulletin.txt", TruncatedInputError, "不完整"),
        ("truncated.pdf", TruncatedInputError, "不完整"),
    ],
)
def test_bad_files_are_refused_with_a_one_line_reason(name: str, error: type[BadInputError], words: str) -> None:
    with pytest.raises(error) as caught:
        read_bulletin(BAD / name)
    assert words in caught.value.reason
    assert "\n" not in caught.value.reason


def test_truncated_file_names_the_missing_articles() -> None:
    with pytest.raises(TruncatedInputError, match="2 篇文章缺失"):
        read_bulletin(BAD / "truncated-bulletin.txt")


def test_gbk_file_is_decoded_and_imported_with_a_warning() -> None:
    issue = read_bulletin(BAD / "gbk-bulletin.txt")
    assert_matches_expected(issue, load_expected("gbk_bulletin.json"))
    assert any("GB18030" in warning for warning in issue.warnings)


def test_a_character_cut_at_the_end_is_dropped_and_noted() -> None:
    text, notes = decode_text("第8期 数据".encode()[:-1])
    assert text == "第8期 数"
    assert notes and "不完整" in notes[0]


def test_undecodable_bytes_are_refused_as_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(128, 256)) * 8)
    with pytest.raises(BinaryInputError):
        read_bulletin(path)


def test_utf8_with_bom_reads_like_plain_utf8() -> None:
    assert decode_text("\ufeff第8期".encode()) == ("第8期", [])
