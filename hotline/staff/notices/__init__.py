"""The inbox page (/notices) and the unread badge every staff page shows."""
