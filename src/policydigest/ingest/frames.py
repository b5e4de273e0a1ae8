"""Frameset pages: the article is in the main frame, fetched (same fetcher, same checks) in the page's place."""

from __future__ import annotations

import logging

from policydigest.errors import FetchError
from policydigest.ingest.extract.legacy import main_frame
from policydigest.ingest.fetch import Fetcher, FetchResult

log = logging.getLogger(__name__)

#: Frames inside frames followed at most.
MAX_FRAME_DEPTH = 2


def follow_main_frame(fetcher: Fetcher, result: FetchResult) -> FetchResult:
    """``result``, or the fetch of its main frame when the page is only a frameset.

    A frame that cannot be fetched leaves the page as it is (logged); extraction then says it has no body.
    """
    for _depth in range(MAX_FRAME_DEPTH):
        if result.content_type not in ("", "text/html", "application/xhtml+xml"):
            return result
        target = main_frame(result.content, result.final_url)
        if target is None:
            return result
        try:
            framed = fetcher.fetch(target)
        except FetchError as exc:
            log.info("%s: main frame %s not fetched: %s", result.final_url, target, exc)
            return result
        log.info("%s is a frameset; reading its main frame %s", result.final_url, target)
        result = framed
    return result
