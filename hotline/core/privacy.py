"""What a unit's staff may see of a complainant (DESIGN §1): the one masking rule."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str | None:
    """138****5678 for a mobile (DESIGN §1); a shorter number shows only its last digits, never
    most of itself (12345 → ***45, a landline 50001234 → ****1234)."""
    if not phone:
        return phone
    digits = phone.removeprefix("+86") if phone.startswith("+86") else phone.lstrip("+")
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    tail = 4 if len(digits) >= 8 else min(2, len(digits) // 2)
    return "*" * (len(digits) - tail) + digits[-tail:]


def unit_view(
    *, phone: str | None, name: str | None, disclose_identity: bool, confidential: bool
) -> tuple[str | None, str | None]:
    """(phone, name) as a unit sees them: the phone masked, the name only if disclosed,
    nothing at all if the complainant asked for confidentiality (保密)."""
    if confidential:
        return None, None
    return mask_phone(phone), name if disclose_identity else None
