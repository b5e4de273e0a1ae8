"""One message for one subscriber: the mailing's HTML with that reader's links, and safe headers.

Every message carries ``List-Unsubscribe`` (an https link and a mailto) and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058), the confirmation included.
Headers are set through ``email.message.EmailMessage`` with the strict default policy, which
refuses a CR or LF in any header value: no field can inject a header.
"""

from __future__ import annotations

import html
from email.message import EmailMessage
from email.utils import formataddr, parseaddr

from policydigest.delivery.tokens import Purpose, link, make_token
from policydigest.errors import DeliveryError
from policydigest.settings import Settings

FOOTER = (
    '<div style="font-size:12px;color:#666;margin-top:24px;border-top:1px solid #ddd;padding-top:8px">'
    '您收到此邮件是因为订阅了本刊。<a href="{manage}" style="color:#666">管理订阅、查看或删除我的数据</a> · '
    '<a href="{unsubscribe}" style="color:#666">退订</a></div>'
)


def one_line(text: str) -> str:
    """``text`` with every line break and control character turned into a space (for subjects).

    >>> one_line("标题\\r\\nBcc: x@example.org")
    '标题  Bcc: x@example.org'
    """
    return "".join(" " if ord(ch) < 32 or ord(ch) == 127 else ch for ch in text)


def personalise(body: str, settings: Settings, email: str) -> str:
    """The mailing's HTML with this reader's links: the only thing that differs between two readers."""
    footer = FOOTER.format(
        manage=html.escape(link(settings, "/subscription", Purpose.MANAGE, email)),
        unsubscribe=html.escape(link(settings, "/unsubscribe", Purpose.UNSUBSCRIBE, email)),
    )
    at = body.rfind("</body>")
    return body[:at] + footer + body[at:] if at >= 0 else body + footer


def build_message(settings: Settings, *, to: str, subject: str, body: str, message_key: str) -> EmailMessage:
    """The message to ``to``; ``message_key`` makes its Message-ID the same each time it is sent again.

    >>> from pydantic import SecretStr
    >>> s = Settings(delivery_secret=SecretStr("k"), public_url="https://d.example")
    >>> m = build_message(s, to="a@example.org", subject="第1期", body="<p>x</p>", message_key="7")
    >>> m["List-Unsubscribe-Post"], m["List-Unsubscribe"].startswith("<https://d.example/unsubscribe?token=")
    ('List-Unsubscribe=One-Click', True)
    """
    sender_name, sender = parseaddr(settings.mail_from)
    if "@" not in sender:
        raise DeliveryError(f"mail_from is not an address: {settings.mail_from!r}")
    domain = sender.rsplit("@", 1)[1]
    message = EmailMessage()
    message["From"] = formataddr((one_line(sender_name), sender))
    message["To"] = to
    message["Subject"] = one_line(subject)
    # The same Message-ID on a re-send lets mail clients drop the copy (see sending.py on restarts).
    message["Message-ID"] = f"<pd.{message_key}@{domain}>"
    mailto = settings.unsubscribe_mailto or sender
    token = make_token(settings, Purpose.UNSUBSCRIBE, to)
    message["List-Unsubscribe"] = (
        f"<{settings.public_url.rstrip('/')}/unsubscribe?token={token}>, <mailto:{mailto}?subject=unsubscribe>"
    )
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Quoted-printable keeps the message 7-bit: any SMTP server takes it, 8BITMIME or not.
    leave = link(settings, "/unsubscribe", Purpose.UNSUBSCRIBE, to)
    plain = f"本邮件为HTML格式，请用支持HTML的邮件客户端阅读。\n退订：{leave}"
    message.set_content(plain, cte="quoted-printable")
    message.add_alternative(personalise(body, settings, to), subtype="html", cte="quoted-printable")
    return message
