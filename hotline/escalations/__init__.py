"""The escalation ladder (预警/催办/督办/约谈), interview cases and credit records."""
