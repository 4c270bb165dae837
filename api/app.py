"""The FastAPI application factory: JSON API, consultant web app, static assets."""

from __future__ import annotations

import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from api import errors
from api.auth import access_routes, guard, hardening
from api.auth import oidc as oidc_routes
from api.auth import routes as auth_routes
from api.cases import endpoints as case_endpoints
from api.cases import pages as case_pages
from api.cohorts import pages as cohort_pages
from api.partners import pages as partner_pages
from api.inbox import routes as inbox_routes
from api.letters import pages as letter_pages
from api.modeler import engine_rest
from api.retry import RetryLostRaces
from api.monitoring import pages as monitoring_pages
from api.security import SESSION_COOKIE, SESSION_MAX_AGE
from api.tasks import endpoints as task_endpoints
from api.tasks import pages as task_pages
from api.templating import build_templates
from engine.access import oidc
from engine.config import DEV_SECRET_KEY, PROJECT_ROOT, Settings

STATIC_DIR = Path(__file__).parent / "static"
# bpmn-js sets inline styles on the diagram; everything else comes from this server only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
NODE_MODULES = PROJECT_ROOT / "node_modules"
# Only the built assets the pages use are served, not the whole of node_modules.
VENDOR_DIRS = {
    "utrecht": NODE_MODULES / "@utrecht" / "component-library-css" / "dist",
    "bpmn-js": NODE_MODULES / "bpmn-js" / "dist",
    "swagger-ui": NODE_MODULES / "swagger-ui-dist",
    "chart.js": NODE_MODULES / "chart.js" / "dist",
}
DOCS_URL = "/api/docs"


def create_app(runtime=None) -> FastAPI:
    """Build the app; without a runtime, build one (database, engine, clock) at startup."""
    settings: Settings = runtime.settings if runtime is not None else Settings()
    if settings.clock == "system" and settings.secret_key == DEV_SECRET_KEY:
        # Production runs on the real clock; a known signing key would let anyone forge a session.
        raise RuntimeError("Set REGIE_SECRET_KEY to a long random value before serving on the real clock")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        """Build the runtime at startup when none was given."""
        if getattr(app.state, "runtime", None) is None:
            from engine.running.runtime import build_runtime

            app.state.runtime = build_runtime(settings)
            # A server of its own (regie serve): keep workflows between requests, parse everything now.
            app.state.runtime.engine.keep_workflows()
            warm_up(app)
        yield

    app = FastAPI(
        title="Regie",
        summary="Procesregie Wet inburgering 2021: taken, zaken, brieven.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(guard.check_route)],  # every route's access rule (engine/access/routes.py)
    )
    app.state.runtime = runtime
    app.state.templates = build_templates()
    # Login through the gemeente's identity provider when configured; a wrong setting stops the start here.
    oidc_config = oidc.config_from(settings)
    app.state.oidc_client = oidc.OidcClient(oidc_config) if oidc_config is not None else None
    app.add_middleware(RetryLostRaces)  # innermost of ours: a replayed request still has its session
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    errors.install(app)
    hardening.install(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        """Add the security headers to every response."""
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        # The developer docs page (Swagger UI, served from local files) starts itself with an
        # inline script; every other page is locked down completely.
        if request.url.path == DOCS_URL:
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY.replace(
                "script-src 'self'", "script-src 'self' 'unsafe-inline'"))
        else:
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    @app.middleware("http")
    async def server_timing(request: Request, call_next):
        """Say how long the server took (`Server-Timing: app;dur=<ms>`), for benchmarks and monitoring."""
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response

    app.mount("/static/app", StaticFiles(directory=STATIC_DIR), name="static")
    for name, directory in VENDOR_DIRS.items():
        if directory.is_dir():
            app.mount(f"/static/{name}", StaticFiles(directory=directory), name=f"static-{name}")
    for module in (task_endpoints, case_endpoints):
        app.include_router(module.router, prefix="/api")
    app.include_router(letter_pages.api_router, prefix="/api")
    for module in (auth_routes, oidc_routes, inbox_routes, task_pages, case_pages, letter_pages, cohort_pages, partner_pages):
        app.include_router(module.router, include_in_schema=False)
    @app.get(DOCS_URL, include_in_schema=False)
    def api_docs():
        """Show the JSON API's OpenAPI description (Swagger UI from local files, no CDN)."""
        return get_swagger_ui_html(openapi_url=app.openapi_url, title="Regie API",
                                   swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger-ui/swagger-ui.css",
                                   swagger_favicon_url="/static/app/favicon.svg")

    app.include_router(engine_rest.router, prefix="/engine-rest")
    # Beheer: the beheerder's screens and API across all cases (api/beheer).
    from api.beheer import endpoints as beheer_endpoints, pages as beheer_pages

    app.include_router(beheer_endpoints.router, prefix="/api")
    app.include_router(beheer_pages.router, include_in_schema=False)

    # Partner interfaces (issue 12): DUO's Notificatie API and COA's klantprofiel.
    from api.coa import routes as coa_routes
    from api.duo import beheer as duo_beheer
    from api.duo import notificaties as duo_notificaties

    app.include_router(duo_notificaties.router, prefix=duo_notificaties.BASE_PATH)
    app.include_router(coa_routes.router, prefix="/api")
    app.include_router(duo_beheer.router, include_in_schema=False)

    app.include_router(access_routes.api_router, prefix="/api")
    app.include_router(access_routes.router, include_in_schema=False)
    from api.teams import routes as team_routes

    app.include_router(team_routes.api_router, prefix="/api")
    app.include_router(team_routes.router, include_in_schema=False)

    app.include_router(monitoring_pages.router, include_in_schema=False)

    # Pw 18/18b maatregelen on a case (Wet 27; engine/pw).
    from api.pw import routes as pw_routes

    app.include_router(pw_routes.api_router, prefix="/api")
    app.include_router(pw_routes.router, include_in_schema=False)
    return app


def warm_up(app: FastAPI) -> None:
    """Parse the deployed processes, decisions and forms and compile the page templates before serving.

    The first request to each process definition then does not pay its parse (cold start).
    """
    from engine.db.session import transaction

    runtime = app.state.runtime
    with transaction(runtime.session_factory) as session:
        runtime.engine.warm_up(session=session)
    env = app.state.templates.env
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        env.get_template(name)
