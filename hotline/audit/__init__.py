"""The append-only audit log of unmasked personal-data reads and admin changes."""
