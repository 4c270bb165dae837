"""Record a Pw maatregel for a person: capability, need-to-know, then the one engine path (engine/pw)."""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy.orm import Session

from api.auth.permissions import visible_case
from engine.access import roles
from engine.db.models import User
from engine.pw.maatregelen import FIELDS, VARIABLE
from engine.pw.service import record_maatregel


def record(*, session: Session, runtime, user: User, case_id: str, fields: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Record the maatregel on a case the user may see; return the case's maatregelen afterwards."""
    roles.require(user, "pw.maatregelen")
    case = visible_case(session=session, user=user, case_id=case_id)
    maatregel = {name: fields.get(name) for name in FIELDS if fields.get(name) not in (None, "")}
    record_maatregel(runtime.engine, session=session, case_id=case.id, maatregel=maatregel, actor=user.username,
                     gemeente=case.gemeente)
    variables = runtime.engine.case_variables(session=session, case=case)
    return list(variables.get(VARIABLE) or [])
