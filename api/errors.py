"""Map domain errors to responses in one place: JSON under /api, a Dutch page elsewhere."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import LoginRequired
from api.templating import render
from engine.errors import AppError

TITLES = {
    400: "Dit kan niet",
    401: "Log eerst in",
    403: "Dit mag u niet doen",
    404: "Niet gevonden",
    405: "Dit kan niet",
    409: "Iemand anders was u voor",
    422: "Controleer wat u hebt ingevuld",
}
EXPLANATIONS = {
    403: "U hebt geen rechten voor deze actie. Vraag uw teamleider of beheerder als u denkt dat dit niet klopt.",
    404: "Deze pagina, zaak of taak bestaat niet, of u hebt er geen toegang toe.",
    409: "De zaak is intussen veranderd. Laad de pagina opnieuw en bekijk de nieuwe situatie.",
}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api") or path.startswith("/engine-rest")


def _page(request: Request, status: int, message: str, field_errors: dict[str, str] | None = None) -> Response:
    context = {
        "title": TITLES.get(status, "Er ging iets mis"),
        "message": message,
        "explanation": EXPLANATIONS.get(status, ""),
        "field_errors": field_errors or {},
        "status": status,
    }
    return render(request, "error.html", context, status_code=status)


def app_error(request: Request, exc: AppError) -> Response:
    """Turn an AppError into JSON (API) or an error page (web app); login errors go to /login."""
    if isinstance(exc, LoginRequired) and not _wants_json(request):
        return RedirectResponse("/login", status_code=303)
    if _wants_json(request):
        headers = {"WWW-Authenticate": 'Basic realm="Regie"'} if exc.status == 401 else None
        body = {"detail": exc.message, "field_errors": exc.field_errors}
        return JSONResponse(body, status_code=exc.status, headers=headers)
    return _page(request, exc.status, exc.message, exc.field_errors)


def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """Render framework errors (unknown URL, wrong method) in the same two shapes."""
    if _wants_json(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    message = "Deze pagina bestaat niet." if exc.status_code == 404 else "Deze actie kan hier niet."
    return _page(request, exc.status_code, message)


def validation_error(request: Request, exc: RequestValidationError) -> Response:
    """Report malformed requests without echoing the submitted values (they may hold a BSN)."""
    errors = {".".join(str(p) for p in e.get("loc", ()) if p != "body"): e.get("msg", "") for e in exc.errors()}
    if _wants_json(request):
        return JSONResponse({"detail": "Ongeldige invoer.", "field_errors": errors}, status_code=422)
    return _page(request, 422, "Het verzoek is niet volledig of klopt niet.", errors)


def install(app: FastAPI) -> None:
    """Register the exception handlers on `app`."""
    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
