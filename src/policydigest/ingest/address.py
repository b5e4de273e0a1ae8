"""Which addresses the fetcher may talk to: public ones, plus networks the settings allow.

The host of every request (and of every redirect hop) is resolved and *every* resolved address is
checked before a connection is opened, so a refused address never sees a packet from us. The
connection then goes to an address that was checked (:class:`CheckedBackend`), never to whatever a
second DNS lookup answers: a host that resolves to a public address for the check and to a private one
for the connection (DNS rebinding) gets nowhere. Names in the ``fetch_hosts`` setting are resolved from
it, not by DNS (:func:`fixed_hosts`), and checked the same way.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import httpcore
import httpx

from policydigest.errors import BlockedAddressError, ConfigError

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
#: Resolves (host, port) to addresses; tests swap in a fake DNS, never real traffic.
Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host``.

    >>> "127.0.0.1" in system_resolver("127.0.0.1", 80)
    True
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"无法解析主机 {host!r}：{exc.strerror}") from exc
    return sorted({str(info[4][0]) for info in infos})


def fixed_hosts(hosts: Mapping[str, object], fallback: Resolver = system_resolver) -> Resolver:
    """A resolver that answers the names in ``hosts`` (name → address) itself and asks ``fallback`` for others.

    The answer is checked like any other (a private address still needs allowing), then connected to.

    >>> resolve = fixed_hosts({"Site3.test": "127.0.0.4"})
    >>> resolve("site3.test.", 80), resolve("127.0.0.1", 80)
    (['127.0.0.4'], ['127.0.0.1'])
    """
    table = {name.lower().rstrip("."): str(address) for name, address in hosts.items()}

    def resolve(host: str, port: int) -> list[str]:
        found = table.get(host.lower().rstrip("."))
        return [found] if found is not None else fallback(host, port)

    return resolve


def special_purpose(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public address, or ``None`` when it is.

    >>> special_purpose(ipaddress.ip_address("10.0.0.1"))
    'private'
    >>> special_purpose(ipaddress.ip_address("8.8.8.8")) is None
    True
    """
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return special_purpose(ip.ipv4_mapped)
    # Order matters: loopback and link-local are also "private" to ipaddress; name the precise reason.
    checks = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("not globally routable", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


#: How each reason of ``special_purpose`` reads in a message to a user.
REASON_LABELS = {
    "loopback": "回环",
    "link-local": "链路本地",
    "multicast": "组播",
    "unspecified": "未指定",
    "reserved": "保留",
    "private": "内网",
    "not globally routable": "非公网",
}


def parse_networks(values: Iterable[str]) -> list[IPNetwork]:
    """Networks from CIDR strings (a bare address is a one-address network).

    >>> parse_networks(["127.0.0.1", "10.1.0.0/16"])
    [IPv4Network('127.0.0.1/32'), IPv4Network('10.1.0.0/16')]
    """
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ConfigError(f"fetch_allowed_networks：{value!r} 不是网段（例如 127.0.0.1/32）") from exc
    return networks


@dataclass
class AddressPolicy:
    """Decides whether a host may be contacted.

    >>> policy = AddressPolicy(allowed=parse_networks(["127.0.0.1/32"]))
    >>> policy.check("127.0.0.1", 8080, url="http://127.0.0.1:8080/")
    ['127.0.0.1']
    """

    allow_private: bool = False
    allowed: Sequence[IPNetwork] = ()
    resolver: Resolver = field(default=system_resolver)

    def verdict(self, ip: IPAddress) -> str | None:
        """Why ``ip`` is refused, or ``None`` when it may be contacted."""
        if self.allow_private or any(ip.version == net.version and ip in net for net in self.allowed):
            return None
        return special_purpose(ip)

    def check(self, host: str, port: int, *, url: str) -> list[str]:
        """Resolve ``host`` and return its addresses; raise when any of them is refused."""
        host = host.strip("[]")
        try:
            addresses = [str(ipaddress.ip_address(host))]
            literal = True
        except ValueError:
            addresses = self.resolver(host, port)
            literal = False
        for address in addresses:
            reason = self.verdict(ipaddress.ip_address(address))
            if reason is not None:
                shown = host if literal else f"{host} ({address})"
                raise BlockedAddressError(
                    f"拒绝抓取 {url}：{shown} 是{REASON_LABELS[reason]}地址；如需允许，请设置 "
                    f"fetch_allow_private = true，或把它加入 fetch_allowed_networks",
                    url=url,
                )
        log.debug("address check passed for %s: %s", host, addresses)
        return addresses


class CheckedBackend(httpcore.SyncBackend):
    """httpcore's network backend, but a connection goes only to an address the policy has just checked.

    TLS still verifies the host name (httpcore passes it for SNI and the certificate), only the TCP
    connection is pinned to the checked address.
    """

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self.policy.check(host, port, url=f"//{host}:{port}")
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"主机 {host!r} 没有可用的地址")


def checked_transport(policy: AddressPolicy) -> httpx.HTTPTransport:
    """An httpx transport whose connections go only to addresses ``policy`` checked.

    >>> isinstance(checked_transport(AddressPolicy()), httpx.HTTPTransport)
    True
    """
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx has no public way to give its pool a network backend; the pool is rebuilt with the same defaults.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=httpx.Limits().max_connections,
        network_backend=CheckedBackend(policy),
    )
    return transport
