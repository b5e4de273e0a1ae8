"""Normalisation and bigram terms: what makes search exact."""

from __future__ import annotations

from policydigest.search.text import (
    MARK,
    SEP,
    bigrams,
    covering_bigrams,
    fold,
    index_terms,
    index_terms_many,
    normalize,
    word_pattern,
)


def test_full_width_latin_is_folded_and_lower_cased_keeping_length() -> None:
    text = "ＡＩ大模型　Ｇｐｔ５"
    assert fold(text) == "ai大模型 gpt5"
    assert len(fold(text)) == len(text)


def test_full_width_punctuation_is_kept_as_it_is() -> None:
    assert fold("数据，要素（试行）") == "数据，要素（试行）"


def test_every_character_starts_a_bigram_so_single_characters_are_findable() -> None:
    terms = index_terms("数商").split(" ")
    assert terms == ["数商", "商" + SEP]


def test_white_space_runs_become_one_separator_and_never_split_a_term() -> None:
    terms = index_terms("数据\n\n  要素").split(" ")
    assert terms == ["数据", "据" + SEP, SEP + "要", "要素", "素" + SEP]


def test_a_batch_of_texts_gets_the_terms_each_text_gets_alone() -> None:
    texts = ["数据要素", "", "AI+制造  GPT5 ", "ΟΔΟΣ 数据", "\ue002算力", "naïve ǅ 99"]
    alone = [index_terms_many([text])[0] for text in texts]
    assert index_terms_many(texts) == alone
    assert alone[0].split(" ") == ["数据", "据要", "要素", "素" + SEP]


def test_a_dotted_capital_i_in_a_batch_leaves_the_greek_final_sigma_of_another_text_as_alone() -> None:
    texts = ["ΟΔΟΣ", "İzmir"]
    assert index_terms_many(texts) == [index_terms("ΟΔΟΣ"), index_terms("İzmir")]
    assert "ς" in index_terms("ΟΔΟΣ")


def test_latin_words_are_wrapped_in_marks_so_they_match_whole() -> None:
    assert normalize("said AI") == f"{MARK}said{MARK}{SEP}{MARK}ai{MARK}"
    assert word_pattern("AI") == f"{MARK}ai{MARK}"
    assert word_pattern("AI", prefix=True) == f"{MARK}ai"


def test_private_use_characters_in_articles_cannot_forge_marks() -> None:
    assert normalize("数据\ue001要素") == f"数据{SEP}要素"


def test_bigrams_of_a_word_overlap() -> None:
    assert bigrams("数据交易所") == ["数据", "据交", "交易", "易所"]


def test_covering_bigrams_pin_every_character_of_a_word() -> None:
    for word in ("数据要素", "数据交易所", "公共数据授权运营", "大模型"):
        covered = set()
        for offset, gram in covering_bigrams(word):
            assert word[offset : offset + 2] == gram
            covered |= {offset, offset + 1}
        assert covered == set(range(len(word)))
