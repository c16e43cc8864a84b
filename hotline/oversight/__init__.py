"""hotline.oversight."""
