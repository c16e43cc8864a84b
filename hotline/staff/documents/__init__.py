"""Printable documents as PDF: a ticket's 交办单 and a 督办's 督办函 (DESIGN §11)."""
