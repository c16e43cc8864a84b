"""hotline.core."""
