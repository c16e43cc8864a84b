"""The benchmark suite: Hotline against the bare stack, on PostgreSQL + Redis, in one run."""
