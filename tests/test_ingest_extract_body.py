"""Body: the content container, blocks (paragraphs, sub-headings, tables), furniture removed."""

from __future__ import annotations

import lxml.html

from policydigest.ingest.extract import boilerplate
from policydigest.ingest.extract.body import extract_blocks, find_container
from policydigest.ingest.extract.dom import parse_html
from policydigest.model import BlockKind


def blocks_of(html: str):  # type: ignore[no-untyped-def]
    root = parse_html(html)
    assert root is not None
    container = find_container(root)
    assert container is not None
    return extract_blocks(container)


def test_known_cms_container_is_preferred_over_a_longer_sidebar() -> None:
    sidebar = "".join(f"<li>某某新闻标题第{i}条，内容很长很长很长。</li>" for i in range(30))
    html = (
        f"<html><body><ul class='list'>{sidebar}</ul><div class='TRS_Editor'>"
        f"<p>正文第一段，数据要素市场加快培育。</p><p>正文第二段，公共数据有序开放。</p></div></body></html>"
    )
    assert [b.text for b in blocks_of(html)] == ["正文第一段，数据要素市场加快培育。", "正文第二段，公共数据有序开放。"]


def test_without_a_known_container_the_densest_prose_wins_over_link_lists() -> None:
    links = "".join(f"<p><a href='/{i}'>相关链接标题第{i}条，点击查看。</a></p>" for i in range(20))
    prose = "".join(
        f"<p>第{i}段：各地区要加强数据安全保护，完善数据分类分级制度，推动数据有序流通。</p>" for i in range(5)
    )
    html = f"<html><body><div class='links'>{links}</div><div class='main'>{prose}</div></body></html>"
    texts = [b.text for b in blocks_of(html)]
    assert texts[0].startswith("第0段") and texts[-1].startswith("第4段") and len(texts) == 5


def test_bold_short_line_becomes_a_heading_and_h3_too() -> None:
    html = (
        "<div class='article-content'><p><strong>一、总体要求</strong></p><h3>二、重点任务</h3>"
        "<p>推进数据基础设施建设，加快算力网络布局。</p></div>"
    )
    kinds = [(b.kind, b.text) for b in blocks_of(f"<html><body>{html}</body></html>")]
    assert kinds == [
        (BlockKind.HEADING, "一、总体要求"),
        (BlockKind.HEADING, "二、重点任务"),
        (BlockKind.PARAGRAPH, "推进数据基础设施建设，加快算力网络布局。"),
    ]


def test_data_table_becomes_a_table_block_with_rows() -> None:
    html = (
        "<html><body><div id='zoom'><p>下表列出试点城市名单及其完成时限，请各地对照执行。</p><table><tr>"
        "<th>城市</th><th>时限</th></tr><tr><td>甲市</td><td>2024年</td></tr></table>"
        "</div></body></html>"
    )
    tables = [b for b in blocks_of(html) if b.kind is BlockKind.TABLE]
    assert tables and tables[0].rows == [["城市", "时限"], ["甲市", "2024年"]]


def test_layout_table_is_read_as_paragraphs_not_as_a_table() -> None:
    html = (
        "<html><body><table><tr><td><p>布局表格里的正文第一段，讲数据治理的重要性和紧迫性。</p>"
        "<p>第二段，讲具体的工作安排和保障措施。</p></td></tr></table></body></html>"
    )
    assert all(b.kind is BlockKind.PARAGRAPH for b in blocks_of(html))


def test_furniture_lines_bylines_and_credits_never_reach_the_body() -> None:
    html = (
        "<html><body><div class='article-content'><p>原标题：旧的标题</p><p>澎湃新闻记者 张三 李四</p>"
        "<p>【字体：大 中 小】</p><p>正文开头，数字经济规模持续扩大。</p><p>正文结尾，产业数字化加快推进。</p>"
        "<p>（实习生王五对此文亦有贡献）</p><p>责任编辑：赵六</p><p>打印 关闭</p>"
        "<p>这段在编辑之后不属于文章。</p></div></body></html>"
    )
    assert [b.text for b in blocks_of(html)] == ["正文开头，数字经济规模持续扩大。", "正文结尾，产业数字化加快推进。"]


def test_widgets_inside_the_container_are_skipped_by_class() -> None:
    html = (
        "<html><body><div class='article-content'><p>正文段落，推进数据要素流通。</p>"
        "<div class='share-box'>分享到：微信 微博</div><div class='related-news'>"
        "<p>相关新闻很长的一条标题，但不是正文内容。</p></div></div></body></html>"
    )
    assert [b.text for b in blocks_of(html)] == ["正文段落，推进数据要素流通。"]


def test_hidden_elements_are_skipped() -> None:
    html = (
        "<html><body><div class='article-content'><p>看得见的正文，说明政策背景。</p>"
        "<p style='display: none'>看不见的文字</p></div></body></html>"
    )
    assert [b.text for b in blocks_of(html)] == ["看得见的正文，说明政策背景。"]


def test_wordpress_tag_classes_do_not_make_an_article_a_widget() -> None:
    el = lxml.html.fromstring("<article class='post type-post tag-shuju'><p>x</p></article>")
    div = lxml.html.fromstring("<div class='post-6017 post tag-zhengce'><p>x</p></div>")
    assert not boilerplate.is_widget(el) and not boilerplate.is_widget(div)


def test_sentences_that_mention_reporters_are_not_mistaken_for_credits() -> None:
    assert not boilerplate.is_credit("记者通过电子邮件联系了该公司，截至发稿时，尚未收到回应。")
    assert boilerplate.is_credit("新京报记者 陆某某")


def test_an_article_wrapper_whose_class_mentions_share_is_not_skipped_as_a_widget() -> None:
    prose = "".join(f"<p>第{i}段，长春市联合电商平台开展直播活动，带动本地企业线上销售明显增长。</p>" for i in range(8))
    html = f"<html><body><div class='js_img_share_area'><div id='main_content'>{prose}</div></div></body></html>"
    texts = [b.text for b in blocks_of(html)]
    assert len(texts) == 8 and texts[0].startswith("第0段")


def test_comment_sections_are_widgets_however_long() -> None:
    comments = "".join(f"<p>网友评论第{i}条，说得很有道理，希望政策早日落地见效。</p>" for i in range(20))
    el = lxml.html.fromstring(f"<div class='comment-list'>{comments}</div>")
    assert boilerplate.is_widget(el)
