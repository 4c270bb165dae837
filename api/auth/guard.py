"""The app-wide access check: every route's rule (engine/access/routes.py) before its handler runs."""

from __future__ import annotations

from fastapi import Request

from api.deps import SessionDep, principal
from engine.access import roles
from engine.access.routes import LOGGED_IN, OWN_AUTH, PUBLIC, rule_for
from engine.errors import Forbidden, Invalid

NO_RULE = "Deze route heeft geen toegangsregel; niemand mag haar gebruiken tot die er is."


def route_template(request: Request) -> str:
    """Return the path template of the matched route (e.g. /api/cases/{case_id})."""
    # FastAPI keeps the full path (router prefixes included) of an included route in its route
    # context; scope["route"] holds the route as declared, without the prefix.
    context = (request.scope.get("fastapi") or {}).get("effective_route_context")
    path = getattr(context, "path", "") if context is not None else ""
    if path:
        return path
    route = request.scope.get("route")
    return getattr(route, "path_format", None) or getattr(route, "path", None) or request.url.path


MAX_NUMBER_DIGITS = 15
"""A number in a path or query longer than this is refused (422) before it reaches the database."""


def check_numbers(request: Request) -> None:
    """Refuse path and query numbers no database column holds (a 422 naming the field, never a 500)."""
    problems = {f"{where}.{name}": "Dit getal is te groot."
                for where, params in (("path", request.path_params), ("query", request.query_params))
                for name, value in params.items()
                if isinstance(value, str) and value.lstrip("-").isdigit() and len(value.lstrip("-")) > MAX_NUMBER_DIGITS}
    if problems:
        raise Invalid("Ongeldige invoer.", field_errors=problems)


def check_route(request: Request, session: SessionDep) -> None:
    """Refuse the request unless the caller's roles give the capability the route's rule names."""
    check_numbers(request)
    rule = rule_for(request.method, route_template(request))
    if rule is None:
        raise Forbidden(NO_RULE)
    if rule in (PUBLIC, OWN_AUTH):
        return
    user = principal(request, session)
    if rule != LOGGED_IN:
        roles.require(user, rule)
