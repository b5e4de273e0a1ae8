"""Normalisation and bigram terms: what makes search exact."""

from __future__ import annotations

from policydigest.search.text import MARK, SEP, bigrams, fold, index_terms, normalize, word_pattern


def test_full_width_latin_is_folded_and_lower_cased_keeping_length() -> None:
    text = "ＡＩ大模型　Ｇｐｔ"
    assert fold(text) == "ai大模型 gpt"
    assert len(fold(text)) == len(text)


def test_every_character_starts_a_bigram_so_single_characters_are_findable() -> None:
    terms = index_terms("数商").split(" ")
    assert terms == ["数商", "商" + SEP]


def test_white_space_runs_become_one_separator_and_never_split_a_term() -> None:
    terms = index_terms("数据\n\n  要素").split(" ")
    assert terms == ["数据", "据" + SEP, SEP + "要", "要素", "素" + SEP]


def test_latin_words_are_wrapped_in_marks_so_they_match_whole() -> None:
    assert normalize("said AI") == f"{MARK}said{MARK}{SEP}{MARK}ai{MARK}"
    assert word_pattern("AI") == f"{MARK}ai{MARK}"
    assert word_pattern("AI", prefix=True) == f"{MARK}ai"


def test_private_use_characters_in_articles_cannot_forge_marks() -> None:
    assert normalize("数据\ue001要素") == f"数据{SEP}要素"


def test_bigrams_of_a_word_overlap() -> None:
    assert bigrams("数据交易所") == ["数据", "据交", "交易", "易所"]
