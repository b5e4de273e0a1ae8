"""Bounce reports (DSNs): parsed with flufl.bounce; hard bounces suppress, soft ones add up and decay.

A soft bounce adds 1 to the address's score, which halves every week without one; an address whose
score reaches ``bounce_soft_limit`` is marked bounced like a hard bounce.
"""

from __future__ import annotations

import email
import logging
import mailbox
from dataclasses import dataclass, field
from email.message import Message
from email.policy import compat32
from pathlib import Path

from flufl.bounce import all_failures

from policydigest.delivery.subscribers import matching, now
from policydigest.settings import Settings
from policydigest.store import Store

log = logging.getLogger(__name__)
HALF_LIFE_DAYS = 7.0


@dataclass
class BounceResult:
    """Addresses a report named (permanently and temporarily failed) and those it suppressed."""

    hard: set[str] = field(default_factory=set)
    soft: set[str] = field(default_factory=set)
    suppressed: set[str] = field(default_factory=set)


def decayed(score: float, days: float) -> float:
    """A soft-bounce score ``days`` after its last bounce.

    >>> decayed(4.0, 7.0), decayed(4.0, 0.0)
    (2.0, 4.0)
    """
    return float(score * 0.5 ** (max(days, 0.0) / HALF_LIFE_DAYS))


def _addresses(found: frozenset[bytes]) -> set[str]:
    return {a.decode("utf-8", "replace").strip().strip("<>") for a in found}


def process_message(store: Store, settings: Settings, message: Message) -> BounceResult:
    """Apply one bounce report to the subscribers it names."""
    try:
        temporary, permanent = all_failures(message)
    except (LookupError, ValueError, TypeError, AttributeError) as exc:
        # flufl.bounce's detectors trip over some odd messages (no From, say): skip this one, keep going.
        log.warning("bounce report unreadable (%s): %s", type(exc).__name__, message.get("Subject", ""))
        return BounceResult()
    result = BounceResult(hard=_addresses(permanent), soft=_addresses(temporary) - _addresses(permanent))
    if not (result.hard or result.soft):
        log.info("not a bounce report (or no failed address in it): %s", message.get("Subject", ""))
        return result
    stamp = now()
    with store.write_session() as session, session.begin():
        for row in matching(session, result.hard):
            if row.status in ("active", "pending"):
                row.status = "bounced"
            row.last_bounce_at = stamp
            result.suppressed.add(row.email)
        for row in matching(session, result.soft):
            days = (stamp - row.last_bounce_at).total_seconds() / 86400 if row.last_bounce_at else 0.0
            row.soft_bounces = decayed(row.soft_bounces, days) + 1.0
            row.last_bounce_at = stamp
            if row.soft_bounces >= settings.bounce_soft_limit - 1e-3 and row.status in ("active", "pending"):
                row.status = "bounced"
                result.suppressed.add(row.email)
    return result


def process_bounce(store: Store, settings: Settings, raw: bytes) -> BounceResult:
    """Apply a bounce report given as the raw message."""
    return process_message(store, settings, email.message_from_bytes(raw, policy=compat32))


def process_mailbox(store: Store, settings: Settings, path: Path) -> BounceResult:
    """Apply every report in a Maildir folder (or an mbox file); one unreadable message never stops the rest."""
    box: mailbox.Mailbox = mailbox.Maildir(path, create=False) if path.is_dir() else mailbox.mbox(path, create=False)
    total = BounceResult()
    for key in box.iterkeys():
        try:
            raw = box.get_bytes(key)
        except (OSError, KeyError) as exc:
            log.warning("bounce %s unreadable: %s", key, exc)
            continue
        found = process_bounce(store, settings, raw)
        total.hard |= found.hard
        total.soft |= found.soft
        total.suppressed |= found.suppressed
    return total
