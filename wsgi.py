"""WSGI entry point: creates the app, adds the workers' CLI, then freezes the start-up heap."""

from hotline import create_app
from hotline.core.heap import freeze_startup_heap
from workers.cli import register_commands

app = create_app()
register_commands(app)
freeze_startup_heap()
