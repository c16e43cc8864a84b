"""The dispatch catalogue (派单目录): categories and routing rules."""
