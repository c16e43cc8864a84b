"""The one HTTP error handler keeps the exception's headers (issue 14, item 16)."""

from __future__ import annotations


def test_an_undeclared_method_is_405_with_allow_in_the_error_shape(client) -> None:
    response = client.open("/api/v1/tickets/20261012-000001/accept", method="TRACE")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert response.json["error"]["code"] == "method_not_allowed"
