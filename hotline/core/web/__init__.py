"""hotline.core.web."""
