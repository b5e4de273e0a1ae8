"""Charts drawn on the server: crawled labels stay text inside the SVG (pages inline it), and each point
keeps the articles behind it."""

from __future__ import annotations

import lxml.etree

from policydigest.intel.charts import trend

HOSTILE = '<script>alert(1)</script><a href="javascript:x">发文机关</a>'


def test_crawled_labels_stay_text_in_the_svg_and_points_keep_their_articles() -> None:
    chart = trend("issuers", "标题", "月份", "发文机关", [("2025-01", HOSTILE, 7), ("2025-01", HOSTILE, 9)])
    svg = lxml.etree.fromstring(chart.svg.encode())
    tags = {lxml.etree.QName(element).localname for element in svg.iter() if isinstance(element.tag, str)}
    assert not tags & {"script", "a", "foreignObject"}
    assert HOSTILE[:30] in "".join(svg.itertext())  # the legend shortens long labels, as text
    assert [(p.series, p.n, p.article_ids) for p in chart.points] == [(HOSTILE, 2, [7, 9])]
