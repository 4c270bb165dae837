"""Beheer pages (Dutch, server-rendered, no JavaScript needed): incidents, versions, search, queues."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.beheer import services
from api.beheer.access import BeheerUser, ReviewerUser, may_review
from api.deps import FormDep, Now, Runtime, SessionDep
from api.letters import services as letter_service
from api.security import flash
from api.templating import render
from engine.beheer.incidents import count_open, parse_filter
from engine.beheer.queues import OUTBOX_STATUSES
from engine.beheer.search import STATUSES
from engine.errors import AppError, Invalid

router = APIRouter(prefix="/beheer")


def _page(request: Request, template: str, title: str, user, now, *, status_code: int = 200, **context) -> Response:
    return render(request, f"beheer/{template}", {"title": title, "user": user, "now": now, **context},
                  status_code=status_code)


def _ids(values: list) -> list[int]:
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError):
        raise Invalid("Kies storingen uit de lijst.", field_errors={"incident_ids": "Onbekende storing."}) from None


@router.get("")
def overview(request: Request, session: SessionDep, user: BeheerUser, now: Now) -> Response:
    """Show what needs attention: open incidents, old versions in use, letters and messages waiting."""
    processes = services.process_versions(session=session, user=user)
    open_incidents = count_open(session=session, gemeente=user.gemeente)
    return _page(request, "overview.html", "Beheer", user, now, processes=processes,
                 open_incidents=open_incidents, outbox_counts=services.outbox_counts(session=session, user=user))


@router.get("/storingen")
def incidents_page(request: Request, session: SessionDep, user: BeheerUser, now: Now, process: str = "",
                   element: str = "", text: str = "", min_age_days: str = "") -> Response:
    """List open incidents across all cases, with filters."""
    from engine.beheer.incidents import IncidentFilter, filter_choices

    errors: dict[str, str] = {}
    try:
        where = parse_filter(process=process, element=element, text=text, min_age_days=min_age_days)
    except Invalid as exc:
        errors, where = exc.field_errors, IncidentFilter(process=process, element=element, text=text)
    rows = services.incident_list(session=session, user=user, where=where, now=now)
    processes, elements = filter_choices(session=session, gemeente=user.gemeente)
    return _page(request, "incidents.html", "Storingen", user, now, rows=rows, where=where, errors=errors,
                 processes=processes, elements=elements, min_age_days=min_age_days, outcomes=None)


@router.post("/storingen/opnieuw")
def retry_incidents(request: Request, session: SessionDep, runtime: Runtime, user: BeheerUser, now: Now,
                    posted: FormDep) -> Response:
    """Retry the chosen incidents and show, per incident, whether the step now got through."""
    try:
        outcomes = services.retry(session=session, runtime=runtime, user=user,
                                  incident_ids=_ids(posted.getlist("incident_ids")))
    except Invalid as exc:
        flash(request, exc.field_errors.get("incident_ids", exc.message), "error")
        return RedirectResponse("/beheer/storingen", status_code=303)
    return _page(request, "retried.html", "Resultaat opnieuw proberen", user, now, outcomes=outcomes)


@router.get("/versies")
def versions_page(request: Request, session: SessionDep, user: BeheerUser, now: Now) -> Response:
    """List deployed processes, their versions and the running cases per version."""
    return _page(request, "versions.html", "Processen en versies", user, now,
                 processes=services.process_versions(session=session, user=user))


@router.get("/versies/verschil")
def diff_page(request: Request, session: SessionDep, user: BeheerUser, now: Now, old: str = "",
              new: str = "") -> Response:
    """Show what changed between two versions of a process."""
    diff = services.version_diff(session=session, old_id=old, new_id=new)
    return _page(request, "diff.html", f"Verschil {diff.old.process_id} v{diff.old.version} → v{diff.new.version}",
                 user, now, diff=diff)


@router.post("/versies/overzetten")
def migrate_page(request: Request, session: SessionDep, runtime: Runtime, user: BeheerUser, now: Now,
                 posted: FormDep) -> Response:
    """Move the running cases of a version to the newest version, or first try it (proef)."""
    dry_run = str(posted.get("proef") or "") == "ja"
    result = services.migrate(session=session, runtime=runtime, user=user,
                              definition_id=str(posted.get("definition_id") or ""), dry_run=dry_run)
    title = "Proef: zaken overzetten" if dry_run else "Zaken overgezet"
    return _page(request, "migrated.html", title, user, now, result=result)


@router.get("/zoeken")
def search_form(request: Request, user: BeheerUser, now: Now) -> Response:
    """Show the case search (the BSN goes in the POST body, never in the address)."""
    return _page(request, "search.html", "Zaak zoeken", user, now, hits=None, errors={}, form={},
                 statuses=STATUSES)


@router.post("/zoeken")
def search_page(request: Request, session: SessionDep, user: BeheerUser, now: Now, posted: FormDep) -> Response:
    """Search cases by case number, name or BSN, with a status filter."""
    form = {k: str(posted.get(k) or "") for k in ("text", "bsn", "status")}
    try:
        hits = services.find_cases(session=session, user=user, now=now, **form)
    except Invalid as exc:
        return _page(request, "search.html", "Zaak zoeken", user, now, hits=None, errors=exc.field_errors,
                     form={**form, "bsn": ""}, statuses=STATUSES, status_code=422)
    return _page(request, "search.html", "Zaak zoeken", user, now, hits=hits, errors={},
                 form={**form, "bsn": ""}, statuses=STATUSES, searched_bsn=bool(form["bsn"]))


@router.get("/brieven")
def review_queue(request: Request, session: SessionDep, user: ReviewerUser, now: Now) -> Response:
    """Show every letter waiting for review in the gemeente, as one queue."""
    return _page(request, "letters.html", "Brieven ter controle", user, now,
                 items=services.review_queue(session=session, user=user, now=now), may_review=may_review(user))


@router.post("/brieven/{letter_id}/goedkeuren")
def approve(letter_id: int, request: Request, session: SessionDep, runtime: Runtime, user: ReviewerUser,
            now: Now) -> Response:
    """Approve a letter from the queue (four eyes) and go back to the queue."""
    try:
        letter = letter_service.approve_letter(session=session, runtime=runtime, user=user, letter_id=letter_id,
                                               now=now)
    except AppError as exc:
        session.rollback()
        flash(request, exc.message, "error")
    else:
        flash(request, f"Brief {letter.kenmerk} is goedgekeurd.")
    return RedirectResponse("/beheer/brieven", status_code=303)


@router.post("/brieven/{letter_id}/terugsturen")
def send_back(letter_id: int, request: Request, session: SessionDep, runtime: Runtime, user: ReviewerUser,
              now: Now, posted: FormDep) -> Response:
    """Send a letter back with a reason; its step becomes an incident."""
    try:
        letter = letter_service.reject_letter(session=session, runtime=runtime, user=user, letter_id=letter_id,
                                              reason=str(posted.get("reason") or ""), now=now)
    except AppError as exc:
        session.rollback()
        flash(request, exc.field_errors.get("reason", exc.message), "error")
    else:
        flash(request, f"Brief {letter.kenmerk} is teruggestuurd.")
    return RedirectResponse("/beheer/brieven", status_code=303)


@router.get("/uitgaand")
def outbox_page(request: Request, session: SessionDep, user: BeheerUser, now: Now, status: str = "") -> Response:
    """Show the outbox (messages to DUO and others) with the state of each message."""
    if status not in OUTBOX_STATUSES:
        status = ""
    return _page(request, "outbox.html", "Uitgaande berichten", user, now, status=status, statuses=OUTBOX_STATUSES,
                 rows=services.outbox(session=session, user=user, status=status, now=now),
                 counts=services.outbox_counts(session=session, user=user))


@router.get("/workers")
def workers_page(request: Request, session: SessionDep, user: BeheerUser, now: Now) -> Response:
    """Show the worker processes and when each last reported in."""
    return _page(request, "workers.html", "Workers", user, now, workers=services.workers(session=session))
