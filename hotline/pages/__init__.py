"""Pages shared by every staff role: the home redirect, the ticket page, the action forms."""
