"""Operations: probes, status page, logs."""
