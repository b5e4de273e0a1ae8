"""What is never article text: page furniture by class/id, and furniture lines inside the article.

Two levels. Elements whose class or id names a widget (share bars, comments, related links, footers)
are removed before the body is looked for. Inside the body, paragraphs that are furniture by their
words (打印 关闭, 【字体：大 中 小】, 原标题, 责任编辑, video-player notices, app promotions) are
dropped, bylines at the start and credit lines at the end are cut, and nothing after an editor's
line (责任编辑：…) is kept.
"""

from __future__ import annotations

import re

from lxml import etree

from policydigest.ingest.extract.dom import tag_of

# Class/id tokens of page widgets. Matched against whole tokens split on space, '-' and '_'.
# Strong ones mark a widget even when its wrapper also looks like content.
_STRONG_WIDGET_TOKENS = frozenset(
    {
        "aside",
        "breadcrumb",
        "cmt",
        "comment",
        "comments",
        "copyright",
        "crumb",
        "crumbs",
        "foot",
        "footer",
        "login",
        "menu",
        "nav",
        "navbar",
        "recom",
        "recommend",
        "relate",
        "related",
        "reply",
        "search",
        "sidebar",
        "tuijian",
        "xgxw",
        "xgyd",
    }
)
_WIDGET_TOKENS = _STRONG_WIDGET_TOKENS | frozenset(
    {
        "ad",
        "ads",
        "adv",
        "advert",
        "audio",
        "author-list",
        "banner",
        "bdshare",
        "bdsharebuttonbox",
        "bshare",
        "dialog",
        "disclaimer",
        "erweima",
        "ewm",
        "feedback",
        "follow",
        "font",
        "fontsize",
        "gg",
        "hot",
        "interest",
        "jiathis",
        "keywords",
        "lcontent",
        "left-side",
        "mask",
        "modal",
        "more",
        "next",
        "otitle",
        "pagelist",
        "pagination",
        "paging",
        "player",
        "popup",
        "praise",
        "prev",
        "print",
        "qrcode",
        "rank",
        "ranking",
        "rcontent",
        "report",
        "right",
        "right-side",
        "share",
        "sharebox",
        "size",
        "social",
        "statement",
        "subscribe",
        "tag",
        "tags",
        "toolbar",
        "uninterested",
        "video",
    }
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WIDGET_MAX_PROSE = 200
_VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]")
_CONTENT_TOKENS = frozenset({"content", "article", "entry", "post", "main", "body", "detail", "txt", "text", "zoom"})
_SPLIT = re.compile(r"[\s_\-]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def widget_tokens(el: etree._Element) -> set[str]:
    """Lower-case tokens of an element's class and id ("share-box_2" → {"share", "box", "2"})."""
    raw = f"{el.get('class') or ''} {el.get('id') or ''}"
    return {t.lower() for t in _SPLIT.split(_CAMEL.sub(" ", raw)) if t}


def is_widget(el: etree._Element) -> bool:
    """True for share bars, comment boxes, related-link lists, footers and the like (by class/id).

    >>> import lxml.html
    >>> is_widget(lxml.html.fromstring('<div class="share-box">分享到</div>'))
    True
    >>> is_widget(lxml.html.fromstring('<div class="article-content">正文</div>'))
    False
    """
    tag = tag_of(el)
    if tag in {"nav", "footer", "aside", "form"}:
        return True
    if tag in {"article", "main", "body", "html"}:
        return False
    tokens = widget_tokens(el)
    # "post type-post tag-政策" (WordPress) or "article-share": content words veto widget words.
    if not tokens & _WIDGET_TOKENS or tokens & _CONTENT_TOKENS:
        return False
    if tokens & _STRONG_WIDGET_TOKENS:
        return True
    # Weaker words ("share", "right", "font") also name wrappers of whole articles ("js_img_share_area"):
    # an element holding much prose is not a widget whatever its class says.
    visible = _VISIBLE_TEXT(el)
    prose = sum(len(_CJK.findall(t)) for t in visible) if isinstance(visible, list) else 0
    return prose < _WIDGET_MAX_PROSE


_P = r"[\s:：|｜丨/]*"
# Whole paragraphs that are furniture whatever their position.
_FURNITURE = re.compile(
    r"^(?:[（(【\[]?\s*(?:本文)?原(?:标)?题[:：为].*"
    r"|.*您的浏览器(?:暂时)?(?:不支持|无法播放).*"
    r"|[【\[]?\s*(?:责任编辑|责编|编辑|校对|审核|审校|值班编辑)" + _P + r"[^。]{0,30}"
    r"|.*【\s*字体[:：].*|.*字号[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中.*"
    r"|.*[【\[]?\s*打印(?:本页|此文|文章)?\s*[】\]]?\s*[【\[]?\s*关闭(?:窗口|本页)?\s*[】\]]?.*"
    r"|(?:分享到|分享至|扫一扫|扫描二维码|微信扫一扫|用微信扫描|长按识别|点击进入专题|返回顶部|返回首页|返回列表).{0,40}"
    r"|(?:相关(?:新闻|阅读|推荐|文章|链接|资讯请关注)|延伸阅读|推荐阅读|热门推荐|猜你喜欢|更多精彩)" + _P + r".{0,40}"
    r"|(?:特别声明|免责声明|版权声明|声明)[:：].*|.*版权所有.{0,40}|.*(?:Copyright|©).{0,80}"
    r"|.*未经(?:许可|授权).{0,10}(?:不得|禁止)转载.{0,40}|本文为.{0,20}原创文章.*|正文已结束.*"
    r"|[（(]?\s*本文来自.{0,20}(?:更多|下载).{0,40}[)）]?"
    r"|.*(?:安装|下载).{0,10}客户端.{0,40}|.*新酷产品第一时间免费试玩.*"
    r"|此前报道[:：].{0,60}|视频[-—:：].{0,60}|[（(]来源[:：].{0,20}[)）]"
    r"|(?:发布时间|发布日期|发表时间|更新时间|最后更新|时间|日期)\s*[:：]?\s*(?:19|20)\d\d[-年/.]\d{1,2}[-月/.]\d{1,2}日?.{0,50}"
    r"|(?:19|20)\d\d[-年/.]\d{1,2}[-月/.]\d{1,2}日?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:(?:来源|作者|编辑|浏览|阅读|点击)[^。！？]{0,40})?"
    r"|[\d\s.,:：|/%+-]*"
    r")$",
    re.S,
)
# Trailing junk glued to the last paragraph.
_TAIL_JUNK = re.compile(
    r"\s*(?:【[^【】]{0,80}(?:禁止转载|版权所有|授权)[^【】]{0,40}】|返回\S{0,8}首页\s*>*|返回\S{0,8}[，,]\s*查看更多|【?\s*打印\s*】?\s*【?\s*关闭\s*】?)\s*$"
)
# A byline standing alone at the start of the body.
_NAMES = r"[\u4e00-\u9fa5A-Za-z·•&、\s]{2,24}"
_BYLINE = re.compile(
    r"^[【\[（(]?\s*(?:\S{0,12}(?:记者|通讯员|特约撰稿人|专栏作者|评论员)[\s:：]+"
    + _NAMES
    + r"|(?:文|图|执笔|作者|撰文|编译|原创|来源|文/图)\s*[/:：|]\s*[^，。！？!?]{1,40}"
    r"|《\S{1,10}》作者\s*\S{2,8})\s*[】\]）)]?$"
)
# Credit lines at the end of the body: a label and names, never a sentence.
_CREDIT = re.compile(
    r"^[【\[（(]?\s*(?:"
    r"(?:责任编辑|责编|编辑|校对|审核|审校|主编|监制|统筹|制作|摄影|摄像|图片来源|图片|图|文|文字|采写|撰稿|执笔"
    r"|作者|记者|通讯员|实习生|供稿|稿件来源|本文来源|来源|信息来源|整理|编译|出品)\s*[:：|｜/]\s*[^，。！？!?]{1,40}"
    r"|综合整理自[^。！？!?]{1,40}"
    r"|\S{0,10}(?:记者|通讯员|实习生)\s+"
    + _NAMES
    + r"|[^，。！？!?]{0,24}(?:供稿|对此文亦有贡献|重新编排|来源于网络|均来自网络|来自网络)[^，。！？!?]{0,30}"
    r"|.{0,20}编辑\s*\S{1,6}\s*校对\s*\S{1,6})\s*[】\]）)]?$"
)
_EDITOR_LINE = re.compile(r"^[【\[（(]?\s*(?:责任编辑|责编)" + _P)
# A lone "(完)" or "(End)" is the article's own last mark, kept; these are not.
_PROMO = re.compile(
    r"^(?:看都看完了|点击(?:阅读原文|菜单栏|下方)|回复【|\d、回复【|发送邮件至|扫描下方二维码|欢迎关注|关注我们).*"
)


def is_furniture(text: str) -> bool:
    """Is this whole paragraph page furniture rather than article text?

    >>> is_furniture("【字体：大 中 小】"), is_furniture("责任编辑：张三"), is_furniture("数据要素市场加快培育。")
    (True, True, False)
    """
    text = text.strip()
    return bool(_FURNITURE.match(text) or _PROMO.match(text))


def clean_tail(text: str) -> str:
    """Remove a "返回首页>>" or "打印 关闭" glued to the end of a paragraph.

    >>> clean_tail("整顿仍将持续。返回腾讯网首页>>")
    '整顿仍将持续。'
    """
    return _TAIL_JUNK.sub("", text)


def is_byline(text: str) -> bool:
    """A byline such as "澎湃新闻记者 张三 李四" or "【文/专栏作者 王五】" standing alone.

    >>> is_byline("澎湃新闻记者 段三 廖四"), is_byline("执笔/甲、乙&丙"), is_byline("记者昨日获悉，数据条例出台。")
    (True, True, False)
    """
    return len(text) <= 50 and bool(_BYLINE.match(text.strip()))


def is_credit(text: str) -> bool:
    """A closing credit such as "责任编辑：张三", "（实习生某某对此文亦有贡献）" or "来源：网络".

    >>> is_credit("编辑 刘某 校对 李某"), is_credit("来源：网络"), is_credit("各地要加强数据安全。")
    (True, True, False)
    """
    text = text.strip()
    return len(text) <= 60 and bool(_CREDIT.match(text))


def is_editor_line(text: str) -> bool:
    """The 责任编辑 line that ends an article on most Chinese sites."""
    return bool(_EDITOR_LINE.match(text.strip()))
