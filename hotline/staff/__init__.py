"""hotline.staff."""
