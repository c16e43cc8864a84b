"""The assessment components that exist: the hotline figures, interviews, and the factories of
the campaign items (negative lists, commitments, inspections) that take their stats functions."""
