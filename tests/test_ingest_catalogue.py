"""The source catalogue: the packaged starter list and the checks on hand-written ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from policydigest.errors import CatalogueError
from policydigest.ingest.catalogue import load_catalogue, parse_catalogue


def test_packaged_catalogue_covers_the_official_sources_and_is_marked_unverified() -> None:
    sources = load_catalogue()
    publishers = {source.publisher for source in sources}
    for authority in (
        "中国政府网",
        "工业和信息化部",
        "国家发展改革委",
        "中央网信办",
        "国家数据局",
        "贵州省大数据发展管理局",
        "贵阳市大数据发展管理局",
    ):
        assert authority in publishers
    assert sum(1 for s in sources if s.region not in ("全国", "贵州省", "贵州省贵阳市")) >= 3  # other provinces
    assert all(not source.verified for source in sources)
    assert all(source.address.startswith(("http://", "https://")) for source in sources)


def test_catalogue_file_is_read_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[source]]\nname = "示例·RSS"\nkind = "feed"\nurl = "https://example.org/rss.xml"\n\n'
        '[[source]]\nname = "示例·列表"\nkind = "listing"\nurl = "https://example.org/list/"\n'
        'selector = "ul.list li a"\npattern = "/art/"\ninterval_minutes = 30\nenabled = false\n',
        encoding="utf-8",
    )
    feed, listing = load_catalogue(path)
    assert (feed.kind, feed.interval_minutes, feed.selector, feed.enabled) == ("feed", 360, None, True)
    assert (listing.selector, listing.pattern, listing.interval_minutes, listing.enabled) == (
        "ul.list li a",
        "/art/",
        30,
        False,
    )


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('name = "坏"\nkind = "podcast"\nurl = "https://e.org/"', "kind"),
        ('name = "坏"\nkind = "feed"\nurl = "not a url"', "url"),
        ('name = "坏"\nkind = "listing"\nurl = "https://e.org/"\npattern = "(unclosed"', "pattern"),
        ('name = "坏"\nkind = "listing"\nurl = "https://e.org/"\nselector = "li >> a["', "selector"),
        ('name = "坏"\nkind = "feed"\nurl = "https://e.org/"\ninterval_minutes = 0', "interval_minutes"),
        ('name = "坏"\nkind = "feed"\nurl = "https://e.org/"\ncolour = "red"', "colour"),
    ],
)
def test_bad_entry_is_refused_naming_the_source_and_field(entry: str, problem: str) -> None:
    with pytest.raises(CatalogueError, match=f"来源 '坏'.*{problem}"):
        parse_catalogue(f"[[source]]\n{entry}\n")


def test_repeated_names_are_refused() -> None:
    text = '[[source]]\nname = "同名"\nkind = "feed"\nurl = "https://e.org/a"\n' * 2
    with pytest.raises(CatalogueError, match="重复的有：\\['同名'\\]"):
        parse_catalogue(text)


def test_broken_toml_and_missing_file_are_catalogue_errors(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="不是有效的 TOML"):
        parse_catalogue("[[source]\nname=")
    with pytest.raises(CatalogueError, match="无法读取信息源目录"):
        load_catalogue(tmp_path / "missing.toml")
