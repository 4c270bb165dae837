"""Every exchange with DUO, in and out, kept with its state and the reason of a refusal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base, UTCDateTime

# richting
IN = "in"
UIT = "uit"
# status of a notification from DUO
ONTVANGEN = "ontvangen"          # stored and acknowledged, not yet processed
VERWERKT = "verwerkt"            # the klantreis did what the gebeurtenis asks
NIET_VERWERKT = "niet_verwerkt"  # nothing to do, or the case refused it: see `reden`
# status of a message to DUO
WACHTRIJ = "wachtrij"            # written with the case change, waiting to be sent
BEZIG = "bezig"                  # claimed by a sender
ONTVANGEN_DOOR_DUO = "ontvangen_door_duo"
GEWEIGERD_DOOR_DUO = "geweigerd_door_duo"
MISLUKT = "mislukt"              # DUO unreachable after the retries (also: fetching after a notification)

STATUS_TEXT = {
    ONTVANGEN: "ontvangen, wordt verwerkt",
    VERWERKT: "verwerkt",
    NIET_VERWERKT: "niet verwerkt",
    WACHTRIJ: "in de wachtrij",
    BEZIG: "wordt verstuurd",
    ONTVANGEN_DOOR_DUO: "ontvangen door DUO",
    GEWEIGERD_DOOR_DUO: "geweigerd door DUO",
    MISLUKT: "mislukt (DUO niet bereikbaar)",
}


class DuoBericht(Base):
    """One message between the gemeente and DUO; the BSN is kept apart from the body."""

    __tablename__ = "duo_berichten"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    richting: Mapped[str] = mapped_column(String(3))
    soort: Mapped[str] = mapped_column(String(40))
    bericht_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    gebeurtenis_id: Mapped[str | None] = mapped_column(String(6), nullable=True)
    gemeente: Mapped[str | None] = mapped_column(String(32), nullable=True)
    case_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    element_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    bsn: Mapped[str | None] = mapped_column(String(9), nullable=True)
    inhoud: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(30), index=True)
    actie: Mapped[str | None] = mapped_column(String(300), nullable=True)
    reden: Mapped[str | None] = mapped_column(Text, nullable=True)
    pogingen: Mapped[int] = mapped_column(Integer, default=0)
    aangemaakt_op: Mapped[datetime] = mapped_column(UTCDateTime)
    bijgewerkt_op: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("richting", "bericht_id", name="uq_duo_berichten_richting_bericht_id"),
        Index("ix_duo_berichten_gemeente_aangemaakt", "gemeente", "aangemaakt_op"),
    )
