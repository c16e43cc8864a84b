"""What a unit's staff may see of a complainant (DESIGN §1): the one masking rule."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str | None:
    """138****5678 style: the national number with its middle hidden."""
    if not phone:
        return phone
    digits = phone.removeprefix("+86") if phone.startswith("+86") else phone.lstrip("+")
    if len(digits) <= 7:
        return digits[:2] + "*" * max(len(digits) - 4, 1) + digits[-2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def unit_view(
    *, phone: str | None, name: str | None, disclose_identity: bool, confidential: bool
) -> tuple[str | None, str | None]:
    """(phone, name) as a unit sees them: the phone masked, the name only if disclosed,
    nothing at all if the complainant asked for confidentiality (保密)."""
    if confidential:
        return None, None
    return mask_phone(phone), name if disclose_identity else None
