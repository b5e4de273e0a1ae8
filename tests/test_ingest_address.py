"""Acceptance 3: private, loopback, link-local, multicast and reserved addresses are refused unless allowed.

No test here sends a packet anywhere: literal addresses and a fake DNS are checked before any
connection, and the HTTP transport used would fail the test if it were ever reached.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policydigest.errors import BlockedAddressError, ConfigError
from policydigest.ingest.address import REASON_LABELS, AddressPolicy, parse_networks, special_purpose
from policydigest.ingest.fetch import Fetcher
from policydigest.settings import Settings


def never_called(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a request was sent to {request.url}")


def fake_dns(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        return table[host]

    return resolve


@pytest.mark.parametrize(
    ("url", "address", "reason"),
    [
        ("http://10.0.0.1/", "10.0.0.1", "private"),
        ("http://192.168.1.20:8080/list/", "192.168.1.20", "private"),
        ("http://172.16.5.4/", "172.16.5.4", "private"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "link-local"),
        ("http://127.0.0.1/", "127.0.0.1", "loopback"),
        ("http://[::1]/", "::1", "loopback"),
        ("http://[fe80::1]/", "fe80::1", "link-local"),
        ("http://[fd00::5]/", "fd00::5", "private"),
        ("http://224.0.0.251/", "224.0.0.251", "multicast"),
        ("http://0.0.0.0/", "0.0.0.0", "unspecified"),
        ("http://240.0.0.1/", "240.0.0.1", "reserved"),
        ("http://[::ffff:10.0.0.1]/", "::ffff:10.0.0.1", "private"),
    ],
)
def test_private_address_is_refused_before_any_request_with_a_clear_error(url: str, address: str, reason: str) -> None:
    with (
        Fetcher(Settings(), transport=httpx.MockTransport(never_called)) as fetcher,
        pytest.raises(BlockedAddressError) as caught,
    ):
        fetcher.fetch(url)
    message = str(caught.value)
    assert address in message
    assert f"是{REASON_LABELS[reason]}地址" in message
    assert "fetch_allow_private" in message and "fetch_allowed_networks" in message
    assert caught.value.url == url


def test_host_name_resolving_to_a_private_address_is_refused() -> None:
    dns = fake_dns({"intranet.example.org": ["93.184.216.34", "192.168.10.3"]})
    fetcher = Fetcher(Settings(), transport=httpx.MockTransport(never_called), resolver=dns)
    with fetcher, pytest.raises(BlockedAddressError, match=r"intranet\.example\.org \(192\.168\.10\.3\) 是内网"):
        fetcher.fetch("https://intranet.example.org/news/")


def test_redirect_to_a_private_address_is_refused_at_that_hop() -> None:
    seen: list[str] = []

    def public_site(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(302, headers={"Location": "http://10.1.2.3/admin"})

    dns = fake_dns({"www.example.org": ["93.184.216.34"]})
    fetcher = Fetcher(Settings(), transport=httpx.MockTransport(public_site), resolver=dns)
    with fetcher, pytest.raises(BlockedAddressError, match=r"10\.1\.2\.3 是内网地址"):
        fetcher.fetch("http://www.example.org/go")
    assert all("10.1.2.3" not in url for url in seen)


def test_allow_private_setting_lets_a_private_host_through() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404) if request.url.path == "/robots.txt" else httpx.Response(200, text="ok")

    settings = Settings(fetch_allow_private=True, fetch_host_delay=0)
    with Fetcher(settings, transport=httpx.MockTransport(answer)) as fetcher:
        assert fetcher.fetch("http://10.0.0.1/page").content == b"ok"


def test_allowed_network_admits_only_its_own_addresses() -> None:
    policy = AddressPolicy(allowed=parse_networks(["127.0.0.1/32", "10.8.0.0/16"]))
    assert policy.check("127.0.0.1", 80, url="http://127.0.0.1/") == ["127.0.0.1"]
    assert policy.check("10.8.3.4", 80, url="http://10.8.3.4/") == ["10.8.3.4"]
    for refused in ("127.0.0.2", "10.9.0.1", "::1"):
        with pytest.raises(BlockedAddressError):
            policy.check(refused, 80, url=f"http://{refused}/")


def test_bad_allowed_network_is_a_config_error_naming_the_setting() -> None:
    with pytest.raises(ConfigError, match="fetch_allowed_networks：'intranet'"):
        Fetcher(Settings(fetch_allowed_networks=["intranet"]))


@given(st.ip_addresses(network="10.0.0.0/8") | st.ip_addresses(network="192.168.0.0/16"))
def test_every_address_of_private_ranges_is_classified_private(ip: ipaddress.IPv4Address) -> None:
    assert special_purpose(ip) == "private"


@given(st.ip_addresses(v=4))
def test_an_address_is_refused_exactly_when_it_is_not_global_unicast(ip: ipaddress.IPv4Address) -> None:
    assert (special_purpose(ip) is None) == (ip.is_global and not ip.is_multicast)


# ---- DNS rebinding: the connection goes to the address that was checked ----------------------------


class RebindingDns:
    """A resolver that answers a public address first and loopback after: a DNS rebinding attack."""

    def __init__(self) -> None:
        self.answers = iter([["93.184.216.34"]])

    def __call__(self, host: str, port: int) -> list[str]:
        return next(self.answers, ["127.0.0.1"])


def test_a_host_that_rebinds_to_loopback_after_the_check_is_refused(web: Any) -> None:
    """The fixture server listens on 127.0.0.1; "localhost" reaches it only if a second lookup is trusted."""
    port = urlsplit(web.base).port
    settings = Settings(fetch_respect_robots=False, fetch_retries=0, fetch_host_delay=0, fetch_timeout=5)
    with Fetcher(settings, resolver=RebindingDns()) as fetcher, pytest.raises(BlockedAddressError, match="是回环地址"):
        fetcher.fetch(f"http://localhost:{port}/generated/art/1.html")
    assert web.state.paths() == []


def test_the_connection_goes_to_the_checked_address_not_to_a_new_lookup(web: Any) -> None:
    """A name only the fetcher's resolver knows: reaching the server proves the checked address was used."""
    port = urlsplit(web.base).port
    settings = Settings(
        fetch_respect_robots=False, fetch_allowed_networks=["127.0.0.1/32"], fetch_host_delay=0, fetch_timeout=5
    )
    dns = fake_dns({"news.example.test": ["127.0.0.1"]})
    with Fetcher(settings, resolver=dns) as fetcher:
        result = fetcher.fetch(f"http://news.example.test:{port}/generated/art/1.html")
    assert result.status == 200 and "数据资源登记".encode() in result.content
    assert web.state.requests[-1].headers.get("host") == f"news.example.test:{port}"


# ---- host names from the settings: resolved without DNS, checked like any other -------------------------


def test_a_host_named_in_fetch_hosts_is_reached_at_its_address_with_its_name_in_the_host_header(web: Any) -> None:
    port = urlsplit(web.base).port
    settings = Settings(
        fetch_hosts={"Site3.test": "127.0.0.1"},
        fetch_allowed_networks=["127.0.0.1/32"],
        fetch_respect_robots=False,
        fetch_host_delay=0,
        fetch_timeout=5,
    )
    with Fetcher(settings, resolver=fake_dns({})) as fetcher:  # any other name would fail: this DNS knows none
        result = fetcher.fetch(f"http://site3.test:{port}/generated/art/1.html")
    assert result.status == 200
    assert web.state.requests[-1].headers.get("host") == f"site3.test:{port}"


def test_a_host_named_in_fetch_hosts_is_still_refused_at_a_private_address_unless_allowed() -> None:
    settings = Settings(fetch_hosts={"intranet.test": "10.0.0.7"})
    with Fetcher(settings, transport=httpx.MockTransport(never_called)) as fetcher, pytest.raises(
        BlockedAddressError, match=r"intranet\.test \(10\.0\.0\.7\) 是内网地址"
    ):
        fetcher.fetch("http://intranet.test/news/")


def test_an_address_in_fetch_hosts_that_is_not_one_is_refused_by_the_settings() -> None:
    with pytest.raises(ValueError, match="fetch_hosts"):
        Settings(fetch_hosts={"site.test": "not-an-address"})
