"""JSON bodies of the teams API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas import Schema


class MemberOut(Schema):
    """A person in a team."""

    username: str
    display_name: str
    leads: bool


class TeamOut(Schema):
    """A team, the gemeenten it serves and its members."""

    id: int
    name: str
    gemeente: str
    gemeenten: list[str]
    is_default: bool
    members: list[MemberOut]


class TeamCreateIn(BaseModel):
    """A new team of the gemeente you work in; more gemeenten make it a regional team."""

    name: str = Field(min_length=1, max_length=100)
    gemeenten: list[str] = Field(default_factory=list, max_length=20,
                                 description="other gemeenten the team serves (codes); you must work for each")


class MemberIn(BaseModel):
    """Whether the person leads the team."""

    leads: bool = False
