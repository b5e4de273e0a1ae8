"""Messages of one mailing for each subscriber: the same body with that reader's links, and safe headers.

Every message carries ``List-Unsubscribe`` (an https link and a mailto) and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058), the confirmation included.

A mailing goes to thousands, so its parts are encoded once (``MailTemplate``): the subject as an
RFC 2047 word, the HTML as quoted-printable up to the reader's footer, which is the only part encoded
per reader (quoted-printable lines are independent, so the pieces join). Header injection is
impossible: the subject goes through the ``email`` package's encoder with line breaks removed, the
other header values are an address checked by email-validator, URLs made from ``public_url`` and
URL-safe tokens, and integers; ``_header`` refuses any value holding a CR, LF or other control
character all the same.
"""

from __future__ import annotations

import html
import quopri
import secrets
from email.headerregistry import Address
from email.policy import SMTP
from email.utils import formataddr, formatdate, parseaddr

from policydigest.delivery.tokens import Purpose, link, make_token
from policydigest.errors import DeliveryError
from policydigest.settings import Settings

FOOTER = (
    '<div style="font-size:12px;color:#666;margin-top:24px;border-top:1px solid #ddd;padding-top:8px">'
    '您收到此邮件是因为订阅了本刊。<a href="{manage}" style="color:#666">管理订阅、查看或删除我的数据</a> · '
    '<a href="{unsubscribe}" style="color:#666">退订</a></div>\n'
)
PLAIN = "本邮件为HTML格式，请用支持HTML的邮件客户端阅读。\n退订：{unsubscribe}\n管理订阅与我的数据：{manage}\n"


def one_line(text: str) -> str:
    """``text`` with every line break and control character turned into a space (for subjects).

    >>> one_line("标题\\r\\nBcc: x@example.org")
    '标题  Bcc: x@example.org'
    """
    return "".join(" " if ord(ch) < 32 or ord(ch) == 127 else ch for ch in text)


def _header(name: str, value: str) -> bytes:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value) or not value.isascii():
        raise ValueError(f"refused header {name}: it holds a line break, a control or a non-ASCII character")
    return f"{name}: {value}\r\n".encode("ascii")


def _qp(text: str) -> bytes:
    """Quoted-printable with CRLF line ends; ``text`` ending in a newline can be joined to the next piece."""
    return quopri.encodestring(text.encode("utf-8")).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


class MailTemplate:
    """A mailing's message, encoded once, made per reader by ``render``.

    >>> from pydantic import SecretStr
    >>> s = Settings(delivery_secret=SecretStr("k"), public_url="https://d.example")
    >>> raw = MailTemplate(s, subject="第1期", body="<html><body><p>x</p></body></html>").render("a@example.org", "7")
    >>> import email; m = email.message_from_bytes(raw)
    >>> m["List-Unsubscribe-Post"], m["List-Unsubscribe"].startswith("<https://d.example/unsubscribe?token=")
    ('List-Unsubscribe=One-Click', True)
    """

    def __init__(self, settings: Settings, *, subject: str, body: str) -> None:
        name, sender = parseaddr(settings.mail_from)
        if "@" not in sender:
            raise DeliveryError(f"mail_from 不是邮箱地址：{settings.mail_from!r}")
        self.settings = settings
        self.sender = sender
        self.domain = sender.rsplit("@", 1)[1]
        self.mailto = settings.unsubscribe_mailto or sender
        self.base = settings.public_url.rstrip("/")
        self.from_header = _fold(formataddr((one_line(name), sender)), "From")
        self.subject_header = _fold(one_line(subject), "Subject")
        at = body.rfind("</body>")
        head, tail = (body[:at], body[at:]) if at >= 0 else (body, "")
        self.head = _qp(head if head.endswith("\n") else head + "\n")
        self.tail = _qp(tail)

    def render(self, to: str, message_key: str) -> bytes:
        """The whole message to ``to`` (an address already checked), with CRLF line ends."""
        address = Address(addr_spec=to).addr_spec  # parses as one address or raises
        unsubscribe = f"{self.base}/unsubscribe?token={make_token(self.settings, Purpose.UNSUBSCRIBE, address)}"
        manage = link(self.settings, "/subscription", Purpose.MANAGE, address)
        boundary = "=_pd_" + secrets.token_hex(12)
        footer = FOOTER.format(manage=html.escape(manage), unsubscribe=html.escape(unsubscribe))
        headers = b"".join([
            self.from_header,
            _header("To", address),
            self.subject_header,
            _header("Date", formatdate(localtime=False, usegmt=True)),
            # The same Message-ID on a re-send lets mail clients drop the copy (see sending.py on restarts).
            _header("Message-ID", f"<pd.{message_key}@{self.domain}>"),
            _header("List-Unsubscribe", f"<{unsubscribe}>, <mailto:{self.mailto}?subject=unsubscribe>"),
            _header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            _header("MIME-Version", "1.0"),
            _header("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
        ])
        part = (f"--{boundary}\r\nContent-Type: text/{{}}; charset=\"utf-8\"\r\n"
                "Content-Transfer-Encoding: quoted-printable\r\n\r\n")
        return b"".join([
            headers, b"\r\n",
            part.format("plain").encode(), _qp(PLAIN.format(unsubscribe=unsubscribe, manage=manage)),
            part.format("html").encode(), self.head, _qp(footer), self.tail,
            f"\r\n--{boundary}--\r\n".encode(),
        ])


def _fold(value: str, name: str) -> bytes:
    """A header as the ``email`` package encodes it (RFC 2047 for Chinese), folded, ending in CRLF."""
    folded = SMTP.header_factory(name, value).fold(policy=SMTP)
    return str(folded).encode("ascii")
