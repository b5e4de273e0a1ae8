"""Segmentation with the domain dictionary and a user dictionary."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from policydigest.enrich.segment import Segmenter, domain_dictionary, get_segmenter, segment
from policydigest.errors import ConfigError

FIXTURES = Path(__file__).parent / "fixtures" / "enrich"


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("持续实施东数西算工程", "东数西算"),
        ("加快推进工业领域智改数转网联", "智改数转网联"),
        ("向中小企业发放算力券", "算力券"),
        ("引导企业开展数据资产入表", "数据资产入表"),
        ("探索公共数据授权运营机制", "公共数据授权运营"),
        ("推动大模型在政务领域应用", "大模型"),
    ],
)
def test_domain_terms_are_kept_whole(text: str, term: str) -> None:
    assert term in segment(text)


def test_without_the_domain_dictionary_the_terms_are_split() -> None:
    # Shows the dictionary does the work: plain jieba cuts these terms apart.
    bare = Segmenter(domain=False)
    assert "智改数转网联" not in bare.cut("加快推进工业领域智改数转网联")
    assert "东数西算" not in bare.cut("持续实施东数西算工程")


def test_domain_dictionary_has_a_few_hundred_field_terms() -> None:
    words = {entry.word for entry in domain_dictionary()}
    assert len(words) >= 300
    assert {"数据要素", "东数西算", "智改数转网联", "算力券", "数据资产入表", "公共数据授权运营"} <= words


def test_user_dictionary_adds_terms_and_skips_bad_lines(caplog: pytest.LogCaptureFixture) -> None:
    path = FIXTURES / "user_dictionary.txt"
    get_segmenter.cache_clear()
    with caplog.at_level(logging.WARNING, logger="policydigest.enrich.segment"):
        seg = get_segmenter(path)
    words = seg.cut("建设筑梦云谷算链平台，推进数谷星火计划")
    assert "谷算链" in words and "数谷星火计划" in words
    assert any("user_dictionary.txt:4" in record.getMessage() for record in caplog.records)
    # The default segmenter does not know the user's terms.
    assert "数谷星火计划" not in get_segmenter().cut("推进数谷星火计划")


def test_missing_user_dictionary_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="user_dictionary"):
        get_segmenter(tmp_path / "missing.txt")


def test_token_spans_point_at_the_text() -> None:
    text = "工业和信息化部发布《通告》，推进 IPv6 规模部署。"
    tokens = get_segmenter().tokens(text)
    assert "".join(t.text for t in tokens) == text
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_search_mode_also_yields_inner_words() -> None:
    words = get_segmenter().cut("引导企业开展数据资产入表", search=True)
    assert "数据资产入表" in words and "数据" in words and "资产" in words


@pytest.mark.parametrize("text", ["", "   \n\t", "，。！？……——《》", "\u3000\u3000"])
def test_empty_or_punctuation_only_text_has_no_words(text: str) -> None:
    assert segment(text) == []


def test_mixed_scripts_keep_words_of_other_alphabets_whole() -> None:
    words = segment("欧盟ENISA与Роскомнадзор及مرحبا讨论数据安全😀")
    assert "ENISA" in words and "Роскомнадзор" in words and "مرحبا" in words and "数据安全" in words


def test_mixed_script_token_spans_stay_valid() -> None:
    text = "俄罗斯Роскомнадзор发布新规"
    tokens = get_segmenter().tokens(text)
    assert [t.text for t in tokens if t.text == "Роскомнадзор"]
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_lone_surrogates_do_not_crash_segmentation() -> None:
    text = "数据\ud800要素"
    tokens = get_segmenter().tokens(text)
    assert tokens[-1].end == len(text)
    assert "要素" in segment(text)


def test_one_megabyte_of_text_is_segmented() -> None:
    text = "推进数据要素市场化配置改革，加快全国一体化算力网建设。" * 40_000
    words = segment(text)
    assert words.count("全国一体化算力网") == 40_000
