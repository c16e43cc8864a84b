"""WSGI entry point: only creates the app."""

from hotline import create_app

app = create_app()
