"""Request and response bodies of the JSON API (documented in /api/docs)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    """Base: read attributes from ORM rows and dataclasses."""

    model_config = ConfigDict(from_attributes=True)


class UserOut(Schema):
    """The logged-in person."""

    username: str
    display_name: str
    gemeente: str
    roles: list[str]
    groups: list[str]
    csrf_token: str | None = None


class OkOut(BaseModel):
    """A plain acknowledgement."""

    ok: bool = True
    count: int | None = None
