"""Optional login through the gemeente's own identity provider (OpenID Connect).

The flow is the authorization code flow with PKCE (S256), `state` and `nonce`:

1. `OidcClient.begin` reads the provider's discovery document
   (`<issuer>/.well-known/openid-configuration`, whose `issuer` must equal the configured one) and
   returns the authorization URL and the `Flow` (state, nonce, code verifier) that the caller keeps
   in the browser's signed session cookie until the callback.
2. `OidcClient.finish` checks the callback's `state` against the flow (constant time, one use,
   at most `FLOW_MAX_AGE` old), exchanges the code with the code verifier at the token endpoint
   (client_secret_basic), and validates the ID token: signature against the provider's JWKS
   (asymmetric algorithms only, the key set fetched again once for an unknown key id), `iss`
   equal to the issuer, `aud` holding our client id (`azp` when there are more audiences), `exp`
   and `iat` on the real clock with `LEEWAY_SECONDS`, `nonce` equal to the flow's, `at_hash` when
   present. Claims from the userinfo endpoint are added when its `sub` is the ID token's.
3. `account_for` maps the person onto a Regie account (decided here, documented in README):
   - an account already linked to (issuer, value of `oidc_subject_claim`) is that person;
   - else, when `oidc_username_claim` is set, an active account whose username equals that
     claim's value and that has no identity at this provider yet is linked now (audited);
   - else, when `oidc_auto_provision` is on and the roles claim maps onto one or more roles, an
     account is created with exactly those roles, without a usable password (audited);
   - else the person is refused (403, audited: `oidc_refused`).
   When `oidc_roles_claim` is set the identity provider decides the roles at every login: the
   account gets exactly the roles the map gives (never another), and nobody whose claim maps onto
   no role gets in. Without it, the roles are the account's own, managed in Regie.

Authlib provides the protocol parts (PKCE challenge, authorization URL, ID token claims
validation) and joserfc (Authlib's JOSE library) the signature check; httpx makes the calls.
Nothing here logs or stores a token, a code or a claim value other than the linked subject.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Mapping

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.access import roles, tenancy
from engine.access.models import OidcIdentity
from engine.access.throttle import wall_clock
from engine.db.models import Gemeente, User

log = logging.getLogger(__name__)

FLOW_MAX_AGE = timedelta(minutes=10)
"""A login started longer ago than this is refused at the callback (start again)."""
LEEWAY_SECONDS = 60
"""Clock skew allowed on exp, iat and nbf of the ID token."""
METADATA_MAX_AGE = 3600.0
"""Seconds the discovery document and the key set are kept before they are read again."""
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
"""ID token algorithms accepted (asymmetric only: never `none`, never a shared-secret HMAC)."""
NO_PASSWORD = "!oidc"
"""Password hash of a provisioned account: argon2 cannot verify it, so no password ever matches."""
USERNAME_SAFE = re.compile(r"^[A-Za-z0-9._@-]{2,100}$")


class OidcRefused(Exception):
    """The login through the identity provider is refused; `reason` is an English code for the
    audit log (never a token or claim value), `status` the HTTP status the person sees."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class OidcConfig:
    """The OpenID Connect settings of this installation (engine/config.py, `oidc_*`)."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_url: str
    provider_name: str = "uw organisatie"
    scopes: str = "openid profile email"
    subject_claim: str = "sub"
    username_claim: str = ""
    name_claim: str = "name"
    roles_claim: str = ""
    role_map: Mapping[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    auto_provision: bool = False
    gemeente: str = ""
    password_login: bool = True
    timeout_seconds: float = 10.0

    @property
    def scope(self) -> str:
        """The scopes asked for, `openid` always first."""
        words = [w for w in self.scopes.split() if w != "openid"]
        return " ".join(["openid", *words])


def config_from(settings) -> OidcConfig | None:
    """Return the OpenID Connect configuration, or None when it is off (no issuer).

    Raises ValueError for an incomplete configuration or a map that gives an unknown role or a
    system account's role, so a wrong setting stops the app at startup instead of at a login."""
    issuer = (settings.oidc_issuer or "").strip().rstrip("/")
    if not issuer:
        return None
    missing = [name for name in ("oidc_client_id", "oidc_redirect_url") if not getattr(settings, name)]
    if missing:
        raise ValueError(f"OpenID Connect is on (oidc_issuer) but {', '.join(missing)} is empty")
    role_map: dict[str, tuple[tuple[str, ...], str]] = {}
    for value, grant in (settings.oidc_role_map or {}).items():
        bad = [r for r in grant.roles if r not in roles.ROLES or roles.ROLES[r].system or not roles.ROLES[r].person]
        if bad or not grant.roles:
            raise ValueError(f"oidc_role_map[{value!r}] gives no role or a role a person cannot have: {bad}")
        role_map[value] = (tuple(grant.roles), grant.gemeente)
    if settings.oidc_auto_provision and not settings.oidc_roles_claim:
        raise ValueError("oidc_auto_provision needs oidc_roles_claim and oidc_role_map (which roles to give)")
    return OidcConfig(
        issuer=issuer,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        redirect_url=settings.oidc_redirect_url,
        provider_name=settings.oidc_provider_name or "uw organisatie",
        scopes=settings.oidc_scopes,
        subject_claim=settings.oidc_subject_claim or "sub",
        username_claim=settings.oidc_username_claim,
        name_claim=settings.oidc_name_claim or "name",
        roles_claim=settings.oidc_roles_claim,
        role_map=role_map,
        auto_provision=settings.oidc_auto_provision,
        gemeente=settings.oidc_gemeente,
        password_login=settings.oidc_password_login,
        timeout_seconds=settings.oidc_timeout_seconds,
    )


@dataclass(frozen=True)
class Flow:
    """What the browser keeps (in the signed session cookie) between the redirect and the callback."""

    state: str
    nonce: str
    code_verifier: str
    started: float  # epoch seconds, real clock

    def as_dict(self) -> dict[str, Any]:
        """The flow as JSON for the session cookie."""
        return {"state": self.state, "nonce": self.nonce, "code_verifier": self.code_verifier,
                "started": self.started}

    @classmethod
    def from_dict(cls, data: Any) -> Flow | None:
        """The flow from the session cookie, or None when there is none (or it is malformed)."""
        if not isinstance(data, dict):
            return None
        try:
            return cls(state=str(data["state"]), nonce=str(data["nonce"]), code_verifier=str(data["code_verifier"]),
                       started=float(data["started"]))
        except (KeyError, TypeError, ValueError):
            return None


class OidcClient:
    """Talks to one identity provider: discovery, authorization URL, code exchange, ID token checks."""

    def __init__(self, config: OidcConfig) -> None:
        self.config = config
        self._metadata: tuple[float, dict[str, Any]] | None = None
        self._keys: tuple[float, dict[str, Any]] | None = None

    def _http(self) -> httpx.Client:
        return httpx.Client(timeout=self.config.timeout_seconds, follow_redirects=False)

    def _get_json(self, url: str, **kwargs) -> dict[str, Any]:
        try:
            with self._http() as http:
                response = http.get(url, **kwargs)
        except httpx.HTTPError as exc:
            raise OidcRefused("provider_unreachable", 502) from exc
        if response.status_code != 200:
            raise OidcRefused("provider_error", 502)
        try:
            data = response.json()
        except ValueError as exc:
            raise OidcRefused("provider_error", 502) from exc
        if not isinstance(data, dict):
            raise OidcRefused("provider_error", 502)
        return data

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (cached `METADATA_MAX_AGE`); its issuer must be ours."""
        if self._metadata is not None and time.monotonic() - self._metadata[0] < METADATA_MAX_AGE:
            return self._metadata[1]
        data = self._get_json(self.config.issuer + "/.well-known/openid-configuration")
        if str(data.get("issuer", "")).rstrip("/") != self.config.issuer:
            raise OidcRefused("issuer_mismatch", 502)
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(data.get(key), str):
                raise OidcRefused("provider_error", 502)
        self._metadata = (time.monotonic(), data)
        return data

    def key_set(self, *, force: bool = False) -> KeySet:
        """The provider's signing keys (JWKS), read again when `force` or older than an hour."""
        if force or self._keys is None or time.monotonic() - self._keys[0] >= METADATA_MAX_AGE:
            self._keys = (time.monotonic(), self._get_json(self.metadata()["jwks_uri"]))
        try:
            return KeySet.import_key_set(self._keys[1])
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise OidcRefused("provider_error", 502) from exc

    def begin(self) -> tuple[str, Flow]:
        """Return the provider's authorization URL and the flow to keep until the callback."""
        flow = Flow(state=generate_token(32), nonce=generate_token(32), code_verifier=generate_token(64),
                    started=wall_clock().timestamp())
        url = prepare_grant_uri(
            self.metadata()["authorization_endpoint"],
            client_id=self.config.client_id,
            response_type="code",
            redirect_uri=self.config.redirect_url,
            scope=self.config.scope,
            state=flow.state,
            nonce=flow.nonce,
            code_challenge=create_s256_code_challenge(flow.code_verifier),
            code_challenge_method="S256",
        )
        return url, flow

    def finish(self, flow: Flow | None, params: Mapping[str, str]) -> dict[str, Any]:
        """Check the callback against the flow, exchange the code and return the validated claims."""
        if flow is None:
            raise OidcRefused("no_flow")
        state = params.get("state") or ""
        if not hmac.compare_digest(state.encode("utf-8"), flow.state.encode("utf-8")):
            raise OidcRefused("state")
        if wall_clock().timestamp() - flow.started > FLOW_MAX_AGE.total_seconds():
            raise OidcRefused("flow_expired")
        returned_issuer = params.get("iss")
        if returned_issuer is not None and returned_issuer.rstrip("/") != self.config.issuer:
            raise OidcRefused("callback_issuer")  # RFC 9207: the answer came from another provider
        if params.get("error"):
            raise OidcRefused("provider_denied", 403 if params.get("error") == "access_denied" else 400)
        code = params.get("code") or ""
        if not code or len(code) > 2000:
            raise OidcRefused("no_code")
        token = self.exchange(code, flow.code_verifier)
        claims = self.validate_id_token(token.get("id_token"), nonce=flow.nonce,
                                        access_token=token.get("access_token"))
        return self.with_userinfo(claims, token.get("access_token"))

    def exchange(self, code: str, code_verifier: str) -> dict[str, Any]:
        """Exchange the authorization code (with the PKCE verifier) at the token endpoint."""
        try:
            with self._http() as http:
                response = http.post(
                    self.metadata()["token_endpoint"],
                    data={"grant_type": "authorization_code", "code": code, "redirect_uri": self.config.redirect_url,
                          "code_verifier": code_verifier},
                    auth=(self.config.client_id, self.config.client_secret),
                    headers={"Accept": "application/json"},
                )
        except httpx.HTTPError as exc:
            raise OidcRefused("provider_unreachable", 502) from exc
        if response.status_code != 200:
            raise OidcRefused("token_refused")
        try:
            token = response.json()
        except ValueError as exc:
            raise OidcRefused("token_refused") from exc
        if not isinstance(token, dict) or not isinstance(token.get("id_token"), str):
            raise OidcRefused("no_id_token")
        return token

    def validate_id_token(self, id_token: Any, *, nonce: str, access_token: str | None = None,
                          now: datetime | None = None) -> dict[str, Any]:
        """Return the ID token's claims after checking signature, iss, aud, azp, exp, iat, nonce, at_hash."""
        if not isinstance(id_token, str) or len(id_token) > 20_000:
            raise OidcRefused("id_token")
        offered = self.metadata().get("id_token_signing_alg_values_supported") or ["RS256"]
        registry = JWSRegistry(algorithms=[a for a in offered if a in SIGNING_ALGORITHMS] or ["RS256"])
        try:
            try:
                decoded = jwt.decode(id_token, self.key_set(), registry=registry)
            except InvalidKeyIdError:
                decoded = jwt.decode(id_token, self.key_set(force=True), registry=registry)
        except (JoseError, ValueError, TypeError) as exc:
            raise OidcRefused("id_token_signature") from exc
        options = {
            "iss": {"essential": True, "value": self.config.issuer},
            "aud": {"essential": True, "value": self.config.client_id},
            "exp": {"essential": True},
            "nonce": {"essential": True, "value": nonce},
        }
        params = {"nonce": nonce, "client_id": self.config.client_id}
        if access_token:
            params["access_token"] = access_token
        claims = CodeIDToken(decoded.claims, decoded.header, options, params)
        moment = int((now or wall_clock()).timestamp())
        try:
            claims.validate(now=moment, leeway=LEEWAY_SECONDS)
        except JoseError as exc:
            raise OidcRefused(f"id_token_{getattr(exc, 'claim', None) or exc.error}") from exc
        return dict(claims)

    def with_userinfo(self, claims: dict[str, Any], access_token: str | None) -> dict[str, Any]:
        """Add the userinfo endpoint's claims the ID token lacks (its `sub` must be the ID token's)."""
        endpoint = self.metadata().get("userinfo_endpoint")
        if not endpoint or not access_token:
            return claims
        info = self._get_json(endpoint, headers={"Authorization": f"Bearer {access_token}"})
        if info.get("sub") != claims.get("sub"):
            raise OidcRefused("userinfo_subject")
        return {**info, **claims}


@dataclass(frozen=True)
class Grants:
    """The roles and gemeenten the roles claim maps onto (empty when the claim gives none)."""

    roles: tuple[str, ...]
    gemeenten: tuple[str, ...]


def mapped_grants(config: OidcConfig, claims: Mapping[str, Any]) -> Grants:
    """Return what the person's roles claim gives through the role map, nothing else."""
    value = claims.get(config.roles_claim) if config.roles_claim else None
    values = [value] if isinstance(value, str) else [v for v in (value or []) if isinstance(v, str)]
    found_roles: list[str] = []
    found_gemeenten: list[str] = []
    for item in values:
        grant = config.role_map.get(item)
        if grant is None:
            continue
        found_roles.extend(r for r in grant[0] if r not in found_roles)
        gemeente = grant[1] or config.gemeente
        if gemeente and gemeente not in found_gemeenten:
            found_gemeenten.append(gemeente)
    return Grants(tuple(found_roles), tuple(found_gemeenten))


def subject_reference(issuer: str, subject: str) -> str:
    """A short pseudonym of an identity for the audit log of a refusal (never the claim itself)."""
    return hashlib.sha256(f"{issuer}\x00{subject}".encode("utf-8")).hexdigest()[:16]


def account_for(session: Session, config: OidcConfig, claims: Mapping[str, Any], *, now: datetime) -> User:
    """Return the Regie account of the person these validated claims describe (see the module
    docstring), linking or provisioning it when the configuration says so; OidcRefused otherwise.
    Every check comes before the first write, so a refusal leaves the database as it was."""
    subject = claims.get(config.subject_claim)
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise OidcRefused("subject_claim_missing", 403)
    grants = mapped_grants(config, claims)
    identity = session.execute(select(OidcIdentity).where(OidcIdentity.issuer == config.issuer,
                                                          OidcIdentity.subject == subject)).scalar_one_or_none()
    user: User | None = None
    how = ""
    if identity is not None:
        user = session.get(User, identity.user_id)
    else:
        user = _account_by_username(session, config, claims)
        how = "username" if user is not None else ("provisioned" if config.auto_provision and grants.roles else "")
    if user is None and how != "provisioned":
        raise OidcRefused("unknown_person", 403)
    if user is not None and not user.active:
        raise OidcRefused("account_inactive", 403)
    if config.roles_claim:
        if not grants.roles:
            raise OidcRefused("no_role", 403)
        if user is not None and grants.gemeenten and user.gemeente not in grants.gemeenten:
            raise OidcRefused("gemeente_not_granted", 403)
    if how == "provisioned":
        user = _provision(session, config, claims, grants, now=now)
    if how:
        identity = _link(session, config, user, subject, how, now=now)
    if config.roles_claim:
        _apply_grants(session, user, grants, now=now)
    identity.last_login_at = wall_clock()
    session.flush()
    return user


def _link(session: Session, config: OidcConfig, user: User, subject: str, how: str, *,
          now: datetime) -> OidcIdentity:
    identity = OidcIdentity(user_id=user.id, issuer=config.issuer, subject=subject, claim=config.subject_claim,
                            linked_at=wall_clock(), linked_by=how)
    session.add(identity)
    session.flush()
    audit.record(session=session, actor=user.username, action="oidc_linked", at=now, gemeente=user.gemeente,
                 detail={"issuer": config.issuer, "claim": config.subject_claim, "how": how})
    return identity


def _account_by_username(session: Session, config: OidcConfig, claims: Mapping[str, Any]) -> User | None:
    """The account the username claim names, when it has no identity at this provider yet."""
    username = claims.get(config.username_claim) if config.username_claim else None
    if not isinstance(username, str) or not username.strip():
        return None
    user = session.execute(select(User).where(User.username == username.strip())).scalar_one_or_none()
    if user is None:
        return None
    linked = session.execute(select(OidcIdentity.id).where(OidcIdentity.issuer == config.issuer,
                                                           OidcIdentity.user_id == user.id)).first()
    return None if linked is not None else user


def _provision(session: Session, config: OidcConfig, claims: Mapping[str, Any], grants: Grants, *,
               now: datetime) -> User:
    """Create the account of a person the role map gives roles: exactly those roles, no password."""
    home = grants.gemeenten[0] if grants.gemeenten else config.gemeente
    if not home or any(session.get(Gemeente, g) is None for g in (home, *grants.gemeenten)):
        raise OidcRefused("gemeente_unknown", 403)
    name = claims.get(config.name_claim)
    display_name = name.strip()[:200] if isinstance(name, str) and name.strip() else "Medewerker"
    subject = claims[config.subject_claim]
    user = User(username=_free_username(session, config, claims, subject), display_name=display_name, gemeente=home,
                password_hash=NO_PASSWORD, roles=list(grants.roles), groups=_task_groups(grants.roles), active=True,
                failed_logins=0, locked_until=None)
    session.add(user)
    session.flush()
    for gemeente in grants.gemeenten[1:]:
        tenancy.add_membership(session, user=user, gemeente=gemeente)
    audit.record(session=session, actor=user.username, action="oidc_provisioned", at=now, gemeente=home,
                 detail={"roles": list(grants.roles), "gemeenten": list(grants.gemeenten) or [home]})
    return user


def _free_username(session: Session, config: OidcConfig, claims: Mapping[str, Any], subject: str) -> str:
    """The person's preferred username when it is plain and free, else `oidc-<pseudonym>`."""
    for claim in (config.username_claim, "preferred_username"):
        wanted = claims.get(claim) if claim else None
        if (isinstance(wanted, str) and USERNAME_SAFE.match(wanted) and not re.search(r"\d{9}", wanted)
                and session.execute(select(User.id).where(User.username == wanted)).first() is None):
            return wanted
    return "oidc-" + subject_reference(config.issuer, subject)[:12]


def _task_groups(role_names) -> list[str]:
    groups: set[str] = set()
    for name in role_names:
        groups |= set(roles.ROLES[name].task_groups)
    return sorted(groups)


def _apply_grants(session: Session, user: User, grants: Grants, *, now: datetime) -> None:
    """The identity provider decides the roles: exactly what the map gives (checked non-empty)."""
    if sorted(user.roles or []) != sorted(grants.roles):
        audit.record(session=session, actor=user.username, action="oidc_roles", at=now, gemeente=user.gemeente,
                     detail={"from": sorted(user.roles or []), "to": sorted(grants.roles)})
        user.roles = list(grants.roles)
        user.groups = _task_groups(grants.roles)
        session.flush()


def record_refusal(session: Session, config: OidcConfig | None, reason: str, claims: Mapping[str, Any] | None, *,
                   now: datetime) -> None:
    """Audit a refused login through the identity provider: the reason and, when the provider
    vouched for the person, a pseudonym of the identity (so a beheerder can link it on request)."""
    detail: dict[str, Any] = {"method": "oidc", "reason": reason}
    subject = (claims or {}).get(config.subject_claim) if config is not None else None
    if isinstance(subject, str) and subject:
        detail["identity"] = subject_reference(config.issuer, subject)
    audit.record(session=session, actor="oidc", action="login_refused", at=now, detail=detail)
    log.info("OpenID Connect login refused: %s", reason)
