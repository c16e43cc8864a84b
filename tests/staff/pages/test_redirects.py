"""Open redirects: a login, a form post or an error page never sends a browser off-site."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from hotline.core.web.redirects import safe_path
from tests.factories import ticket_in

OFFSITE = [
    "//evil.example/phish",
    "/%09/evil.example/phish",
    "/\t/evil.example/phish",
    "/\\evil.example/phish",
    "/%5Cevil.example/phish",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\n/evil.example",
    " //evil.example",
]


def _followed_host(location: str) -> str:
    """The host a browser would go to: it drops tabs and newlines and reads \\ as /."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    return urlsplit(urljoin("https://hotline.example.org/tickets/x", cleaned)).netloc


@pytest.mark.parametrize("target", OFFSITE)
def test_login_never_follows_an_offsite_next(client, staff, target) -> None:
    from urllib.parse import quote

    response = client.post(
        f"/login?next={quote(target, safe='%')}",
        data={"username": staff.operator.username, "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/console"


@pytest.mark.parametrize("target", OFFSITE)
def test_a_form_post_never_returns_offsite(login, staff, clock, target) -> None:
    clock.set("2026-10-09T09:00:00+08:00")
    ticket = ticket_in("dispatched", unit=staff.unit)
    response = login(staff.agent).post(
        f"/tickets/{ticket.number}/accept", data={"next": target, "version": ticket.version}
    )
    assert response.status_code == 302
    assert _followed_host(response.headers["Location"]) == "hotline.example.org"


def test_a_same_site_next_with_its_query_is_kept() -> None:
    assert safe_path("/console/triage?page=2") == "/console/triage?page=2"
    assert safe_path("/tickets/20261001-000001") == "/tickets/20261001-000001"


@pytest.mark.parametrize("path", ["/%5Cevil.example/x", "/%2F%2Fevil.example/x"])
def test_the_404_pages_language_link_stays_on_the_page(login, staff, path) -> None:
    html = login(staff.operator).get(path).get_data(as_text=True)
    assert "evil.example" not in html.split('class="lang"')[0].rsplit("<a", 1)[-1]
    assert 'href="?lang=en" class="lang"' in html
