"""Settings, read once from the environment (prefix REGIE_) in the app's lifespan."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-change-me"


class OidcGrant(BaseModel):
    """What one value of the identity provider's roles claim gives in Regie (engine/access/oidc.py)."""

    roles: list[str] = Field(description="Regie roles (engine/access/roles.py; no system accounts).")
    gemeente: str = Field(default="", description="Gemeente (code) these roles are for; empty: oidc_gemeente.")


class Settings(BaseSettings):
    """Every setting with its help text; nothing is read at import time."""

    model_config = SettingsConfigDict(env_prefix="REGIE_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'regie.sqlite'}",
        validation_alias=AliasChoices("DATABASE_URL", "REGIE_DATABASE_URL"),
        description="SQLAlchemy URL; SQLite file by default, postgresql+psycopg://… in production.",
    )
    clock: Literal["system", "database"] = Field(
        default="database",
        description="'system' = real time (production); 'database' = a settable clock for demo and tests.",
    )
    secret_key: str = Field(
        default=DEV_SECRET_KEY,
        description="Signs session cookies and CSRF tokens; set a long random value in production.",
    )
    secure_cookies: bool = Field(default=False, description="Send cookies only over HTTPS (production: true).")
    processes_dir: Path = Field(default=PROJECT_ROOT / "processes", description="BPMN and DMN files.")
    forms_dir: Path = Field(default=PROJECT_ROOT / "forms", description="Camunda Forms (*.form).")
    letters_dir: Path = Field(default=PROJECT_ROOT / "letters", description="Letter templates (DOCX).")
    engine_rest_token: str = Field(
        default="",
        description="Bearer token Camunda Modeler may use for /engine-rest (empty: only beheerder basic auth).",
    )
    engine_rest_gemeente: str = Field(default="demo", description="Gemeente of cases started with the token.")
    worker_poll_seconds: float = Field(default=5.0, description="How often `regie worker` looks for due work.")

    # -- DUO, BRP and COA (engine/duo, engine/brp, engine/coa; README "Aansluiten op DUO") --
    duo_url: str = Field(
        default="",
        description="Base URL of DUO's M2M API incl. major version (https://…/v1); empty: PIPs wait in the outbox.",
    )
    duo_oin: str = Field(default="", description="DUO's OIN: the `doel` of our requests, the `bron` of notifications.")
    duo_token: str = Field(
        default="",
        description="Bearer token DUO's system account presents on the Notificatie API (empty: token not accepted).",
    )
    duo_client_cert_header: str = Field(
        default="",
        description="Header in which the TLS-terminating proxy passes the verified client certificate's SHA-256 "
                    "fingerprint (Digikoppeling); empty: no certificate check.",
    )
    duo_client_cert_fingerprint: str = Field(
        default="", description="SHA-256 fingerprint (hex) of DUO's PKIoverheid client certificate.")
    duo_cert_file: str = Field(default="", description="Our PKIoverheid certificate (PEM) for calls to DUO.")
    duo_key_file: str = Field(default="", description="The private key (PEM) of duo_cert_file.")
    duo_timeout_seconds: float = Field(default=10.0, description="Timeout of one call to DUO or the BRP.")
    duo_retries: int = Field(default=3, description="Attempts per call to DUO or the BRP before it is an incident.")
    duo_backoff_seconds: float = Field(default=0.5, description="Wait before the 2nd attempt; doubles each time.")
    brp_url: str = Field(default="", description="Base URL of the BRP API Personen (Haal Centraal); empty: no BRP.")
    brp_api_key: str = Field(default="", description="API key for the BRP API Personen.")
    coa_token: str = Field(default="", description="Bearer token of COA's system account for the klantprofiel API.")

    # -- OpenID Connect login (engine/access/oidc.py, api/auth/oidc.py; README "Inloggen via de eigen
    #    identity provider"). Off while oidc_issuer is empty. --
    oidc_issuer: str = Field(
        default="",
        description="Issuer URL of the gemeente's identity provider (discovery at "
                    "<issuer>/.well-known/openid-configuration); empty: OpenID Connect login is off.",
    )
    oidc_client_id: str = Field(default="", description="Client id Regie has at the identity provider.")
    oidc_client_secret: str = Field(default="", description="Client secret (token endpoint, client_secret_basic).")
    oidc_redirect_url: str = Field(
        default="",
        description="Regie's callback as registered at the identity provider: https://<regie>/login/oidc/callback.",
    )
    oidc_provider_name: str = Field(default="uw organisatie",
                                    description="Name on the login button: 'Inloggen met <name>'.")
    oidc_scopes: str = Field(default="openid profile email", description="Scopes asked for (openid is added).")
    oidc_subject_claim: str = Field(
        default="sub",
        description="Claim that identifies the person, stored with the account (stable: keep `sub`).",
    )
    oidc_username_claim: str = Field(
        default="",
        description="Claim whose value equals the Regie username of an existing account, to link that account "
                    "at its first login (e.g. preferred_username); empty: accounts are linked only by subject.",
    )
    oidc_name_claim: str = Field(default="name", description="Claim with the person's display name.")
    oidc_roles_claim: str = Field(
        default="",
        description="Claim with the person's groups or roles (e.g. groups); when set, the identity provider "
                    "decides the Regie roles at every login through oidc_role_map.",
    )
    oidc_role_map: dict[str, OidcGrant] = Field(
        default_factory=dict,
        description='JSON: value of the roles claim -> {"roles": [...], "gemeente": "..."}.',
    )
    oidc_auto_provision: bool = Field(
        default=False,
        description="Create an account at the first login of a person whose mapped roles give one or more roles.",
    )
    oidc_gemeente: str = Field(default="", description="Gemeente of provisioned accounts when the map names none.")
    oidc_password_login: bool = Field(
        default=True, description="Also show the password form when OpenID Connect is on (false: only the button).")
    oidc_timeout_seconds: float = Field(default=10.0, description="Timeout of one call to the identity provider.")
