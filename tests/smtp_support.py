"""A real SMTP server (aiosmtpd) on loopback for the delivery tests: it keeps every message it accepts.

``SmtpSink.replies`` maps a recipient to the reply its RCPT gets (e.g. ``"450 try later"``) for a
number of times, so tests can make the server fail temporarily or for good.
"""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SmtpSink:
    """The server's handler: what it received, and the replies it is told to give."""

    messages: list[Message] = field(default_factory=list)
    #: recipient → [reply, times left]
    replies: dict[str, list[Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        with self.lock:
            planned = self.replies.get(address)
            if planned and planned[1] > 0:
                planned[1] -= 1
                return str(planned[0])
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[Message]:
        """The messages received for ``address``."""
        with self.lock:
            return [m for m in self.messages if m["To"] == address]


@contextmanager
def smtp_server() -> Iterator[tuple[SmtpSink, int]]:
    """A running loopback SMTP server: its handler and port."""
    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def html_part(message: Message) -> str:
    """The HTML body of a received message."""
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return str(part.get_content())  # type: ignore[attr-defined]
    raise AssertionError("no HTML part")
