"""Which Host names and which page origins the browser defences accept (server/web/security.py)."""

from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from server.config import Settings
from server.web.security import change_allowed, trusted_hosts

HOSTS = trusted_hosts(
    Settings(allowed_hosts=("board.example", "*.venue.example"), allowed_origins=("https://map.example.org",))
)


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "LOCALHOST:8000",
        "127.0.0.1:8000",
        "[::1]:8000",
        "192.168.1.20:8000",
        "board.example",
        "room1.venue.example",
        "map.example.org",
    ],
)
def test_addresses_localhost_and_configured_names_are_answered(host: str) -> None:
    assert HOSTS.allow(host)


@pytest.mark.parametrize(
    "host",
    [
        None,
        "",
        "rebound.example",
        "127.0.0.1.nip.io",
        "evil@127.0.0.1",
        "127.0.0.1/x",
        "venue.example",
        "board.example.evil",
        "map.example.org.evil:443",
        "[::1",
    ],
)
def test_other_names_and_malformed_hosts_are_not(host: str | None) -> None:
    assert not HOSTS.allow(host)


def test_a_star_answers_any_name() -> None:
    assert trusted_hosts(Settings(allowed_hosts=("*",))).allow("anything.example")


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({}, True),  # a program
        ({"origin": "http://127.0.0.1:8000"}, True),
        ({"origin": "http://127.0.0.1:8000", "sec-fetch-site": "same-origin"}, True),
        ({"origin": "https://map.example.org"}, True),
        ({"sec-fetch-site": "same-origin"}, True),
        ({"sec-fetch-site": "none"}, True),  # typed in the address bar
        ({"origin": "http://127.0.0.1:9000"}, False),
        ({"origin": "http://localhost:8000"}, False),
        ({"origin": "null"}, False),
        ({"origin": "http://[::1"}, False),
        ({"sec-fetch-site": "cross-site"}, False),
        ({"sec-fetch-site": "same-site"}, False),
    ],
)
def test_changes_are_allowed_only_from_the_servers_own_pages(headers: dict[str, str], allowed: bool) -> None:
    request = Headers({"host": "127.0.0.1:8000", **headers})
    assert change_allowed(request, ("https://map.example.org",)) is allowed
