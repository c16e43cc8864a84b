"""The operator console (受理台): new calls, triage, callbacks, missed calls, approvals."""
