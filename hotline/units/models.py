"""The responsible unit (承办单位) and its head; a monitoring station (监督测评站点) is one too."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.core.dbtypes import UTCDateTime
from hotline.core.extensions import db


class UnitKind(StrEnum):
    # Takes tickets: dispatched to, answers, is ranked.
    responsible = "responsible"
    # 营商环境监督测评站点 (DESIGN §11): takes no tickets; its staff file as special supervisors.
    station = "station"


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(160))
    # province / city / district: only for display and the seed's hierarchy.
    level: Mapped[str] = mapped_column(String(20), default="city")
    kind: Mapped[str] = mapped_column(
        String(20), default=UnitKind.responsible, server_default=UnitKind.responsible.value
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    head_name: Mapped[str | None] = mapped_column(String(60))
    head_phone: Mapped[str | None] = mapped_column(String(20))
    # Where dispatch and 催办 SMS notices for the unit's agents go.
    duty_phone: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_station(self) -> bool:
        return self.kind == UnitKind.station

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"
