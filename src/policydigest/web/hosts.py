"""The Host header is never trusted: links are made from the public address in the settings.

Every request's ``Host`` is checked against ``web_trusted_hosts`` (and the host of ``web_base_url``).
With ``web_base_url`` set, every request is rewritten to that address before any route sees it, so
feed links, ``self`` links and the API's ``next`` link are the public ones whatever the client sent.
Without it, a trusted Host is kept and any other is replaced by the address the app listens on. In
production mode (``web_production``) an untrusted Host is refused with 400.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from policydigest.errors import ConfigError
from policydigest.settings import Settings

log = logging.getLogger(__name__)


def host_name(host_header: str) -> str:
    """The host of a ``Host`` header, without its port, lower-cased.

    >>> host_name("Digest.Example.org:8443"), host_name("[::1]:8000"), host_name("127.0.0.1")
    ('digest.example.org', '::1', '127.0.0.1')
    """
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host[1:]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


@dataclass(frozen=True)
class PublicAddress:
    """Where the app is reached: scheme and ``host[:port]``, and which Host headers are trusted."""

    scheme: str
    netloc: str
    trusted: frozenset[str]
    configured: bool  # whether web_base_url gave the address
    refuse_untrusted: bool

    @classmethod
    def of(cls, settings: Settings) -> PublicAddress:
        """The public address of ``settings``.

        >>> a = PublicAddress.of(Settings(web_base_url="https://digest.example.org/"))
        >>> a.scheme, a.netloc, "digest.example.org" in a.trusted
        ('https', 'digest.example.org', True)
        """
        trusted = {host_name(host) for host in settings.web_trusted_hosts}
        if settings.web_base_url:
            parts = urlsplit(settings.web_base_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ConfigError(f"web_base_url 必须是 http(s) 地址，而不是 {settings.web_base_url!r}")
            trusted.add(parts.hostname.lower())
            return cls(parts.scheme, parts.netloc, frozenset(trusted), True, settings.web_production)
        host = settings.web_host if ":" not in settings.web_host else f"[{settings.web_host}]"
        return cls("http", f"{host}:{settings.web_port}", frozenset(trusted), False, settings.web_production)


class TrustedHosts:
    """ASGI middleware: refuse or rewrite a request whose Host header is not trusted."""

    def __init__(self, app: ASGIApp, address: PublicAddress) -> None:
        self.app = app
        self.address = address

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
        sent = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        trusted = host_name(sent) in self.address.trusted
        if not trusted and self.address.refuse_untrusted:
            from policydigest.web.problems import error_response

            log.info("refused a request for untrusted host %r", sent[:100])
            response = error_response(Request(scope), 400, "主机名不受信任：请使用本站的正式地址访问")
            await response(scope, receive, send)
            return
        if self.address.configured or not trusted:
            netloc = self.address.netloc
            scope = {**scope, "scheme": self.address.scheme, "headers": [(b"host", netloc.encode()), *headers]}
        await self.app(scope, receive, send)
