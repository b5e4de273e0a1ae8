"""The HTML page in a real browser: axe-core finds no serious or critical accessibility violation, and
every QR code, as Chromium draws it, decodes (zbarimg) to its article's link."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.model import Issue
from policydigest.profile import load_profile
from policydigest.render.html import render_html
from tests.conftest import ROOT
from tests.render_support import COLUMNS, artifact, hostile_issue, sample_issue, shared_bulletins

pytestmark = pytest.mark.slow

AXE = ROOT / "tests" / "vendor" / "axe.min.js"


#: The project's own issues, whose screenshots are kept under artifacts/ (the shared bulletins' are not).
OWN = ("sample-no8", "hostile")


def _issues() -> list[tuple[str, Issue]]:
    issues = list(zip(OWN, (sample_issue(), hostile_issue()), strict=True))
    issues.extend((path.stem, read_bulletin(path)) for path in shared_bulletins())
    return issues


@pytest.mark.parametrize(("name", "issue"), _issues(), ids=[name for name, _ in _issues()])
def test_axe_finds_no_serious_or_critical_violation(browser: Browser, tmp_path: Path, name: str, issue: Issue) -> None:
    profile = load_profile()
    html = render_html(issue, columns=COLUMNS, logo=profile.logo_path, logo_alt=profile.series.logo_alt)
    page_file = tmp_path / f"{name}.html"
    page_file.write_text(html, encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto(page_file.as_uri())
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        if name in OWN:
            artifact(f"{name}.png", page.screenshot(full_page=False))
    finally:
        page.close()
    serious = [
        (v["id"], v["impact"], [n["html"][:120] for n in v["nodes"][:3]])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious
    assert result["testEngine"]["version"].startswith("4.")


def test_every_qr_code_drawn_by_the_browser_decodes_to_its_link(browser: Browser, tmp_path: Path) -> None:
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg (Debian zbar-tools) is not installed (./run setup installs it)")
    issue = sample_issue()
    page_file = tmp_path / "qr.html"
    page_file.write_text(render_html(issue, columns=COLUMNS), encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto(page_file.as_uri())
        decoded = []
        for index, article in enumerate(page.locator("article").all()):
            svg = article.locator("svg.qr")
            if svg.count() == 0:
                decoded.append(None)
                continue
            image = tmp_path / f"qr{index}.png"
            svg.screenshot(path=str(image))
            out = subprocess.run([zbarimg, "--quiet", "--raw", str(image)], capture_output=True, text=True, check=False)
            decoded.append(out.stdout.strip() or f"undecodable ({out.returncode})")
    finally:
        page.close()
    assert decoded == [a.url for a in issue.articles]
