"""Tables of the access model: gemeente memberships, teams, partner links, login sessions, login throttling."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base, UTCDateTime


class Membership(Base):
    """A user may work in this gemeente besides their home gemeente (regional cooperation), and
    may belong to an organisation (a partner such as VluchtelingenWerk)."""

    __tablename__ = "access_memberships"
    __table_args__ = (UniqueConstraint("user_id", "gemeente"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(ForeignKey("gemeenten.code"))
    organisation: Mapped[str | None] = mapped_column(String(100), nullable=True)


class Team(Base):
    """A team of klantmanagers and teamleiders that works a set of cases. It belongs to the gemeente
    whose beheerder keeps it; a regional team works for several gemeenten (TeamGemeente). Every
    gemeente has one default team: new cases land there unless someone chooses another team."""

    __tablename__ = "access_teams"
    __table_args__ = (UniqueConstraint("gemeente", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    gemeente: Mapped[str] = mapped_column(ForeignKey("gemeenten.code"))
    name: Mapped[str] = mapped_column(String(100))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class TeamGemeente(Base):
    """A gemeente a team works for: its own, and for a regional team the others it serves."""

    __tablename__ = "access_team_gemeenten"
    team_id: Mapped[int] = mapped_column(ForeignKey("access_teams.id", ondelete="CASCADE"), primary_key=True)
    gemeente: Mapped[str] = mapped_column(ForeignKey("gemeenten.code"), primary_key=True)


class TeamMember(Base):
    """A person in a team (a person may be in several); `leads` marks the team's teamleider(s)."""

    __tablename__ = "access_team_members"
    team_id: Mapped[int] = mapped_column(ForeignKey("access_teams.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    leads: Mapped[bool] = mapped_column(Boolean, default=False)


class PartnerLink(Base):
    """An inburgeraar (case) linked to a partner organisation: dated, with a purpose, and ending
    when the purpose ends. Without a current link the partner does not see the case at all."""

    __tablename__ = "access_partner_links"
    __table_args__ = (Index("ix_access_partner_links_org", "gemeente", "organisation", "valid_until"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(String(32))
    organisation: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(300))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    share_letters: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


class LoginSession(Base):
    """A server-side login session: the cookie holds only its random id. Logout and a beheerder
    revoke it; it also ends after the idle and absolute timeouts (real clock)."""

    __tablename__ = "access_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    gemeente: Mapped[str] = mapped_column(String(32))  # the gemeente the user works in now
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    method: Mapped[str] = mapped_column(String(20), default="password")  # password | oidc


class LoginThrottle(Base):
    """Failed logins per account or per client address, for growing delays (never a hard lock)."""

    __tablename__ = "access_login_throttle"
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # account | address
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OidcIdentity(Base):
    """A person at the gemeente's identity provider, linked to a Regie account: the provider's
    issuer and the value of the claim that identifies the person there (`sub` unless configured).
    One identity per account per provider; the login through OpenID Connect finds the account here."""

    __tablename__ = "access_oidc_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"), UniqueConstraint("user_id", "issuer"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    claim: Mapped[str] = mapped_column(String(100))  # the claim the subject came from (sub unless configured)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    linked_by: Mapped[str] = mapped_column(String(20))  # username | provisioned
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
