"""Staff users and their roles, special supervisors' appointments, and Open311 API keys."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from hotline.core.dbtypes import UTCDateTime
from hotline.core.extensions import db
from hotline.units.models import Unit


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    display_name: Mapped[str | None] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(20))
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    # Every session cookie and API token carries the generation it was issued under; logout,
    # a password reset and a change of role, unit or standing raise it, voiding them all.
    generation: Mapped[int] = mapped_column(default=1, server_default="1")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit | None] = relationship(lazy="joined")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # flask-login reads this
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the generation it is valid for."""
        return f"{self.id}:{self.generation}"

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class SupervisorAppointment(db.Model):
    """A special supervisor's (特邀监督员) appointment by the oversight office: who they are
    (affiliation), their term, and whether they were retired. The user row holds the login;
    a retired supervisor's user is deactivated, so they can no longer sign in or use a token.
    A special supervisor without a row (made by `flask users create`) has no term limits."""

    __tablename__ = "supervisor_appointments"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    # 工作单位或身份: "人大代表", "个体工商户", "某某商会" …
    affiliation: Mapped[str | None] = mapped_column(String(120))
    appointed_on: Mapped[date] = mapped_column(Date)
    # The last day of the term (inclusive); None: open-ended.
    term_ends_on: Mapped[date | None] = mapped_column(Date)
    appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retire_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    def serving_on(self, day: date) -> bool:
        """Whether the supervisor may act on this local day: appointed, in term, not retired."""
        return (
            self.retired_at is None
            and self.appointed_on <= day
            and (self.term_ends_on is None or day <= self.term_ends_on)
        )


class ApiKey(db.Model):
    """An Open311 api_key issued by an admin to an outside client; only its hash is kept."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginThrottle(db.Model):
    """Failed sign-ins of one username from one address, and until when that pair must wait.

    Keyed by the pair, so failures from an attacker's address slow only that address down: the
    account's owner, elsewhere, signs in as usual (auth/service.py)."""

    __tablename__ = "login_throttles"

    username: Mapped[str] = mapped_column(String(60), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
