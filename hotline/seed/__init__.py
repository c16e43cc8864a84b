"""Demo data to explore Hotline: `flask seed --demo`."""
