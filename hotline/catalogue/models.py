"""Categories (Open311 services) and the routing rules that refine them."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core.extensions import db
from hotline.units.models import Unit


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Open311 service_code.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(160))
    description: Mapped[str | None] = mapped_column(Text)
    # The tree (up to MAX_DEPTH levels): a node with children is a group and takes no tickets.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    default_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    keywords: Mapped[str | None] = mapped_column(Text)
    # Open311 service-definition attributes, as the spec's list of attribute objects.
    attributes: Mapped[list | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)

    default_unit: Mapped[Unit | None] = relationship(lazy="joined")
    parent: Mapped[Category | None] = relationship(remote_side=[id], lazy="select")

    @property
    def group(self) -> str | None:
        """The top-level node's name (Open311's `group`), None at the top."""
        node, top = self.parent, None
        while node is not None:
            top, node = node, node.parent
        return top.name if top is not None else None


class RoutingRule(db.Model):
    """Send matching tickets to a unit; more specific rules (district, keywords) win."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    district: Mapped[str | None] = mapped_column(String(60))
    # Comma-separated; any one found in the description matches.
    keywords: Mapped[str | None] = mapped_column(Text)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    position: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str | None] = mapped_column(String(200))

    unit: Mapped[Unit] = relationship(lazy="joined")
    category: Mapped[Category | None] = relationship(lazy="joined")
