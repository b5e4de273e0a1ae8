"""Charset detection: the bytes win over what the header or the page declares."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from policydigest.ingest.decoding import declared_in_html, decode_html, detect_charset, normalise_charset

PAGES = Path(__file__).parent / "fixtures" / "pages"
TEXT = "国家数据局发布《数据要素×三年行动计划》，推动数据资源开发利用。"


def test_gbk_page_declared_utf8_is_decoded_as_gb18030() -> None:
    data = (PAGES / "gbk-declared-utf8.html").read_bytes()
    assert declared_in_html(data) == "utf-8"
    assert detect_charset(data) == "gb18030"
    text = decode_html(data)
    assert "晴川县推进数字乡村建设" in text
    assert "\ufffd" not in text


def test_rare_characters_outside_gbk_survive_because_gbk_is_read_as_gb18030() -> None:
    text = decode_html((PAGES / "gbk-declared-utf8.html").read_bytes(), declared="gbk")
    assert "𠀀字与䶮字" in text


def test_utf8_page_declared_gb2312_is_decoded_as_utf8() -> None:
    data = (PAGES / "utf8-declared-gb2312.html").read_bytes()
    assert declared_in_html(data) == "gb18030"
    assert detect_charset(data) == "utf-8"
    assert "云岭市发布算力设施布局规划" in decode_html(data)


def test_http_header_saying_gb2312_does_not_override_utf8_bytes() -> None:
    data = f"<p>{TEXT}</p>".encode()
    assert decode_html(data, declared="gb2312") == f"<p>{TEXT}</p>"


def test_http_header_saying_utf8_does_not_override_gbk_bytes() -> None:
    data = f"<html><body><p>{TEXT}</p></body></html>".encode("gbk")
    assert decode_html(data, declared="utf-8") == f"<html><body><p>{TEXT}</p></body></html>"


def test_header_is_used_when_bytes_fit_it_and_meta_is_absent() -> None:
    data = f"<p>{TEXT}</p>".encode("big5", errors="ignore")
    assert detect_charset(data, declared="big5") == "big5"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_byte_order_mark_wins_and_is_removed(bom: bytes, codec: str) -> None:
    data = bom + f"<p>{TEXT}</p>".encode(codec)
    assert detect_charset(data, declared="gb2312") == codec
    assert decode_html(data, declared="gb2312") == f"<p>{TEXT}</p>"


def test_undecodable_bytes_become_replacement_characters_not_errors() -> None:
    data = "<p>数据</p>".encode() + b"\xff\xfe\xfa" + "<p>要素</p>".encode()
    text = decode_html(data)
    assert "数据" in text or "要素" in text


def test_pure_ascii_follows_the_declaration() -> None:
    assert detect_charset(b"<p>hello</p>", declared="gb2312") == "gb18030"
    assert detect_charset(b"<p>hello</p>") == "utf-8"


def test_charset_labels_are_normalised() -> None:
    assert normalise_charset("GBK") == "gb18030"
    assert normalise_charset("x-gbk") == "gb18030"
    assert normalise_charset("ISO-8859-1") == "cp1252"
    assert normalise_charset("UTF8") == "utf-8"
    assert normalise_charset("nonsense-charset") is None
