"""Query understanding: question words, abbreviations, synonyms, and the closest articles when none has every word."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from policydigest.errors import ConfigError
from policydigest.search import IndexedArticle, Query, SearchIndex, iter_store_articles, parse_query
from policydigest.search.understand import Vocabulary, understand
from policydigest.settings import Settings
from policydigest.store import open_store
from tests.conftest import SAMPLE_DIR

ARTICLES = [
    IndexedArticle(id=1, title="国家发展改革委印发数据基础设施建设指引", body="推动算力网络建设。"),
    IndexedArticle(id=2, title="上海数据交易所挂牌数据产品", body="数据交易规模扩大。"),
    IndexedArticle(id=3, title="人工智能赋能制造业", body="推进人工智能与实体经济融合。"),
    IndexedArticle(id=4, title="中法联合声明", body="中华人民共和国和法兰西共和国关于全球治理的联合声明。"),
    IndexedArticle(id=5, title="贵州发放算力券", body="支持中小企业使用算力。"),
    IndexedArticle(id=6, title="AI+制造场景建设", body="成都推动AI在园区落地。"),
    IndexedArticle(id=7, title="河北省工业领域数据安全能力提升工作方案印发", body="提升工业数据安全保护能力。"),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    built = SearchIndex.in_memory()
    built.add(ARTICLES)
    return built


def ids(index: SearchIndex, text: str, **options: object) -> list[int]:
    return [hit.id for hit in index.search(Query(text=text, **options)).hits]  # type: ignore[arg-type]


def test_an_authority_abbreviation_finds_the_full_name_from_the_one_authority_table(index: SearchIndex) -> None:
    result = index.search(Query(text="发改委"))
    assert [hit.id for hit in result.hits] == [1]
    assert "国家发展改革委" in result.also_searched
    assert any(note.startswith("也搜索了：") and "国家发展改革委" in note for note in result.notes)


def test_an_abbreviation_of_the_synonym_file_finds_the_long_form(index: SearchIndex) -> None:
    assert ids(index, "数交所") == [2]


def test_english_and_chinese_forms_find_each_other_and_the_form_typed_counts_more(index: SearchIndex) -> None:
    assert ids(index, "AI") == [6, 3]
    assert ids(index, "人工智能") == [3, 6]


def test_a_short_country_name_finds_the_full_one_from_the_gazetteer(index: SearchIndex) -> None:
    assert ids(index, "法国") == [4]


def test_expand_off_searches_exactly_the_words_typed(index: SearchIndex) -> None:
    result = index.search(Query(text="发改委", expand=False))
    assert result.total == 0 and result.notes == []


def test_a_question_is_searched_for_its_content_words(index: SearchIndex) -> None:
    result = index.search(Query(text="哪些地方出台了工业数据安全方案"))
    assert [hit.id for hit in result.hits][:1] == [7]
    assert {"哪些地方", "了"} <= set(result.dropped)
    assert any(note.startswith("略去了：") for note in result.notes)


def test_a_query_of_function_words_only_is_searched_as_typed() -> None:
    understood = understand(parse_query("哪些"), Vocabulary.load())
    assert understood.parsed.as_typed() == "哪些" and understood.dropped == ()


def test_phrases_prefixes_and_exclusions_get_no_other_forms() -> None:
    understood = understand(parse_query('"AI" AI* -AI'), Vocabulary.load())
    assert all(term.alternatives == () for term in understood.parsed.terms)


def test_a_form_containing_the_typed_word_is_not_searched_again() -> None:
    assert "人工智能大模型" not in Vocabulary.load().alternatives("大模型")
    assert "大模型" in Vocabulary.load().alternatives("人工智能大模型")


def test_a_known_form_inside_a_longer_word_is_replaced() -> None:
    assert "人工智能治理" in Vocabulary.load().alternatives("AI治理")


def test_users_extend_the_synonyms_with_a_file_named_in_the_settings(tmp_path: Path) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text('groups = [["数字孪生", "镜像城市"]]\nfunction_words = ["烦请"]\n', encoding="utf-8")
    vocabulary = Vocabulary.load(extra)
    assert vocabulary.alternatives("镜像城市") == ("数字孪生",)
    assert "烦请" in vocabulary.function_words
    assert Vocabulary.load().alternatives("镜像城市") == ()
    from policydigest.search import attach_search_index

    sync = attach_search_index(open_store("sqlite://"), Settings(database_url="sqlite://", search_synonyms_file=extra))
    sync.index.add([IndexedArticle(id=9, title="数字孪生城市", body="")])
    assert [hit.id for hit in sync.index.search(Query(text="镜像城市")).hits] == [9]


def test_a_bad_synonym_file_is_a_clear_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("groups = [1, 2]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="groups 必须是词语列表"):
        Vocabulary.load(bad)


def test_when_no_article_has_every_word_those_with_most_words_come_first_and_the_page_says_so(
    index: SearchIndex,
) -> None:
    result = index.search(Query(text="算力 贵州 量子"))
    assert [hit.id for hit in result.hits][:1] == [5]
    assert result.hits[0].matched == ["算力", "贵州"]
    assert {hit.id for hit in result.hits} == {1, 5}  # 1 has 算力 only
    assert result.partial == ["算力", "贵州"]
    assert "没有同时包含全部词语的结果，以下结果包含：算力、贵州" in result.notes


def test_articles_with_every_word_are_shown_alone_and_quotes_stay_strict(index: SearchIndex) -> None:
    assert ids(index, "算力 贵州") == [5]
    assert ids(index, '"贵州算力"') == []
    assert ids(index, '"贵州算力"', expand=False) == []


def test_partial_matches_respect_filters_and_facets_count_them(index: SearchIndex) -> None:
    result = index.search(Query(text="算力 量子", since="2020-01-01"))
    assert result.total == 0  # the tiny articles are undated: the date filter leaves none
    result = index.search(Query(text="算力 量子"))
    assert result.total == 2 and result.partial == ["算力"]


def _vocabulary_of(texts: list[str]) -> list[str]:
    words: set[str] = set()
    for text in texts:
        words.update(re.findall(r"[\u4e00-\u9fff]{2,4}", text))
    return sorted(words)


@pytest.mark.slow
def test_a_thousand_random_two_word_queries_sharing_a_word_with_the_corpus_never_give_an_empty_page() -> None:
    store = open_store("sqlite://")
    from policydigest.ingest.importer import import_paths

    import_paths([SAMPLE_DIR], store, Settings(database_url="sqlite://"))
    articles = [a for batch in iter_store_articles(store) for a in batch]
    built = SearchIndex.in_memory()
    built.add(articles)
    corpus = [f"{a.title}\n{a.body}" for a in articles]
    vocabulary = _vocabulary_of(corpus)
    rng = random.Random(15)
    empty = []
    for n in range(1000):
        first, second = rng.sample(vocabulary, 2)
        if n % 2:  # a word no article has (rare characters) beside one they have
            second = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(3))
        result = built.search(Query(text=f"{first} {second}", limit=10, facets=False))
        if not result.hits:
            empty.append((first, second))
    assert len(vocabulary) > 500
    assert empty == []


def test_a_word_the_tables_name_without_other_forms_has_none() -> None:
    assert Vocabulary.load().alternatives("商务部") == ()
    assert Vocabulary.load().alternatives("美国商务部") == ()


def test_without_closest_a_search_gives_only_articles_with_every_word(index: SearchIndex) -> None:
    result = index.search(Query(text="算力 贵州 量子", closest=False))
    assert result.total == 0 and result.partial == []


def test_latin_forms_are_found_in_any_case() -> None:
    assert Vocabulary.load().alternatives("ai") == ("人工智能",)
    assert "人工智能治理" in Vocabulary.load().alternatives("Ai治理")
