"""Operations: health and readiness probes, the admin status page, JSON logs, outage answers."""
