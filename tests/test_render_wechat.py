"""The 公众号 article: inline styles only, no script, style or external URL but the article links,
only elements WeChat keeps, and QR codes that decode to the article URLs."""

from __future__ import annotations

import base64
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from policydigest.model import Issue
from policydigest.profile import load_profile
from policydigest.render.output import render_issue
from policydigest.render.view import safe_href
from policydigest.render.wechat import WECHAT_ELEMENTS
from tests.conftest import FIXTURES

HOSTILE = FIXTURES / "render" / "hostile-issue.json"


class Elements(HTMLParser):
    """Every element with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def _wechat(issue: Issue) -> tuple[str, list[tuple[str, dict[str, str | None]]]]:
    profile = load_profile()
    issue = issue.model_copy(update={"series": profile.series.title})  # the profile's series: with its logo
    text = render_issue(issue, "wechat", profile=profile, default_columns=profile.column_names).decode()
    parser = Elements()
    parser.feed(text)
    return text, parser.found


def _fixture(path: Path) -> Issue:
    return Issue.model_validate_json(path.read_text(encoding="utf-8"))


def test_the_wechat_article_has_no_script_style_or_external_url_but_the_article_links() -> None:
    for path in (FIXTURES / "fictional-issue.json", HOSTILE):
        issue = _fixture(path)
        text, elements = _wechat(issue)
        assert {tag for tag, _ in elements} <= WECHAT_ELEMENTS
        assert "<script" not in text.lower() and "<style" not in text.lower() and "<link" not in text.lower()
        article_urls = {safe_href("".join(a.url.split())) for a in issue.articles if a.url}
        hrefs = {attrs["href"] for tag, attrs in elements if tag == "a"}
        assert hrefs and hrefs <= article_urls
        sources = [attrs.get("src") or "" for tag, attrs in elements if tag == "img"]
        assert sources and all(src.startswith("data:image/") for src in sources)
        logos = [attrs for tag, attrs in elements if tag == "img" and attrs.get("alt") != "原文链接二维码"]
        assert len(logos) == 1  # the profile's logo, embedded
        assert all("class" not in attrs and "id" not in attrs for _, attrs in elements)


def test_its_qr_codes_decode_to_the_article_urls(tmp_path: Path) -> None:
    issue = _fixture(FIXTURES / "fictional-issue.json")
    _, elements = _wechat(issue)
    qr_images = [attrs["src"] or "" for tag, attrs in elements if tag == "img" and attrs.get("alt") == "原文链接二维码"]
    decoded = []
    for n, src in enumerate(qr_images):
        png = tmp_path / f"qr{n}.png"
        png.write_bytes(base64.b64decode(src.split(",", 1)[1]))
        out = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=True)
        decoded.append(out.stdout.strip())
    expected = [safe_href("".join(a.url.split())) for a in issue.articles if a.url and safe_href(a.url)]
    assert decoded == expected and len(decoded) > 0
