"""Who is acting (staff, a special supervisor, the complainant, an outside client or the system)
and the roles."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    operator = "operator"
    supervisor = "supervisor"
    unit_agent = "unit_agent"
    unit_head = "unit_head"
    inspector = "inspector"
    admin = "admin"
    # 特邀监督员 (DESIGN §11): an appointed citizen, or a monitoring station's staff member.
    special_supervisor = "special_supervisor"


HOTLINE_ROLES = frozenset({Role.operator, Role.supervisor})
UNIT_ROLES = frozenset({Role.unit_agent, Role.unit_head})
# Special supervisors sign in too, but only file and read their own filings: whatever is open to
# "any staff" stays closed to them unless it names FILER_ROLES.
FILER_ROLES = frozenset({Role.special_supervisor})
STAFF_ROLES = frozenset(Role) - FILER_ROLES


@dataclass(frozen=True)
class Actor:
    """The caller of a service; services check permissions against it."""

    user_id: int | None = None
    role: str | None = None
    unit_id: int | None = None
    label: str | None = None

    @classmethod
    def of(cls, user: Any) -> Actor:
        """The actor for a staff `User` row."""
        return cls(user_id=user.id, role=user.role, unit_id=user.unit_id, label=user.username)

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(label=label)

    @classmethod
    def complainant(cls, phone: str | None = None) -> Actor:
        return cls(label="complainant")

    @property
    def is_staff(self) -> bool:
        return self.role is not None

    @property
    def is_system(self) -> bool:
        return self.role is None and self.label not in (None, "complainant")

    @property
    def is_hotline(self) -> bool:
        return self.role in HOTLINE_ROLES

    @property
    def is_unit(self) -> bool:
        return self.role in UNIT_ROLES

    @property
    def is_filer(self) -> bool:
        """A special supervisor (特邀监督员), alone or on a monitoring station's staff."""
        return self.role in FILER_ROLES

    @property
    def sees_full_personal_data(self) -> bool:
        return self.role in {Role.operator, Role.supervisor, Role.inspector, Role.admin}
