"""Text repairs for PDF-extracted Chinese."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policydigest.ingest.bulletin.text import fold, normalize_text, repair_url, strip_markdown


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("2024 年 4 月", "2024年4月"),
        ("上海关于推进本市 工业企业数智化", "上海关于推进本市工业企业数智化"),
        ("“网络去 NAT” 深化 IPv6 部署应用", "“网络去 NAT”深化 IPv6 部署应用"),
        ("美国防部 3 月 28 日正式发布", "美国防部3月28日正式发布"),
        ("Canva 2800 Databricks", "Canva 2800 Databricks"),
        ("约 7.94 亿户", "约7.94亿户"),
    ],
)
def test_artifact_spaces_are_removed_but_latin_spacing_is_kept(raw: str, clean: str) -> None:
    assert normalize_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("(来源:国家数据局)", "（来源：国家数据局）"),
        ("欧盟网络安全局(ENISA)发布", "欧盟网络安全局（ENISA）发布"),
        ("《指南(2024年版)》", "《指南（2024年版）》"),
        ("刘烈宏:释放数据要素价值", "刘烈宏：释放数据要素价值"),
        ("共计 1,000 家", "共计1,000家"),
        ("see (OECD, 2024): data", "see (OECD, 2024): data"),
    ],
)
def test_half_width_punctuation_touching_chinese_becomes_full_width(raw: str, clean: str) -> None:
    assert normalize_text(raw) == clean


def test_spaces_between_chinese_can_be_kept_for_contents_titles() -> None:
    assert normalize_text("在京召开 部署八项重点工作", keep_cjk_spaces=True) == "在京召开 部署八项重点工作"
    assert normalize_text("2024 全球独角兽榜发布", keep_cjk_spaces=True) == "2024全球独角兽榜发布"


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        (
            "<https://www.example.gov.cn/cy fz/20240408/e129 f4.html>",
            "https://www.example.gov.cn/cyfz/20240408/e129f4.html",
        ),
        ("[https://a.example.cn/art\\\\_1.html](https://a.example.cn/art_1.html)", "https://a.example.cn/art_1.html"),
        ("：https://a.example.cn/x\\_y.html", "https://a.example.cn/x_y.html"),
        ("http://a.example.cn/p?id=1 。", "http://a.example.cn/p?id=1"),
    ],
)
def test_broken_urls_are_repaired(raw: str, url: str) -> None:
    assert repair_url(raw) == url


def test_text_without_a_url_gives_none() -> None:
    assert repair_url("扫描二维码可阅读") is None


def test_markdown_marks_are_removed_and_heading_level_kept() -> None:
    assert strip_markdown("### **地方新政**") == ("地方新政", 3)
    assert strip_markdown("**声明:** 内部资料") == ("声明: 内部资料", 0)


def test_fold_ignores_width_spacing_and_punctuation() -> None:
    assert fold("《浙江省指南(2024年版)》发布") == fold("《浙江省指南（2024 年版）》 发布")
    assert fold("美国国防部") != fold("美国防部")


@given(st.text(alphabet=st.sampled_from(list("数据要素 市场2024年ABC ,:()（）。，\t")), max_size=60))
def test_normalizing_is_idempotent_and_never_fails(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
