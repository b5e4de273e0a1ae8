"""Documents in 《…》: names, kinds, statuses, abbreviations and titles broken over lines."""

from __future__ import annotations

from policydigest.enrich.facts.documents import classify, clean_title, extract_documents


def test_a_title_broken_over_a_line_is_joined_into_one_name() -> None:
    text = "市局印发《示例市数据要素\n市场培育行动方案》。"
    [doc] = extract_documents(text)
    assert doc.name == "示例市数据要素市场培育行动方案"
    assert doc.kind == "方案"
    assert text[doc.start : doc.end] == doc.text


def test_status_is_read_inside_and_right_after_the_title() -> None:
    docs = extract_documents("发布《甲省数据条例（征求意见稿）》和《乙市算力办法》（试行）以及《丙县数据暂行规定》。")
    assert [(d.kind, d.status) for d in docs] == [("条例", "征求意见稿"), ("办法", "试行"), ("规定", "暂行")]


def test_a_draft_law_has_kind_law_and_status_draft() -> None:
    assert classify("示例数据法草案") == ("法", "草案")


def test_the_longest_kind_wins_so_a_bill_is_not_a_law() -> None:
    assert classify("示例国人工智能版权披露法案")[0] == "法案"


def test_a_declared_abbreviation_is_not_a_second_document() -> None:
    text = "印发《关于推进示例工作的通知》（以下简称《通知》）。《通知》要求……"
    assert [d.name for d in extract_documents(text)] == ["关于推进示例工作的通知"]


def test_an_undeclared_short_form_of_an_earlier_title_is_not_a_second_document() -> None:
    text = "制定《示例省数据工作管理办法》。《管理办法》提出……"
    assert [d.name for d in extract_documents(text)] == ["示例省数据工作管理办法"]


def test_the_kind_can_come_from_the_word_after_the_title() -> None:
    text = "机构发布《数据空间中的个人数据保护》\n……该机构的《数据空间中的个人数据保护》报告指出"
    [doc] = extract_documents(text)
    assert doc.kind == "报告"


def test_a_bracketed_acronym_does_not_make_another_document() -> None:
    docs = extract_documents("发布《2024年示例网络安全战略》。《2024年示例（ABC）网络安全战略》指出")
    assert len(docs) == 1


def test_spaces_next_to_chinese_go_and_spaces_between_latin_words_stay() -> None:
    assert clean_title("2024 年 **Generative  AI** 法案") == "2024年Generative AI法案"


def test_bad_input_gives_no_documents() -> None:
    for text in ["", "《》", "《", "》》《《", "。，；" * 50, "《" + "甲" * 5000 + "》"]:
        assert extract_documents(text) == []


def test_a_title_written_with_another_dash_or_width_is_the_same_document() -> None:
    docs = extract_documents("印发《示例方案（2024-2026年）》。《示例方案（2024—2026年）》提出")
    assert len(docs) == 1
