"""Who may use the beheer screens: the one place these role checks live.

`BeheerUser` / `BeheerApiUser` admit a beheerder; `ReviewerUser` admits who reviews
letters (consulent, teamleider) and the beheerder who watches that queue. When the
central access module arrives, only the two role sets below change.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from api.deps import CurrentUser, WebUser
from engine.db.models import User
from engine.errors import Forbidden

BEHEER_ROLES = frozenset({"beheerder"})
REVIEW_QUEUE_ROLES = frozenset({"beheerder", "consulent", "teamleider"})


def _require(user: User, roles: frozenset[str], refusal: str) -> User:
    if not roles & set(user.roles or []):
        raise Forbidden(refusal)
    return user


def beheer_user(user: WebUser) -> User:
    """Return the logged-in beheerder of a beheer page, or refuse (403)."""
    return _require(user, BEHEER_ROLES, "Alleen een beheerder kan deze pagina gebruiken.")


def beheer_api_user(user: CurrentUser) -> User:
    """Return the beheerder calling the beheer API, or refuse (403)."""
    return _require(user, BEHEER_ROLES, "Alleen een beheerder kan dit doen.")


def reviewer_user(user: WebUser) -> User:
    """Return a user who may see the queue of letters waiting for review, or refuse (403)."""
    return _require(user, REVIEW_QUEUE_ROLES, "Alleen wie brieven controleert of beheert ziet deze wachtrij.")


def may_review(user: User) -> bool:
    """Tell whether the user may approve or send back letters (the beheerder only watches)."""
    return bool({"consulent", "teamleider"} & set(user.roles or []))


BeheerUser = Annotated[User, Depends(beheer_user)]
BeheerApiUser = Annotated[User, Depends(beheer_api_user)]
ReviewerUser = Annotated[User, Depends(reviewer_user)]
