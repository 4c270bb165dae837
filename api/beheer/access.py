"""Who may use the beheer screens: the checks of engine/access (the one access model) as dependencies.

`BeheerUser` / `BeheerApiUser` need the capability `beheer`; `ReviewerUser` admits who reviews
letters and the beheerder who watches that queue. The app-wide route rule (engine/access/routes.py)
already refused everyone else; these dependencies give the handlers the checked user.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from api.deps import CurrentUser, WebUser
from engine.access import roles
from engine.db.models import User
from engine.errors import Forbidden


def beheer_user(user: WebUser) -> User:
    """Return the logged-in beheerder of a beheer page, or refuse (403)."""
    roles.require(user, "beheer")
    return user


def beheer_api_user(user: CurrentUser) -> User:
    """Return the beheerder calling the beheer API, or refuse (403)."""
    roles.require(user, "beheer")
    return user


def reviewer_user(user: WebUser) -> User:
    """Return a user who may see the queue of letters waiting for review, or refuse (403)."""
    if not (roles.may(user, "letters.review") or roles.may(user, "beheer")):
        raise Forbidden("Alleen wie brieven controleert of beheert ziet deze wachtrij.")
    return user


def may_review(user: User) -> bool:
    """Tell whether the user may approve or send back letters (the beheerder only watches)."""
    return roles.may(user, "letters.review")


BeheerUser = Annotated[User, Depends(beheer_user)]
BeheerApiUser = Annotated[User, Depends(beheer_api_user)]
ReviewerUser = Annotated[User, Depends(reviewer_user)]
