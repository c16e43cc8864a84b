"""The OpenAPI document, the Swagger UI from local files, units and categories."""

from __future__ import annotations

import re

import pytest

from tests.factories import CategoryFactory, UnitFactory
from tests.support.api import DESIGN_ACTIONS

# Wake-ups after commit are recorded, not enqueued (as in tests/tickets/api/).
pytestmark = pytest.mark.usefixtures("woken_jobs")


@pytest.fixture
def spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.is_json
    return response.get_json()


def test_openapi_lists_every_path_of_this_api(spec):
    paths = spec["paths"]
    assert set(paths["/api/v1/tickets"]) >= {"get", "post"}
    assert "post" in paths["/api/v1/auth/token"]
    for path in (
        "/api/v1/tickets/{number}",
        "/api/v1/tickets/{number}/events",
        "/api/v1/units",
        "/api/v1/units/{code}",
        "/api/v1/categories",
        "/api/v1/notices",
    ):
        assert "get" in paths[path], path
    assert "post" in paths["/api/v1/notices/{notice_id}/read"]
    for action in DESIGN_ACTIONS:
        assert "post" in paths[f"/api/v1/tickets/{{number}}/{action}"], action


def test_openapi_declares_bearer_auth_everywhere_but_the_token_endpoint(spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "from POST /api/v1/auth/token",
    }
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []


def test_openapi_documents_the_error_shape(spec):
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error"}
    detail = spec["components"]["schemas"]["ErrorDetail"]["properties"]
    assert {"code", "message", "fields"} <= set(detail)


def test_swagger_ui_loads_its_assets_from_our_static_files(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    for asset in assets:
        assert asset.startswith("/static/vendor/swagger-ui/"), asset
        assert client.get(asset).status_code == 200, asset
    assert '"/api/v1/openapi.json"' in html


def test_units_list_and_read(operator, session):
    UnitFactory(code="ZZZ-OFF", name="已撤销单位", active=False)
    unit = UnitFactory(code="SCJGJ2", name="市市场监督管理局", head_name="李局长")
    session.commit()
    units = operator.get("/api/v1/units").get_json()
    assert {"code": "SCJGJ2", "name": "市市场监督管理局", "head": "李局长"}.items() <= next(
        u for u in units if u["code"] == "SCJGJ2"
    ).items()
    assert "ZZZ-OFF" not in [u["code"] for u in units]
    one = operator.get(f"/api/v1/units/{unit.code}").get_json()
    assert (one["code"], one["name"], one["head"]) == ("SCJGJ2", "市市场监督管理局", "李局长")
    assert operator.get("/api/v1/units/NOPE").status_code == 404


def test_categories_name_their_default_unit(agent, session):
    unit = UnitFactory(code="ZJJ2", name="市住房和城乡建设局")
    CategoryFactory(code="C-WY", name="物业管理", kind="complaint", default_unit=unit)
    CategoryFactory(code="C-ZX", name="政策咨询", kind="consultation", default_unit=None)
    session.commit()
    categories = {c["code"]: c for c in agent.get("/api/v1/categories").get_json()}
    assert categories["C-WY"] == {
        "code": "C-WY",
        "name": "物业管理",
        "kind": "complaint",
        "name_en": None,
        "group": None,
        "parent": None,
        "path": ["物业管理"],
        "default_unit": {"code": "ZJJ2", "name": "市住房和城乡建设局"},
    }
    assert categories["C-ZX"]["default_unit"] is None


def test_units_and_categories_need_a_token(client, session):
    assert client.get("/api/v1/units").status_code == 401
    assert client.get("/api/v1/categories").status_code == 401


def test_api_posts_work_with_csrf_protection_on(operator, app, monkeypatch):
    """Bearer-token clients carry no CSRF token; the API blueprints are exempt."""
    from tests.support.api import ticket_body

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert operator.post("/api/v1/tickets", json=ticket_body()).status_code == 201


def test_unknown_api_path_is_404_in_the_error_shape(operator):
    response = operator.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
