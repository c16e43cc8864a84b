"""Phone calls beyond intake: the missed-call callback tasks operators work through."""
