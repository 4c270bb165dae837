"""The API documentation page works without any outside server."""

from __future__ import annotations


def test_api_docs_load_their_assets_from_this_server(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        page = client.get("/api/docs")
        assert page.status_code == 200
        assert "/static/swagger-ui/swagger-ui-bundle.js" in page.text and "cdn" not in page.text.lower()
        assert client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_serving_on_the_real_clock_needs_a_secret_key():
    import pytest

    from api.app import create_app
    from engine.config import Settings

    with pytest.raises(RuntimeError, match="REGIE_SECRET_KEY"):
        create_app(type("R", (), {"settings": Settings(clock="system")})())
    assert create_app(type("R", (), {"settings": Settings(clock="system", secret_key="x" * 40)})()) is not None
