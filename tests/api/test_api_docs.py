"""The API documentation page works without any outside server."""

from __future__ import annotations


def test_api_docs_load_their_assets_from_this_server(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        page = client.get("/api/docs")
        assert page.status_code == 200
        assert "/static/swagger-ui/swagger-ui-bundle.js" in page.text and "cdn" not in page.text.lower()
        assert client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200
