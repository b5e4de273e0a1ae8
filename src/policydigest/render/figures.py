"""Charts that go into a rendered issue: drawn elsewhere (the caller passes them in), shown here.

The render layer draws no chart and reads no store: whoever renders an issue with charts draws them
(``intel.issue_charts``) and hands over the SVG (for the PDF), the PNG (for e-mail, whose clients show SVG
unreliably) and the rows behind them, which every rendering also prints as a table.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IssueChart:
    """A chart for an issue: its title, its drawings and the rows (x, series, count) it was drawn from."""

    title: str
    x_title: str
    series_title: str
    rows: list[tuple[str, str, int]]
    svg: str = field(repr=False)
    png: bytes = field(repr=False)

    @property
    def png_data_uri(self) -> str:
        """The PNG as a ``data:`` URI, for an e-mail that carries its image inside its HTML.

        >>> IssueChart("t", "x", "s", [], "<svg/>", b"PNG").png_data_uri
        'data:image/png;base64,UE5H'
        """
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")
