"""Normalisation and bigram terms: what makes search exact."""

from __future__ import annotations

import re
import sys

from hypothesis import given
from hypothesis import strategies as st

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


def _reference_normalize(text: str) -> str:
    """Normalisation as the module says it, written out plainly: what the vectorised code must equal."""
    norm = re.sub(r"[\s\ue000\ue001]+", SEP, fold(text))
    return re.sub("[0-9a-z\u00c0-\u024f]+", lambda latin: f"{MARK}{latin.group()}{MARK}", norm)


def _reference_terms(text: str) -> str:
    norm = _reference_normalize(text)
    chars = norm + SEP
    return " ".join(chars[i : i + 2] for i in range(len(norm)))


_WHITE_SPACE = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]
_RUN = st.one_of(
    st.text(st.sampled_from([*_WHITE_SPACE, SEP, MARK]), min_size=1, max_size=3),  # white space of every kind
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x250), min_size=1, max_size=6),  # ASCII and Latin
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40), min_size=1, max_size=6),  # Chinese
    st.text(st.characters(min_codepoint=0xFF00, max_codepoint=0xFF60), min_size=1, max_size=3),  # full width
    st.sampled_from(["\u3000", "\ue002", "\uf8ff", "İ", "ΟΔΟΣ", "Σ", "ǅ", "\U0001f600"]),  # private use, cases
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=4),  # any script (no lone surrogates)
)
_MIXED_TEXT = st.lists(_RUN, max_size=8).map("".join)


@given(st.lists(_MIXED_TEXT, min_size=1, max_size=6))
def test_terms_of_any_mixed_script_batch_are_the_plain_bigrams_of_each_normalised_text(texts: list[str]) -> None:
    assert index_terms_many(texts) == [_reference_terms(text) for text in texts]


def test_every_code_point_is_white_space_latin_or_kept_as_the_plain_definition_says() -> None:
    # Surrogates cannot be encoded; İ, which lower-cases to two characters, is in the test above.
    every = "数".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF and code != 0x130)
    assert normalize(every) == _reference_normalize(every)
